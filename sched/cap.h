/* SPDX-License-Identifier: MIT */
/*
 * CPU caps (`cpu-cap-percent`): a VM may use cap% of one hart's time per
 * period, summed over all its vCPUs and harts. Every hart that runs one
 * of its vCPUs charges the shared budget; once spent, its vCPUs wait for
 * the next period even if harts are idle.
 */
#ifndef SCHED_CAP_H
#define SCHED_CAP_H

#include <hv/types.h>

struct vm;

/* The accounting period, in milliseconds. */
#define SCHED_CAP_PERIOD_MS 10

/* Budget left in the current period at now (UINT64_MAX: not capped). */
uint64_t sched_cap_remaining(struct vm *vm, uint64_t now,
			     uint64_t ticks_per_ms);
/* Charge ran ticks, ending at now, to the VM's budget. */
void sched_cap_charge(struct vm *vm, uint64_t ran, uint64_t now,
		      uint64_t ticks_per_ms);
/* When the VM's next period begins (its budget is refilled). */
uint64_t sched_cap_period_end(struct vm *vm, uint64_t ticks_per_ms);

#endif
