// SPDX-License-Identifier: MIT
/*
 * A vCPU's wfi waited out in place, on a hart that has nothing else to do.
 *
 * Blocking (sched_block) hands the vCPU back to the scheduler. Its wakeup
 * then goes through the timer scan, the runqueue, a pick and a switch-in:
 * some 800 instructions from the interrupt to the guest. When no other
 * vCPU wants the hart (sched_wait_in_place_begin decides), none of that
 * decides anything. So the hart sleeps in wfi itself, the vCPU still
 * switched in and loaded, and goes straight back into the guest once the
 * vCPU has an interrupt it takes. KVM polls a halted vCPU for a while
 * before it schedules out, for the same reason; here the hart sleeps.
 *
 * Why nothing is missed while the hart sleeps:
 * - Posts (an IPI, an external interrupt, a request): the vCPU counts as
 *   in the guest (in_guest, with the full fence of hv/vcpu/run.c) before
 *   its wakeups are checked. So every poster from then on sends an IPI,
 *   and an IPI sent before the wfi ends the wfi at once.
 * - Timers: the hart timer covers the vCPU's deadline, its Sstc one
 *   included (sched_update_timer), and the hart's other events.
 * - Other work (a vCPU queued here, one to pull, deferred work): the wait
 *   ends and the vCPU blocks as before (with its own wakeup there too, it
 *   goes back in with its old slice, whose end the hart timer covers:
 *   sched_wait_in_place_end, sched_defer). A stop, a pause or a move ends it
 *   too, through the run loop.
 * hvip is cleared first (arch_vcpu_save_wakeup_state; the entry writes it
 * again): an injected interrupt the guest masks would end every wfi.
 */
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/host_irq.h>
#include <hv/vcpu.h>
#include <hv/vdev.h>
#include <hv/vm.h>

/* Back into the guest, or on with the wait: what the vCPU has now. */
static enum vcpu_wait_result check_wait(struct vcpu *vcpu)
{
	if (__atomic_load_n(&vcpu->requests, __ATOMIC_RELAXED) &&
	    vcpu_take_requests(vcpu))
		return VCPU_WAIT_LEAVE;	      /* parked, or moving */
	vdev_poll(vcpu->vm, arch_time_now()); /* may raise the UART's line */
	if (vcpu_has_wakeup_irq(vcpu) ||
	    __atomic_load_n(&vcpu->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING ||
	    !vm_is_running(vcpu->vm))
		return VCPU_WAIT_RESUME; /* the run loop sees a stop */
	if (sched_hart_wanted(this_cpu(), vcpu))
		return VCPU_WAIT_BLOCK;
	return VCPU_WAIT_ON;
}

/* Since when the vCPU had its wakeup, for the wake-to-run figures. When
 * the hart woke to a host interrupt (the hart timer, an IPI): the vCPU's
 * timer deadline if that came during the wait, so that a late end of the
 * wfi counts (the backstop's included), else the wake. When it woke to
 * the vCPU's own interrupt (VSTIP): the wake, which is when that came.
 * 0 if it never slept. */
static uint64_t woken_since(struct vcpu *vcpu, uint64_t began, uint64_t woke_at,
			    bool by_host_irq)
{
	uint64_t deadline;

	if (!woke_at || !by_host_irq)
		return woke_at;
	deadline = vcpu_timer_deadline(vcpu);
	return deadline >= began && deadline <= woke_at ? deadline : woke_at;
}

enum vcpu_wait_result vcpu_wait_in_place(struct vcpu *vcpu)
{
	enum vcpu_wait_result result;
	uint64_t began, woke_at = 0;
	bool woken_for_nothing = false;

	if (!sched_wait_in_place_begin(vcpu, &began))
		return VCPU_WAIT_BLOCK;
	arch_vcpu_save_wakeup_state(vcpu);
	/* From here, posters kick this hart (see the top of this file). */
	__atomic_store_n(&vcpu->in_guest, true, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while ((result = check_wait(vcpu)) == VCPU_WAIT_ON) {
		if (!arch_pending_host_irqs()) {
			/* The last wfi ended with nothing for the hart nor
			 * the vCPU: leave it to the scheduler. */
			if (woken_for_nothing) {
				result = VCPU_WAIT_BLOCK;
				break;
			}
			arch_wait_for_interrupt();
			woke_at = arch_time_now();
			/* Nothing for the hart: a VS interrupt may have ended
			 * the wfi (the vCPU's own Sstc timer). Check it. */
			woken_for_nothing = !arch_pending_host_irqs();
			if (woken_for_nothing)
				continue;
			/* The vCPU's own SBI timer: no timer pass. */
			if (sched_wait_woken_by_own_timer(vcpu, woke_at)) {
				console_drain();
				continue;
			}
		}
		woken_for_nothing = false;
		host_irq_poll();
	}
	/* Nothing to acknowledge: the guest did not run. */
	__atomic_store_n(&vcpu->in_guest, false, __ATOMIC_RELAXED);
	sched_wait_in_place_end(
		vcpu, began, result == VCPU_WAIT_RESUME,
		woken_since(vcpu, began, woke_at, !woken_for_nothing));
	return result;
}
