/* SPDX-License-Identifier: MIT */
/*
 * The per-hart scheduler. Every hart owns a runqueue of the vCPUs pinned
 * to it; sched_run_loop() is the hart's main loop: pick a vCPU, run it
 * until it blocks, stops or its slice ends, handle the exits in between.
 * Which runnable vCPU goes next is a pluggable policy (sched/policy.h).
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <hv/types.h>
#include <hv/spinlock.h>

struct sched_entity {
	struct sched_entity *next, *prev;
	bool queued;
	unsigned weight;      /* for weighted policies; 1 by default */
	uint64_t vruntime;    /* for fair policies */
	uint64_t ready_since; /* when it became runnable (wait accounting) */
};

struct sched_policy;

struct runqueue {
	spinlock_t lock; /* protects the queue and the state of its vCPUs */
	struct sched_entity head; /* circular list of runnable entities */
	unsigned nr_queued;
	const struct sched_policy *policy;
	uint64_t time_slice; /* in timer ticks */
};

struct vcpu;

void sched_init_hart(struct runqueue *rq, uint64_t time_slice);
NORETURN void sched_run_loop(void);
/* Post an event to a vCPU: wake it if blocked, or make it exit the guest
 * if it runs on another hart, so its pending work is seen. */
void sched_kick(struct vcpu *vcpu);
/* Add a vCPU that was OFFLINE to its runqueue (HSM start, VM boot). The
 * caller holds the runqueue lock and has set the vCPU's state. */
void sched_enqueue_locked(struct vcpu *vcpu);
/* Bring the hart timer in line with the slice and vCPU deadlines. */
void sched_update_timer(void);

#endif
