// SPDX-License-Identifier: MIT
/*
 * wfi in the guest itself on the fake arch (sched/wfi_in_guest.c): after
 * a wfi waited out in place, a vCPU with a hart to itself and nothing
 * queued anywhere sleeps through its next wfi with no exit
 * (arch.wfi_in_guest, hstatus.VTW clear on RISC-V), until a vCPU is queued
 * anywhere, which kicks its hart and turns the trap back on.
 *
 * The fake guest's first entry arms its Sstc timer and executes wfi (an
 * exit, waited out in place until the deadline); the second one records
 * whether its wfi would stay in the guest and then acts as the test
 * says; the vCPU stops itself (an ecall the stub turns into an HSM stop)
 * at the last entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "fake_machine.h"
#include "sched/policy.h"

#define SLICE 1000
#define ENTRY 0x80000000UL
#define DEADLINE 50000
#define MAX_ENTRIES 4

static struct vm *vm;
static struct vcpu *v0, *v1;
static unsigned nentries;
static int wfi_in_guest_at_entry[MAX_ENTRIES]; /* -1: no such entry */
static void (*at_second_entry)(struct vcpu *vcpu);
static uint64_t t0;

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	sched_wait_in_place_enabled = true;
	sched_wfi_in_guest_enabled = true;
	vm = fake_vm_create("a", 2, 0);
	v0 = &vm->vcpus[0]; /* hart 0 */
	v1 = &vm->vcpus[1]; /* hart 1 */
	nentries = 0;
	for (unsigned i = 0; i < MAX_ENTRIES; i++)
		wfi_in_guest_at_entry[i] = -1;
	at_second_entry = NULL;
	t0 = fake_time;
	return 0;
}

static enum exit_action stop_self(struct vcpu *vcpu)
{
	sched_stop_current(vcpu);
	return EXIT_RESCHEDULE;
}

static void guest(struct vcpu *vcpu)
{
	unsigned n = nentries++;

	if (n < MAX_ENTRIES)
		wfi_in_guest_at_entry[n] = vcpu->arch.wfi_in_guest;
	if (n == 0) {
		fake_guest_write_sie(vcpu, VIRQ_TIMER);
		fake_guest_write_stimecmp(vcpu, t0 + DEADLINE);
		fake_exit_wfi(vcpu);
	} else if (n == 1 && at_second_entry) {
		at_second_entry(vcpu);
	} else {
		fake_exit_ecall(vcpu, 0, 0, NULL, 0);
	}
}

static void run_v0(void)
{
	fake_guest = guest;
	fake_ecall_handler = stop_self;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
}

static void test_alone_its_wfi_stays_in_the_guest(void **state)
{
	(void)state;
	run_v0();
	assert_int_equal(v0->stats.wfi_waits, 1);
	assert_int_equal(
		false, wfi_in_guest_at_entry[0]); /* a fresh vCPU's wfi exits */
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
}

static void test_switched_off_every_wfi_exits(void **state)
{
	(void)state;
	sched_wfi_in_guest_enabled = false;
	run_v0();
	assert_int_equal(v0->stats.wfi_waits, 1);
	assert_int_equal(false, wfi_in_guest_at_entry[1]);
}

/* Output to drain, or a paused UART transmission: its next wfi exits, so
 * that the exit can show a prompt or resume the transmission. */
static void test_console_output_waiting_keeps_the_trap(void **state)
{
	(void)state;
	fake_console_busy = true;
	run_v0();
	assert_int_equal(false, wfi_in_guest_at_entry[1]);
}

static void test_paused_uart_keeps_the_trap(void **state)
{
	(void)state;
	fake_vdev_event = t0 + 10 * DEADLINE;
	run_v0();
	assert_int_equal(false, wfi_in_guest_at_entry[1]);
}

/* A vCPU queued on another hart, with a policy that balances: an idle
 * hart may have to pull it, so this one must keep seeing its vCPU's
 * idleness. (This one may only run on hart 1, so v0's hart does not
 * pull it at its wfi.) */
static void test_work_queued_elsewhere_keeps_the_trap(void **state)
{
	(void)state;
	struct vm *pinned = fake_vm_create("b", 1, 0x2);

	assert_int_equal(sched_configure("fair", SLICE), HV_OK);
	fake_vcpu_place(&pinned->vcpus[0], 1);
	fake_vcpu_start(pinned, 0, ENTRY); /* queued on hart 1, not run */
	assert_int_equal(cpus[1].rq.nr_queued, 1);
	run_v0();
	assert_int_equal(v0->stats.wfi_waits, 1);
	assert_int_equal(false, wfi_in_guest_at_entry[1]);
}

/* A capped VM's budget is the scheduler's at every slice: its wfi
 * blocks the vCPU, which its timer wakes, and the trap stays on. */
static void test_cap_keeps_the_trap(void **state)
{
	(void)state;
	vm->sched.cap_percent = 50;
	run_v0();
	assert_int_equal(v0->stats.wfi_waits, 0);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	fake_advance_time(DEADLINE);
	assert_null(fake_step(0)); /* the timer pass wakes it */
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(wfi_in_guest_at_entry[1], false);
}

/* While v0 sleeps in its guest, hart 1 queues v1: hart 0 gets an IPI,
 * and its IPI pass turns v0's trap back on before v0 goes back in. */
/* What hart 1 doing act sends hart 0: the IPIs, counted. */
static unsigned ipis_to_hart0_while_hart1(void (*act)(void))
{
	unsigned ipis = fake_harts[0].ipis_received;

	fake_set_hart(1);
	act();
	fake_set_hart(0);
	return fake_harts[0].ipis_received - ipis;
}

static void start_v1(void)
{
	fake_vcpu_start(vm, 1, ENTRY);
}

static void cap_the_vm(void)
{
	assert_int_equal(sched_set_vm_cap(vm, 50), HV_OK);
}

static void queue_v1_from_hart1(struct vcpu *vcpu)
{
	/* notify_cpu kicks hart 1 itself; hart 0 is kicked as a sleeper. */
	assert_int_equal(ipis_to_hart0_while_hart1(start_v1), 1);
	assert_true(vcpu->arch.wfi_in_guest); /* until hart 0 takes it */
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
}

static void test_queued_anywhere_turns_the_trap_back_on(void **state)
{
	(void)state;
	assert_int_equal(sched_configure("fair", SLICE), HV_OK);
	at_second_entry = queue_v1_from_hart1;
	run_v0();
	assert_int_equal(nentries, 3);
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
	assert_int_equal(false, wfi_in_guest_at_entry[2]);
}

/* Round-robin never moves a vCPU: what other harts queue is theirs. */
static void queue_v1_from_hart1_round_robin(struct vcpu *vcpu)
{
	assert_int_equal(ipis_to_hart0_while_hart1(start_v1), 0);
	assert_true(vcpu->arch.wfi_in_guest);
	fake_exit_ecall(vcpu, 0, 0, NULL, 0);
}

static void test_round_robin_ignores_other_harts_queues(void **state)
{
	(void)state;
	fake_vcpu_start(vm, 1, ENTRY); /* queued on hart 1, not run */
	run_v0();
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
	fake_machine_reset(2, SLICE); /* v1 queued: start over */
	setup(NULL);
	at_second_entry = queue_v1_from_hart1_round_robin;
	run_v0();
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
}

/* A vCPU queued on v0's hart without a kick (as the fair policy releases
 * a capped vCPU at its period's end, in the timer pass): that pass turns
 * the trap back on. */
static void queue_behind_v0_in_a_timer_pass(struct vcpu *vcpu)
{
	struct runqueue *rq = &cpus[0].rq;

	fake_vcpu_place(v1, 0);
	spin_lock(&rq->lock);
	v1->state = VCPU_RUNNABLE;
	rq->policy->enqueue(rq, &v1->se);
	spin_unlock(&rq->lock);
	assert_true(vcpu->arch.wfi_in_guest);
	sched_update_timer();
	assert_false(vcpu->arch.wfi_in_guest);
	fake_exit_ecall(vcpu, 0, 0, NULL, 0);
}

static void test_timer_pass_sees_work_queued_here(void **state)
{
	(void)state;
	at_second_entry = queue_behind_v0_in_a_timer_pass;
	run_v0();
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
}

/* A cap set from another hart (the monitor) while v0 sleeps in its
 * guest: hart 0 is kicked, and the cap applies from its next wfi. */
static void cap_from_hart1(struct vcpu *vcpu)
{
	assert_int_equal(ipis_to_hart0_while_hart1(cap_the_vm), 1);
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
}

static void test_cap_set_meanwhile_turns_the_trap_back_on(void **state)
{
	(void)state;
	at_second_entry = cap_from_hart1;
	run_v0();
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
	assert_int_equal(false, wfi_in_guest_at_entry[2]);
}

/* Queued by v0's own hart (v0 starts v1, placed there): no IPI to
 * itself, the trap is back on at once. */
static void queue_v1_here(struct vcpu *vcpu)
{
	unsigned ipis = fake_harts[0].ipis_received;

	fake_vcpu_place(v1, 0);
	fake_vcpu_start(vm, 1, ENTRY);
	assert_int_equal(fake_harts[0].ipis_received, ipis);
	assert_false(vcpu->arch.wfi_in_guest);
	fake_exit_ecall(vcpu, 0, 0, NULL, 0);
}

static void test_queued_here_turns_the_trap_back_on(void **state)
{
	(void)state;
	at_second_entry = queue_v1_here;
	run_v0();
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
}

/* Queued on v0's own hart by hart 1 (v1 placed there): hart 0 gets one
 * IPI, the queuer's notice, not a second one for its bit, and that IPI's
 * pass turns the trap back on. The same with either kind of policy. */
static void start_v1_on_hart0(void)
{
	fake_vcpu_place(v1, 0);
	fake_vcpu_start(vm, 1, ENTRY);
}

static void queue_v1_on_hart0_from_hart1(struct vcpu *vcpu)
{
	assert_int_equal(ipis_to_hart0_while_hart1(start_v1_on_hart0), 1);
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
}

static void test_queued_here_from_another_hart_one_ipi(void **state)
{
	static const char *const policies[] = {"round-robin", "fair"};

	(void)state;
	for (unsigned i = 0; i < 2; i++) {
		setup(NULL);
		assert_int_equal(sched_configure(policies[i], SLICE), HV_OK);
		at_second_entry = queue_v1_on_hart0_from_hart1;
		run_v0();
		assert_int_equal(true, wfi_in_guest_at_entry[1]);
		assert_int_equal(false, wfi_in_guest_at_entry[2]);
	}
}

/* A cap set to what it already is changes nothing a sleeper's decision
 * read: no hart is kicked, v0 sleeps on in its guest. */
static void keep_the_cap(void)
{
	assert_int_equal(sched_set_vm_cap(vm, 0), HV_OK);
}

static void same_cap_from_hart1(struct vcpu *vcpu)
{
	assert_int_equal(ipis_to_hart0_while_hart1(keep_the_cap), 0);
	assert_true(vcpu->arch.wfi_in_guest);
	fake_exit_ecall(vcpu, 0, 0, NULL, 0);
}

static void test_unchanged_cap_kicks_no_hart(void **state)
{
	(void)state;
	at_second_entry = same_cap_from_hart1;
	run_v0();
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
}

/* Deferred work on the hart: the next wfi exits, so that its wait in
 * place can give way to the work. */
static void deferred(void *arg)
{
	(void)arg;
}

static void defer_work(struct vcpu *vcpu)
{
	assert_int_equal(sched_defer(deferred, NULL), HV_OK);
	assert_false(vcpu->arch.wfi_in_guest);
	fake_exit_ecall(vcpu, 0, 0, NULL, 0);
}

static void test_deferred_work_turns_the_trap_back_on(void **state)
{
	(void)state;
	at_second_entry = defer_work;
	run_v0();
	assert_int_equal(true, wfi_in_guest_at_entry[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alone_its_wfi_stays_in_the_guest,
				       setup),
		cmocka_unit_test_setup(test_switched_off_every_wfi_exits,
				       setup),
		cmocka_unit_test_setup(
			test_console_output_waiting_keeps_the_trap, setup),
		cmocka_unit_test_setup(test_paused_uart_keeps_the_trap, setup),
		cmocka_unit_test_setup(
			test_work_queued_elsewhere_keeps_the_trap, setup),
		cmocka_unit_test_setup(test_cap_keeps_the_trap, setup),
		cmocka_unit_test_setup(
			test_queued_anywhere_turns_the_trap_back_on, setup),
		cmocka_unit_test_setup(test_queued_here_turns_the_trap_back_on,
				       setup),
		cmocka_unit_test_setup(
			test_round_robin_ignores_other_harts_queues, setup),
		cmocka_unit_test_setup(test_timer_pass_sees_work_queued_here,
				       setup),
		cmocka_unit_test_setup(
			test_cap_set_meanwhile_turns_the_trap_back_on, setup),
		cmocka_unit_test_setup(
			test_deferred_work_turns_the_trap_back_on, setup),
		cmocka_unit_test_setup(
			test_queued_here_from_another_hart_one_ipi, setup),
		cmocka_unit_test_setup(test_unchanged_cap_kicks_no_hart, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
