// SPDX-License-Identifier: MIT
/*
 * Run control of the debugged VM (gdbstub/run.c over hv/vm/pause.c):
 * resuming every thread or only some, Ctrl-C (reported once the pause is
 * complete, from the hart that completed it), two stops at once (the
 * first is reported, alone), detach in every state, and a VM that was
 * already paused when the stub attached (gdb-wait).
 */
#include "test_gdbstub_fixture.h"

#define C GDB_RESUME_CONTINUE
#define N GDB_RESUME_NONE

static int setup(void **state)
{
	gt_setup(state);
	gt_attach();
	return 0;
}

static void test_resume_every_thread_or_some(void **state)
{
	(void)state;
	const enum gdb_resume_action none[3] = {N, GDB_RESUME_STOP, N};
	const enum gdb_resume_action two_steps[2] = {GDB_RESUME_STEP,
						     GDB_RESUME_STEP};

	/* Nothing to run, or two threads to step: refused, still stopped. */
	assert_int_equal(GT_OPS->resume(GT_CTX, none, 3), HV_EINVAL);
	assert_int_equal(GT_OPS->resume(GT_CTX, two_steps, 2), HV_EINVAL);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_int_equal(gt_vm->pause_count, 1);

	/* Only thread 1 (the others default to staying stopped). */
	const enum gdb_resume_action first[1] = {C};

	assert_int_equal(GT_OPS->resume(GT_CTX, first, 1), HV_OK);
	assert_int_equal(gdb_target.state, GDB_RUNNING);
	assert_true(vm_is_paused(gt_vm));
	assert_false(gt_v0->parked);
	assert_true(gt_v1->parked && gt_v2->parked);
	assert_null(fake_step(1));
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_resume(C, C, C), HV_ESTATE); /* it runs */
	GT_OPS->interrupt(GT_CTX);
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_vm->pause_count, 1); /* the same pause */

	/* Every thread: the VM's pause is given up. */
	assert_int_equal(gt_resume(C, C, C), HV_OK);
	assert_false(vm_is_paused(gt_vm));
	assert_false(gt_v0->parked || gt_v1->parked || gt_v2->parked);
	gt_run_guest(0, gt_v0);
	gt_run_guest(1, gt_v1);
	assert_int_equal(gt_v2->state, VCPU_OFFLINE);
}

/* Ctrl-C while both vCPUs are held by their harts: hart 0 (the stub's)
 * saves v0 at once, hart 1 saves v1 when it takes its message, and that
 * completes the pause: the stop is reported then, from hart 1. */
static void test_interrupt_is_reported_when_the_pause_completes(void **state)
{
	(void)state;
	struct gdb_stop stop;

	assert_int_equal(gt_resume(C, C, C), HV_OK);
	gt_run_guest(0, gt_v0);
	gt_run_guest(1, gt_v1);
	GT_OPS->interrupt(GT_CTX);
	assert_true(vm_is_paused(gt_vm));
	assert_null(cpus[0].loaded);
	assert_ptr_equal(cpus[1].loaded, gt_v1);
	assert_int_equal(gt_stops, 0);
	assert_int_equal(gdb_target.state, GDB_RUNNING);
	GT_OPS->interrupt(GT_CTX); /* a second Ctrl-C: the same stop */
	assert_int_equal(gt_vm->pause_count, 1);

	fake_serve_hart(1);
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_SIGINT);
	assert_int_equal(gt_last_stop.thread, 1);
	assert_int_equal(gt_stop_hart, 1);
	assert_true(gt_stop_when_quiescent);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	GT_OPS->current_stop(GT_CTX, &stop);
	assert_int_equal(stop.reason, GDB_STOP_SIGINT);
	GT_OPS->interrupt(GT_CTX); /* stopped: nothing happens */
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_vm->pause_count, 1);
}

/* While v0 runs on hart 0, v1 hits a breakpoint on hart 1 and stops the
 * VM; then v0 runs into its own breakpoint before it could leave. Only
 * v1's stop is reported, once both are parked. */
static bool fired;

static void guest_racing(struct vcpu *vcpu)
{
	if (vcpu == gt_v0 && !fired) {
		fired = true;
		gt_run(1, gt_v1);
		assert_true(gdb_target.stop_pending);
		assert_true(gt_v0->requests & VCPU_REQ_PARK);
		assert_int_equal(gt_stops, 0); /* v0 still runs */
	}
	gt_guest(vcpu);
}

static void test_only_the_first_of_two_stops_is_reported(void **state)
{
	(void)state;
	struct gdb_stop stop;

	gt_poke32(GT_CODE, 0x00150513); /* addi a0, a0, 1 */
	gt_poke32(GT_CODE + 4, 0x00150513);
	GT_OPS->write_reg(GT_CTX, 1, GDB_REG_PC, GT_CODE);
	GT_OPS->write_reg(GT_CTX, 2, GDB_REG_PC, GT_CODE + 4);
	assert_int_equal(GT_OPS->insert_break(GT_CTX, GDB_BREAK_SOFTWARE,
					      GT_CODE + 4, 4),
			 HV_OK);
	assert_int_equal(gt_resume(C, C, C), HV_OK);
	fired = false;
	fake_guest = guest_racing;
	gt_run(0, gt_v0);
	assert_true(fired);
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_BREAKPOINT);
	assert_int_equal(gt_last_stop.thread, 2);
	assert_int_equal(gt_stop_hart, 0);
	assert_true(gt_stop_when_quiescent);
	GT_OPS->current_stop(GT_CTX, &stop);
	assert_int_equal(stop.thread, 2);
	/* Both wait at the breakpoint, v0 after its first instruction. */
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 4);
	assert_int_equal(gt_v1->arch.sepc, GT_CODE + 4);
	assert_int_equal(gt_v0->arch.gpr[A0], 1);
}

static void assert_resumed_and_clean(void)
{
	assert_int_equal(gdb_target.state, GDB_DETACHED);
	assert_false(vm_is_paused(gt_vm));
	assert_false(gt_v0->parked || gt_v1->parked);
	assert_int_equal(gdb_target.num_bps, 0);
	assert_false(gdb_target.phys);
	for (unsigned i = 0; i < 3; i++)
		assert_false(gt_vm->vcpus[i].arch.trap_breakpoints);
}

static void test_detach_from_a_stopped_vm(void **state)
{
	(void)state;
	char out[64];

	GT_OPS->insert_break(GT_CTX, GDB_BREAK_SOFTWARE, GT_CODE, 4);
	GT_OPS->insert_break(GT_CTX, GDB_BREAK_SOFTWARE, GT_CODE + 8, 2);
	GT_OPS->monitor(GT_CTX, "phys on", out, sizeof(out));
	GT_OPS->detach(GT_CTX);
	assert_resumed_and_clean();
	assert_int_equal(gt_peek32(GT_CODE), 0);
	assert_int_equal(gt_peek32(GT_CODE + 8), 0);
	gt_run_guest(0, gt_v0);
	GT_OPS->detach(GT_CTX); /* detached already: nothing */
	assert_int_equal(gt_vm->pause_count, 0);
	GT_OPS->interrupt(GT_CTX); /* detached: no stop */
	assert_false(vm_is_paused(gt_vm));
	/* A new debugger attaches again. */
	GT_OPS->attach(GT_CTX);
	assert_int_equal(gdb_run_wait_stopped(), HV_OK);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_int_equal(gt_vm->pause_count, 1);
}

/* Detach while running: with some threads released, with every thread
 * running, and while a stop is on its way (it is never reported). */
static void test_detach_while_running(void **state)
{
	(void)state;
	assert_int_equal(gt_resume(C, N, N), HV_OK);
	GT_OPS->detach(GT_CTX);
	assert_resumed_and_clean();

	GT_OPS->attach(GT_CTX);
	assert_int_equal(gt_resume(C, C, C), HV_OK);
	GT_OPS->detach(GT_CTX);
	assert_resumed_and_clean();
	assert_int_equal(gt_vm->pause_count, 0);

	GT_OPS->attach(GT_CTX);
	assert_int_equal(gt_resume(C, C, C), HV_OK);
	gt_run_guest(1, gt_v1);
	GT_OPS->interrupt(GT_CTX); /* hart 1 still holds v1 */
	assert_int_equal(gt_stops, 0);
	GT_OPS->detach(GT_CTX);
	assert_resumed_and_clean();
	fake_serve_hart(1);
	assert_int_equal(gt_stops, 0);
	gt_run_guest(1, gt_v1);
}

/* A gdb-wait VM is paused from its creation: the stub takes that pause
 * over, and a connecting gdb finds it stopped. */
static void test_attach_to_a_vm_paused_before(void **state)
{
	(void)state;
	struct gdb_stop stop;

	GT_OPS->detach(GT_CTX);
	vm_pause_begin(gt_vm);
	gdb_target_attach(gt_vm);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	GT_OPS->attach(GT_CTX);
	assert_int_equal(gt_vm->pause_count, 1);
	GT_OPS->current_stop(GT_CTX, &stop);
	assert_int_equal(stop.reason, GDB_STOP_SIGINT);
	assert_int_equal(stop.thread, 1);
	assert_int_equal(gt_resume(C, C, C), HV_OK);
	assert_false(vm_is_paused(gt_vm));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_resume_every_thread_or_some, setup),
		cmocka_unit_test_setup(
			test_interrupt_is_reported_when_the_pause_completes,
			setup),
		cmocka_unit_test_setup(
			test_only_the_first_of_two_stops_is_reported, setup),
		cmocka_unit_test_setup(test_detach_from_a_stopped_vm, setup),
		cmocka_unit_test_setup(test_detach_while_running, setup),
		cmocka_unit_test_setup(test_attach_to_a_vm_paused_before,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
