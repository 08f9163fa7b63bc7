/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: a bitmap over one region of free host RAM,
 * first fit with alignment, so a VM's RAM can be one contiguous block.
 * Pure logic (the caller serialises), unit-tested on the host.
 */
#ifndef HV_PAGE_ALLOC_H
#define HV_PAGE_ALLOC_H

#include <hv/types.h>

struct page_allocator {
	uint64_t base; /* first page's address */
	size_t npages;
	uint64_t *bitmap; /* 1 = used; caller-provided, npages bits */
	size_t free_pages;
	size_t search_hint;
};

/* bitmap must hold BITS_TO_WORDS(npages) words. All pages start free. */
void page_allocator_init(struct page_allocator *pa, uint64_t base,
			 size_t npages, uint64_t *bitmap);
/* Mark [addr, addr + size) used (firmware, the hypervisor, boot data). */
void page_allocator_reserve(struct page_allocator *pa, uint64_t addr,
			    uint64_t size);
/* 0 on failure. align_pages is a power of two. */
uint64_t page_allocator_alloc(struct page_allocator *pa, size_t npages,
			      size_t align_pages);
void page_allocator_free(struct page_allocator *pa, uint64_t addr,
			 size_t npages);

#define BITS_TO_WORDS(n) (((n) + 63) / 64)

/* The hypervisor's global allocator (hv/mm/memory.c): locked; every block
 * it hands out is zeroed. */
void memory_init(uint64_t ram_base, uint64_t ram_size);
void memory_reserve(uint64_t addr, uint64_t size);
hpa_t memory_alloc_pages(size_t npages, size_t align_pages);
/* Give back a block (no hart may still reach it: a stopped VM's RAM only
 * once none of its vCPUs runs, its page tables only with its VMID
 * retired). hpa 0 is ignored. */
void memory_release_pages(hpa_t addr, size_t npages);
/* Pages not allocated (leak checks). */
size_t memory_free_pages(void);

#endif
