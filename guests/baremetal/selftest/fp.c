// SPDX-License-Identifier: MIT
/*
 * FP state across vCPU switches: every vCPU fills f0-f31 and fcsr with its
 * own pattern, then keeps the hart busy (spinning, then sleeping in wfi)
 * long enough for the scheduler to run other vCPUs — of this VM and of
 * others — on the same physical hart, then checks every register.
 */
#include "csr.h"
#include "harts.h"
#include "platform.h"
#include "selftest.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define FP_SPIN_US 60000
#define FP_SLEEP_US 30000

void fp_fill(uint64_t seed, unsigned long fcsr);
unsigned long fp_check(uint64_t seed, unsigned long fcsr);

static unsigned long mismatch[GUEST_MAX_HARTS];
static volatile int fp_done[GUEST_MAX_HARTS];

static void fp_job(void *arg)
{
	unsigned h = current_hartid();
	/* boot_time differs between VMs and runs, so two VMs (or a stale
	 * register file) never hold the same pattern. */
	uint64_t seed = platform.boot_time * 0x100000001b3ULL + h * 0x51ed27;
	/* frm 0..4 are the valid rounding modes; fflags any of 5 bits. */
	unsigned long fcsr = (h % 5) << 5 | ((h * 7 + 3) & 0x1f);
	uint64_t wake;

	(void)arg;
	csr_set(sstatus, SSTATUS_FS_INITIAL);
	fp_fill(seed, fcsr);
	delay_us(FP_SPIN_US);
	/* Blocking in wfi hands the hart to someone else for sure. */
	wake = deadline_after_us(FP_SLEEP_US);
	timer_arm_sbi(wake);
	while (!time_reached(wake))
		wfi();
	timer_cancel_sbi();
	mismatch[h] = fp_check(seed, fcsr);
	fp_done[h] = 1;
}

void test_fp(void)
{
	char name[48];

	for (unsigned h = 0; h < GUEST_MAX_HARTS; h++) {
		fp_done[h] = 0;
		mismatch[h] = ~0UL;
	}
	unsigned long failed = harts_run_all(fp_job, NULL, true, 3000000);

	check(!failed, "fp-all-harts-ran", "harts 0x%lx did not run/finish",
	      failed);
	for (unsigned h = 0; h < platform.num_harts; h++)
		check(fp_done[h] && mismatch[h] == 0,
		      hart_check_name(name, sizeof(name), "fp-preserved", h),
		      "done=%d mismatch mask 0x%lx (bit 32 = fcsr)", fp_done[h],
		      mismatch[h]);
}
