// SPDX-License-Identifier: MIT
/*
 * Load balancing for policies that ask for it (policy->balance): where a
 * vCPU runs is not fixed; harts share the work. Three mechanisms, all
 * moving vCPUs through the foundations' migration (sched/migrate.c):
 *
 * - Pull: a hart about to idle takes a queued vCPU it may run from the
 *   busiest other hart. An idle hart has nothing better to do, so this
 *   path may look at every vCPU of that one hart.
 * - Wakeup: a vCPU woken on a busy hart while another hart it may use is
 *   idle makes that hart look (an IPI): it then pulls the vCPU.
 * - Push: when a vCPU is preempted, at most once per balance interval per
 *   hart, it moves to the least loaded hart it may use if that hart's
 *   smoothed load is lower by more than the vCPU's own load. That margin
 *   is the hysteresis: moving load w changes a difference d by 2w, so the
 *   move leaves |d - 2w| < d, and the sum of the squared loads of all
 *   harts falls by 2w(d - w) > 0 at every move: with steady loads the
 *   moves end, and nothing ping-pongs. A vCPU that moved recently stays
 *   put for a while.
 *
 * The load is what the policy weighs (policy->runqueue_load: the fair
 * policy's weights, so that one heavy and one light vCPU share a hart
 * rather than two heavy ones one hart and two light ones another), or
 * the number of runnable vCPUs.
 *
 * Loads are read without the other harts' locks: a stale value only makes
 * a decision a little worse, and the migration itself re-checks under the
 * locks that the vCPU can still move.
 */
#include <arch/arch.h>
#include <hv/errno.h>
#include <hv/vm.h>
#include "sched/balance.h"
#include "sched/internal.h"
#include "sched/policy.h"

/* Online, and the vCPU may run there. */
static bool usable(struct vcpu *vcpu, struct cpu *cpu)
{
	return __atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE) &&
	       sched_cpu_allowed(vcpu, cpu);
}

/* The hart's load now: its runnable vCPUs, weighed by the policy if it
 * weighs them (fixed point); rq lock held. */
static unsigned instant_load(struct cpu *cpu)
{
	struct runqueue *rq = &cpu->rq;

	if (rq->policy->runqueue_load)
		return rq->policy->runqueue_load(rq);
	return (rq->nr_queued + (cpu->current ? 1 : 0)) * SCHED_LOAD_UNIT;
}

/* The vCPU's part of its hart's load. */
static unsigned vcpu_load(const struct runqueue *rq, struct vcpu *vcpu)
{
	return rq->policy->entity_load ? rq->policy->entity_load(&vcpu->se)
				       : SCHED_LOAD_UNIT;
}

/*
 * The average moves toward the load the hart has had since it last
 * changed (load_now, at load_at), halving the distance every
 * SCHED_LOAD_HALF_LIFE_MS: a time average, so that a hart whose load
 * stays the same (one vCPU running alone makes no decisions) is not left
 * with the figure of its last decision.
 */
static unsigned decayed_load(const struct runqueue *rq, uint64_t now)
{
	unsigned avg = __atomic_load_n(&rq->load_avg, __ATOMIC_RELAXED);
	unsigned target = __atomic_load_n(&rq->load_now, __ATOMIC_RELAXED);
	uint64_t at = __atomic_load_n(&rq->load_at, __ATOMIC_RELAXED);
	uint64_t half = SCHED_LOAD_HALF_LIFE_MS * rq->ticks_per_ms;
	uint64_t elapsed = now > at ? now - at : 0;
	uint64_t halvings = half ? elapsed / half : 32;
	uint64_t distance = avg >= target ? avg - target : target - avg;

	if (halvings >= 32)
		return target;
	distance >>= halvings;
	/* Within a half-life, linearly from all of it to half. */
	distance -= distance * (elapsed % half) / (2 * half);
	return avg >= target ? target + (unsigned)distance
			     : target - (unsigned)distance;
}

void sched_balance_account(struct cpu *cpu)
{
	struct runqueue *rq = &cpu->rq;

	/* Only balancing reads the loads: a policy without it (round-robin)
	 * skips the bookkeeping at every switch. */
	if (!rq->policy->balance)
		return;
	/* Readers on other harts take these one by one, unlocked: a mix of
	 * old and new only makes one decision a little worse. */
	__atomic_store_n(&rq->load_avg, decayed_load(rq, rq->now),
			 __ATOMIC_RELAXED);
	__atomic_store_n(&rq->load_now, instant_load(cpu), __ATOMIC_RELAXED);
	__atomic_store_n(&rq->load_at, rq->now, __ATOMIC_RELAXED);
}

/* Nothing to run, or only a vCPU that waits in wfi, in place (it gives
 * the hart up as soon as other work comes: hv/vcpu/wait.c). */
static bool idle(struct cpu *cpu)
{
	return (!__atomic_load_n(&cpu->current, __ATOMIC_RELAXED) ||
		__atomic_load_n(&cpu->waiting_in_place, __ATOMIC_RELAXED)) &&
	       !__atomic_load_n(&cpu->rq.nr_queued, __ATOMIC_RELAXED);
}

/* Idle with nothing switched in: a better place for work than a hart
 * whose vCPU waits in place, which would have to block it first. */
static bool empty(struct cpu *cpu)
{
	return idle(cpu) && !__atomic_load_n(&cpu->current, __ATOMIC_RELAXED);
}

/* An idle hart other than the excluded ones that may take vcpu (any, if
 * NULL), an empty one first; or NULL. */
static struct cpu *find_idle(struct cpu *not1, struct cpu *not2,
			     struct vcpu *vcpu)
{
	struct cpu *waiting = NULL;

	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		struct cpu *other = &cpus[i];

		if (other == not1 || other == not2 ||
		    !__atomic_load_n(&other->online, __ATOMIC_ACQUIRE) ||
		    (vcpu && !usable(vcpu, other)) || !idle(other))
			continue;
		if (empty(other))
			return other;
		if (!waiting)
			waiting = other;
	}
	return waiting;
}

/* A smoothed load, except that an idle hart counts as empty now. */
static unsigned load_of(struct cpu *cpu, uint64_t now)
{
	return idle(cpu) ? 0 : decayed_load(&cpu->rq, now);
}

/* Waiting in from's queue, and may run on to. An idle hart takes even
 * a vCPU that moved recently: it can only be better off there. */
static bool may_pull(struct vcpu *vcpu, struct cpu *to)
{
	return vcpu->state == VCPU_RUNNABLE && vcpu->se.queued &&
	       vcpu->se.next == &vcpu->se /* not held back by a cap */ &&
	       !vcpu->parked && !vcpu->moving && vcpu->cpu->current != vcpu &&
	       usable(vcpu, to);
}

/* A queued vCPU of from that may move to to, or NULL; from is locked. */
static struct vcpu *find_movable(struct cpu *from, struct cpu *to)
{
	struct runqueue *rq = &from->rq;

	for (struct sched_entity *se = rq->members.member_next;
	     se != &rq->members; se = se->member_next) {
		struct vcpu *vcpu = vcpu_of_entity(se);

		if (may_pull(vcpu, to))
			return vcpu;
	}
	return NULL;
}

/* from still has queued vCPUs: wake another idle hart to pull one. */
static void nudge_idle(struct cpu *from, struct cpu *self)
{
	struct cpu *other;

	if (!__atomic_load_n(&from->rq.nr_queued, __ATOMIC_RELAXED))
		return;
	other = find_idle(self, from, NULL);
	if (other)
		arch_ipi_send(other);
}

bool sched_balance_pull(struct cpu *cpu)
{
	uint64_t now = arch_time_now();
	struct cpu *busiest = NULL;
	struct vcpu *vcpu = NULL;

	if (!cpu->rq.policy->balance)
		return false;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		struct cpu *other = &cpus[i];

		if (other == cpu ||
		    !__atomic_load_n(&other->online, __ATOMIC_ACQUIRE) ||
		    !__atomic_load_n(&other->rq.nr_queued, __ATOMIC_RELAXED))
			continue;
		if (!busiest || load_of(other, now) > load_of(busiest, now))
			busiest = other;
	}
	if (!busiest)
		return false;
	spin_lock(&busiest->rq.lock);
	vcpu = find_movable(busiest, cpu);
	spin_unlock(&busiest->rq.lock);
	/* sched_migrate re-checks it all under the lock. */
	if (!vcpu || sched_migrate(vcpu, cpu) != HV_OK)
		return false;
	vcpu->last_migration = now;
	nudge_idle(busiest, cpu);
	return true;
}

void sched_balance_wakeup(struct vcpu *vcpu)
{
	struct cpu *cpu = __atomic_load_n(&vcpu->cpu, __ATOMIC_ACQUIRE);

	struct cpu *other;

	if (!cpu->rq.policy->balance || idle(cpu) ||
	    __atomic_load_n(&cpu->current, __ATOMIC_RELAXED) == vcpu)
		return;
	other = find_idle(cpu, cpu, vcpu);
	if (other)
		arch_ipi_send(other);
}

struct cpu *sched_balance_push(struct cpu *cpu, struct vcpu *vcpu, uint64_t now)
{
	struct runqueue *rq = &cpu->rq;
	struct cpu *target = NULL;
	unsigned mine = load_of(cpu, now), lowest = mine;

	if (!rq->policy->balance || vcpu->state != VCPU_RUNNABLE ||
	    now < rq->next_balance)
		return NULL;
	rq->next_balance = now + SCHED_BALANCE_INTERVAL_MS * rq->ticks_per_ms;
	if (vcpu->last_migration &&
	    now - vcpu->last_migration <
		    SCHED_MIGRATE_COOLDOWN_MS * rq->ticks_per_ms)
		return NULL;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		struct cpu *other = &cpus[i];
		unsigned load;

		if (other == cpu || !usable(vcpu, other))
			continue;
		load = load_of(other, now);
		if (load < lowest) {
			lowest = load;
			target = other;
		}
	}
	if (!target || mine - lowest <= vcpu_load(rq, vcpu))
		return NULL;
	vcpu->last_migration = now;
	return target;
}
