// SPDX-License-Identifier: MIT
/*
 * A vCPU's timers and interrupt sync on the fake arch (hv/vcpu/irq.c,
 * hv/vcpu/run.c): guest deadlines convert to host time (and "never"
 * stays never), stimecmp counts only with Sstc, and an external
 * interrupt waits while the guest's timer interrupt is due and enabled.
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
static unsigned nentries;
static unsigned long entry_virq[8];

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	vm = fake_vm_create("a", 1, 0);
	nentries = 0;
	return 0;
}

static uint64_t hart_timer(void)
{
	return fake_harts[0].timer_deadline;
}

static void record_entry(struct vcpu *vcpu)
{
	if (nentries < 8)
		entry_virq[nentries] = vcpu->arch.virq_injected;
	nentries++;
}

static void guest_wait(struct vcpu *vcpu, unsigned long sie)
{
	fake_guest_write_sie(vcpu, sie);
	fake_exit_wfi(vcpu);
}

/* Guest time is host time + htimedelta: deadlines convert, and "never"
 * stays never even where the conversion would wrap. */
static void test_guest_deadlines_convert_to_host_time(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0];

	v0->arch.htimedelta = 700; /* the guest clock is ahead */
	vcpu_set_timer(v0, 10700);
	assert_int_equal(v0->timer_deadline, 10000);
	assert_int_equal(vcpu_timer_deadline(v0), 10000);
	assert_int_equal(hart_timer(), UINT64_MAX); /* offline */
	vcpu_set_timer(v0, UINT64_MAX);
	assert_int_equal(v0->timer_deadline, UINT64_MAX);

	v0->arch.htimedelta = (uint64_t)-1000; /* the guest clock is behind */
	vcpu_set_timer(v0, UINT64_MAX - 10);   /* past the host's range */
	assert_int_equal(v0->timer_deadline, UINT64_MAX);
	vcpu_set_timer(v0, 500);
	assert_int_equal(v0->timer_deadline, 1500);

	/* stimecmp counts with Sstc only, and the earlier one wins. */
	v0->arch.vstimecmp = 200; /* host 1200 */
	assert_int_equal(vcpu_timer_deadline(v0), 1200);
	assert_true(vcpu_timer_expired(v0, 1200));
	assert_false(vcpu_timer_expired(v0, 1199));
	v0->arch.sstc = false;
	assert_int_equal(vcpu_timer_deadline(v0), 1500);
	v0->arch.vstimecmp = UINT64_MAX;
	v0->arch.sstc = true;
	assert_int_equal(vcpu_timer_deadline(v0), 1500);
}

/*
 * External interrupts outrank timer interrupts in the guest; an always
 * ready device could starve its tick. So while the guest's timer
 * interrupt is due and enabled, the external one is held back for that
 * entry, and shown again once the timer was taken.
 */
static const uint64_t PAST = 1; /* a deadline long gone */
static uint64_t next_deadline[4];
static unsigned long sie_at[4];

static enum exit_action ecall_next_deadline(struct vcpu *vcpu)
{
	vcpu_set_timer(vcpu, next_deadline[nentries - 1]);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_timer_and_external(struct vcpu *vcpu)
{
	record_entry(vcpu);
	if (nentries <= 3) {
		fake_guest_write_sie(vcpu, sie_at[nentries - 1]);
		fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		return;
	}
	vcpu_set_ext_irq(vcpu, false); /* the device is served */
	guest_wait(vcpu, VIRQ_TIMER | VIRQ_EXTERNAL);
}

static void test_external_waits_while_timer_is_due(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0];

	next_deadline[0] = PAST; /* entry 2: STIE off, both shown */
	sie_at[0] = VIRQ_EXTERNAL;
	next_deadline[1] = PAST; /* entry 3: STIE on, the timer alone */
	sie_at[1] = VIRQ_EXTERNAL | VIRQ_TIMER;
	next_deadline[2] = UINT64_MAX; /* entry 4: taken, external back */
	sie_at[2] = VIRQ_EXTERNAL | VIRQ_TIMER;
	fake_guest = guest_timer_and_external;
	fake_ecall_handler = ecall_next_deadline;
	fake_vcpu_start(vm, 0, ENTRY);
	vcpu_set_ext_irq(v0, true);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 4);
	assert_int_equal(entry_virq[0] & VIRQ_ALL, VIRQ_EXTERNAL);
	assert_int_equal(entry_virq[1] & VIRQ_ALL, VIRQ_EXTERNAL | VIRQ_TIMER);
	assert_int_equal(entry_virq[2] & VIRQ_ALL, VIRQ_TIMER);
	assert_int_equal(entry_virq[3] & VIRQ_ALL, VIRQ_EXTERNAL);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/*
 * The hold-back lasts one entry, and with Sstc nothing exits when the
 * guest takes its timer and re-arms stimecmp. A guest that then computes
 * without exiting must still be shown the external interrupt soon: the
 * hart timer makes it exit within a short, fixed delay (500 us).
 */
#define HOLD_BACK_BOUND (FAKE_TIMEBASE_HZ / 2000)
static uint64_t entry_time[8];

static enum exit_action ecall_resume(struct vcpu *vcpu)
{
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_takes_timer_then_computes(struct vcpu *vcpu)
{
	if (nentries < 8)
		entry_time[nentries] = fake_time;
	record_entry(vcpu);
	switch (nentries) {
	case 1: /* enable both; the timer is due at once */
		fake_guest_write_sie(vcpu, VIRQ_TIMER | VIRQ_EXTERNAL);
		fake_guest_write_stimecmp(vcpu, PAST);
		fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		break;
	case 2: /* take the timer, re-arm it, compute: no exit until the
		 * hart timer fires (a full second if nothing is armed) */
		fake_guest_write_stimecmp(vcpu,
					  fake_time + 2 * FAKE_TIMEBASE_HZ);
		fake_time = MAX(fake_time, MIN(hart_timer(),
					       fake_time + FAKE_TIMEBASE_HZ));
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
		break;
	default: /* the device is served; idle */
		vcpu_set_ext_irq(vcpu, false);
		guest_wait(vcpu, VIRQ_TIMER | VIRQ_EXTERNAL);
		break;
	}
}

static void test_hidden_external_is_shown_without_guest_exits(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0];

	v0->arch.sstc = true;
	fake_guest = guest_takes_timer_then_computes;
	fake_ecall_handler = ecall_resume;
	fake_vcpu_start(vm, 0, ENTRY);
	vcpu_set_ext_irq(v0, true);
	fake_time = 100;
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 3);
	assert_int_equal(entry_virq[1] & VIRQ_EXTERNAL, 0); /* hidden */
	assert_int_equal(entry_virq[2] & VIRQ_EXTERNAL, VIRQ_EXTERNAL);
	assert_true(entry_time[2] - entry_time[1] <= HOLD_BACK_BOUND);
	/* Nothing hidden any more: no early exit is armed for it. */
	assert_int_equal(v0->ext_irq_hidden_until, 0);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/*
 * QEMU 7.2 can lose a guest's Sstc timer interrupt (sched/core.c,
 * sstc_check_due), which only another interrupt to the hart brings back.
 * So while a vCPU with Sstc runs, the hart timer fires at least every
 * SCHED_SSTC_CHECK_US: on a fixed period, which another pass (a
 * set_timer here) does not push back. Without Sstc nothing is armed for
 * it.
 */
#define SSTC_CHECK_TICKS (FAKE_TIMEBASE_HZ * SCHED_SSTC_CHECK_US / 1000000)
#define FAR_AWAY (10 * FAKE_TIMEBASE_HZ)
static uint64_t armed_at[8];

static void guest_computes_for_long(struct vcpu *vcpu)
{
	if (nentries < 8) {
		entry_time[nentries] = fake_time;
		armed_at[nentries] = hart_timer();
	}
	record_entry(vcpu);
	switch (nentries) {
	case 1: /* its own timer far away; a quarter period later, an SBI
		 * set_timer (a timer pass), far away too */
		fake_guest_write_sie(vcpu, VIRQ_TIMER);
		fake_guest_write_stimecmp(vcpu, fake_time + FAR_AWAY);
		fake_time += SSTC_CHECK_TICKS / 4;
		next_deadline[0] = fake_time + FAR_AWAY;
		fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		break;
	case 2: /* computes until the hart timer ends it (at most 1 s) */
	case 3:
		fake_time = MAX(fake_time, MIN(hart_timer(),
					       fake_time + FAKE_TIMEBASE_HZ));
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
		break;
	default:
		guest_wait(vcpu, 0); /* nothing can wake it: it stays out */
		break;
	}
}

static void run_computing_guest(bool sstc)
{
	struct vcpu *v0 = &vm->vcpus[0];

	sched_sstc_check_enabled = true; /* off on the fake machine */
	v0->arch.sstc = sstc;
	fake_guest = guest_computes_for_long;
	fake_ecall_handler = ecall_next_deadline;
	fake_vcpu_start(vm, 0, ENTRY);
	fake_time = 1000;
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 4);
}

static void test_sstc_interrupt_checked_on_a_fixed_period(void **state)
{
	(void)state;
	run_computing_guest(true);
	/* Armed at the switch-in, and not pushed back by set_timer. */
	assert_int_equal(armed_at[0], entry_time[0] + SSTC_CHECK_TICKS);
	assert_int_equal(armed_at[1], entry_time[0] + SSTC_CHECK_TICKS);
	/* Each check arms the next one a period on. */
	assert_int_equal(entry_time[2], entry_time[0] + SSTC_CHECK_TICKS);
	assert_int_equal(armed_at[2], entry_time[2] + SSTC_CHECK_TICKS);
	assert_int_equal(entry_time[3], entry_time[2] + SSTC_CHECK_TICKS);
}

static void test_no_check_without_sstc(void **state)
{
	(void)state;
	run_computing_guest(false);
	/* Only its SBI deadline is armed: it computes for the whole
	 * second the guest above gives itself. */
	assert_int_equal(armed_at[0], UINT64_MAX);
	assert_int_equal(armed_at[1], next_deadline[0]);
	assert_int_equal(armed_at[2], next_deadline[0]);
	assert_int_equal(entry_time[2], entry_time[1] + FAKE_TIMEBASE_HZ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_guest_deadlines_convert_to_host_time, setup),
		cmocka_unit_test_setup(test_external_waits_while_timer_is_due,
				       setup),
		cmocka_unit_test_setup(
			test_hidden_external_is_shown_without_guest_exits,
			setup),
		cmocka_unit_test_setup(
			test_sstc_interrupt_checked_on_a_fixed_period, setup),
		cmocka_unit_test_setup(test_no_check_without_sstc, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
