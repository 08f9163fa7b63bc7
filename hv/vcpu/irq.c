// SPDX-License-Identifier: MIT
/*
 * Posting interrupts and requests to a vCPU, and its timers.
 *
 * Posting protocol (why no post is lost): a poster on any hart writes the
 * vCPU's atomic field, then calls sched_kick(). The runner sets in_guest
 * with a full fence and then re-reads the fields before the world switch
 * (hv/vcpu/run.c). Either the runner sees the post, or the poster sees
 * in_guest and sends an IPI, whose pending SSIP makes the guest exit at
 * once. Blocked vCPUs are woken by sched_kick under the runqueue lock.
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/platform.h>
#include <hv/vcpu.h>
#include <hv/vdev.h>

/* How long an external interrupt may stay hidden behind a due timer
 * interrupt before the guest is made to exit and shown it. */
#define EXT_IRQ_HOLD_BACK_US 500

void vcpu_post_ipi(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->ipi_pending, 1, __ATOMIC_SEQ_CST);
	sched_kick(vcpu);
}

void vcpu_set_ext_irq(struct vcpu *vcpu, bool level)
{
	__atomic_store_n(&vcpu->ext_irq_level, level, __ATOMIC_SEQ_CST);
	if (level || __atomic_load_n(&vcpu->in_guest, __ATOMIC_SEQ_CST))
		sched_kick(vcpu);
}

void vcpu_make_request(struct vcpu *vcpu, unsigned long request)
{
	__atomic_fetch_or(&vcpu->requests, request, __ATOMIC_SEQ_CST);
	sched_kick(vcpu);
}

/*
 * The target cannot act without the request any more once it has taken it
 * (its hart clears the bit in HS-mode, right before doing the work, ahead
 * of the next entry), or while it is outside the guest (it then takes the
 * request before entering). Waiting for an exit instead would be wrong: a
 * target that took the request on its way in may not exit again for a
 * long time, for instance while it spins on the very vCPU that waits here.
 */
void vcpu_request_wait(struct vcpu *vcpu, unsigned long request)
{
	while ((__atomic_load_n(&vcpu->requests, __ATOMIC_SEQ_CST) & request) &&
	       __atomic_load_n(&vcpu->in_guest, __ATOMIC_SEQ_CST))
		cpu_relax_serving();
}

/* Guest time is host time + htimedelta (mod 2^64); saturate so that
 * "never" (all ones) stays never. */
static uint64_t guest_to_host_time(struct vcpu *vcpu, uint64_t guest_time)
{
	uint64_t host = guest_time - vcpu->arch.htimedelta;

	if (guest_time == UINT64_MAX ||
	    (guest_time > host && vcpu->arch.htimedelta > (uint64_t)INT64_MAX))
		return UINT64_MAX;
	return host;
}

/*
 * Two timers can be armed: the SBI one (set_timer, a software deadline
 * injected as VIRQ_TIMER) and, with Sstc, the guest's own stimecmp
 * (vstimecmp, raised by the hart). SBI set_timer does not borrow
 * vstimecmp: its pending bit must stay until the next set_timer, which
 * the injected bit models exactly, and the guest may use both at once.
 */
uint64_t vcpu_sstc_deadline(struct vcpu *vcpu)
{
	if (!vcpu_has_sstc(vcpu))
		return UINT64_MAX;
	return guest_to_host_time(vcpu, arch_vcpu_get_vstimecmp(vcpu));
}

uint64_t vcpu_timer_deadline(struct vcpu *vcpu)
{
	uint64_t sbi = __atomic_load_n(&vcpu->timer_deadline, __ATOMIC_RELAXED);

	uint64_t sstc = vcpu_sstc_deadline(vcpu); /* once: MIN() reads twice */

	return MIN(sbi, sstc);
}

void vcpu_set_timer(struct vcpu *vcpu, uint64_t guest_time)
{
	__atomic_store_n(&vcpu->timer_deadline,
			 guest_to_host_time(vcpu, guest_time),
			 __ATOMIC_RELAXED);
	vcpu->arch.virq_injected &= ~VIRQ_TIMER;
	sched_update_timer();
}

bool vcpu_timer_expired(struct vcpu *vcpu, uint64_t now)
{
	return now >= vcpu_timer_deadline(vcpu);
}

/* Device events (the UART's transmit pauses) count too: whichever of
 * the VM's running vCPUs exits first raises them (hv/vcpu/run.c). */
uint64_t vcpu_running_deadline(struct vcpu *vcpu)
{
	uint64_t due = __atomic_load_n(&vcpu->timer_deadline, __ATOMIC_RELAXED);
	uint64_t show_hidden = vcpu->ext_irq_hidden_until;

	if (show_hidden && show_hidden < due)
		due = show_hidden;
	return MIN(due, vdev_next_event(vcpu->vm));
}

/*
 * External interrupts outrank timer interrupts in the guest. A device
 * that is always ready (our UART's THRE: bytes leave at once) would keep
 * VSEIP high for as long as the guest streams output and starve its tick,
 * which real transmit delays prevent on hardware. So while the guest's
 * timer interrupt is pending and enabled, the external one waits: the
 * timer is taken first. Nothing tells the hypervisor when: with Sstc the
 * guest takes it and re-arms stimecmp without an exit, and may then
 * compute for long without one. So the hart timer makes it exit within
 * EXT_IRQ_HOLD_BACK_US of every entry that hid the interrupt, and that
 * exit shows it again.
 */
bool vcpu_show_external_irq(struct vcpu *vcpu, bool level, uint64_t now)
{
	bool hide = level && vcpu_timer_expired(vcpu, now) &&
		    (arch_vcpu_guest_sie(vcpu) & VIRQ_TIMER);

	if (!hide) {
		vcpu->ext_irq_hidden_until = 0;
		return level;
	}
	vcpu->ext_irq_hidden_until = now + platform.timebase_frequency *
						   EXT_IRQ_HOLD_BACK_US /
						   1000000;
	sched_update_timer();
	return false;
}

bool vcpu_has_wakeup_irq(struct vcpu *vcpu)
{
	unsigned long pending = 0; /* guest numbering */

	if (__atomic_load_n(&vcpu->ipi_pending, __ATOMIC_SEQ_CST) ||
	    (vcpu->arch.virq_injected & VIRQ_SOFT))
		pending |= VIRQ_SOFT;
	if (vcpu_timer_expired(vcpu, arch_time_now()))
		pending |= VIRQ_TIMER;
	if (__atomic_load_n(&vcpu->ext_irq_level, __ATOMIC_SEQ_CST))
		pending |= VIRQ_EXTERNAL;
	return pending & arch_vcpu_guest_sie(vcpu);
}
