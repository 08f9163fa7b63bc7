// SPDX-License-Identifier: MIT
/*
 * Round-robin policy: a FIFO of runnable entities. Entities picked run
 * for the runqueue's time slice and go to the back when preempted.
 */
#include "sched/policy.h"
#include "sched/policy_rr.h"

void sched_entity_init(struct sched_entity *se)
{
	se->next = se->prev = se;
	se->queued = false;
	se->woken = false;
	se->latency_class = false;
	se->cap_grant_ticks = 0;
	se->cap_grant_period = 0;
	se->weight = 1;
	se->vruntime = 0;
	se->vdeadline = 0;
	se->lag = 0;
	se->ready_since = 0;
	se->left = se->right = se->best = NULL;
	se->height = 0;
	se->timer_slot = -1;
	se->timer_due = UINT64_MAX;
	se->member_next = se->member_prev = se;
}

void runqueue_init(struct runqueue *rq, const struct sched_policy *policy,
		   uint64_t time_slice)
{
	rq->lock.locked = 0;
	sched_entity_init(&rq->head);
	sched_entity_init(&rq->members);
	rq->nr_queued = 0;
	rq->nr_members = 0;
	rq->policy = policy;
	rq->time_slice = time_slice;
	rq->min_run = time_slice;
	rq->ticks_per_ms = 1000;
	rq->now = 0;
	rq->tree = NULL;
	rq->curr = NULL;
	sched_entity_init(&rq->throttled);
	rq->weight_sum = 0;
	rq->vruntime_sum = 0;
	/* Far from 0 so that vruntime - lag never wraps. */
	rq->vbase = 1ULL << 62;
	rq->nr_timers = 0;
	rq->load_avg = rq->load_now = 0;
	rq->load_at = 0;
	rq->next_balance = 0;
}

void rr_enqueue(struct runqueue *rq, struct sched_entity *se)
{
	if (se->queued)
		return;
	se->prev = rq->head.prev;
	se->next = &rq->head;
	rq->head.prev->next = se;
	rq->head.prev = se;
	se->queued = true;
	rq->nr_queued++;
}

void rr_dequeue(struct runqueue *rq, struct sched_entity *se)
{
	if (!se->queued)
		return;
	se->prev->next = se->next;
	se->next->prev = se->prev;
	se->next = se->prev = se;
	se->queued = false;
	rq->nr_queued--;
}

struct sched_entity *rr_pick_next(struct runqueue *rq)
{
	struct sched_entity *se = rq->head.next;

	if (se == &rq->head)
		return NULL;
	rr_dequeue(rq, se);
	return se;
}

void rr_charge(struct runqueue *rq, struct sched_entity *se, uint64_t ran)
{
	(void)rq;
	se->vruntime += ran;
}

const struct sched_policy sched_policy_round_robin = {
	.name = "round-robin",
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.charge = rr_charge,
};
