// SPDX-License-Identifier: MIT
/*
 * The hart timer and preemption on the fake arch (sched/core.c,
 * hv/vcpu/irq.c): a slice is armed only while someone waits, preemption
 * at its end sends the vCPU to the tail, and the timer is the earliest
 * of the slice end and the deadlines of the hart's vCPUs (SBI set_timer
 * and Sstc stimecmp), never a past deadline, nothing on an idle hart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL
#define MAX_ENTRIES 32

static struct vm *vm;
static unsigned nentries;
static unsigned long entry_virq[MAX_ENTRIES];
static uint64_t entry_time[MAX_ENTRIES];

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	vm = fake_vm_create("a", 4, 0);
	nentries = 0;
	return 0;
}

static uint64_t hart_timer(void)
{
	return fake_harts[0].timer_deadline;
}

static void record_entry(struct vcpu *vcpu)
{
	if (nentries < MAX_ENTRIES) {
		entry_virq[nentries] = vcpu->arch.virq_injected;
		entry_time[nentries] = fake_time;
	}
	nentries++;
}

/* Waits in wfi with the given interrupts enabled. */
static void guest_wait(struct vcpu *vcpu, unsigned long sie)
{
	fake_guest_write_sie(vcpu, sie);
	fake_exit_wfi(vcpu);
}

/* Spins until the hart's next timer interrupt (a bounded number of
 * times, then waits with everything disabled: the step ends). */
static void guest_spin(struct vcpu *vcpu)
{
	struct fake_hart *hart = &fake_harts[fake_current_hart()];

	record_entry(vcpu);
	if (nentries > MAX_ENTRIES || hart->timer_deadline == UINT64_MAX) {
		guest_wait(vcpu, 0);
		return;
	}
	if (fake_time < hart->timer_deadline)
		fake_time = hart->timer_deadline;
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
}

static void test_idle_hart_programs_no_timer(void **state)
{
	(void)state;
	assert_null(fake_step(0));
	assert_int_equal(fake_harts[0].waits, 1);
	assert_int_equal(fake_harts[0].timer_programs, 0);
	assert_int_equal(hart_timer(), UINT64_MAX);
	/* A vCPU that waits with no deadline adds none. */
	fake_guest = guest_spin; /* nobody waits: no slice, so it waits */
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), &vm->vcpus[0]);
	assert_int_equal(vm->vcpus[0].state, VCPU_BLOCKED);
	assert_null(fake_step(0));
	assert_int_equal(fake_harts[0].timer_programs, 0);
	assert_int_equal(hart_timer(), UINT64_MAX);
}

static uint64_t timer_before_start, timer_after_start;

/* Entry 1: nobody waits, so no slice; it starts vCPU 1 (an HSM start),
 * which arms the slice. Then it spins. */
static enum exit_action ecall_start_sibling(struct vcpu *vcpu)
{
	timer_before_start = hart_timer();
	fake_vcpu_start(vcpu->vm, 1, ENTRY);
	timer_after_start = hart_timer();
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_starts_sibling(struct vcpu *vcpu)
{
	if (vcpu->id == 0 && nentries == 0) {
		record_entry(vcpu);
		fake_exit_ecall(vcpu, 0x48534d, 0, NULL, 0);
		return;
	}
	guest_spin(vcpu);
}

static void test_slice_armed_only_when_someone_waits(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0], *v1 = &vm->vcpus[1];
	uint64_t start = fake_time;

	fake_guest = guest_starts_sibling;
	fake_ecall_handler = ecall_start_sibling;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(timer_before_start, UINT64_MAX);
	assert_int_equal(timer_after_start, start + SLICE);
	/* Preempted at the slice end, and queued behind vCPU 1. */
	assert_int_equal(fake_time, start + SLICE);
	assert_int_equal(v0->stats.run_ticks, SLICE);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_ptr_equal(cpus[0].rq.head.next, &v1->se);
	assert_ptr_equal(cpus[0].rq.head.prev, &v0->se);
	assert_ptr_equal(fake_step(0), v1);
	assert_int_equal(v1->stats.wait_ticks, SLICE);
}

static void test_preempted_vcpu_goes_to_the_tail(void **state)
{
	(void)state;
	uint64_t start = fake_time;

	fake_guest = guest_spin;
	for (unsigned i = 0; i < 3; i++)
		fake_vcpu_start(vm, i, ENTRY);
	for (unsigned turn = 0; turn < 7; turn++) {
		struct vcpu *expected = &vm->vcpus[turn % 3];

		assert_ptr_equal(fake_step(0), expected);
		assert_int_equal(fake_time, start + (turn + 1) * SLICE);
		assert_int_equal(expected->state, VCPU_RUNNABLE);
		assert_ptr_equal(cpus[0].rq.head.prev, &expected->se);
		assert_int_equal(cpus[0].rq.nr_queued, 3);
	}
	assert_int_equal(vm->vcpus[0].stats.switches_in, 3);
	assert_int_equal(vm->vcpus[2].stats.run_ticks, 2 * SLICE);
}

/* SBI set_timer of the running vCPU arms the hart timer; it fires as a
 * host-timer exit and the next entry has the timer interrupt, until the
 * guest sets another deadline. A deadline already past is injected at
 * once and not armed. */
static uint64_t sbi_deadline, timer_at_entry[MAX_ENTRIES];

static enum exit_action ecall_set_timer(struct vcpu *vcpu)
{
	vcpu_set_timer(vcpu, sbi_deadline);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_sbi_timer(struct vcpu *vcpu)
{
	if (nentries < MAX_ENTRIES)
		timer_at_entry[nentries] = hart_timer();
	record_entry(vcpu);
	switch (nentries) {
	case 1: /* past its slice end: alone, it is not preempted */
		sbi_deadline = fake_time + SLICE + 500;
		fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		return;
	case 2:
		fake_time = sbi_deadline;
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
		return;
	case 3: /* takes the tick, asks for one in the past */
		sbi_deadline = fake_time - 5;
		fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		return;
	case 4: /* takes that one too, and asks for none */
		sbi_deadline = UINT64_MAX;
		fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		return;
	default:
		guest_wait(vcpu, VIRQ_TIMER);
	}
}

static void test_running_vcpu_sbi_timer_fires(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0];
	uint64_t t0 = fake_time;

	fake_guest = guest_sbi_timer;
	fake_ecall_handler = ecall_set_timer;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 5);
	assert_int_equal(timer_at_entry[0], UINT64_MAX);
	assert_int_equal(timer_at_entry[1], t0 + SLICE + 500);
	assert_int_equal(v0->stats.switches_in, 1);
	assert_false(entry_virq[1] & VIRQ_TIMER);
	assert_true(entry_virq[2] & VIRQ_TIMER);
	assert_int_equal(timer_at_entry[2], UINT64_MAX); /* used: none */
	assert_true(entry_virq[3] & VIRQ_TIMER);	 /* the past one */
	assert_int_equal(timer_at_entry[3], UINT64_MAX); /* not armed */
	assert_false(entry_virq[4] & VIRQ_TIMER);
	assert_int_equal(v0->stats.irq_exits[IRQ_CAUSE_TIMER], 1);
	assert_int_equal(hart_timer(), UINT64_MAX);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* vCPU i blocks after setting its timers: an SBI deadline (host time)
 * and, with Sstc, its stimecmp (guest time). When its timer interrupt
 * is pending at an entry, it takes it and sets no new deadline. */
static uint64_t sbi_at[4], stimecmp_at[4];
static unsigned took_timer[4];
static unsigned long took_virq[4];

static enum exit_action ecall_set_own_timer(struct vcpu *vcpu)
{
	vcpu_set_timer(vcpu, sbi_at[vcpu->id]);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_arm_then_wait(struct vcpu *vcpu)
{
	record_entry(vcpu);
	if (vcpu->arch.sepc == ENTRY || vcpu_timer_expired(vcpu, fake_time)) {
		if (vcpu->arch.sepc != ENTRY) {
			took_timer[vcpu->id]++;
			took_virq[vcpu->id] = vcpu->arch.virq_injected;
			sbi_at[vcpu->id] = stimecmp_at[vcpu->id] = UINT64_MAX;
		}
		fake_guest_write_stimecmp(vcpu, stimecmp_at[vcpu->id]);
		fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		return;
	}
	if (vcpu->id == 3) {
		guest_spin(vcpu);
		return;
	}
	guest_wait(vcpu, VIRQ_TIMER);
}

static void arm_two_timers(uint64_t t0)
{
	for (unsigned i = 0; i < 4; i++) {
		sbi_at[i] = stimecmp_at[i] = UINT64_MAX;
		took_timer[i] = 0;
	}
	sbi_at[1] = t0 + 5000;	    /* SBI timer */
	stimecmp_at[2] = t0 + 3000; /* Sstc: guest time = host time here */
	fake_guest = guest_arm_then_wait;
	fake_ecall_handler = ecall_set_own_timer;
	fake_vcpu_start(vm, 1, ENTRY);
	fake_vcpu_start(vm, 2, ENTRY);
	assert_ptr_equal(fake_step(0), &vm->vcpus[1]);
	assert_ptr_equal(fake_step(0), &vm->vcpus[2]);
	assert_int_equal(vm->vcpus[2].arch.vstimecmp, t0 + 3000); /* saved */
}

static void test_timer_is_the_earliest_deadline(void **state)
{
	(void)state;
	struct vcpu *v1 = &vm->vcpus[1], *v2 = &vm->vcpus[2];
	uint64_t t0 = fake_time;

	arm_two_timers(t0);
	sched_update_timer(); /* as the idle loop does */
	assert_int_equal(hart_timer(), t0 + 3000);

	/* Someone runs while someone waits: the slice end is earliest. */
	fake_vcpu_start(vm, 3, ENTRY);
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), &vm->vcpus[3]);
	assert_int_equal(fake_time, t0 + SLICE); /* the slice, not 3000 */

	/* vCPU 0 arms nothing and blocks; then vCPU 3, alone, spins to the
	 * next deadline, stimecmp's, whose timer exit wakes vCPU 2. */
	assert_ptr_equal(fake_step(0), &vm->vcpus[0]);
	assert_ptr_equal(fake_step(0), &vm->vcpus[3]);
	assert_int_equal(fake_time, t0 + 3000);
	assert_int_equal(v2->state, VCPU_RUNNABLE);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_ptr_equal(fake_step(0), v2);
	assert_int_equal(took_timer[2], 1);
	assert_int_equal(v2->state, VCPU_BLOCKED);
	sched_update_timer();
	assert_int_equal(hart_timer(), t0 + 5000);
}

/* An idle hart sleeps until the earliest deadline, and the timer
 * interrupt wakes that vCPU; the next deadline is armed then. */
static void test_timer_interrupt_wakes_blocked_vcpu(void **state)
{
	(void)state;
	struct vcpu *v1 = &vm->vcpus[1], *v2 = &vm->vcpus[2];
	uint64_t t0 = fake_time;

	arm_two_timers(t0);
	assert_null(fake_step(0)); /* idle: sleeps until 3000 */
	assert_int_equal(fake_time, t0 + 3000);
	assert_int_equal(v2->state, VCPU_RUNNABLE);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(hart_timer(), t0 + 5000);
	/* The SBI timer: woken by a timer scan from any path. */
	fake_time = t0 + 5000;
	sched_update_timer();
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(cpus[0].rq.nr_queued, 2);
	assert_int_equal(hart_timer(), UINT64_MAX);
	assert_ptr_equal(fake_step(0), v2);
	assert_ptr_equal(fake_step(0), v1);
	assert_int_equal(took_timer[1], 1);
	assert_int_equal(took_timer[2], 1);
	/* The SBI timer is injected; stimecmp's the hart raises itself. */
	assert_true(took_virq[1] & VIRQ_TIMER);
	assert_false(took_virq[2] & VIRQ_TIMER);
}

/* A guest that sets its SBI deadline (host time) to block_deadline, then
 * waits in wfi with sie = 0: the hart timer learns the deadline when it
 * blocks. */
static uint64_t block_deadline;

static void guest_deadline_then_wait(struct vcpu *vcpu)
{
	record_entry(vcpu);
	vcpu->timer_deadline = block_deadline;
	guest_wait(vcpu, 0);
}

/* A deadline that has passed is never armed (it would fire forever): a
 * blocked vCPU that does not take timer interrupts stays blocked, and
 * the running vCPU's past SBI deadline is injected, not armed. */
static void test_past_deadline_is_not_armed(void **state)
{
	(void)state;
	struct vcpu *v1 = &vm->vcpus[1];

	fake_guest = guest_deadline_then_wait;
	block_deadline = fake_time - 1;
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(fake_step(0), v1); /* waits with sie = 0 */
	sched_update_timer();
	assert_int_equal(v1->state, VCPU_BLOCKED);
	assert_int_equal(hart_timer(), UINT64_MAX);
	assert_int_equal(fake_harts[0].timer_programs, 0);

	/* Woken by an IPI it does not take either: it blocks again, now
	 * with a future deadline, which is armed until it fires. */
	block_deadline = fake_time + 10;
	fake_harts[0].live.vsie = VIRQ_SOFT; /* still loaded here */
	vcpu_post_ipi(v1);
	assert_ptr_equal(fake_step(0), v1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	sched_update_timer();
	assert_int_equal(hart_timer(), block_deadline);
	fake_time = block_deadline;
	sched_timer_interrupt(); /* fired: re-armed for nothing */
	assert_int_equal(hart_timer(), UINT64_MAX);
	assert_int_equal(v1->state, VCPU_BLOCKED);
}

/* A vCPU queued from another hart while the guest runs: the IPI makes
 * its hart arm the slice, and the guest is preempted when it ends. */
static void guest_spin_and_check(struct vcpu *vcpu)
{
	if (nentries == 0) {
		record_entry(vcpu);
		assert_int_equal(hart_timer(), UINT64_MAX);
		fake_set_hart(1);
		fake_vcpu_start(vcpu->vm, 1, ENTRY);
		fake_set_hart(0);
		assert_true(fake_harts[0].pending & HOST_IRQ_IPI);
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
		return;
	}
	guest_spin(vcpu);
}

static void test_wakeup_from_other_hart_arms_the_slice(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	vm = fake_vm_create("a", 2, 1UL << 0);
	fake_vcpu_place(&vm->vcpus[1], 0);
	uint64_t t0 = fake_time;

	fake_guest = guest_spin_and_check;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), &vm->vcpus[0]);
	assert_int_equal(nentries, 2);
	assert_int_equal(fake_time, t0 + SLICE);
	assert_int_equal(vm->vcpus[0].state, VCPU_RUNNABLE);
	assert_ptr_equal(fake_step(0), &vm->vcpus[1]);
}

/* An idle hart whose own timer scan wakes a vCPU (its deadline passed
 * with nothing armed for it) runs it without sleeping first. */
static void test_idle_scan_wakeup_does_not_sleep(void **state)
{
	(void)state;
	struct vcpu *v1 = &vm->vcpus[1];

	fake_guest = guest_deadline_then_wait;
	block_deadline = fake_time + 5;
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(fake_step(0), v1);   /* waits, STIE off */
	fake_harts[0].live.vsie = VIRQ_TIMER; /* still loaded here */
	fake_time = block_deadline;	      /* due, and not yet seen */
	unsigned waits = fake_harts[0].waits;

	assert_null(fake_step(0));
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[0].waits, waits);
	assert_ptr_equal(fake_step(0), v1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_idle_hart_programs_no_timer, setup),
		cmocka_unit_test_setup(test_slice_armed_only_when_someone_waits,
				       setup),
		cmocka_unit_test_setup(test_preempted_vcpu_goes_to_the_tail,
				       setup),
		cmocka_unit_test_setup(test_running_vcpu_sbi_timer_fires,
				       setup),
		cmocka_unit_test_setup(test_timer_is_the_earliest_deadline,
				       setup),
		cmocka_unit_test_setup(test_timer_interrupt_wakes_blocked_vcpu,
				       setup),
		cmocka_unit_test_setup(test_past_deadline_is_not_armed, setup),
		cmocka_unit_test_setup(
			test_wakeup_from_other_hart_arms_the_slice, setup),
		cmocka_unit_test_setup(test_idle_scan_wakeup_does_not_sleep,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
