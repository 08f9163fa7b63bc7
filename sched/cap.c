// SPDX-License-Identifier: MIT
/*
 * CPU caps: see cap.h. The period start and the time used (reserved or
 * run) are atomics shared by every hart. A hart that sees the period over
 * starts the next one with a compare-and-swap, so exactly one hart resets
 * the budget. A reservation taken just before such a reset is settled
 * only for the time run in the new period; a charge racing with the reset
 * itself lands in one period or the other, an error of at most one slice
 * that the next period absorbs.
 */
#include <hv/vm.h>
#include "sched/cap.h"

static uint64_t period_ticks(uint64_t ticks_per_ms)
{
	return SCHED_CAP_PERIOD_MS * ticks_per_ms;
}

static unsigned cap_of(struct vm *vm)
{
	return __atomic_load_n(&vm->sched.cap_percent, __ATOMIC_RELAXED);
}

/* Start a new period if the current one is over at now; its start. */
static uint64_t roll_period(struct vm *vm, uint64_t now, uint64_t ticks_per_ms)
{
	uint64_t start =
		__atomic_load_n(&vm->sched.cap_period_start, __ATOMIC_ACQUIRE);
	uint64_t period = period_ticks(ticks_per_ms);

	if (now - start < period)
		return start;
	/* Periods are aligned to multiples of the period length. */
	uint64_t next = now - now % period;

	if (__atomic_compare_exchange_n(&vm->sched.cap_period_start, &start,
					next, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		int64_t used = (int64_t)__atomic_exchange_n(
			&vm->sched.cap_used, 0, __ATOMIC_ACQ_REL);
		int64_t budget = (int64_t)(period * cap_of(vm) / 100);

		/* A run that overran its grant (its exit came late: a busy
		 * host under QEMU) is a debt the next period pays, or caps
		 * would give more than they say. Only right after the
		 * period: a VM idle for a whole period owes nothing. */
		if (used > budget && next - start == period)
			__atomic_fetch_add(&vm->sched.cap_used,
					   (uint64_t)(used - budget),
					   __ATOMIC_ACQ_REL);
	}
	return __atomic_load_n(&vm->sched.cap_period_start, __ATOMIC_ACQUIRE);
}

static uint64_t remaining(struct vm *vm, uint64_t ticks_per_ms)
{
	int64_t used =
		(int64_t)__atomic_load_n(&vm->sched.cap_used, __ATOMIC_ACQUIRE);
	int64_t budget =
		(int64_t)(period_ticks(ticks_per_ms) * cap_of(vm) / 100);

	return used < budget ? (uint64_t)(budget - used) : 0;
}

bool sched_cap_exhausted(struct vm *vm, uint64_t now, uint64_t ticks_per_ms)
{
	if (!cap_of(vm))
		return false;
	roll_period(vm, now, ticks_per_ms);
	return remaining(vm, ticks_per_ms) == 0;
}

uint64_t sched_cap_reserve(struct vm *vm, uint64_t now, uint64_t ticks_per_ms,
			   uint64_t want, struct sched_cap_grant *grant)
{
	grant->ticks = 0;
	if (!cap_of(vm))
		return UINT64_MAX;
	grant->period_start = roll_period(vm, now, ticks_per_ms);
	uint64_t left = remaining(vm, ticks_per_ms);

	grant->ticks = want < left ? want : left;
	__atomic_fetch_add(&vm->sched.cap_used, grant->ticks, __ATOMIC_ACQ_REL);
	return grant->ticks;
}

void sched_cap_settle(struct vm *vm, uint64_t now, uint64_t ticks_per_ms,
		      const struct sched_cap_grant *grant, uint64_t ran)
{
	uint64_t start;

	if (!cap_of(vm) && !grant->ticks)
		return;
	start = roll_period(vm, now, ticks_per_ms);
	if (start == grant->period_start) {
		/* used += ran - reserved, as two's complement. */
		__atomic_fetch_add(&vm->sched.cap_used, ran - grant->ticks,
				   __ATOMIC_ACQ_REL);
		return;
	}
	/* A new period began while it ran: only that part counts now. */
	if (ran > now - start)
		ran = now - start;
	__atomic_fetch_add(&vm->sched.cap_used, ran, __ATOMIC_ACQ_REL);
}

uint64_t sched_cap_period_end(struct vm *vm, uint64_t ticks_per_ms)
{
	return __atomic_load_n(&vm->sched.cap_period_start, __ATOMIC_ACQUIRE) +
	       period_ticks(ticks_per_ms);
}
