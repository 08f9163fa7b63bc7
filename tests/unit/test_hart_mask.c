// SPDX-License-Identifier: MIT
/*
 * Host unit tests for hart_mask / hart_mask_base decoding
 * (hv/sbi/hart_mask.c, SBI spec "Hart list").
 *
 * Besides hand-picked cases, every (mask, base, num_harts) in a small
 * range is checked against a reference written the slow, obvious way:
 * hart number by hart number, in 128-bit arithmetic so it cannot wrap.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/sbi.h>

#define POISON 0xdeadbeefcafef00dUL

static int resolve(unsigned long mask, unsigned long base, unsigned num_harts,
		   unsigned long *targets)
{
	*targets = POISON;
	return sbi_hart_mask_resolve(mask, base, num_harts, targets);
}

/* Reference: bit i of mask names hart base + i, which must exist. */
static int reference(unsigned long mask, unsigned long base, unsigned num_harts,
		     unsigned long *targets)
{
	*targets = 0;
	if (num_harts < 1 || num_harts > 64)
		return HV_EINVAL;
	if (base == ULONG_MAX) {
		for (unsigned hart = 0; hart < num_harts; hart++)
			*targets |= 1UL << hart;
		return HV_OK;
	}
	for (unsigned i = 0; i < 64; i++) {
		unsigned __int128 hart = (unsigned __int128)base + i;

		if (!((mask >> i) & 1))
			continue;
		if (hart >= num_harts) {
			*targets = 0;
			return HV_EINVAL;
		}
		*targets |= 1UL << (unsigned)hart;
	}
	return HV_OK;
}

static void test_base_all_harts(void **state)
{
	unsigned long targets;

	(void)state;
	for (unsigned n = 1; n <= 64; n++) {
		unsigned long want = 0;

		for (unsigned hart = 0; hart < n; hart++)
			want |= 1UL << hart;
		/* The mask is ignored when base is -1. */
		assert_int_equal(resolve(0, -1UL, n, &targets), HV_OK);
		assert_int_equal(targets, want);
		assert_int_equal(resolve(~0UL, -1UL, n, &targets), HV_OK);
		assert_int_equal(targets, want);
	}
	assert_int_equal(resolve(1, -1UL, 64, &targets), HV_OK);
	assert_int_equal(targets, ~0UL);
}

static void test_simple_masks(void **state)
{
	unsigned long targets;

	(void)state;
	assert_int_equal(resolve(0x5, 0, 4, &targets), HV_OK);
	assert_int_equal(targets, 0x5);
	assert_int_equal(resolve(0x1, 3, 4, &targets), HV_OK);
	assert_int_equal(targets, 0x8);
	assert_int_equal(resolve(0x3, 2, 4, &targets), HV_OK);
	assert_int_equal(targets, 0xc);
	assert_int_equal(resolve(0x3, 1, 8, &targets), HV_OK);
	assert_int_equal(targets, 0x6);
}

static void test_bits_beyond_num_harts(void **state)
{
	unsigned long targets;

	(void)state;
	assert_int_equal(resolve(0x10, 0, 4, &targets), HV_EINVAL);
	assert_int_equal(resolve(0x3, 3, 4, &targets), HV_EINVAL);
	assert_int_equal(resolve(0x1, 4, 4, &targets), HV_EINVAL);
	assert_int_equal(resolve(1UL << 63, 0, 63, &targets), HV_EINVAL);
	assert_int_equal(resolve(0x2, 63, 64, &targets), HV_EINVAL);
	/* One good bit does not excuse a bad one. */
	assert_int_equal(resolve(0x11, 0, 4, &targets), HV_EINVAL);
}

static void test_hostile_bases(void **state)
{
	static const unsigned long bases[] = {
		ULONG_MAX - 1,
		ULONG_MAX - 2,
		ULONG_MAX - 63,
		ULONG_MAX - 64,
		1UL << 63,
		(1UL << 63) - 1,
		1UL << 32,
		65,
		64,
	};
	unsigned long targets;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		/* base + bit wraps to a small hart number if unchecked. */
		assert_int_equal(resolve(~0UL, bases[i], 64, &targets),
				 HV_EINVAL);
		assert_int_equal(resolve(1UL << 63, bases[i], 64, &targets),
				 HV_EINVAL);
		assert_int_equal(resolve(0x4, bases[i], 4, &targets),
				 HV_EINVAL);
		assert_int_equal(resolve(0x1, bases[i], 64, &targets),
				 HV_EINVAL);
	}
	/* ULONG_MAX - 1 + 2 == 0 modulo 2^64: must not become hart 0. */
	assert_int_equal(resolve(0x4, ULONG_MAX - 1, 4, &targets), HV_EINVAL);
}

static void test_mask_zero(void **state)
{
	unsigned long targets;

	(void)state;
	/* An empty list names no hart, whatever the base. */
	assert_int_equal(resolve(0, 0, 4, &targets), HV_OK);
	assert_int_equal(targets, 0);
	assert_int_equal(resolve(0, 1000, 4, &targets), HV_OK);
	assert_int_equal(targets, 0);
	assert_int_equal(resolve(0, ULONG_MAX - 1, 64, &targets), HV_OK);
	assert_int_equal(targets, 0);
}

static void test_num_harts_limits(void **state)
{
	unsigned long targets;

	(void)state;
	assert_int_equal(resolve(0x1, 0, 0, &targets), HV_EINVAL);
	assert_int_equal(targets, 0);
	assert_int_equal(resolve(0, -1UL, 0, &targets), HV_EINVAL);
	assert_int_equal(targets, 0);
	assert_int_equal(resolve(0x1, 0, 65, &targets), HV_EINVAL);
	assert_int_equal(resolve(0, -1UL, 1000, &targets), HV_EINVAL);
	assert_int_equal(targets, 0);

	assert_int_equal(resolve(~0UL, 0, 64, &targets), HV_OK);
	assert_int_equal(targets, ~0UL);
	assert_int_equal(resolve(1UL << 63, 0, 64, &targets), HV_OK);
	assert_int_equal(targets, 1UL << 63);
	assert_int_equal(resolve(0x1, 63, 64, &targets), HV_OK);
	assert_int_equal(targets, 1UL << 63);
	assert_int_equal(resolve(~0UL >> 1, 1, 64, &targets), HV_OK);
	assert_int_equal(targets, ~0UL << 1);
	assert_int_equal(resolve(0x1, 0, 1, &targets), HV_OK);
	assert_int_equal(targets, 0x1);
}

static void check_against_reference(unsigned long mask, unsigned long base,
				    unsigned n)
{
	unsigned long got, want;
	int ret = resolve(mask, base, n, &got);
	int want_ret = reference(mask, base, n, &want);

	if (ret != want_ret || (ret == HV_OK && got != want))
		fail_msg("mask %#lx base %#lx harts %u: %d/%#lx, want %d/%#lx",
			 mask, base, n, ret, got, want_ret, want);
}

static void test_exhaustive_small(void **state)
{
	static const unsigned long far_bases[] = {
		ULONG_MAX, ULONG_MAX - 1, ULONG_MAX - 7, 1UL << 63, 1UL << 32,
	};

	(void)state;
	for (unsigned n = 0; n <= 10; n++) {
		for (unsigned long base = 0; base <= 12; base++)
			for (unsigned long mask = 0; mask < 1024; mask++)
				check_against_reference(mask, base, n);
		for (size_t i = 0; i < ARRAY_SIZE(far_bases); i++)
			for (unsigned long mask = 0; mask < 256; mask++)
				check_against_reference(mask, far_bases[i], n);
	}
	/* Large VMs: single bits and high masks at every base up to 70. */
	for (unsigned n = 56; n <= 65; n++)
		for (unsigned long base = 0; base <= 70; base++)
			for (unsigned bit = 0; bit < 64; bit++) {
				check_against_reference(1UL << bit, base, n);
				check_against_reference(~0UL << bit, base, n);
				check_against_reference(~0UL >> bit, base, n);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_all_harts),
		cmocka_unit_test(test_simple_masks),
		cmocka_unit_test(test_bits_beyond_num_harts),
		cmocka_unit_test(test_hostile_bases),
		cmocka_unit_test(test_mask_zero),
		cmocka_unit_test(test_num_harts_limits),
		cmocka_unit_test(test_exhaustive_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
