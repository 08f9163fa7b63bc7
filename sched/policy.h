/* SPDX-License-Identifier: MIT */
/*
 * Scheduling policy interface. A policy orders the runnable entities of
 * one runqueue; it never sleeps, takes no locks (the caller holds the
 * runqueue lock) and touches no hardware, so it is unit-tested on the
 * host.
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
};

extern const struct sched_policy sched_policy_round_robin;

void runqueue_init(struct runqueue *rq, const struct sched_policy *policy,
		   uint64_t time_slice);
void sched_entity_init(struct sched_entity *se);

#endif
