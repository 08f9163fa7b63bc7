// SPDX-License-Identifier: MIT
/*
 * What HSM asks of the scheduler, on the fake arch: suspends (retentive
 * and non-retentive, whose resume point is published with the blocked
 * state), stop and start (also a start that arrives while the vCPU is
 * still stopping), and waiting for a request's acknowledgement.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL
#define RESUME_PC 0x80300000UL
#define RESUME_OPAQUE 0xfeedUL
#define BOOT_PC 0x80400000UL

static struct vm *vm;
static struct vcpu *v1; /* lives on hart 1; its guest hart id is 1 */
static unsigned nentries;
static unsigned long entry_sepc, entry_a0, entry_a1, entry_virq;
static enum sched_block_reason suspend_reason;
static bool suspend_blocked;

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	vm = fake_vm_create("a", 2, 0);
	v1 = &vm->vcpus[1];
	nentries = 0;
	suspend_reason = SCHED_BLOCK_SUSPEND_NON_RETENTIVE;
	return 0;
}

/* Entry 1: sets a0/a1 and FP state, enables SSIE, makes an ecall. Later
 * entries record where and how they entered, then wait in wfi. */
static void guest(struct vcpu *vcpu)
{
	nentries++;
	if (nentries == 1) {
		fake_guest_write_sie(vcpu, VIRQ_SOFT);
		fake_guest_write_fp(vcpu, 3, 0x3333);
		static const unsigned long args[] = {0x111, 0x222};

		fake_exit_ecall(vcpu, 0x48534d, 3, args, 2);
		return;
	}
	entry_sepc = vcpu->arch.sepc;
	entry_a0 = vcpu->arch.gpr[GPR_A0];
	entry_a1 = vcpu->arch.gpr[GPR_A1];
	entry_virq = vcpu->arch.virq_injected;
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

static enum exit_action ecall_suspend(struct vcpu *vcpu)
{
	vcpu->arch.gpr[GPR_A0] = 0; /* SBI_SUCCESS, if it returns */
	vcpu->arch.sepc += 4;
	suspend_blocked =
		sched_block(vcpu, suspend_reason, RESUME_PC, RESUME_OPAQUE);
	if (!suspend_blocked)
		return EXIT_RESUME;
	/* Published together: whoever sees it blocked sees the resume. */
	assert_int_equal(vcpu->state, VCPU_BLOCKED);
	assert_int_equal(vcpu->block_reason, suspend_reason);
	assert_int_equal(vcpu->resume_pending,
			 suspend_reason == SCHED_BLOCK_SUSPEND_NON_RETENTIVE);
	return EXIT_RESCHEDULE;
}

static void start_and_run_suspend(void)
{
	fake_guest = guest;
	fake_ecall_handler = ecall_suspend;
	fake_set_hart(1);
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(sched_run_once(), v1);
	fake_set_hart(0);
}

static void test_nonretentive_suspend_resumes_at_its_entry(void **state)
{
	(void)state;
	start_and_run_suspend();
	assert_true(suspend_blocked);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(v1->stats.wfi_blocks, 0); /* a suspend, not wfi */
	unsigned ipis1 = fake_harts[1].ipis_received;

	vcpu_post_ipi(v1); /* hart 0 wakes it */
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[1].ipis_received, ipis1 + 1);
	assert_ptr_equal(fake_step(1), v1);
	assert_int_equal(nentries, 2);
	assert_int_equal(entry_sepc, RESUME_PC);
	assert_int_equal(entry_a0, 1); /* its hart id */
	assert_int_equal(entry_a1, RESUME_OPAQUE);
	assert_false(v1->resume_pending);
	/* Only the entry point changes: FP state survives the suspend. */
	fake_set_hart(1);
	assert_int_equal(fake_guest_read_fp(v1, 3), 0x3333);
}

/* Suspended on hart 1, moved to hart 0, woken there: the resume point
 * travels with it. */
static void test_nonretentive_resume_after_a_move(void **state)
{
	(void)state;
	start_and_run_suspend();
	assert_int_equal(sched_migrate(v1, &cpus[0]), HV_OK);
	fake_set_hart(1);
	vcpu_post_ipi(v1);
	fake_set_hart(0);
	assert_ptr_equal(sched_run_once(), v1);
	assert_int_equal(entry_sepc, RESUME_PC);
	assert_int_equal(entry_a0, 1);
	assert_int_equal(entry_a1, RESUME_OPAQUE);
	assert_int_equal(fake_guest_read_fp(v1, 3), 0x3333);
}

static void test_retentive_suspend_returns_after_the_call(void **state)
{
	(void)state;
	suspend_reason = SCHED_BLOCK_SUSPEND_RETENTIVE;
	start_and_run_suspend();
	assert_true(suspend_blocked);
	assert_false(v1->resume_pending);
	vcpu_post_ipi(v1);
	assert_ptr_equal(fake_step(1), v1);
	assert_int_equal(entry_sepc, ENTRY + 4);
	assert_int_equal(entry_a0, 0);
	assert_int_equal(entry_a1, 0x222);
}

/* A suspend with a wakeup already pending returns at once, and does not
 * leave a resume point behind for a later entry. */
static enum exit_action ecall_suspend_with_pending(struct vcpu *vcpu)
{
	vcpu_post_ipi(vcpu);
	return ecall_suspend(vcpu);
}

static void test_suspend_with_pending_wakeup_returns(void **state)
{
	(void)state;
	fake_guest = guest;
	fake_ecall_handler = ecall_suspend_with_pending;
	fake_set_hart(1);
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(sched_run_once(), v1);
	assert_false(suspend_blocked);
	assert_false(v1->resume_pending);
	assert_int_equal(v1->boot_addr, ENTRY); /* untouched */
	/* It went on at the next instruction, saw the IPI, then waited. */
	assert_int_equal(nentries, 2);
	assert_int_equal(entry_sepc, ENTRY + 4);
	assert_true(entry_virq & VIRQ_SOFT);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(v1->block_reason, SCHED_BLOCK_WFI);
}

static bool start_while_stopping;
static int start_result;

static enum exit_action ecall_stop(struct vcpu *vcpu)
{
	vcpu->timer_deadline = fake_time + 5000; /* dropped by the stop */
	sched_stop_current(vcpu);
	assert_int_equal(vcpu->state, VCPU_OFFLINE);
	if (start_while_stopping) {
		fake_set_hart(0); /* another vCPU's HSM start, on hart 0 */
		start_result = sched_start_vcpu(vcpu, BOOT_PC, 0xabc);
		assert_int_equal(vcpu->state, VCPU_RUNNABLE);
		assert_false(vcpu->se.queued); /* its hart queues it */
		fake_set_hart(1);
	}
	return EXIT_RESCHEDULE;
}

static void test_stop_then_start_boots_afresh(void **state)
{
	(void)state;
	fake_guest = guest;
	fake_ecall_handler = ecall_stop;
	fake_set_hart(1);
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(sched_run_once(), v1);
	assert_int_equal(v1->state, VCPU_OFFLINE);
	assert_false(v1->se.queued);
	assert_null(cpus[1].current);
	assert_null(fake_step(1)); /* nothing to run */

	fake_set_hart(0);
	unsigned ipis1 = fake_harts[1].ipis_received;

	vcpu_post_ipi(v1); /* to a stopped hart: dropped at its start */
	assert_int_equal(fake_harts[1].ipis_received, ipis1);
	assert_int_equal(sched_start_vcpu(v1, BOOT_PC, 0xabc), HV_OK);
	assert_int_equal(fake_harts[1].ipis_received, ipis1 + 1);
	assert_int_equal(sched_start_vcpu(v1, BOOT_PC, 0xabc), HV_EEXIST);
	assert_ptr_equal(fake_step(1), v1);
	assert_int_equal(entry_sepc, BOOT_PC);
	assert_int_equal(entry_a0, 1);
	assert_int_equal(entry_a1, 0xabc);
	assert_false(entry_virq & VIRQ_SOFT);
	assert_int_equal(v1->timer_deadline, UINT64_MAX);
	fake_set_hart(1);
	assert_int_equal(fake_guest_read_fp(v1, 3), 0); /* reset */
}

static void test_start_while_still_stopping(void **state)
{
	(void)state;
	fake_guest = guest;
	fake_ecall_handler = ecall_stop;
	start_while_stopping = true;
	fake_set_hart(1);
	fake_vcpu_start(vm, 1, ENTRY);
	unsigned ipis1 = fake_harts[1].ipis_received;

	assert_ptr_equal(sched_run_once(), v1);
	start_while_stopping = false;
	assert_int_equal(start_result, HV_OK);
	assert_int_equal(fake_harts[1].ipis_received, ipis1);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_true(v1->se.queued);
	assert_ptr_equal(sched_run_once(), v1);
	assert_int_equal(entry_sepc, BOOT_PC);
	assert_int_equal(entry_a1, 0xabc);
}

/* A waker on its own hart sends no IPI. */
static void test_wake_on_own_hart_sends_no_ipi(void **state)
{
	(void)state;
	start_and_run_suspend();
	fake_set_hart(1);
	unsigned ipis1 = fake_harts[1].ipis_received;

	vcpu_post_ipi(v1);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[1].ipis_received, ipis1);
	assert_ptr_equal(sched_run_once(), v1);
}

/* vcpu_request_wait() returns once the target has taken the request or
 * is out of the guest, and serves meanwhile. */
static unsigned relaxes;

static void probe_guest_exits_after_three(enum fake_probe point)
{
	if (point == FAKE_PROBE_RELAX && ++relaxes == 3)
		__atomic_store_n(&v1->in_guest, false, __ATOMIC_SEQ_CST);
}

static void guest_waited_for(struct vcpu *vcpu)
{
	nentries++;
	if (nentries == 1) {
		fake_set_hart(0);
		vcpu_make_request(vcpu, VCPU_REQ_TLB_FLUSH);
		/* Taken on the way in, or not: no wait if acknowledged. */
		vcpu_request_wait(vcpu, VCPU_REQ_FENCE_I);
		assert_int_equal(relaxes, 0);
		fake_probe = probe_guest_exits_after_three;
		vcpu_request_wait(vcpu, VCPU_REQ_TLB_FLUSH);
		fake_probe = NULL;
		assert_int_equal(relaxes, 3);
		fake_set_hart(1);
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
		return;
	}
	fake_guest_write_sie(vcpu, 0);
	fake_exit_wfi(vcpu);
}

static void test_request_wait_ends_when_target_leaves_guest(void **state)
{
	(void)state;
	fake_guest = guest_waited_for;
	fake_set_hart(1);
	fake_vcpu_start(vm, 1, ENTRY);
	unsigned flushes = fake_harts[1].tlb_flushes;

	assert_ptr_equal(sched_run_once(), v1);
	assert_int_equal(relaxes, 3);
	assert_int_equal(nentries, 2);
	/* Its first entry flushed (new hart), then the request did. */
	assert_int_equal(fake_harts[1].tlb_flushes, flushes + 2);
	assert_int_equal(v1->requests, 0);
}

/* sched_defer: work that must wait until no vCPU is switched in on this
 * hart runs after the current one leaves, or at the next idle turn. */
static unsigned deferred_runs;
static uintptr_t deferred_arg;
static bool deferred_saw_current;

static void deferred(void *arg)
{
	deferred_runs++;
	deferred_arg = (uintptr_t)arg;
	deferred_saw_current = this_cpu()->current != NULL;
}

/* Another kind of work (the gdb stub's input beside a reboot's step):
 * both run, in the order they came. */
static unsigned other_runs;

static void other_work(void *arg)
{
	(void)arg;
	assert_int_equal(deferred_runs, 1);
	other_runs++;
}

static enum exit_action ecall_defer(struct vcpu *vcpu)
{
	assert_int_equal(sched_defer(deferred, (void *)1), HV_OK);
	assert_int_equal(sched_defer(other_work, NULL), HV_OK);
	assert_int_equal(sched_defer(deferred, (void *)2), HV_OK); /* merged */
	assert_int_equal(this_cpu()->nr_deferred, 2);
	assert_int_equal(deferred_runs, 0);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void test_deferred_work_runs_once_the_vcpu_left(void **state)
{
	(void)state;
	fake_guest = guest;
	fake_ecall_handler = ecall_defer;
	fake_set_hart(1);
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(sched_run_once(), v1);
	assert_int_equal(nentries, 2); /* it went on, then waited */
	assert_int_equal(deferred_runs, 1);
	assert_int_equal(other_runs, 1);
	assert_int_equal(deferred_arg, 2);
	assert_false(deferred_saw_current);
	/* An idle hart runs it at its next turn, without sleeping first. */
	assert_int_equal(sched_defer(deferred, (void *)3), HV_OK);
	unsigned waits = fake_harts[1].waits;

	assert_null(sched_run_once());
	assert_int_equal(fake_harts[1].waits, waits);
	assert_int_equal(deferred_runs, 2);
	assert_int_equal(deferred_arg, 3);
	assert_null(sched_run_once()); /* nothing left: it sleeps */
	assert_int_equal(deferred_runs, 2);
	assert_int_equal(fake_harts[1].waits, waits + 1);
}

/* The hart keeps CPU_DEFERRED_MAX kinds of work; one more is refused,
 * and nothing already deferred is lost. Work that defers itself again
 * (a reboot's next step) runs at the next turn, not in the same pass. */
static unsigned again_runs;
static char ran[16];
static unsigned nr_ran;

static void note_run(char name)
{
	if (nr_ran < sizeof(ran) - 1)
		ran[nr_ran++] = name;
}

static void work_a(void *arg)
{
	(void)arg;
	note_run('a');
}
static void work_b(void *arg)
{
	(void)arg;
	note_run('b');
}
static void work_c(void *arg)
{
	(void)arg;
	note_run('c');
}

static void again(void *arg)
{
	(void)arg;
	again_runs++;
	note_run('g');
	assert_int_equal(sched_defer(again, NULL), HV_OK);
}

static void test_deferred_kinds_are_bounded_and_kept(void **state)
{
	(void)state;
	fake_set_hart(1);
	again_runs = 0;
	nr_ran = 0;
	memset(ran, 0, sizeof(ran));
	assert_int_equal(sched_defer(again, NULL), HV_OK);
	assert_int_equal(sched_defer(work_a, NULL), HV_OK);
	assert_int_equal(sched_defer(work_b, NULL), HV_OK);
	assert_int_equal(sched_defer(work_c, NULL), HV_OK);
	assert_int_equal(CPU_DEFERRED_MAX, 4);
	assert_int_equal(sched_defer(other_work, NULL), HV_EAGAIN);
	assert_int_equal(sched_defer(work_b, (void *)1), HV_OK); /* merged */
	assert_int_equal(cpus[1].nr_deferred, 4);
	assert_ptr_equal(cpus[1].deferred[2].arg, (void *)1);

	assert_null(sched_run_once()); /* idle: it runs them all, in order */
	assert_string_equal(ran, "gabc");
	assert_int_equal(again_runs, 1);
	assert_int_equal(cpus[1].nr_deferred, 1);
	assert_ptr_equal(cpus[1].deferred[0].fn, again);
	assert_null(sched_run_once());
	assert_int_equal(again_runs, 2);
	assert_string_equal(ran, "gabcg");
}

/* Deferred work is someone waiting: a vCPU that spins alone on the hart
 * gives way at its slice's end (the hart timer is armed for it), instead
 * of keeping the work (a reboot's next step) waiting for an exit that
 * may never come. */
static uint64_t armed_at_second_entry;

static void guest_spinning_after_defer(struct vcpu *vcpu)
{
	nentries++;
	if (nentries == 1) {
		fake_exit_ecall(vcpu, 0, 0, NULL, 0); /* ecall_defer */
		return;
	}
	if (nentries == 2) {
		armed_at_second_entry = fake_harts[1].timer_deadline;
		fake_time = this_cpu()->slice_end; /* it spun its slice */
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
		return;
	}
	fake_exit_wfi(vcpu); /* not preempted: it would come back here */
}

static void test_deferred_work_preempts_a_vcpu_alone(void **state)
{
	(void)state;
	deferred_runs = 0;
	fake_guest = guest_spinning_after_defer;
	fake_ecall_handler = ecall_defer;
	fake_set_hart(1);
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(sched_run_once(), v1);
	assert_int_equal(armed_at_second_entry, cpus[1].slice_end);
	assert_int_equal(nentries, 2); /* preempted after the timer */
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(deferred_runs, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_nonretentive_suspend_resumes_at_its_entry, setup),
		cmocka_unit_test_setup(test_nonretentive_resume_after_a_move,
				       setup),
		cmocka_unit_test_setup(
			test_retentive_suspend_returns_after_the_call, setup),
		cmocka_unit_test_setup(test_suspend_with_pending_wakeup_returns,
				       setup),
		cmocka_unit_test_setup(test_stop_then_start_boots_afresh,
				       setup),
		cmocka_unit_test_setup(test_start_while_still_stopping, setup),
		cmocka_unit_test_setup(test_wake_on_own_hart_sends_no_ipi,
				       setup),
		cmocka_unit_test_setup(
			test_request_wait_ends_when_target_leaves_guest, setup),
		cmocka_unit_test_setup(
			test_deferred_work_runs_once_the_vcpu_left, setup),
		cmocka_unit_test_setup(test_deferred_kinds_are_bounded_and_kept,
				       setup),
		cmocka_unit_test_setup(test_deferred_work_preempts_a_vcpu_alone,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
