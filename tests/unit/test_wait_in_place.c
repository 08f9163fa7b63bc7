// SPDX-License-Identifier: MIT
/*
 * A wfi waited out in place on the fake arch (hv/vcpu/wait.c,
 * sched/wait_in_place.c): a vCPU alone on its hart keeps it through wfi
 * and goes back into the guest at its wakeup without being switched out;
 * any other work for the hart ends the wait and the vCPU blocks as before.
 *
 * The fake hart's wfi ends at the hart timer, at a pending host interrupt,
 * or at the loaded vCPU's Sstc deadline when the guest enabled its timer
 * interrupt (VSTIP, as the privileged spec has it); with none of them it
 * returns at once, which the wait takes as "nothing will come".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL
#define DEADLINE 50000 /* ticks after the first entry */
#define BACKSTOP (FAKE_TIMEBASE_HZ / 1000000 * SCHED_WAIT_BACKSTOP_US)
#define MAX_ENTRIES 8

static struct vm *vm;
static struct vcpu *v0, *v1;
static unsigned nentries;
static uint64_t entered_at[MAX_ENTRIES];
static unsigned long entry_virq[MAX_ENTRIES];
static uint64_t hart_timer_at_entry[MAX_ENTRIES];
static uint64_t t0;
static unsigned wait_hooks;
static void (*on_first_wait)(void);

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	sched_wait_in_place_enabled = true;
	vm = fake_vm_create("a", 2, 0);
	v0 = &vm->vcpus[0];
	v1 = &vm->vcpus[1];
	fake_vcpu_place(v1, 0); /* both on hart 0 */
	nentries = 0;
	wait_hooks = 0;
	on_first_wait = NULL;
	fake_wait_hook = NULL;
	t0 = fake_time;
	return 0;
}

static unsigned record_entry(struct vcpu *vcpu)
{
	unsigned n = nentries++;

	if (n < MAX_ENTRIES) {
		entered_at[n] = fake_time;
		entry_virq[n] = vcpu->arch.virq_injected;
		hart_timer_at_entry[n] = fake_harts[0].timer_deadline;
	}
	return n;
}

/* Entry 0: run 100 ticks, arm the Sstc timer, enable its interrupt and
 * wait. Later: run 200 ticks, disarm it and wait (nothing will come). */
static void guest_sstc_timer(struct vcpu *vcpu)
{
	unsigned n = record_entry(vcpu);

	fake_advance_time(n == 0 ? 100 : 200);
	fake_guest_write_sie(vcpu, VIRQ_TIMER);
	fake_guest_write_stimecmp(vcpu, n == 0 ? t0 + DEADLINE : UINT64_MAX);
	fake_exit_wfi(vcpu);
}

static void test_sstc_timer_wakes_in_place(void **state)
{
	(void)state;
	fake_guest = guest_sstc_timer;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);

	/* Woken by its own timer at the deadline (not the hart timer's
	 * backstop after it), without a switch, and then blocked in the
	 * second wfi, which had nothing to wait for. */
	assert_int_equal(nentries, 2);
	assert_int_equal(entered_at[1], t0 + DEADLINE);
	assert_int_equal(v0->stats.switches_in, 1);
	assert_int_equal(v0->stats.wfi_waits, 2);
	assert_int_equal(v0->stats.wfi_blocks, 1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	/* Back in the guest, the hart timer no longer covers the vCPU's
	 * Sstc deadline (the guest takes that itself). */
	assert_int_equal(hart_timer_at_entry[1], UINT64_MAX);
	/* The wait is charged to no one: 100 + 200 ticks ran. */
	assert_int_equal(v0->stats.run_ticks, 300);
	/* The wakeup counts in the wake-to-run figures, after the start. */
	assert_int_equal(v0->stats.wake_latency.total, 2);
}

/* While it waits, the hart timer is armed a backstop after the Sstc
 * deadline; if the guest masks its timer interrupt, only the backstop
 * comes, the vCPU has no wakeup, and it blocks. */
static void guest_masked_timer(struct vcpu *vcpu)
{
	record_entry(vcpu);
	fake_guest_write_sie(vcpu, 0);
	fake_guest_write_stimecmp(vcpu, t0 + DEADLINE);
	fake_exit_wfi(vcpu);
}

static void check_backstop(void)
{
	if (wait_hooks++)
		return; /* the second sleep: nothing comes */
	assert_int_equal(fake_harts[0].timer_deadline,
			 t0 + DEADLINE + BACKSTOP);
	fake_time = fake_harts[0].timer_deadline;
}

static void test_masked_timer_does_not_end_the_wait(void **state)
{
	(void)state;
	fake_guest = guest_masked_timer;
	fake_wait_hook = check_backstop;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(wait_hooks, 2);
	assert_int_equal(nentries, 1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(v0->stats.wfi_waits, 1);
	assert_int_equal(v0->stats.wfi_blocks, 1);
}

/* Without Sstc: the SBI timer (vcpu_set_timer) wakes it through the hart
 * timer, in place too. */
static void guest_sbi_timer(struct vcpu *vcpu)
{
	unsigned n = record_entry(vcpu);

	fake_guest_write_sie(vcpu, VIRQ_TIMER);
	vcpu_set_timer(vcpu, n == 0 ? t0 + DEADLINE : UINT64_MAX);
	fake_exit_wfi(vcpu);
}

static void test_sbi_timer_wakes_in_place(void **state)
{
	(void)state;
	v0->arch.sstc = false;
	fake_guest = guest_sbi_timer;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 2);
	assert_int_equal(entered_at[1], t0 + DEADLINE);
	assert_true(entry_virq[1] & VIRQ_TIMER);
	assert_int_equal(v0->stats.switches_in, 1);
	assert_int_equal(v0->stats.wfi_waits, 2);
	assert_int_equal(v0->stats.wfi_blocks, 1);
}

/* Software interrupt enabled, no timer: only a post can wake it. */
static void guest_ipi(struct vcpu *vcpu)
{
	record_entry(vcpu);
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT; /* its handler took it */
	fake_exit_wfi(vcpu);
}

/* The hart sleeps: another hart acts once, then nothing more comes. */
static void act_on_first_wait(void)
{
	if (wait_hooks++ == 0 && on_first_wait) {
		unsigned me = fake_current_hart();

		fake_set_hart(1);
		on_first_wait();
		fake_set_hart(me);
	}
}

static void post_ipi_to_v0(void)
{
	vcpu_post_ipi(v0);
}

static void test_post_from_another_hart_ends_the_wait(void **state)
{
	(void)state;
	unsigned ipis = fake_harts[0].ipis_received;

	fake_guest = guest_ipi;
	fake_wait_hook = act_on_first_wait;
	on_first_wait = post_ipi_to_v0;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	/* The poster saw the vCPU "in the guest" and kicked the hart. */
	assert_int_equal(fake_harts[0].ipis_received, ipis + 1);
	assert_int_equal(nentries, 2);
	assert_true(entry_virq[1] & VIRQ_SOFT);
	assert_int_equal(v0->stats.switches_in, 1);
	assert_int_equal(v0->stats.wfi_waits, 2);
	assert_int_equal(v0->stats.wfi_blocks, 1);
}

/* A vCPU queued on the hart while it waits: the waiter blocks, the hart
 * runs the newcomer. */
static void start_v1(void)
{
	fake_vcpu_start(vm, 1, ENTRY);
}

static void test_queued_vcpu_ends_the_wait(void **state)
{
	(void)state;
	fake_guest = guest_ipi;
	fake_wait_hook = act_on_first_wait;
	on_first_wait = start_v1;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(v0->stats.wfi_waits, 1);
	assert_int_equal(v0->stats.wfi_blocks, 1);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	/* v1 waits with v0 blocked: the hart is its own, so it waits in
	 * place, and blocks when nothing comes. */
	assert_ptr_equal(fake_step(0), v1);
	assert_int_equal(v1->stats.wfi_waits, 1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
}

/* A vCPU already queued when the wfi comes: no wait at all. */
static void test_no_wait_while_another_vcpu_waits_for_the_hart(void **state)
{
	(void)state;
	fake_guest = guest_ipi;
	fake_vcpu_start(vm, 0, ENTRY);
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(v0->stats.wfi_waits, 0);
	assert_int_equal(v0->stats.wfi_blocks, 1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* Switched off, every wfi blocks. */
static void test_switched_off_every_wfi_blocks(void **state)
{
	(void)state;
	sched_wait_in_place_enabled = false;
	fake_guest = guest_sstc_timer;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 1);
	assert_int_equal(v0->stats.wfi_waits, 0);
	assert_int_equal(v0->stats.wfi_blocks, 1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sstc_timer_wakes_in_place, setup),
		cmocka_unit_test_setup(test_masked_timer_does_not_end_the_wait,
				       setup),
		cmocka_unit_test_setup(test_sbi_timer_wakes_in_place, setup),
		cmocka_unit_test_setup(
			test_post_from_another_hart_ends_the_wait, setup),
		cmocka_unit_test_setup(test_queued_vcpu_ends_the_wait, setup),
		cmocka_unit_test_setup(
			test_no_wait_while_another_vcpu_waits_for_the_hart,
			setup),
		cmocka_unit_test_setup(test_switched_off_every_wfi_blocks,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
