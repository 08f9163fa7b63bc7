// SPDX-License-Identifier: MIT
/*
 * vCPU run loop and interrupt posting.
 *
 * Posting protocol (why no interrupt is lost): a poster on any hart
 * writes the vCPU's atomic field, then calls sched_kick(). The runner
 * sets in_guest with a full fence and then re-reads the fields before
 * the world switch. Either the runner sees the post, or the poster sees
 * in_guest and sends an IPI, whose pending SSIP makes the guest exit at
 * once. Blocked vCPUs are woken by sched_kick under the runqueue lock.
 */
#include <hv/exit.h>
#include <hv/vcpu.h>
#include <hv/vm.h>
#include <arch/arch.h>

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

void vcpu_post_request(struct vcpu *vcpu, unsigned long request)
{
	__atomic_fetch_or(&vcpu->requests, request, __ATOMIC_SEQ_CST);
	sched_kick(vcpu);
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
 * injected through hvip.VSTIP) and, with Sstc, the guest's own stimecmp
 * (vstimecmp, raised by the hart). SBI set_timer does not borrow
 * vstimecmp: its pending bit must stay until the next set_timer, which
 * hvip models exactly, and the guest may use both at once.
 */
uint64_t vcpu_timer_deadline(struct vcpu *vcpu)
{
	uint64_t sbi = __atomic_load_n(&vcpu->timer_deadline, __ATOMIC_RELAXED);

	if (!vcpu->arch.sstc)
		return sbi;
	return MIN(sbi,
		   guest_to_host_time(vcpu, arch_vcpu_get_vstimecmp(vcpu)));
}

void vcpu_set_timer(struct vcpu *vcpu, uint64_t guest_time)
{
	__atomic_store_n(&vcpu->timer_deadline,
			 guest_to_host_time(vcpu, guest_time),
			 __ATOMIC_RELAXED);
	vcpu->arch.virq_injected &= ~VIRQ_TIMER;
	sched_update_timer();
}

static bool timer_expired(struct vcpu *vcpu, uint64_t now)
{
	return now >= vcpu_timer_deadline(vcpu);
}

bool vcpu_has_wakeup_irq(struct vcpu *vcpu)
{
	unsigned long pending = 0; /* guest numbering: SSIP 1, STIP 5, SEIP 9 */

	if (__atomic_load_n(&vcpu->ipi_pending, __ATOMIC_SEQ_CST) ||
	    (vcpu->arch.virq_injected & VIRQ_SOFT))
		pending |= VIRQ_SOFT;
	if (timer_expired(vcpu, arch_time_now()))
		pending |= VIRQ_TIMER;
	if (__atomic_load_n(&vcpu->ext_irq_level, __ATOMIC_SEQ_CST))
		pending |= VIRQ_EXTERNAL;
	return pending & arch_vcpu_guest_sie(vcpu);
}

static bool guest_timer_interrupt_due(struct vcpu *vcpu, uint64_t now)
{
	return timer_expired(vcpu, now) &&
	       (arch_vcpu_guest_sie(vcpu) & VIRQ_TIMER);
}

/* Fold posted interrupts and requests into the state the hart loads. */
static void sync_before_entry(struct vcpu *vcpu)
{
	struct vcpu_arch *arch = &vcpu->arch;
	uint64_t now = arch_time_now();
	unsigned long requests =
		__atomic_exchange_n(&vcpu->requests, 0, __ATOMIC_SEQ_CST);

	if (requests & VCPU_REQ_TLB_FLUSH)
		arch_vcpu_flush_vs_tlb();
	if (requests & VCPU_REQ_FENCE_I)
		arch_vcpu_fence_i();
	if (__atomic_exchange_n(&vcpu->ipi_pending, 0, __ATOMIC_SEQ_CST))
		arch->virq_injected |= VIRQ_SOFT;
	/*
	 * External interrupts outrank timer interrupts in the guest. A
	 * device that is always ready (our UART's THRE: bytes leave at once)
	 * would keep VSEIP high for as long as the guest streams output and
	 * starve its tick, which real transmit delays prevent on hardware.
	 * So while the guest's timer interrupt is pending and enabled, VSEIP
	 * waits: the timer is taken first, and the still-high level is shown
	 * again at the next exit.
	 */
	vcpu->ext_irq_synced =
		__atomic_load_n(&vcpu->ext_irq_level, __ATOMIC_SEQ_CST);
	if (vcpu->ext_irq_synced && !guest_timer_interrupt_due(vcpu, now))
		arch->virq_injected |= VIRQ_EXTERNAL;
	else
		arch->virq_injected &= ~VIRQ_EXTERNAL;
	if (now >= __atomic_load_n(&vcpu->timer_deadline, __ATOMIC_RELAXED))
		arch->virq_injected |= VIRQ_TIMER;
	else
		arch->virq_injected &= ~VIRQ_TIMER;
}

static bool posts_outstanding(struct vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->requests, __ATOMIC_SEQ_CST) ||
	       __atomic_load_n(&vcpu->ipi_pending, __ATOMIC_SEQ_CST) ||
	       __atomic_load_n(&vcpu->ext_irq_level, __ATOMIC_SEQ_CST) !=
		       vcpu->ext_irq_synced;
}

static bool should_stop_running(struct vcpu *vcpu)
{
	struct cpu *cpu = this_cpu();

	if (__atomic_load_n(&vcpu->state, __ATOMIC_ACQUIRE) != VCPU_RUNNING)
		return true;
	if (!vm_is_running(vcpu->vm))
		return true;
	/* Preempt at the end of the slice only if someone else waits. */
	return __atomic_load_n(&cpu->rq.nr_queued, __ATOMIC_RELAXED) &&
	       arch_time_now() >= cpu->slice_end;
}

void vcpu_run(struct vcpu *vcpu)
{
	/* The hart timer is armed where deadlines change (switch-in,
	 * set_timer, wakeups, the timer itself), not on every entry: once
	 * armed for a deadline, it makes the guest exit then, and the sync
	 * below raises VSTIP. */
	while (!should_stop_running(vcpu)) {
		sync_before_entry(vcpu);
		__atomic_store_n(&vcpu->in_guest, true, __ATOMIC_SEQ_CST);
		if (posts_outstanding(vcpu)) {
			__atomic_store_n(&vcpu->in_guest, false,
					 __ATOMIC_SEQ_CST);
			continue;
		}
		arch_vcpu_enter(vcpu);
		__atomic_store_n(&vcpu->in_guest, false, __ATOMIC_SEQ_CST);
		if (exit_dispatch(vcpu) == EXIT_RESCHEDULE)
			break;
	}
}

void vcpu_prepare_entry(struct vcpu *vcpu)
{
	if (vcpu->boot_pending) {
		vcpu->boot_pending = false;
		arch_vcpu_reset(&vcpu->arch, vcpu->boot_addr, vcpu->id,
				vcpu->boot_opaque);
		arch_vcpu_release_fp(vcpu);
		vcpu->timer_deadline = UINT64_MAX;
		__atomic_store_n(&vcpu->ipi_pending, 0, __ATOMIC_SEQ_CST);
		/* Push the reset VS state into the hart. */
		arch_vcpu_load(vcpu);
	}
	if (vcpu->resume_pending) {
		vcpu->resume_pending = false;
		arch_vcpu_resume_at(vcpu, vcpu->boot_addr, vcpu->id,
				    vcpu->boot_opaque);
	}
}
