/* SPDX-License-Identifier: MIT */
/*
 * G-stage (stage-2) page tables: Sv39x4 or Sv48x4. Pure logic over a page
 * allocator callback, so it is unit-tested on the host, where "physical"
 * addresses are ordinary pointers.
 */
#ifndef HV_STAGE2_H
#define HV_STAGE2_H

#include <hv/types.h>

#define STAGE2_READ BIT(1)
#define STAGE2_WRITE BIT(2)
#define STAGE2_EXEC BIT(3)
#define STAGE2_RWX (STAGE2_READ | STAGE2_WRITE | STAGE2_EXEC)

/* Returns a zeroed, page-aligned block of npages pages, aligned to
 * align_pages pages, or hpa 0 on failure. */
typedef hpa_t (*stage2_alloc_fn)(size_t npages, size_t align_pages);

/* Gives back what a stage2_alloc_fn returned. */
typedef void (*stage2_free_fn)(hpa_t addr, size_t npages);

struct stage2 {
	unsigned levels; /* 3 for Sv39x4, 4 for Sv48x4 */
	hpa_t root;	 /* 16 KiB root table */
	stage2_alloc_fn alloc;
};

/* levels: 3 or 4. HV_ENOMEM or HV_EINVAL on failure. */
int stage2_init(struct stage2 *s2, unsigned levels, stage2_alloc_fn alloc);
/* Map [addr, addr + size) to host memory, using the largest leaves that
 * alignment allows. HV_EINVAL for misaligned or out-of-range ranges,
 * HV_EEXIST if any part is already mapped, HV_ENOMEM. */
int stage2_map(struct stage2 *s2, gpa_t addr, hpa_t host, uint64_t size,
	       unsigned long perms);
/* Walk the table: HV_OK with *host (and *perms if non-NULL), or
 * HV_ENOENT when addr is unmapped. */
int stage2_translate(const struct stage2 *s2, gpa_t addr, hpa_t *host,
		     unsigned long *perms);
/*
 * Give the mapped 4 KiB page at `page` (aligned) the permissions perms
 * (STAGE2_*, not none; W implies R), splitting a 2 MiB or 1 GiB leaf
 * that covers it into smaller leaves with the same host addresses and
 * permissions. Splits stay after unprotecting. HV_EINVAL for bad
 * arguments, HV_ENOENT when the page is unmapped, HV_ENOMEM (nothing
 * changed but possibly a split). Callers serialize changes to the same
 * PTEs (the debugger's lock for guest RAM, device_lock for the UART's
 * shadow page, which share no table) and flush the G-stage TLBs of every
 * hart that ran the VM afterwards.
 */
int stage2_protect(struct stage2 *s2, gpa_t page, unsigned long perms);
/* The same with every permission back (RWX), as guest RAM is mapped. */
int stage2_unprotect(struct stage2 *s2, gpa_t page);
/* Unmap the 4 KiB leaf at `page` (aligned); its table stays, so mapping
 * the page again (stage2_map) allocates nothing. HV_ENOENT when nothing
 * is mapped there, HV_EINVAL for bad arguments or a page inside a larger
 * leaf. The caller flushes the G-stage TLBs of every hart afterwards. */
int stage2_unmap_page(struct stage2 *s2, gpa_t page);
/* Free every table (the root last) and forget the root: later walks find
 * nothing mapped. The leaves' memory is not the table's to free. Only
 * once no hart can walk the table: no vCPU of its VM runs, and its VMID
 * is flushed before any reuse. */
void stage2_destroy(struct stage2 *s2, stage2_free_fn free_pages);
/* Number of guest-physical address bits the scheme covers. */
unsigned stage2_gpa_bits(const struct stage2 *s2);

#endif
