// SPDX-License-Identifier: MIT
/*
 * CPU caps: see cap.h. The period start and the time used are atomics
 * shared by every hart. A hart that sees the period over starts the next
 * one with a compare-and-swap, so exactly one hart resets the budget; a
 * charge racing with that reset lands in one period or the other, an
 * error of at most one charge, which the next period absorbs.
 */
#include <hv/vm.h>
#include "sched/cap.h"

static uint64_t period_ticks(uint64_t ticks_per_ms)
{
	return SCHED_CAP_PERIOD_MS * ticks_per_ms;
}

static uint64_t budget(const struct vm *vm, uint64_t ticks_per_ms)
{
	return period_ticks(ticks_per_ms) *
	       __atomic_load_n(&vm->sched.cap_percent, __ATOMIC_RELAXED) / 100;
}

/* Start a new period if the current one is over at now. */
static void roll_period(struct vm *vm, uint64_t now, uint64_t ticks_per_ms)
{
	uint64_t start =
		__atomic_load_n(&vm->sched.cap_period_start, __ATOMIC_ACQUIRE);
	uint64_t period = period_ticks(ticks_per_ms);

	if (now - start < period)
		return;
	/* Periods are aligned to multiples of the period length. */
	uint64_t next = now - now % period;

	if (__atomic_compare_exchange_n(&vm->sched.cap_period_start, &start,
					next, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		__atomic_store_n(&vm->sched.cap_used, 0, __ATOMIC_RELEASE);
}

uint64_t sched_cap_remaining(struct vm *vm, uint64_t now, uint64_t ticks_per_ms)
{
	if (!__atomic_load_n(&vm->sched.cap_percent, __ATOMIC_RELAXED))
		return UINT64_MAX;
	roll_period(vm, now, ticks_per_ms);
	uint64_t used = __atomic_load_n(&vm->sched.cap_used, __ATOMIC_ACQUIRE);
	uint64_t allowed = budget(vm, ticks_per_ms);

	return used < allowed ? allowed - used : 0;
}

void sched_cap_charge(struct vm *vm, uint64_t ran, uint64_t now,
		      uint64_t ticks_per_ms)
{
	if (!__atomic_load_n(&vm->sched.cap_percent, __ATOMIC_RELAXED))
		return;
	roll_period(vm, now, ticks_per_ms);
	__atomic_fetch_add(&vm->sched.cap_used, ran, __ATOMIC_ACQ_REL);
}

uint64_t sched_cap_period_end(struct vm *vm, uint64_t ticks_per_ms)
{
	return __atomic_load_n(&vm->sched.cap_period_start, __ATOMIC_ACQUIRE) +
	       period_ticks(ticks_per_ms);
}
