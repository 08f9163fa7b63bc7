// SPDX-License-Identifier: MIT
/*
 * Per-hart data (hv/core/percpu.c): dense cpu indices for physical hart
 * ids that may be sparse or larger than the array, and a hart finding its
 * own slot. this_cpu() is the fake arch's: its pointer is defined here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/percpu.h>

struct cpu *fake_current_cpu;

static void test_sparse_and_large_hart_ids(void **state)
{
	(void)state;
	static const unsigned ids[] = {4, 0, 9, 1000};

	memset(cpus, 0, sizeof(cpus));
	percpu_assign_harts(ids, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(cpus[i].index, i);
		assert_int_equal(cpus[i].hartid, ids[i]);
		assert_true(cpus[i].present);
		assert_ptr_equal(cpu_by_hartid(ids[i]), &cpus[i]);
		assert_ptr_equal(cpu_by_index(i), &cpus[i]);
	}
	assert_null(cpu_by_hartid(1));
	assert_null(cpu_by_index(4)); /* not present */
	assert_null(cpu_by_index(HV_MAX_HARTS));
	assert_null(cpu_by_index(~0UL));
}

static void test_more_harts_than_slots(void **state)
{
	(void)state;
	unsigned ids[HV_MAX_HARTS + 3];

	memset(cpus, 0, sizeof(cpus));
	for (unsigned i = 0; i < HV_MAX_HARTS + 3; i++)
		ids[i] = 100 + i;
	percpu_assign_harts(ids, HV_MAX_HARTS + 3);
	assert_int_equal(cpus[HV_MAX_HARTS - 1].hartid, 100 + HV_MAX_HARTS - 1);
	assert_null(cpu_by_hartid(100 + HV_MAX_HARTS));
}

/* A hart takes its slot only if the slot is for its hart id. */
static void test_hart_finds_its_slot(void **state)
{
	(void)state;
	static const unsigned ids[] = {3, 1000};

	memset(cpus, 0, sizeof(cpus));
	fake_current_cpu = NULL;
	percpu_assign_harts(ids, 2);
	assert_false(percpu_init_this_hart(0, 1000));
	assert_false(percpu_init_this_hart(2, 1000)); /* not present */
	assert_false(percpu_init_this_hart(HV_MAX_HARTS, 3));
	assert_null(this_cpu());
	assert_true(percpu_init_this_hart(1, 1000));
	assert_ptr_equal(this_cpu(), &cpus[1]);
	assert_true(percpu_init_this_hart(0, 3));
	assert_ptr_equal(this_cpu(), &cpus[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparse_and_large_hart_ids),
		cmocka_unit_test(test_more_harts_than_slots),
		cmocka_unit_test(test_hart_finds_its_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
