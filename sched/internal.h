/* SPDX-License-Identifier: MIT */
/* Shared between the files of sched/ only; hv/ uses sched/sched.h. */
#ifndef SCHED_INTERNAL_H
#define SCHED_INTERNAL_H

#include <stddef.h>
#include <hv/percpu.h>
#include <hv/vcpu.h>

static inline struct vcpu *vcpu_of_entity(struct sched_entity *se)
{
	return (struct vcpu *)((char *)se - offsetof(struct vcpu, se));
}

static inline unsigned cpu_index(const struct cpu *cpu)
{
	return cpu->index;
}

/* Membership of a runqueue (every vCPU it owns), under its lock. */
void sched_member_add(struct runqueue *rq, struct sched_entity *se);
void sched_member_remove(struct runqueue *rq, struct sched_entity *se);
/* The runqueue's heap of blocked vCPUs' timer deadlines (timer_heap.c):
 * add (or move) an entry, remove it if present, the earliest. */
void sched_timer_add(struct runqueue *rq, struct sched_entity *se,
		     uint64_t due);
void sched_timer_remove(struct runqueue *rq, struct sched_entity *se);
struct sched_entity *sched_timer_first(struct runqueue *rq);

/* A wait in place moves the stint's start and marks the wait, together,
 * for lockless readers (sched_vcpu_times): a sequence count, odd while
 * they change. Written by the vCPU's own hart only. */
static inline void stint_change_begin(struct vcpu_stats *s)
{
	__atomic_store_n(&s->stint_seq, s->stint_seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE); /* before the changes */
}

static inline void stint_change_end(struct vcpu_stats *s)
{
	__atomic_store_n(&s->stint_seq, s->stint_seq + 1, __ATOMIC_RELEASE);
}

/* Work already on this hart, or the scheduler's say at every switch (a
 * cap, a policy that moves vCPUs): no wait in place, no wfi in the guest
 * (sched/wait_in_place.c). */
bool sched_hart_busy_or_capped(struct cpu *cpu, struct vcpu *vcpu);
/* policy->enqueue on cpu's runqueue (its lock held), then, if that queued
 * the vCPU (a cap may hold it back instead), the kick below. Both update
 * the hart's load for balancing. */
void sched_enqueue(struct cpu *cpu, struct sched_entity *se);
/* policy->dequeue from cpu's runqueue (its lock held). */
void sched_dequeue(struct cpu *cpu, struct sched_entity *se);
/* wfi in the guest (sched/wfi_in_guest.c). kick: a vCPU was just queued
 * on target (its runqueue lock held, nr_queued grown), or a cap was set
 * (NULL: every hart): the wfi of the vCPUs that sleep in their guests
 * where that matters exits again, their harts kicked, but target: every
 * queuer notifies target itself once it unlocks (one IPI, not two).
 * end: this hart's
 * current vCPU's wfi exits again. check: in the IPI and timer pass, the
 * same if a queuer took this hart's bit or a vCPU is queued here. */
void sched_wfi_in_guest_kick(struct cpu *target);
void sched_wfi_in_guest_end(struct cpu *cpu);
void sched_wfi_in_guest_check(struct cpu *cpu);

/* Hart time to ns (the wake-to-run figures). */
uint64_t sched_ticks_to_ns(uint64_t ticks);

/* Bit i set: cpus[i] is online. */
unsigned long sched_online_mask(void);
bool sched_cpu_allowed(const struct vcpu *vcpu, const struct cpu *cpu);
/* BLOCKED or OFFLINE -> RUNNABLE, queued unless parked or moving. The
 * owner's runqueue lock is held. Returns true if it was queued. */
bool sched_make_runnable_locked(struct vcpu *vcpu);
/* Second half of a move: the vCPU is marked moving, off every queue and
 * its state is in memory. Hands it to target's runqueue. No lock held. */
void sched_finish_move(struct vcpu *vcpu, struct cpu *target);
/* Bring the vCPU's state to memory from whichever hart holds it (per-hart
 * messages). The vCPU is on no runqueue and not current anywhere. */
void sched_unload_everywhere(struct vcpu *vcpu);

#endif
