// SPDX-License-Identifier: MIT
/*
 * Migration as the harts see it, on the fake arch: VS-stage TLB flushes
 * when a vCPU's hart changed or another vCPU of its VM ran there, the
 * test-only migrate-random policy (moves within allowed_cpus only, FP
 * state intact), policy selection, and the ownership re-check of
 * sched_lock_vcpu() against a concurrent move (a real second thread).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "fake_machine.h"
#include "sched/internal.h"
#include "sched/policy.h"

#define SLICE 1000
#define ENTRY 0x80000000UL

static unsigned flushes_at_entry;
static uint64_t fp_expected[8]; /* by VM index * 2 + vCPU id */
static unsigned fp_mismatches;
static uint64_t fp_counter;

/* Checks that f1 still holds what it wrote last time (on whichever
 * hart), writes a new value, and waits in wfi with SSIE on. */
static void guest(struct vcpu *vcpu)
{
	uint64_t *expected = &fp_expected[vcpu->vm->index * 2 + vcpu->id];

	flushes_at_entry = fake_harts[fake_current_hart()].tlb_flushes;
	if (vcpu->arch.sepc != ENTRY &&
	    fake_guest_read_fp(vcpu, 1) != *expected)
		fp_mismatches++;
	*expected = ++fp_counter;
	fake_guest_write_fp(vcpu, 1, fp_counter);
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(4, SLICE);
	fake_guest = guest;
	fp_mismatches = 0;
	fp_counter = 0;
	return 0;
}

/* Wake vcpu (from hart 0) and run it on the hart that owns it. */
static struct cpu *wake_and_run(struct vcpu *vcpu)
{
	struct cpu *cpu;

	fake_set_hart(0);
	vcpu_post_ipi(vcpu);
	cpu = vcpu->cpu;
	assert_ptr_equal(fake_step(cpu->index), vcpu);
	return cpu;
}

static unsigned flushes(unsigned hart)
{
	return fake_harts[hart].tlb_flushes;
}

static void test_tlb_flush_when_hart_or_vcpu_changed(void **state)
{
	(void)state;
	struct vm *a = fake_vm_create("a", 2, 0x3);
	struct vm *b = fake_vm_create("b", 1, 0x3);
	struct vcpu *v0 = &a->vcpus[0], *v1 = &a->vcpus[1];

	fake_vcpu_place(v1, 0);
	fake_vcpu_start(a, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(flushes(0), 1); /* first entry */
	assert_int_equal(flushes_at_entry, 1);
	wake_and_run(v0);
	assert_int_equal(flushes(0), 1); /* same vCPU, same hart */
	/* Another VM's vCPU runs here: its own VMID, no flush for v0. */
	fake_vcpu_start(b, 0, ENTRY);
	assert_ptr_equal(fake_step(0), &b->vcpus[0]);
	assert_int_equal(flushes(0), 2);
	wake_and_run(v0);
	assert_int_equal(flushes(0), 2);
	/* A sibling ran here: v0 must not see its translations. */
	fake_vcpu_start(a, 1, ENTRY);
	assert_ptr_equal(fake_step(0), v1);
	assert_int_equal(flushes(0), 3);
	wake_and_run(v0);
	assert_int_equal(flushes(0), 4);
	assert_int_equal(flushes_at_entry, 4); /* before the entry */
	/* It moves: flushed on the new hart, and again when it is back. */
	assert_int_equal(sched_migrate(v0, &cpus[1]), HV_OK);
	wake_and_run(v0);
	assert_int_equal(flushes(1), 1);
	assert_ptr_equal(v0->last_cpu, &cpus[1]);
	assert_int_equal(sched_migrate(v0, &cpus[0]), HV_OK);
	wake_and_run(v0);
	assert_int_equal(flushes(0), 5);
	assert_int_equal(v0->stats.migrations, 2);
	assert_int_equal(fp_mismatches, 0);
}

static void test_policy_selection(void **state)
{
	(void)state;
	assert_int_equal(sched_configure("no-such-policy", 5), HV_EINVAL);
	assert_string_equal(sched_policy_name(&cpus[0]), "round-robin");
	assert_int_equal(cpus[1].rq.time_slice, SLICE);
	assert_non_null(sched_policy_by_name("round-robin"));
	assert_null(sched_policy_by_name("Round-Robin"));
	cpus[3].online = false;
	assert_int_equal(sched_configure("migrate-random", 77), HV_OK);
	assert_string_equal(sched_policy_name(&cpus[2]), "migrate-random");
	assert_int_equal(cpus[2].rq.time_slice, 77);
	assert_string_equal(sched_policy_name(&cpus[3]), "round-robin");
}

/* Every switch moves the vCPU to a random hart it is allowed on: over
 * many switches both allowed harts are used, never another, and its FP
 * registers follow it. */
static void test_migrate_random_stays_within_allowed_harts(void **state)
{
	(void)state;
	struct vm *vm = fake_vm_create("a", 2, 0x6); /* harts 1 and 2 */
	unsigned long seen[2] = {0, 0};
	unsigned changes[2] = {0, 0};

	assert_int_equal(sched_configure("migrate-random", SLICE), HV_OK);
	fake_vcpu_place(&vm->vcpus[0], 1);
	fake_vcpu_place(&vm->vcpus[1], 2);
	for (unsigned i = 0; i < 2; i++) {
		fake_set_hart(0);
		fake_vcpu_start(vm, i, ENTRY);
		assert_ptr_equal(fake_step(vm->vcpus[i].cpu->index),
				 &vm->vcpus[i]);
	}
	for (unsigned round = 0; round < 40; round++) {
		for (unsigned i = 0; i < 2; i++) {
			struct vcpu *vcpu = &vm->vcpus[i];
			struct cpu *before = vcpu->cpu;
			struct cpu *ran = wake_and_run(vcpu);

			assert_ptr_equal(ran, before);
			seen[i] |= 1UL << ran->index;
			if (vcpu->cpu != ran)
				changes[i]++;
		}
	}
	for (unsigned i = 0; i < 2; i++) {
		assert_int_equal(seen[i], 0x6);
		assert_true(changes[i] > 5);
		assert_true(vm->vcpus[i].stats.migrations >= changes[i]);
		assert_int_equal(vm->vcpus[i].allowed_cpus, 0x6);
	}
	assert_int_equal(fp_mismatches, 0);
	assert_int_equal(cpus[0].rq.nr_members + cpus[3].rq.nr_members, 0);
}

/* With none of its allowed harts online, it stays where it is. */
static void test_migrate_random_without_allowed_hart_stays(void **state)
{
	(void)state;
	struct vm *vm = fake_vm_create("a", 1, 0x8); /* hart 3 only */
	struct vcpu *v0 = &vm->vcpus[0];

	assert_int_equal(sched_configure("migrate-random", SLICE), HV_OK);
	cpus[3].online = false;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	for (unsigned i = 0; i < 5; i++)
		assert_ptr_equal(wake_and_run(v0), &cpus[0]);
	assert_int_equal(v0->stats.migrations, 0);
}

/*
 * sched_lock_vcpu() while another hart moves the vCPU: it read the old
 * owner and waits for its lock, which the mover holds while it hands the
 * vCPU over; once it gets the lock it must notice that the owner changed
 * and lock the new one. (If the mover is done before it reads the owner,
 * it locks the new owner directly: the result is the same.)
 */
static struct vcpu *moved;
static int mover_ready, locker_started;

static void *mover(void *arg)
{
	(void)arg;
	spin_lock(&cpus[0].rq.lock);
	__atomic_store_n(&mover_ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&locker_started, __ATOMIC_SEQ_CST))
		;
	usleep(20000);		     /* the locker now spins on hart 0's lock */
	spin_lock(&cpus[1].rq.lock); /* index order: 0, then 1 */
	sched_member_remove(&cpus[0].rq, &moved->se);
	sched_member_add(&cpus[1].rq, &moved->se);
	__atomic_store_n(&moved->cpu, &cpus[1], __ATOMIC_RELEASE);
	spin_unlock(&cpus[1].rq.lock);
	spin_unlock(&cpus[0].rq.lock);
	return NULL;
}

static void test_lock_vcpu_rechecks_the_owner(void **state)
{
	(void)state;
	struct vm *vm = fake_vm_create("a", 1, 0x3);
	pthread_t thread;

	moved = &vm->vcpus[0];
	assert_ptr_equal(moved->cpu, &cpus[0]);
	assert_int_equal(pthread_create(&thread, NULL, mover, NULL), 0);
	while (!__atomic_load_n(&mover_ready, __ATOMIC_SEQ_CST))
		;
	__atomic_store_n(&locker_started, 1, __ATOMIC_SEQ_CST);
	struct runqueue *rq = sched_lock_vcpu(moved);

	assert_ptr_equal(rq, &cpus[1].rq);
	assert_int_equal(cpus[1].rq.lock.locked, 1);
	assert_int_equal(pthread_join(thread, NULL), 0);
	assert_int_equal(cpus[0].rq.lock.locked, 0);
	spin_unlock(&rq->lock);
	assert_int_equal(cpus[1].rq.nr_members, 1);
}

/* The one lock order: both locks, in cpu index order, whichever order
 * the caller names them in; the same cpu twice is one lock. */
static void test_lock_two_in_index_order(void **state)
{
	(void)state;
	sched_lock_two(&cpus[2], &cpus[1]);
	assert_int_equal(cpus[1].rq.lock.locked, 1);
	assert_int_equal(cpus[2].rq.lock.locked, 1);
	sched_unlock_two(&cpus[2], &cpus[1]);
	assert_int_equal(cpus[1].rq.lock.locked + cpus[2].rq.lock.locked, 0);
	sched_lock_two(&cpus[3], &cpus[3]);
	assert_int_equal(cpus[3].rq.lock.locked, 1);
	sched_unlock_two(&cpus[3], &cpus[3]);
	assert_int_equal(cpus[3].rq.lock.locked, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_tlb_flush_when_hart_or_vcpu_changed,
				       setup),
		cmocka_unit_test_setup(test_policy_selection, setup),
		cmocka_unit_test_setup(
			test_migrate_random_stays_within_allowed_harts, setup),
		cmocka_unit_test_setup(
			test_migrate_random_without_allowed_hart_stays, setup),
		cmocka_unit_test_setup(test_lock_vcpu_rechecks_the_owner,
				       setup),
		cmocka_unit_test_setup(test_lock_two_in_index_order, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
