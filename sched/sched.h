/* SPDX-License-Identifier: MIT */
/*
 * The scheduler: the only interface hv/ uses to reach sched/.
 *
 * Every hart owns a runqueue. sched_run_loop() is the hart's main loop:
 * pick a vCPU, run it (vcpu_run) until it blocks, stops, parks or its
 * slice ends, switch it out, repeat. Which runnable vCPU goes next, and on
 * which hart a vCPU continues, is a policy's choice (sched/policy.h).
 *
 * Layering: this header depends only on hv/types.h and hv/spinlock.h, so
 * hv/ headers can embed its types; the sched/ sources build on hv/'s vCPU, per-CPU
 * and arch interfaces, never the other way round.
 *
 * Ownership: a vCPU belongs to one runqueue at a time (vcpu->cpu), whose
 * lock protects its scheduling state. vcpu->cpu changes only with both
 * the old and the new runqueue locked (sched_lock_two), so a holder of
 * either lock sees a stable owner; sched_lock_vcpu() re-checks ownership
 * after taking the lock.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <hv/types.h>
#include <hv/spinlock.h>

struct sched_entity {
	struct sched_entity *next,
		*prev; /* round-robin queue, fair's throttled list */
	bool queued;
	bool woken;	    /* made runnable by a wakeup, not a preemption */
	bool latency_class; /* its VM has a latency-us bound */
	/* Fair: the cap budget its current run reserved (sched/cap.h). */
	uint64_t cap_grant_ticks, cap_grant_period;
	unsigned weight;      /* fair: share against the runqueue's others */
	uint64_t vruntime;    /* fair: virtual time received (eligible time) */
	uint64_t vdeadline;   /* fair: vruntime by which its request is due */
	int64_t lag;	      /* fair: owed virtual time when it left */
	uint64_t ready_since; /* when it became runnable (wait accounting) */
	/* Fair: node of the runqueue's tree, ordered by vruntime; best is
	 * the most urgent entity (class, then deadline) of the subtree. */
	struct sched_entity *left, *right, *best;
	int height;
	/* Slot in the owner's timer heap while blocked with a deadline, or
	 * -1; timer_due is that deadline (hart time). */
	int timer_slot;
	uint64_t timer_due;
	/* Membership of the owner's runqueue, queued or not. */
	struct sched_entity *member_next, *member_prev;
};

struct sched_policy;

/* A vCPU runs at least this long before a wakeup preempts it (the rate
 * limit that keeps wakeups from thrashing a hart). */
#define SCHED_MIN_RUN_US 500
/* A vCPU that waits in place wakes on its own Sstc timer; the hart timer
 * backs that up this much later (sched_update_timer). */
#define SCHED_WAIT_BACKSTOP_US 100
/* While a vCPU with Sstc runs, the hart timer fires at least this often
 * (sched/core.c, sstc_check_due: QEMU 7.2 can lose its interrupt). */
#define SCHED_SSTC_CHECK_US 10000

/* Every vCPU of every VM could block on one hart. */
#define SCHED_MAX_TIMERS 64

/* Scheduling parameters of a VM (its config node, the console monitor). */
#define SCHED_WEIGHT_DEFAULT 256
#define SCHED_WEIGHT_MAX 65536
struct sched_vm_params {
	unsigned weight;      /* share against other VMs, 1..SCHED_WEIGHT_MAX */
	unsigned cap_percent; /* at most this % of one hart in total; 0: none */
	unsigned latency_us;  /* wake-to-run bound; 0: not latency class */
	/* Cap accounting, shared by the harts running its vCPUs (atomics). */
	uint64_t cap_period_start;
	uint64_t cap_used;
};

/* Wake-to-run latency histogram: bucket i counts delays in
 * [2^i, 2^(i+1)) ns (bucket 0 also holds 0 ns). */
#define SCHED_LATENCY_BUCKETS 40
struct sched_latency_histogram {
	uint64_t count[SCHED_LATENCY_BUCKETS];
	uint64_t total;
	uint64_t max_ns;
};
void sched_latency_record(struct sched_latency_histogram *h, uint64_t ns);
/* The upper bound of the bucket holding the given permille (500: p50,
 * 990: p99) of the samples; 0 with no samples. */
uint64_t sched_latency_percentile_ns(const struct sched_latency_histogram *h,
				     unsigned permille);

struct runqueue {
	spinlock_t lock;	  /* protects the queue and its vCPUs' state */
	struct sched_entity head; /* the policy's queue */
	struct sched_entity members; /* every vCPU this runqueue owns */
	unsigned nr_queued;
	unsigned nr_members;
	const struct sched_policy *policy;
	uint64_t time_slice; /* in timer ticks */
	uint64_t min_run;    /* ticks a vCPU runs before a wakeup preempts it */
	uint64_t ticks_per_ms; /* the timebase, for policies */
	uint64_t now;	       /* hart time of the current decision */
	uint32_t random_state; /* for policies that place at random */
	/* Load (sched/balance.c): a time average, and the load since load_at. */
	unsigned load_avg, load_now;
	uint64_t load_at;
	uint64_t next_balance; /* when a preempted vCPU may be pushed away */
	/* Fair policy (sched/policy_fair.c). */
	struct sched_entity *tree;     /* queued, eligible to be picked */
	struct sched_entity *curr;     /* picked: still in the averages */
	struct sched_entity throttled; /* capped VMs over budget */
	uint64_t weight_sum;	       /* of the queued and curr */
	__int128 vruntime_sum;	       /* of weight * (vruntime - vbase) */
	uint64_t vbase;
	/* Blocked vCPUs by timer deadline: a min-heap (sched/timer_heap.c). */
	struct sched_entity *timers[SCHED_MAX_TIMERS];
	unsigned nr_timers;
};

struct vcpu;
struct cpu;

/* What sched_block() is waiting for; HSM status reports the suspends. */
enum sched_block_reason {
	SCHED_BLOCK_WFI,
	SCHED_BLOCK_SUSPEND_RETENTIVE,
	SCHED_BLOCK_SUSPEND_NON_RETENTIVE,
};

/* A hart's runqueue, empty, round-robin, with this slice (ticks). */
void sched_init_hart(struct cpu *cpu, uint64_t time_slice);
/* The policy (by name, as in the config) and slice of every online hart,
 * before any vCPU is attached. HV_EINVAL if no policy has that name. */
int sched_configure(const char *policy_name, uint64_t time_slice);
NORETURN void sched_run_loop(void);
/* One turn of the loop: run the next vCPU until it leaves (returned), or
 * idle until an interrupt (NULL). Host tests step harts with it. */
struct vcpu *sched_run_once(void);

/*
 * Run fn(arg) on this hart once no vCPU is switched in here: after the
 * current one is switched out, or at the next idle turn. For work that
 * must wait for a VM whose vCPU this hart is running (the gdb stub stops
 * the VM, then works). Up to CPU_DEFERRED_MAX kinds of work wait per
 * hart, run in the order they came: a second request for the same fn is
 * merged (its latest arg stands, so a caller must not count on each
 * call's own arg); HV_EAGAIN once CPU_DEFERRED_MAX different fns wait.
 * What fn defers again runs at the next turn, other vCPUs in between.
 */
int sched_defer(void (*fn)(void *arg), void *arg);

/* Give an OFFLINE vCPU (not started yet) to a hart's runqueue; this
 * also initializes its scheduling state. */
void sched_attach_vcpu(struct vcpu *vcpu, struct cpu *cpu);

/*
 * Post-side: a vCPU has new work (an interrupt, a request). A blocked vCPU
 * with a wakeup interrupt becomes runnable; one in the guest on another
 * hart gets an IPI so it exits and sees the work. Callable from any hart,
 * with device locks held (it takes only the vCPU's runqueue lock).
 */
void sched_kick(struct vcpu *vcpu);

/*
 * Block the current vCPU (wfi, HSM suspend) until a wakeup interrupt is
 * pending. Returns false, leaving it running, if one already is. For a
 * non-retentive suspend, the resume point (pc, opaque) is published under
 * the runqueue lock together with the state, so whoever wakes it sees it.
 */
bool sched_block(struct vcpu *vcpu, enum sched_block_reason reason,
		 unsigned long resume_pc, unsigned long resume_opaque);

/*
 * A wfi waited out in place (hv/vcpu/wait.c, sched/wait_in_place.c).
 * begin: may the current vCPU keep this hart while it waits? If so, until
 * end the hart counts as idle for balancing and its timer covers the
 * vCPU's own deadline, Sstc included; *began is when the wait began.
 * end: the wait is over; resumed if the vCPU goes back into the guest,
 * with a wakeup it has had since woken_since (0: none, not recorded). The
 * time waited is charged to no one.
 */
bool sched_wait_in_place_begin(struct vcpu *vcpu, uint64_t *began);
/* On by default; off, every wfi blocks (the host tests of blocking). */
extern bool sched_wait_in_place_enabled;
void sched_wait_in_place_end(struct vcpu *vcpu, uint64_t began, bool resumed,
			     uint64_t woken_since);
/* The hart timer ended the wait for the vCPU's own SBI deadline and for
 * nothing else: true if so, the hart timer then re-armed for the hart's
 * other events, and the wait may end without a timer pass. */
bool sched_wait_woken_by_own_timer(struct vcpu *vcpu, uint64_t now);
/* Does other work want this hart, or the scheduler this vCPU: a vCPU
 * queued here, deferred work, a cap on the vCPU's VM, one it can pull
 * from a busier hart (pulled by this call)? */
bool sched_hart_wanted(struct cpu *cpu, struct vcpu *vcpu);

/*
 * wfi in the guest itself (sched/wfi_in_guest.c): may the current vCPU,
 * whose wfi was just waited out in place, from now on sleep through its
 * wfi without an exit? Only where it could wait in place and nothing is
 * queued on any hart; the scheduler turns it off again (the vCPU's
 * arch.wfi_in_guest) when a vCPU is queued anywhere. On by default; off,
 * every wfi exits (config wfi-always-exits).
 */
bool sched_wfi_in_guest(struct vcpu *vcpu);
extern bool sched_wfi_in_guest_enabled;
/* The hart timer's periodic check on a running vCPU's Sstc interrupt
 * (sched/core.c, QEMU 7.2 can lose it). On by default; the host tests
 * turn it off where they expect exact hart timer deadlines. */
extern bool sched_sstc_check_enabled;

/* HSM: OFFLINE -> RUNNABLE with a boot entry point. HV_EEXIST if the
 * vCPU is not offline. */
int sched_start_vcpu(struct vcpu *vcpu, unsigned long pc, unsigned long opaque);
/* HSM stop of the current vCPU: it goes OFFLINE when it leaves. */
void sched_stop_current(struct vcpu *vcpu);

/*
 * Move a vCPU that is not running to another hart's runqueue, from any
 * hart. Its state is first unloaded from the hart that caches it (a
 * per-hart message). Must be called with no lock held. HV_EAGAIN if the
 * vCPU is running (it will be moved when it next leaves: see
 * sched_request_migration), HV_EINVAL if the hart is not allowed.
 */
int sched_migrate(struct vcpu *vcpu, struct cpu *target);
/* Ask a vCPU to move to target when it next leaves the guest. */
void sched_request_migration(struct vcpu *vcpu, struct cpu *target);

/* Pause support (hv/vm): hold a vCPU off every runqueue, or let it go. */
void sched_park(struct vcpu *vcpu);
void sched_unpark(struct vcpu *vcpu);
/* For a parked vCPU that is not running: have the hart that holds its
 * state unload it (a per-hart message, not waited for); each vCPU that
 * reaches memory is reported with vm_vcpu_parked(). */
void sched_unload_parked_async(struct vcpu *vcpu);
/* Not running, and its state is in memory (unloaded from every hart). */
bool sched_vcpu_quiescent(struct vcpu *vcpu);
/* For a parked vCPU: if it no longer runs, bring its state to memory
 * from whichever hart holds it, and return true. No lock may be held. */
bool sched_try_quiesce(struct vcpu *vcpu);
/* Not running and not switched in on any hart. */
bool sched_vcpu_stopped(struct vcpu *vcpu);
/* Stop a vCPU of a stopped VM: DEAD unless it is running now (it then
 * dies when it leaves). */
void sched_kill(struct vcpu *vcpu);

/*
 * Change a VM's weight or cap while it runs (the console monitor). The
 * new value applies from the next scheduling decision on each hart.
 * HV_ERANGE: weight outside 1..SCHED_WEIGHT_MAX, or a cap above 100 times
 * the number of online harts.
 */
struct vm;
int sched_set_vm_weight(struct vm *vm, unsigned weight);
/* The vCPU's run and wait time until now, in hart ticks: its statistics
 * plus the stint under way (a vCPU that runs alone on a hart is rarely
 * switched out, so its run_ticks alone would stand still). Any hart, no
 * lock. */
void sched_vcpu_times(const struct vcpu *vcpu, uint64_t now, uint64_t *run,
		      uint64_t *wait);
int sched_set_vm_cap(struct vm *vm, unsigned percent);

/* The name of the policy a hart runs. */
const char *sched_policy_name(const struct cpu *cpu);
/* Bring the hart timer in line with the slice and vCPU deadlines. */
void sched_update_timer(void);
/* The hart timer fired. */
void sched_timer_interrupt(void);

/* Lock the runqueue that owns vcpu (re-checked after locking). */
struct runqueue *sched_lock_vcpu(struct vcpu *vcpu);
/* Lock two runqueues, in cpu index order (the one lock order). */
void sched_lock_two(struct cpu *a, struct cpu *b);
void sched_unlock_two(struct cpu *a, struct cpu *b);

#endif
