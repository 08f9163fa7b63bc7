// SPDX-License-Identifier: MIT
/*
 * Per-VM scheduling parameters, the wake-to-run latency histograms and a
 * live view of a vCPU's run and wait time.
 * Parameters are plain words read by each hart at its next decision: a
 * change needs no lock, only that every hart eventually sees it.
 */
#include <hv/errno.h>
#include <hv/vm.h>
#include "sched/internal.h"

int sched_set_vm_weight(struct vm *vm, unsigned weight)
{
	if (weight < 1 || weight > SCHED_WEIGHT_MAX)
		return HV_ERANGE;
	__atomic_store_n(&vm->sched.weight, weight, __ATOMIC_RELAXED);
	return HV_OK;
}

int sched_set_vm_cap(struct vm *vm, unsigned percent)
{
	unsigned harts = (unsigned)__builtin_popcountl(sched_online_mask());

	if (percent > 100 * harts)
		return HV_ERANGE;
	if (__atomic_exchange_n(&vm->sched.cap_percent, percent,
				__ATOMIC_RELAXED) == percent)
		return HV_OK; /* unchanged: no hart needs to look again */
	/* A vCPU asleep in its guest makes no decision: its wfi exits
	 * again, and the cap applies from its next slice. */
	sched_wfi_in_guest_kick(NULL);
	return HV_OK;
}

/* floor(log2(v)) for v > 0, 0 for 0. By halves: the hart has no
 * count-leading-zeros instruction (no Zbb), and libgcc's loop cost about
 * 40 instructions on every wakeup. */
static unsigned log2_floor(uint64_t v)
{
	unsigned log = 0;

	for (unsigned shift = 32; shift; shift >>= 1) {
		if (v >> shift) {
			v >>= shift;
			log += shift;
		}
	}
	return log;
}

static unsigned bucket_of(uint64_t ns)
{
	unsigned bucket = log2_floor(ns);

	return bucket < SCHED_LATENCY_BUCKETS ? bucket
					      : SCHED_LATENCY_BUCKETS - 1;
}

void sched_latency_record(struct sched_latency_histogram *h, uint64_t ns)
{
	h->count[bucket_of(ns)]++;
	h->total++;
	if (ns > h->max_ns)
		h->max_ns = ns;
}

uint64_t sched_latency_percentile_ns(const struct sched_latency_histogram *h,
				     unsigned permille)
{
	uint64_t seen = 0;

	if (!h->total)
		return 0;
	/* The sample of rank ceil(total * permille / 1000), at least 1. */
	uint64_t rank = (h->total * permille + 999) / 1000;

	if (rank == 0)
		rank = 1;
	for (unsigned i = 0; i < SCHED_LATENCY_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= rank) {
			uint64_t upper = (2ULL << i) - 1;

			return upper < h->max_ns ? upper : h->max_ns;
		}
	}
	return h->max_ns;
}

/*
 * Another hart may switch the vCPU meanwhile: read the totals again after
 * the stint, and start over if they moved (the stint was folded in). A
 * vCPU just picked has its state set before switched_in_at: a start
 * older than its last wakeup or preemption is the previous stint's.
 */
void sched_vcpu_times(const struct vcpu *vcpu, uint64_t now, uint64_t *run,
		      uint64_t *wait)
{
	const struct vcpu_stats *s = &vcpu->stats;

	for (unsigned tries = 0;; tries++) {
		uint64_t run0 =
			__atomic_load_n(&s->run_ticks, __ATOMIC_ACQUIRE);
		uint64_t wait0 =
			__atomic_load_n(&s->wait_ticks, __ATOMIC_ACQUIRE);
		enum vcpu_state state =
			__atomic_load_n(&vcpu->state, __ATOMIC_ACQUIRE);
		uint64_t ready = __atomic_load_n(&vcpu->se.ready_since,
						 __ATOMIC_ACQUIRE);
		unsigned seq = __atomic_load_n(&s->stint_seq, __ATOMIC_ACQUIRE);
		uint64_t since =
			__atomic_load_n(&s->switched_in_at, __ATOMIC_ACQUIRE);
		/* A wait in place is not run time (sched/wait_in_place.c). */
		uint64_t waiting =
			__atomic_load_n(&s->waiting_since, __ATOMIC_RELAXED);
		uint64_t until = waiting ? waiting : now;

		__atomic_thread_fence(
			__ATOMIC_ACQUIRE); /* before the re-read */
		bool stint_stable =
			!(seq & 1) &&
			__atomic_load_n(&s->stint_seq, __ATOMIC_RELAXED) == seq;

		*run = run0;
		*wait = wait0;
		if (state == VCPU_RUNNING && since >= ready && until > since)
			*run += until - since;
		else if (state == VCPU_RUNNABLE && now > ready &&
			 !__atomic_load_n(&vcpu->parked, __ATOMIC_RELAXED))
			*wait += now - ready; /* a pause is not a wait */
		if (tries == 3 ||
		    (stint_stable &&
		     __atomic_load_n(&s->run_ticks, __ATOMIC_ACQUIRE) == run0 &&
		     __atomic_load_n(&s->wait_ticks, __ATOMIC_ACQUIRE) ==
			     wait0))
			return;
	}
}
