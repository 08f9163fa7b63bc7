// SPDX-License-Identifier: MIT
/*
 * The fair policy: weighted fair sharing by EEVDF (earliest eligible
 * virtual deadline first), with a latency class and caps. See
 * docs/design.md, "The fair scheduler", for why EEVDF over credits.
 *
 * Each entity's vruntime advances by the time it ran divided by its
 * weight. The runqueue's virtual time V is the weighted average vruntime
 * of its queued and current entities; an entity is eligible when its
 * vruntime is at most V (it has received no more than its share), and
 * among eligible entities the one with the earliest virtual deadline
 * (vruntime + request / weight) runs. Latency-class entities come before
 * others among the eligible, so they run first when they wake but, since
 * eligibility still applies, never get more than their weight's share.
 *
 * An entity that leaves (blocks, moves, is capped, is preempted) keeps its
 * lag, V minus its vruntime, and gets it back when it is queued again;
 * after a sleep it is bounded to two slices, so a sleeper is owed at most
 * what it was owed when it left, and a vCPU that overran cannot carry an
 * unbounded debt into its next wakeup.
 */
#include <hv/vm.h>
#include <hv/vmconfig.h>
#include "sched/balance.h"
#include "sched/cap.h"
#include "sched/fair_tree.h"
#include "sched/internal.h"
#include "sched/policy.h"

/* vruntime advances by ticks << FAIR_SHIFT / weight. */
#define FAIR_SHIFT 24
/* A vCPU's weight is its VM's weight times this, over its vCPU count. */
#define FAIR_WEIGHT_UNIT 1024
/* Lag kept across a sleep or a move: at most this many requests. */
#define FAIR_MAX_LAG_REQUESTS 2

static struct vm *vm_of(struct sched_entity *se)
{
	return vcpu_of_entity(se)->vm;
}

/* The VM's weight, shared evenly by its vCPUs. */
static unsigned entity_weight(struct sched_entity *se)
{
	struct vm *vm = vm_of(se);
	uint64_t weight =
		(uint64_t)__atomic_load_n(&vm->sched.weight, __ATOMIC_RELAXED) *
		FAIR_WEIGHT_UNIT / (vm->num_vcpus ? vm->num_vcpus : 1);

	return weight ? (unsigned)weight : 1;
}

static uint64_t to_virtual(uint64_t ticks, unsigned weight)
{
	return (uint64_t)(((unsigned __int128)ticks << FAIR_SHIFT) / weight);
}

static uint64_t to_ticks(uint64_t virtual_time, unsigned weight)
{
	return (uint64_t)(((unsigned __int128)virtual_time * weight) >>
			  FAIR_SHIFT);
}

/* The time an entity asks for each time it is picked: the latency bound
 * for the latency class (it then waits less), else the time slice. */
static uint64_t request(struct runqueue *rq, struct sched_entity *se)
{
	unsigned latency_us = vm_of(se)->sched.latency_us;
	uint64_t latency = latency_us * rq->ticks_per_ms / 1000;

	if (latency_us && latency < rq->time_slice)
		return latency > rq->min_run ? latency : rq->min_run;
	return rq->time_slice;
}

static int64_t relative(struct runqueue *rq, uint64_t vruntime)
{
	return (int64_t)(vruntime - rq->vbase);
}

static void sums_add(struct runqueue *rq, struct sched_entity *se)
{
	rq->weight_sum += se->weight;
	rq->vruntime_sum += (__int128)se->weight * relative(rq, se->vruntime);
}

static void sums_remove(struct runqueue *rq, struct sched_entity *se)
{
	rq->weight_sum -= se->weight;
	rq->vruntime_sum -= (__int128)se->weight * relative(rq, se->vruntime);
}

/* V: the weighted average vruntime (vbase when the runqueue is empty). */
static uint64_t average_vruntime(struct runqueue *rq)
{
	if (!rq->weight_sum)
		return rq->vbase;
	return rq->vbase +
	       (uint64_t)(int64_t)(rq->vruntime_sum / rq->weight_sum);
}

/* Leaving the averages: remember the lag; rebase when empty. */
static void leave(struct runqueue *rq, struct sched_entity *se)
{
	uint64_t average = average_vruntime(rq);

	se->lag = (int64_t)(average - se->vruntime);
	sums_remove(rq, se);
	if (!rq->weight_sum) {
		rq->vbase = average;
		rq->vruntime_sum = 0;
	}
}

/* Joining: vruntime from the kept lag, scaled so that leaving and coming
 * back at once leaves V where it was; a fresh virtual deadline. */
static void place(struct runqueue *rq, struct sched_entity *se)
{
	uint64_t req = request(rq, se);
	int64_t limit, lag;

	se->weight = entity_weight(se);
	se->latency_class = vm_of(se)->sched.latency_us != 0;
	/* Bounded after a sleep only: a preempted or moved vCPU keeps all
	 * of its lag, or a long stint (a host stall under QEMU) would be
	 * partly forgiven at every preemption. */
	limit = (int64_t)to_virtual(FAIR_MAX_LAG_REQUESTS * rq->time_slice,
				    se->weight);
	lag = se->lag;
	if (se->woken)
		lag = lag > limit ? limit : lag < -limit ? -limit : lag;
	if (rq->weight_sum)
		lag = (int64_t)((__int128)lag *
				(__int128)(rq->weight_sum + se->weight) /
				(__int128)rq->weight_sum);
	se->vruntime = average_vruntime(rq) - (uint64_t)lag;
	se->vdeadline = se->vruntime + to_virtual(req, se->weight);
	sums_add(rq, se);
}

static bool capped_out(struct runqueue *rq, struct sched_entity *se)
{
	return sched_cap_exhausted(vm_of(se), rq->now, rq->ticks_per_ms);
}

static void throttle(struct runqueue *rq, struct sched_entity *se)
{
	se->prev = rq->throttled.prev;
	se->next = &rq->throttled;
	rq->throttled.prev->next = se;
	rq->throttled.prev = se;
}

static void unthrottle(struct sched_entity *se)
{
	se->prev->next = se->next;
	se->next->prev = se->prev;
	se->next = se->prev = se;
}

static void fair_enqueue(struct runqueue *rq, struct sched_entity *se)
{
	if (se->queued)
		return;
	se->queued = true;
	rq->nr_queued++;
	if (capped_out(rq, se)) {
		/* Not in the tree nor the averages until its VM's next
		 * period; it keeps the lag it had. */
		rq->nr_queued--;
		throttle(rq, se);
		return;
	}
	place(rq, se);
	fair_tree_insert(&rq->tree, se);
}

static void fair_dequeue(struct runqueue *rq, struct sched_entity *se)
{
	if (se->next != se) { /* throttled: only on the list */
		unthrottle(se);
		se->queued = false;
		return;
	}
	if (!se->queued)
		return;
	fair_tree_remove(&rq->tree, se);
	leave(rq, se);
	se->queued = false;
	rq->nr_queued--;
}

static struct sched_entity *fair_pick_next(struct runqueue *rq)
{
	struct sched_entity *se = fair_tree_pick(
		rq->tree, rq->vbase, rq->vruntime_sum, rq->weight_sum);

	if (!se) /* rounding: the smallest vruntime is always owed */
		se = fair_tree_first(rq->tree);
	if (!se)
		return NULL;
	fair_tree_remove(&rq->tree, se);
	se->queued = false;
	rq->nr_queued--;
	rq->curr = se; /* still counted in V while it runs */
	return se;
}

static void fair_charge(struct runqueue *rq, struct sched_entity *se,
			uint64_t ran)
{
	uint64_t advance = to_virtual(ran, se->weight);

	struct sched_cap_grant grant = {
		.ticks = se->cap_grant_ticks,
		.period_start = se->cap_grant_period,
	};

	sched_cap_settle(vm_of(se), rq->now, rq->ticks_per_ms, &grant, ran);
	se->cap_grant_ticks = 0;
	if (rq->curr != se)
		return; /* not picked by this policy (a policy change) */
	rq->curr = NULL;
	rq->vruntime_sum += (__int128)se->weight * (int64_t)advance;
	se->vruntime += advance;
	leave(rq, se);
	/* Its request is served: the next one is due one request later. */
	if ((int64_t)(se->vruntime - se->vdeadline) >= 0)
		se->vdeadline =
			se->vruntime + to_virtual(request(rq, se), se->weight);
}

/* When the first throttled entity's VM starts its next period (and the
 * entity may run again); UINT64_MAX with none throttled. */
static uint64_t first_release(struct runqueue *rq)
{
	uint64_t first = UINT64_MAX;

	for (struct sched_entity *se = rq->throttled.next; se != &rq->throttled;
	     se = se->next) {
		uint64_t end =
			sched_cap_period_end(vm_of(se), rq->ticks_per_ms);

		if (end < first)
			first = end;
	}
	return first;
}

static uint64_t fair_slice(struct runqueue *rq, struct sched_entity *se,
			   bool *even_alone)
{
	uint64_t left =
		se->vdeadline > se->vruntime
			? to_ticks(se->vdeadline - se->vruntime, se->weight)
			: 0;
	uint64_t release = first_release(rq);
	struct sched_cap_grant grant;
	uint64_t granted;

	/* A capped vCPU released at its next period competes then, not
	 * after this whole slice: each period it would start a little
	 * later, until its runs crossed into the next period and the
	 * budget left in this one expired unused (measured: 24 % for a
	 * 25 % cap beside a busy VM, with exits 50 us late). */
	if (release > rq->now && release - rq->now < left)
		left = release - rq->now;
	if (left < rq->min_run)
		left = rq->min_run;
	granted = sched_cap_reserve(vm_of(se), rq->now, rq->ticks_per_ms, left,
				    &grant);
	se->cap_grant_ticks = grant.ticks;
	se->cap_grant_period = grant.period_start;
	if (granted == UINT64_MAX)
		return left;
	/* Capped: it stops when its grant is used, alone or not. A grant
	 * of 0 (spent meanwhile on another hart) still runs a moment. */
	*even_alone = true;
	return granted ? granted : 1;
}

static bool fair_wakeup_preempts(struct runqueue *rq,
				 struct sched_entity *woken,
				 struct sched_entity *curr, uint64_t ran)
{
	/* curr's vruntime as if charged now, and V with it. */
	int64_t advance =
		curr == rq->curr ? (int64_t)to_virtual(ran, curr->weight) : 0;
	__int128 sum = rq->vruntime_sum + (__int128)curr->weight * advance;
	struct sched_entity now_curr = *curr;

	if (!woken->queued || woken->next != woken)
		return false;
	if ((__int128)relative(rq, woken->vruntime) * rq->weight_sum > sum)
		return false; /* not owed anything: it waits its turn */
	now_curr.vruntime += (uint64_t)advance;
	return fair_more_urgent(woken, &now_curr);
}

static uint64_t fair_next_event(struct runqueue *rq)
{
	struct sched_entity *se = rq->throttled.next;

	while (se != &rq->throttled) {
		struct sched_entity *following = se->next;

		if (!capped_out(rq, se)) {
			unthrottle(se);
			se->queued = false;
			fair_enqueue(rq, se);
		}
		se = following;
	}
	return first_release(rq);
}

/* Balancing weighs harts by the weights they run: counting vCPUs, two
 * heavy vCPUs on one hart and two light ones on another look even, yet
 * each VM then gets half of a hart there, whatever the weights. */
#define FAIR_LOAD_WEIGHT ((uint64_t)VM_DEFAULT_WEIGHT * FAIR_WEIGHT_UNIT)

static unsigned fair_runqueue_load(const struct runqueue *rq)
{
	return (unsigned)(rq->weight_sum * SCHED_LOAD_UNIT / FAIR_LOAD_WEIGHT);
}

static unsigned fair_entity_load(struct sched_entity *se)
{
	uint64_t load = (uint64_t)entity_weight(se) * SCHED_LOAD_UNIT /
			FAIR_LOAD_WEIGHT;

	return load ? (unsigned)load : 1;
}

const struct sched_policy sched_policy_fair = {
	.name = "fair",
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.pick_next = fair_pick_next,
	.charge = fair_charge,
	.slice = fair_slice,
	.wakeup_preempts = fair_wakeup_preempts,
	.next_event = fair_next_event,
	.balance = true,
	.runqueue_load = fair_runqueue_load,
	.entity_load = fair_entity_load,
};
