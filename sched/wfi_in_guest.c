// SPDX-License-Identifier: MIT
/*
 * A guest's wfi that sleeps in the guest: no exit at all.
 *
 * A vCPU that keeps its hart through a wfi anyway (the wait in place,
 * sched/wait_in_place.c) may as well not exit for it: with its wfi trap
 * off (hstatus.VTW clear), the hart sleeps in the guest, and the guest's
 * own interrupts end the wfi there. Its Sstc timer then wakes it with no
 * exit: 14 instructions from the deadline to the guest's handler (13 on
 * a bare hart) instead of about 500 (docs/benchmarks.md). KVM on arm64
 * turns its wfi trap off for the same case (a vCPU alone on its CPU).
 *
 * What the hypervisor loses is the knowledge that the vCPU is idle, so
 * the trap goes off only where nothing would use it:
 * - the wait in place's own conditions (nothing queued on this hart, no
 *   deferred work, no cap, no policy that moves vCPUs at every switch);
 * - with a policy that balances, nothing queued on any hart either: an
 *   idle hart pulls queued work from a busy one (sched/balance.c), which
 *   a hart asleep in its guest could not do.
 * Everything else that concerns the vCPU still reaches it: its SBI timer
 * is the hart timer's, and posts (IPIs, external interrupts, requests)
 * come with an IPI to a vCPU in the guest (hv/vcpu/run.c).
 *
 * The decision is taken at a trapped wfi that was waited out in place
 * (hv/exit/virtual_instruction.c) and holds until something changes it,
 * so that no entry pays for it: vcpu->arch.wfi_in_guest, which only the
 * vCPU's hart writes (or the gdb stub, while the VM is paused). What
 * turns it off again:
 * - a vCPU queued on its hart, or on any hart with a policy that
 *   balances, and a cap set (sched_wfi_in_guest_kick): the queuer takes
 *   the harts' bits and kicks them, and each one's IPI pass
 *   (sched_update_timer, which also looks at its own runqueue: a capped
 *   vCPU released there at its period's end) turns the trap back on;
 * - a switch-out (a vCPU starts on a hart with the trap on), deferred
 *   work;
 * - the vCPU's own console and UART accesses, whose follow-up (a prompt
 *   shown, the transmission resumed) happens at its next wfi exit;
 * - a debugger's single step (gdbstub/run.c): nothing would end a wfi
 *   whose interrupts are held back.
 *
 * Ordering. A hart sets its bit in sleepers, then looks at every
 * runqueue; whoever queues a vCPU (nr_queued written under that
 * runqueue's lock) then takes the bits. Both sides are a store, a full
 * fence, then a load: one of them sees the other, so no vCPU stays
 * queued behind a hart asleep in its guest.
 */
#include <arch/arch.h>
#include <hv/percpu.h>
#include <hv/vcpu.h>
#include "sched/internal.h"
#include "sched/policy.h"

bool sched_wfi_in_guest_enabled = true;

/* Bit i: cpus[i] found nothing queued and its vCPU's wfi may stay in
 * the guest (atomic). */
static unsigned long sleepers;

/* Work queued where this hart's vCPU must give way to it, or be able to
 * pull it: on its own runqueue, or on any with a policy that balances. */
static bool work_queued_for(const struct cpu *cpu)
{
	if (!cpu->rq.policy->balance)
		return __atomic_load_n(&cpu->rq.nr_queued, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (__atomic_load_n(&cpus[i].online, __ATOMIC_RELAXED) &&
		    __atomic_load_n(&cpus[i].rq.nr_queued, __ATOMIC_RELAXED))
			return true;
	return false;
}

static unsigned long bit_of(const struct cpu *cpu)
{
	return 1UL << cpu_index(cpu);
}

bool sched_wfi_in_guest(struct vcpu *vcpu)
{
	struct cpu *cpu = this_cpu();

	if (!sched_wfi_in_guest_enabled || !sched_wait_in_place_enabled ||
	    sched_hart_busy_or_capped(cpu, vcpu) || work_queued_for(cpu))
		return false;
	__atomic_fetch_or(&sleepers, bit_of(cpu), __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Again after the fence: a cap set meanwhile kicks only the harts
	 * whose bits it saw (sched_set_vm_cap). */
	if (sched_hart_busy_or_capped(cpu, vcpu) || work_queued_for(cpu)) {
		sched_wfi_in_guest_end(cpu);
		return false;
	}
	return true;
}

void sched_wfi_in_guest_end(struct cpu *cpu)
{
	if (cpu->current)
		arch_vcpu_set_wfi_in_guest(&cpu->current->arch, false);
	if (__atomic_load_n(&sleepers, __ATOMIC_RELAXED) & bit_of(cpu))
		__atomic_fetch_and(&sleepers, ~bit_of(cpu), __ATOMIC_RELAXED);
}

void sched_wfi_in_guest_check(struct cpu *cpu)
{
	struct vcpu *current = cpu->current;

	if (current && current->arch.wfi_in_guest &&
	    (!(__atomic_load_n(&sleepers, __ATOMIC_RELAXED) & bit_of(cpu)) ||
	     cpu->rq.nr_queued))
		sched_wfi_in_guest_end(cpu);
}

void sched_wfi_in_guest_kick(struct cpu *target)
{
	struct cpu *self = this_cpu();
	unsigned long harts;

	/* The caller's nr_queued store comes first (see the top). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	harts = __atomic_load_n(&sleepers, __ATOMIC_RELAXED);
	if (target && !target->rq.policy->balance)
		harts &= bit_of(target); /* only its own hart looks */
	if (!harts)
		return;
	harts = __atomic_fetch_and(&sleepers, ~harts, __ATOMIC_SEQ_CST) & harts;
	if ((harts & bit_of(self)) && self->current)
		arch_vcpu_set_wfi_in_guest(&self->current->arch, false);
	/* Its bit taken, target's IPI pass turns its trap back on when the
	 * queuer's own notice arrives (sched/ownership.c, migrate.c). */
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if ((harts & (1UL << i)) && &cpus[i] != self &&
		    &cpus[i] != target)
			arch_ipi_send(&cpus[i]);
}
