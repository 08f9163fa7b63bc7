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
#include <hv/errno.h>
#include <hv/monitor.h>
#include <hv/steal_time.h>
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
static uint64_t rq_now_at_entry[MAX_ENTRIES];
static enum vcpu_state v1_state_at_entry[MAX_ENTRIES];
static uint64_t v1_deadline;
static unsigned long v0_sie;
static uint64_t hart_timer_at_wait[MAX_ENTRIES];
static unsigned waits_seen;
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
	v0_sie = VIRQ_TIMER;
	waits_seen = 0;
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
		rq_now_at_entry[n] = cpus[0].rq.now; /* the last timer pass */
		v1_state_at_entry[n] = v1->state;
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

/* The same, its deadline 100 ticks after the wait begins. */
static void guest_sstc_timer_late(struct vcpu *vcpu)
{
	unsigned n = record_entry(vcpu);

	fake_advance_time(100);
	fake_guest_write_sie(vcpu, VIRQ_TIMER);
	fake_guest_write_stimecmp(vcpu,
				  n == 0 ? t0 + 100 + DEADLINE : UINT64_MAX);
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

/* A wait hook's sleep: until hart 0's timer, if it is armed. */
static void sleep_until_hart_timer(void)
{
	if (fake_harts[0].timer_deadline != UINT64_MAX)
		fake_time = fake_harts[0].timer_deadline;
}

/* A host whose wfi VSTIP does not end: the hart timer, a backstop after
 * the Sstc deadline, wakes the vCPU, and its wake-to-run figure counts
 * from the deadline, so the delay shows. */
static void check_backstop(void)
{
	if (wait_hooks++ == 0) {
		uint64_t run, wait;

		/* What the console monitor and gdb show meanwhile: the 100
		 * ticks it ran, not the wait, however long. */
		assert_string_equal(monitor_vcpu_state(v0), "waiting in wfi");
		fake_advance_time(DEADLINE / 2);
		sched_vcpu_times(v0, fake_time, &run, &wait);
		assert_int_equal(run, 100);
		assert_int_equal(fake_harts[0].timer_deadline,
				 t0 + 100 + DEADLINE + BACKSTOP);
	}
	sleep_until_hart_timer();
}

static void test_backstop_wakes_when_vstip_does_not(void **state)
{
	(void)state;
	fake_vs_timer_ends_wfi = false;
	fake_guest = guest_sstc_timer_late;
	fake_wait_hook = check_backstop;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 2);
	assert_int_equal(entered_at[1], t0 + 100 + DEADLINE + BACKSTOP);
	assert_int_equal(v0->stats.wfi_waits, 2);
	/* Counted from the deadline: at least the backstop late. */
	assert_true(v0->stats.wake_latency.max_ns >=
		    SCHED_WAIT_BACKSTOP_US * 1000);
}

/* A guest that masks its timer interrupt: no wakeup can come from it,
 * the hart timer is not armed for it, and the vCPU blocks. */
static void guest_masked_timer(struct vcpu *vcpu)
{
	record_entry(vcpu);
	fake_guest_write_sie(vcpu, 0);
	fake_guest_write_stimecmp(vcpu, t0 + DEADLINE);
	fake_exit_wfi(vcpu);
}

static void check_nothing_armed(void)
{
	wait_hooks++;
	assert_int_equal(fake_harts[0].timer_deadline, UINT64_MAX);
}

static void test_masked_timer_does_not_end_the_wait(void **state)
{
	(void)state;
	fake_guest = guest_masked_timer;
	fake_wait_hook = check_nothing_armed;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(wait_hooks, 1);
	assert_int_equal(nentries, 1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_string_equal(monitor_vcpu_state(v0), "blocked in wfi");
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

/* v1 blocks in wfi with its SBI timer at v1_deadline; v0 runs as
 * guest_sbi_timer, with the interrupts v0_sie enables. Both on hart 0. */
static void guest_sbi_timers(struct vcpu *vcpu)
{
	if (vcpu != v1) {
		unsigned n = record_entry(vcpu);

		fake_guest_write_sie(vcpu, v0_sie);
		vcpu_set_timer(vcpu, n == 0 ? t0 + DEADLINE : UINT64_MAX);
		fake_exit_wfi(vcpu);
		return;
	}
	fake_guest_write_sie(vcpu, VIRQ_TIMER);
	vcpu_set_timer(vcpu, v1_deadline);
	fake_exit_wfi(vcpu);
}

static void run_v0_with_v1_blocked_until(uint64_t deadline)
{
	v0->arch.sstc = false;
	v1->arch.sstc = false;
	v1_deadline = deadline;
	fake_guest = guest_sbi_timers;
	sched_wait_in_place_enabled = false; /* v1 blocks at its wfi */
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(fake_step(0), v1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	sched_wait_in_place_enabled = true;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
}

/* The hart timer fires for v0's own SBI deadline, v1's lies ahead: v0
 * goes back into the guest without a timer pass (the runqueue's clock
 * is still the wait's start), the hart timer moved on to v1's deadline. */
static void test_own_sbi_timer_ends_the_wait_without_a_pass(void **state)
{
	(void)state;
	run_v0_with_v1_blocked_until(t0 + 2 * DEADLINE);
	assert_int_equal(entered_at[1], t0 + DEADLINE);
	assert_true(entry_virq[1] & VIRQ_TIMER);
	assert_int_equal(v0->stats.switches_in, 1);
	assert_true(rq_now_at_entry[1] < t0 + DEADLINE);
	assert_int_equal(hart_timer_at_entry[1], t0 + 2 * DEADLINE);
	assert_int_equal(v1_state_at_entry[1], VCPU_BLOCKED);
	/* v1's timer, later, takes the pass: v1 wakes, v0 blocks. */
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* The hart sleeps until its timer, which is recorded. */
static void record_wait(void)
{
	if (waits_seen < MAX_ENTRIES)
		hart_timer_at_wait[waits_seen] = fake_harts[0].timer_deadline;
	waits_seen++;
	sleep_until_hart_timer();
}

/* v0 masks its timer interrupt: the hart timer that fires for its
 * deadline moves on to v1's, and v0 waits on until then; v1's timer takes
 * the pass, and v0 blocks for v1. */
static void test_masked_own_sbi_timer_waits_on(void **state)
{
	(void)state;
	v0_sie = VIRQ_SOFT;
	fake_wait_hook = record_wait;
	run_v0_with_v1_blocked_until(t0 + 2 * DEADLINE);
	assert_int_equal(nentries, 1);
	assert_int_equal(waits_seen, 2);
	assert_int_equal(hart_timer_at_wait[0], t0 + DEADLINE);
	assert_int_equal(hart_timer_at_wait[1], t0 + 2 * DEADLINE);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
}

/* v1's timer is due at the same time: the full pass, which wakes v1.
 * v0's slice, older than the wait, is over: it goes back in the queue
 * behind v1, its timer interrupt still to take. */
static void test_other_timer_due_takes_the_pass(void **state)
{
	(void)state;
	run_v0_with_v1_blocked_until(t0 + DEADLINE);
	assert_int_equal(nentries, 1);
	assert_int_equal(v0->stats.wfi_waits, 1);
	assert_int_equal(cpus[0].rq.now, t0 + DEADLINE);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
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

/* Start v0 on hart 0 with this guest; while it first sleeps, hart 1
 * does act once; run hart 0's turn, which must be v0's. */
static void run_v0_while_hart1(fake_guest_fn guest, void (*act)(void))
{
	fake_guest = guest;
	fake_wait_hook = act_on_first_wait;
	on_first_wait = act;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
}

static void post_ipi_to_v0(void)
{
	vcpu_post_ipi(v0);
}

static void test_post_from_another_hart_ends_the_wait(void **state)
{
	(void)state;
	unsigned ipis = fake_harts[0].ipis_received;

	run_v0_while_hart1(guest_ipi, post_ipi_to_v0);
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
	run_v0_while_hart1(guest_ipi, start_v1);
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

/* A pause while it waits: it leaves the hart, and as an idle vCPU
 * (blocked in wfi), not a preempted one, so that the pause is no steal. */
static void pause_vm(void)
{
	vm_pause_begin(vm);
}

static void test_pause_while_waiting_leaves_it_blocked(void **state)
{
	(void)state;
	unsigned ipis = fake_harts[0].ipis_received;

	run_v0_while_hart1(guest_ipi, pause_vm);
	assert_int_equal(fake_harts[0].ipis_received, ipis + 1);
	assert_int_equal(nentries, 1);
	assert_true(v0->parked);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(v0->stats.preemptions, 0);
	assert_null(cpus[0].current);
}

/* An external interrupt it enabled ends the wait; a remote fence does
 * not (the flush is done in place), nor does a masked interrupt. */
static void post_external(void)
{
	vcpu_set_ext_irq(v0, true);
}

static void guest_external(struct vcpu *vcpu)
{
	record_entry(vcpu);
	fake_guest_write_sie(vcpu, VIRQ_EXTERNAL);
	if (vcpu->arch.virq_injected & VIRQ_EXTERNAL)
		vcpu_set_ext_irq(vcpu, false); /* its handler served it */
	fake_exit_wfi(vcpu);
}

static void test_external_interrupt_ends_the_wait(void **state)
{
	(void)state;
	run_v0_while_hart1(guest_external, post_external);
	assert_int_equal(nentries, 2);
	assert_true(entry_virq[1] & VIRQ_EXTERNAL);
	assert_int_equal(v0->stats.switches_in, 1);
}

static unsigned flushes_before_fence;

static void fence_and_masked_posts(void)
{
	flushes_before_fence = fake_harts[0].tlb_flushes;
	vcpu_make_request(v0, VCPU_REQ_TLB_FLUSH);
	vcpu_post_ipi(v0); /* SSIE is off: no wakeup */
}

static void test_fence_and_masked_post_do_not_end_the_wait(void **state)
{
	(void)state;
	/* The guest enables SEIE only. */
	run_v0_while_hart1(guest_external, fence_and_masked_posts);
	assert_int_equal(nentries, 1); /* never back in the guest */
	assert_int_equal(fake_harts[0].tlb_flushes, flushes_before_fence + 1);
	assert_int_equal(v0->requests, 0); /* taken: a waiter is released */
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* A capped VM's vCPU goes through the scheduler at every wfi. */
static void test_capped_vcpu_does_not_wait_in_place(void **state)
{
	(void)state;
	assert_int_equal(sched_set_vm_cap(vm, 50), HV_OK);
	fake_guest = guest_ipi;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(v0->stats.wfi_waits, 0);
	assert_int_equal(v0->stats.wfi_blocks, 1);
}

/* With balancing (fair), a waiting hart pulls a vCPU queued on a busy
 * one, but not at a wfi that has a wakeup pending: that vCPU goes back
 * into the guest, and a pull would only queue the other behind it. */
static struct vm *busy;
static unsigned migrations_at_second_entry;

static unsigned busy_migrations(void)
{
	return busy->vcpus[0].stats.migrations +
	       busy->vcpus[1].stats.migrations;
}

static void guest_ipi_pending_then_idle(struct vcpu *vcpu)
{
	unsigned n = record_entry(vcpu);

	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	if (n == 0) {
		vcpu_post_ipi(vcpu); /* pending at its wfi */
	} else {
		if (n == 1)
			migrations_at_second_entry = busy_migrations();
		vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	}
	fake_exit_wfi(vcpu);
}

static void test_pull_only_without_a_wakeup(void **state)
{
	(void)state;
	assert_int_equal(sched_configure("fair", SLICE), HV_OK);
	busy = fake_vm_create("busy", 2, 0);
	fake_vcpu_place(&busy->vcpus[0], 1);
	fake_vcpu_place(&busy->vcpus[1], 1);
	fake_vcpu_start(busy, 0, ENTRY);
	fake_vcpu_start(busy, 1, ENTRY);
	assert_int_equal(cpus[1].rq.nr_queued, 2);

	fake_guest = guest_ipi_pending_then_idle;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 2);
	assert_int_equal(migrations_at_second_entry, 0);
	/* The second wfi has no wakeup: the hart pulls one, and v0
	 * blocks for it. */
	assert_int_equal(busy_migrations(), 1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(cpus[0].rq.nr_queued, 1);
}

/* A policy that picks a hart at every switch gets every switch. */
static void test_migrating_policy_gets_every_wfi(void **state)
{
	(void)state;
	assert_int_equal(sched_configure("migrate-random", SLICE), HV_OK);
	fake_guest = guest_ipi;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(v0->stats.wfi_waits, 0);
	assert_int_equal(v0->stats.wfi_blocks, 1);
}

/* A guest with an SBI STA record sees it updated after a wfi, as after a
 * block and wakeup, with no steal for the wait. */
static uint64_t sta_record[STA_RECORD_SIZE / 8];

/* Registers its record (zeroed: sequence 0) at its first entry. */
static void guest_sta_then_timer(struct vcpu *vcpu)
{
	if (!nentries)
		sbi_sta_enable(vcpu, gpa(GUEST_RAM_BASE),
			       hpa((uintptr_t)sta_record));
	guest_sstc_timer(vcpu);
}

static void test_sta_record_updated_after_the_wait(void **state)
{
	(void)state;
	fake_guest = guest_sta_then_timer;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 2);
	assert_int_equal(v0->stats.switches_in, 1);
	assert_int_equal((uint32_t)sta_record[0], 2); /* one update */
	assert_int_equal(sta_record[1], 0);	      /* steal */
}

/* Work deferred while the vCPU waits (the gdb stub's input, taken in
 * the host interrupt that came with the vCPU's own wakeup): the vCPU goes
 * back in, but keeps its old slice, and the hart timer is armed for its
 * end, so that a guest spinning from then on gives way to the work. */
static unsigned deferred_runs;
static uint64_t slice_end_at_wait;

static void count_deferred(void *arg)
{
	(void)arg;
	deferred_runs++;
}

static void defer_at_the_wakeup(void)
{
	if (wait_hooks++)
		return;
	slice_end_at_wait = cpus[0].slice_end;
	fake_time = t0 + SLICE / 2; /* the vCPU's Sstc timer ends the wfi */
	assert_true(fake_time < slice_end_at_wait);
	assert_int_equal(sched_defer(count_deferred, NULL), HV_OK);
}

static void guest_spins_after_its_timer(struct vcpu *vcpu)
{
	unsigned n = record_entry(vcpu);

	if (n == 0) {
		fake_advance_time(100);
		fake_guest_write_sie(vcpu, VIRQ_TIMER);
		fake_guest_write_stimecmp(vcpu, t0 + SLICE / 2);
		fake_exit_wfi(vcpu);
		return;
	}
	if (n == 1) {
		/* It spins until the hart timer, if one is armed. */
		fake_guest_write_stimecmp(vcpu, UINT64_MAX);
		assert_int_not_equal(fake_harts[0].timer_deadline, UINT64_MAX);
		fake_time = fake_harts[0].timer_deadline;
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
		return;
	}
	fake_exit_wfi(vcpu); /* not preempted: it would come back here */
}

static void test_work_deferred_during_the_wait_gets_the_slice_end(void **state)
{
	(void)state;
	deferred_runs = 0;
	fake_guest = guest_spins_after_its_timer;
	fake_wait_hook = defer_at_the_wakeup;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 2);
	assert_int_equal(v0->stats.switches_in, 1); /* it resumed in place */
	assert_int_equal(cpus[0].slice_end, slice_end_at_wait); /* kept */
	assert_int_equal(hart_timer_at_entry[1], slice_end_at_wait);
	assert_int_equal(v0->state, VCPU_RUNNABLE); /* preempted for it */
	assert_int_equal(deferred_runs, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_sstc_timer_wakes_in_place, setup),
		cmocka_unit_test_setup(test_masked_timer_does_not_end_the_wait,
				       setup),
		cmocka_unit_test_setup(test_sbi_timer_wakes_in_place, setup),
		cmocka_unit_test_setup(
			test_own_sbi_timer_ends_the_wait_without_a_pass, setup),
		cmocka_unit_test_setup(test_other_timer_due_takes_the_pass,
				       setup),
		cmocka_unit_test_setup(test_masked_own_sbi_timer_waits_on,
				       setup),
		cmocka_unit_test_setup(
			test_post_from_another_hart_ends_the_wait, setup),
		cmocka_unit_test_setup(test_queued_vcpu_ends_the_wait, setup),
		cmocka_unit_test_setup(
			test_no_wait_while_another_vcpu_waits_for_the_hart,
			setup),
		cmocka_unit_test_setup(test_switched_off_every_wfi_blocks,
				       setup),
		cmocka_unit_test_setup(test_backstop_wakes_when_vstip_does_not,
				       setup),
		cmocka_unit_test_setup(
			test_pause_while_waiting_leaves_it_blocked, setup),
		cmocka_unit_test_setup(test_external_interrupt_ends_the_wait,
				       setup),
		cmocka_unit_test_setup(
			test_fence_and_masked_post_do_not_end_the_wait, setup),
		cmocka_unit_test_setup(test_capped_vcpu_does_not_wait_in_place,
				       setup),
		cmocka_unit_test_setup(test_pull_only_without_a_wakeup, setup),
		cmocka_unit_test_setup(test_migrating_policy_gets_every_wfi,
				       setup),
		cmocka_unit_test_setup(
			test_work_deferred_during_the_wait_gets_the_slice_end,
			setup),
		cmocka_unit_test_setup(test_sta_record_updated_after_the_wait,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
