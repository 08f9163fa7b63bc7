// SPDX-License-Identifier: MIT
/*
 * Host unit tests for stage2_protect / stage2_unprotect (hv/mm/stage2.c):
 * changing one 4 KiB page of a mapping that may be a 2 MiB or 1 GiB leaf.
 * After a split, every 4 KiB page of the former superpage must translate
 * to the same host address with the old permissions, except the page that
 * changed; checked page by page with stage2_translate and with the
 * independent walker of stage2_test_util.h (leaf levels, PTE bits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "stage2_test_util.h" /* after cmocka.h: it asserts */

#define RX (STAGE2_READ | STAGE2_EXEC)

/* Every 4 KiB page of [addr, addr + size) maps host + offset with perms,
 * except `changed`, which has changed_perms. */
static void check_range(const struct stage2 *s2, uint64_t addr, uint64_t host,
			uint64_t size, unsigned long perms, uint64_t changed,
			unsigned long changed_perms)
{
	for (uint64_t off = 0; off < size; off += KIB(4)) {
		bool is_changed = addr + off == changed;

		check_translate(s2, addr + off + 0x7f8, host + off + 0x7f8,
				is_changed ? changed_perms : perms);
	}
}

static void test_split_2m(void **state)
{
	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++) {
		struct stage2 s2;
		const uint64_t base = GIB(2), host = GIB(5);
		const uint64_t page = base + MIB(2) + 0x123000;

		init(&s2, levels);
		assert_int_equal(map(&s2, base, host, MIB(6), STAGE2_RWX),
				 HV_OK);
		check_leaf(&s2, page, host + MIB(2) + 0x123000, 1);
		alloc_calls = 0;
		assert_int_equal(stage2_protect(&s2, gpa(page), RX), HV_OK);
		assert_int_equal(alloc_calls,
				 1); /* one table of 4 KiB leaves */
		check_leaf(&s2, page, host + MIB(2) + 0x123000, 0);
		check_range(&s2, base + MIB(2), host + MIB(2), MIB(2),
			    STAGE2_RWX, page, RX);
		/* Every page of the split megapage is a level-0 leaf. */
		for (uint64_t off = 0; off < MIB(2); off += KIB(4))
			check_leaf(&s2, base + MIB(2) + off,
				   host + MIB(2) + off, 0);
		/* The neighbouring megapages are untouched. */
		check_leaf(&s2, base, host, 1);
		check_leaf(&s2, base + MIB(4), host + MIB(4), 1);
		check_translate(&s2, base + MIB(4) - 1, host + MIB(4) - 1,
				STAGE2_RWX);

		/* Another page of the same megapage: no new table. */
		assert_int_equal(
			stage2_protect(&s2, gpa(page + KIB(4)), STAGE2_EXEC),
			HV_OK);
		assert_int_equal(alloc_calls, 1);
		check_translate(&s2, page + KIB(4), host + MIB(2) + 0x124000,
				STAGE2_EXEC);

		/* Unprotecting gives RWX back; the table stays split. */
		assert_int_equal(stage2_unprotect(&s2, gpa(page)), HV_OK);
		assert_int_equal(stage2_unprotect(&s2, gpa(page + KIB(4))),
				 HV_OK);
		assert_int_equal(alloc_calls, 1);
		check_range(&s2, base, host, MIB(6), STAGE2_RWX, 0, 0);
		check_leaf(&s2, page, host + MIB(2) + 0x123000, 0);
		teardown(NULL);
	}
}

static void test_split_1g(void **state)
{
	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++) {
		struct stage2 s2;
		const uint64_t base = GIB(2), host = GIB(8);
		const uint64_t page = base + MIB(514) + KIB(20);

		init(&s2, levels);
		assert_int_equal(map(&s2, base, host, GIB(1), STAGE2_RWX),
				 HV_OK);
		check_leaf(&s2, base, host, 2);
		alloc_calls = 0;
		assert_int_equal(stage2_protect(&s2, gpa(page), STAGE2_READ),
				 HV_OK);
		/* 1 GiB -> 512 x 2 MiB, then that 2 MiB -> 512 x 4 KiB. */
		assert_int_equal(alloc_calls, 2);
		check_leaf(&s2, page, host + MIB(514) + KIB(20), 0);
		for (uint64_t off = 0; off < GIB(1); off += MIB(2))
			if (off != MIB(514))
				check_leaf(&s2, base + off, host + off, 1);
		/* The whole gigapage, every 4 KiB page. */
		check_range(&s2, base, host, GIB(1), STAGE2_RWX, page,
			    STAGE2_READ);
		teardown(NULL);
	}
}

/* A page that already is a 4 KiB leaf changes in place. */
static void test_protect_4k_leaf(void **state)
{
	struct stage2 s2;

	(void)state;
	init(&s2, 3);
	assert_int_equal(map(&s2, 0x80001000, 0x90001000, KIB(8), STAGE2_RWX),
			 HV_OK);
	alloc_calls = 0;
	/* W without R is reserved: asking for W gives R too. */
	assert_int_equal(stage2_protect(&s2, gpa(0x80002000), STAGE2_WRITE),
			 HV_OK);
	assert_int_equal(alloc_calls, 0);
	check_translate(&s2, 0x80002000, 0x90002000,
			STAGE2_READ | STAGE2_WRITE);
	check_translate(&s2, 0x80001fff, 0x90001fff, STAGE2_RWX);
	check_leaf(&s2, 0x80002000, 0x90002000, 0);
	assert_int_equal(stage2_unprotect(&s2, gpa(0x80002000)), HV_OK);
	check_translate(&s2, 0x80002000, 0x90002000, STAGE2_RWX);
}

static void test_protect_errors(void **state)
{
	struct stage2 s2;

	(void)state;
	init(&s2, 3);
	assert_int_equal(map(&s2, GIB(2), GIB(4), MIB(2), STAGE2_RWX), HV_OK);
	alloc_calls = 0;
	assert_int_equal(stage2_protect(&s2, gpa(GIB(2) + 8), RX), HV_EINVAL);
	assert_int_equal(stage2_protect(&s2, gpa(GIB(2)), 0), HV_EINVAL);
	assert_int_equal(stage2_protect(&s2, gpa(GIB(2)), RX | BIT(4)),
			 HV_EINVAL);
	assert_int_equal(stage2_protect(&s2, gpa(1ULL << 41), RX), HV_EINVAL);
	assert_int_equal(stage2_protect(&s2, gpa(GIB(2) + MIB(2)), RX),
			 HV_ENOENT);
	assert_int_equal(stage2_protect(&s2, gpa(0), RX), HV_ENOENT);
	check_unmapped(&s2, 0);
	assert_int_equal(stage2_unprotect(&s2, gpa(GIB(3))), HV_ENOENT);
	assert_int_equal(alloc_calls, 0);

	/* No memory for the split: nothing changes. */
	fail_at = 0;
	alloc_calls = 0;
	assert_int_equal(stage2_protect(&s2, gpa(GIB(2) + KIB(4)), RX),
			 HV_ENOMEM);
	check_leaf(&s2, GIB(2), GIB(4), 1);
	check_range(&s2, GIB(2), GIB(4), MIB(2), STAGE2_RWX, 0, 0);
	fail_at = -1;
	assert_int_equal(stage2_protect(&s2, gpa(GIB(2) + KIB(4)), RX), HV_OK);
	check_range(&s2, GIB(2), GIB(4), MIB(2), STAGE2_RWX, GIB(2) + KIB(4),
		    RX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		TEST(test_split_2m),
		TEST(test_split_1g),
		TEST(test_protect_4k_leaf),
		TEST(test_protect_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
