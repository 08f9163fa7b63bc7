/* SPDX-License-Identifier: MIT */
/*
 * this_cpu() on RISC-V: tp holds the hart's struct cpu while the
 * hypervisor runs (set once by percpu_init_this_hart; the world switch
 * saves and restores the guest's tp), so it is one register read.
 * Included by hv/include/hv/percpu.h only.
 */
#ifndef ASM_THIS_CPU_H
#define ASM_THIS_CPU_H

struct cpu;

static inline struct cpu *this_cpu(void)
{
	struct cpu *cpu;

	__asm__("mv %0, tp" : "=r"(cpu));
	return cpu;
}

static inline void arch_set_this_cpu(struct cpu *cpu)
{
	__asm__ __volatile__("mv tp, %0" : : "r"(cpu) : "memory");
}

#endif
