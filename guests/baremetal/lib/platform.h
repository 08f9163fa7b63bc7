/* SPDX-License-Identifier: MIT */
/*
 * What a guest learns at boot: its hart id, the DTB, and from the DTB the
 * RAM, the harts, the timebase, the ISA string and the bootargs.
 * guest_boot() (called by crt0 on the boot hart) fills this in, then runs
 * the guest's guest_main() and reports the summary.
 */
#ifndef GUEST_PLATFORM_H
#define GUEST_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

struct platform {
	unsigned boot_hart;
	unsigned num_harts; /* cpu@N nodes under /cpus */
	const void *dtb;
	bool dtb_valid;
	uint64_t ram_base, ram_size;
	uint64_t timebase_hz;
	const char *isa;      /* "" if missing */
	const char *bootargs; /* "" if missing */
	bool has_bootargs;
	bool has_sstc;
	uint64_t boot_time; /* rdtime at entry: seeds per-run patterns */
};

extern struct platform platform;

/* "key=N" (decimal, a whole word) in the bootargs, else fallback. */
uint64_t bootarg_u64(const char *key, uint64_t fallback);
/* Each guest defines its name ("selftest") and its body. */
extern const char guest_name[];
void guest_main(void);

void guest_boot(unsigned long hartid, const void *dtb);

/*
 * Virtual minus physical address of the image (crt0.S): 0 unless the guest
 * runs with its own page tables, which map all of RAM at this one offset.
 * SBI calls take physical addresses (DBCN buffers, HSM start addresses).
 */
extern unsigned long guest_virt_offset;

static inline unsigned long virt_to_phys(const void *addr)
{
	return (unsigned long)addr - guest_virt_offset;
}

static inline uint64_t ram_end(void)
{
	return platform.ram_base + platform.ram_size;
}

#endif
