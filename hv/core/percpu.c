// SPDX-License-Identifier: MIT
#include <hv/percpu.h>

struct cpu cpus[HV_MAX_HARTS];

void percpu_init_this_hart(unsigned hartid)
{
	struct cpu *cpu = &cpus[hartid];

	cpu->hartid = hartid;
	/* Everything after this reaches per-hart data through this_cpu(). */
	__asm__ __volatile__("mv tp, %0" : : "r"(cpu) : "memory");
}
