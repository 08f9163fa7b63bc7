// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the bitmap page allocator (hv/page_alloc.c).
 *
 * The region's base is deliberately only 4 KiB aligned (page 0x80201):
 * aligned requests must come out aligned in host-physical terms, which a
 * base-relative implementation would get wrong. The bitmap is followed by
 * guard words so any write past npages bits is caught, and a randomized
 * test checks every operation against a one-byte-per-page model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/page_alloc.h>

#define BASE UINT64_C(0x80201000) /* 4 KiB aligned, nothing more */
#define NPAGES 1000u		  /* not a multiple of 64 */
#define GUARD_WORDS 2
#define GUARD UINT64_C(0x5a5a5a5a5a5a5a5a)

static uint64_t bitmap[BITS_TO_WORDS(NPAGES) + GUARD_WORDS];
static struct page_allocator pa;

static uint64_t page_addr(size_t page)
{
	return BASE + (uint64_t)page * PAGE_SIZE;
}

static bool bit_set(size_t page)
{
	return bitmap[page / 64] >> (page % 64) & 1;
}

static size_t count_used(void)
{
	size_t used = 0;

	for (size_t page = 0; page < NPAGES; page++)
		used += bit_set(page);
	return used;
}

/* free_pages agrees with the bitmap, no bit past NPAGES, guards intact. */
static void check_invariants(void)
{
	assert_int_equal(pa.free_pages, NPAGES - count_used());
	for (size_t page = NPAGES; page < BITS_TO_WORDS(NPAGES) * 64; page++)
		assert_false(bit_set(page));
	for (size_t i = 0; i < GUARD_WORDS; i++)
		assert_int_equal(bitmap[BITS_TO_WORDS(NPAGES) + i], GUARD);
}

static void assert_range(size_t first, size_t count, bool used)
{
	for (size_t page = first; page < first + count; page++)
		if (bit_set(page) != used)
			fail_msg("page %zu: used %d, want %d", page,
				 bit_set(page), used);
}

static int setup(void **state)
{
	(void)state;
	memset(bitmap, 0xff, sizeof(bitmap)); /* init must clear it */
	for (size_t i = 0; i < GUARD_WORDS; i++)
		bitmap[BITS_TO_WORDS(NPAGES) + i] = GUARD;
	memset(&pa, 0xa5, sizeof(pa));
	page_allocator_init(&pa, BASE, NPAGES, bitmap);
	return 0;
}

static void test_init(void **state)
{
	(void)state;
	assert_int_equal(pa.base, BASE);
	assert_int_equal(pa.npages, NPAGES);
	assert_ptr_equal(pa.bitmap, bitmap);
	assert_int_equal(pa.free_pages, NPAGES);
	assert_range(0, NPAGES, false);
	check_invariants();
}

static void test_reserve_inside(void **state)
{
	(void)state;
	page_allocator_reserve(&pa, page_addr(10), 5 * PAGE_SIZE);
	assert_range(10, 5, true);
	assert_range(0, 10, false);
	assert_range(15, NPAGES - 15, false);
	assert_int_equal(pa.free_pages, NPAGES - 5);
	/* Reserving again, or overlapping, does not count pages twice. */
	page_allocator_reserve(&pa, page_addr(12), 6 * PAGE_SIZE);
	assert_range(10, 8, true);
	assert_int_equal(pa.free_pages, NPAGES - 8);
	check_invariants();
}

static void test_reserve_rounds_outward(void **state)
{
	(void)state;
	/* 1 byte into page 20 up to 1 byte into page 22: pages 20..22. */
	page_allocator_reserve(&pa, page_addr(20) + 1, 2 * PAGE_SIZE);
	assert_range(19, 1, false);
	assert_range(20, 3, true);
	assert_range(23, 1, false);
	/* A single byte reserves its page. */
	page_allocator_reserve(&pa, page_addr(30) + 100, 1);
	assert_range(29, 1, false);
	assert_range(30, 1, true);
	assert_range(31, 1, false);
	assert_int_equal(pa.free_pages, NPAGES - 4);
	check_invariants();
}

static void test_reserve_partial_overlaps(void **state)
{
	(void)state;
	/* Starts below the region: only the part inside counts. */
	page_allocator_reserve(&pa, BASE - 8 * PAGE_SIZE, 11 * PAGE_SIZE);
	assert_range(0, 3, true);
	assert_range(3, 1, false);
	/* Runs past the end. */
	page_allocator_reserve(&pa, page_addr(NPAGES - 2), 50 * PAGE_SIZE);
	assert_range(NPAGES - 3, 1, false);
	assert_range(NPAGES - 2, 2, true);
	assert_int_equal(pa.free_pages, NPAGES - 5);
	check_invariants();
	/* Covers the whole region and more on both sides. */
	page_allocator_reserve(&pa, BASE - PAGE_SIZE,
			       (NPAGES + 2) * (uint64_t)PAGE_SIZE);
	assert_int_equal(pa.free_pages, 0);
	check_invariants();
}

static void test_reserve_outside(void **state)
{
	(void)state;
	page_allocator_reserve(&pa, 0, BASE); /* ends at base */
	page_allocator_reserve(&pa, BASE - PAGE_SIZE, PAGE_SIZE);
	page_allocator_reserve(&pa, page_addr(NPAGES), PAGE_SIZE);
	page_allocator_reserve(&pa, page_addr(NPAGES) + 1, 1);
	page_allocator_reserve(&pa, UINT64_C(0x100000000), UINT64_C(1) << 30);
	page_allocator_reserve(&pa, page_addr(5), 0); /* empty range */
	assert_int_equal(pa.free_pages, NPAGES);
	assert_range(0, NPAGES, false);
	check_invariants();
}

/* A size that makes addr + size wrap means "to the end of memory". */
static void test_reserve_huge_size(void **state)
{
	(void)state;
	page_allocator_reserve(&pa, page_addr(NPAGES - 4), UINT64_MAX);
	assert_range(0, NPAGES - 4, false);
	assert_range(NPAGES - 4, 4, true);
	assert_int_equal(pa.free_pages, NPAGES - 4);
	page_allocator_reserve(&pa, BASE - PAGE_SIZE, UINT64_MAX - 10);
	assert_int_equal(pa.free_pages, 0);
	check_invariants();
}

static void test_alloc_first_fit(void **state)
{
	(void)state;
	assert_int_equal(page_allocator_alloc(&pa, 1, 1), page_addr(0));
	assert_int_equal(page_allocator_alloc(&pa, 3, 1), page_addr(1));
	assert_int_equal(page_allocator_alloc(&pa, 1, 1), page_addr(4));
	page_allocator_reserve(&pa, page_addr(5), 2 * PAGE_SIZE);
	/* Hole of 0 after the reserve; 2 pages fit from page 7. */
	assert_int_equal(page_allocator_alloc(&pa, 2, 1), page_addr(7));
	assert_range(0, 9, true);
	assert_int_equal(pa.free_pages, NPAGES - 9);
	check_invariants();
}

/* Alignment is host-physical: BASE is 0x80201000, so the first 2 MiB
 * boundary inside is 0x80400000 (page 511), not page 0 or 512. */
static void test_alloc_alignment(void **state)
{
	(void)state;
	for (size_t align = 1; align <= 512; align *= 2) {
		uint64_t addr = page_allocator_alloc(&pa, 1, align);
		uint64_t bytes = (uint64_t)align * PAGE_SIZE;

		assert_int_not_equal(addr, 0);
		assert_true(IS_ALIGNED(addr, bytes));
		/* Lowest such address that is free and inside. */
		for (uint64_t a = ALIGN_UP(BASE, bytes); a < addr; a += bytes)
			assert_true(bit_set((a - BASE) / PAGE_SIZE));
	}
	/* The region (up to 0x805e9000) holds one 2 MiB boundary, now used. */
	assert_int_equal(page_allocator_alloc(&pa, 1, 512), 0);
	assert_int_equal(pa.free_pages, NPAGES - 10);
	check_invariants();
}

static void test_alloc_alignment_exact(void **state)
{
	(void)state;
	assert_int_equal(page_allocator_alloc(&pa, 1, 2), UINT64_C(0x80202000));
	assert_int_equal(page_allocator_alloc(&pa, 1, 16),
			 UINT64_C(0x80210000));
	assert_int_equal(page_allocator_alloc(&pa, 2, 512),
			 UINT64_C(0x80400000));
	/* The unaligned head is still there for small requests. */
	assert_int_equal(page_allocator_alloc(&pa, 1, 1), BASE);
	assert_int_equal(pa.free_pages, NPAGES - 5);
	check_invariants();
}

/* A used page inside an aligned candidate skips to the next boundary. */
static void test_alloc_skips_used(void **state)
{
	(void)state;
	page_allocator_reserve(&pa, UINT64_C(0x8020b000), PAGE_SIZE);
	assert_int_equal(page_allocator_alloc(&pa, 8, 8), UINT64_C(0x80210000));
	/* Only one 2 MiB boundary lies inside; block it. */
	page_allocator_reserve(&pa, UINT64_C(0x80400000), PAGE_SIZE);
	assert_int_equal(page_allocator_alloc(&pa, 1, 512), 0);
	/* 2 MiB at 1 MiB alignment: 0x80300000 holds the blocked page and
	 * 0x80500000 would run past the end of the region. */
	assert_int_equal(page_allocator_alloc(&pa, 512, 256), 0);
	assert_int_equal(page_allocator_alloc(&pa, 256, 256),
			 UINT64_C(0x80300000));
	check_invariants();
}

static void test_alloc_bad_arguments(void **state)
{
	(void)state;
	assert_int_equal(page_allocator_alloc(&pa, 0, 1), 0);
	assert_int_equal(page_allocator_alloc(&pa, 1, 0), 0);
	assert_int_equal(page_allocator_alloc(&pa, 1, 3), 0);
	assert_int_equal(page_allocator_alloc(&pa, 1, 6), 0);
	assert_int_equal(page_allocator_alloc(&pa, NPAGES + 1, 1), 0);
	assert_int_equal(page_allocator_alloc(&pa, SIZE_MAX, 1), 0);
	/* Alignment larger than the region: no aligned address inside. */
	assert_int_equal(page_allocator_alloc(&pa, 1, 1 << 20), 0);
	assert_int_equal(pa.free_pages, NPAGES);
	check_invariants();
}

static void test_exhaustion(void **state)
{
	(void)state;
	assert_int_equal(page_allocator_alloc(&pa, NPAGES, 1), BASE);
	assert_int_equal(pa.free_pages, 0);
	assert_int_equal(page_allocator_alloc(&pa, 1, 1), 0);
	page_allocator_free(&pa, page_addr(500), 1);
	assert_int_equal(page_allocator_alloc(&pa, 2, 1), 0);
	assert_int_equal(page_allocator_alloc(&pa, 1, 1), page_addr(500));
	assert_int_equal(page_allocator_alloc(&pa, 1, 1), 0);
	check_invariants();
}

/* Enough free pages in total, but no contiguous run: fails cleanly. */
static void test_fragmented(void **state)
{
	(void)state;
	for (size_t page = 0; page < NPAGES; page += 2)
		page_allocator_reserve(&pa, page_addr(page), PAGE_SIZE);
	assert_int_equal(pa.free_pages, NPAGES / 2);
	assert_int_equal(page_allocator_alloc(&pa, 2, 1), 0);
	assert_int_equal(page_allocator_alloc(&pa, 1, 1), page_addr(1));
	assert_int_equal(pa.free_pages, NPAGES / 2 - 1);
	check_invariants();
}

static void test_free_and_reuse(void **state)
{
	uint64_t a, b, c;

	(void)state;
	a = page_allocator_alloc(&pa, 4, 1);
	b = page_allocator_alloc(&pa, 4, 1);
	c = page_allocator_alloc(&pa, 4, 1);
	assert_int_equal(pa.free_pages, NPAGES - 12);
	page_allocator_free(&pa, b, 4);
	assert_int_equal(pa.free_pages, NPAGES - 8);
	assert_range((b - BASE) / PAGE_SIZE, 4, false);
	/* First fit reuses the hole, and a bigger request goes after c. */
	assert_int_equal(page_allocator_alloc(&pa, 5, 1), c + 4 * PAGE_SIZE);
	assert_int_equal(page_allocator_alloc(&pa, 4, 1), b);
	page_allocator_free(&pa, a, 4);
	page_allocator_free(&pa, a, 4); /* double free: no double count */
	assert_int_equal(pa.free_pages, NPAGES - 13);
	assert_int_equal(page_allocator_alloc(&pa, 2, 1), a);
	check_invariants();
}

static void test_free_bad_addresses(void **state)
{
	(void)state;
	assert_int_equal(page_allocator_alloc(&pa, NPAGES, 1), BASE);
	page_allocator_free(&pa, 0, 1);
	page_allocator_free(&pa, BASE - PAGE_SIZE, 2);	    /* below base */
	page_allocator_free(&pa, BASE + 1, 1);		    /* misaligned */
	page_allocator_free(&pa, page_addr(NPAGES), 1);	    /* past the end */
	page_allocator_free(&pa, page_addr(NPAGES - 1), 2); /* runs over */
	page_allocator_free(&pa, page_addr(NPAGES + 10), 1);
	page_allocator_free(&pa, page_addr(10), SIZE_MAX); /* wraps */
	page_allocator_free(&pa, UINT64_MAX & ~(uint64_t)(PAGE_SIZE - 1), 1);
	assert_int_equal(pa.free_pages, 0);
	assert_range(0, NPAGES, true);
	page_allocator_free(&pa, page_addr(NPAGES - 1), 1); /* last page ok */
	page_allocator_free(&pa, page_addr(3), 0);	    /* nothing */
	assert_int_equal(pa.free_pages, 1);
	check_invariants();
}

/* ---- randomized test against a reference model ---- */

static uint8_t model[NPAGES];

static uint64_t model_alloc(size_t n, size_t align)
{
	uint64_t bytes = (uint64_t)align * PAGE_SIZE;

	for (uint64_t a = ALIGN_UP(BASE, bytes);
	     a + n * PAGE_SIZE <= page_addr(NPAGES); a += bytes) {
		size_t first = (a - BASE) / PAGE_SIZE, i;

		for (i = 0; i < n && !model[first + i]; i++)
			;
		if (i == n) {
			memset(&model[first], 1, n);
			return a;
		}
	}
	return 0;
}

struct block {
	uint64_t addr;
	size_t npages;
};

static uint32_t rng_state = 0x12345678;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void test_random_against_model(void **state)
{
	static struct block blocks[NPAGES];
	size_t nblocks = 0, allocs = 0, failures = 0;

	(void)state;
	memset(model, 0, sizeof(model));
	for (int step = 0; step < 20000; step++) {
		uint32_t op = rng() % 16;

		if (op < 9) {
			size_t n = 1 + rng() % (rng() % 4 ? 8 : 64);
			size_t align = (size_t)1 << (rng() % 8);
			uint64_t want = model_alloc(n, align);
			uint64_t got = page_allocator_alloc(&pa, n, align);

			if (got != want)
				fail_msg("step %d: alloc(%zu, %zu) = %#lx, "
					 "want %#lx",
					 step, n, align, (unsigned long)got,
					 (unsigned long)want);
			if (got) {
				blocks[nblocks++] = (struct block){got, n};
				allocs++;
			} else {
				failures++;
			}
		} else if (op < 15 && nblocks) {
			size_t i = rng() % nblocks;

			page_allocator_free(&pa, blocks[i].addr,
					    blocks[i].npages);
			memset(&model[(blocks[i].addr - BASE) / PAGE_SIZE], 0,
			       blocks[i].npages);
			blocks[i] = blocks[--nblocks];
		} else {
			size_t page = rng() % (NPAGES + 20);
			uint64_t addr = BASE - 10 * PAGE_SIZE +
					(uint64_t)page * PAGE_SIZE +
					rng() % PAGE_SIZE;
			uint64_t size = rng() % (4 * PAGE_SIZE);
			/* Reserved pages stay in the model, never freed. */
			uint64_t s = MAX(ALIGN_DOWN(addr, PAGE_SIZE), BASE);
			uint64_t e = MIN(ALIGN_UP(addr + size, PAGE_SIZE),
					 page_addr(NPAGES));

			page_allocator_reserve(&pa, addr, size);
			for (uint64_t a = s; a < e; a += PAGE_SIZE) {
				size_t p = (a - BASE) / PAGE_SIZE;

				/* Drop blocks the reserve hit from the free
				 * list: their pages are no longer theirs. */
				for (size_t i = 0; i < nblocks; i++)
					if (blocks[i].addr <= a &&
					    a < blocks[i].addr +
							    blocks[i].npages *
								    PAGE_SIZE)
						blocks[i--] = blocks[--nblocks];
				model[p] = 1;
			}
		}
		for (size_t page = 0; page < NPAGES; page++)
			if (bit_set(page) != model[page])
				fail_msg("step %d: page %zu differs", step,
					 page);
		check_invariants();
	}
	/* The run must have exercised both outcomes. */
	assert_true(allocs > 1000);
	assert_true(failures > 10);
}

#define TEST(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_init),
		TEST(test_reserve_inside),
		TEST(test_reserve_rounds_outward),
		TEST(test_reserve_partial_overlaps),
		TEST(test_reserve_outside),
		TEST(test_reserve_huge_size),
		TEST(test_alloc_first_fit),
		TEST(test_alloc_alignment),
		TEST(test_alloc_alignment_exact),
		TEST(test_alloc_skips_used),
		TEST(test_alloc_bad_arguments),
		TEST(test_exhaustion),
		TEST(test_fragmented),
		TEST(test_free_and_reuse),
		TEST(test_free_bad_addresses),
		TEST(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
