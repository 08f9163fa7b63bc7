// SPDX-License-Identifier: MIT
/*
 * What a guest pays for its own TLB misses, with no exit on the path.
 * The guest turns on Sv39, maps TLB_PAGES pages of its RAM with 4 KiB
 * leaves (three levels, as a Linux user page), and reads one word from
 * each:
 *   tlb-refill  after an sfence.vma: every read misses and walks the
 *               page table; as a VM, each walk is two-stage (each guest
 *               page-table read and the final address go through the
 *               hypervisor's stage-2 table);
 *   tlb-hit     the same reads again, the translations still cached.
 * Under icount both sides run the same instructions: hartvisor takes no
 * exit here, and a page-table walk costs no instruction. Under MTTCG the
 * tlb-refill ratio is what QEMU charges for a two-stage walk over a
 * one-stage one, which no hypervisor code can change (docs/benchmarks.md,
 * "Where the boot's time goes"); tlb-hit is its control, near 1.
 */
#include "csr.h"
#include "latency.h"
#include "platform.h"
#include "sv39.h"
#include "test.h"
#include "util.h"

#define TLB_PAGES 64
/* Gigapage 3: the measured pages; the RAM gigapage maps the image 1:1. */
#define TLB_VA 0xc0000000UL

static uint64_t root[SV39_PTES_PER_TABLE]
	__attribute__((aligned(SV39_PAGE_SIZE)));
static uint64_t middle[SV39_PTES_PER_TABLE]
	__attribute__((aligned(SV39_PAGE_SIZE)));
static uint64_t leaves[SV39_PTES_PER_TABLE]
	__attribute__((aligned(SV39_PAGE_SIZE)));
static uint8_t pages[TLB_PAGES][SV39_PAGE_SIZE]
	__attribute__((aligned(SV39_PAGE_SIZE)));
static uint64_t samples[LAT_MAX_SAMPLES];

static void map_pages(void)
{
	/* The image, its stacks and the trap vector run on the RAM
	 * gigapage; the devices' gigapage keeps the console usable. */
	root[sv39_index(platform.ram_base, 2)] =
		sv39_leaf_pte(platform.ram_base, PTE_R | PTE_W | PTE_X);
	root[sv39_index(0, 2)] = sv39_leaf_pte(0, PTE_R | PTE_W);
	root[sv39_index(TLB_VA, 2)] = sv39_table_pte((unsigned long)middle);
	middle[sv39_index(TLB_VA, 1)] = sv39_table_pte((unsigned long)leaves);
	for (unsigned i = 0; i < TLB_PAGES; i++)
		leaves[i] =
			sv39_leaf_pte((unsigned long)pages[i], PTE_R | PTE_W);
}

/* One read from each page, through TLB_VA. */
static unsigned long read_pages(void)
{
	unsigned long sum = 0;

	for (unsigned i = 0; i < TLB_PAGES; i++)
		sum += *(volatile uint64_t *)(TLB_VA + i * SV39_PAGE_SIZE);
	return sum;
}

/* One series of lat_samples rounds with paging on; false if a read gave
 * the wrong word (the mapping is broken, not just slow). */
static bool series(bool flush)
{
	const unsigned long want = TLB_PAGES * (TLB_PAGES - 1) / 2;
	bool right;

	/* The tables and the words reach memory before the walker reads
	 * them. Interrupts stay off (as everywhere here but the waits), so
	 * no trap runs between the two satp writes. */
	asm volatile("fence rw, rw" ::: "memory");
	csr_write(satp, SATP_SV39 | (unsigned long)root >> 12);
	asm volatile("sfence.vma" ::: "memory");
	right = read_pages() == want; /* fills the TLB for the hit series */
	for (unsigned i = 0; i < lat_samples; i++) {
		if (flush)
			asm volatile("sfence.vma" ::: "memory");
		uint64_t c0 = read_cycle();
		unsigned long sum = read_pages();
		uint64_t c1 = read_cycle();

		samples[i] = c1 - c0;
		right = right && sum == want;
	}
	csr_write(satp, 0);
	asm volatile("sfence.vma" ::: "memory");
	return right;
}

void lat_measure_tlb(void)
{
	for (unsigned i = 0; i < TLB_PAGES; i++)
		*(volatile uint64_t *)pages[i] = i;
	map_pages();
	check(series(true), "tlb-refill-reads",
	      "a read through TLB_VA "
	      "gave the wrong word");
	lat_report("tlb-refill", samples, lat_samples);
	check(series(false), "tlb-hit-reads",
	      "a read through TLB_VA gave "
	      "the wrong word");
	lat_report("tlb-hit", samples, lat_samples);
}
