// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the G-stage page tables (hv/stage2.c), Sv39x4 and
 * Sv48x4. On the host a "physical" address is a pointer: the allocator
 * callback hands out zeroed aligned_alloc() blocks and keeps a list so
 * they are freed, counted and can be made to fail. Leaf targets are never
 * dereferenced, so they are plain numbers.
 *
 * Besides stage2_translate(), the tests walk the tables with their own
 * reader (privileged spec, "Two-Stage Address Translation") to check the
 * leaf level and the PTE bits actually written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "stage2_test_util.h" /* after cmocka.h: it asserts */

static void test_init(void **state)
{
	struct stage2 s2;

	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++) {
		assert_int_equal(stage2_init(&s2, levels, test_alloc), HV_OK);
		assert_int_equal(s2.levels, levels);
		assert_ptr_equal(s2.alloc, test_alloc);
		assert_int_not_equal(s2.root.val, 0);
		assert_true(IS_ALIGNED(s2.root.val, KIB(16)));
		/* A fresh table maps nothing, not even address 0. */
		check_unmapped(&s2, 0);
		check_unmapped(&s2, GIB(2));
	}
	assert_int_equal(stage2_gpa_bits(&(struct stage2){.levels = 3}), 41);
	assert_int_equal(stage2_gpa_bits(&(struct stage2){.levels = 4}), 50);
}

static void test_init_errors(void **state)
{
	static const unsigned bad_levels[] = {0, 1, 2, 5, 57};
	struct stage2 s2;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_levels); i++)
		assert_int_equal(stage2_init(&s2, bad_levels[i], test_alloc),
				 HV_EINVAL);
	assert_int_equal(alloc_calls, 0);
	fail_at = 0;
	assert_int_equal(stage2_init(&s2, 3, test_alloc), HV_ENOMEM);
	fail_at = 1;
	assert_int_equal(stage2_init(&s2, 4, test_alloc), HV_ENOMEM);
}

static void test_map_4k(void **state)
{
	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++) {
		struct stage2 s2;

		init(&s2, levels);
		assert_int_equal(
			map(&s2, 0x1000, 0x80005000, KIB(4), STAGE2_RWX),
			HV_OK);
		/* Every level below the root needs a table. */
		assert_int_equal(alloc_calls, levels - 1);
		check_leaf(&s2, 0x1000, 0x80005000, 0);
		check_translate(&s2, 0x1000, 0x80005000, STAGE2_RWX);
		check_translate(&s2, 0x1abc, 0x80005abc, STAGE2_RWX);
		check_translate(&s2, 0x1fff, 0x80005fff, STAGE2_RWX);
		check_unmapped(&s2, 0x0fff);
		check_unmapped(&s2, 0x2000);
		check_unmapped(&s2, GIB(1) + 0x1000);
		/* A neighbour reuses the tables. */
		assert_int_equal(
			map(&s2, 0x2000, 0x90000000, KIB(4), STAGE2_READ),
			HV_OK);
		assert_int_equal(alloc_calls, levels - 1);
		check_translate(&s2, 0x2010, 0x90000010, STAGE2_READ);
		check_translate(&s2, 0x1010, 0x80005010, STAGE2_RWX);
		teardown(NULL);
	}
}

/* 256 MiB, 2 MiB aligned on both sides: 128 megapage leaves in one
 * table, no 4 KiB tables. */
static void test_map_2m_leaves(void **state)
{
	const uint64_t gbase = GIB(1) + MIB(2), hbase = 0x84000000;

	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++) {
		struct stage2 s2;

		init(&s2, levels);
		assert_int_equal(map(&s2, gbase, hbase, MIB(256),
				     STAGE2_READ | STAGE2_WRITE),
				 HV_OK);
		assert_int_equal(alloc_calls, levels - 2);
		for (uint64_t off = 0; off < MIB(256); off += MIB(2))
			check_leaf(&s2, gbase + off, hbase + off, 1);
		check_translate(&s2, gbase, hbase, STAGE2_READ | STAGE2_WRITE);
		check_translate(&s2, gbase + MIB(100) + 0x1234,
				hbase + MIB(100) + 0x1234,
				STAGE2_READ | STAGE2_WRITE);
		check_translate(&s2, gbase + MIB(256) - 1, hbase + MIB(256) - 1,
				STAGE2_READ | STAGE2_WRITE);
		check_unmapped(&s2, gbase - 1);
		check_unmapped(&s2, gbase + MIB(256));
		teardown(NULL);
	}
}

static void test_map_1g_leaves(void **state)
{
	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++) {
		struct stage2 s2;

		init(&s2, levels);
		assert_int_equal(map(&s2, GIB(2), GIB(5), GIB(2), STAGE2_RWX),
				 HV_OK);
		assert_int_equal(alloc_calls, levels - 3);
		check_leaf(&s2, GIB(2), GIB(5), 2);
		check_leaf(&s2, GIB(3), GIB(6), 2);
		check_translate(&s2, GIB(3) + 0x12345678, GIB(6) + 0x12345678,
				STAGE2_RWX);
		check_unmapped(&s2, GIB(4));
		check_unmapped(&s2, GIB(2) - 1);
		teardown(NULL);
	}
}

/* 4 KiB head up to a 2 MiB boundary, 2 MiB leaves, 4 KiB tail. */
static void test_map_mixed_sizes(void **state)
{
	const uint64_t gbase = MIB(2) - KIB(8), hbase = 0x80000000 - KIB(8);
	struct stage2 s2;

	(void)state;
	init(&s2, 3);
	assert_int_equal(
		map(&s2, gbase, hbase, KIB(8) + MIB(4) + KIB(12), STAGE2_READ),
		HV_OK);
	check_leaf(&s2, gbase, hbase, 0);
	check_leaf(&s2, gbase + KIB(4), hbase + KIB(4), 0);
	check_leaf(&s2, MIB(2), hbase + KIB(8), 1);
	check_leaf(&s2, MIB(4), hbase + KIB(8) + MIB(2), 1);
	for (int i = 0; i < 3; i++)
		check_leaf(&s2, MIB(6) + KIB(4) * i,
			   hbase + KIB(8) + MIB(4) + KIB(4) * i, 0);
	check_unmapped(&s2, MIB(6) + KIB(12));
	/* One level-1 table, two level-0 tables (head and tail). */
	assert_int_equal(alloc_calls, 3);
}

/* The host side decides too: a 2 MiB-aligned gpa over a 4 KiB-aligned
 * host range can only use 4 KiB leaves. */
static void test_map_host_misaligned(void **state)
{
	struct stage2 s2;

	(void)state;
	init(&s2, 3);
	assert_int_equal(map(&s2, GIB(1), 0x80001000, MIB(2), STAGE2_RWX),
			 HV_OK);
	for (uint64_t off = 0; off < MIB(2); off += KIB(4))
		check_leaf(&s2, GIB(1) + off, 0x80001000 + off, 0);
	assert_int_equal(alloc_calls, 2);
	/* And a 1 GiB-aligned pair of size 1 GiB, host only 2 MiB aligned. */
	assert_int_equal(map(&s2, GIB(4), GIB(8) + MIB(2), GIB(1), STAGE2_RWX),
			 HV_OK);
	check_leaf(&s2, GIB(4), GIB(8) + MIB(2), 1);
	check_leaf(&s2, GIB(5) - MIB(2), GIB(9), 1);
}

static void test_gpa_limit(void **state)
{
	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++) {
		struct stage2 s2;
		const uint64_t top = UINT64_C(1) << (levels == 3 ? 41 : 50);

		init(&s2, levels);
		assert_int_equal(stage2_gpa_bits(&s2), levels == 3 ? 41 : 50);
		/* The last page and the last gigapage of the range map. */
		assert_int_equal(
			map(&s2, top - KIB(4), 0x80000000, KIB(4), STAGE2_READ),
			HV_OK);
		check_translate(&s2, top - 1, 0x80000fff, STAGE2_READ);
		check_leaf(&s2, top - 1, 0x80000000, 0);
		assert_int_equal(
			map(&s2, top - GIB(2), GIB(4), GIB(1), STAGE2_READ),
			HV_OK);
		check_leaf(&s2, top - GIB(2), GIB(4), 2);
		/* Beyond, or running over, the top: rejected. */
		assert_int_equal(map(&s2, top, 0x80000000, KIB(4), STAGE2_READ),
				 HV_EINVAL);
		assert_int_equal(
			map(&s2, top - KIB(4), 0x80000000, KIB(8), STAGE2_READ),
			HV_EINVAL);
		assert_int_equal(
			map(&s2, top * 2, 0x80000000, KIB(4), STAGE2_READ),
			HV_EINVAL);
		assert_int_equal(map(&s2, 0x1000, 0x80000000, top, STAGE2_READ),
				 HV_EINVAL);
		assert_int_equal(map(&s2, 0x1000, 0x80000000,
				     UINT64_MAX & ~UINT64_C(0xfff),
				     STAGE2_READ),
				 HV_EINVAL);
		/* Addresses above the range are never found, even when the
		 * low bits alias a mapped entry. */
		check_unmapped(&s2, top);
		check_unmapped(&s2, top + top - 1);
		check_unmapped(&s2, UINT64_MAX);
		check_unmapped(&s2, top - GIB(3));
		teardown(NULL);
	}
}

/* The whole range in one call: every root entry becomes a 1 GiB leaf. */
static void test_map_whole_sv39x4(void **state)
{
	struct stage2 s2;
	const uint64_t *root;

	(void)state;
	init(&s2, 3);
	assert_int_equal(map(&s2, 0, 0, UINT64_C(1) << 41, STAGE2_RWX), HV_OK);
	assert_int_equal(alloc_calls, 0);
	root = hpa_to_ptr(s2.root);
	for (unsigned i = 0; i < 2048; i++)
		assert_int_equal((root[i] >> 10) << 12, (uint64_t)i << 30);
	check_translate(&s2, (UINT64_C(1) << 41) - 1, (UINT64_C(1) << 41) - 1,
			STAGE2_RWX);
}

static void test_bad_arguments(void **state)
{
	struct stage2 s2;

	(void)state;
	init(&s2, 4);
	const struct {
		uint64_t addr, host, size;
		unsigned long perms;
	} bad[] = {
		{0x1001, 0x80000000, KIB(4), STAGE2_RWX},
		{0x1000, 0x80000800, KIB(4), STAGE2_RWX},
		{0x1000, 0x80000000, KIB(4) + 1, STAGE2_RWX},
		{0x1000, 0x80000000, 100, STAGE2_RWX},
		{0x1000, 0x80000000, 0, STAGE2_RWX},
		{0x1000, 0x80000000, KIB(4), 0},
		{0x1000, 0x80000000, KIB(4), BIT(0) | BIT(4) | BIT(5)},
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (map(&s2, bad[i].addr, bad[i].host, bad[i].size,
			bad[i].perms) != HV_EINVAL)
			fail_msg("case %zu accepted", i);
	assert_int_equal(alloc_calls, 0);
	check_unmapped(&s2, 0x1000);
}

static void test_overlap(void **state)
{
	struct stage2 s2;

	(void)state;
	init(&s2, 3);
	assert_int_equal(map(&s2, MIB(4), GIB(2), MIB(2), STAGE2_READ), HV_OK);
	assert_int_equal(map(&s2, MIB(16), GIB(2), KIB(4), STAGE2_READ), HV_OK);
	assert_int_equal(map(&s2, GIB(3), GIB(3), GIB(1), STAGE2_READ), HV_OK);
	/* The same range again. */
	assert_int_equal(map(&s2, MIB(4), GIB(4), MIB(2), STAGE2_RWX),
			 HV_EEXIST);
	/* A 4 KiB page inside an existing megapage or gigapage. */
	assert_int_equal(map(&s2, MIB(5), GIB(4), KIB(4), STAGE2_RWX),
			 HV_EEXIST);
	assert_int_equal(map(&s2, GIB(3) + MIB(6), GIB(4), MIB(2), STAGE2_RWX),
			 HV_EEXIST);
	/* A megapage over a range holding a 4 KiB page (a table there). */
	assert_int_equal(map(&s2, MIB(16), GIB(4), MIB(2), STAGE2_RWX),
			 HV_EEXIST);
	/* A gigapage over a range holding a megapage. */
	assert_int_equal(map(&s2, 0, GIB(4), GIB(1), STAGE2_RWX), HV_EEXIST);
	/* The first mappings are untouched. */
	check_translate(&s2, MIB(5), GIB(2) + MIB(1), STAGE2_READ);
	check_translate(&s2, MIB(16), GIB(2), STAGE2_READ);
	check_translate(&s2, GIB(3) + MIB(6), GIB(3) + MIB(6), STAGE2_READ);
}

static void test_out_of_memory(void **state)
{
	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++)
		for (int fail = 0; fail < (int)levels - 1; fail++) {
			struct stage2 s2;

			init(&s2, levels);
			fail_at = fail;
			assert_int_equal(map(&s2, GIB(1), 0x80000000, KIB(4),
					     STAGE2_RWX),
					 HV_ENOMEM);
			check_unmapped(&s2, GIB(1));
			/* Once memory is back, the same map works. */
			fail_at = -1;
			assert_int_equal(map(&s2, GIB(1), 0x80000000, KIB(4),
					     STAGE2_RWX),
					 HV_OK);
			check_translate(&s2, GIB(1), 0x80000000, STAGE2_RWX);
			teardown(NULL);
		}
}

static void test_permissions(void **state)
{
	static const struct {
		unsigned long asked, reported;
	} cases[] = {
		{STAGE2_READ, STAGE2_READ},
		{STAGE2_WRITE, STAGE2_READ | STAGE2_WRITE},
		{STAGE2_EXEC, STAGE2_EXEC},
		{STAGE2_READ | STAGE2_EXEC, STAGE2_READ | STAGE2_EXEC},
		{STAGE2_WRITE | STAGE2_EXEC, STAGE2_RWX},
		{STAGE2_RWX, STAGE2_RWX},
		/* Bits outside RWX are not copied into the PTE. */
		{STAGE2_READ | BIT(4) | BIT(6), STAGE2_READ},
	};
	struct stage2 s2;

	(void)state;
	init(&s2, 3);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t addr = MIB(2) * i, host = GIB(4) + MIB(2) * i;
		int level;

		assert_int_equal(map(&s2, addr, host, KIB(4), cases[i].asked),
				 HV_OK);
		check_translate(&s2, addr, host, cases[i].reported);
		check_leaf(&s2, addr, host, 0);
		uint64_t pte = *find_leaf(&s2, addr, &level);

		assert_int_equal(pte & (PTE_R | PTE_W | PTE_X),
				 cases[i].reported);
		assert_int_equal(pte & 0x3ff, PTE_V | PTE_U | PTE_A | PTE_D |
						      cases[i].reported);
	}
}

/* A malformed table (a pointer PTE at level 0) is not followed. */
static void test_translate_corrupt_table(void **state)
{
	struct stage2 s2;
	int level;

	(void)state;
	init(&s2, 3);
	assert_int_equal(map(&s2, 0x5000, 0x80000000, KIB(4), STAGE2_READ),
			 HV_OK);
	uint64_t *pte = find_leaf(&s2, 0x5000, &level);

	*pte &= ~(uint64_t)(PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D);
	check_unmapped(&s2, 0x5000);
}

/* stage2_destroy gives back every table exactly once (the root as its
 * four pages), never a leaf's memory, and leaves nothing to walk. */
static unsigned freed_count[MAX_BLOCKS];
static size_t freed_pages[MAX_BLOCKS];
static unsigned stray_frees;

static void record_free(hpa_t addr, size_t npages)
{
	for (unsigned i = 0; i < nr_blocks; i++) {
		if (ptr_to_hpa(blocks[i]).val == addr.val) {
			freed_count[i]++;
			freed_pages[i] = npages;
			return;
		}
	}
	stray_frees++;
}

static void test_destroy(void **state)
{
	struct stage2 s2;

	(void)state;
	memset(freed_count, 0, sizeof(freed_count));
	stray_frees = 0;
	init(&s2, 4);
	/* 4 KiB, 2 MiB and 1 GiB leaves: tables at every level. */
	assert_int_equal(
		map(&s2, 0x80000000, 0x80000000, KIB(8) + MIB(2), STAGE2_RWX),
		HV_OK);
	assert_int_equal(map(&s2, GIB(8), GIB(8), GIB(1), STAGE2_READ), HV_OK);
	assert_int_equal(stage2_protect(&s2, gpa(GIB(8) + KIB(4)), STAGE2_READ),
			 HV_OK); /* splits the 1 GiB leaf twice */
	unsigned tables = nr_blocks;

	assert_true(tables > 5);
	stage2_destroy(&s2, record_free);
	assert_int_equal(stray_frees, 0);
	for (unsigned i = 0; i < tables; i++)
		assert_int_equal(freed_count[i], 1);
	assert_int_equal(freed_pages[0], 4); /* the root */
	for (unsigned i = 1; i < tables; i++)
		assert_int_equal(freed_pages[i], 1);
	assert_int_equal(s2.root.val, 0);
	hpa_t host;

	assert_int_equal(stage2_translate(&s2, gpa(0x80000000), &host, NULL),
			 HV_ENOENT);
	assert_int_equal(stage2_protect(&s2, gpa(0x80000000), STAGE2_READ),
			 HV_ENOENT);
	stage2_destroy(&s2, record_free); /* twice: nothing more */
	assert_int_equal(stray_frees, 0);
	assert_int_equal(freed_count[0], 1);
}

/* One 4 KiB page comes and goes (the UART's shadow): unmapping keeps its
 * table, so mapping again allocates nothing; neighbours stay mapped. */
static void test_unmap_page(void **state)
{
	(void)state;
	for (unsigned levels = 3; levels <= 4; levels++) {
		struct stage2 s2;

		init(&s2, levels);
		assert_int_equal(
			map(&s2, 0x10000000, 0x80005000, KIB(4), STAGE2_READ),
			HV_OK);
		assert_int_equal(
			map(&s2, 0x10001000, 0x80006000, KIB(4), STAGE2_RWX),
			HV_OK);
		unsigned tables = alloc_calls;

		assert_int_equal(stage2_unmap_page(&s2, gpa(0x10000000)),
				 HV_OK);
		check_unmapped(&s2, 0x10000000);
		check_unmapped(&s2, 0x10000fff);
		check_translate(&s2, 0x10001000, 0x80006000, STAGE2_RWX);
		/* Twice: nothing left to unmap. */
		assert_int_equal(stage2_unmap_page(&s2, gpa(0x10000000)),
				 HV_ENOENT);
		assert_int_equal(
			map(&s2, 0x10000000, 0x80007000, KIB(4), STAGE2_READ),
			HV_OK);
		assert_int_equal(alloc_calls, tables);
		check_leaf(&s2, 0x10000000, 0x80007000, 0);
		check_translate(&s2, 0x10000010, 0x80007010, STAGE2_READ);
		/* Misaligned, beyond the scheme, never mapped, or a page
		 * inside a larger leaf. */
		assert_int_equal(stage2_unmap_page(&s2, gpa(0x10000010)),
				 HV_EINVAL);
		assert_int_equal(
			stage2_unmap_page(&s2,
					  gpa(1ULL << stage2_gpa_bits(&s2))),
			HV_EINVAL);
		assert_int_equal(stage2_unmap_page(&s2, gpa(0x10002000)),
				 HV_ENOENT);
		assert_int_equal(stage2_unmap_page(&s2, gpa(GIB(2))),
				 HV_ENOENT);
		assert_int_equal(
			map(&s2, MIB(4), 0x90000000, MIB(2), STAGE2_RWX),
			HV_OK);
		assert_int_equal(stage2_unmap_page(&s2, gpa(MIB(4) + KIB(4))),
				 HV_EINVAL);
		check_translate(&s2, MIB(4) + KIB(4), 0x90001000, STAGE2_RWX);
		teardown(NULL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		TEST(test_init),
		TEST(test_init_errors),
		TEST(test_map_4k),
		TEST(test_map_2m_leaves),
		TEST(test_map_1g_leaves),
		TEST(test_map_mixed_sizes),
		TEST(test_map_host_misaligned),
		TEST(test_gpa_limit),
		TEST(test_map_whole_sv39x4),
		TEST(test_bad_arguments),
		TEST(test_overlap),
		TEST(test_out_of_memory),
		TEST(test_permissions),
		TEST(test_translate_corrupt_table),
		TEST(test_destroy),
		TEST(test_unmap_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
