// SPDX-License-Identifier: MIT
/*
 * The per-hart scheduler loop (see sched/sched.h).
 *
 * Locking: a vCPU's scheduling state is protected by the runqueue lock of
 * the hart it is pinned to. A hart takes at most one runqueue lock at a
 * time; device locks may be held outside it (hv/include/hv/vm.h).
 */
#include <stddef.h>
#include <arch/arch.h>
#include <hv/exit.h>
#include <hv/host_irq.h>
#include <hv/percpu.h>
#include <hv/vcpu.h>
#include <hv/vm.h>
#include "drivers/sbi_client.h"
#include "sched/policy.h"

#define vcpu_of(se) ((struct vcpu *)((char *)(se)-offsetof(struct vcpu, se)))

void sched_init_hart(struct runqueue *rq, uint64_t time_slice)
{
	runqueue_init(rq, &sched_policy_round_robin, time_slice);
}

static void send_kick(unsigned hartid)
{
	sbi_client_send_ipi(1UL << hartid, 0);
}

void sched_enqueue_locked(struct vcpu *vcpu)
{
	struct runqueue *rq = &cpus[vcpu->hartid].rq;

	vcpu->se.ready_since = arch_time_now();
	rq->policy->enqueue(rq, &vcpu->se);
}

/* Returns true if it queued the vCPU on this hart. */
static bool kick(struct vcpu *vcpu)
{
	struct cpu *target = &cpus[vcpu->hartid];
	bool remote = target != this_cpu();
	bool send_ipi = false, queued_here = false;

	spin_lock(&target->rq.lock);
	switch (vcpu->state) {
	case VCPU_BLOCKED:
		if (vcpu_has_wakeup_irq(vcpu)) {
			vcpu->state = VCPU_RUNNABLE;
			sched_enqueue_locked(vcpu);
			send_ipi = remote;
			queued_here = !remote;
		}
		break;
	case VCPU_RUNNING:
		send_ipi = remote &&
			   __atomic_load_n(&vcpu->in_guest, __ATOMIC_SEQ_CST);
		break;
	case VCPU_RUNNABLE:
		/* Just queued (HSM start): its hart may be idle in wfi. */
		send_ipi = remote;
		queued_here = !remote;
		break;
	default:
		break;
	}
	spin_unlock(&target->rq.lock);
	if (send_ipi)
		send_kick(vcpu->hartid);
	return queued_here;
}

void sched_kick(struct vcpu *vcpu)
{
	/* A waiter on this hart: the running vCPU's slice now matters (a
	 * remote hart's IPI leads to the same re-arming on exit). */
	if (kick(vcpu))
		sched_update_timer();
}

enum exit_action vcpu_block(struct vcpu *vcpu, int reason)
{
	struct runqueue *rq = &cpus[vcpu->hartid].rq;

	arch_vcpu_save_wakeup_state(vcpu);
	spin_lock(&rq->lock);
	if (vcpu_has_wakeup_irq(vcpu) || vcpu->state != VCPU_RUNNING) {
		spin_unlock(&rq->lock);
		return EXIT_RESUME;
	}
	vcpu->state = VCPU_BLOCKED;
	vcpu->block_reason = (enum vcpu_block_reason)reason;
	spin_unlock(&rq->lock);
	vcpu->stats.wfi_blocks++;
	return EXIT_RESCHEDULE;
}

/* Earliest future event this hart must wake up for. */
void sched_update_timer(void)
{
	struct cpu *cpu = this_cpu();
	uint64_t now = arch_time_now();
	uint64_t deadline = UINT64_MAX;

	for (unsigned i = 0; i < cpu->num_assigned; i++) {
		struct vcpu *vcpu = cpu->assigned[i];
		enum vcpu_state state = vcpu->state;

		if (state == VCPU_OFFLINE || state == VCPU_DEAD)
			continue;
		/* The running vCPU's own stimecmp interrupts it in hardware;
		 * only its SBI timer needs the hart timer. Once it blocks,
		 * its full deadline counts again (switch-in or idle re-arm). */
		uint64_t due = state == VCPU_RUNNING && vcpu == cpu->loaded
				       ? vcpu->timer_deadline
				       : vcpu_timer_deadline(vcpu);

		if (due <= now) {
			/* A blocked vCPU whose deadline has passed is woken
			 * here (also when it passed between its wfi and now);
			 * a past deadline is not armed below. */
			if (state == VCPU_BLOCKED)
				kick(vcpu);
			continue;
		}
		if (due < deadline)
			deadline = due;
	}
	/* After the wakeups above, which may have queued a vCPU. Armed even
	 * if already past: it then fires at once and the run loop preempts;
	 * skipping it could leave a spinning guest unpreempted. */
	if (cpu->rq.nr_queued && cpu->slice_end < deadline)
		deadline = cpu->slice_end;
	if (deadline != cpu->timer_programmed) {
		cpu->timer_programmed = deadline;
		arch_timer_program(deadline);
	}
}

/* The hart timer fired: sched_update_timer wakes the vCPUs whose time
 * has come and arms the next event. */
void host_irq_timer(void)
{
	this_cpu()->timer_programmed = 0; /* the event was used: re-arm */
	sched_update_timer();
}

static struct vcpu *pick_next(struct cpu *cpu)
{
	struct runqueue *rq = &cpu->rq;
	struct vcpu *vcpu = NULL;

	spin_lock(&rq->lock);
	struct sched_entity *se = rq->policy->pick_next(rq);

	if (se) {
		vcpu = vcpu_of(se);
		vcpu->state = VCPU_RUNNING;
		vcpu->stats.wait_ticks += arch_time_now() - se->ready_since;
	}
	spin_unlock(&rq->lock);
	return vcpu;
}

static void switch_in(struct cpu *cpu, struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	if (cpu->loaded != vcpu) {
		if (cpu->loaded)
			arch_vcpu_put(cpu->loaded);
		arch_vcpu_load(vcpu);
	}
	/* Another vCPU of this VM ran here last: its VS-stage TLB entries
	 * carry the same VMID, and the guest doesn't expect to share them. */
	if (vm->last_vcpu_on_hart[cpu->hartid] != vcpu) {
		vm->last_vcpu_on_hart[cpu->hartid] = vcpu;
		__atomic_fetch_or(&vcpu->requests, VCPU_REQ_TLB_FLUSH,
				  __ATOMIC_RELAXED);
	}
	vcpu_prepare_entry(vcpu);
	vcpu->stats.switches_in++;
	vcpu->stats.switched_in_at = arch_time_now();
	cpu->slice_end = vcpu->stats.switched_in_at + cpu->rq.time_slice;
	sched_update_timer();
}

static void switch_out(struct cpu *cpu, struct vcpu *vcpu)
{
	struct runqueue *rq = &cpu->rq;
	uint64_t ran = arch_time_now() - vcpu->stats.switched_in_at;

	vcpu->stats.run_ticks += ran;
	spin_lock(&rq->lock);
	rq->policy->charge(rq, &vcpu->se, ran);
	if (vcpu->state == VCPU_RUNNING) {
		if (vm_is_running(vcpu->vm)) {
			vcpu->state = VCPU_RUNNABLE; /* preempted */
			sched_enqueue_locked(vcpu);
		} else {
			vcpu->state = VCPU_DEAD;
		}
	}
	spin_unlock(&rq->lock);
}

static void idle(void)
{
	sched_update_timer();
	if (!arch_pending_host_irqs())
		arch_wait_for_interrupt();
	host_irq_poll();
}

void sched_run_loop(void)
{
	struct cpu *cpu = this_cpu();

	for (;;) {
		struct vcpu *vcpu = pick_next(cpu);

		if (!vcpu) {
			idle();
			continue;
		}
		switch_in(cpu, vcpu);
		vcpu_run(vcpu);
		switch_out(cpu, vcpu);
	}
}
