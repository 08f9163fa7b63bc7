// SPDX-License-Identifier: MIT
/*
 * Moving vCPUs between harts on the fake arch (sched/migrate.c and the
 * ownership rules of sched/ownership.c): runnable, blocked (its timers
 * are then the new hart's to watch), running (refused, or moved when it
 * leaves), refused harts, a move in progress, and the state that travels:
 * FP registers and VS CSRs saved where they were live.
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
static struct vcpu *v0, *v1;
static unsigned nentries;
static unsigned long entry_virq;
static unsigned entry_hart;

/* v0 and v1 both start on hart 0 and may use harts 0-2 of 4. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(4, SLICE);
	vm = fake_vm_create("a", 2, 0x7);
	v0 = &vm->vcpus[0];
	v1 = &vm->vcpus[1];
	fake_vcpu_place(v1, 0);
	nentries = 0;
	return 0;
}

/* Takes a pending software interrupt and waits with SSIE and STIE on;
 * with a timer interrupt pending it takes it and arms nothing. */
static void guest_wfi(struct vcpu *vcpu)
{
	nentries++;
	entry_virq = vcpu->arch.virq_injected;
	entry_hart = fake_current_hart();
	if (vcpu_timer_expired(vcpu, fake_time)) {
		fake_guest_write_stimecmp(vcpu, UINT64_MAX);
		vcpu->timer_deadline = UINT64_MAX; /* as set_timer(-1) */
	}
	fake_guest_write_sie(vcpu, VIRQ_SOFT | VIRQ_TIMER);
	vcpu->arch.virq_injected &= ~(VIRQ_SOFT | VIRQ_TIMER);
	fake_exit_wfi(vcpu);
}

static void run_blocked_on_hart0(struct vcpu *vcpu)
{
	fake_guest = guest_wfi;
	fake_vcpu_start(vm, vcpu->id, ENTRY);
	assert_ptr_equal(fake_step(0), vcpu);
	assert_int_equal(vcpu->state, VCPU_BLOCKED);
}

static void test_migrate_runnable_vcpu(void **state)
{
	(void)state;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_int_equal(cpus[0].rq.nr_queued, 1);
	unsigned ipis1 = fake_harts[1].ipis_received;

	fake_advance_time(300); /* it waits, then moves */
	assert_int_equal(sched_migrate(v0, &cpus[1]), HV_OK);
	assert_ptr_equal(v0->cpu, &cpus[1]);
	assert_int_equal(cpus[0].rq.nr_queued, 0);
	assert_int_equal(cpus[1].rq.nr_queued, 1);
	assert_int_equal(cpus[0].rq.nr_members, 1); /* v1 stays */
	assert_int_equal(cpus[1].rq.nr_members, 1);
	assert_int_equal(fake_harts[1].ipis_received, ipis1 + 1);
	assert_int_equal(v0->stats.migrations, 1);
	assert_false(v0->moving);
	fake_guest = guest_wfi;
	assert_null(fake_step(0));
	fake_advance_time(200);
	assert_ptr_equal(fake_step(1), v0);
	assert_int_equal(entry_hart, 1);
	/* Its wait counts from its start, across the move (steal time). */
	assert_true(v0->stats.wait_ticks >= 500);
}

/* A blocked vCPU's deadlines (SBI timer, stimecmp) move with it: the new
 * hart arms its timer for them and its timer interrupt wakes them. */
static enum exit_action ecall_set_timer(struct vcpu *vcpu)
{
	vcpu_set_timer(vcpu, fake_time + 4000);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_arms_timers(struct vcpu *vcpu)
{
	if (vcpu->arch.sepc == ENTRY) {
		if (vcpu == v0) {
			fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		} else {
			fake_guest_write_stimecmp(vcpu, fake_time + 2000);
			guest_wfi(vcpu);
		}
		return;
	}
	guest_wfi(vcpu);
}

static void test_blocked_vcpu_timers_move_with_it(void **state)
{
	(void)state;
	uint64_t t0 = fake_time;

	fake_guest = guest_arms_timers;
	fake_ecall_handler = ecall_set_timer;
	fake_vcpu_start(vm, 0, ENTRY);
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_ptr_equal(fake_step(0), v1);
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(v1->state, VCPU_BLOCKED);
	unsigned ipis2 = fake_harts[2].ipis_received;

	assert_int_equal(sched_migrate(v0, &cpus[2]), HV_OK);
	assert_int_equal(sched_migrate(v1, &cpus[2]), HV_OK);
	assert_int_equal(fake_harts[2].ipis_received, ipis2 + 2);
	assert_int_equal(v1->arch.vstimecmp, t0 + 2000); /* saved on hart 0 */
	/* Hart 0 has nothing to wake up for any more. */
	sched_update_timer();
	assert_int_equal(fake_harts[0].timer_deadline, UINT64_MAX);
	/* Hart 2 takes the IPI and arms its timer for them. */
	assert_null(fake_step(2));
	assert_int_equal(fake_harts[2].timer_deadline, t0 + 2000);
	assert_null(fake_step(2)); /* sleeps until stimecmp: v1 wakes */
	assert_int_equal(fake_time, t0 + 2000);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[2].timer_deadline, t0 + 4000);
	assert_ptr_equal(fake_step(2), v1);
	assert_int_equal(entry_hart, 2);
	assert_null(fake_step(2)); /* until the SBI deadline: v0 wakes */
	assert_int_equal(fake_time, t0 + 4000);
	assert_ptr_equal(fake_step(2), v0);
	assert_true(entry_virq & VIRQ_TIMER);
	assert_int_equal(entry_hart, 2);
}

/* A running vCPU is not moved by sched_migrate, in the guest or in an
 * exit handler, nor once it blocked until its hart switched it out. */
static int result_in_guest, result_in_exit, result_blocked_current;

static enum exit_action ecall_try_migrate(struct vcpu *vcpu)
{
	fake_set_hart(1);
	result_in_exit = sched_migrate(vcpu, &cpus[1]);
	fake_set_hart(0);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_tries_moves(struct vcpu *vcpu)
{
	if (nentries == 0) {
		nentries++;
		fake_set_hart(1);
		result_in_guest = sched_migrate(vcpu, &cpus[1]);
		fake_set_hart(0);
		fake_exit_ecall(vcpu, 0x10, 0, NULL, 0);
		return;
	}
	guest_wfi(vcpu);
}

static void probe_migrate_before_switch_out(enum fake_probe point)
{
	if (point != FAKE_PROBE_TIME || result_blocked_current ||
	    v0->state != VCPU_BLOCKED || cpus[0].current != v0 ||
	    cpus[0].rq.lock.locked)
		return;
	fake_set_hart(1);
	result_blocked_current = sched_migrate(v0, &cpus[1]);
	fake_set_hart(0);
}

static void test_running_vcpu_is_not_moved(void **state)
{
	(void)state;
	fake_guest = guest_tries_moves;
	fake_ecall_handler = ecall_try_migrate;
	fake_probe = probe_migrate_before_switch_out;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(result_in_guest, HV_EAGAIN);
	assert_int_equal(result_in_exit, HV_EAGAIN);
	assert_int_equal(result_blocked_current, HV_EAGAIN);
	assert_ptr_equal(v0->cpu, &cpus[0]);
	assert_int_equal(v0->stats.migrations, 0);
}

static void test_refused_and_trivial_targets(void **state)
{
	(void)state;
	run_blocked_on_hart0(v0);
	unsigned puts = fake_harts[0].puts;

	assert_int_equal(sched_migrate(v0, &cpus[3]), HV_EINVAL); /* mask */
	cpus[2].online = false;
	assert_int_equal(sched_migrate(v0, &cpus[2]), HV_EINVAL); /* off */
	cpus[2].online = true;
	assert_int_equal(sched_migrate(v0, &cpus[0]), HV_OK); /* itself */
	assert_ptr_equal(v0->cpu, &cpus[0]);
	assert_int_equal(v0->stats.migrations, 0);
	assert_int_equal(fake_harts[0].puts, puts); /* nothing unloaded */
	assert_ptr_equal(cpus[0].loaded, v0);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* sched_request_migration: the running vCPU leaves at its next exit and
 * continues on the target; a refused target is ignored. */
static struct cpu *requested_target;

static enum exit_action ecall_request_move(struct vcpu *vcpu)
{
	sched_request_migration(vcpu, requested_target);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void guest_asks_to_move(struct vcpu *vcpu)
{
	if (vcpu->arch.sepc == ENTRY) {
		fake_exit_ecall(vcpu, 0x10, 0, NULL, 0);
		return;
	}
	guest_wfi(vcpu);
}

static void test_requested_migration_at_next_exit(void **state)
{
	(void)state;
	fake_guest = guest_asks_to_move;
	fake_ecall_handler = ecall_request_move;
	requested_target = &cpus[1];
	fake_vcpu_start(vm, 0, ENTRY);
	unsigned flushes1 = fake_harts[1].tlb_flushes;
	unsigned fence_is1 = fake_harts[1].fence_is;

	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(fake_harts[0].entries, 1); /* left, not re-entered */
	assert_ptr_equal(v0->cpu, &cpus[1]);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_true(v0->se.queued);
	assert_null(v0->migrate_to);
	assert_null(cpus[0].loaded);
	assert_int_equal(v0->stats.migrations, 1);
	assert_ptr_equal(fake_step(1), v0);
	assert_int_equal(entry_hart, 1);
	assert_int_equal(fake_harts[1].tlb_flushes, flushes1 + 1);
	/* And fetches afresh what the guest wrote on hart 0. */
	assert_int_equal(fake_harts[1].fence_is, fence_is1 + 1);

	/* To a hart it may not use: it leaves once, and stays. */
	requested_target = &cpus[3];
	fake_vcpu_start(vm, 1, ENTRY);
	assert_ptr_equal(fake_step(0), v1);
	assert_ptr_equal(v1->cpu, &cpus[0]);
	assert_true(v1->se.queued);
	assert_int_equal(v1->stats.migrations, 0);
	assert_ptr_equal(fake_step(0), v1);
	assert_int_equal(v1->state, VCPU_BLOCKED);
}

/* FP registers (dirty) and VS CSRs are saved on the hart where they are
 * live, by a message when the caller is elsewhere, and the new hart
 * loads them; clean FP registers need no save. */
static void guest_writes_state(struct vcpu *vcpu)
{
	if (vcpu->arch.sepc == ENTRY) {
		fake_guest_write_fp(vcpu, 5, 0x5555 + vcpu->id);
		fake_harts[fake_current_hart()].live.vsscratch = 0xabc;
		fake_harts[fake_current_hart()].live.vsatp = 0x8000000000001234;
	}
	guest_wfi(vcpu);
}

static void test_state_saved_where_live_restored_on_new_hart(void **state)
{
	(void)state;
	fake_guest = guest_writes_state;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	unsigned saves = fake_harts[0].fp_saves, puts = fake_harts[0].puts;

	fake_set_hart(1); /* the move is made from hart 1 */
	assert_int_equal(sched_migrate(v0, &cpus[2]), HV_OK);
	assert_int_equal(fake_harts[0].fp_saves, saves + 1);
	assert_int_equal(fake_harts[0].puts, puts + 1);
	assert_null(cpus[0].loaded);
	assert_null(cpus[0].fp_owner);
	assert_int_equal(fake_harts[0].live.vsscratch, 0xdeadbeef);
	assert_int_equal(v0->arch.fp[5], 0x5555);
	assert_false(v0->arch.fp_dirty);
	vcpu_post_ipi(v0);
	unsigned restores = fake_harts[2].fp_restores;

	assert_ptr_equal(fake_step(2), v0);
	assert_int_equal(fake_harts[2].fp_restores, restores + 1);
	assert_int_equal(fake_harts[2].live.vsscratch, 0xabc);
	assert_int_equal(fake_harts[2].live.vsatp, 0x8000000000001234);
	fake_set_hart(2);
	assert_int_equal(fake_guest_read_fp(v0, 5), 0x5555);

	/* Back to hart 0: its FP registers were not written on hart 2. */
	saves = fake_harts[2].fp_saves;
	assert_int_equal(sched_migrate(v0, &cpus[0]), HV_OK);
	assert_int_equal(fake_harts[2].fp_saves, saves);
	assert_null(cpus[2].fp_owner);
	assert_int_equal(v0->stats.migrations, 2);
}

/* A move in progress (its state is being unloaded by a message): another
 * move is refused, the vCPU does not count as stopped, and a wakeup only
 * marks it runnable; the new hart queues it when the move completes. */
static bool probe_fired;
static int second_move;
static bool stopped_while_moving;

static void probe_during_move(enum fake_probe point)
{
	if (point != FAKE_PROBE_IPI_SENT || probe_fired || !v0->moving)
		return;
	probe_fired = true;
	second_move = sched_migrate(v0, &cpus[2]);
	stopped_while_moving = sched_vcpu_stopped(v0);
	unsigned ipis =
		fake_harts[0].ipis_received + fake_harts[1].ipis_received;

	vcpu_post_ipi(v0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_false(v0->se.queued);
	assert_int_equal(fake_harts[0].ipis_received +
				 fake_harts[1].ipis_received,
			 ipis);
}

static void test_move_in_progress(void **state)
{
	(void)state;
	run_blocked_on_hart0(v0);
	fake_set_hart(2);
	fake_probe = probe_during_move;
	assert_int_equal(sched_migrate(v0, &cpus[1]), HV_OK);
	fake_probe = NULL;
	assert_true(probe_fired);
	assert_int_equal(second_move, HV_EAGAIN);
	assert_false(stopped_while_moving);
	assert_ptr_equal(v0->cpu, &cpus[1]);
	assert_true(v0->se.queued);
	assert_int_equal(cpus[1].rq.nr_queued, 1);
	assert_int_equal(v0->stats.migrations, 1);
	assert_ptr_equal(fake_step(1), v0);
	assert_true(entry_virq & VIRQ_SOFT);
}

/* After a move, posting locks the new owner and kicks the new hart. */
static void test_wakeup_after_move_goes_to_new_hart(void **state)
{
	(void)state;
	run_blocked_on_hart0(v0);
	assert_int_equal(sched_migrate(v0, &cpus[1]), HV_OK);
	unsigned ipis0 = fake_harts[0].ipis_received;
	unsigned ipis1 = fake_harts[1].ipis_received;

	vcpu_post_ipi(v0);
	assert_int_equal(fake_harts[1].ipis_received, ipis1 + 1);
	assert_int_equal(fake_harts[0].ipis_received, ipis0);
	assert_int_equal(cpus[1].rq.nr_queued, 1);
	assert_int_equal(cpus[0].rq.nr_queued, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_migrate_runnable_vcpu, setup),
		cmocka_unit_test_setup(test_blocked_vcpu_timers_move_with_it,
				       setup),
		cmocka_unit_test_setup(test_running_vcpu_is_not_moved, setup),
		cmocka_unit_test_setup(test_refused_and_trivial_targets, setup),
		cmocka_unit_test_setup(test_requested_migration_at_next_exit,
				       setup),
		cmocka_unit_test_setup(
			test_state_saved_where_live_restored_on_new_hart,
			setup),
		cmocka_unit_test_setup(test_move_in_progress, setup),
		cmocka_unit_test_setup(test_wakeup_after_move_goes_to_new_hart,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
