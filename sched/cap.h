/* SPDX-License-Identifier: MIT */
/*
 * CPU caps (`cpu-cap-percent`): a VM may use cap% of one hart's time per
 * period, summed over all its vCPUs and harts. A vCPU picked to run
 * reserves its slice from the shared budget at once, so vCPUs of the VM
 * picked on other harts meanwhile see what is really left; when it is
 * switched out, the reservation is settled against the time it ran. Once
 * the budget is spent, its vCPUs wait for the next period even if harts
 * are idle.
 */
#ifndef SCHED_CAP_H
#define SCHED_CAP_H

#include <hv/types.h>

struct vm;

/* The accounting period, in milliseconds. */
#define SCHED_CAP_PERIOD_MS 10

/* A reservation held by a running vCPU. */
struct sched_cap_grant {
	uint64_t ticks;	       /* reserved */
	uint64_t period_start; /* of the period it was taken from */
};

/* Is the VM capped and out of budget at now? */
bool sched_cap_exhausted(struct vm *vm, uint64_t now, uint64_t ticks_per_ms);
/* Reserve up to want ticks of the VM's budget at now: UINT64_MAX if it
 * is not capped (nothing reserved), else what was granted (0 if none is
 * left). */
uint64_t sched_cap_reserve(struct vm *vm, uint64_t now, uint64_t ticks_per_ms,
			   uint64_t want, struct sched_cap_grant *grant);
/* Settle a reservation: the vCPU ran ran ticks, up to now. */
void sched_cap_settle(struct vm *vm, uint64_t now, uint64_t ticks_per_ms,
		      const struct sched_cap_grant *grant, uint64_t ran);
/* When the VM's next period begins (its budget is refilled). */
uint64_t sched_cap_period_end(struct vm *vm, uint64_t ticks_per_ms);

#endif
