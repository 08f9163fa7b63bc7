// SPDX-License-Identifier: MIT
/*
 * SBI System Reset (hv/sbi/ext/srst.c, hv/vm/reboot.c) on the fake arch:
 * "the system" is the calling VM. Shutdown stops that VM only (with the
 * reason reported), and the machine powers off when the last foreground
 * VM has stopped. Both reboots restart that VM only from its images,
 * with zeroed RAM and vCPU 0 at the entry, once no vCPU of the old
 * instance runs anywhere. Neither call returns. Types and reasons are
 * the SBI v2.0 spec's; unimplemented ones are INVALID_PARAM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "sbi_guest.h"

#define SLICE 1000
#define PC 0x80000000UL

#define SHUTDOWN 0UL
#define COLD_REBOOT 1UL
#define WARM_REBOOT 2UL
#define NO_REASON 0UL
#define SYSTEM_FAILURE 1UL

static struct vm *a, *b;
static struct vcpu *a0, *b0;
static jmp_buf power_off;

/* VM "a" (vCPU 0 on hart 0, vCPU 1 on hart 1) and VM "b" (one vCPU, on
 * hart 0), on two harts; every vCPU started. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	guest_reset();
	a = fake_vm_create("a", 2, 0);
	b = fake_vm_create("b", 1, 0);
	a0 = &a->vcpus[0];
	b0 = &b->vcpus[0];
	fake_vcpu_start(a, 0, PC);
	fake_vcpu_start(a, 1, PC);
	fake_vcpu_start(b, 0, PC);
	guest_run_hart(0);
	return 0;
}

static void set_background(struct vm *vm)
{
	((struct vm_config *)vm->config)->background = true;
}

/* The reset call; true if it returned to the guest. */
static bool reset(struct vcpu *vcpu, unsigned long type, unsigned long reason)
{
	return guest_call(vcpu, SBI_EXT_SRST, 0, type, reason).returned;
}

static void test_shutdown_stops_that_vm_only(void **state)
{
	(void)state;
	unsigned entries = guest_entries(a0);

	assert_false(reset(a0, SHUTDOWN, NO_REASON));
	assert_int_equal(guest_entries(a0), entries + 1); /* no return */
	assert_false(vm_is_running(a));
	assert_false(a->failed);
	assert_int_equal(a0->state, VCPU_DEAD);
	assert_int_equal(a->vcpus[1].state, VCPU_DEAD); /* never ran */
	assert_non_null(strstr(fake_printed,
			       "VM \"a\" stopped: shutdown (reason: none)\n"));
	assert_int_equal(fake_shutdowns, 0);

	/* The other VM goes on: it runs and its calls return. */
	assert_true(vm_is_running(b));
	struct guest_sbiret ret = guest_call(b0, SBI_EXT_BASE, 0, 0);

	assert_true(ret.returned);
	assert_int_equal(ret.error, SBI_SUCCESS);
	/* A dead vCPU never runs again, even if woken. */
	guest_wake(a0);
	guest_run_hart(0);
	assert_int_equal(guest_entries(a0), entries + 1);
}

/* The last foreground VM to stop powers the machine off, reporting a
 * failure if any VM failed. */
static void test_last_vm_powers_off(void **state)
{
	(void)state;
	assert_false(reset(a0, SHUTDOWN, NO_REASON));
	assert_int_equal(fake_shutdowns, 0);
	if (setjmp(power_off) == 0) {
		fake_shutdown_jump = &power_off;
		reset(b0, SHUTDOWN, SYSTEM_FAILURE);
		fail_msg("the machine did not power off");
	}
	assert_int_equal(fake_shutdowns, 1);
	assert_true(fake_shutdown_failed);
	assert_true(b->failed);
	assert_false(a->failed);
	assert_false(vm_is_running(b));
	assert_non_null(strstr(fake_printed, "VM \"b\" stopped: shutdown "
					     "(reason: system failure)"));
	assert_non_null(strstr(fake_printed, "powering off"));
}

/* A background VM does not keep the machine on, and its own stop does
 * not power it off. */
static void test_background_vms(void **state)
{
	(void)state;
	set_background(b);
	assert_false(reset(b0, SHUTDOWN, NO_REASON));
	assert_int_equal(fake_shutdowns, 0);
	assert_true(vm_is_running(a));

	setup(NULL);
	set_background(b);
	if (setjmp(power_off) == 0) {
		fake_shutdown_jump = &power_off;
		reset(a0, SHUTDOWN, NO_REASON);
		fail_msg("the machine did not power off");
	}
	assert_int_equal(fake_shutdowns, 1);
	assert_false(fake_shutdown_failed);
	assert_true(vm_is_running(b));
}

static void test_reserved_and_unimplemented_types_and_reasons(void **state)
{
	(void)state;
	static const unsigned long bad[][2] = {
		{3, NO_REASON}, /* reserved types */
		{0xefffffffUL, NO_REASON},
		{0xf0000000UL, NO_REASON}, /* vendor types: none */
		{0xffffffffUL, NO_REASON},
		{(1UL << 32) | 3, NO_REASON}, /* bits 31..0 count */
		{0xffffffff80000000UL, NO_REASON},
		{SHUTDOWN, 2}, /* reserved reasons */
		{SHUTDOWN, 0xdfffffffUL},
		{SHUTDOWN, 0xe0000000UL},    /* SBI-specific: none */
		{COLD_REBOOT, 0xf0000000UL}, /* vendor-specific: none */
		{WARM_REBOOT, (1UL << 32) | 2},
	};
	struct guest_sbiret ret;

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = guest_call(a0, SBI_EXT_SRST, 0, bad[i][0], bad[i][1]);
		assert_true(ret.returned);
		assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
		assert_true(vm_is_running(a));
	}
	ret = guest_call(a0, SBI_EXT_SRST, 1, SHUTDOWN, NO_REASON);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_true(vm_is_running(a));
	assert_null(strstr(fake_printed, "stopped"));
}

/* reset_type and reset_reason are uint32_t: bits 63..32 of a0 and a1
 * are not part of the call, so garbage there must not make a valid
 * shutdown INVALID_PARAM. */
static void test_type_and_reason_are_32_bits(void **state)
{
	(void)state;
	assert_false(reset(a0, 0xdeadbeef00000000UL | SHUTDOWN,
			   0xffffffff00000000UL | SYSTEM_FAILURE));
	assert_false(vm_is_running(a));
	assert_true(a->failed);
	assert_non_null(
		strstr(fake_printed, "shutdown (reason: system failure)"));
	assert_true(vm_is_running(b));
}

/* A sibling vCPU in the guest on another hart leaves it before the
 * stop completes: when the call is done, none of the VM runs. */
static void test_stop_waits_for_a_running_sibling(void **state)
{
	(void)state;
	struct vcpu *a1 = &a->vcpus[1];

	guest_run_in_other_hart(a1, 1, 2);
	assert_true(a1->in_guest);
	unsigned entries = guest_entries(a1);

	assert_false(reset(a0, SHUTDOWN, SYSTEM_FAILURE));
	assert_false(a1->in_guest);
	assert_int_equal(a1->state, VCPU_DEAD);
	assert_null(cpus[1].current);
	assert_int_equal(guest_entries(a1), entries); /* never re-entered */
	assert_true(a->failed);
	assert_null(strstr(fake_printed, "did not leave the guest"));
	assert_non_null(
		strstr(fake_printed, "shutdown (reason: system failure)"));
	assert_true(vm_is_running(b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_shutdown_stops_that_vm_only, setup),
		cmocka_unit_test_setup(test_last_vm_powers_off, setup),
		cmocka_unit_test_setup(test_background_vms, setup),
		cmocka_unit_test_setup(
			test_reserved_and_unimplemented_types_and_reasons,
			setup),
		cmocka_unit_test_setup(test_type_and_reason_are_32_bits, setup),
		cmocka_unit_test_setup(test_stop_waits_for_a_running_sibling,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
