/* SPDX-License-Identifier: MIT */
/*
 * Virtual PLIC (SiFive/RISC-V PLIC programming model), emulated by trap
 * and emulate. Pure device logic: the caller holds vplic->lock around
 * every call and supplies the callback that drives a context's interrupt
 * line (VSEIP of the vCPU behind that context).
 */
#ifndef HV_VPLIC_H
#define HV_VPLIC_H

#include <hv/types.h>

#define VPLIC_MAX_SOURCES 96 /* source 0 is reserved, 1..95 usable */
#define VPLIC_MAX_CONTEXTS 8
#define VPLIC_WORDS ((VPLIC_MAX_SOURCES + 31) / 32)
#define VPLIC_MMIO_SIZE 0x4000000UL

/* Register map offsets (as in the RISC-V PLIC specification). */
#define VPLIC_PRIORITY_BASE 0x0
#define VPLIC_PENDING_BASE 0x1000
#define VPLIC_ENABLE_BASE 0x2000
#define VPLIC_ENABLE_STRIDE 0x80
#define VPLIC_CONTEXT_BASE 0x200000
#define VPLIC_CONTEXT_STRIDE 0x1000
#define VPLIC_MAX_PRIORITY 7

typedef void (*vplic_irq_line_fn)(void *opaque, unsigned context, bool level);

struct vplic {
	unsigned num_sources; /* including reserved source 0 */
	unsigned num_contexts;
	uint32_t priority[VPLIC_MAX_SOURCES];
	uint32_t level[VPLIC_WORDS]; /* current input line levels */
	uint32_t pending[VPLIC_WORDS];
	uint32_t claimed[VPLIC_WORDS]; /* claimed, not yet completed */
	uint32_t enable[VPLIC_MAX_CONTEXTS][VPLIC_WORDS];
	uint32_t threshold[VPLIC_MAX_CONTEXTS];
	bool line[VPLIC_MAX_CONTEXTS]; /* last level sent through irq_line */
	vplic_irq_line_fn irq_line;
	void *opaque;
};

void vplic_init(struct vplic *plic, unsigned num_sources, unsigned num_contexts,
		vplic_irq_line_fn irq_line, void *opaque);

/* 4-byte aligned 32-bit accesses are valid; anything else returns
 * HV_EINVAL (the caller injects an access fault). Reads of unimplemented
 * registers return 0, writes to them are ignored. */
int vplic_mmio_read(struct vplic *plic, uint64_t offset, unsigned width,
		    uint64_t *value);
int vplic_mmio_write(struct vplic *plic, uint64_t offset, unsigned width,
		     uint64_t value);

/* A device drives its level-triggered interrupt line. */
void vplic_set_level(struct vplic *plic, unsigned source, bool level);

#endif
