// SPDX-License-Identifier: MIT
/*
 * Unit tests for the virtual PLIC: register access rules, gateway and
 * claim/complete semantics, and the output lines it drives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/vplic.h>

#define NUM_SOURCES 96
#define NUM_CONTEXTS 4

struct line_log {
	bool level[VPLIC_MAX_CONTEXTS];
	unsigned calls[VPLIC_MAX_CONTEXTS];
	unsigned total_calls;
};

struct fixture {
	struct vplic plic;
	struct line_log log;
};

static void record_line(void *opaque, unsigned context, bool level)
{
	struct line_log *log = opaque;

	assert_true(context < NUM_CONTEXTS);
	/* The device must only report real changes. */
	assert_int_not_equal(log->level[context], level);
	log->level[context] = level;
	log->calls[context]++;
	log->total_calls++;
}

static int setup(void **state)
{
	static struct fixture fixture;

	memset(&fixture, 0, sizeof(fixture));
	vplic_init(&fixture.plic, NUM_SOURCES, NUM_CONTEXTS, record_line,
		   &fixture.log);
	*state = &fixture;
	return 0;
}

static uint32_t rd(struct vplic *plic, uint64_t offset)
{
	uint64_t value = 0xdeadbeef;

	assert_int_equal(vplic_mmio_read(plic, offset, 4, &value), HV_OK);
	assert_true(value <= 0xffffffffU);
	return (uint32_t)value;
}

static void wr(struct vplic *plic, uint64_t offset, uint32_t value)
{
	assert_int_equal(vplic_mmio_write(plic, offset, 4, value), HV_OK);
}

static uint64_t priority_reg(unsigned source)
{
	return VPLIC_PRIORITY_BASE + 4 * source;
}

static uint64_t enable_reg(unsigned context, unsigned word)
{
	return VPLIC_ENABLE_BASE + VPLIC_ENABLE_STRIDE * context + 4 * word;
}

static uint64_t threshold_reg(unsigned context)
{
	return VPLIC_CONTEXT_BASE + VPLIC_CONTEXT_STRIDE * context;
}

static uint64_t claim_reg(unsigned context)
{
	return threshold_reg(context) + 4;
}

static void enable_source(struct vplic *plic, unsigned context, unsigned source)
{
	uint64_t reg = enable_reg(context, source / 32);

	wr(plic, reg, rd(plic, reg) | 1U << (source % 32));
}

static bool is_pending(struct vplic *plic, unsigned source)
{
	return (rd(plic, VPLIC_PENDING_BASE + 4 * (source / 32)) >>
		(source % 32)) &
	       1;
}

static void test_reset_state(void **state)
{
	struct fixture *f = *state;
	unsigned i;

	for (i = 0; i < NUM_SOURCES; i++)
		assert_int_equal(rd(&f->plic, priority_reg(i)), 0);
	for (i = 0; i < VPLIC_WORDS; i++) {
		assert_int_equal(rd(&f->plic, VPLIC_PENDING_BASE + 4 * i), 0);
		assert_int_equal(rd(&f->plic, enable_reg(0, i)), 0);
	}
	for (i = 0; i < NUM_CONTEXTS; i++) {
		assert_int_equal(rd(&f->plic, threshold_reg(i)), 0);
		assert_int_equal(rd(&f->plic, claim_reg(i)), 0);
	}
	assert_int_equal(f->log.total_calls, 0);
}

static void test_init_clamps_sizes(void **state)
{
	struct vplic plic;

	(void)state;
	vplic_init(&plic, 1000, 1000, NULL, NULL);
	assert_int_equal(plic.num_sources, VPLIC_MAX_SOURCES);
	assert_int_equal(plic.num_contexts, VPLIC_MAX_CONTEXTS);
	/* Without a callback the device still works. */
	wr(&plic, priority_reg(95), 1);
	enable_source(&plic, 7, 95);
	vplic_set_level(&plic, 95, true);
	assert_true(plic.line[7]);
	assert_int_equal(rd(&plic, claim_reg(7)), 95);
}

static void test_priority_registers(void **state)
{
	struct fixture *f = *state;

	wr(&f->plic, priority_reg(1), 5);
	assert_int_equal(rd(&f->plic, priority_reg(1)), 5);
	wr(&f->plic, priority_reg(95), 0xffffffff);
	assert_int_equal(rd(&f->plic, priority_reg(95)), VPLIC_MAX_PRIORITY);
	/* Only the low 32 bits of the bus value count. */
	assert_int_equal(
		vplic_mmio_write(&f->plic, priority_reg(3), 4, 0x700000002ULL),
		HV_OK);
	assert_int_equal(rd(&f->plic, priority_reg(3)), 2);
	wr(&f->plic, priority_reg(2), 9); /* masked: 9 & 7 */
	assert_int_equal(rd(&f->plic, priority_reg(2)), 1);
	/* Source 0 is reserved and hardwired to 0. */
	wr(&f->plic, priority_reg(0), 3);
	assert_int_equal(rd(&f->plic, priority_reg(0)), 0);
}

static void test_out_of_range_source_and_context(void **state)
{
	struct vplic plic;
	struct line_log log = {0};

	(void)state;
	vplic_init(&plic, 33, 2, record_line, &log);
	wr(&plic, priority_reg(33), 4);
	assert_int_equal(rd(&plic, priority_reg(33)), 0);
	wr(&plic, priority_reg(32), 4);
	assert_int_equal(rd(&plic, priority_reg(32)), 4);
	/* Bit 0 (source 0) and unimplemented sources never stick. */
	wr(&plic, enable_reg(0, 0), 0xffffffff);
	assert_int_equal(rd(&plic, enable_reg(0, 0)), 0xfffffffe);
	wr(&plic, enable_reg(0, 1), 0xffffffff);
	assert_int_equal(rd(&plic, enable_reg(0, 1)), 0x1);
	wr(&plic, enable_reg(0, 2), 0xffffffff);
	assert_int_equal(rd(&plic, enable_reg(0, 2)), 0);
	/* A word past VPLIC_WORDS inside the context's stride is a hole. */
	wr(&plic, enable_reg(0, VPLIC_WORDS), 0xffffffff);
	assert_int_equal(rd(&plic, enable_reg(0, VPLIC_WORDS)), 0);
	/* Context 2 does not exist. */
	wr(&plic, enable_reg(2, 0), 0xffffffff);
	assert_int_equal(rd(&plic, enable_reg(2, 0)), 0);
	wr(&plic, threshold_reg(2), 3);
	assert_int_equal(rd(&plic, threshold_reg(2)), 0);
	wr(&plic, claim_reg(2), 1);
	assert_int_equal(rd(&plic, claim_reg(2)), 0);
	/* Lines of sources that do not exist are ignored. */
	vplic_set_level(&plic, 0, true);
	vplic_set_level(&plic, 33, true);
	assert_int_equal(rd(&plic, VPLIC_PENDING_BASE), 0);
	assert_int_equal(rd(&plic, VPLIC_PENDING_BASE + 4), 0);
	assert_int_equal(log.total_calls, 0);
}

static void test_access_rules(void **state)
{
	struct fixture *f = *state;
	uint64_t value = 0;
	unsigned width;

	for (width = 1; width <= 8; width *= 2) {
		int expected = width == 4 ? HV_OK : HV_EINVAL;

		assert_int_equal(vplic_mmio_read(&f->plic, 4, width, &value),
				 expected);
		assert_int_equal(vplic_mmio_write(&f->plic, 4, width, 1),
				 expected);
	}
	assert_int_equal(vplic_mmio_read(&f->plic, 6, 4, &value), HV_EINVAL);
	assert_int_equal(vplic_mmio_write(&f->plic, 2, 4, 1), HV_EINVAL);
	assert_int_equal(vplic_mmio_read(&f->plic, VPLIC_MMIO_SIZE, 4, &value),
			 HV_EINVAL);
	assert_int_equal(vplic_mmio_write(&f->plic, VPLIC_MMIO_SIZE, 4, 1),
			 HV_EINVAL);
	/* Holes read as zero and ignore writes. */
	wr(&f->plic, 0x1f0000, 0xffffffff);
	assert_int_equal(rd(&f->plic, 0x1f0000), 0);
	wr(&f->plic, threshold_reg(0) + 8, 0xffffffff);
	assert_int_equal(rd(&f->plic, threshold_reg(0) + 8), 0);
	assert_int_equal(rd(&f->plic, VPLIC_MMIO_SIZE - 4), 0);
}

static void test_pending_is_read_only(void **state)
{
	struct fixture *f = *state;

	wr(&f->plic, VPLIC_PENDING_BASE, 0xffffffff);
	assert_int_equal(rd(&f->plic, VPLIC_PENDING_BASE), 0);
	vplic_set_level(&f->plic, 5, true);
	vplic_set_level(&f->plic, 70, true);
	assert_true(is_pending(&f->plic, 5));
	assert_true(is_pending(&f->plic, 70));
	assert_int_equal(rd(&f->plic, VPLIC_PENDING_BASE), 1U << 5);
	assert_int_equal(rd(&f->plic, VPLIC_PENDING_BASE + 8), 1U << 6);
	wr(&f->plic, VPLIC_PENDING_BASE, 0);
	assert_true(is_pending(&f->plic, 5));
	/* Lowering the line before the claim withdraws the request. */
	vplic_set_level(&f->plic, 5, false);
	assert_false(is_pending(&f->plic, 5));
	/* Nothing was enabled, so no line moved. */
	assert_int_equal(f->log.total_calls, 0);
}

static void test_claim_picks_highest_priority_then_lowest_id(void **state)
{
	struct fixture *f = *state;
	static const unsigned sources[] = {3, 40, 9, 70};
	static const uint32_t priorities[] = {2, 6, 6, 1};
	unsigned i;

	for (i = 0; i < 4; i++) {
		wr(&f->plic, priority_reg(sources[i]), priorities[i]);
		enable_source(&f->plic, 0, sources[i]);
		vplic_set_level(&f->plic, sources[i], true);
	}
	/* 9 and 40 tie at 6: the lower id wins. */
	assert_int_equal(rd(&f->plic, claim_reg(0)), 9);
	assert_false(is_pending(&f->plic, 9));
	assert_int_equal(rd(&f->plic, claim_reg(0)), 40);
	assert_int_equal(rd(&f->plic, claim_reg(0)), 3);
	assert_true(f->log.level[0]);
	assert_int_equal(rd(&f->plic, claim_reg(0)), 70);
	assert_false(f->log.level[0]);
	/* Everything is in flight now. */
	assert_int_equal(rd(&f->plic, claim_reg(0)), 0);
	assert_int_equal(f->log.calls[0], 2);
}

static void test_threshold_and_zero_priority_mask(void **state)
{
	struct fixture *f = *state;

	enable_source(&f->plic, 1, 12);
	vplic_set_level(&f->plic, 12, true);
	/* Priority 0 never interrupts. */
	assert_false(f->log.level[1]);
	assert_int_equal(rd(&f->plic, claim_reg(1)), 0);
	wr(&f->plic, priority_reg(12), 3);
	assert_true(f->log.level[1]);
	/* Only priorities strictly above the threshold get through. */
	wr(&f->plic, threshold_reg(1), 3);
	assert_int_equal(rd(&f->plic, threshold_reg(1)), 3);
	assert_false(f->log.level[1]);
	assert_int_equal(rd(&f->plic, claim_reg(1)), 0);
	assert_true(is_pending(&f->plic, 12));
	wr(&f->plic, threshold_reg(1), 2);
	assert_true(f->log.level[1]);
	wr(&f->plic, threshold_reg(1), 0xfffffff8 | 7); /* masked to 7 */
	assert_int_equal(rd(&f->plic, threshold_reg(1)), 7);
	assert_false(f->log.level[1]);
	assert_int_equal(f->log.calls[1], 4);
}

static void test_enable_gates_each_context(void **state)
{
	struct fixture *f = *state;

	wr(&f->plic, priority_reg(10), 1);
	vplic_set_level(&f->plic, 10, true);
	assert_int_equal(f->log.total_calls, 0);
	enable_source(&f->plic, 2, 10);
	assert_true(f->log.level[2]);
	assert_false(f->log.level[0]);
	/* A context that has the source disabled cannot claim it. */
	assert_int_equal(rd(&f->plic, claim_reg(0)), 0);
	assert_true(is_pending(&f->plic, 10));
	wr(&f->plic, enable_reg(2, 0), 0);
	assert_false(f->log.level[2]);
	assert_int_equal(f->log.calls[2], 2);
}

static void test_claim_by_one_context_hides_source_from_others(void **state)
{
	struct fixture *f = *state;

	wr(&f->plic, priority_reg(33), 1);
	enable_source(&f->plic, 0, 33);
	enable_source(&f->plic, 3, 33);
	vplic_set_level(&f->plic, 33, true);
	assert_true(f->log.level[0]);
	assert_true(f->log.level[3]);
	assert_int_equal(rd(&f->plic, claim_reg(3)), 33);
	assert_false(f->log.level[0]);
	assert_false(f->log.level[3]);
	assert_int_equal(rd(&f->plic, claim_reg(0)), 0);
	/* Completing from the other context (also enabled) releases it. */
	wr(&f->plic, claim_reg(0), 33);
	assert_true(f->log.level[0]);
	assert_true(f->log.level[3]);
}

static void test_complete_repends_while_line_is_high(void **state)
{
	struct fixture *f = *state;

	wr(&f->plic, priority_reg(10), 1);
	enable_source(&f->plic, 0, 10);
	vplic_set_level(&f->plic, 10, true);
	assert_int_equal(rd(&f->plic, claim_reg(0)), 10);
	/* Line stays high while claimed: no new request in flight. */
	vplic_set_level(&f->plic, 10, true);
	assert_false(is_pending(&f->plic, 10));
	assert_false(f->log.level[0]);
	wr(&f->plic, claim_reg(0), 10);
	assert_true(is_pending(&f->plic, 10));
	assert_true(f->log.level[0]);
	assert_int_equal(rd(&f->plic, claim_reg(0)), 10);
	/* The device drops its line while claimed: completion ends it. */
	vplic_set_level(&f->plic, 10, false);
	wr(&f->plic, claim_reg(0), 10);
	assert_false(is_pending(&f->plic, 10));
	assert_false(f->log.level[0]);
	assert_int_equal(rd(&f->plic, claim_reg(0)), 0);
	assert_int_equal(f->log.calls[0], 4);
}

static void test_bad_completions_are_ignored(void **state)
{
	struct fixture *f = *state;

	wr(&f->plic, priority_reg(10), 1);
	wr(&f->plic, priority_reg(11), 1);
	enable_source(&f->plic, 0, 10);
	enable_source(&f->plic, 0, 11);
	vplic_set_level(&f->plic, 10, true);
	assert_int_equal(rd(&f->plic, claim_reg(0)), 10);
	/* Context 1 has source 10 disabled: its completion is ignored. */
	wr(&f->plic, claim_reg(1), 10);
	/* Ids that are unclaimed, reserved or out of range are ignored. */
	wr(&f->plic, claim_reg(0), 11);
	wr(&f->plic, claim_reg(0), 0);
	wr(&f->plic, claim_reg(0), 96);
	assert_false(is_pending(&f->plic, 10));
	assert_int_equal(rd(&f->plic, claim_reg(0)), 0);
	assert_int_equal(f->log.calls[0], 2);
	/* Disabled after the claim: completion no longer counts. */
	wr(&f->plic, enable_reg(0, 0), 1U << 11);
	wr(&f->plic, claim_reg(0), 10);
	assert_false(is_pending(&f->plic, 10));
	enable_source(&f->plic, 0, 10);
	wr(&f->plic, claim_reg(0), 10);
	assert_true(is_pending(&f->plic, 10));
	assert_true(f->log.level[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test(test_init_clamps_sizes),
		cmocka_unit_test_setup(test_priority_registers, setup),
		cmocka_unit_test(test_out_of_range_source_and_context),
		cmocka_unit_test_setup(test_access_rules, setup),
		cmocka_unit_test_setup(test_pending_is_read_only, setup),
		cmocka_unit_test_setup(
			test_claim_picks_highest_priority_then_lowest_id,
			setup),
		cmocka_unit_test_setup(test_threshold_and_zero_priority_mask,
				       setup),
		cmocka_unit_test_setup(test_enable_gates_each_context, setup),
		cmocka_unit_test_setup(
			test_claim_by_one_context_hides_source_from_others,
			setup),
		cmocka_unit_test_setup(test_complete_repends_while_line_is_high,
				       setup),
		cmocka_unit_test_setup(test_bad_completions_are_ignored, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
