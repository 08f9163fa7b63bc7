/* SPDX-License-Identifier: MIT */
/*
 * A virtual hart. It belongs to one hart's runqueue at a time (vcpu->cpu),
 * whose lock protects its scheduling state (sched/sched.h). Interrupt and
 * request fields are atomics posted by any hart and consumed by the hart
 * that runs it, right before it enters the guest (hv/vcpu/vcpu.c).
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <hv/types.h>
#include <arch/vcpu_arch.h>
#include <hv/steal_time.h>
#include "sched/sched.h"

enum vcpu_state {
	VCPU_OFFLINE,  /* HSM STOPPED: not started, or stopped itself */
	VCPU_RUNNABLE, /* on its runqueue (unless parked or moving) */
	VCPU_RUNNING,  /* the current vCPU of its hart */
	VCPU_BLOCKED,  /* in wfi or an HSM suspend, waiting for an irq */
	VCPU_DEAD,     /* its VM was stopped */
};

/*
 * Requests: work another hart asks of a vCPU (KVM's KVM_REQ_*). The
 * poster sets the bit and kicks; the vCPU's hart clears it (the
 * acknowledgement) and does the work before the vCPU next enters the
 * guest. vcpu_request_wait() waits for the acknowledgement.
 */
#define VCPU_REQ_TLB_FLUSH BIT(0) /* hfence.vvma for the VM */
#define VCPU_REQ_FENCE_I BIT(1)
#define VCPU_REQ_PARK BIT(2)	/* leave the guest: the VM is pausing */
#define VCPU_REQ_MIGRATE BIT(3) /* leave the guest: move to migrate_to */

#define VCPU_NUM_IRQ_CAUSES 16

/* Passes the run loop makes to fold in posts that race with its entry
 * before it enters anyway (hv/vcpu/run.c): bounded, so siblings that
 * keep posting cannot hold a vCPU out of its guest. */
#define VCPU_ENTRY_RETRIES 8

struct vcpu_stats {
	uint64_t run_ticks;	   /* time spent running (hart time) */
	uint64_t wait_ticks;	   /* time spent runnable but not running */
	uint64_t exits[EXC_COUNT]; /* SBI calls: exits[EXC_ECALL_VS] */
	uint64_t irq_exits[VCPU_NUM_IRQ_CAUSES];
	uint64_t wfi_blocks;
	uint64_t wfi_waits; /* waited out in place (hv/vcpu/wait.c) */
	uint64_t switches_in;
	uint64_t migrations;
	uint64_t preemptions; /* switched out while still runnable */
	uint64_t switched_in_at;
	/* In a wait in place since (0: not); it changes together with
	 * switched_in_at under stint_seq (odd while they change). */
	uint64_t waiting_since;
	unsigned stint_seq;
	/* From becoming runnable (woken, started) to running. */
	struct sched_latency_histogram wake_latency;
};

struct vm;
struct cpu;

struct vcpu {
	struct vcpu_arch arch; /* first: the world switch uses it */
	struct vm *vm;
	unsigned id; /* hart id the guest sees */
	struct sched_entity se;

	/* Protected by the lock of the runqueue that owns the vCPU. */
	struct cpu *cpu; /* owner; written with both locks held */
	enum vcpu_state state;
	enum sched_block_reason block_reason;
	bool parked; /* held off every runqueue: its VM is pausing */
	bool moving; /* between two runqueues (sched_migrate) */
	/* Boot (HSM start) or non-retentive resume, applied by the hart
	 * that next runs the vCPU, right before it does: only that hart
	 * ever touches the vCPU's live architectural state. */
	bool boot_pending, resume_pending;
	unsigned long boot_addr, boot_opaque;
	struct cpu *migrate_to;	    /* for VCPU_REQ_MIGRATE */
	unsigned long allowed_cpus; /* bit i: cpus[i] may run it */
	uint64_t last_migration;    /* when balancing last moved it */

	/* Written only by the hart that runs it. */
	struct cpu *last_cpu; /* where it last entered the guest */

	/* Atomics, posted from any hart. */
	bool in_guest;		/* between world switch in and out */
	unsigned long requests; /* VCPU_REQ_* */
	uint32_t ipi_pending;	/* VIRQ_SOFT to inject (word: amoswap.w) */
	bool ext_irq_level;	/* VIRQ_EXTERNAL level from the virtual PLIC */
	bool ext_irq_synced;	/* the level the last entry acted on */
	/* SBI-timer path: guest deadline in host time, UINT64_MAX = none. */
	uint64_t timer_deadline;
	/* Written only by the hart that runs it: while the last entry hid
	 * VSEIP behind a due timer interrupt, when the vCPU must exit to
	 * show it (host time; 0 when nothing is hidden). */
	uint64_t ext_irq_hidden_until;

	struct vcpu_stats stats;
	struct vcpu_sta sta; /* SBI STA: see hv/include/hv/steal_time.h */
};

/* Post interrupts (any hart). */
void vcpu_post_ipi(struct vcpu *vcpu);
void vcpu_set_ext_irq(struct vcpu *vcpu, bool level);
/* Post a request (any hart) and kick the vCPU. */
void vcpu_make_request(struct vcpu *vcpu, unsigned long request);
/* Wait until the vCPU acknowledged the request, or is outside the guest
 * (then it acknowledges before entering). No lock may be held. */
void vcpu_request_wait(struct vcpu *vcpu, unsigned long request);
/* Apply a pending boot or resume; called on the hart that runs it. */
void vcpu_prepare_entry(struct vcpu *vcpu);
/* Apply a pending HSM start to the vCPU's saved state (boot registers, no
 * timer, no IPI); false if none was pending. Where no hart holds its
 * state: vcpu_prepare_entry, or the state API of a paused vCPU. */
bool vcpu_apply_boot(struct vcpu *vcpu);
/* Run a vCPU that is RUNNING on this hart until it must be switched out:
 * it blocked, stopped, its VM is pausing or stopping, it must move, or
 * its slice ended with someone waiting. */
void vcpu_run(struct vcpu *vcpu);
/* Take the requests posted to the vCPU running here and do their work;
 * true if it must leave this hart (a park, a move). */
bool vcpu_take_requests(struct vcpu *vcpu);

/* How a wait in place ended (hv/vcpu/wait.c). */
enum vcpu_wait_result {
	VCPU_WAIT_RESUME, /* back into the guest: woken, or stopping */
	VCPU_WAIT_LEAVE, /* a request takes it off the hart (EXIT_RESCHEDULE) */
	VCPU_WAIT_BLOCK, /* the hart is wanted: block the normal way */
	VCPU_WAIT_ON,	 /* (internal: keep waiting) */
};
/* The current vCPU executed wfi: if no other work wants this hart, sleep
 * in place until the vCPU has a wakeup, without switching it out. */
enum vcpu_wait_result vcpu_wait_in_place(struct vcpu *vcpu);
/* Has the vCPU's timer (either path) reached its deadline at host time
 * now? */
bool vcpu_timer_expired(struct vcpu *vcpu, uint64_t now);
/* Would wfi return now: a pending virtual interrupt enabled in vsie? */
bool vcpu_has_wakeup_irq(struct vcpu *vcpu);
/* May the guest use its own timer (Sstc stimecmp)? */
static inline bool vcpu_has_sstc(const struct vcpu *vcpu)
{
	return vcpu->arch.sstc;
}
/* Host-time deadline of the vCPU's Sstc timer (vstimecmp), or UINT64_MAX
 * without Sstc. */
uint64_t vcpu_sstc_deadline(struct vcpu *vcpu);
/* Host-time deadline of the vCPU's timer (either path), or UINT64_MAX. */
uint64_t vcpu_timer_deadline(struct vcpu *vcpu);
/* For the vCPU running on this hart: the host time by which it must exit
 * (its SBI timer, or a hidden interrupt to show), or UINT64_MAX. Its own
 * stimecmp needs no exit: the hart raises it in the guest. */
uint64_t vcpu_running_deadline(struct vcpu *vcpu);
/* At entry: should the external interrupt at this level be shown? No
 * while the guest's timer interrupt is due (then the hart timer is armed
 * to show it soon, whatever the guest does). */
bool vcpu_show_external_irq(struct vcpu *vcpu, bool level, uint64_t now);
/* Set the guest timer (SBI set_timer or legacy). value is guest time. */
void vcpu_set_timer(struct vcpu *vcpu, uint64_t guest_time);

static inline unsigned long vcpu_gpr(struct vcpu *vcpu, unsigned reg)
{
	return reg ? vcpu->arch.gpr[reg] : 0;
}

static inline void vcpu_set_gpr(struct vcpu *vcpu, unsigned reg,
				unsigned long value)
{
	if (reg)
		vcpu->arch.gpr[reg] = value;
}

#endif
