/* SPDX-License-Identifier: MIT */
/*
 * Scheduling policy interface. A policy orders the runnable entities of
 * one runqueue and may choose where an entity continues; it never
 * sleeps, takes no locks (the caller holds the runqueue lock) and touches
 * no hardware, so it is unit-tested on the host.
 */
#ifndef SCHED_POLICY_H
#define SCHED_POLICY_H

#include "sched/sched.h"

struct sched_policy {
	const char *name;
	void (*enqueue)(struct runqueue *rq, struct sched_entity *se);
	void (*dequeue)(struct runqueue *rq, struct sched_entity *se);
	/* Remove and return the entity to run next, or NULL. */
	struct sched_entity *(*pick_next)(struct runqueue *rq);
	/* Account ran ticks to se (called when it is switched out). */
	void (*charge)(struct runqueue *rq, struct sched_entity *se,
		       uint64_t ran);
	/*
	 * Optional: the cpu index where se continues after leaving the cpu
	 * `current` (preempted or blocked). allowed has bit i set for each
	 * cpu it may use (possibly 0). Return current, or -1, to stay.
	 */
	int (*select_cpu)(struct runqueue *rq, struct sched_entity *se,
			  unsigned long allowed, unsigned current);
	/*
	 * Optional: how long the entity just picked runs before the next
	 * decision (default: the time slice). *even_alone: it must stop
	 * then even if nothing else waits (a cap ran out).
	 */
	uint64_t (*slice)(struct runqueue *rq, struct sched_entity *se,
			  bool *even_alone);
	/* Optional: should the woken entity (just queued) preempt curr,
	 * which has run for ran ticks? Default: no. */
	bool (*wakeup_preempts)(struct runqueue *rq, struct sched_entity *woken,
				struct sched_entity *curr, uint64_t ran);
	/* Optional: queue what became runnable by rq->now (capped VMs with
	 * a new budget); return when to look again, or UINT64_MAX. */
	uint64_t (*next_event)(struct runqueue *rq);
	/* Harts share the work: pull, wakeup placement, push (balance.c). */
	bool balance;
	/*
	 * Optional, for balancing: the hart's load, its queued and running
	 * entities weighed, and one entity's part of it, in
	 * SCHED_LOAD_UNITs for a vCPU that has a default-weight VM to
	 * itself. Default: every runnable entity is one unit.
	 */
	unsigned (*runqueue_load)(const struct runqueue *rq);
	unsigned (*entity_load)(struct sched_entity *se);
};

extern const struct sched_policy sched_policy_round_robin;
/* Test-only: round-robin order, and every vCPU moves to a random allowed
 * hart at every switch, to prove the migration mechanism. */
extern const struct sched_policy sched_policy_migrate_random;
/* Weighted fair sharing with eligibility and virtual deadlines (EEVDF),
 * a latency class and caps: sched/policy_fair.c. */
extern const struct sched_policy sched_policy_fair;

/* Policies (sched/policy_*.c), selected by name. NULL if unknown. */
const struct sched_policy *sched_policy_by_name(const char *name);

void runqueue_init(struct runqueue *rq, const struct sched_policy *policy,
		   uint64_t time_slice);
void sched_entity_init(struct sched_entity *se);

#endif
