// SPDX-License-Identifier: MIT
/*
 * A vCPU that blocks while still loaded must not leave a VS interrupt in
 * the hart's hvip: the idle hart's wfi would return at once (a pending
 * VS interrupt wakes it) and the hart would spin instead of sleeping.
 * Nor may a vCPU that stopped (HSM hart_stop, its VM stopped) leave its
 * Sstc timer live: a passed stimecmp with STIE on keeps VSTIP pending.
 * The fake arch models hvip, the live Sstc timer and that wakeup
 * (hv/arch/fake).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL

static struct vm *vm;

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	vm = fake_vm_create("a", 1, 0);
	return 0;
}

/* Entered with its external interrupt shown; the device lowers the line
 * (served from another hart) and the guest idles with only SEIE on. */
static void guest_idles_after_device_lowers_line(struct vcpu *vcpu)
{
	assert_true(vcpu->arch.virq_injected & VIRQ_EXTERNAL);
	vcpu_set_ext_irq(vcpu, false);
	fake_guest_write_sie(vcpu, VIRQ_EXTERNAL);
	fake_exit_wfi(vcpu);
}

static void test_blocked_vcpu_leaves_hvip_clear(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0];

	fake_guest = guest_idles_after_device_lowers_line;
	fake_vcpu_start(vm, 0, ENTRY);
	vcpu_set_ext_irq(v0, true);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_ptr_equal(cpus[0].loaded, v0); /* nothing else ran here */
	assert_int_equal(fake_harts[0].hvip, 0);
	/* Idle: the hart sleeps in wfi, it does not bounce out of it. */
	assert_null(fake_step(0));
	assert_null(fake_step(0));
	assert_int_equal(fake_harts[0].spurious_wakeups, 0);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	/* The device raises its line again: the vCPU wakes and is shown
	 * the interrupt at its next entry. */
	fake_guest = NULL;
	vcpu_set_ext_irq(v0, true);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
}

/* The guest enables its timer, sets stimecmp in the past (due at once)
 * and then stops its hart, or has its VM stopped. */
static bool stop_whole_vm;

static enum exit_action stop_on_ecall(struct vcpu *vcpu)
{
	if (stop_whole_vm) {
		vm_stop(vcpu->vm, true, "test: the guest's VM stops");
		return EXIT_RESCHEDULE;
	}
	sched_stop_current(vcpu); /* what HSM hart_stop does */
	return EXIT_RESCHEDULE;
}

static void guest_arms_past_timer_then_stops(struct vcpu *vcpu)
{
	fake_guest_write_sie(vcpu, VIRQ_TIMER);
	fake_guest_write_stimecmp(vcpu, 1);
	fake_exit_ecall(vcpu, 0x48534D, 1, NULL, 0);
}

static void check_stopped_vcpu_leaves_no_timer(enum vcpu_state state)
{
	struct vcpu *v0 = &vm->vcpus[0];

	v0->arch.sstc = true;
	fake_guest = guest_arms_past_timer_then_stops;
	fake_ecall_handler = stop_on_ecall;
	fake_time = 1000;
	fake_vcpu_start(vm, 0, ENTRY);
	fake_step(0);
	assert_int_equal(v0->state, state);
	/* Idle with nothing to run: the hart sleeps; its wfi does not
	 * return at once for the stopped vCPU's timer. */
	assert_null(fake_step(0));
	assert_null(fake_step(0));
	assert_int_equal(fake_harts[0].spurious_wakeups, 0);
	/* The guest's stimecmp is kept: it is the vCPU's state. */
	assert_int_equal(v0->arch.vstimecmp, 1);
}

static void test_stopped_hart_leaves_no_timer_live(void **state)
{
	(void)state;
	stop_whole_vm = false;
	check_stopped_vcpu_leaves_no_timer(VCPU_OFFLINE);
}

static void test_stopped_vm_leaves_no_timer_live(void **state)
{
	(void)state;
	stop_whole_vm = true;
	/* Another VM keeps the hypervisor up (the last one to stop powers
	 * the machine off). */
	assert_non_null(fake_vm_create("b", 1, 0));
	check_stopped_vcpu_leaves_no_timer(VCPU_DEAD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_blocked_vcpu_leaves_hvip_clear,
				       setup),
		cmocka_unit_test_setup(test_stopped_hart_leaves_no_timer_live,
				       setup),
		cmocka_unit_test_setup(test_stopped_vm_leaves_no_timer_live,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
