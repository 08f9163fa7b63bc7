// SPDX-License-Identifier: MIT
/*
 * Test-only policy "migrate-random": round-robin order on each hart, and
 * at every switch (preemption or block) the vCPU continues on a random
 * allowed hart. It exists to prove the migration mechanism: FP state,
 * timers, IPIs, RFENCE and HSM must all survive constant moves.
 */
#include "sched/policy.h"
#include "sched/policy_rr.h"

/* xorshift32: enough randomness for placement, no global state. */
static uint32_t next_random(struct runqueue *rq)
{
	uint32_t x = rq->random_state ? rq->random_state : 0x2545f491u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	rq->random_state = x;
	return x;
}

static int random_select_cpu(struct runqueue *rq, struct sched_entity *se,
			     unsigned long allowed, unsigned current)
{
	unsigned count = (unsigned)__builtin_popcountl(allowed);

	(void)se;
	if (!count)
		return (int)current;
	unsigned pick = next_random(rq) % count;

	for (unsigned i = 0; i < sizeof(allowed) * 8; i++) {
		if (!(allowed & (1UL << i)))
			continue;
		if (!pick--)
			return (int)i;
	}
	return (int)current;
}

const struct sched_policy sched_policy_migrate_random = {
	.name = "migrate-random",
	.enqueue = rr_enqueue,
	.dequeue = rr_dequeue,
	.pick_next = rr_pick_next,
	.charge = rr_charge,
	.select_cpu = random_select_cpu,
};
