// SPDX-License-Identifier: MIT
/*
 * Stopping a VM on the fake arch (hv/vm/vm.c, vm_quiesce in
 * hv/vm/pause.c, sched_kill): when vm_stop returns, no vCPU of the VM
 * runs anywhere but the caller's own (which dies when it leaves); the
 * wait for one still in the guest is bounded; statistics are printed;
 * the machine powers off when the last foreground VM stops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/platform.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL

static struct vm *vm, *other;
static uint64_t v0_runs; /* ticks vCPU 0 of "a" runs before its ecall */

/* vCPU 0 of VM "a" stops its VM from an ecall; everyone else waits in
 * wfi with SSIE on. */
static enum exit_action ecall_stop(struct vcpu *vcpu)
{
	struct vm *own = vcpu->vm;

	vm_stop(own, false, "shutdown by vCPU %u", vcpu->id);
	/* Back in the handler: every other vCPU is stopped. */
	for (unsigned i = 1; i < own->num_vcpus; i++) {
		assert_int_equal(own->vcpus[i].state, VCPU_DEAD);
		assert_false(own->vcpus[i].se.queued);
		assert_true(sched_vcpu_stopped(&own->vcpus[i]));
	}
	assert_int_equal(vcpu->state, VCPU_RUNNING); /* itself: not yet */
	vcpu->arch.sepc += 4;
	return EXIT_RESUME; /* the run loop sees the stop */
}

static void guest(struct vcpu *vcpu)
{
	if (vcpu->vm == vm && vcpu->id == 0 && vcpu->arch.sepc == ENTRY) {
		fake_advance_time(v0_runs);
		fake_exit_ecall(vcpu, 0x53525354, 0, NULL, 0);
		return;
	}
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

/* VM "a": vCPU i on hart i (3 harts); VM "b": one vCPU on hart 1. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(3, SLICE);
	vm = fake_vm_create("a", 3, 0);
	other = fake_vm_create("b", 1, 0x2);
	fake_vcpu_place(&other->vcpus[0], 1);
	fake_guest = guest;
	fake_ecall_handler = ecall_stop;
	v0_runs = 0;
	return 0;
}

/* The vCPU that stops its VM is still running when the statistics are
 * printed: its run time counts up to the stop (it printed "run 0 ms"). */
static void test_stopping_vcpu_reports_its_run_time(void **state)
{
	(void)state;
	v0_runs = FAKE_TIMEBASE_HZ / 50; /* 20 ms */
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), &vm->vcpus[0]);
	assert_false(vm_is_running(vm));
	assert_non_null(
		strstr(fake_printed, "VM \"a\" vCPU 0 (hart 0): run 20 ms, "));
}

static void test_stop_quiesces_the_vm_only(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0], *v1 = &vm->vcpus[1];
	struct vcpu *v2 = &vm->vcpus[2], *w = &other->vcpus[0];

	fake_vcpu_start(vm, 2, ENTRY);
	assert_ptr_equal(fake_step(2), v2); /* blocked, loaded on hart 2 */
	fake_vcpu_start(vm, 1, ENTRY);	    /* queued on hart 1 */
	fake_vcpu_start(other, 0, ENTRY);   /* queued behind it */
	fake_vcpu_start(vm, 0, ENTRY);
	assert_int_equal(cpus[1].rq.nr_queued, 2);

	assert_ptr_equal(fake_step(0), v0);
	assert_false(vm_is_running(vm));
	assert_false(vm->failed);
	assert_int_equal(v0->state, VCPU_DEAD);
	assert_int_equal(v0->stats.exits[EXC_ECALL_VS], 1);
	assert_int_equal(fake_harts[0].entries, 1); /* not entered again */
	assert_int_equal(cpus[1].rq.nr_queued, 1);
	assert_int_equal(fake_shutdowns, 0);
	assert_non_null(strstr(fake_printed, "hartvisor: VM \"a\" stopped: "
					     "shutdown by vCPU 0\n"));
	assert_non_null(strstr(fake_printed, "VM \"a\" vCPU 0 (hart 0): run "));
	assert_non_null(strstr(fake_printed, "VM \"a\" vCPU 2 (hart 2): run "));
	assert_non_null(strstr(fake_printed, "exits: sbi 1,"));
	assert_null(strstr(fake_printed, "did not leave"));
	/* The other VM runs on; the dead vCPUs never again. */
	assert_ptr_equal(fake_step(1), w);
	vcpu_post_ipi(v1);
	vcpu_post_ipi(v2);
	assert_null(fake_step(2));
	assert_int_equal(v1->state, VCPU_DEAD);
	/* Stopping it again changes nothing. */
	size_t printed = strlen(fake_printed);

	vm_stop(vm, true, "again");
	assert_int_equal(strlen(fake_printed), printed);
	assert_false(vm->failed);
}

/* From vCPU 1's guest on hart 1: hart 0 stops the VM while hart 1 does
 * not serve its messages (it is "in the guest"). Returns the IPIs hart 1
 * got meanwhile. */
static unsigned stop_from_hart0_while_hart1_stalls(void)
{
	unsigned ipis = fake_harts[1].ipis_received;

	fake_harts[1].stalled = true;
	fake_set_hart(0);
	vm_stop(vm, true, "stopped by the test");
	fake_set_hart(1);
	fake_harts[1].stalled = false;
	return fake_harts[1].ipis_received - ipis;
}

/* vCPU 1 is in the guest on hart 1 when hart 0 stops the VM, and its
 * hart does not exit in time: vm_stop waits (bounded), says so, and
 * the vCPU dies when it does leave. */
static void guest_stopped_from_outside(struct vcpu *vcpu)
{
	if (vcpu != &vm->vcpus[1] || vcpu->arch.sepc != ENTRY) {
		guest(vcpu);
		return;
	}
	unsigned ipis = stop_from_hart0_while_hart1_stalls();

	/* The kick, and a few more while it waits (after 1, 2, 4, ... ms of
	 * the 1 s wait): no IPI storm at a hart that does not exit. */
	assert_in_range(ipis, 1, 12);
	vcpu->arch.sepc += 4;
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
}

static void test_stop_waits_bounded_for_a_vcpu_in_the_guest(void **state)
{
	(void)state;
	platform.timebase_frequency = 10000; /* a 10000-tick timeout */
	fake_guest = guest_stopped_from_outside;
	fake_vcpu_start(vm, 1, ENTRY);
	uint64_t t0 = fake_time;

	assert_ptr_equal(fake_step(1), &vm->vcpus[1]);
	assert_true(fake_time - t0 >= 10000);
	assert_non_null(strstr(fake_printed, "VM \"a\": a vCPU did not leave "
					     "the guest in time"));
	assert_true(vm->failed);
	assert_int_equal(vm->vcpus[1].state, VCPU_DEAD);
	assert_null(cpus[1].current);
	assert_int_equal(fake_harts[1].entries, 1);
}

/* The race of hv/vcpu/run.c: vCPU 1's hart read the VM's status just
 * before the stop, the stop's kick found it not yet in the guest (so no
 * IPI), and then it entered. vm_quiesce kicks again while it waits, and
 * that kick sends the IPI. */
static bool entered_after_kick;

static void enter_at_first_relax(enum fake_probe point)
{
	if (point == FAKE_PROBE_RELAX && !entered_after_kick) {
		entered_after_kick = true;
		__atomic_store_n(&vm->vcpus[1].in_guest, true,
				 __ATOMIC_SEQ_CST);
	}
}

static void guest_entering_after_the_kick(struct vcpu *vcpu)
{
	if (vcpu != &vm->vcpus[1] || vcpu->arch.sepc != ENTRY) {
		guest(vcpu);
		return;
	}
	vcpu->in_guest = false; /* as the stop's first kick finds it */
	entered_after_kick = false;
	fake_probe = enter_at_first_relax;
	unsigned ipis = stop_from_hart0_while_hart1_stalls();

	fake_probe = NULL;
	assert_true(entered_after_kick);
	assert_true(ipis > 0); /* kicked again */
	vcpu->arch.sepc += 4;
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
}

static void test_stop_kicks_again_a_vcpu_that_entered_late(void **state)
{
	(void)state;
	platform.timebase_frequency = 10000; /* 1 ms = 10 ticks */
	fake_guest = guest_entering_after_the_kick;
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(fake_step(1), &vm->vcpus[1]);
	assert_int_equal(vm->vcpus[1].state, VCPU_DEAD);
}

/* When the last foreground VM stops, the machine powers off; background
 * VMs do not keep it on. */
static void test_last_foreground_vm_powers_off(void **state)
{
	(void)state;
	jmp_buf jump;

	((struct vm_config *)other->config)->background = true;
	fake_vcpu_start(other, 0, ENTRY);
	fake_shutdown_jump = &jump;
	if (!setjmp(jump)) {
		vm_stop(vm, true, "failed");
		fail_msg("did not power off");
	}
	assert_int_equal(fake_shutdowns, 1);
	assert_true(fake_shutdown_failed);
	assert_non_null(strstr(fake_printed, "all VMs have stopped (some "
					     "failed); powering off"));
	assert_true(vm_is_running(other));
	assert_int_equal(other->vcpus[0].state, VCPU_RUNNABLE);
}

static void test_clean_power_off_after_both_stop(void **state)
{
	(void)state;
	jmp_buf jump;

	vm_stop(other, false, "done");
	assert_int_equal(fake_shutdowns, 0); /* "a" still runs */
	fake_shutdown_jump = &jump;
	if (!setjmp(jump)) {
		vm_stop(vm, false, "done");
		fail_msg("did not power off");
	}
	assert_int_equal(fake_shutdowns, 1);
	assert_false(fake_shutdown_failed);
	assert_non_null(
		strstr(fake_printed, "all VMs have stopped; powering off"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_stop_quiesces_the_vm_only, setup),
		cmocka_unit_test_setup(test_stopping_vcpu_reports_its_run_time,
				       setup),
		cmocka_unit_test_setup(
			test_stop_kicks_again_a_vcpu_that_entered_late, setup),
		cmocka_unit_test_setup(
			test_stop_waits_bounded_for_a_vcpu_in_the_guest, setup),
		cmocka_unit_test_setup(test_last_foreground_vm_powers_off,
				       setup),
		cmocka_unit_test_setup(test_clean_power_off_after_both_stop,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
