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
#include <hv/platform.h>
#include <hv/steal_time.h>
#include <hv/vcpu.h>
#include <hv/vm.h>
#include "sched/balance.h"
#include "sched/internal.h"
#include "sched/policy.h"

/* The timebase and the derived times of a runqueue. */
static void set_times(struct runqueue *rq, uint64_t time_slice)
{
	uint64_t ticks_per_ms = platform.timebase_frequency / 1000;

	rq->ticks_per_ms = ticks_per_ms ? ticks_per_ms : 1;
	rq->time_slice = time_slice;
	rq->min_run = SCHED_MIN_RUN_US * rq->ticks_per_ms / 1000;
	if (rq->min_run > time_slice)
		rq->min_run = time_slice;
}

void sched_init_hart(struct cpu *cpu, uint64_t time_slice)
{
	runqueue_init(&cpu->rq, &sched_policy_round_robin, time_slice);
	set_times(&cpu->rq, time_slice);
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
		set_times(&cpus[i].rq, time_slice);
	}
	return HV_OK;
}

const char *sched_policy_name(const struct cpu *cpu)
{
	return cpu->rq.policy->name;
}

/* Vcpus the timer woke in one scan, for balancing after the unlock. */
#define WOKEN_MAX 4

/*
 * Both keep the hart's load for balancing up to date (sched/balance.c):
 * a vCPU pulled from a hart by another hart, or queued on it from there,
 * changes it without a decision on that hart, and a hart whose one vCPU
 * runs alone makes none. Counted by its last decision, a hart left with
 * one vCPU looked loaded for as long as that vCPU ran, nothing was pushed
 * to it, and that vCPU had a hart of its own (test_balance_load).
 */
void sched_enqueue(struct cpu *cpu, struct sched_entity *se)
{
	struct runqueue *rq = &cpu->rq;
	unsigned queued = rq->nr_queued;

	rq->policy->enqueue(rq, se);
	sched_balance_account(cpu);
	if (rq->nr_queued > queued)
		sched_wfi_in_guest_kick(cpu);
}

void sched_dequeue(struct cpu *cpu, struct sched_entity *se)
{
	cpu->rq.policy->dequeue(&cpu->rq, se);
	sched_balance_account(cpu);
}

/* The policy's next event (UINT64_MAX: none). It may queue capped vCPUs
 * at their period's end, which kicks as sched_enqueue does. Locked. */
static uint64_t policy_next_event(struct cpu *cpu)
{
	struct runqueue *rq = &cpu->rq;
	unsigned queued = rq->nr_queued;
	uint64_t due;

	if (!rq->policy->next_event)
		return UINT64_MAX;
	due = rq->policy->next_event(rq);
	if (rq->nr_queued > queued)
		sched_wfi_in_guest_kick(cpu);
	return due;
}

/* Wake the blocked vCPUs whose deadline passed; the earliest other one. */
static uint64_t expire_timers(struct runqueue *rq, uint64_t now,
			      struct vcpu **woken, unsigned *nr_woken)
{
	struct sched_entity *se;

	while ((se = sched_timer_first(rq)) != NULL && se->timer_due <= now) {
		struct vcpu *vcpu = vcpu_of_entity(se);

		sched_timer_remove(rq, se);
		/* Due but masked (sie.STIE clear): it stays blocked, and
		 * only another interrupt can wake it. */
		if (vcpu->state == VCPU_BLOCKED && vcpu_has_wakeup_irq(vcpu) &&
		    sched_make_runnable_locked(vcpu) && *nr_woken < WOKEN_MAX)
			woken[(*nr_woken)++] = vcpu;
	}
	return se ? se->timer_due : UINT64_MAX;
}

/*
 * QEMU 7.2 can lose a guest's Sstc timer interrupt. Its update of a
 * hart's pending interrupts (riscv_cpu_update_mip) reads the state of the
 * guest's Sstc timer before it takes its global lock. A CSR write on the
 * hart (hvip, sip, stimecmp; the guest's or ours) that races with that
 * timer firing on QEMU's main thread then withdraws the hart's interrupt
 * request while VSTIP stays pending: the guest, interrupts enabled, never
 * takes it, and wfi returns at once without it. Nothing but another
 * update of that hart's pending interrupts raises the request again, and
 * a guest idle in its own wfi (sched/wfi_in_guest.c) gets none: two Linux
 * VMs slept for ever, about one run in ten (tests/integration, the
 * linux-two-vms case; docs/design.md). The hart timer's interrupt is such
 * an update, so while a vCPU with Sstc runs, the hart timer fires at
 * least every SCHED_SSTC_CHECK_US. On a fixed period: other passes do not
 * push it back, which frequent ones could do for ever. The cost is one
 * exit per period, 100 a second, on a hart whose guest makes none.
 */
bool sched_sstc_check_enabled = true;

static uint64_t sstc_check_due(struct cpu *cpu, struct vcpu *vcpu, uint64_t now)
{
	if (!sched_sstc_check_enabled || !vcpu_has_sstc(vcpu))
		return UINT64_MAX;
	if (cpu->sstc_check_at <= now)
		cpu->sstc_check_at =
			now + cpu->rq.ticks_per_ms * SCHED_SSTC_CHECK_US / 1000;
	return cpu->sstc_check_at;
}

/* Earliest future event this hart must wake up for. */
void sched_update_timer(void)
{
	struct cpu *cpu = this_cpu();
	struct runqueue *rq = &cpu->rq;
	uint64_t now = arch_time_now();
	uint64_t deadline, due;
	struct vcpu *current, *woken[WOKEN_MAX];
	unsigned nr_woken = 0;

	spin_lock(&rq->lock);
	rq->now = now;
	deadline = expire_timers(rq, now, woken, &nr_woken);
	due = policy_next_event(cpu);
	if (due < deadline)
		deadline = due;
	current = cpu->current;
	sched_wfi_in_guest_check(cpu); /* every IPI passes here */
	/* After the wakeups above, which may have queued a vCPU. Armed even
	 * if already past: it then fires at once and the run loop preempts;
	 * skipping it could leave a spinning guest unpreempted. */
	if ((rq->nr_queued || cpu->preempt_alone_reasons) && current &&
	    cpu->slice_end < deadline)
		deadline = cpu->slice_end;
	/* What the hart needs besides the current vCPU's own events: when
	 * only that vCPU's SBI timer fired during a wait in place, the wait
	 * ends on it without another pass (sched_wait_woken_by_own_timer). */
	cpu->timer_besides_current = deadline;
	/* The running vCPU's own stimecmp interrupts it in hardware; only
	 * its SBI timer needs the hart timer, and a check on the Sstc one
	 * (sstc_check_due). */
	if (current && current->state == VCPU_RUNNING &&
	    current == cpu->loaded) {
		due = vcpu_running_deadline(current);
		if (due > now && due < deadline) /* a past one is raised */
			deadline = due;
		due = sstc_check_due(cpu, current, now);
		if (due < deadline)
			deadline = due;
	}
	/*
	 * While the vCPU waits in place (hv/vcpu/wait.c), the hart sleeps in
	 * HS-mode. Its SBI timer is above; its Sstc timer raises VSTIP,
	 * which ends the hart's wfi (pending and enabled in hie: the
	 * privileged spec's rule), and the wait goes back into the guest
	 * without a timer pass. The hart timer is only a backstop for it,
	 * a little later, in case a host does not end the wfi that way
	 * (docs/benchmarks.md suspected QEMU 7.2). The deadline without it
	 * is kept for when the vCPU goes back in.
	 */
	cpu->timer_after_wait = deadline;
	if (cpu->waiting_in_place && current &&
	    (arch_vcpu_guest_sie(current) & VIRQ_TIMER)) {
		uint64_t backstop =
			rq->ticks_per_ms * SCHED_WAIT_BACKSTOP_US / 1000;

		due = vcpu_sstc_deadline(current);
		if (due > now && due < deadline - MIN(deadline, backstop))
			deadline = due + backstop;
	}
	spin_unlock(&rq->lock);
	if (deadline != cpu->timer_programmed) {
		cpu->timer_programmed = deadline;
		arch_timer_program(deadline);
	}
	/* Woken here while this hart is busy: an idle hart may take them. */
	for (unsigned i = 0; i < nr_woken; i++)
		sched_balance_wakeup(woken[i]);
}

void sched_timer_interrupt(void)
{
	this_cpu()->timer_programmed = 0; /* the event was used: re-arm */
	sched_update_timer();
}

/* On every wakeup: in 64 bits while the product fits (under half an hour
 * of ticks at 10 MHz), which spares a 128-bit division (about 100
 * instructions). */
uint64_t sched_ticks_to_ns(uint64_t ticks)
{
	uint64_t hz = platform.timebase_frequency;

	if (!hz)
		return ticks;
	if (ticks <= UINT64_MAX / 1000000000u)
		return ticks * 1000000000u / hz;
	return (uint64_t)((unsigned __int128)ticks * 1000000000u / hz);
}

/* How long a vCPU just picked runs before the next decision. */
static uint64_t slice_of(struct runqueue *rq, struct sched_entity *se,
			 bool *even_alone)
{
	*even_alone = false;
	return rq->policy->slice ? rq->policy->slice(rq, se, even_alone)
				 : rq->time_slice;
}

static struct vcpu *pick_next(struct cpu *cpu)
{
	struct runqueue *rq = &cpu->rq;
	struct vcpu *vcpu = NULL;

	uint64_t now = arch_time_now();

	spin_lock(&rq->lock);
	rq->now = now;
	policy_next_event(cpu);
	struct sched_entity *se = rq->policy->pick_next(rq);

	if (se) {
		vcpu = vcpu_of_entity(se);
		vcpu->state = VCPU_RUNNING;
		/* now was read before the lock: another hart may have made
		 * it runnable since. */
		uint64_t waited =
			now > se->ready_since ? now - se->ready_since : 0;

		vcpu->stats.wait_ticks += waited;
		if (se->woken)
			sched_latency_record(&vcpu->stats.wake_latency,
					     sched_ticks_to_ns(waited));
		se->woken = false;
		cpu->current = vcpu;
		sched_balance_account(cpu);
		cpu->slice_even_alone = false;
		cpu->slice_length = slice_of(rq, se, &cpu->slice_even_alone);
		cpu->slice_end = now + cpu->slice_length;
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
	/*
	 * The guest's own fence.i ordered only the hart it ran on, and a
	 * (re)loaded image was written from another hart: instructions it
	 * wrote must be fetched fresh here (Linux's flush_icache_deferred).
	 */
	if (vcpu->last_cpu != cpu)
		__atomic_fetch_or(&vcpu->requests, VCPU_REQ_FENCE_I,
				  __ATOMIC_RELAXED);
	if (vcpu->last_cpu != cpu || vm->last_vcpu_on_hart[index] != vcpu) {
		/* Also the VM's first run here: stage-2 flushes now reach
		 * this hart. */
		vm_note_hart(vm, index);
		vcpu->last_cpu = cpu;
		vm->last_vcpu_on_hart[index] = vcpu;
		__atomic_fetch_or(&vcpu->requests, VCPU_REQ_TLB_FLUSH,
				  __ATOMIC_RELAXED);
	}
	vcpu_prepare_entry(vcpu);
	vcpu->stats.switches_in++;
	vcpu->stats.switched_in_at = arch_time_now();
	sched_update_timer();
	sbi_sta_switched_in(vcpu);
}

/* Where the vCPU continues: a requested move, or the policy's choice. */
static struct cpu *choose_cpu(struct cpu *cpu, struct vcpu *vcpu)
{
	struct runqueue *rq = &cpu->rq;
	struct cpu *target = vcpu->migrate_to;

	vcpu->migrate_to = NULL;
	if (!target)
		target = sched_balance_push(cpu, vcpu, rq->now);
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
	/* Its wfi exits again until it was waited out in place, wherever it
	 * runs next; and the hart's bit goes (no stale kicks). */
	sched_wfi_in_guest_end(cpu);
	spin_lock(&rq->lock);
	rq->now = now;
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
	if (preempted)
		vcpu->stats.preemptions++;
	if (!parked &&
	    (vcpu->state == VCPU_RUNNABLE || vcpu->state == VCPU_BLOCKED)) {
		target = choose_cpu(cpu, vcpu);
		if (target) {
			vcpu->moving = true;
			/* Woken since it blocked. The load is accounted
			 * once, below. */
			if (vcpu->se.queued)
				rq->policy->dequeue(rq, &vcpu->se);
		}
	}
	/* Also a vCPU woken (or unparked) while it was still current. */
	if (!target && !parked && vcpu->state == VCPU_RUNNABLE &&
	    !vcpu->se.queued)
		sched_enqueue(cpu, &vcpu->se);
	sched_balance_account(cpu);
	spin_unlock(&rq->lock);
	sbi_sta_switched_out(vcpu, preempted);
	/* A vCPU that leaves this hart (pause, move) takes its state along:
	 * save it to memory here, where it is live. One that stopped (HSM
	 * hart_stop, its VM stopped) leaves too: nothing will wake it here,
	 * and its Sstc timer, left loaded, would keep the idle hart awake. */
	if (parked || target || vcpu->state == VCPU_OFFLINE ||
	    vcpu->state == VCPU_DEAD)
		arch_vcpu_unload(vcpu);
	if (parked)
		vm_vcpu_parked(vcpu);
	if (target)
		sched_finish_move(vcpu, target);
}

int sched_defer(void (*fn)(void *arg), void *arg)
{
	struct cpu *cpu = this_cpu();
	unsigned i;

	/* The same work asked again is one call, with the latest argument. */
	for (i = 0; i < cpu->nr_deferred && cpu->deferred[i].fn != fn; i++)
		;
	if (i == CPU_DEFERRED_MAX)
		return HV_EAGAIN;
	cpu->deferred[i].arg = arg;
	cpu->deferred[i].fn = fn;
	if (i == cpu->nr_deferred)
		cpu->nr_deferred++;
	/* The next wfi exits, and its wait in place gives way to the work. */
	sched_wfi_in_guest_end(cpu);
	/*
	 * A vCPU that spins alone here gives way at its slice's end too
	 * (sched_should_preempt): the hart timer must fire by then, also
	 * after a wait in place that resumes (it programs timer_after_wait),
	 * and a wait woken by the vCPU's own timer goes on only if nothing
	 * else is due (timer_besides_current). Only this hart writes these
	 * three; no lock is needed. Another hart may lower slice_end (a
	 * wakeup preemption) and kicks this one then: read it once.
	 */
	if (cpu->current) {
		uint64_t end =
			__atomic_load_n(&cpu->slice_end, __ATOMIC_RELAXED);

		if (end < cpu->timer_after_wait)
			cpu->timer_after_wait = end;
		if (end < cpu->timer_besides_current)
			cpu->timer_besides_current = end;
		if (end < cpu->timer_programmed) {
			cpu->timer_programmed = end;
			arch_timer_program(end);
		}
	}
	return HV_OK;
}

/* The work deferred so far, in order. What it defers again (a reset's
 * next step) waits for the next turn: other vCPUs run in between. */
static void run_deferred(struct cpu *cpu)
{
	struct deferred_work work[CPU_DEFERRED_MAX];
	unsigned count = cpu->nr_deferred;

	if (!count)
		return;
	for (unsigned i = 0; i < count; i++)
		work[i] = cpu->deferred[i];
	cpu->nr_deferred = 0;
	for (unsigned i = 0; i < count; i++)
		work[i].fn(work[i].arg);
}

static void idle(void)
{
	/* The timer scan may wake a vCPU whose deadline passed: then there
	 * is work, and sleeping would leave it queued behind a wfi. */
	sched_update_timer();
	if (!__atomic_load_n(&this_cpu()->rq.nr_queued, __ATOMIC_RELAXED) &&
	    sched_balance_pull(this_cpu()))
		return;
	if (!__atomic_load_n(&this_cpu()->rq.nr_queued, __ATOMIC_RELAXED) &&
	    !arch_pending_host_irqs() && !this_cpu()->nr_deferred)
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
