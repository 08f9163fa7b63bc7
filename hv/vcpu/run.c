// SPDX-License-Identifier: MIT
/*
 * The vCPU run loop: take requests, fold posted interrupts into the state
 * the hart loads, enter the guest, dispatch the exit, until the vCPU has
 * to go back to the scheduler. See hv/vcpu/irq.c for why no post is lost.
 */
#include <arch/arch.h>
#include <asm/vcpu_enter.h>
#include <hv/exit.h>
#include <hv/uart_shadow.h>
#include <hv/vcpu.h>
#include <hv/vdev.h>
#include <hv/vm.h>
#include "sched/preempt.h"

/*
 * Memory ordering. Posters (hv/vcpu/irq.c, sched_kick) write a field and
 * then read in_guest, with a full fence between (their sequentially
 * consistent store and load). The runner writes in_guest = true and then
 * re-reads the fields, with a full fence between
 * (set_in_guest). That store-load pattern on both sides is all
 * the protocol needs: either the runner sees the post or the poster sees
 * in_guest and kicks. The other accesses here are relaxed or acquire:
 * the fence re-checks whatever they read, and clearing in_guest early
 * only costs a poster a needless IPI. Except after the guest ran: then
 * in_guest = false is an acknowledgement (vcpu_request_wait returns on
 * it), so it is a release store, after every access the guest made.
 * A VM stop is not a post (must_leave reads the status before the
 * fence): vm_quiesce kicks again until every vCPU is out.
 */

/* Taking them is the acknowledgement (vcpu_request_wait). */
bool vcpu_take_requests(struct vcpu *vcpu)
{
	/* Acquire: the work below follows the post it was asked for by.
	 * Release: taking a request acknowledges it (vcpu_request_wait),
	 * and the guest's accesses before this exit come first (a remote
	 * fence's caller may reuse the page once it sees the ack). */
	unsigned long requests =
		__atomic_exchange_n(&vcpu->requests, 0, __ATOMIC_ACQ_REL);

	if (requests & VCPU_REQ_TLB_FLUSH)
		arch_vcpu_flush_vs_tlb();
	if (requests & VCPU_REQ_FENCE_I)
		arch_vcpu_fence_i();
	return requests & (VCPU_REQ_PARK | VCPU_REQ_MIGRATE);
}

/* Fold posted interrupts into the state the hart loads. Inline: every
 * entry passes here. */
static inline __attribute__((always_inline)) void
sync_interrupts(struct vcpu *vcpu)
{
	struct vcpu_arch *arch = &vcpu->arch;
	uint64_t now = arch_time_now();

	if (__atomic_exchange_n(&vcpu->ipi_pending, 0, __ATOMIC_ACQUIRE))
		arch->virq_injected |= VIRQ_SOFT;
	vdev_poll(vcpu->vm, now); /* may raise the UART's line */
	/* Held back while the timer interrupt is due (hv/vcpu/irq.c). */
	vcpu->ext_irq_synced =
		__atomic_load_n(&vcpu->ext_irq_level, __ATOMIC_RELAXED);
	if (!vcpu->ext_irq_synced) { /* most entries: nothing to show */
		vcpu->ext_irq_hidden_until = 0;
		arch->virq_injected &= ~VIRQ_EXTERNAL;
	} else if (vcpu_show_external_irq(vcpu, true, now)) {
		uart_shadow_settle_here(vcpu->vm);
		arch->virq_injected |= VIRQ_EXTERNAL;
	} else {
		arch->virq_injected &= ~VIRQ_EXTERNAL;
	}
	if (now >= __atomic_load_n(&vcpu->timer_deadline, __ATOMIC_RELAXED))
		arch->virq_injected |= VIRQ_TIMER;
	else
		arch->virq_injected &= ~VIRQ_TIMER;
}

/* Posts made since sync_interrupts(); called after the full fence. */
static bool posts_outstanding(struct vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->requests, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&vcpu->ipi_pending, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&vcpu->ext_irq_level, __ATOMIC_RELAXED) !=
		       vcpu->ext_irq_synced;
}

/* Announce the entry: in_guest, then the full fence of the store-load
 * pattern (see the top of this file). */
static void set_in_guest(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->in_guest, true, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Before the guest ran (a retry, a request): nothing to order. */
static void clear_in_guest(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->in_guest, false, __ATOMIC_RELAXED);
}

/* After an exit: an acknowledgement, ordered after the guest's accesses
 * (see the top of this file). */
static void left_guest(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->in_guest, false, __ATOMIC_RELEASE);
}

static bool must_leave(struct vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->state, __ATOMIC_ACQUIRE) !=
		       VCPU_RUNNING ||
	       !vm_is_running(vcpu->vm) || sched_should_preempt(vcpu->cpu);
}

/*
 * The last pass before an entry that retried VCPU_ENTRY_RETRIES times:
 * in_guest is already set, so every post from now on kicks the hart with
 * an IPI, which makes the guest exit at once to take it: nothing is lost
 * by entering. Take what was posted meanwhile first (a request to leave
 * still wins). False if the vCPU must leave instead of entering.
 */
static bool settle_for_entry(struct vcpu *vcpu)
{
	if (vcpu_take_requests(vcpu)) {
		clear_in_guest(vcpu);
		return false;
	}
	sync_interrupts(vcpu);
	return true;
}

void vcpu_run(struct vcpu *vcpu)
{
	unsigned retries = 0;

	/* The hart timer is armed where deadlines change (switch-in,
	 * set_timer, wakeups, the timer itself), not on every entry: once
	 * armed for a deadline, it makes the guest exit then, and the sync
	 * below raises the timer interrupt. */
	while (!must_leave(vcpu)) {
		if (vcpu_take_requests(vcpu))
			return;
		sync_interrupts(vcpu);
		set_in_guest(vcpu);
		/* A post that raced with the sync would wait for the next
		 * exit: fold it in first. But siblings that post without
		 * pause could keep us here for ever: after a few retries,
		 * enter anyway (settle_for_entry says why that is safe). */
		if (posts_outstanding(vcpu)) {
			if (++retries < VCPU_ENTRY_RETRIES) {
				clear_in_guest(vcpu);
				continue;
			}
			if (!settle_for_entry(vcpu))
				return;
		}
		retries = 0;
		arch_vcpu_enter(vcpu);
		left_guest(vcpu);
		if (exit_dispatch(vcpu) == EXIT_RESCHEDULE)
			return;
	}
}

bool vcpu_apply_boot(struct vcpu *vcpu)
{
	if (!vcpu->boot_pending)
		return false;
	vcpu->boot_pending = false;
	vcpu->resume_pending = false;
	arch_vcpu_reset(&vcpu->arch, vcpu->boot_addr, vcpu->id,
			vcpu->boot_opaque);
	vcpu->timer_deadline = UINT64_MAX;
	__atomic_store_n(&vcpu->ipi_pending, 0, __ATOMIC_SEQ_CST);
	sbi_sta_disable(vcpu); /* a started hart has no STA record yet */
	return true;
}

void vcpu_prepare_entry(struct vcpu *vcpu)
{
	if (vcpu_apply_boot(vcpu)) {
		arch_vcpu_release_fp(vcpu);
		/* Push the reset VS state into the hart. */
		arch_vcpu_load(vcpu);
	}
	if (vcpu->resume_pending) {
		vcpu->resume_pending = false;
		arch_vcpu_resume_at(vcpu, vcpu->boot_addr, vcpu->id,
				    vcpu->boot_opaque);
	}
}
