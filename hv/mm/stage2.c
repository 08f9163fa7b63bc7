// SPDX-License-Identifier: MIT
/*
 * G-stage page tables (privileged spec, "Two-Stage Address Translation").
 * The root table is 16 KiB (four pages: two extra guest-physical address
 * bits), the rest are ordinary Sv39/Sv48 tables. Leaves need the U bit:
 * every G-stage access is checked as if made from U-mode.
 *
 * After creation only stage2_protect and the single-page map and unmap
 * change a table while the VM may run: a superpage is split by building
 * its replacement table first and then swapping the one PTE, so a
 * concurrent hardware walk sees either the old leaf or an equivalent
 * table, never a half-built one; a 4 KiB leaf changes with one atomic
 * store. The stale translations a hart may still cache are the caller's
 * to flush.
 */
#include <hv/errno.h>
#include <hv/pte.h>
#include <hv/stage2.h>

#define ENTRIES_PER_TABLE 512
#define ROOT_ENTRIES 2048 /* 16 KiB root: 9 + 2 index bits */
#define ROOT_PAGES 4

typedef uint64_t pte_t;

static pte_t *table_ptr(hpa_t table)
{
	return hpa_to_ptr(table);
}

static hpa_t pte_address(pte_t pte)
{
	return hpa((pte >> PTE_PPN_SHIFT) << PAGE_SHIFT);
}

static unsigned level_shift(unsigned level)
{
	return PAGE_SHIFT + 9 * level;
}

static unsigned pte_index(const struct stage2 *s2, gpa_t addr, unsigned level)
{
	uint64_t index = addr.val >> level_shift(level);

	if (level == s2->levels - 1)
		return (unsigned)(index & (ROOT_ENTRIES - 1));
	return (unsigned)(index & (ENTRIES_PER_TABLE - 1));
}

unsigned stage2_gpa_bits(const struct stage2 *s2)
{
	return PAGE_SHIFT + 9 * s2->levels + 2;
}

int stage2_init(struct stage2 *s2, unsigned levels, stage2_alloc_fn alloc)
{
	if (levels != 3 && levels != 4)
		return HV_EINVAL;
	s2->levels = levels;
	s2->alloc = alloc;
	s2->root = alloc(ROOT_PAGES, ROOT_PAGES);
	return s2->root.val ? HV_OK : HV_ENOMEM;
}

/* The table at `level` covering addr, creating tables on the way down. */
static pte_t *walk_create(struct stage2 *s2, gpa_t addr, unsigned level)
{
	hpa_t table = s2->root;

	for (unsigned l = s2->levels - 1; l > level; l--) {
		pte_t *pte = &table_ptr(table)[pte_index(s2, addr, l)];

		if (!(*pte & PTE_V)) {
			hpa_t next = s2->alloc(1, 1);

			if (!next.val)
				return NULL;
			/* Release: the zeroed table before a walk finds it. */
			__atomic_store_n(
				pte,
				((next.val >> PAGE_SHIFT) << PTE_PPN_SHIFT) |
					PTE_V,
				__ATOMIC_RELEASE);
		} else if (*pte & PTE_LEAF_MASK) {
			/* A larger leaf already covers it: hand that back, so
			 * the caller sees a valid entry (HV_EEXIST), not a
			 * NULL it would take for HV_ENOMEM. */
			return pte;
		}
		table = pte_address(*pte);
	}
	return &table_ptr(table)[pte_index(s2, addr, level)];
}

static pte_t leaf_pte(hpa_t host, unsigned long perms)
{
	pte_t pte = ((host.val >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V |
		    PTE_U | PTE_A | PTE_D;

	if (perms & STAGE2_READ)
		pte |= PTE_R;
	if (perms & STAGE2_WRITE)
		pte |= PTE_W | PTE_R; /* W without R is reserved */
	if (perms & STAGE2_EXEC)
		pte |= PTE_X;
	return pte;
}

int stage2_map(struct stage2 *s2, gpa_t addr, hpa_t host, uint64_t size,
	       unsigned long perms)
{
	uint64_t limit = 1ULL << stage2_gpa_bits(s2);

	if (!size || !IS_ALIGNED(addr.val | host.val | size, PAGE_SIZE) ||
	    addr.val >= limit || size > limit - addr.val ||
	    !(perms & STAGE2_RWX))
		return HV_EINVAL;
	for (uint64_t off = 0; off < size;) {
		gpa_t ga = gpa(addr.val + off);
		hpa_t ha = hpa(host.val + off);
		unsigned level = 2; /* try 1 GiB, then 2 MiB, then 4 KiB */

		while (level > 0 &&
		       !(IS_ALIGNED(ga.val | ha.val,
				    1ULL << level_shift(level)) &&
			 size - off >= (1ULL << level_shift(level))))
			level--;
		pte_t *pte = walk_create(s2, ga, level);

		if (!pte)
			return HV_ENOMEM;
		if (*pte & PTE_V)
			return HV_EEXIST;
		/* Release: what the page holds is written before a walk can
		 * find it (stage2_unmap_page's pages come and go live). */
		__atomic_store_n(pte, leaf_pte(ha, perms), __ATOMIC_RELEASE);
		off += 1ULL << level_shift(level);
	}
	return HV_OK;
}

int stage2_translate(const struct stage2 *s2, gpa_t addr, hpa_t *host,
		     unsigned long *perms)
{
	hpa_t table = s2->root;

	if (!table.val || addr.val >> stage2_gpa_bits(s2))
		return HV_ENOENT; /* no table (destroyed), or out of range */
	for (int l = (int)s2->levels - 1; l >= 0; l--) {
		pte_t pte = table_ptr(table)[pte_index(s2, addr, (unsigned)l)];

		if (!(pte & PTE_V))
			return HV_ENOENT;
		if (pte & PTE_LEAF_MASK) {
			uint64_t mask = (1ULL << level_shift((unsigned)l)) - 1;

			*host = hpa(pte_address(pte).val + (addr.val & mask));
			if (perms)
				*perms = pte & PTE_LEAF_MASK;
			return HV_OK;
		}
		table = pte_address(pte);
	}
	return HV_ENOENT;
}

/* Replace the superpage leaf *pte at level (> 0) with a table of 512
 * leaves one level down: the same host addresses and PTE bits. */
static int split_leaf(struct stage2 *s2, pte_t *pte, unsigned level)
{
	pte_t leaf = *pte;
	hpa_t table = s2->alloc(1, 1);
	pte_t step = (1ULL << (level_shift(level - 1) - PAGE_SHIFT))
		     << PTE_PPN_SHIFT;

	if (!table.val)
		return HV_ENOMEM;
	for (unsigned i = 0; i < ENTRIES_PER_TABLE; i++)
		table_ptr(table)[i] = leaf + i * step;
	/* Release: the new table's entries are written before the PTE
	 * that makes walks find it. */
	__atomic_store_n(pte,
			 ((table.val >> PAGE_SHIFT) << PTE_PPN_SHIFT) | PTE_V,
			 __ATOMIC_RELEASE);
	return HV_OK;
}

int stage2_protect(struct stage2 *s2, gpa_t page, unsigned long perms)
{
	hpa_t table = s2->root;

	if (!IS_ALIGNED(page.val, PAGE_SIZE) || !(perms & STAGE2_RWX) ||
	    (perms & ~STAGE2_RWX) || page.val >> stage2_gpa_bits(s2))
		return HV_EINVAL;
	if (!table.val)
		return HV_ENOENT; /* destroyed: its VM has stopped */
	for (unsigned l = s2->levels - 1;; l--) {
		pte_t *pte = &table_ptr(table)[pte_index(s2, page, l)];

		if (!(*pte & PTE_V))
			return HV_ENOENT;
		if ((*pte & PTE_LEAF_MASK) && l > 0) {
			int err = split_leaf(s2, pte, l);

			if (err)
				return err;
		}
		if (l == 0) {
			pte_t old = *pte;

			__atomic_store_n(pte, leaf_pte(pte_address(old), perms),
					 __ATOMIC_RELEASE);
			return HV_OK;
		}
		table = pte_address(*pte);
	}
}

/* Free the tables below `table` (a table at `level`), not the table. */
static void free_subtables(hpa_t table, unsigned level, unsigned entries,
			   stage2_free_fn free_pages)
{
	for (unsigned i = 0; level > 0 && i < entries; i++) {
		pte_t pte = table_ptr(table)[i];

		if (!(pte & PTE_V) || (pte & PTE_LEAF_MASK))
			continue;
		free_subtables(pte_address(pte), level - 1, ENTRIES_PER_TABLE,
			       free_pages);
		free_pages(pte_address(pte), 1);
	}
}

void stage2_destroy(struct stage2 *s2, stage2_free_fn free_pages)
{
	if (!s2->root.val)
		return;
	free_subtables(s2->root, s2->levels - 1, ROOT_ENTRIES, free_pages);
	free_pages(s2->root, ROOT_PAGES);
	s2->root = hpa(0);
}

int stage2_unprotect(struct stage2 *s2, gpa_t page)
{
	return stage2_protect(s2, page, STAGE2_RWX);
}

int stage2_unmap_page(struct stage2 *s2, gpa_t page)
{
	hpa_t table = s2->root;

	if (!IS_ALIGNED(page.val, PAGE_SIZE) || page.val >> stage2_gpa_bits(s2))
		return HV_EINVAL;
	if (!table.val)
		return HV_ENOENT;
	for (unsigned l = s2->levels - 1;; l--) {
		pte_t *pte = &table_ptr(table)[pte_index(s2, page, l)];

		pte_t entry = *pte;

		if (!(entry & PTE_V))
			return HV_ENOENT;
		if (entry & PTE_LEAF_MASK) {
			if (l > 0)
				return HV_EINVAL; /* inside a superpage */
			__atomic_store_n(pte, 0, __ATOMIC_RELAXED);
			return HV_OK;
		}
		if (l == 0)
			return HV_ENOENT;
		table = pte_address(entry);
	}
}
