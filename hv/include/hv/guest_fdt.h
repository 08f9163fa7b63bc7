/* SPDX-License-Identifier: MIT */
/*
 * Builds the device tree a guest boots with, using libfdt's sequential
 * write API. Pure logic: builds on the host for unit tests.
 */
#ifndef HV_GUEST_FDT_H
#define HV_GUEST_FDT_H

#include <hv/types.h>

/* The largest rng-seed a guest DTB carries (guest_fdt_build refuses
 * more): far above what any guest credits. */
#define GUEST_FDT_MAX_RNG_SEED 4096

struct guest_fdt_params {
	const char *vm_name;
	unsigned num_vcpus; /* vCPU i has hart id i */
	uint64_t ram_base, ram_size;
	uint64_t timebase_frequency;
	const char *isa; /* filtered riscv,isa string, see guest_isa_filter */
	const char *mmu_type;		   /* e.g. "riscv,sv39" */
	const char *bootargs;		   /* may be "" */
	uint64_t initrd_start, initrd_end; /* both 0 when there is no initrd */
	uint64_t plic_base, plic_size;
	unsigned plic_num_sources; /* riscv,ndev */
	uint64_t uart_base, uart_size;
	unsigned uart_irq;
	uint32_t uart_clock_frequency;
	unsigned boot_count;	 /* 1 at power-on, +1 per reboot (0 means 1) */
	const uint8_t *rng_seed; /* /chosen/rng-seed; none if len is 0 */
	size_t rng_seed_len;
};

/*
 * Write the DTB into buf. Nodes: /memory, /cpus (timebase-frequency, one
 * cpu@N per vCPU with reg, device_type, status, compatible "riscv",
 * riscv,isa, mmu-type and an interrupt-controller child "riscv,cpu-intc"),
 * /chosen (bootargs, linux,initrd-start/end, stdout-path,
 * hartvisor,boot-count, and rng-seed when given), /soc with the
 * PLIC ("sifive,plic-1.0.0", "riscv,plic0"; interrupts-extended = one
 * supervisor external interrupt (9) context per vCPU, context i = vCPU i)
 * and the ns16550a UART. Returns HV_OK or HV_ENOMEM if buf is too small.
 */
int guest_fdt_build(void *buf, size_t buf_size,
		    const struct guest_fdt_params *params);

/*
 * Turn the host's riscv,isa string into the one a guest may see: only the
 * extensions on the allow-list in guest_fdt.c (what the hypervisor
 * virtualises), "sstc" only if allow_sstc; versions are kept. Returns
 * HV_EINVAL if host_isa doesn't start with "rv64", HV_ENOMEM if out is
 * too small.
 */
int guest_isa_filter(const char *host_isa, bool allow_sstc, char *out,
		     size_t out_len);

#endif
