/* SPDX-License-Identifier: MIT */
/*
 * Per-hart messages: "run this function on hart N". For work that only
 * a particular hart can do, such as saving the state of a vCPU that hart
 * still holds in its CSRs and FP registers. The sender queues the message
 * and sends an IPI; the target runs it at its next safe point: a guest
 * exit for the IPI, the idle loop, or any wait loop (cpu_relax_serving).
 *
 * Handlers run with no lock held and must not block; they may send
 * messages of their own. Waiting (cpu_msg_call) serves this hart's own
 * queue meanwhile, so two harts calling each other cannot deadlock.
 */
#ifndef HV_CPU_MSG_H
#define HV_CPU_MSG_H

#include <hv/types.h>
#include <hv/spinlock.h>

#define CPU_MSG_SLOTS 16

struct cpu;
typedef void (*cpu_msg_fn)(void *arg);

struct cpu_msg {
	cpu_msg_fn fn;
	void *arg;
	uint32_t *done; /* set to 1 after fn ran (synchronous calls) */
};

struct cpu_msg_queue {
	spinlock_t lock;
	unsigned head, tail; /* free-running; tail - head messages queued */
	struct cpu_msg slots[CPU_MSG_SLOTS];
};

/* Run fn(arg) on cpu and wait until it has run. Runs it directly when cpu
 * is this hart. Must be called with no lock held. */
void cpu_msg_call(struct cpu *cpu, cpu_msg_fn fn, void *arg);
/* Run fn(arg) on every online hart whose bit (its index in cpus[]) is set
 * in harts, this one directly, and wait until all have run it. The
 * messages all go out before the wait, so the harts run them at the same
 * time rather than one after another. Must be called with no lock held. */
void cpu_msg_call_online(unsigned long harts, cpu_msg_fn fn, void *arg);
/* Queue fn(arg) for cpu without waiting. HV_EAGAIN if its queue is full. */
int cpu_msg_post(struct cpu *cpu, cpu_msg_fn fn, void *arg);
/* Run the messages queued for this hart. */
void cpu_msg_serve(void);
/* One step of a wait loop: serve this hart's messages and its timer, then
 * relax. No lock may be held. */
void cpu_relax_serving(void);

/*
 * The emergency stop (a hypervisor panic): every other online hart is
 * sent an IPI and halts the next time it serves its messages (a guest
 * exit, its idle loop, any wait loop), without taking a lock and whatever
 * it holds. Lock-free and callable from any context; a second request
 * (another hart panicking too) is ignored. cpu_msg_harts_halted() counts
 * the harts that have stopped so far.
 */
void cpu_msg_halt_others(void);
unsigned cpu_msg_harts_halted(void);

#endif
