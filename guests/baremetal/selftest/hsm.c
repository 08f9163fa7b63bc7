// SPDX-License-Identifier: MIT
/*
 * SBI HSM on the guest's own vCPUs: status, start (with its opaque and
 * entry state), stop, retentive and non-retentive suspend, and every
 * documented error.
 */
#include "csr.h"
#include "harts.h"
#include "platform.h"
#include "selftest.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define NONRETENTIVE_OPAQUE 0x5e1f7e57c0ffee00UL

static volatile int hold_release;
static struct sbiret suspend_ret;
static uint64_t suspend_deadline, suspend_woke_at;

static void hold_job(void *arg)
{
	(void)arg;
	wait_flag(&hold_release, 3000000);
}

static void retentive_suspend_job(void *arg)
{
	(void)arg;
	local_irq_disable();
	suspend_deadline = deadline_after_us(50000);
	timer_arm_sbi(suspend_deadline); /* the wake-up event */
	suspend_ret = sbi_hart_suspend(SBI_HSM_SUSPEND_RETENTIVE, 0, 0);
	suspend_woke_at = read_time();
	timer_cancel_sbi();
}

static void nonretentive_suspend_job(void *arg)
{
	unsigned h = current_hartid();

	(void)arg;
	local_irq_disable();
	csr_set(sie, SIE_SSIE); /* woken by an IPI from the boot hart */
	suspend_ret = sbi_hart_suspend(SBI_HSM_SUSPEND_NON_RETENTIVE,
				       (unsigned long)hart_resume_entry,
				       NONRETENTIVE_OPAQUE + h);
	/* Only reached if the call failed: the job ends normally. */
}

static void test_start_errors(unsigned target)
{
	unsigned long entry = (unsigned long)hart_start_entry;
	unsigned long n = platform.num_harts;

	check_sbi("hsm-start-hartid-beyond", sbi_hart_start(n, entry, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("hsm-start-hartid-minus-1", sbi_hart_start(-1UL, entry, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("hsm-start-self",
		  sbi_hart_start(platform.boot_hart, entry, 0),
		  SBI_ERR_ALREADY_AVAILABLE);
	check_sbi("hsm-start-addr-0", sbi_hart_start(target, 0, 0),
		  SBI_ERR_INVALID_ADDRESS);
	check_sbi("hsm-start-addr-past-ram",
		  sbi_hart_start(target, ram_end(), 0),
		  SBI_ERR_INVALID_ADDRESS);
	check_sbi("hsm-start-addr-below-ram",
		  sbi_hart_start(target, platform.ram_base - 4, 0),
		  SBI_ERR_INVALID_ADDRESS);
	struct sbiret st = sbi_hart_get_status(target);
	check(!st.error && st.value == SBI_HSM_STOPPED,
	      "hsm-failed-start-stays-stopped", "error=%ld status=%ld",
	      st.error, st.value);
	check_sbi("hsm-status-hartid-beyond", sbi_hart_get_status(n),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("hsm-status-hartid-minus-1", sbi_hart_get_status(-1UL),
		  SBI_ERR_INVALID_PARAM);
}

static void test_start_stop(unsigned target)
{
	struct hart_job *job = &hart_jobs[target];
	struct sbiret st;

	hold_release = 0;
	check_sbi("hsm-start",
		  (struct sbiret){hart_launch(target, hold_job, NULL), 0}, 0);
	bool started = wait_flag(&job->started, 2000000);
	st = sbi_hart_get_status(target);
	check(started && !st.error && st.value == SBI_HSM_STARTED,
	      "hsm-status-started", "entered=%d error=%ld status=%ld", started,
	      st.error, st.value);
	check(started && job->entry_hartid == target &&
		      job->entry_opaque == (unsigned long)job,
	      "hsm-start-a0-a1", "a0=%lu a1=0x%lx (want %u, %p)",
	      job->entry_hartid, job->entry_opaque, target, job);
	check(started && !(job->entry_sstatus & SSTATUS_SIE) &&
		      job->entry_satp == 0,
	      "hsm-start-entry-state", "sstatus=0x%lx satp=0x%lx",
	      job->entry_sstatus, job->entry_satp);
	check_sbi("hsm-start-already-started",
		  sbi_hart_start(target, (unsigned long)hart_start_entry, 0),
		  SBI_ERR_ALREADY_AVAILABLE);
	hold_release = 1;
	check(hart_wait_stopped(target, 2000000), "hsm-stop",
	      "hart %u did not reach STOPPED (stop error %ld)", target,
	      job->stop_error);
}

static void test_retentive(unsigned target)
{
	bool seen_suspended;

	memset(&suspend_ret, 0xff, sizeof(suspend_ret));
	long err = hart_launch(target, retentive_suspend_job, NULL);
	seen_suspended =
		!err && hart_wait_status(target, SBI_HSM_SUSPENDED, 1000000);
	bool stopped = !err && hart_wait_stopped(target, 2000000);

	check(seen_suspended, "hsm-retentive-status-suspended",
	      "start error=%ld, SUSPENDED never seen", err);
	check(stopped && suspend_ret.error == 0, "hsm-retentive-suspend",
	      "stopped=%d error=%ld", stopped, suspend_ret.error);
	check(stopped && time_reached(suspend_deadline) &&
		      (int64_t)(suspend_woke_at - suspend_deadline) >= 0,
	      "hsm-retentive-wakes-on-timer", "woke %ld ticks before deadline",
	      (long)(suspend_deadline - suspend_woke_at));
}

static void test_nonretentive(unsigned target)
{
	struct hart_resume_record *rec = &hart_resume_records[target];

	memset(rec, 0, sizeof(*rec));
	memset(&suspend_ret, 0, sizeof(suspend_ret));
	long err = hart_launch(target, nonretentive_suspend_job, NULL);
	bool seen =
		!err && hart_wait_status(target, SBI_HSM_SUSPENDED, 1000000);
	sbi_send_ipi(1UL << target, 0);
	bool stopped = !err && hart_wait_stopped(target, 2000000);

	check(seen, "hsm-nonretentive-status-suspended",
	      "start error=%ld call error=%ld, SUSPENDED never seen", err,
	      suspend_ret.error);
	check(stopped && rec->resumed, "hsm-nonretentive-resume",
	      "stopped=%d resumed=%d call error=%ld", stopped, rec->resumed,
	      suspend_ret.error);
	check(rec->resumed && rec->a0 == target &&
		      rec->a1 == NONRETENTIVE_OPAQUE + target,
	      "hsm-nonretentive-a0-a1", "a0=%lu a1=0x%lx", rec->a0, rec->a1);
	check(rec->resumed && !(rec->sstatus & SSTATUS_SIE) && rec->satp == 0,
	      "hsm-nonretentive-entry-state", "sstatus=0x%lx satp=0x%lx",
	      rec->sstatus, rec->satp);
}

static void test_suspend_errors(void)
{
	unsigned long entry = (unsigned long)hart_resume_entry;
	/* Were a bad type accepted as retentive, this timer wakes us. */
	local_irq_disable();
	timer_arm_sbi(deadline_after_us(100000));
	check_sbi("hsm-suspend-reserved-type", sbi_hart_suspend(1, entry, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("hsm-suspend-reserved-type-nonret",
		  sbi_hart_suspend(0x80000001UL, entry, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("hsm-suspend-platform-type",
		  sbi_hart_suspend(0x10000000UL, entry, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("hsm-suspend-nonret-addr-0",
		  sbi_hart_suspend(SBI_HSM_SUSPEND_NON_RETENTIVE, 0, 0),
		  SBI_ERR_INVALID_ADDRESS);
	check_sbi("hsm-suspend-nonret-addr-past-ram",
		  sbi_hart_suspend(SBI_HSM_SUSPEND_NON_RETENTIVE, ram_end(), 0),
		  SBI_ERR_INVALID_ADDRESS);
	timer_cancel_sbi();
}

void test_hsm(void)
{
	unsigned boot = platform.boot_hart;
	unsigned target = boot == 0 ? 1 : 0;
	struct sbiret st = sbi_hart_get_status(boot);

	check(!st.error && st.value == SBI_HSM_STARTED, "hsm-status-self",
	      "error=%ld status=%ld", st.error, st.value);
	if (!require_smp("hsm"))
		return;
	for (unsigned h = 0; h < platform.num_harts; h++) {
		char name[48];

		if (h == boot)
			continue;
		st = sbi_hart_get_status(h);
		check(!st.error && st.value == SBI_HSM_STOPPED,
		      hart_check_name(name, sizeof(name), "hsm-status-stopped",
				      h),
		      "error=%ld status=%ld", st.error, st.value);
	}
	test_start_stop(target);
	test_retentive(target);
	test_nonretentive(platform.num_harts > 2 && target == 1 ? 2 : target);
}

void test_hsm_errors(void)
{
	test_suspend_errors();
	if (platform.num_harts >= 2)
		test_start_errors(platform.num_harts - 1 == platform.boot_hart
					  ? 0
					  : platform.num_harts - 1);
}
