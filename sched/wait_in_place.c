// SPDX-License-Identifier: MIT
/*
 * The scheduler's side of a wfi waited out in place (hv/vcpu/wait.c):
 * whether the hart may keep a vCPU that waits, and the accounting.
 *
 * A hart may keep its vCPU through a wfi only while no other vCPU wants
 * it: nothing queued here, nothing this hart could pull from a busier one
 * (asked only once the vCPU has no wakeup), no deferred work, and no cap
 * (a capped vCPU's budget is the scheduler's to enforce at every slice).
 * While it waits:
 * - the hart counts as idle for balancing (sched/balance.c), so that busy
 *   harts push work to it or wake it to pull;
 * - its timer also covers the vCPU's Sstc deadline (sched_update_timer);
 * - the time waited is charged to no one: the stint's start moves forward
 *   by the wait, so switch_out charges only what the vCPU ran, and a live
 *   reading (sched_vcpu_times) stops at the wait's start.
 */
#include <arch/arch.h>
#include <hv/percpu.h>
#include <hv/steal_time.h>
#include <hv/vcpu.h>
#include <hv/vm.h>
#include "sched/balance.h"
#include "sched/internal.h"
#include "sched/policy.h"

bool sched_wait_in_place_enabled = true;

/* The cheap half: work already here, or the scheduler's say at every
 * switch: a budget to enforce (a cap decides at every slice, one set
 * while the vCPU waits counts too), or a policy that picks a hart at
 * every switch (migrate-random, which exists to move vCPUs). */
bool sched_hart_busy_or_capped(struct cpu *cpu, struct vcpu *vcpu)
{
	return __atomic_load_n(&cpu->rq.nr_queued, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&cpu->preempt_alone_reasons, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&vcpu->vm->sched.cap_percent,
			       __ATOMIC_RELAXED) ||
	       cpu->rq.policy->select_cpu;
}

/* Pulling comes last, once the vCPU is known to have no wakeup: a wfi
 * with an interrupt pending must not move another hart's vCPU here. */
bool sched_hart_wanted(struct cpu *cpu, struct vcpu *vcpu)
{
	return sched_hart_busy_or_capped(cpu, vcpu) || sched_balance_pull(cpu);
}

bool sched_wait_in_place_begin(struct vcpu *vcpu, uint64_t *began)
{
	struct cpu *cpu = this_cpu();

	if (!sched_wait_in_place_enabled ||
	    sched_hart_busy_or_capped(cpu, vcpu))
		return false;
	/* Read by other harts' balancing, unlocked (as cpu->current). */
	__atomic_store_n(&cpu->waiting_in_place, true, __ATOMIC_RELAXED);
	vcpu->stats.wfi_waits++;
	sched_update_timer(); /* the vCPU's deadline, Sstc included */
	*began = arch_time_now();
	stint_change_begin(&vcpu->stats);
	__atomic_store_n(&vcpu->stats.waiting_since, *began, __ATOMIC_RELAXED);
	stint_change_end(&vcpu->stats);
	return true;
}

/*
 * The hart timer ended the wait, armed for the waiting vCPU's own SBI
 * deadline: the hart's other events, from the last timer pass (the wait's
 * start made one), all lie ahead. Then the wait ends without another
 * pass, which would find nothing to do but move the hart timer on to
 * them: they are set here, and the vCPU's expired deadline is raised at
 * entry (with its timer interrupt masked, the wait goes on until them).
 * Other harts change this hart's events only with an IPI (a kick, a vCPU
 * queued or moved here), and anything else pending takes the full pass.
 * One change comes without: a cap budget freed on another hart reaches a
 * vCPU throttled here at its period's end, which the last pass armed.
 */
bool sched_wait_woken_by_own_timer(struct vcpu *vcpu, uint64_t now)
{
	struct cpu *cpu = this_cpu();
	uint64_t others = cpu->timer_besides_current;

	if (arch_pending_host_irqs() != HOST_IRQ_TIMER || others <= now ||
	    now < __atomic_load_n(&vcpu->timer_deadline, __ATOMIC_RELAXED))
		return false;
	cpu->timer_after_wait = others;
	cpu->timer_programmed = others;
	arch_timer_program(others);
	return true;
}

void sched_wait_in_place_end(struct vcpu *vcpu, uint64_t began, bool resumed,
			     uint64_t woken_since)
{
	struct cpu *cpu = this_cpu();
	struct runqueue *rq = &cpu->rq;
	uint64_t now = arch_time_now();

	spin_lock(&rq->lock);
	__atomic_store_n(&cpu->waiting_in_place, false, __ATOMIC_RELAXED);
	/* The wait is not run time (see the top of this file). */
	stint_change_begin(&vcpu->stats);
	__atomic_store_n(&vcpu->stats.switched_in_at,
			 vcpu->stats.switched_in_at + (now - began),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&vcpu->stats.waiting_since, 0, __ATOMIC_RELAXED);
	stint_change_end(&vcpu->stats);
	if (resumed) {
		/* As a switch-in would: a guest reading its STA record sees
		 * it updated after its wfi (steal unchanged: no wait). */
		sbi_sta_switched_in(vcpu);
		/* A fresh slice, as a pick would give it. With a vCPU
		 * queued meanwhile, the old one stands (it may have been
		 * cut short for the newcomer: sched/ownership.c), and so
		 * it does for work deferred meanwhile (the gdb stub's
		 * input), whose timer sched_defer set to its end. */
		if (!rq->nr_queued && !cpu->nr_deferred)
			__atomic_store_n(&cpu->slice_end,
					 now + cpu->slice_length,
					 __ATOMIC_RELAXED);
		if (woken_since)
			sched_latency_record(
				&vcpu->stats.wake_latency,
				sched_ticks_to_ns(now - woken_since));
	}
	spin_unlock(&rq->lock);
	/* The hart timer no longer covers the vCPU's Sstc timer, which the
	 * guest takes in hardware again (else it would make the guest exit
	 * right after entry). Blocking or leaving re-arms it anyway. Only
	 * this hart writes these. */
	if (resumed && cpu->timer_programmed != cpu->timer_after_wait) {
		cpu->timer_programmed = cpu->timer_after_wait;
		arch_timer_program(cpu->timer_after_wait);
	}
}
