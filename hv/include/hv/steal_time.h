/* SPDX-License-Identifier: MIT */
/*
 * Steal time (SBI STA): the scheduler reports when a vCPU is switched in
 * and out of its hart, and hv/sbi/steal_time.c updates the record the
 * guest registered with the STA extension (hv/sbi/ext/sta.c). The hooks
 * are called on the hart that runs the vCPU, with no lock held.
 *
 * struct vcpu_sta is touched only where the vCPU's state is: its own
 * hart (the set_shmem ecall, the switch hooks) or where no hart holds it
 * (vcpu_apply_boot), so it needs no lock. The record itself is guest
 * memory that the guest's other vCPUs read concurrently: see the
 * ordering notes in hv/sbi/steal_time.c.
 */
#ifndef HV_STEAL_TIME_H
#define HV_STEAL_TIME_H

#include <hv/types.h>

struct vcpu;

/* The record's size and alignment (SBI v2.0, "STA Shared Memory
 * Structure"): sequence u32, flags u32, steal u64 (ns), preempted u8,
 * padding to 64 bytes; little-endian. */
#define STA_RECORD_SIZE 64

struct vcpu_sta {
	bool enabled;
	gpa_t shmem;		 /* where the guest put its record */
	hpa_t record;		 /* the same bytes, in host memory */
	uint64_t wait_at_enable; /* vcpu->stats.wait_ticks then */
};

/* About to run: publish the steal time so far, clear `preempted`. */
void sbi_sta_switched_in(struct vcpu *vcpu);
/* Left its hart; preempted if it is still runnable (not blocked). */
void sbi_sta_switched_out(struct vcpu *vcpu, bool preempted);

/* Start reporting into the record at shmem (host address record, which
 * the caller checked is 64 bytes of the VM's RAM): zero it; steal counts
 * from now. */
void sbi_sta_enable(struct vcpu *vcpu, gpa_t shmem, hpa_t record);
/* Stop reporting: set_shmem with all-ones, and every start of the vCPU
 * (HSM start, a VM reboot): a hart starts with no record, so nothing is
 * written where an earlier incarnation of the guest asked. A stopped
 * hart is never written for either: it is neither switched in nor out
 * preempted. */
void sbi_sta_disable(struct vcpu *vcpu);

#endif
