/* SPDX-License-Identifier: MIT */
/* Round-robin's operations, shared with policies that keep its order. */
#ifndef SCHED_POLICY_RR_H
#define SCHED_POLICY_RR_H

#include "sched/policy.h"

void rr_enqueue(struct runqueue *rq, struct sched_entity *se);
void rr_dequeue(struct runqueue *rq, struct sched_entity *se);
struct sched_entity *rr_pick_next(struct runqueue *rq);
void rr_charge(struct runqueue *rq, struct sched_entity *se, uint64_t ran);

#endif
