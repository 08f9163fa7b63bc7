// SPDX-License-Identifier: MIT
/*
 * Bitmap page allocator. Simple by design: VMs allocate their RAM once,
 * at creation, and page tables are small, so first fit over a bitmap is
 * plenty and keeps contiguous, aligned allocations trivial.
 */
#include <hv/page_alloc.h>

static bool page_used(const struct page_allocator *pa, size_t page)
{
	return pa->bitmap[page / 64] & (1ULL << (page % 64));
}

static void mark_pages(struct page_allocator *pa, size_t first, size_t count,
		       bool used)
{
	for (size_t page = first; page < first + count; page++) {
		uint64_t bit = 1ULL << (page % 64);

		if (used && !(pa->bitmap[page / 64] & bit)) {
			pa->bitmap[page / 64] |= bit;
			pa->free_pages--;
		} else if (!used && (pa->bitmap[page / 64] & bit)) {
			pa->bitmap[page / 64] &= ~bit;
			pa->free_pages++;
		}
	}
}

void page_allocator_init(struct page_allocator *pa, uint64_t base,
			 size_t npages, uint64_t *bitmap)
{
	pa->base = base;
	pa->npages = npages;
	pa->bitmap = bitmap;
	pa->free_pages = npages;
	pa->search_hint = 0;
	for (size_t i = 0; i < BITS_TO_WORDS(npages); i++)
		bitmap[i] = 0;
}

void page_allocator_reserve(struct page_allocator *pa, uint64_t addr,
			    uint64_t size)
{
	uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE);
	/* A bogus size (from a DTB) must not wrap past the top: saturate. */
	uint64_t end = size > UINT64_MAX - addr ? UINT64_MAX : addr + size;
	uint64_t limit = pa->base + (uint64_t)pa->npages * PAGE_SIZE;

	if (end <= pa->base || start >= limit)
		return;
	start = MAX(start, pa->base);
	end = ALIGN_UP(MIN(end, limit), PAGE_SIZE);
	mark_pages(pa, (start - pa->base) / PAGE_SIZE,
		   (end - start) / PAGE_SIZE, true);
}

/* First fit: candidates are aligned in host-physical terms, not merely
 * relative to the region's base. */
uint64_t page_allocator_alloc(struct page_allocator *pa, size_t npages,
			      size_t align_pages)
{
	if (npages == 0 || npages > pa->free_pages || align_pages == 0 ||
	    (align_pages & (align_pages - 1)))
		return 0;

	uint64_t align = (uint64_t)align_pages * PAGE_SIZE;
	uint64_t first = ALIGN_UP(pa->base, align);
	size_t page = (first - pa->base) / PAGE_SIZE;

	while (page + npages <= pa->npages) {
		size_t run = 0;

		while (run < npages && !page_used(pa, page + run))
			run++;
		if (run == npages) {
			mark_pages(pa, page, npages, true);
			return pa->base + (uint64_t)page * PAGE_SIZE;
		}
		/* Skip past the used page, then up to the next alignment. */
		uint64_t next =
			pa->base + (uint64_t)(page + run + 1) * PAGE_SIZE;

		page = (ALIGN_UP(next, align) - pa->base) / PAGE_SIZE;
	}
	return 0;
}

void page_allocator_free(struct page_allocator *pa, uint64_t addr,
			 size_t npages)
{
	if (addr < pa->base || !IS_ALIGNED(addr, PAGE_SIZE))
		return;
	size_t first = (addr - pa->base) / PAGE_SIZE;

	if (first + npages > pa->npages)
		return;
	mark_pages(pa, first, npages, false);
}
