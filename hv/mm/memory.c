// SPDX-License-Identifier: MIT
/*
 * The hypervisor's host-physical memory: one page allocator over the RAM
 * the DTB reports, minus firmware, the hypervisor image, the DTB and the
 * boot archive. Every allocation is zeroed here, VM RAM included: nothing
 * may rely on the machine's RAM being zero at reset, and a block freed by
 * a stopped VM must not show its data to the next owner.
 */
#include <string.h>
#include <hv/errno.h>
#include <hv/page_alloc.h>
#include <hv/printk.h>
#include <hv/spinlock.h>

#define MAX_RAM_PAGES (16UL << 30 >> PAGE_SHIFT) /* up to 16 GiB of RAM */

static uint64_t bitmap[BITS_TO_WORDS(MAX_RAM_PAGES)];
static struct page_allocator allocator;
static spinlock_t memory_lock = SPINLOCK_INIT;

void memory_init(uint64_t ram_base, uint64_t ram_size)
{
	size_t npages =
		MIN(ram_size, MAX_RAM_PAGES << PAGE_SHIFT) >> PAGE_SHIFT;

	page_allocator_init(&allocator, ram_base, npages, bitmap);
}

void memory_reserve(uint64_t addr, uint64_t size)
{
	spin_lock(&memory_lock);
	page_allocator_reserve(&allocator, addr, size);
	spin_unlock(&memory_lock);
}

hpa_t memory_alloc_pages(size_t npages, size_t align_pages)
{
	spin_lock(&memory_lock);
	uint64_t addr = page_allocator_alloc(&allocator, npages, align_pages);
	spin_unlock(&memory_lock);

	/* Outside the lock: a VM's RAM can take a while to clear, and no
	 * one else can see the block before we return it. */
	if (addr)
		memset(hpa_to_ptr(hpa(addr)), 0, npages * PAGE_SIZE);
	return hpa(addr);
}

void memory_release_pages(hpa_t addr, size_t npages)
{
	if (!addr.val || !npages)
		return;
	spin_lock(&memory_lock);
	page_allocator_free(&allocator, addr.val, npages);
	spin_unlock(&memory_lock);
}

size_t memory_free_pages(void)
{
	spin_lock(&memory_lock);
	size_t free_pages = allocator.free_pages;
	spin_unlock(&memory_lock);

	return free_pages;
}
