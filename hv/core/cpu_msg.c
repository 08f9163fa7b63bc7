// SPDX-License-Identifier: MIT
/*
 * Per-hart message queues (see hv/include/hv/cpu_msg.h).
 *
 * Ordering: a sender fills a slot and bumps tail under the queue lock,
 * then sends the IPI; the IPI is cleared by the target before it serves
 * the queue (host IPI handling), so a message queued after a serve pass
 * always has an IPI pending behind it. A synchronous caller's done flag
 * is written with release after fn ran, and read with acquire, so
 * everything fn wrote is visible to the caller once it sees done.
 *
 * The halt request of a panic bypasses the queues (their locks may be
 * held by the very hart that panicked): a flag, set once, and an IPI.
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/host_irq.h>
#include <hv/percpu.h>

/* The hart that asked every other one to halt (0: none), and how many
 * have. The requester's this_cpu() is only compared, never followed: a
 * panic may come before the per-CPU data is set up. */
static uintptr_t halt_requester;
static uint32_t harts_halted;

void cpu_msg_halt_others(void)
{
	uintptr_t none = 0, me = (uintptr_t)this_cpu() | 1;

	if (!__atomic_compare_exchange_n(&halt_requester, &none, me, false,
					 __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (&cpus[i] != this_cpu() &&
		    __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
			arch_ipi_send(&cpus[i]);
}

unsigned cpu_msg_harts_halted(void)
{
	return __atomic_load_n(&harts_halted, __ATOMIC_ACQUIRE);
}

/* Stop here if another hart asked for it: whatever this hart was doing
 * (it may hold a lock the requester needs not), it does no more. */
static void halt_if_requested(void)
{
	uintptr_t requester =
		__atomic_load_n(&halt_requester, __ATOMIC_ACQUIRE);

	if (!requester || requester == ((uintptr_t)this_cpu() | 1))
		return;
	__atomic_fetch_add(&harts_halted, 1, __ATOMIC_RELEASE);
	arch_halt();
}

static int queue_message(struct cpu *cpu, cpu_msg_fn fn, void *arg,
			 uint32_t *done)
{
	struct cpu_msg_queue *q = &cpu->msgs;
	int ret = HV_EAGAIN;

	spin_lock(&q->lock);
	if (q->tail - q->head < CPU_MSG_SLOTS) {
		struct cpu_msg *slot = &q->slots[q->tail % CPU_MSG_SLOTS];

		slot->fn = fn;
		slot->arg = arg;
		slot->done = done;
		q->tail++;
		ret = HV_OK;
	}
	spin_unlock(&q->lock);
	if (ret == HV_OK)
		arch_ipi_send(cpu);
	return ret;
}

int cpu_msg_post(struct cpu *cpu, cpu_msg_fn fn, void *arg)
{
	return queue_message(cpu, fn, arg, NULL);
}

/* Queue a synchronous message. A full queue drains as its hart serves
 * it; this hart serves its own meanwhile, in case that hart waits on it. */
static void queue_waiting_for_room(struct cpu *cpu, cpu_msg_fn fn, void *arg,
				   uint32_t *done)
{
	while (queue_message(cpu, fn, arg, done) != HV_OK)
		cpu_relax_serving();
}

static void wait_until_done(const uint32_t *done)
{
	while (!__atomic_load_n(done, __ATOMIC_ACQUIRE))
		cpu_relax_serving();
}

void cpu_msg_call(struct cpu *cpu, cpu_msg_fn fn, void *arg)
{
	uint32_t done = 0;

	if (cpu == this_cpu()) {
		fn(arg);
		return;
	}
	queue_waiting_for_room(cpu, fn, arg, &done);
	wait_until_done(&done);
}

/* The harts of cpu_msg_call_online are bits of an unsigned long. */
_Static_assert(HV_MAX_HARTS <= 8 * sizeof(unsigned long),
	       "a hart mask holds every hart");

void cpu_msg_call_online(unsigned long harts, cpu_msg_fn fn, void *arg)
{
	uint32_t done[HV_MAX_HARTS] = {0};
	unsigned long sent = 0;
	bool here = false;

	/* Every message out first, so the harts run them together. */
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		if (!(harts & (1UL << i)) ||
		    !__atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
			continue;
		if (&cpus[i] == this_cpu()) {
			here = true;
			continue;
		}
		queue_waiting_for_room(&cpus[i], fn, arg, &done[i]);
		sent |= 1UL << i;
	}
	if (here)
		fn(arg);
	/* done[] lives on this stack: no return before every flag is set. */
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (sent & (1UL << i))
			wait_until_done(&done[i]);
}

void cpu_msg_serve(void)
{
	struct cpu_msg_queue *q = &this_cpu()->msgs;

	halt_if_requested();
	for (;;) {
		struct cpu_msg msg;

		spin_lock(&q->lock);
		if (q->head == q->tail) {
			spin_unlock(&q->lock);
			return;
		}
		msg = q->slots[q->head % CPU_MSG_SLOTS];
		q->head++;
		spin_unlock(&q->lock);
		msg.fn(msg.arg);
		if (msg.done)
			__atomic_store_n(msg.done, 1, __ATOMIC_RELEASE);
	}
}

void cpu_relax_serving(void)
{
	/* Messages, and the timer: this hart's vCPUs keep their wakeups and
	 * slices while it waits. Not the external interrupt: its handler
	 * (console input) may be what is waiting here. */
	unsigned long pending = arch_pending_host_irqs();

	if (pending & HOST_IRQ_IPI)
		host_irq_ipi();
	if (pending & HOST_IRQ_TIMER)
		sched_timer_interrupt();
	arch_relax();
}
