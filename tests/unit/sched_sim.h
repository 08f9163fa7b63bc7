/* SPDX-License-Identifier: MIT */
/*
 * A deterministic multi-hart simulation of the scheduler on the fake arch.
 * Every simulated hart runs the real run loop (sched_run_once) on its own
 * stack (a ucontext fiber). A guest runs in short quanta and yields; an
 * idle hart yields in wfi. The harness always resumes the hart whose next
 * event is earliest, so harts interleave in simulated time as real ones
 * do concurrently, and seconds of guest time take milliseconds.
 */
#ifndef SCHED_SIM_H
#define SCHED_SIM_H

#include <hv/vm.h>
#include "fake_machine.h"

/* What a simulated vCPU does. */
enum sim_behaviour {
	SIM_BUSY,     /* computes forever */
	SIM_PERIODIC, /* sleeps until its timer, then works briefly */
};

struct sim_vcpu {
	enum sim_behaviour behaviour;
	uint64_t period; /* SIM_PERIODIC: ticks from one wakeup to the next */
	uint64_t work;	 /* SIM_PERIODIC: ticks of work after each wakeup */
	/* Measured */
	uint64_t progress; /* ticks spent computing in the guest */
	uint64_t wakeups;
	uint64_t lateness_max; /* timer deadline to running again, ticks */
	uint64_t lateness_sum;
	/* Internal */
	int phase;
	uint64_t deadline, work_left;
};

/* A fresh machine of n harts running the named policy with this slice. */
void sim_start(unsigned harts, uint64_t slice, const char *policy);
/* A VM of n vCPUs, all with the same behaviour, started at once. allowed:
 * the harts its vCPUs may use (0: all); they start spread over them. */
struct vm *sim_vm(const char *name, unsigned vcpus, unsigned weight,
		  unsigned long allowed, enum sim_behaviour behaviour);
struct sim_vcpu *sim_vcpu(struct vm *vm, unsigned index);
/* Guests see the hart timer this many ticks late (a busy host delays
 * QEMU's timer exits). */
extern uint64_t sim_timer_delay;
/* If set (>= 0), sim_vm puts every vCPU on this hart to begin with. */
extern int sim_first_hart;
/* Let simulated time pass. */
void sim_run(uint64_t ticks);
/* Total guest progress of a VM. */
uint64_t sim_vm_progress(struct vm *vm);
/* Harness steps at which a hart slept in wfi while a vCPU it may run
 * was queued (anywhere), and the largest number of such consecutive
 * ticks for one hart. */
extern uint64_t sim_idle_violations;
extern uint64_t sim_idle_violation_ticks;
/* Migrations of every vCPU so far. */
uint64_t sim_migrations(void);

#define SIM_TICKS_PER_MS (FAKE_TIMEBASE_HZ / 1000)
#define SIM_TICKS_PER_US (FAKE_TIMEBASE_HZ / 1000000)

#endif
