// SPDX-License-Identifier: MIT
/*
 * A remote sfence.vma must really drop a stale translation on the target
 * vCPU, not just return 0. vCPU 1 turns on Sv39 with TEST_VA mapped to
 * page_one and reads it (its TLB now holds the translation); vCPU 0 points
 * the PTE at page_two and sends SBI RFENCE remote_sfence_vma for TEST_VA
 * to vCPU 1 only; once the call returns, vCPU 1's next read must give
 * page_two's contents.
 *
 * Can this fail under QEMU? QEMU caches guest translations in its
 * softmmu TLB and keeps them until a fence, a satp write or a change of
 * virtualisation mode (any trap into the hypervisor) flushes it. So a
 * hypervisor that answered the call without reaching vCPU 1 at all (no
 * kick, no request) leaves vCPU 1 reading page_one, and this test fails;
 * the unfenced pass at the end prints whether QEMU kept the stale entry
 * this run. What QEMU cannot show is a hypervisor that kicks vCPU 1 but
 * forgets its hfence.vvma: the trap alone flushes QEMU's TLB. On hardware
 * that would fail here too.
 */
#include "console.h"
#include "csr.h"
#include "harts.h"
#include "platform.h"
#include "sbi.h"
#include "selftest.h"
#include "sv39.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define PAGE SV39_PAGE_SIZE
/* Gigapage 2 maps RAM 1:1 (the code runs on), gigapage 3 holds TEST_VA. */
#define TEST_VA 0xc0000000UL
#define WAIT_US 3000000

static uint64_t root[512] __attribute__((aligned(PAGE)));
static uint64_t middle[512] __attribute__((aligned(PAGE)));
static uint64_t leaves[512] __attribute__((aligned(PAGE)));
static uint64_t page_one[512] __attribute__((aligned(PAGE)));
static uint64_t page_two[512] __attribute__((aligned(PAGE)));

static volatile int step; /* 1: B filled, 2: A fenced, 3: B read, ... */
static volatile uint64_t read_before, read_fenced, read_unfenced;

static uint64_t table_pte(const void *table)
{
	return sv39_table_pte((unsigned long)table);
}

static uint64_t leaf_pte(const void *page)
{
	return sv39_leaf_pte((unsigned long)page, PTE_R | PTE_W);
}

static uint64_t read_test_va(void)
{
	return *(volatile uint64_t *)TEST_VA;
}

static bool wait_step(int want)
{
	uint64_t end = deadline_after_us(WAIT_US);

	while (READ_ONCE(step) < want)
		if (time_reached(end))
			return false;
	return true;
}

/* vCPU 1: fill the TLB, keep using the translation, read after fences. */
static void translating_job(void *arg)
{
	(void)arg;
	csr_write(satp, SATP_SV39 | (unsigned long)root >> 12);
	asm volatile("sfence.vma" ::: "memory");
	read_before = read_test_va();
	step = 1;
	/* Reads in the loop keep the stale entry hot until the fence. */
	for (uint64_t end = deadline_after_us(WAIT_US);
	     READ_ONCE(step) < 2 && !time_reached(end);)
		(void)read_test_va();
	read_fenced = read_test_va();
	step = 3;
	for (uint64_t end = deadline_after_us(WAIT_US);
	     READ_ONCE(step) < 4 && !time_reached(end);)
		(void)read_test_va();
	read_unfenced = read_test_va();
	csr_write(satp, 0);
	asm volatile("sfence.vma" ::: "memory");
	step = 5;
}

void test_rfence_tlb(void)
{
	uint64_t tag = platform.boot_time << 8;
	unsigned target = platform.boot_hart == 0 ? 1 : 0;
	struct sbiret ret = {0};

	if (!require_smp("rfence-tlb"))
		return;
	/* Per-run contents, so no earlier run's page can pass for them. */
	page_one[0] = tag | 1;
	page_two[0] = tag | 2;
	memset(root, 0, sizeof(root));
	root[sv39_index(TEST_VA, 2)] = table_pte(middle);
	root[sv39_index(platform.ram_base, 2)] =
		sv39_leaf_pte(platform.ram_base, PTE_R | PTE_W | PTE_X);
	middle[0] = table_pte(leaves);
	leaves[0] = leaf_pte(page_one);
	step = 0;
	asm volatile("fence rw, rw" ::: "memory");
	if (hart_launch(target, translating_job, NULL) || !wait_step(1)) {
		check(false, "rfence-tlb-started", "vCPU %u did not start",
		      target);
		return;
	}
	leaves[0] = leaf_pte(page_two);
	asm volatile("fence rw, rw" ::: "memory");
	ret = sbi_rfence(SBI_RFENCE_SFENCE_VMA, 1UL << target, 0, TEST_VA, PAGE,
			 0);
	step = 2;
	bool read = wait_step(3);

	check(read_before == page_one[0], "rfence-tlb-mapped",
	      "before: read 0x%lx, want 0x%lx", (unsigned long)read_before,
	      (unsigned long)page_one[0]);
	check(!ret.error && read && read_fenced == page_two[0],
	      "rfence-tlb-stale-dropped",
	      "after remote sfence.vma (error %ld): read 0x%lx, want 0x%lx "
	      "(old 0x%lx)",
	      ret.error, (unsigned long)read_fenced, (unsigned long)page_two[0],
	      (unsigned long)page_one[0]);
	/* Back to page_one without a fence: what did the TLB keep? */
	leaves[0] = leaf_pte(page_one);
	asm volatile("fence rw, rw" ::: "memory");
	step = 4;
	check(wait_step(5) && hart_wait_stopped(target, WAIT_US),
	      "rfence-tlb-target-stopped", "vCPU %u did not finish", target);
	printf("selftest: rfence-tlb: without a fence vCPU %u read the %s "
	       "page\n",
	       target,
	       read_unfenced == page_two[0]   ? "stale"
	       : read_unfenced == page_one[0] ? "new"
					      : "wrong");
}
