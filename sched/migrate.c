// SPDX-License-Identifier: MIT
/*
 * Moving a vCPU between harts (the mechanism; policies decide when).
 *
 * A move has two halves. First the vCPU is taken off its runqueue and
 * marked moving, under the old owner's lock, and its state is brought to
 * memory on the hart that holds it: switch_out does that locally when the
 * vCPU leaves its hart; sched_migrate asks the holder with a per-hart
 * message. Then sched_finish_move hands it to the new owner with both
 * locks held (cpu index order). While it is moving, wakeups only mark it
 * runnable, and nothing can pick it. Its pending timers and interrupts
 * are fields of the vCPU and travel with it; its VS-stage translations do
 * not, and switch_in flushes them when the vCPU's hart changed.
 */
#include <arch/arch.h>
#include <hv/errno.h>
#include <hv/vm.h>
#include "sched/internal.h"
#include "sched/policy.h"

void sched_finish_move(struct vcpu *vcpu, struct cpu *target)
{
	struct cpu *from = vcpu->cpu; /* stable: moving blocks other moves */
	bool queued = false;

	sched_lock_two(from, target);
	sched_timer_remove(&from->rq, &vcpu->se);
	sched_member_remove(&from->rq, &vcpu->se);
	sched_member_add(&target->rq, &vcpu->se);
	if (vcpu->state == VCPU_BLOCKED)
		sched_timer_add(&target->rq, &vcpu->se,
				vcpu_timer_deadline(vcpu));
	__atomic_store_n(&vcpu->cpu, target, __ATOMIC_RELEASE);
	vcpu->moving = false;
	vcpu->stats.migrations++;
	if (vcpu->state == VCPU_RUNNABLE)
		queued = sched_make_runnable_locked(vcpu);
	sched_unlock_two(from, target);
	/* The target must look at it: to run it, or to arm its timer. */
	if (target == this_cpu())
		sched_update_timer();
	else if (queued || vcpu->state == VCPU_BLOCKED)
		arch_ipi_send(target);
}

int sched_migrate(struct vcpu *vcpu, struct cpu *target)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);

	if (vcpu->state == VCPU_RUNNING || vcpu->moving ||
	    vcpu->cpu->current == vcpu) {
		spin_unlock(&rq->lock);
		return HV_EAGAIN;
	}
	if (!sched_cpu_allowed(vcpu, target)) {
		spin_unlock(&rq->lock);
		return HV_EINVAL;
	}
	if (target == vcpu->cpu) {
		spin_unlock(&rq->lock);
		return HV_OK;
	}
	vcpu->moving = true;
	if (vcpu->se.queued)
		sched_dequeue(vcpu->cpu, &vcpu->se);
	spin_unlock(&rq->lock);
	sched_unload_everywhere(vcpu);
	sched_finish_move(vcpu, target);
	return HV_OK;
}

void sched_request_migration(struct vcpu *vcpu, struct cpu *target)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);

	vcpu->migrate_to = target;
	spin_unlock(&rq->lock);
	vcpu_make_request(vcpu, VCPU_REQ_MIGRATE);
}
