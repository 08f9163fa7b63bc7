// SPDX-License-Identifier: MIT
/*
 * Block, wake and kick on the fake arch (sched/ownership.c, hv/vcpu/irq.c,
 * hv/vcpu/run.c), including the races between a post and the run loop:
 * a post that lands while the loop syncs, after it synced, while the
 * vCPU is in the guest, or after it blocked but before it left its hart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL

static struct vm *vm;
static struct vcpu *v0;
static unsigned nentries;	    /* guest entries the hooks saw */
static unsigned long entry_virq[8]; /* virq_injected at each entry */
static bool probe_fired;

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	vm = fake_vm_create("a", 1, 0);
	v0 = &vm->vcpus[0];
	nentries = 0;
	probe_fired = false;
	for (unsigned i = 0; i < 8; i++)
		entry_virq[i] = 0;
	return 0;
}

static void record_entry(struct vcpu *vcpu)
{
	if (nentries < 8)
		entry_virq[nentries] = vcpu->arch.virq_injected;
	nentries++;
}

/* Enables the software interrupt, takes one if pending (clears SSIP as
 * its handler would), then waits in wfi. */
static void guest_wait(struct vcpu *vcpu)
{
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

static void guest_wfi(struct vcpu *vcpu)
{
	record_entry(vcpu);
	guest_wait(vcpu);
}

static void post_ipi_from(unsigned hart, struct vcpu *vcpu)
{
	unsigned me = fake_current_hart();

	fake_set_hart(hart);
	vcpu_post_ipi(vcpu);
	fake_set_hart(me);
}

/* v0 has run on hart 0 and waits in wfi with SSIE enabled. */
static void run_until_blocked(void)
{
	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(v0->block_reason, SCHED_BLOCK_WFI);
	assert_null(cpus[0].current);
}

static void test_wake_from_other_hart_sends_one_ipi(void **state)
{
	(void)state;
	run_until_blocked();
	assert_int_equal(v0->stats.wfi_blocks, 1);
	assert_int_equal(cpus[0].rq.nr_queued, 0);
	unsigned ipis0 = fake_harts[0].ipis_received;
	unsigned ipis1 = fake_harts[1].ipis_received;
	unsigned fence_is0 = fake_harts[0].fence_is;

	fake_set_hart(1);
	vcpu_post_ipi(v0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_true(v0->se.queued);
	assert_int_equal(cpus[0].rq.nr_queued, 1);
	assert_int_equal(fake_harts[0].ipis_received, ipis0 + 1);
	/* More posts to the now runnable vCPU: no more IPIs. */
	vcpu_post_ipi(v0);
	vcpu_make_request(v0, VCPU_REQ_FENCE_I);
	vcpu_set_ext_irq(v0, true);
	assert_int_equal(fake_harts[0].ipis_received, ipis0 + 1);
	assert_int_equal(fake_harts[1].ipis_received, ipis1);
	assert_int_equal(cpus[0].rq.nr_queued, 1);

	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 2);
	assert_true(entry_virq[1] & VIRQ_SOFT);
	assert_true(entry_virq[1] & VIRQ_EXTERNAL);
	assert_int_equal(fake_harts[0].fence_is, fence_is0 + 1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* Only an interrupt the guest enabled in sie ends its wfi. */
static void test_wake_needs_an_enabled_interrupt(void **state)
{
	(void)state;
	run_until_blocked();
	unsigned ipis0 = fake_harts[0].ipis_received;

	fake_set_hart(1);
	vcpu_set_ext_irq(v0, true); /* SEIE is off */
	vcpu_make_request(v0, VCPU_REQ_TLB_FLUSH);
	v0->timer_deadline = fake_time; /* expired, but STIE is off */
	sched_kick(v0);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_false(v0->se.queued);
	assert_int_equal(fake_harts[0].ipis_received, ipis0);
	/* Not in the guest: the waiter for an acknowledgement goes on. */
	vcpu_request_wait(v0, VCPU_REQ_TLB_FLUSH);
	assert_true(v0->requests & VCPU_REQ_TLB_FLUSH);
	vcpu_post_ipi(v0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[0].ipis_received, ipis0 + 1);
}

/* Enables SSIE and STIE but leaves a pending interrupt untaken (its
 * sstatus.SIE is off), then wfi: twice, then it takes them. */
static void guest_wfi_with_pending(struct vcpu *vcpu)
{
	record_entry(vcpu);
	fake_guest_write_sie(vcpu, VIRQ_SOFT | VIRQ_TIMER);
	if (nentries == 3) {
		vcpu->arch.virq_injected &= ~VIRQ_SOFT;
		vcpu->timer_deadline = UINT64_MAX; /* as a new set_timer */
	}
	fake_exit_wfi(vcpu);
}

static void test_wfi_with_pending_interrupt_does_not_block(void **state)
{
	(void)state;
	run_until_blocked();
	fake_guest = guest_wfi_with_pending;
	nentries = 0;
	post_ipi_from(1, v0);
	assert_ptr_equal(fake_step(0), v0);
	/* Entry 1 (soft pending), entry 2 (still pending), entry 3 blocks. */
	assert_int_equal(nentries, 3);
	assert_true(entry_virq[0] & VIRQ_SOFT);
	assert_true(entry_virq[1] & VIRQ_SOFT);
	assert_int_equal(v0->stats.wfi_blocks, 2);
	assert_int_equal(v0->arch.sepc, ENTRY + 4 + 3 * 4);
	assert_int_equal(v0->state, VCPU_BLOCKED);

	/* The same with an expired SBI timer instead. */
	v0->timer_deadline = fake_time - 1;
	sched_kick(v0); /* what set_timer's caller would see: woken */
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	nentries = 1; /* the next run blocks at its second wfi */
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 3);
	assert_false(entry_virq[1] & VIRQ_SOFT);
	assert_true(entry_virq[1] & VIRQ_TIMER);
	assert_int_equal(v0->stats.wfi_blocks, 3);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

static void test_kick_runnable_sends_no_ipi(void **state)
{
	(void)state;
	fake_set_hart(1);
	fake_vcpu_start(vm, 0, ENTRY);
	unsigned ipis0 = fake_harts[0].ipis_received;

	assert_int_equal(ipis0, 1); /* the start itself */
	vcpu_post_ipi(v0);
	vcpu_set_ext_irq(v0, true);
	vcpu_make_request(v0, VCPU_REQ_TLB_FLUSH);
	sched_kick(v0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[0].ipis_received, ipis0);
	assert_int_equal(cpus[0].rq.nr_queued, 1);
	/* A stopped (offline) vCPU is not kicked either. */
	vcpu_post_ipi(&fake_vm_create("b", 1, 0)->vcpus[0]);
	assert_int_equal(fake_harts[0].ipis_received, ipis0);
}

static unsigned ipis_after_post;

/* Entry 1: hart 1 posts while the guest runs, and the hart takes the
 * IPI; entry 2 sees the interrupt and waits. */
static void guest_posted_in_guest(struct vcpu *vcpu)
{
	record_entry(vcpu);
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	if (nentries == 1) {
		assert_true(vcpu->in_guest);
		post_ipi_from(1, vcpu);
		ipis_after_post = fake_harts[0].ipis_received;
		assert_true(fake_harts[0].pending & HOST_IRQ_IPI);
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
		return;
	}
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

static void test_kick_running_in_guest_sends_ipi(void **state)
{
	(void)state;
	fake_guest = guest_posted_in_guest;
	fake_vcpu_start(vm, 0, ENTRY);
	unsigned ipis0 = fake_harts[0].ipis_received;

	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(ipis_after_post, ipis0 + 1);
	assert_int_equal(fake_harts[0].ipis_received, ipis0 + 1);
	assert_false(fake_harts[0].pending & HOST_IRQ_IPI); /* handled */
	assert_int_equal(v0->stats.irq_exits[IRQ_CAUSE_SOFT], 1);
	assert_int_equal(nentries, 2);
	assert_false(entry_virq[0] & VIRQ_SOFT);
	assert_true(entry_virq[1] & VIRQ_SOFT);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* Posted while the vCPU is in an exit handler (not in the guest), from
 * another hart and from its own: no IPI, the next entry has it. */
static enum exit_action ecall_posts(struct vcpu *vcpu)
{
	assert_false(vcpu->in_guest);
	post_ipi_from(1, vcpu);
	vcpu_post_ipi(vcpu); /* its own hart (an IPI to itself) */
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_ecall_then_wfi(struct vcpu *vcpu)
{
	record_entry(vcpu);
	if (nentries == 1) {
		fake_guest_write_sie(vcpu, VIRQ_SOFT);
		fake_exit_ecall(vcpu, 0x735049, 0, NULL, 0);
		return;
	}
	guest_wait(vcpu);
}

static void test_kick_running_in_exit_sends_no_ipi(void **state)
{
	(void)state;
	fake_guest = guest_ecall_then_wfi;
	fake_ecall_handler = ecall_posts;
	fake_vcpu_start(vm, 0, ENTRY);
	unsigned ipis0 = fake_harts[0].ipis_received;

	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(fake_harts[0].ipis_received, ipis0);
	assert_int_equal(nentries, 2);
	assert_true(entry_virq[1] & VIRQ_SOFT);
}

/* Hart 1 posts at hart 0's time read that starts the sync, after the
 * loop took its requests: the IPI is folded in by that sync, and the
 * request is caught by the re-check after in_guest is set (the poster
 * saw in_guest clear, so no IPI would ever make the guest exit). */
static void probe_post_during_sync(enum fake_probe point)
{
	if (point != FAKE_PROBE_TIME || probe_fired ||
	    fake_current_hart() != 0 || cpus[0].current != v0 ||
	    fake_harts[0].tlb_flushes != 1 || v0->in_guest ||
	    cpus[0].rq.lock.locked)
		return;
	probe_fired = true;
	fake_set_hart(1);
	vcpu_post_ipi(v0);
	vcpu_make_request(v0, VCPU_REQ_FENCE_I);
	fake_set_hart(0);
}

static unsigned fence_is_at_entry;
static unsigned long requests_at_entry;

static void guest_checks_requests(struct vcpu *vcpu)
{
	if (nentries == 0) {
		fence_is_at_entry = fake_harts[0].fence_is;
		requests_at_entry = vcpu->requests;
	}
	guest_wfi(vcpu);
}

static void test_request_posted_during_sync_is_taken_before_entry(void **state)
{
	(void)state;
	fake_guest = guest_checks_requests;
	fake_vcpu_start(vm, 0, ENTRY);
	unsigned ipis0 = fake_harts[0].ipis_received;

	fake_probe = probe_post_during_sync;
	assert_ptr_equal(fake_step(0), v0);
	assert_true(probe_fired);
	assert_int_equal(fake_harts[0].ipis_received, ipis0); /* no IPI */
	/* Done before the entry: the first run's on a new hart, then the
	 * one posted during the sync. */
	assert_int_equal(fence_is_at_entry, 2);
	assert_int_equal(requests_at_entry, 0);
	assert_true(entry_virq[0] & VIRQ_SOFT);
	assert_int_equal(nentries, 1);
}

/* Hart 1 posts after the sync read the posted fields (at its read of
 * vstimecmp, which it makes when the external line is high): an IPI, and
 * the external line lowered. Only the re-check can see them. */
static void probe_post_after_sync(enum fake_probe point)
{
	if (point != FAKE_PROBE_VSTIMECMP || probe_fired ||
	    fake_current_hart() != 0 || cpus[0].current != v0 ||
	    !v0->ext_irq_synced || v0->in_guest || nentries ||
	    cpus[0].rq.lock.locked)
		return;
	probe_fired = true;
	fake_set_hart(1);
	vcpu_post_ipi(v0);
	vcpu_set_ext_irq(v0, false);
	fake_set_hart(0);
}

static void test_irq_posted_after_sync_is_rechecked(void **state)
{
	(void)state;
	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, ENTRY);
	vcpu_set_ext_irq(v0, true);
	unsigned ipis0 = fake_harts[0].ipis_received;

	fake_probe = probe_post_after_sync;
	assert_ptr_equal(fake_step(0), v0);
	assert_true(probe_fired);
	assert_int_equal(fake_harts[0].ipis_received, ipis0);
	/* The one entry shows the new IPI and no longer the lowered line. */
	assert_int_equal(nentries, 1);
	assert_true(entry_virq[0] & VIRQ_SOFT);
	assert_false(entry_virq[0] & VIRQ_EXTERNAL);
	assert_false(v0->ext_irq_synced);
}

/* Woken after it blocked but before its hart switched it out: it is
 * not queued twice, no IPI is needed, and the switch-out queues it. */
static void probe_wake_before_switch_out(enum fake_probe point)
{
	if (point != FAKE_PROBE_TIME || probe_fired ||
	    v0->state != VCPU_BLOCKED || cpus[0].current != v0 ||
	    cpus[0].rq.lock.locked)
		return;
	probe_fired = true;
	post_ipi_from(1, v0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_false(v0->se.queued);
}

static void test_wake_while_still_current(void **state)
{
	(void)state;
	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, ENTRY);
	unsigned ipis0 = fake_harts[0].ipis_received;

	fake_probe = probe_wake_before_switch_out;
	assert_ptr_equal(fake_step(0), v0);
	assert_true(probe_fired);
	assert_int_equal(fake_harts[0].ipis_received, ipis0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_true(v0->se.queued);
	assert_int_equal(cpus[0].rq.nr_queued, 1);
	assert_ptr_equal(fake_step(0), v0); /* runs again, sees the IPI */
	assert_true(entry_virq[1] & VIRQ_SOFT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_wake_from_other_hart_sends_one_ipi,
				       setup),
		cmocka_unit_test_setup(test_wake_needs_an_enabled_interrupt,
				       setup),
		cmocka_unit_test_setup(
			test_wfi_with_pending_interrupt_does_not_block, setup),
		cmocka_unit_test_setup(test_kick_runnable_sends_no_ipi, setup),
		cmocka_unit_test_setup(test_kick_running_in_guest_sends_ipi,
				       setup),
		cmocka_unit_test_setup(test_kick_running_in_exit_sends_no_ipi,
				       setup),
		cmocka_unit_test_setup(
			test_request_posted_during_sync_is_taken_before_entry,
			setup),
		cmocka_unit_test_setup(test_irq_posted_after_sync_is_rechecked,
				       setup),
		cmocka_unit_test_setup(test_wake_while_still_current, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
