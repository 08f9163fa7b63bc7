/* SPDX-License-Identifier: MIT */
/*
 * Test-and-test-and-set spinlock. The hypervisor never enables interrupts
 * in HS-mode, so there is no irqsave variant: a lock holder cannot be
 * interrupted on its own hart. Acquire/release ordering comes from the
 * __atomic builtins (amoswap.w.aq / fence + sw on RISC-V).
 */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include <hv/types.h>

typedef struct {
	uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT \
	{             \
		0     \
	}

static inline void spin_lock(spinlock_t *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			;
}

/* Take the lock if it is free; true if taken. */
static inline bool spin_trylock(spinlock_t *lock)
{
	return !__atomic_load_n(&lock->locked, __ATOMIC_RELAXED) &&
	       !__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

#endif
