/* SPDX-License-Identifier: MIT */
/*
 * Steal time (SBI STA): the scheduler reports when a vCPU is switched in
 * and out of its hart, and the STA extension (hv/sbi/ext/sta.c) updates
 * the guest's shared memory. Called on the hart that runs the vCPU, with
 * no lock held.
 */
#ifndef HV_STEAL_TIME_H
#define HV_STEAL_TIME_H

#include <hv/types.h>

struct vcpu;

/* About to run: publish the steal time so far, clear `preempted`. */
void sbi_sta_switched_in(struct vcpu *vcpu);
/* Left its hart; preempted if it is still runnable (not blocked). */
void sbi_sta_switched_out(struct vcpu *vcpu, bool preempted);

#endif
