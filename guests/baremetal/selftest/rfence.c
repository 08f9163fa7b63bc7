// SPDX-License-Identifier: MIT
/*
 * SBI RFENCE while the other vCPUs run: fence.i, sfence.vma and
 * sfence.vma.asid to masks and to all harts, bad masks, and the hfence
 * functions a guest without H must not get.
 */
#include "csr.h"
#include "harts.h"
#include "platform.h"
#include "selftest.h"
#include "test.h"
#include "timer.h"
#include "util.h"

static volatile int spin_stop;
static volatile int spinning[GUEST_MAX_HARTS];

static void spin_job(void *arg)
{
	(void)arg;
	spinning[current_hartid()] = 1;
	wait_flag(&spin_stop, 5000000);
}

static void test_rfence_calls(void)
{
	unsigned long all = all_harts_mask(), others = secondary_harts_mask();
	unsigned long ram = platform.ram_base + 0x200000;
	unsigned long n = platform.num_harts;
	char name[64];

	check_sbi("rfence-fence-i-all",
		  sbi_rfence(SBI_RFENCE_FENCE_I, 0, SBI_HART_MASK_BASE_ALL, 0,
			     0, 0),
		  0);
	check_sbi("rfence-fence-i-others",
		  sbi_rfence(SBI_RFENCE_FENCE_I, others, 0, 0, 0, 0), 0);
	check_sbi("rfence-sfence-vma-all",
		  sbi_rfence(SBI_RFENCE_SFENCE_VMA, 0, SBI_HART_MASK_BASE_ALL,
			     0, ~0UL, 0),
		  0);
	check_sbi("rfence-sfence-vma-range",
		  sbi_rfence(SBI_RFENCE_SFENCE_VMA, all, 0, ram, 0x1000, 0), 0);
	check_sbi("rfence-sfence-vma-asid-all",
		  sbi_rfence(SBI_RFENCE_SFENCE_VMA_ASID, 0,
			     SBI_HART_MASK_BASE_ALL, 0, ~0UL, 1),
		  0);
	check_sbi("rfence-sfence-vma-asid-range",
		  sbi_rfence(SBI_RFENCE_SFENCE_VMA_ASID, others, 0, ram, 0x2000,
			     0),
		  0);
	for (unsigned fid = SBI_RFENCE_FENCE_I;
	     fid <= SBI_RFENCE_SFENCE_VMA_ASID; fid++) {
		snprintf(name, sizeof(name), "rfence-fid%u-mask-beyond-harts",
			 fid);
		check_sbi(name, sbi_rfence(fid, 1UL << n, 0, 0, ~0UL, 0),
			  SBI_ERR_INVALID_PARAM);
		snprintf(name, sizeof(name), "rfence-fid%u-base-beyond-harts",
			 fid);
		check_sbi(name, sbi_rfence(fid, 1, n, 0, ~0UL, 0),
			  SBI_ERR_INVALID_PARAM);
	}
	/* The guest's ISA has no H: the remote hfence calls do not exist. */
	for (unsigned fid = SBI_RFENCE_HFENCE_GVMA_VMID;
	     fid <= SBI_RFENCE_HFENCE_VVMA; fid++) {
		snprintf(name, sizeof(name), "rfence-hfence-fid%u-unsupported",
			 fid);
		check_sbi(name, sbi_rfence(fid, all, 0, 0, ~0UL, 0),
			  SBI_ERR_NOT_SUPPORTED);
	}
}

void test_rfence(void)
{
	unsigned long failed = 0;

	if (!require_smp("rfence"))
		return;
	spin_stop = 0;
	for (unsigned h = 0; h < platform.num_harts; h++) {
		spinning[h] = 0;
		if (h != platform.boot_hart && hart_launch(h, spin_job, NULL))
			failed |= 1UL << h;
	}
	for (unsigned h = 0; h < platform.num_harts; h++)
		if (h != platform.boot_hart && !(failed >> h & 1) &&
		    !wait_flag(&spinning[h], 2000000))
			failed |= 1UL << h;
	check(!failed, "rfence-targets-running", "harts 0x%lx not running",
	      failed);
	test_rfence_calls();
	spin_stop = 1;
	for (unsigned h = 0; h < platform.num_harts; h++)
		if (h != platform.boot_hart && !hart_wait_stopped(h, 3000000))
			failed |= 1UL << h;
	check(!failed, "rfence-targets-stopped", "harts 0x%lx did not stop",
	      failed);
}
