/* SPDX-License-Identifier: MIT */
/*
 * Per-hart data, reached through this_cpu() (the arch provides it: on
 * RISC-V the hart's tp register points at its struct cpu while the
 * hypervisor runs, so it is one register read; the host tests' fake arch
 * returns the simulated hart being stepped).
 */
#ifndef HV_PERCPU_H
#define HV_PERCPU_H

#include <hv/types.h>
#include <hv/config.h>
#include <hv/cpu_msg.h>
#include "sched/sched.h"

struct vcpu;

#define CPU_DEFERRED_MAX 4

struct deferred_work {
	void (*fn)(void *arg);
	void *arg;
};

/*
 * cpus[] is indexed by a dense index, not by the physical hart id: hart ids
 * may be sparse or larger than the array (0, 9, 1000). The boot hart is
 * index 0, the other usable harts follow in DTB order. Physical ids are
 * for the outside world only: SBI calls and PLIC contexts.
 */
struct cpu {
	unsigned index;	 /* position in cpus[], 0 .. HV_MAX_HARTS - 1 */
	unsigned hartid; /* physical hart id (the DTB's cpu reg) */
	bool present;	 /* usable: H extension, status okay */
	bool online;	 /* checked in after boot */
	struct runqueue rq;
	struct vcpu *current;  /* vCPU switched in (running or exiting) */
	struct vcpu *loaded;   /* vCPU whose VS CSRs are in this hart */
	struct vcpu *fp_owner; /* vCPU whose FP registers are in this hart */
	uint64_t timer_programmed;  /* deadline the hart timer is set to */
	unsigned long hvip_in_hart; /* hvip as last read back from the hart */
	bool breakpoints_trapped;   /* the hart's exception delegation */
	uint64_t slice_end;	    /* when the scheduler decides again */
	/*
	 * The reasons to end the slice even if no other vCPU waits: one
	 * word, which the scheduler reads as one (sched_should_preempt()
	 * before every entry, in one load). Only this hart writes them.
	 */
	union {
		struct {
			bool slice_even_alone; /* a cap: the slice is all */
			uint8_t nr_deferred;   /* deferred work waits */
		};
		uint16_t preempt_alone_reasons;
	};
	uint64_t slice_length;	   /* of the slice the current vCPU got */
	bool waiting_in_place;	   /* current vCPU in wfi (hv/vcpu/wait.c) */
	uint64_t timer_after_wait; /* the hart timer once it ends */
	/* The hart's events but the current vCPU's own, as of the last
	 * timer pass (every pass sets it); read during a wait in place. */
	uint64_t timer_besides_current;
	/* When the hart timer next looks at a running vCPU's Sstc timer
	 * interrupt (sched/core.c, sstc_check_due). */
	uint64_t sstc_check_at;
	bool console_irq;	   /* this hart takes the host UART interrupt */
	struct cpu_msg_queue msgs; /* work other harts want done here */
	/* sched_defer: work for when no vCPU is switched in here, in the
	 * order it came, one slot per function (the gdb stub's input, a
	 * VM's reset steps), so that one cannot crowd out another. */
	struct deferred_work deferred[CPU_DEFERRED_MAX]; /* nr_deferred */
};
_Static_assert(CPU_DEFERRED_MAX <= UINT8_MAX, "nr_deferred is a byte");

extern struct cpu cpus[HV_MAX_HARTS];

#include <asm/this_cpu.h>

/* The present cpu at a dense index, or NULL. */
static inline struct cpu *cpu_by_index(unsigned long index)
{
	return index < HV_MAX_HARTS && cpus[index].present ? &cpus[index]
							   : NULL;
}

/* The present cpu with a physical hart id, or NULL if hartvisor does not
 * run on that hart. */
static inline struct cpu *cpu_by_hartid(unsigned long hartid)
{
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (cpus[i].present && cpus[i].hartid == hartid)
			return &cpus[i];
	return NULL;
}

/* Boot hart, before any other hart starts: cpus[i] becomes hartids[i]. */
void percpu_assign_harts(const unsigned *hartids, unsigned count);
/* Point this_cpu() at cpus[index]. False, and nothing changed, if that
 * slot is not this hart's (a hart started with a wrong index). */
bool percpu_init_this_hart(unsigned long index, unsigned long hartid);

#endif
