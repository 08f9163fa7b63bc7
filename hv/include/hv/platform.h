/* SPDX-License-Identifier: MIT */
/*
 * What the hypervisor learns about the machine from the host DTB. The
 * parser is pure logic over libfdt and is unit-tested on the host with a
 * DTB QEMU dumped.
 */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

#include <hv/types.h>
#include <hv/config.h>

#define PLATFORM_ISA_MAX 256
#define PLATFORM_MAX_RESERVED 32
#define PLATFORM_RNG_SEED_MAX 64
#define PLATFORM_MAX_UNUSED 16

/* Why a hart of the DTB does not run hartvisor. */
enum platform_hart_unused {
	PLATFORM_HART_DISABLED,	 /* status is not "okay" */
	PLATFORM_HART_NO_H,	 /* riscv,isa lacks the H extension */
	PLATFORM_HART_DUPLICATE, /* its hart id is already in use */
	PLATFORM_HART_NO_SLOT,	 /* usable, but HV_MAX_HARTS are taken */
};

struct platform_unused_hart {
	unsigned hartid;
	enum platform_hart_unused reason;
};

struct platform {
	/*
	 * The usable harts (H extension, status okay), at most HV_MAX_HARTS:
	 * the boot hart first, then the others in DTB order. hartids[i] is
	 * the hart that gets dense cpu index i.
	 */
	unsigned num_harts;
	unsigned hartids[HV_MAX_HARTS];
	/* Every other cpu node; the first PLATFORM_MAX_UNUSED are listed. */
	unsigned num_unused;
	struct platform_unused_hart unused[PLATFORM_MAX_UNUSED];
	char isa[PLATFORM_ISA_MAX]; /* riscv,isa of the first usable hart */
	char mmu_type[32];
	bool has_sstc;
	uint64_t timebase_frequency;
	uint64_t ram_base, ram_size;
	uint64_t uart_base;
	unsigned uart_irq;
	uint64_t plic_base, plic_size;
	/* The PLIC context that is usable hart i's S-mode external
	 * interrupt (from the PLIC's interrupts-extended), or -1. */
	int plic_s_context[HV_MAX_HARTS];
	uint64_t pci_ecam_base, pci_ecam_size;
	uint64_t pci_io_base; /* CPU address of PCI I/O port 0 */
	uint64_t initrd_start, initrd_end;
	/* The firmware's /chosen/rng-seed (its first PLATFORM_RNG_SEED_MAX
	 * bytes), the hypervisor's only entropy (hv/core/entropy.c), wiped
	 * once used; rng_seed_len 0 if there was none. */
	uint8_t rng_seed[PLATFORM_RNG_SEED_MAX];
	unsigned rng_seed_len;
	uint64_t dtb_size; /* the host DTB's totalsize */
	/* /memreserve/ entries, then every reg of /reserved-memory. */
	unsigned num_reserved;
	uint64_t reserved_base[PLATFORM_MAX_RESERVED];
	uint64_t reserved_size[PLATFORM_MAX_RESERVED];
};

/* HV_OK, or HV_EFORMAT with a reason in err (also for more reserved
 * regions than PLATFORM_MAX_RESERVED, or one it cannot read: those must
 * not be guessed). boot_hartid, the hart
 * running the parse, must be usable; it always gets index 0. */
int platform_parse(const void *dtb, unsigned long boot_hartid,
		   struct platform *out, char *err, size_t err_len);
/* Zero the bytes of the DTB's /chosen/rng-seed in place (the property
 * stays, all zero), once the hypervisor has keyed its generator from
 * them: the host DTB stays in memory for the hypervisor's whole life. */
void platform_wipe_rng_seed(void *dtb);
/* What an unused hart's reason means, for the boot report. */
const char *platform_hart_unused_reason(enum platform_hart_unused reason);
/* The PLIC S-mode context of a usable hart, or -1 (not a usable hart, or
 * none is wired to it). */
int platform_plic_s_context(const struct platform *p, unsigned long hartid);
/* True if a riscv,isa string lists the given single-letter extension. */
bool platform_isa_has_letter(const char *isa, char letter);
/* True if a riscv,isa string lists the given multi-letter extension. */
bool platform_isa_has_extension(const char *isa, const char *name);

extern struct platform platform;

/* Timebase ticks in ms milliseconds (deadlines against arch_time_now). */
static inline uint64_t platform_ticks_from_ms(uint64_t ms)
{
	return platform.timebase_frequency * ms / 1000;
}

#endif
