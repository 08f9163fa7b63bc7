// SPDX-License-Identifier: MIT
#include <hv/percpu.h>

struct cpu cpus[HV_MAX_HARTS];

void percpu_assign_harts(const unsigned *hartids, unsigned count)
{
	for (unsigned i = 0; i < count && i < HV_MAX_HARTS; i++) {
		cpus[i].index = i;
		cpus[i].hartid = hartids[i];
		cpus[i].present = true;
	}
}

bool percpu_init_this_hart(unsigned long index, unsigned long hartid)
{
	struct cpu *cpu = cpu_by_index(index);

	/* Another hart's slot would mean two harts on one runqueue. */
	if (!cpu || cpu->hartid != hartid)
		return false;
	/* Everything after this reaches per-hart data through this_cpu(). */
	arch_set_this_cpu(cpu);
	return true;
}
