/* SPDX-License-Identifier: MIT */
/*
 * this_cpu() in host tests: the simulated hart the test is stepping
 * (hv/arch/fake). Included by hv/include/hv/percpu.h only.
 */
#ifndef ASM_THIS_CPU_H
#define ASM_THIS_CPU_H

struct cpu;

extern struct cpu *fake_current_cpu;

static inline struct cpu *this_cpu(void)
{
	return fake_current_cpu;
}

static inline void arch_set_this_cpu(struct cpu *cpu)
{
	fake_current_cpu = cpu;
}

#endif
