// SPDX-License-Identifier: MIT
/*
 * The VMID allocator (hv/mm/vmid.c) on the fake machine: VMID 0 is never
 * handed out, clean VMIDs go first, a VMID given back by a VM that ran is
 * flushed on every online hart (hfence.gvma for that VMID) before its
 * next owner gets it, one that never ran is not, and the space ends at
 * the hart's VMID width.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/vmid.h>
#include "fake_machine.h"

#define HARTS 3

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(HARTS, 1000);
	vmid_init();
	return 0;
}

static unsigned alloc(unsigned bits)
{
	unsigned vmid = 0;

	assert_int_equal(vmid_alloc(bits, &vmid), HV_OK);
	return vmid;
}

static unsigned flushes(unsigned hart)
{
	return fake_harts[hart].stage2_flushes;
}

static void test_lowest_clean_first_and_the_limit(void **state)
{
	(void)state;
	unsigned vmid;

	assert_int_equal(alloc(2), 1);
	assert_int_equal(alloc(2), 2);
	assert_int_equal(alloc(2), 3);
	assert_int_equal(vmid_alloc(2, &vmid), HV_ERANGE); /* 0 is ours */
	vmid_release(2, false);
	assert_int_equal(alloc(2), 2); /* never ran: no flush */
	for (unsigned i = 0; i < HARTS; i++)
		assert_int_equal(flushes(i), 0);
	assert_int_equal(vmid_alloc(0, &vmid), HV_ERANGE);
}

static void test_a_used_vmid_is_flushed_everywhere_before_reuse(void **state)
{
	(void)state;
	assert_int_equal(alloc(2), 1);
	assert_int_equal(alloc(2), 2);
	vmid_release(1, true);
	/* A clean one goes first: no flush is paid while one is left. */
	assert_int_equal(alloc(2), 3);
	for (unsigned i = 0; i < HARTS; i++)
		assert_int_equal(flushes(i), 0);
	/* Then the used one, flushed on every online hart first. */
	assert_int_equal(alloc(2), 1);
	for (unsigned i = 0; i < HARTS; i++) {
		assert_int_equal(flushes(i), 1);
		assert_int_equal(fake_harts[i].stage2_flushed_vmid, 1);
	}
	/* Handed out again, it is clean: releasing what is not in use, or
	 * VMID 0, changes nothing. */
	vmid_release(0, true);
	vmid_release(3, false);
	vmid_release(3, true);
	assert_int_equal(alloc(2), 3);
	for (unsigned i = 0; i < HARTS; i++)
		assert_int_equal(flushes(i), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_lowest_clean_first_and_the_limit,
				       setup),
		cmocka_unit_test_setup(
			test_a_used_vmid_is_flushed_everywhere_before_reuse,
			setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
