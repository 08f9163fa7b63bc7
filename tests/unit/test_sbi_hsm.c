// SPDX-License-Identifier: MIT
/*
 * SBI Hart State Management (hv/sbi/ext/hsm.c) on the fake arch, the
 * whole state machine as the guest sees it: start (STOPPED ->
 * START_PENDING -> STARTED), stop, get_status in every state, retentive
 * and non-retentive suspend and their wakeups, and the argument checks.
 * Hart states, suspend types and error codes are the SBI v2.0 spec's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "sbi_guest.h"

#define SLICE 1000
#define RAM_SIZE (2UL << 20)
#define RAM_BASE GUEST_RAM_BASE
#define RAM_END (RAM_BASE + RAM_SIZE)

enum {
	HART_START,
	HART_STOP,
	HART_GET_STATUS,
	HART_SUSPEND
};
enum {
	STARTED = 0,
	STOPPED = 1,
	START_PENDING = 2,
	SUSPENDED = 4
};
#define RETENTIVE 0x00000000UL
#define NON_RETENTIVE 0x80000000UL

static struct vm *vm;
static struct vcpu *v0, *v1;

/* One VM of three vCPUs on three harts (vCPU i on hart i), with RAM;
 * vCPU 0 started, the others stopped. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(3, SLICE);
	guest_reset();
	vm = fake_vm_create("a", 3, 0);
	fake_vm_add_ram(vm, RAM_SIZE);
	v0 = &vm->vcpus[0];
	v1 = &vm->vcpus[1];
	fake_vcpu_start(vm, 0, RAM_BASE);
	guest_run_hart(0);
	return 0;
}

static long status_of(unsigned long hartid)
{
	struct guest_sbiret ret =
		guest_call(v0, SBI_EXT_HSM, HART_GET_STATUS, hartid);

	assert_true(ret.returned);
	return ret.error ? ret.error : (long)ret.value;
}

static long start(unsigned long hartid, unsigned long addr,
		  unsigned long opaque)
{
	struct guest_sbiret ret =
		guest_call(v0, SBI_EXT_HSM, HART_START, hartid, addr, opaque);

	assert_true(ret.returned);
	assert_int_equal(ret.value, 0);
	return ret.error;
}

static void test_start(void **state)
{
	(void)state;
	unsigned ipis = fake_harts[1].ipis_received;

	assert_int_equal(status_of(0), STARTED);
	assert_int_equal(status_of(1), STOPPED);
	assert_int_equal(start(1, RAM_BASE + 0x1000, 0xabcd), SBI_SUCCESS);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[1].ipis_received, ipis + 1); /* kicked */
	assert_int_equal(status_of(1), START_PENDING);
	/* A start-pending hart is already available. */
	assert_int_equal(start(1, RAM_BASE, 0), SBI_ERR_ALREADY_AVAILABLE);

	/* It boots at the address with a0 = hartid, a1 = opaque. */
	guest_run_hart(1);
	assert_int_equal(guest_entries(v1), 1);
	assert_int_equal(guest_entry(v1, 0)->pc, RAM_BASE + 0x1000);
	assert_int_equal(guest_entry(v1, 0)->a0, 1);
	assert_int_equal(guest_entry(v1, 0)->a1, 0xabcd);
	assert_int_equal(guest_entry(v1, 0)->hart, 1);
	/* Waiting in wfi is still STARTED. */
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(status_of(1), STARTED);
	assert_int_equal(start(1, RAM_BASE, 0), SBI_ERR_ALREADY_AVAILABLE);
	assert_int_equal(start(0, RAM_BASE, 0), SBI_ERR_ALREADY_AVAILABLE);
	assert_int_equal(guest_entries(v1), 1); /* not restarted */
}

static void test_start_checks_hartid_and_address(void **state)
{
	(void)state;
	static const unsigned long bad_addresses[] = {
		0,
		RAM_BASE - 2,
		RAM_BASE - 1, /* the instruction would straddle RAM's start */
		RAM_END - 1,  /* ... or its end */
		RAM_END,
		GUEST_UART_BASE, /* a device window is no code */
		GUEST_PLIC_BASE,
		~0UL,
	};

	assert_int_equal(start(3, RAM_BASE, 0), SBI_ERR_INVALID_PARAM);
	assert_int_equal(start(~0UL, RAM_BASE, 0), SBI_ERR_INVALID_PARAM);
	assert_int_equal(status_of(3), SBI_ERR_INVALID_PARAM);
	assert_int_equal(status_of(1UL << 32), SBI_ERR_INVALID_PARAM);
	for (unsigned i = 0; i < ARRAY_SIZE(bad_addresses); i++) {
		assert_int_equal(start(1, bad_addresses[i], 0),
				 SBI_ERR_INVALID_ADDRESS);
		assert_int_equal(v1->state, VCPU_OFFLINE);
	}
	/* The last two bytes of RAM hold a compressed instruction. */
	assert_int_equal(start(2, RAM_END - 2, 7), SBI_SUCCESS);
	guest_run_hart(2);
	assert_int_equal(guest_entry(&vm->vcpus[2], 0)->pc, RAM_END - 2);
	assert_int_equal(guest_entry(&vm->vcpus[2], 0)->a1, 7);
	/* Unknown functions. */
	struct guest_sbiret ret = guest_call(v0, SBI_EXT_HSM, 4, 1);

	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
}

/* hart_stop never returns; the hart is STOPPED and can start again, as
 * a fresh boot. */
static void test_stop_and_restart(void **state)
{
	(void)state;
	assert_int_equal(start(1, RAM_BASE + 0x100, 1), SBI_SUCCESS);
	guest_ecall(v1, SBI_EXT_HSM, HART_STOP, 0);
	guest_run_hart(1);
	assert_int_equal(guest_entries(v1), 1); /* the stop: no return */
	assert_int_equal(v1->state, VCPU_OFFLINE);
	assert_int_equal(status_of(1), STOPPED);

	assert_int_equal(start(1, RAM_BASE + 0x200, 2), SBI_SUCCESS);
	assert_int_equal(status_of(1), START_PENDING);
	guest_run_hart(1);
	assert_int_equal(guest_entries(v1), 2);
	assert_int_equal(guest_last(v1)->pc, RAM_BASE + 0x200);
	assert_int_equal(guest_last(v1)->a0, 1);
	assert_int_equal(guest_last(v1)->a1, 2);
	assert_int_equal(status_of(1), STARTED);
}

/* Retentive suspend: SUSPENDED until an enabled interrupt is pending,
 * then the call returns SUCCESS right after the ecall. */
static void test_retentive_suspend(void **state)
{
	(void)state;
	assert_int_equal(start(1, RAM_BASE, 0), SBI_SUCCESS);
	guest_write_sie(v1, VIRQ_SOFT);
	guest_ecall(v1, SBI_EXT_HSM, HART_SUSPEND, RETENTIVE, 0, 0);
	guest_run_hart(1);
	assert_int_equal(guest_entries(v1), 1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(status_of(1), SUSPENDED);

	/* vCPU 0 sends it an IPI: it wakes and returns 0. */
	struct guest_sbiret ret = guest_call(v0, SBI_EXT_IPI, 0, 1UL << 1, 0);

	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	guest_run_hart(1);
	const struct guest_entry *resumed = guest_entry(v1, 1);

	assert_int_equal(resumed->pc, RAM_BASE + 4);
	assert_int_equal(resumed->a0, SBI_SUCCESS);
	assert_true(resumed->virq & VIRQ_SOFT);
	assert_int_equal(status_of(1), STARTED); /* waits in wfi now */
}

/* Non-retentive suspend: the hart resumes at resume_addr with a0 =
 * hartid and a1 = opaque; the call itself never returns. */
static void test_non_retentive_suspend(void **state)
{
	(void)state;
	assert_int_equal(start(1, RAM_BASE, 0), SBI_SUCCESS);
	guest_write_sie(v1, VIRQ_SOFT);
	guest_ecall(v1, SBI_EXT_HSM, HART_SUSPEND, NON_RETENTIVE,
		    RAM_BASE + 0x3000, 0x5a5a);
	guest_run_hart(1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(status_of(1), SUSPENDED);

	guest_call(v0, SBI_EXT_IPI, 0, 1UL << 1, 0);
	guest_run_hart(1);
	assert_int_equal(guest_entries(v1), 2);
	assert_int_equal(guest_last(v1)->pc, RAM_BASE + 0x3000);
	assert_int_equal(guest_last(v1)->a0, 1);
	assert_int_equal(guest_last(v1)->a1, 0x5a5a);
	assert_int_equal(status_of(1), STARTED);
}

/* An enabled interrupt already pending: a retentive suspend returns 0 at
 * once, a non-retentive one resumes at once (and never returns). */
static void test_suspend_woken_at_once(void **state)
{
	(void)state;
	assert_int_equal(start(1, RAM_BASE, 0), SBI_SUCCESS);
	guest_write_sie(v1, VIRQ_SOFT);
	guest_ecall(v1, SBI_EXT_IPI, 0, 1UL << 1, 0); /* to itself */
	guest_ecall(v1, SBI_EXT_HSM, HART_SUSPEND, RETENTIVE, 0, 0);
	guest_ecall(v1, SBI_EXT_HSM, HART_SUSPEND, NON_RETENTIVE,
		    RAM_BASE + 0x4000, 0x77);
	guest_run_hart(1);
	/* Entries: boot (the IPI call), its return (the retentive suspend),
	 * its return (the non-retentive one), the resume, and no block. */
	assert_int_equal(guest_entries(v1), 4);
	assert_int_equal(guest_entry(v1, 1)->pc, RAM_BASE + 4);
	assert_true(guest_entry(v1, 1)->virq & VIRQ_SOFT);
	assert_int_equal(guest_entry(v1, 2)->pc, RAM_BASE + 8);
	assert_int_equal(guest_entry(v1, 2)->a0, SBI_SUCCESS);
	assert_int_equal(guest_entry(v1, 3)->pc, RAM_BASE + 0x4000);
	assert_int_equal(guest_entry(v1, 3)->a0, 1);
	assert_int_equal(guest_entry(v1, 3)->a1, 0x77);
	assert_int_equal(v1->stats.wfi_blocks, 1); /* only the idle wfi */
}

/* suspend_type is a uint32_t: bits 63..32 of a0 are not looked at. A C
 * caller on RV64 passes 0x80000000 sign-extended, and must get the
 * non-retentive suspend, not INVALID_PARAM. */
static void test_suspend_type_is_32_bits(void **state)
{
	(void)state;
	assert_int_equal(start(1, RAM_BASE, 0), SBI_SUCCESS);
	guest_write_sie(v1, VIRQ_SOFT);
	guest_ecall(v1, SBI_EXT_HSM, HART_SUSPEND, 0xffffffff80000000UL,
		    RAM_BASE + 0x3000, 0x5a5a);
	guest_run_hart(1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(v1->block_reason, SCHED_BLOCK_SUSPEND_NON_RETENTIVE);
	guest_call(v0, SBI_EXT_IPI, 0, 1UL << 1, 0);
	guest_run_hart(1);
	assert_int_equal(guest_last(v1)->pc, RAM_BASE + 0x3000);
	assert_int_equal(guest_last(v1)->a1, 0x5a5a);

	/* Garbage above a retentive type: still retentive, returns 0. */
	guest_ecall(v1, SBI_EXT_HSM, HART_SUSPEND, 0x1234567800000000UL, 0, 0);
	guest_wake(v1); /* from the wfi it idles in */
	guest_run_hart(1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(v1->block_reason, SCHED_BLOCK_SUSPEND_RETENTIVE);
	guest_call(v0, SBI_EXT_IPI, 0, 1UL << 1, 0);
	guest_run_hart(1);
	/* After its wfi (0x3000) and the ecall (0x3004): returned. */
	assert_int_equal(guest_last(v1)->pc, RAM_BASE + 0x3008);
	assert_int_equal(guest_last(v1)->a0, SBI_SUCCESS);
}

static void test_invalid_suspend(void **state)
{
	(void)state;
	/* Reserved types, and platform-specific ones (none implemented). */
	static const unsigned long bad_types[] = {
		0x00000001UL,  0x0fffffffUL,	     0x10000000UL, 0x7fffffffUL,
		0x80000001UL,  0x8fffffffUL,	     0x90000000UL, 0xffffffffUL,
		0x100000001UL, 0xffffffff7fffffffUL, /* bits 31..0: reserved */
	};
	struct guest_sbiret ret;

	for (unsigned i = 0; i < ARRAY_SIZE(bad_types); i++) {
		ret = guest_call(v0, SBI_EXT_HSM, HART_SUSPEND, bad_types[i],
				 RAM_BASE, 0);
		assert_true(ret.returned);
		assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
	}
	/* A non-retentive resume address must be RAM. */
	ret = guest_call(v0, SBI_EXT_HSM, HART_SUSPEND, NON_RETENTIVE,
			 GUEST_UART_BASE, 0);
	assert_int_equal(ret.error, SBI_ERR_INVALID_ADDRESS);
	ret = guest_call(v0, SBI_EXT_HSM, HART_SUSPEND, NON_RETENTIVE,
			 RAM_END - 1, 0);
	assert_int_equal(ret.error, SBI_ERR_INVALID_ADDRESS);
	/* ... but a retentive suspend does not use it. */
	guest_write_sie(v0, VIRQ_SOFT);
	ret = guest_call(v0, SBI_EXT_HSM, HART_SUSPEND, RETENTIVE, ~0UL, 0);
	assert_false(ret.returned);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(v0->block_reason, SCHED_BLOCK_SUSPEND_RETENTIVE);
	assert_int_equal(vm->vcpus[0].stats.exits[EXC_ECALL_VS],
			 ARRAY_SIZE(bad_types) + 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_start, setup),
		cmocka_unit_test_setup(test_start_checks_hartid_and_address,
				       setup),
		cmocka_unit_test_setup(test_stop_and_restart, setup),
		cmocka_unit_test_setup(test_retentive_suspend, setup),
		cmocka_unit_test_setup(test_non_retentive_suspend, setup),
		cmocka_unit_test_setup(test_suspend_woken_at_once, setup),
		cmocka_unit_test_setup(test_invalid_suspend, setup),
		cmocka_unit_test_setup(test_suspend_type_is_32_bits, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
