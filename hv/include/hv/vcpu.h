/* SPDX-License-Identifier: MIT */
/*
 * A virtual hart. Each vCPU is pinned to one physical hart, whose
 * runqueue lock protects its scheduling state. Interrupt and request
 * fields are atomics posted by any hart and consumed by the owning hart
 * right before it enters the guest (vcpu_sync_before_entry).
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <hv/types.h>
#include <arch/vcpu_arch.h>
#include "sched/sched.h"

enum vcpu_state {
	VCPU_OFFLINE,  /* HSM STOPPED: not started, or stopped itself */
	VCPU_RUNNABLE, /* on its runqueue */
	VCPU_RUNNING,  /* the current vCPU of its hart */
	VCPU_BLOCKED,  /* in wfi or an HSM suspend, waiting for an irq */
	VCPU_DEAD,     /* its VM was stopped */
};

enum vcpu_block_reason {
	VCPU_BLOCK_WFI,
	VCPU_BLOCK_SUSPEND_RETENTIVE,
	VCPU_BLOCK_SUSPEND_NON_RETENTIVE,
};

/* Requests another hart posts to a vCPU; handled before guest entry. */
#define VCPU_REQ_TLB_FLUSH BIT(0) /* hfence.vvma for the VM */
#define VCPU_REQ_FENCE_I BIT(1)

#define VCPU_NUM_IRQ_CAUSES 16

struct vcpu_stats {
	uint64_t run_ticks;  /* time spent running (hart time) */
	uint64_t wait_ticks; /* time spent runnable but not running */
	uint64_t exits[EXC_COUNT];
	uint64_t irq_exits[VCPU_NUM_IRQ_CAUSES];
	uint64_t sbi_calls;
	uint64_t wfi_blocks;
	uint64_t switches_in;
	uint64_t switched_in_at;
};

struct vm;

struct vcpu {
	struct vcpu_arch arch; /* first: the world switch uses it */
	struct vm *vm;
	unsigned id;	 /* hart id the guest sees */
	unsigned hartid; /* physical hart it is pinned to */
	struct sched_entity se;

	/* Protected by the runqueue lock of cpus[hartid]. */
	enum vcpu_state state;
	enum vcpu_block_reason block_reason;
	/* Boot (HSM start) or non-retentive resume, applied by the owning
	 * hart right before the vCPU next runs, so only that hart ever
	 * touches the vCPU's architectural state. */
	bool boot_pending, resume_pending;
	unsigned long boot_addr, boot_opaque;

	/* Atomics, posted from any hart. */
	bool in_guest;		/* between world switch in and out */
	unsigned long requests; /* VCPU_REQ_* */
	uint32_t ipi_pending;	/* VSSIP to inject (word: amoswap.w) */
	bool ext_irq_level;	/* VSEIP level from the virtual PLIC */
	bool ext_irq_synced;	/* the level the last entry acted on */
	/* SBI-timer path: guest deadline in host time, UINT64_MAX = none. */
	uint64_t timer_deadline;

	struct vcpu_stats stats;
};

/* Post interrupts (any hart). */
void vcpu_post_ipi(struct vcpu *vcpu);
void vcpu_set_ext_irq(struct vcpu *vcpu, bool level);
void vcpu_post_request(struct vcpu *vcpu, unsigned long request);
/* Apply a pending boot or resume; called on the owning hart, loaded. */
void vcpu_prepare_entry(struct vcpu *vcpu);
/* Run a vCPU that is RUNNING on this hart until it must be switched out.
 * Returns when its state is no longer VCPU_RUNNING or its slice ended. */
void vcpu_run(struct vcpu *vcpu);
/* Would wfi return now: a pending virtual interrupt enabled in vsie? */
bool vcpu_has_wakeup_irq(struct vcpu *vcpu);
/* Host-time deadline of the vCPU's timer (either path), or UINT64_MAX. */
uint64_t vcpu_timer_deadline(struct vcpu *vcpu);
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
