// SPDX-License-Identifier: MIT
/*
 * Blocked vCPUs with a timer deadline, per runqueue, in a binary min-heap
 * by deadline: the hart timer needs only the earliest (O(1)), and a block
 * or wakeup costs O(log n). A runnable vCPU needs no entry (its timer
 * interrupt is raised when it next enters the guest), nor does the
 * running one (its own timer is armed apart). Under the runqueue lock.
 */
#include "sched/internal.h"

static void set_slot(struct runqueue *rq, unsigned slot,
		     struct sched_entity *se)
{
	rq->timers[slot] = se;
	se->timer_slot = (int)slot;
}

static void sift_up(struct runqueue *rq, unsigned slot)
{
	struct sched_entity *se = rq->timers[slot];

	while (slot > 0) {
		unsigned parent = (slot - 1) / 2;

		if (rq->timers[parent]->timer_due <= se->timer_due)
			break;
		set_slot(rq, slot, rq->timers[parent]);
		slot = parent;
	}
	set_slot(rq, slot, se);
}

static void sift_down(struct runqueue *rq, unsigned slot)
{
	struct sched_entity *se = rq->timers[slot];

	for (;;) {
		unsigned child = 2 * slot + 1;

		if (child >= rq->nr_timers)
			break;
		if (child + 1 < rq->nr_timers &&
		    rq->timers[child + 1]->timer_due <
			    rq->timers[child]->timer_due)
			child++;
		if (se->timer_due <= rq->timers[child]->timer_due)
			break;
		set_slot(rq, slot, rq->timers[child]);
		slot = child;
	}
	set_slot(rq, slot, se);
}

void sched_timer_remove(struct runqueue *rq, struct sched_entity *se)
{
	unsigned slot = (unsigned)se->timer_slot;
	struct sched_entity *last;

	if (se->timer_slot < 0)
		return;
	se->timer_slot = -1;
	last = rq->timers[--rq->nr_timers];
	if (last == se)
		return;
	set_slot(rq, slot, last);
	sift_up(rq, slot);
	sift_down(rq, (unsigned)last->timer_slot);
}

void sched_timer_add(struct runqueue *rq, struct sched_entity *se, uint64_t due)
{
	sched_timer_remove(rq, se);
	if (due == UINT64_MAX || rq->nr_timers == SCHED_MAX_TIMERS)
		return; /* no deadline; (full: cannot happen, one per vCPU) */
	se->timer_due = due;
	set_slot(rq, rq->nr_timers++, se);
	sift_up(rq, (unsigned)se->timer_slot);
}

struct sched_entity *sched_timer_first(struct runqueue *rq)
{
	return rq->nr_timers ? rq->timers[0] : NULL;
}
