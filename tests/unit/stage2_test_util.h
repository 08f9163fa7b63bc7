/* SPDX-License-Identifier: MIT */
/*
 * Helpers for tests/unit/test_stage2.c: a tracking, failable page
 * allocator callback (host "physical" addresses are pointers) and a table
 * walker written from the privileged spec, independent of hv/stage2.c.
 * Only the stage-2 tests (test_stage2*.c) include this header.
 */
#ifndef TEST_STAGE2_UTIL_H
#define TEST_STAGE2_UTIL_H

#include <stdlib.h>
#include <string.h>

#include <hv/errno.h>
#include <hv/stage2.h>

#define KIB(n) ((uint64_t)(n) << 10)
#define MIB(n) ((uint64_t)(n) << 20)
#define GIB(n) ((uint64_t)(n) << 30)

#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_G BIT(5)
#define PTE_A BIT(6)
#define PTE_D BIT(7)

#define MAX_BLOCKS 64

static void *blocks[MAX_BLOCKS];
static unsigned nr_blocks;
static unsigned alloc_calls;
static int fail_at = -1; /* alloc call number that fails, -1: none */

static hpa_t test_alloc(size_t npages, size_t align_pages)
{
	unsigned call = alloc_calls++;

	assert_true(npages == 1 || npages == 4);
	assert_true(align_pages == 1 || align_pages == npages);
	if ((int)call == fail_at || nr_blocks == MAX_BLOCKS)
		return hpa(0);
	void *p = aligned_alloc(align_pages * PAGE_SIZE, npages * PAGE_SIZE);

	assert_non_null(p);
	memset(p, 0, npages * PAGE_SIZE);
	blocks[nr_blocks++] = p;
	return ptr_to_hpa(p);
}

static int setup(void **state)
{
	(void)state;
	nr_blocks = 0;
	alloc_calls = 0;
	fail_at = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	while (nr_blocks)
		free(blocks[--nr_blocks]);
	return 0;
}

static void init(struct stage2 *s2, unsigned levels)
{
	assert_int_equal(stage2_init(s2, levels, test_alloc), HV_OK);
	alloc_calls = 0; /* count only what mappings allocate */
}

/* Independent table walk: the PTE that maps addr and its level, or NULL. */
static uint64_t *find_leaf(const struct stage2 *s2, uint64_t addr, int *level)
{
	uint64_t *table = hpa_to_ptr(s2->root);

	for (int l = (int)s2->levels - 1; l >= 0; l--) {
		unsigned shift = 12 + 9 * (unsigned)l;
		uint64_t mask = l == (int)s2->levels - 1 ? 2047 : 511;
		uint64_t *pte = &table[(addr >> shift) & mask];

		if (!(*pte & PTE_V))
			return NULL;
		if (*pte & (PTE_R | PTE_W | PTE_X)) {
			*level = l;
			return pte;
		}
		/* Non-leaf: U, A, D are reserved and must be clear. */
		assert_int_equal(*pte & (PTE_U | PTE_A | PTE_D | PTE_G), 0);
		table = (uint64_t *)(uintptr_t)((*pte >> 10) << 12);
	}
	return NULL;
}

static void check_leaf(const struct stage2 *s2, uint64_t addr, uint64_t host,
		       int want_level)
{
	int level = -1;
	uint64_t *pte = find_leaf(s2, addr, &level);

	if (!pte)
		fail_msg("gpa %#lx: no leaf", (unsigned long)addr);
	if (level != want_level)
		fail_msg("gpa %#lx: leaf at level %d, want %d",
			 (unsigned long)addr, level, want_level);
	uint64_t size = UINT64_C(1) << (12 + 9 * level);

	assert_int_equal((*pte >> 10) << 12, host & ~(size - 1));
	assert_true(*pte & PTE_U); /* G-stage leaves are checked as U-mode */
	assert_true(*pte & PTE_A);
	assert_true(*pte & PTE_D);
	assert_false(*pte & PTE_G);
	if (*pte & PTE_W)
		assert_true(*pte & PTE_R); /* W without R is reserved */
	assert_int_equal(*pte >> 54, 0);   /* reserved, PBMT, N */
}

static void check_translate(const struct stage2 *s2, uint64_t addr,
			    uint64_t host, unsigned long perms)
{
	hpa_t got = hpa(0);
	unsigned long got_perms = 0;

	if (stage2_translate(s2, gpa(addr), &got, &got_perms) != HV_OK)
		fail_msg("gpa %#lx unmapped", (unsigned long)addr);
	if (got.val != host)
		fail_msg("gpa %#lx -> %#lx, want %#lx", (unsigned long)addr,
			 (unsigned long)got.val, (unsigned long)host);
	assert_int_equal(got_perms, perms);
}

static void check_unmapped(const struct stage2 *s2, uint64_t addr)
{
	hpa_t got = hpa(0);

	assert_int_equal(stage2_translate(s2, gpa(addr), &got, NULL),
			 HV_ENOENT);
}

static int map(struct stage2 *s2, uint64_t addr, uint64_t host, uint64_t size,
	       unsigned long perms)
{
	return stage2_map(s2, gpa(addr), hpa(host), size, perms);
}

#endif
