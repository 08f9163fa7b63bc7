// SPDX-License-Identifier: MIT
/*
 * Which runqueue owns a vCPU, and the state changes other harts make:
 * wake (kick), block, HSM start and stop, park for a pause, kill, and
 * moving a vCPU between harts.
 *
 * Lock order: runqueue locks are taken in cpu index order (sched_lock_two),
 * and only sched_finish_move() holds two. vcpu->cpu is written with both
 * the old and the new owner locked, so whoever holds either lock reads a
 * stable owner; sched_lock_vcpu() locks what it read, then checks that it
 * is still the owner, and retries otherwise.
 *
 * A vCPU's live state may be held by a hart (cpu->loaded: VS CSRs;
 * cpu->fp_owner: FP registers) after it stopped running there. Only that
 * hart can save it, so a move or a pause asks it to (a per-hart message),
 * and no hart can pick the vCPU meanwhile: it is on no runqueue.
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/vm.h>
#include "sched/balance.h"
#include "sched/internal.h"
#include "sched/policy.h"

struct runqueue *sched_lock_vcpu(struct vcpu *vcpu)
{
	for (;;) {
		struct cpu *cpu = __atomic_load_n(&vcpu->cpu, __ATOMIC_ACQUIRE);

		spin_lock(&cpu->rq.lock);
		if (vcpu->cpu == cpu)
			return &cpu->rq;
		spin_unlock(&cpu->rq.lock);
	}
}

void sched_lock_two(struct cpu *a, struct cpu *b)
{
	if (a == b) {
		spin_lock(&a->rq.lock);
	} else if (cpu_index(a) < cpu_index(b)) {
		spin_lock(&a->rq.lock);
		spin_lock(&b->rq.lock);
	} else {
		spin_lock(&b->rq.lock);
		spin_lock(&a->rq.lock);
	}
}

void sched_unlock_two(struct cpu *a, struct cpu *b)
{
	spin_unlock(&a->rq.lock);
	if (a != b)
		spin_unlock(&b->rq.lock);
}

unsigned long sched_online_mask(void)
{
	unsigned long mask = 0;

	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
			mask |= 1UL << i;
	return mask;
}

bool sched_cpu_allowed(const struct vcpu *vcpu, const struct cpu *cpu)
{
	return (vcpu->allowed_cpus & sched_online_mask()) &
	       (1UL << cpu_index(cpu));
}

void sched_member_add(struct runqueue *rq, struct sched_entity *se)
{
	se->member_prev = rq->members.member_prev;
	se->member_next = &rq->members;
	rq->members.member_prev->member_next = se;
	rq->members.member_prev = se;
	rq->nr_members++;
}

void sched_member_remove(struct runqueue *rq, struct sched_entity *se)
{
	se->member_prev->member_next = se->member_next;
	se->member_next->member_prev = se->member_prev;
	se->member_next = se->member_prev = se;
	rq->nr_members--;
}

void sched_attach_vcpu(struct vcpu *vcpu, struct cpu *cpu)
{
	sched_entity_init(&vcpu->se);
	spin_lock(&cpu->rq.lock);
	vcpu->cpu = cpu;
	sched_member_add(&cpu->rq, &vcpu->se);
	spin_unlock(&cpu->rq.lock);
}

/*
 * A vCPU just queued on cpu may preempt the one running there: then the
 * slice ends as soon as the running one had its minimum run (shorter for
 * a latency-class waker: half its bound), and the hart, notified by the
 * caller, re-arms its timer for it.
 */
static void wakeup_preempt(struct cpu *cpu, struct vcpu *woken, uint64_t now)
{
	struct runqueue *rq = &cpu->rq;
	struct vcpu *current = cpu->current;
	uint64_t ran, min_run = rq->min_run, end;

	if (!current || !rq->policy->wakeup_preempts)
		return;
	ran = now - current->stats.switched_in_at;
	if (!rq->policy->wakeup_preempts(rq, &woken->se, &current->se, ran))
		return;
	if (woken->se.latency_class) {
		uint64_t half =
			woken->vm->sched.latency_us * rq->ticks_per_ms / 2000;

		if (half < min_run)
			min_run = half;
	}
	end = current->stats.switched_in_at + min_run;
	if (end < now)
		end = now;
	if (end < cpu->slice_end)
		__atomic_store_n(&cpu->slice_end, end, __ATOMIC_RELAXED);
}

bool sched_make_runnable_locked(struct vcpu *vcpu)
{
	struct runqueue *rq = &vcpu->cpu->rq;
	uint64_t now = arch_time_now();

	/* From blocked or offline: a wakeup, whose wait starts now. A vCPU
	 * that was already runnable (moved, let go) keeps its wait. */
	if (vcpu->state != VCPU_RUNNABLE) {
		vcpu->se.woken = true;
		vcpu->se.ready_since = now;
	}
	vcpu->state = VCPU_RUNNABLE;
	sched_timer_remove(rq, &vcpu->se);
	/* The current vCPU is queued by switch_out, a parked or moving one
	 * when it is let go. */
	if (vcpu->parked || vcpu->moving || vcpu->cpu->current == vcpu)
		return false;
	rq->now = now;
	sched_enqueue(vcpu->cpu, &vcpu->se);
	wakeup_preempt(vcpu->cpu, vcpu, now);
	return true;
}

/* A vCPU was queued on cpu: make it look (its slice now matters, or it
 * is idle in wfi). */
static void notify_cpu(struct cpu *cpu)
{
	if (cpu == this_cpu())
		sched_update_timer();
	else
		arch_ipi_send(cpu);
}

void sched_kick(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);
	struct cpu *cpu = vcpu->cpu;
	bool notify = false;

	switch (vcpu->state) {
	case VCPU_BLOCKED:
		if (vcpu_has_wakeup_irq(vcpu))
			notify = sched_make_runnable_locked(vcpu);
		break;
	case VCPU_RUNNING:
		/* Only a vCPU in the guest needs an IPI to see its posts; a
		 * runnable one syncs them on entry, unbothered. */
		notify = cpu != this_cpu() &&
			 __atomic_load_n(&vcpu->in_guest, __ATOMIC_SEQ_CST);
		break;
	default:
		break;
	}
	spin_unlock(&rq->lock);
	if (notify) {
		notify_cpu(cpu);
		if (vcpu->state == VCPU_RUNNABLE)
			sched_balance_wakeup(vcpu);
	}
}

bool sched_block(struct vcpu *vcpu, enum sched_block_reason reason,
		 unsigned long resume_pc, unsigned long resume_opaque)
{
	struct runqueue *rq;

	arch_vcpu_save_wakeup_state(vcpu);
	rq = sched_lock_vcpu(vcpu);
	if (vcpu_has_wakeup_irq(vcpu) || vcpu->state != VCPU_RUNNING) {
		spin_unlock(&rq->lock);
		return false;
	}
	vcpu->state = VCPU_BLOCKED;
	vcpu->block_reason = reason;
	/* Its hart's timer wakes it at its deadline (saved above). */
	sched_timer_add(rq, &vcpu->se, vcpu_timer_deadline(vcpu));
	/* Published with the state: a waker on another hart may run it. */
	if (reason == SCHED_BLOCK_SUSPEND_NON_RETENTIVE) {
		vcpu->boot_addr = resume_pc;
		vcpu->boot_opaque = resume_opaque;
		vcpu->resume_pending = true;
	}
	spin_unlock(&rq->lock);
	if (reason == SCHED_BLOCK_WFI)
		vcpu->stats.wfi_blocks++;
	return true;
}

int sched_start_vcpu(struct vcpu *vcpu, unsigned long pc, unsigned long opaque)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);
	struct cpu *cpu = vcpu->cpu;
	bool queued;

	if (vcpu->state != VCPU_OFFLINE) {
		spin_unlock(&rq->lock);
		return HV_EEXIST;
	}
	vcpu->boot_addr = pc;
	vcpu->boot_opaque = opaque;
	vcpu->boot_pending = true;
	queued = sched_make_runnable_locked(vcpu);
	spin_unlock(&rq->lock);
	if (queued) {
		notify_cpu(cpu);
		sched_balance_wakeup(vcpu);
	}
	return HV_OK;
}

void sched_stop_current(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);

	vcpu->state = VCPU_OFFLINE;
	spin_unlock(&rq->lock);
}

void sched_kill(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);

	if (vcpu->state != VCPU_RUNNING) {
		if (vcpu->se.queued)
			sched_dequeue(vcpu->cpu, &vcpu->se);
		sched_timer_remove(rq, &vcpu->se);
		vcpu->state = VCPU_DEAD;
	}
	spin_unlock(&rq->lock);
}

void sched_park(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);
	bool running = vcpu->state == VCPU_RUNNING;
	uint64_t now = arch_time_now();

	/* A pause is not steal: the wait so far counts, the pause does not
	 * (sched_unpark starts the wait again). */
	if (vcpu->state == VCPU_RUNNABLE && !vcpu->parked &&
	    now > vcpu->se.ready_since)
		__atomic_store_n(&vcpu->stats.wait_ticks,
				 vcpu->stats.wait_ticks +
					 (now - vcpu->se.ready_since),
				 __ATOMIC_RELEASE);
	vcpu->parked = true;
	if (vcpu->se.queued)
		sched_dequeue(vcpu->cpu, &vcpu->se);
	spin_unlock(&rq->lock);
	if (running)
		vcpu_make_request(vcpu, VCPU_REQ_PARK);
}

void sched_unpark(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);
	struct cpu *cpu = vcpu->cpu;
	bool queued = false, blocked;

	vcpu->parked = false;
	if (vcpu->state == VCPU_RUNNABLE) /* see sched_park */
		vcpu->se.ready_since = arch_time_now();
	/* Its sie, sip or stimecmp may have been written while it was
	 * parked (hv/vcpu/state.c): a blocked one is due now, or its hart
	 * must re-arm its timer for a new deadline. */
	if ((vcpu->state == VCPU_RUNNABLE && !vcpu->se.queued) ||
	    (vcpu->state == VCPU_BLOCKED && vcpu_has_wakeup_irq(vcpu)))
		queued = sched_make_runnable_locked(vcpu);
	blocked = vcpu->state == VCPU_BLOCKED;
	if (blocked)
		sched_timer_add(rq, &vcpu->se, vcpu_timer_deadline(vcpu));
	spin_unlock(&rq->lock);
	if (queued || blocked)
		notify_cpu(cpu);
}

/* The hart that holds part of the vCPU's live state, or NULL. The
 * acquire loads pair with the release stores of the arch's put and FP
 * save: once a hart no longer names the vCPU, its saved state is visible. */
static struct cpu *holder_of(struct vcpu *vcpu)
{
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (__atomic_load_n(&cpus[i].loaded, __ATOMIC_ACQUIRE) ==
			    vcpu ||
		    __atomic_load_n(&cpus[i].fp_owner, __ATOMIC_ACQUIRE) ==
			    vcpu)
			return &cpus[i];
	return NULL;
}

bool sched_vcpu_quiescent(struct vcpu *vcpu)
{
	return sched_vcpu_stopped(vcpu) && !holder_of(vcpu);
}

static bool not_running_locked(struct vcpu *vcpu)
{
	return vcpu->state != VCPU_RUNNING && vcpu->cpu->current != vcpu &&
	       !vcpu->moving;
}

bool sched_vcpu_stopped(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);
	bool stopped = not_running_locked(vcpu);

	spin_unlock(&rq->lock);
	return stopped;
}

static void unload_here(void *arg)
{
	struct vcpu *vcpu = arg;

	/* Never the vCPU this hart is running: callers took it off every
	 * runqueue first, and it is not current (checked under the lock). */
	if (this_cpu()->current != vcpu)
		arch_vcpu_unload(vcpu);
}

/* Bring the vCPU's state to memory from whichever hart holds it. */
void sched_unload_everywhere(struct vcpu *vcpu)
{
	struct cpu *holder;

	while ((holder = holder_of(vcpu)) != NULL)
		cpu_msg_call(holder, unload_here, vcpu);
}

bool sched_try_quiesce(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);
	bool stopped = vcpu->parked && not_running_locked(vcpu);

	spin_unlock(&rq->lock);
	/* Parked and not running: no hart can pick it up again, so once
	 * unloaded it stays in memory until it is unparked. */
	if (stopped)
		sched_unload_everywhere(vcpu);
	return stopped;
}

static void unload_and_report(void *arg)
{
	struct vcpu *vcpu = arg;

	unload_here(vcpu);
	vm_vcpu_parked(vcpu);
}

void sched_unload_parked_async(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);
	bool stopped = vcpu->parked && not_running_locked(vcpu);
	struct cpu *holder;

	spin_unlock(&rq->lock);
	/* A running vCPU unloads itself when it parks (switch_out). */
	if (!stopped)
		return;
	holder = holder_of(vcpu);
	if (!holder)
		return;
	if (holder == this_cpu())
		unload_and_report(vcpu);
	else if (cpu_msg_post(holder, unload_and_report, vcpu) != HV_OK)
		cpu_msg_call(holder, unload_and_report, vcpu); /* queue full */
}
