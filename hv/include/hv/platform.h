/* SPDX-License-Identifier: MIT */
/*
 * What the hypervisor learns about the machine from the host DTB. The
 * parser is pure logic over libfdt and is unit-tested on the host with a
 * DTB QEMU dumped.
 */
#ifndef HV_PLATFORM_H
#define HV_PLATFORM_H

#include <hv/types.h>
#include <hv/percpu.h>

#define PLATFORM_ISA_MAX 256
#define PLATFORM_MAX_RESERVED 8

struct platform_hart {
	unsigned hartid;
	bool has_h; /* riscv,isa lists the H extension */
	bool enabled;
};

struct platform {
	unsigned num_harts;
	struct platform_hart harts[HV_MAX_HARTS];
	char isa[PLATFORM_ISA_MAX]; /* riscv,isa of the first usable hart */
	char mmu_type[32];
	bool has_sstc;
	uint64_t timebase_frequency;
	uint64_t ram_base, ram_size;
	uint64_t uart_base;
	unsigned uart_irq;
	uint64_t plic_base, plic_size;
	uint64_t pci_ecam_base, pci_ecam_size;
	uint64_t pci_io_base; /* CPU address of PCI I/O port 0 */
	uint64_t initrd_start, initrd_end;
	unsigned num_reserved;
	uint64_t reserved_base[PLATFORM_MAX_RESERVED];
	uint64_t reserved_size[PLATFORM_MAX_RESERVED];
};

/* HV_OK, or HV_EFORMAT with a reason in err. */
int platform_parse(const void *dtb, struct platform *out, char *err,
		   size_t err_len);
/* True if a riscv,isa string lists the given single-letter extension. */
bool platform_isa_has_letter(const char *isa, char letter);
/* True if a riscv,isa string lists the given multi-letter extension. */
bool platform_isa_has_extension(const char *isa, const char *name);

extern struct platform platform;

#endif
