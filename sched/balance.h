/* SPDX-License-Identifier: MIT */
/* Load balancing between harts (sched/balance.c). */
#ifndef SCHED_BALANCE_H
#define SCHED_BALANCE_H

#include <hv/percpu.h>
#include <hv/vcpu.h>

/* One runnable vCPU in a hart's load (of a default-weight 1-vCPU VM, when
 * the policy weighs them). */
#define SCHED_LOAD_UNIT 1024
/* The smoothed load closes half its distance to the present load in this
 * long (about the eight decisions of 10 ms slices it was averaged over). */
#define SCHED_LOAD_HALF_LIFE_MS 32
/* How often a hart considers pushing a preempted vCPU elsewhere. */
#define SCHED_BALANCE_INTERVAL_MS 20
/* A vCPU that moved stays where it is for at least this long. */
#define SCHED_MIGRATE_COOLDOWN_MS 50

/* Fold the hart's present load into its average; rq lock held. */
void sched_balance_account(struct cpu *cpu);
/* The hart is about to idle: move a queued vCPU it may run from the
 * busiest other hart to it. No lock may be held. True if one came. */
bool sched_balance_pull(struct cpu *cpu);
/* A vCPU was just queued: if its hart is busy, wake an idle hart it may
 * use, which then pulls it. No lock needed. */
void sched_balance_wakeup(struct vcpu *vcpu);
/* vCPU is leaving cpu, preempted: the hart it should continue on, or
 * NULL to stay. cpu's lock is held. */
struct cpu *sched_balance_push(struct cpu *cpu, struct vcpu *vcpu,
			       uint64_t now);

#endif
