// SPDX-License-Identifier: MIT
/*
 * The loads balancing reads (sched/balance.c) follow changes that another
 * hart makes to a runqueue: a vCPU moved away by another hart counts no
 * more on the hart it left, though that hart made no decision since. A
 * stale load once kept a hart whose one vCPU ran alone looking busy, so
 * nothing was pushed to it (the linux-weights-1-3 case: 41 % for a VM of
 * weight 1 against 3).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "fake_machine.h"
#include "sched/balance.h"
#include "sched/internal.h"

#define SLICE 100000 /* 10 ms */
#define ENTRY 0x80000000UL

static void start_on(struct vm *vm, unsigned i, unsigned hart)
{
	fake_vcpu_place(&vm->vcpus[i], hart);
	fake_vcpu_start(vm, i, ENTRY);
	assert_ptr_equal(vm->vcpus[i].cpu, &cpus[hart]);
}

static void test_load_follows_a_move_by_another_hart(void **state)
{
	(void)state;
	fake_machine_reset(3, SLICE);
	assert_int_equal(sched_configure("fair", SLICE), HV_OK);
	/* x may run anywhere: A and B queued on hart 1. y only on harts 1
	 * and 2: C, D and E queued on hart 2. Hart 0 is empty. */
	struct vm *x = fake_vm_create("x", 2, 0);
	struct vm *y = fake_vm_create("y", 3, 0x6);

	x->sched.weight = y->sched.weight = SCHED_WEIGHT_DEFAULT;

	start_on(x, 0, 1);
	start_on(x, 1, 1);
	for (unsigned i = 0; i < 3; i++)
		start_on(y, i, 2);
	/* Hart 0 takes B; hart 1 makes no decision after that. */
	fake_set_hart(0);
	assert_int_equal(sched_migrate(&x->vcpus[1], &cpus[0]), HV_OK);
	fake_set_hart(2);
	/* Long after (the averages have settled), hart 2 preempts D: with
	 * 3 vCPUs against hart 1's one, D goes there (hart 0 is not D's). */
	fake_advance_time(100 * SLICE);
	struct vcpu *d = &y->vcpus[1];
	struct runqueue *rq = &cpus[2].rq;

	spin_lock(&rq->lock);
	struct cpu *target = sched_balance_push(&cpus[2], d, fake_time);
	spin_unlock(&rq->lock);
	assert_ptr_equal(target, &cpus[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_follows_a_move_by_another_hart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
