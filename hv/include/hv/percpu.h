/* SPDX-License-Identifier: MIT */
/*
 * Per-hart data. Each hart's tp register points at its struct cpu while
 * the hypervisor runs (the world switch saves and restores the guest's
 * tp), so this_cpu() is one register read.
 */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <hv/types.h>
#include "sched/sched.h"

#define HV_MAX_HARTS 8
#define HV_MAX_ASSIGNED 32

struct vcpu;

struct cpu {
	unsigned hartid;
	bool present; /* in the DTB with the H extension */
	bool online;  /* checked in after boot */
	struct runqueue rq;
	struct vcpu *loaded;   /* vCPU whose VS CSRs are in this hart */
	struct vcpu *fp_owner; /* vCPU whose FP registers are in this hart */
	uint64_t timer_programmed;  /* deadline the hart timer is set to */
	unsigned long hvip_in_hart; /* hvip as last read back from the hart */
	uint64_t slice_end;
	bool console_irq; /* this hart takes the host UART interrupt */
	/* vCPUs pinned to this hart, for timer scans. */
	struct vcpu *assigned[HV_MAX_ASSIGNED];
	unsigned num_assigned;
};

extern struct cpu cpus[HV_MAX_HARTS];

static inline struct cpu *this_cpu(void)
{
	struct cpu *cpu;

	__asm__("mv %0, tp" : "=r"(cpu));
	return cpu;
}

static inline struct cpu *cpu_by_hartid(unsigned hartid)
{
	return hartid < HV_MAX_HARTS && cpus[hartid].present ? &cpus[hartid]
							     : NULL;
}

void percpu_init_this_hart(unsigned hartid);

#endif
