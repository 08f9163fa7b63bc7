// SPDX-License-Identifier: MIT
/*
 * Host unit tests for how hv/platform/platform.c maps the DTB's physical
 * hart ids to dense cpu indices: hartids[i] is the hart that becomes
 * cpus[i]. Hart ids may be sparse or large, the boot hart (any id, anywhere
 * in the DTB) is always index 0, and every hart that gets no index is
 * listed with its reason so boot can report it.
 */
#include "platform_test_dtb.h"

/* Defined in hv/boot.c on the target; platform.h declares it extern. */
struct platform platform;

/* A good() machine whose cpu nodes have these hart ids, booting on boot. */
static struct machine with_hartids(const unsigned *ids, unsigned count,
				   unsigned long boot)
{
	struct machine m = good();

	m.num_cpus = count;
	m.hartids = ids;
	m.boot_hartid = boot;
	return m;
}

static void expect_harts(const unsigned *want, unsigned count)
{
	assert_int_equal(out.num_harts, count);
	for (unsigned i = 0; i < count; i++)
		if (out.hartids[i] != want[i])
			fail_msg("index %u: hart %u, want hart %u", i,
				 out.hartids[i], want[i]);
}

static void expect_unused(unsigned i, unsigned hartid,
			  enum platform_hart_unused reason)
{
	assert_true(i < out.num_unused);
	assert_int_equal(out.unused[i].hartid, hartid);
	assert_int_equal(out.unused[i].reason, reason);
}

static void test_sparse_ids(void **state)
{
	static const unsigned ids[] = {0, 9};
	struct machine m = with_hartids(ids, 2, 0);

	(void)state;
	assert_int_equal(parse(&m), HV_OK);
	expect_harts(ids, 2);
	assert_int_equal(out.num_unused, 0);
	/* Booting on the second hart of the DTB puts it first. */
	m.boot_hartid = 9;
	assert_int_equal(parse(&m), HV_OK);
	expect_harts((const unsigned[]){9, 0}, 2);
}

static void test_large_id(void **state)
{
	static const unsigned ids[] = {0, 1000};
	struct machine m = with_hartids(ids, 2, 0);

	(void)state;
	assert_int_equal(parse(&m), HV_OK);
	expect_harts(ids, 2);
	m.boot_hartid = 1000;
	assert_int_equal(parse(&m), HV_OK);
	expect_harts((const unsigned[]){1000, 0}, 2);
	/* The largest 32-bit id is a hart id like any other. */
	static const unsigned top[] = {UINT32_MAX, 4};

	m = with_hartids(top, 2, UINT32_MAX);
	assert_int_equal(parse(&m), HV_OK);
	expect_harts(top, 2);
}

/* The boot hart is the last of more usable harts than there are slots:
 * it still gets index 0, and the first harts in DTB order the rest. */
static void test_boot_hart_beyond_slots(void **state)
{
	unsigned ids[HV_MAX_HARTS + 4], want[HV_MAX_HARTS];
	char limit[32];
	struct machine m;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(ids); i++)
		ids[i] = 3 * i;
	ids[ARRAY_SIZE(ids) - 1] = 1000;
	m = with_hartids(ids, ARRAY_SIZE(ids), 1000);
	assert_int_equal(parse(&m), HV_OK);
	want[0] = 1000;
	for (unsigned i = 1; i < HV_MAX_HARTS; i++)
		want[i] = ids[i - 1];
	expect_harts(want, HV_MAX_HARTS);
	assert_int_equal(out.num_unused, 4);
	for (unsigned i = 0; i < 4; i++)
		expect_unused(i, ids[HV_MAX_HARTS - 1 + i],
			      PLATFORM_HART_NO_SLOT);
	snprintf(limit, sizeof(limit), "supports %d harts", HV_MAX_HARTS);
	assert_non_null(strstr(
		platform_hart_unused_reason(PLATFORM_HART_NO_SLOT), limit));
}

/* Disabled harts and harts without H take no slot, whatever their id. */
static void test_disabled_and_no_h(void **state)
{
	static const unsigned ids[] = {3, 5, 7, 1000, 2, 9};
	struct machine m = with_hartids(ids, ARRAY_SIZE(ids), 7);

	(void)state;
	m.cpu[0].isa = ISA_NO_H;
	m.cpu[1].status = "disabled";
	m.cpu[3].status = "fail";
	m.cpu[5].isa = ISA_NO_H;
	m.cpu[5].status = "disabled";
	assert_int_equal(parse(&m), HV_OK);
	expect_harts((const unsigned[]){7, 2}, 2);
	assert_int_equal(out.num_unused, 4);
	expect_unused(0, 3, PLATFORM_HART_NO_H);
	expect_unused(1, 5, PLATFORM_HART_DISABLED);
	expect_unused(2, 1000, PLATFORM_HART_DISABLED);
	expect_unused(3, 9, PLATFORM_HART_DISABLED);
}

/* The boot hart must be usable: absent, disabled or without H is an error
 * (its index 0 would otherwise be a hart that is not there). */
static void test_boot_hart_unusable(void **state)
{
	static const unsigned ids[] = {0, 1000};
	struct machine m = with_hartids(ids, 2, 1000);

	(void)state;
	m.cpu[1].isa = ISA_NO_H;
	expect_error(&m, "boot hart 1000");
	assert_int_equal(out.num_harts, 0);
	m = with_hartids(ids, 2, 1000);
	m.cpu[1].status = "disabled";
	expect_error(&m, "boot hart 1000");
	m = with_hartids(ids, 2, 5);
	expect_error(&m, "boot hart 5");
	/* A 64-bit boot id must not match a DTB id equal to its low half. */
	m = with_hartids(ids, 2, (1UL << 32) | 1000);
	expect_error(&m, "boot hart");
}

/* A hart id listed twice would put one hart on two cpus. */
static void test_duplicate_ids(void **state)
{
	static const unsigned ids[] = {4, 6, 4, 6, 8};
	struct machine m = with_hartids(ids, ARRAY_SIZE(ids), 4);

	(void)state;
	assert_int_equal(parse(&m), HV_OK);
	expect_harts((const unsigned[]){4, 6, 8}, 3);
	assert_int_equal(out.num_unused, 2);
	expect_unused(0, 4, PLATFORM_HART_DUPLICATE);
	expect_unused(1, 6, PLATFORM_HART_DUPLICATE);
}

/* More unused harts than the list holds: the first are listed, all are
 * counted. */
static void test_unused_list_full(void **state)
{
	struct machine m = good();

	(void)state;
	m.num_cpus = MAX_CPUS;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_harts, HV_MAX_HARTS);
	assert_true(MAX_CPUS - HV_MAX_HARTS > PLATFORM_MAX_UNUSED);
	assert_int_equal(out.num_unused, MAX_CPUS - HV_MAX_HARTS);
	for (unsigned i = 0; i < PLATFORM_MAX_UNUSED; i++)
		expect_unused(i, 10 + HV_MAX_HARTS + i, PLATFORM_HART_NO_SLOT);
	/* The fields after the list are intact. */
	assert_string_equal(out.isa, ISA_H);
	assert_string_equal(out.mmu_type, "riscv,sv57");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparse_ids),
		cmocka_unit_test(test_large_id),
		cmocka_unit_test(test_boot_hart_beyond_slots),
		cmocka_unit_test(test_disabled_and_no_h),
		cmocka_unit_test(test_boot_hart_unusable),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_unused_list_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
