// SPDX-License-Identifier: MIT
/*
 * The SBI ecall path on the fake arch, from the guest's ecall through
 * exit_dispatch and exit_handle_ecall (hv/sbi/sbi.c): register
 * conventions (a0 = error, a1 = value, sepc past the ecall; v0.1 legacy
 * calls write a0 only), unknown and switched-off extensions, the BASE
 * extension, the legacy calls, and TIME.
 *
 * Expected values are the SBI v2.0 specification's, written out here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "sbi_guest.h"

#define SLICE 1000
#define PC 0x80000000UL
#define SENTINEL 0x5e57UL /* in a register a call must not write */

enum {
	BASE_SPEC,
	BASE_IMPL_ID,
	BASE_IMPL_VERSION,
	BASE_PROBE,
	BASE_MVENDORID,
	BASE_MARCHID,
	BASE_MIMPID
};

#define LEGACY_SET_TIMER 0x00UL
#define LEGACY_PUTCHAR 0x01UL
#define LEGACY_GETCHAR 0x02UL
#define LEGACY_SEND_IPI 0x04UL
#define LEGACY_SHUTDOWN 0x08UL
#define EXT_PMU 0x504D55UL /* not offered */

static struct vm *vm;
static struct vcpu *v0;

/* One VM of one started vCPU on one hart. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	guest_reset();
	vm = fake_vm_create("a", 1, 0);
	v0 = &vm->vcpus[0];
	fake_vcpu_start(vm, 0, PC);
	return 0;
}

static void test_ecall_conventions(void **state)
{
	(void)state;
	struct guest_sbiret ret = guest_call(v0, SBI_EXT_BASE, BASE_SPEC, 0);

	/* Entry 0 made the ecall at PC; entry 1 is the return. */
	assert_int_equal(guest_entry(v0, 0)->pc, PC);
	assert_int_equal(guest_entry(v0, 1)->pc, PC + 4);
	assert_true(ret.returned);
	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, 2UL << 24); /* v2.0 */
	assert_int_equal(v0->stats.exits[EXC_ECALL_VS], 1);

	/* Unknown extension and unknown function: NOT_SUPPORTED, a1 = 0,
	 * and the guest goes on after the ecall. */
	ret = guest_call(v0, 0x12345678UL, 0, 1, SENTINEL);
	assert_true(ret.returned);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(ret.value, 0);
	ret = guest_call(v0, SBI_EXT_BASE, 7, 0, SENTINEL);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(ret.value, 0);
	ret = guest_call(v0, EXT_PMU, 0, 0, SENTINEL);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	/* Each call above was followed by the guest's idle wfi. */
	assert_int_equal(guest_last(v0)->pc, PC + 8 * 3 + 4);
	assert_int_equal(v0->state, VCPU_BLOCKED); /* idle in wfi */
	assert_true(vm_is_running(vm));
}

static void test_base_extension(void **state)
{
	(void)state;
	struct guest_sbiret ret;

	ret = guest_call(v0, SBI_EXT_BASE, BASE_IMPL_ID, 0);
	assert_int_equal(ret.error, 0);
	assert_int_equal(ret.value, SBI_IMPL_ID_HARTVISOR);
	ret = guest_call(v0, SBI_EXT_BASE, BASE_IMPL_VERSION, 0);
	assert_int_equal(ret.value, SBI_IMPL_VERSION);
	/* 0 is always a legal value of the machine ID registers. */
	for (unsigned long fid = BASE_MVENDORID; fid <= BASE_MIMPID; fid++) {
		ret = guest_call(v0, SBI_EXT_BASE, fid, 0, SENTINEL);
		assert_int_equal(ret.error, 0);
		assert_int_equal(ret.value, 0);
	}
}

static unsigned long probe(unsigned long eid)
{
	struct guest_sbiret ret = guest_call(v0, SBI_EXT_BASE, BASE_PROBE, eid);

	assert_true(ret.returned);
	assert_int_equal(ret.error, SBI_SUCCESS);
	return ret.value;
}

static void test_probe_every_extension(void **state)
{
	(void)state;
	static const unsigned long present[] = {
		SBI_EXT_BASE,	SBI_EXT_TIME,	  SBI_EXT_IPI,
		SBI_EXT_RFENCE, SBI_EXT_HSM,	  SBI_EXT_SRST,
		SBI_EXT_DBCN,	LEGACY_SET_TIMER, LEGACY_PUTCHAR,
		LEGACY_GETCHAR, LEGACY_SHUTDOWN,
	};
	/* Legacy IPIs and fences (0x03-0x07) are not offered. */
	static const unsigned long absent[] = {
		0x03, 0x04, 0x05,    0x06, 0x07,
		0x09, 0x0f, EXT_PMU, 0x11, 0x53555350UL /* SUSP */,
		~0UL,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(present); i++)
		assert_int_equal(probe(present[i]), 1);
	for (unsigned i = 0; i < ARRAY_SIZE(absent); i++)
		assert_int_equal(probe(absent[i]), 0);
}

/* A VM config switches an extension off: it is absent, probes 0, and
 * its calls are NOT_SUPPORTED; the others are untouched. */
static void test_switched_off_extension_is_absent(void **state)
{
	(void)state;
	int ipi = sbi_extension_index("ipi");
	int legacy = sbi_extension_index("legacy");
	struct guest_sbiret ret;

	assert_true(ipi > 0 && legacy > 0);
	assert_int_equal(sbi_extension_index("base"), -1); /* always on */
	assert_int_equal(sbi_extension_index("pmu"), -1);
	vm->sbi_disabled = (1UL << ipi) | (1UL << legacy);

	assert_int_equal(probe(SBI_EXT_IPI), 0);
	assert_int_equal(probe(LEGACY_PUTCHAR), 0);
	assert_int_equal(probe(SBI_EXT_TIME), 1);
	ret = guest_call(v0, SBI_EXT_IPI, 0, 1, 0);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(__atomic_load_n(&v0->ipi_pending, __ATOMIC_SEQ_CST),
			 0);
	/* A legacy call still gets the legacy convention: a0 only. */
	ret = guest_call(v0, LEGACY_PUTCHAR, 0, 'x', SENTINEL);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(ret.value, SENTINEL);
	assert_int_equal(guest_console_length(vm), 0);
	ret = guest_call(v0, SBI_EXT_TIME, 0, UINT64_MAX);
	assert_int_equal(ret.error, SBI_SUCCESS);
}

/* A legacy putchar by a vCPU whose wfi sleeps in the guest turns the
 * trap back on, so that its next wfi exit shows a prompt (the idle wfi
 * after the call exits: the fake arch aborts if the trap is still off). */
static void test_legacy_putchar_turns_the_wfi_trap_on(void **state)
{
	(void)state;
	guest_mark_wfi_in_guest(v0);
	guest_call(v0, LEGACY_PUTCHAR, 0, '>', SENTINEL);
	assert_string_equal(guest_console_output(vm), ">");
	assert_false(v0->arch.wfi_in_guest);
}

static void test_legacy_calls_write_a0_only(void **state)
{
	(void)state;
	struct guest_sbiret ret;

	ret = guest_call(v0, LEGACY_PUTCHAR, 0, 'h', SENTINEL);
	assert_true(ret.returned);
	assert_int_equal(ret.error, 0);
	assert_int_equal(ret.value, SENTINEL);
	guest_call(v0, LEGACY_PUTCHAR, 0, 0x100 | 'i', SENTINEL);
	assert_string_equal(guest_console_output(vm), "hi");

	/* getchar: -1 when nothing was typed, else the byte. */
	ret = guest_call(v0, LEGACY_GETCHAR, 0, 0, SENTINEL);
	assert_int_equal(ret.error, -1);
	assert_int_equal(ret.value, SENTINEL);
	guest_console_type(vm, "\xe9q");
	ret = guest_call(v0, LEGACY_GETCHAR, 0, 0, SENTINEL);
	assert_int_equal(ret.error, 0xe9); /* a byte, not sign-extended */
	ret = guest_call(v0, LEGACY_GETCHAR, 0, 0, SENTINEL);
	assert_int_equal(ret.error, 'q');
	assert_int_equal(ret.value, SENTINEL);

	/* The legacy IPI and fence calls are not offered, nor is the rest
	 * of the legacy range: still the legacy convention. */
	ret = guest_call(v0, LEGACY_SEND_IPI, 0, 0, SENTINEL);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(ret.value, SENTINEL);
	ret = guest_call(v0, 0x0f, 0, 0, SENTINEL);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(ret.value, SENTINEL);

	/* set_timer: guest time, a0 = 0. */
	ret = guest_call(v0, LEGACY_SET_TIMER, 0, fake_time + 777, SENTINEL);
	assert_int_equal(ret.error, 0);
	assert_int_equal(ret.value, SENTINEL);
	assert_int_equal(v0->timer_deadline, fake_time + 777);
}

/* Legacy shutdown stops the VM and never returns; the last VM stopping
 * powers the machine off. */
static void test_legacy_shutdown(void **state)
{
	(void)state;
	jmp_buf off;
	unsigned entries = guest_entries(v0);

	if (setjmp(off) == 0) {
		fake_shutdown_jump = &off;
		guest_call(v0, LEGACY_SHUTDOWN, 0, 0);
		fail_msg("the machine did not power off");
	}
	assert_int_equal(fake_shutdowns, 1);
	assert_false(fake_shutdown_failed);
	assert_false(vm_is_running(vm));
	assert_false(vm->failed);
	assert_int_equal(guest_entries(v0), entries + 1); /* no return */
	assert_non_null(strstr(fake_printed, "shutdown (legacy SBI)"));
}

/* Exits nobody handles stop that VM (never the hypervisor): a delegated
 * exception, a cause beyond the table, an unknown interrupt. */
static void exit_illegal_instruction(struct vcpu *vcpu)
{
	vcpu->arch.scause = EXC_ILLEGAL_INST;
}

static void exit_beyond_table(struct vcpu *vcpu)
{
	vcpu->arch.scause = EXC_COUNT + 7;
}

static void exit_unknown_interrupt(struct vcpu *vcpu)
{
	vcpu->arch.scause = CAUSE_INTERRUPT | 13;
}

static void test_unhandled_exits_stop_the_vm(void **state)
{
	(void)state;
	void (*const exits[])(struct vcpu *) = {
		exit_illegal_instruction,
		exit_beyond_table,
		exit_unknown_interrupt,
	};
	static const char *const reasons[] = {
		"unhandled exception 2 at pc 0x80000000",
		"unhandled exception 31 at pc 0x80000000",
		"unhandled interrupt 13 at pc 0x80000000",
	};

	for (unsigned i = 0; i < ARRAY_SIZE(exits); i++) {
		setup(NULL);
		/* A second VM keeps the machine on. */
		struct vm *other = fake_vm_create("b", 1, 0);

		fake_vcpu_start(other, 0, PC);
		guest_do(v0, exits[i]);
		guest_run_hart(0);
		assert_false(vm_is_running(vm));
		assert_true(vm->failed);
		assert_int_equal(v0->state, VCPU_DEAD);
		assert_non_null(strstr(fake_printed, reasons[i]));
		assert_true(vm_is_running(other));
		assert_int_equal(other->vcpus[0].state, VCPU_BLOCKED); /* ran */
		assert_int_equal(fake_shutdowns, 0);
	}
	assert_int_equal(v0->stats.irq_exits[13], 1);
}

static void test_time_set_timer(void **state)
{
	(void)state;
	uint64_t deadline = fake_time + 500;
	struct guest_sbiret ret = guest_call(v0, SBI_EXT_TIME, 0, deadline);

	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, 0);
	assert_int_equal(v0->timer_deadline, deadline);
	/* The hart timer is armed for it (the vCPU idles in wfi). */
	assert_int_equal(fake_harts[0].timer_deadline, deadline);

	/* "Never", and other functions of TIME. */
	guest_call(v0, SBI_EXT_TIME, 0, UINT64_MAX);
	assert_int_equal(v0->timer_deadline, UINT64_MAX);
	ret = guest_call(v0, SBI_EXT_TIME, 1, 0);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(v0->timer_deadline, UINT64_MAX);
}

/* stime_value is guest time: host time + htimedelta (negative: the
 * guest clock started after the host's, as hv/vm/create.c sets it). */
static void test_time_guest_time_base(void **state)
{
	(void)state;
	v0->arch.htimedelta = -500UL; /* kept across the boot reset */

	guest_call(v0, SBI_EXT_TIME, 0, 100000);
	assert_int_equal(v0->timer_deadline, 100500);
	/* Guest times that would wrap in host time mean "never". */
	guest_call(v0, SBI_EXT_TIME, 0, UINT64_MAX - 100);
	assert_int_equal(v0->timer_deadline, UINT64_MAX);
	guest_call(v0, SBI_EXT_TIME, 0, UINT64_MAX - 500);
	assert_int_equal(v0->timer_deadline, UINT64_MAX);
	guest_call(v0, SBI_EXT_TIME, 0, UINT64_MAX - 501);
	assert_int_equal(v0->timer_deadline, UINT64_MAX - 1);
}

/* The pending timer interrupt stays until the next set_timer clears it;
 * a vCPU waiting in wfi with STIE set wakes at the deadline. */
static void test_time_pending_bit_and_wakeup(void **state)
{
	(void)state;
	uint64_t deadline;

	guest_call(v0, SBI_EXT_TIME, 0, 0); /* already past */
	assert_true(guest_last(v0)->virq & VIRQ_TIMER);
	guest_call(v0, SBI_EXT_BASE, BASE_SPEC, 0);
	assert_true(guest_last(v0)->virq & VIRQ_TIMER); /* still pending */
	guest_call(v0, SBI_EXT_TIME, 0, UINT64_MAX);
	assert_false(guest_last(v0)->virq & VIRQ_TIMER);

	deadline = fake_time + 2000;
	guest_write_sie(v0, VIRQ_TIMER);
	guest_call(v0, SBI_EXT_TIME, 0, deadline);
	assert_false(guest_last(v0)->virq & VIRQ_TIMER);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	unsigned entries = guest_entries(v0);

	/* The hart idles until its timer: then the vCPU runs again, with
	 * the timer interrupt pending. */
	guest_ecall(v0, SBI_EXT_TIME, 0, UINT64_MAX); /* its handler */
	fake_set_hart(0);
	assert_null(sched_run_once());
	assert_true(fake_time >= deadline);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	guest_run_hart(0);
	assert_int_equal(guest_entries(v0), entries + 2);
	assert_true(guest_entry(v0, entries)->virq & VIRQ_TIMER);
	assert_false(guest_last(v0)->virq & VIRQ_TIMER);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ecall_conventions, setup),
		cmocka_unit_test_setup(test_base_extension, setup),
		cmocka_unit_test_setup(test_probe_every_extension, setup),
		cmocka_unit_test_setup(test_switched_off_extension_is_absent,
				       setup),
		cmocka_unit_test_setup(test_legacy_calls_write_a0_only, setup),
		cmocka_unit_test_setup(test_legacy_shutdown, setup),
		cmocka_unit_test_setup(test_unhandled_exits_stop_the_vm, setup),
		cmocka_unit_test_setup(test_time_set_timer, setup),
		cmocka_unit_test_setup(test_time_guest_time_base, setup),
		cmocka_unit_test_setup(test_time_pending_bit_and_wakeup, setup),
		cmocka_unit_test_setup(
			test_legacy_putchar_turns_the_wfi_trap_on, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
