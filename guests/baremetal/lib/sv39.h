/* SPDX-License-Identifier: MIT */
/*
 * Sv39 page-table entries, for the test guests that turn paging on (debug,
 * the selftest's remote-fence check, the latency guest's TLB refills).
 */
#ifndef GUEST_SV39_H
#define GUEST_SV39_H

#include <stdint.h>

#define SV39_PAGE_SIZE 4096UL
#define SV39_PTES_PER_TABLE 512
#define SV39_MEGAPAGE_SIZE (2UL << 20)
#define SV39_GIGAPAGE_SIZE (1UL << 30)

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_PPN_SHIFT 10

#define SATP_SV39 (8UL << 60)

/* The index of va in the table of a level (2: root, 0: leaves). */
static inline unsigned sv39_index(unsigned long va, unsigned level)
{
	return (va >> (12 + 9 * level)) & (SV39_PTES_PER_TABLE - 1);
}

/* An entry pointing at the next-level table at physical address pa. */
static inline uint64_t sv39_table_pte(unsigned long pa)
{
	return pa >> 12 << PTE_PPN_SHIFT | PTE_V;
}

/* A leaf mapping physical address pa with perms (PTE_R, PTE_W, PTE_X),
 * accessed and dirty already set so that no access faults to set them. */
static inline uint64_t sv39_leaf_pte(unsigned long pa, unsigned long perms)
{
	return pa >> 12 << PTE_PPN_SHIFT | perms | PTE_V | PTE_A | PTE_D;
}

#endif
