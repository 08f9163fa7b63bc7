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
 *   smoothed load is lower by more than one vCPU. The margin is the
 *   hysteresis: moving one vCPU changes the difference by two, so a move
 *   never makes the other hart the busier one, and nothing ping-pongs. A
 *   vCPU that moved recently stays put for a while.
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

/* The load a hart would have with nothing running (fixed point). */
static unsigned instant_load(struct cpu *cpu)
{
	unsigned running =
		__atomic_load_n(&cpu->current, __ATOMIC_RELAXED) ? 1 : 0;

	return (__atomic_load_n(&cpu->rq.nr_queued, __ATOMIC_RELAXED) +
		running) *
	       SCHED_LOAD_UNIT;
}

void sched_balance_account(struct cpu *cpu)
{
	struct runqueue *rq = &cpu->rq;

	/* An exponential average over about eight decisions. */
	rq->load_avg = rq->load_avg - rq->load_avg / 8 + instant_load(cpu) / 8;
}

static bool idle(struct cpu *cpu)
{
	return !__atomic_load_n(&cpu->current, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&cpu->rq.nr_queued, __ATOMIC_RELAXED);
}

/* A smoothed load, except that an idle hart counts as empty now. */
static unsigned load_of(struct cpu *cpu)
{
	return idle(cpu) ? 0
			 : __atomic_load_n(&cpu->rq.load_avg, __ATOMIC_RELAXED);
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
	if (!__atomic_load_n(&from->rq.nr_queued, __ATOMIC_RELAXED))
		return;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		struct cpu *other = &cpus[i];

		if (other != self && other != from &&
		    __atomic_load_n(&other->online, __ATOMIC_ACQUIRE) &&
		    idle(other)) {
			arch_ipi_send(other);
			return;
		}
	}
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
		if (!busiest || load_of(other) > load_of(busiest))
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

	if (!cpu->rq.policy->balance || idle(cpu) ||
	    __atomic_load_n(&cpu->current, __ATOMIC_RELAXED) == vcpu)
		return;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		struct cpu *other = &cpus[i];

		if (other != cpu && usable(vcpu, other) && idle(other)) {
			arch_ipi_send(other);
			return;
		}
	}
}

struct cpu *sched_balance_push(struct cpu *cpu, struct vcpu *vcpu, uint64_t now)
{
	struct runqueue *rq = &cpu->rq;
	struct cpu *target = NULL;
	unsigned mine = load_of(cpu), lowest = mine;

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
		load = load_of(other);
		if (load < lowest) {
			lowest = load;
			target = other;
		}
	}
	if (!target || mine - lowest <= SCHED_LOAD_UNIT + SCHED_LOAD_UNIT / 2)
		return NULL;
	vcpu->last_migration = now;
	return target;
}
