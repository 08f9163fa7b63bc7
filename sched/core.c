// SPDX-License-Identifier: MIT
/*
 * The per-hart scheduler loop: pick, switch in, run, switch out; the hart
 * timer (slice end and vCPU deadlines) and the preemption decision.
 *
 * Locking: a hart takes its own runqueue lock here, alone, except in
 * sched_finish_move() (sched/ownership.c), which takes two in cpu index
 * order. Device locks may be held outside a runqueue lock (hv/vm.h).
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/host_irq.h>
#include <hv/percpu.h>
#include <hv/steal_time.h>
#include <hv/vcpu.h>
#include <hv/vm.h>
#include "sched/internal.h"
#include "sched/policy.h"

void sched_init_hart(struct cpu *cpu, uint64_t time_slice)
{
	runqueue_init(&cpu->rq, &sched_policy_round_robin, time_slice);
	cpu->rq.random_state = 0x9e3779b9u ^ (uint32_t)(cpu - cpus);
	cpu->timer_programmed = UINT64_MAX;
}

int sched_configure(const char *policy_name, uint64_t time_slice)
{
	const struct sched_policy *policy = sched_policy_by_name(policy_name);

	if (!policy)
		return HV_EINVAL;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		if (!cpus[i].online)
			continue;
		cpus[i].rq.policy = policy;
		cpus[i].rq.time_slice = time_slice;
	}
	return HV_OK;
}

const char *sched_policy_name(const struct cpu *cpu)
{
	return cpu->rq.policy->name;
}

bool sched_should_preempt(struct cpu *cpu)
{
	/* Preempt at the end of the slice only if someone else waits. */
	return __atomic_load_n(&cpu->rq.nr_queued, __ATOMIC_RELAXED) &&
	       arch_time_now() >= cpu->slice_end;
}

/* Earliest future event this hart must wake up for. */
void sched_update_timer(void)
{
	struct cpu *cpu = this_cpu();
	struct runqueue *rq = &cpu->rq;
	uint64_t now = arch_time_now();
	uint64_t deadline = UINT64_MAX;

	spin_lock(&rq->lock);
	for (struct sched_entity *se = rq->members.member_next;
	     se != &rq->members; se = se->member_next) {
		struct vcpu *vcpu = vcpu_of_entity(se);
		enum vcpu_state state = vcpu->state;

		if (state == VCPU_OFFLINE || state == VCPU_DEAD)
			continue;
		/* The running vCPU's own stimecmp interrupts it in hardware;
		 * only its SBI timer needs the hart timer. Once it blocks,
		 * its full deadline counts again. */
		uint64_t due = state == VCPU_RUNNING && vcpu == cpu->loaded
				       ? vcpu->timer_deadline
				       : vcpu_timer_deadline(vcpu);

		if (due <= now) {
			/* A blocked vCPU whose deadline has passed is woken
			 * here; a past deadline is not armed below. */
			if (state == VCPU_BLOCKED && vcpu_has_wakeup_irq(vcpu))
				sched_make_runnable_locked(vcpu);
			continue;
		}
		if (due < deadline)
			deadline = due;
	}
	/* After the wakeups above, which may have queued a vCPU. Armed even
	 * if already past: it then fires at once and the run loop preempts;
	 * skipping it could leave a spinning guest unpreempted. */
	if (rq->nr_queued && cpu->current && cpu->slice_end < deadline)
		deadline = cpu->slice_end;
	spin_unlock(&rq->lock);
	if (deadline != cpu->timer_programmed) {
		cpu->timer_programmed = deadline;
		arch_timer_program(deadline);
	}
}

void sched_timer_interrupt(void)
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
		vcpu = vcpu_of_entity(se);
		vcpu->state = VCPU_RUNNING;
		vcpu->stats.wait_ticks += arch_time_now() - se->ready_since;
		cpu->current = vcpu;
	}
	spin_unlock(&rq->lock);
	return vcpu;
}

static void switch_in(struct cpu *cpu, struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	unsigned index = cpu_index(cpu);

	if (cpu->loaded != vcpu) {
		if (cpu->loaded)
			arch_vcpu_put(cpu->loaded);
		arch_vcpu_load(vcpu);
	}
	/*
	 * VS-stage TLB entries are tagged by VMID only. Flush them when the
	 * vCPU last ran on another hart (this hart may hold translations from
	 * before its own last sfence.vma elsewhere), or when another vCPU of
	 * the VM ran here last (the guest doesn't expect to share them).
	 */
	if (vcpu->last_cpu != cpu || vm->last_vcpu_on_hart[index] != vcpu) {
		vcpu->last_cpu = cpu;
		vm->last_vcpu_on_hart[index] = vcpu;
		__atomic_fetch_or(&vcpu->requests, VCPU_REQ_TLB_FLUSH,
				  __ATOMIC_RELAXED);
	}
	vcpu_prepare_entry(vcpu);
	vcpu->stats.switches_in++;
	vcpu->stats.switched_in_at = arch_time_now();
	cpu->slice_end = vcpu->stats.switched_in_at + cpu->rq.time_slice;
	sched_update_timer();
	sbi_sta_switched_in(vcpu);
}

/* Where the vCPU continues: a requested move, or the policy's choice. */
static struct cpu *choose_cpu(struct cpu *cpu, struct vcpu *vcpu)
{
	struct runqueue *rq = &cpu->rq;
	struct cpu *target = vcpu->migrate_to;

	vcpu->migrate_to = NULL;
	if (!target && rq->policy->select_cpu) {
		unsigned long allowed =
			vcpu->allowed_cpus & sched_online_mask();
		int index = rq->policy->select_cpu(rq, &vcpu->se, allowed,
						   cpu_index(cpu));

		if (index >= 0 && index < HV_MAX_HARTS)
			target = &cpus[index];
	}
	if (target && (target == cpu || !sched_cpu_allowed(vcpu, target)))
		target = NULL;
	return target;
}

static void switch_out(struct cpu *cpu, struct vcpu *vcpu)
{
	struct runqueue *rq = &cpu->rq;
	uint64_t now = arch_time_now();
	uint64_t ran = now - vcpu->stats.switched_in_at;
	struct cpu *target = NULL;
	bool parked, preempted;

	vcpu->stats.run_ticks += ran;
	spin_lock(&rq->lock);
	rq->policy->charge(rq, &vcpu->se, ran);
	cpu->current = NULL;
	if (vcpu->state == VCPU_RUNNING) {
		if (vm_is_running(vcpu->vm)) {
			vcpu->state = VCPU_RUNNABLE; /* preempted */
			vcpu->se.ready_since = now;
		} else {
			vcpu->state = VCPU_DEAD;
		}
	}
	parked = vcpu->parked;
	preempted = vcpu->state == VCPU_RUNNABLE;
	if (!parked &&
	    (vcpu->state == VCPU_RUNNABLE || vcpu->state == VCPU_BLOCKED)) {
		target = choose_cpu(cpu, vcpu);
		if (target) {
			vcpu->moving = true;
			if (vcpu->se.queued) /* woken since it blocked */
				rq->policy->dequeue(rq, &vcpu->se);
		}
	}
	/* Also a vCPU woken (or unparked) while it was still current. */
	if (!target && !parked && vcpu->state == VCPU_RUNNABLE &&
	    !vcpu->se.queued)
		rq->policy->enqueue(rq, &vcpu->se);
	spin_unlock(&rq->lock);
	sbi_sta_switched_out(vcpu, preempted);
	/* A vCPU that leaves this hart (pause, move) takes its state along:
	 * save it to memory here, where it is live. */
	if (parked || target)
		arch_vcpu_unload(vcpu);
	if (parked)
		vm_vcpu_parked(vcpu);
	if (target)
		sched_finish_move(vcpu, target);
}

int sched_defer(void (*fn)(void *arg), void *arg)
{
	struct cpu *cpu = this_cpu();

	if (cpu->deferred_fn && cpu->deferred_fn != fn)
		return HV_EAGAIN;
	cpu->deferred_arg = arg;
	cpu->deferred_fn = fn;
	return HV_OK;
}

static void run_deferred(struct cpu *cpu)
{
	void (*fn)(void *arg) = cpu->deferred_fn;

	if (fn) {
		cpu->deferred_fn = NULL;
		fn(cpu->deferred_arg);
	}
}

static void idle(void)
{
	/* The timer scan may wake a vCPU whose deadline passed: then there
	 * is work, and sleeping would leave it queued behind a wfi. */
	sched_update_timer();
	if (!__atomic_load_n(&this_cpu()->rq.nr_queued, __ATOMIC_RELAXED) &&
	    !arch_pending_host_irqs() && !this_cpu()->deferred_fn)
		arch_wait_for_interrupt();
	host_irq_poll();
	run_deferred(this_cpu());
}

struct vcpu *sched_run_once(void)
{
	struct cpu *cpu = this_cpu();
	struct vcpu *vcpu = pick_next(cpu);

	if (!vcpu) {
		idle();
		return NULL;
	}
	switch_in(cpu, vcpu);
	vcpu_run(vcpu);
	switch_out(cpu, vcpu);
	run_deferred(cpu);
	return vcpu;
}

void sched_run_loop(void)
{
	for (;;)
		sched_run_once();
}
