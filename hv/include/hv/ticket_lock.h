/* SPDX-License-Identifier: MIT */
/*
 * Ticket lock: harts are served in the order they arrived, so a hart that
 * keeps re-taking the lock (a VM flooding the console) cannot starve
 * another one waiting for it, as it can with the test-and-set spinlock_t.
 * Like spinlock_t there is no irqsave variant: HS-mode runs with
 * interrupts off. Acquire/release ordering comes from the __atomic
 * builtins: the fetch-add hands out the ticket, the acquire load of
 * now_serving orders the critical section after the previous holder's
 * release store.
 */
#ifndef HV_TICKET_LOCK_H
#define HV_TICKET_LOCK_H

#include <hv/types.h>

typedef struct {
	uint32_t next_ticket;
	uint32_t now_serving;
} ticket_lock_t;

#define TICKET_LOCK_INIT \
	{                \
		0, 0     \
	}

static inline void ticket_lock(ticket_lock_t *lock)
{
	uint32_t ticket =
		__atomic_fetch_add(&lock->next_ticket, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&lock->now_serving, __ATOMIC_ACQUIRE) != ticket)
		;
}

/* Take the lock only if nobody holds it or waits for it. */
static inline bool ticket_trylock(ticket_lock_t *lock)
{
	uint32_t serving =
		__atomic_load_n(&lock->now_serving, __ATOMIC_RELAXED);
	uint32_t expected = serving;

	return __atomic_compare_exchange_n(&lock->next_ticket, &expected,
					   serving + 1, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void ticket_unlock(ticket_lock_t *lock)
{
	/* Only the holder writes now_serving: a plain increment. */
	uint32_t next =
		__atomic_load_n(&lock->now_serving, __ATOMIC_RELAXED) + 1;

	__atomic_store_n(&lock->now_serving, next, __ATOMIC_RELEASE);
}

#endif
