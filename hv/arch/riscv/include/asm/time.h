/* SPDX-License-Identifier: MIT */
/* arch_time_now() on RISC-V: one read of the time CSR, inline (the run
 * loop and the scheduler read it several times per exit). Included by
 * hv/include/arch/arch.h only. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <stdint.h>

static inline uint64_t arch_time_now(void)
{
	uint64_t now;

	/* "memory": a time read stays in order with the accesses around it,
	 * as a CSR read does. */
	__asm__ __volatile__("rdtime %0" : "=r"(now) : : "memory");
	return now;
}

#endif
