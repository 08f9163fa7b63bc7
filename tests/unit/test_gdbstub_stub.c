// SPDX-License-Identifier: MIT
/*
 * The stub at boot and on input (gdbstub/stub.c): bytes are handed to
 * the session at once on a hart that runs no vCPU of the debugged VM,
 * and after that vCPU left the hart (sched_defer) on one that does; a
 * packet from a detached state attaches, Ctrl-C while running
 * interrupts, either set in motion before the bytes wait. At boot the
 * stub debugs the VM marked gdb, else the first, and lets the VMs that
 * wait for gdb go when it is not theirs or there is no transport.
 */
#include "gdbstub/transport.h"
#include "test_gdbstub_fixture.h"

#define PACKET "$?#3f"

static struct vm *other;

static int setup(void **state)
{
	gt_setup(state);
	other = fake_vm_create("other", 1, 0);
	gdb_target_attach(gt_vm); /* as gdb_stub_init does */
	return 0;
}

static void receive(const char *bytes)
{
	gdb_stub_receive(gdb_transport_session(), bytes, strlen(bytes));
}

static void assert_received(const char *bytes)
{
	assert_int_equal(gt_received_len, strlen(bytes));
	assert_memory_equal(gt_received, bytes, gt_received_len);
}

static void test_input_off_the_vm_is_processed_at_once(void **state)
{
	(void)state;
	receive("+"); /* a stray byte does not attach */
	assert_received("+");
	assert_int_equal(gdb_target.state, GDB_DETACHED);
	assert_false(vm_is_paused(gt_vm));
	assert_int_equal(gt_receive_wait, HV_ESTATE);

	receive(PACKET);
	assert_received("+" PACKET);
	assert_int_equal(gt_receive_calls, 2);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_int_equal(gt_receive_wait, HV_OK); /* it could wait */
	assert_false(gt_received_on_vcpu);
	assert_int_equal(cpus[0].nr_deferred, 0);
	assert_int_equal(gt_stops, 0);

	assert_int_equal(gt_resume(GDB_RESUME_CONTINUE, GDB_RESUME_CONTINUE,
				   GDB_RESUME_CONTINUE),
			 HV_OK);
	receive(PACKET); /* running: only Ctrl-C stops */
	assert_int_equal(gdb_target.state, GDB_RUNNING);
	receive("\x03");
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_SIGINT);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_int_equal(gt_receive_calls, 4);
}

/* Input arrives while hart 0 runs v0 (an exit of the debugged VM). */
static const char *input;
static bool defer_taken, other_deferred;

static unsigned other_runs;

static void other_work(void *arg)
{
	(void)arg;
	other_runs++;
}

static void guest_gets_input(struct vcpu *vcpu)
{
	unsigned calls = gt_receive_calls;
	uint64_t value;

	if (defer_taken) /* every slot taken (it cannot happen today) */
		while (this_cpu()->nr_deferred < CPU_DEFERRED_MAX)
			this_cpu()->deferred[this_cpu()->nr_deferred++] =
				(struct deferred_work){other_work, NULL};
	if (other_deferred) /* a reboot's next step, say */
		assert_int_equal(sched_defer(other_work, NULL), HV_OK);
	receive(input);
	receive("+");
	input = NULL;
	assert_int_equal(gt_receive_calls, calls);
	assert_int_equal(GT_OPS->read_reg(GT_CTX, 1, 0, &value), HV_ESTATE);
	gt_guest(vcpu); /* it goes on to its next exit */
}

static void run_v0_with_input(const char *bytes)
{
	input = bytes;
	fake_guest = guest_gets_input;
	/* A stale park request may send v0 back once before it enters. */
	for (unsigned turn = 0; turn < 2 && input; turn++)
		gt_run(0, gt_v0);
	assert_null(input);
	fake_guest = gt_guest;
}

static void test_input_on_the_vm_waits_until_its_vcpu_left(void **state)
{
	(void)state;
	run_v0_with_input(PACKET);
	assert_received(PACKET "+");
	assert_int_equal(gt_receive_calls, 1); /* in one go */
	assert_false(gt_received_on_vcpu);
	assert_int_equal(gt_receive_wait, HV_OK);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_true(gt_v0->parked);
	assert_int_equal(gt_stops, 0);

	/* Ctrl-C from inside v0, running: the bytes are processed once v0
	 * left, the stop is reported once v1 is parked too. */
	assert_int_equal(gt_resume(GDB_RESUME_CONTINUE, GDB_RESUME_CONTINUE,
				   GDB_RESUME_CONTINUE),
			 HV_OK);
	gt_run_guest(1, gt_v1);
	gt_received_len = 0;
	gt_receive_calls = 0;
	run_v0_with_input("\x03");
	assert_received("\x03+");
	assert_int_equal(gt_stops, 0); /* hart 1 still holds v1 */
	fake_serve_hart(1);
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_SIGINT);
	assert_int_equal(gt_stop_hart, 1);
}

/* Another VM's vCPU on the hart does not hold the input back. */
static void other_gets_input(struct vcpu *vcpu)
{
	if (vcpu->vm != other) {
		gt_guest(vcpu);
		return;
	}
	receive(PACKET);
	assert_int_equal(gt_receive_calls, 1);
	vcpu->arch.scause = EXC_ECALL_VS; /* a yield */
}

static void test_input_on_another_vm_is_processed_at_once(void **state)
{
	(void)state;
	fake_vcpu_start(other, 0, GT_IDLE);
	fake_guest = other_gets_input;
	gt_run(0, gt_v0); /* queued first */
	gt_run(0, &other->vcpus[0]);
	assert_received(PACKET);
	assert_true(gt_received_on_vcpu);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
}

/* The deferred buffer keeps 1024 bytes; other deferred work does not
 * hold the input up; and if the hart's deferred slots are all taken, the
 * bytes wait, in order, for the next input. */
static void test_deferred_input_limits(void **state)
{
	(void)state;
	static char big[1500];

	memset(big, 'a', sizeof(big) - 1);
	run_v0_with_input(big);
	assert_int_equal(gt_received_len, 1024);
	assert_int_equal(gdb_target.state, GDB_DETACHED);

	gt_received_len = 0;
	defer_taken = true;
	run_v0_with_input(PACKET);
	defer_taken = false;
	assert_int_equal(gt_received_len, 0);
	assert_non_null(
		strstr(fake_printed, "gdb: cannot defer input processing"));
	receive("-"); /* off the VM, but behind the bytes kept */
	assert_int_equal(gt_received_len, 0);
	assert_int_equal(cpus[0].nr_deferred, 1);
	assert_ptr_not_equal(cpus[0].deferred[0].fn, other_work);
	assert_null(fake_step(1)); /* parked: the VM is stopped */
	fake_step(0);
	assert_received(PACKET "+-");

	/* The deferred pass finds the transport lock taken: the bytes wait
	 * for the next pass. */
	gt_received_len = 0;
	assert_int_equal(gt_resume(GDB_RESUME_CONTINUE, GDB_RESUME_CONTINUE,
				   GDB_RESUME_CONTINUE),
			 HV_OK);
	gt_transport_busy = true;
	run_v0_with_input("+");
	assert_int_equal(gt_received_len, 0);
	gt_transport_busy = false;
	receive("-");
	assert_int_equal(gt_received_len, 0);
	gt_run(0, gt_v0);
	assert_received("++-");

	/* Other work deferred on the hart (a reboot stepping through its
	 * RAM) does not keep the input waiting: both run once v0 left. */
	gt_received_len = 0;
	other_runs = 0;
	other_deferred = true;
	run_v0_with_input("-");
	other_deferred = false;
	assert_received("-+");
	assert_int_equal(other_runs, 1);
	assert_int_equal(cpus[0].nr_deferred, 0);
}

static struct vm_config *config(struct vm *vm)
{
	return (struct vm_config *)vm->config;
}

static void test_init_picks_the_vm_marked_gdb(void **state)
{
	(void)state;
	struct vm *waiter = fake_vm_create("waiter", 1, 0);

	config(other)->gdb = true;
	config(other)->gdb_wait = true;
	config(waiter)->gdb_wait = true;
	vm_pause_begin(other); /* as creation does for gdb-wait */
	vm_pause_begin(waiter);
	gdb_stub_init();
	assert_ptr_equal(gdb_target.vm, other);
	assert_ptr_equal(gt_attached_ops, &gdb_target.ops);
	assert_ptr_equal(gt_attached_target, &gdb_target);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_true(vm_is_paused(other));
	assert_false(vm_is_paused(waiter));
	assert_non_null(strstr(fake_printed,
			       "gdb: VM \"waiter\" waits for gdb, which debugs "
			       "\"other\"; starting it\n"));
	assert_non_null(strstr(fake_printed, "gdb: debugging VM \"other\", "
					     "which waits for gdb\n"));
}

static void test_init_without_a_mark_or_a_transport(void **state)
{
	(void)state;
	gdb_target.vm = NULL;
	gdb_stub_init();
	assert_ptr_equal(gdb_target.vm, gt_vm);
	assert_int_equal(gdb_target.state, GDB_DETACHED);
	assert_non_null(strstr(fake_printed, "gdb: debugging VM \"dbg\"\n"));

	gdb_target.vm = NULL;
	gt_attached_ops = NULL;
	gt_transport_present = false;
	config(other)->gdb_wait = true;
	vm_pause_begin(other);
	gdb_stub_init();
	assert_null(gdb_target.vm);
	assert_null(gt_attached_ops);
	assert_false(vm_is_paused(other));
	assert_non_null(strstr(fake_printed,
			       "gdb: VM \"other\" waits for gdb, but there is "
			       "no stub; starting it\n"));

	fake_machine_reset(1, GT_SLICE); /* no VM at all */
	gdb_stub_init();
	assert_null(gdb_target.vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_input_off_the_vm_is_processed_at_once, setup),
		cmocka_unit_test_setup(
			test_input_on_the_vm_waits_until_its_vcpu_left, setup),
		cmocka_unit_test_setup(
			test_input_on_another_vm_is_processed_at_once, setup),
		cmocka_unit_test_setup(test_deferred_input_limits, setup),
		cmocka_unit_test_setup(test_init_picks_the_vm_marked_gdb,
				       setup),
		cmocka_unit_test_setup(test_init_without_a_mark_or_a_transport,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
