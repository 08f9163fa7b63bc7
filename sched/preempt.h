/* SPDX-License-Identifier: MIT */
/* The preemption check (sched/core.c decides the slices): inline, since
 * hv/vcpu/run.c asks it before every guest entry. */
#ifndef SCHED_PREEMPT_H
#define SCHED_PREEMPT_H

#include <arch/arch.h>
#include <hv/percpu.h>

/* Does the current vCPU have to leave the guest (slice over, a waiter)?
 * Preempt at the end of the slice only if someone else waits (a vCPU, or
 * the hart's deferred work: a reboot's next step, the gdb stub's input),
 * or the slice was all the vCPU may have (a cap). */
static inline bool sched_should_preempt(struct cpu *cpu)
{
	return (__atomic_load_n(&cpu->rq.nr_queued, __ATOMIC_RELAXED) ||
		__atomic_load_n(&cpu->preempt_alone_reasons,
				__ATOMIC_RELAXED)) &&
	       arch_time_now() >=
		       __atomic_load_n(&cpu->slice_end, __ATOMIC_RELAXED);
}

#endif
