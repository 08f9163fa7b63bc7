// SPDX-License-Identifier: MIT
#include "harts.h"
#include "csr.h"
#include "platform.h"
#include "sbi.h"
#include "timer.h"
#include "util.h"

struct hart_job hart_jobs[GUEST_MAX_HARTS];
struct hart_resume_record hart_resume_records[GUEST_MAX_HARTS];

/* The secondary side, called from crt0's hart_start_entry. */
void hart_job_run(unsigned long hartid, unsigned long opaque);
void hart_job_run(unsigned long hartid, unsigned long opaque)
{
	/* Trust the hart id (crt0 checked it), not opaque: a wrong opaque is
	 * a finding to report, not a pointer to follow. */
	struct hart_job *job = &hart_jobs[hartid];

	job->entry_hartid = hartid;
	job->entry_opaque = opaque;
	job->entry_sstatus = csr_read(sstatus);
	job->entry_satp = csr_read(satp);
	job->started = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (job->fn)
		job->fn(job->arg);
	__atomic_store_n(&job->done, 1, __ATOMIC_RELEASE);
	job->stop_error = sbi_hart_stop().error;
}

/* Called from crt0's hart_resume_entry after a non-retentive suspend. */
void hart_resume_run(unsigned long hartid, unsigned long opaque);
void hart_resume_run(unsigned long hartid, unsigned long opaque)
{
	struct hart_resume_record *rec = &hart_resume_records[hartid];

	rec->a0 = hartid;
	rec->a1 = opaque;
	rec->sstatus = csr_read(sstatus);
	rec->satp = csr_read(satp);
	__atomic_store_n(&rec->resumed, 1, __ATOMIC_RELEASE);
	/* The job that suspended never returns: finish it from here. */
	__atomic_store_n(&hart_jobs[hartid].done, 1, __ATOMIC_RELEASE);
	hart_jobs[hartid].stop_error = sbi_hart_stop().error;
}

long hart_launch(unsigned hart, hart_fn fn, void *arg)
{
	struct hart_job *job = &hart_jobs[hart];

	if (hart >= GUEST_MAX_HARTS)
		return SBI_ERR_INVALID_PARAM;
	memset(job, 0, sizeof(*job));
	job->fn = fn;
	job->arg = arg;
	/* The job must be visible before the hart can run. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* The hart starts with satp = Bare: give it the physical entry. */
	return sbi_hart_start(hart,
			      virt_to_phys((const void *)hart_start_entry),
			      (unsigned long)job)
		.error;
}

bool hart_wait_status(unsigned hart, long state, uint64_t timeout_us)
{
	uint64_t deadline = deadline_after_us(timeout_us);

	for (;;) {
		struct sbiret ret = sbi_hart_get_status(hart);

		if (!ret.error && ret.value == state)
			return true;
		if (time_reached(deadline))
			return false;
		delay_us(100);
	}
}

bool hart_wait_stopped(unsigned hart, uint64_t timeout_us)
{
	if (!wait_flag(&hart_jobs[hart].done, timeout_us))
		return false;
	return hart_wait_status(hart, SBI_HSM_STOPPED, timeout_us);
}

unsigned long harts_run_all(hart_fn fn, void *arg, bool include_boot,
			    uint64_t timeout_us)
{
	unsigned long failed = 0;

	for (unsigned h = 0; h < platform.num_harts; h++)
		if (h != platform.boot_hart && hart_launch(h, fn, arg))
			failed |= 1UL << h;
	if (include_boot)
		fn(arg);
	for (unsigned h = 0; h < platform.num_harts; h++)
		if (h != platform.boot_hart && !(failed & (1UL << h)) &&
		    !hart_wait_stopped(h, timeout_us))
			failed |= 1UL << h;
	return failed;
}

unsigned long all_harts_mask(void)
{
	return (1UL << platform.num_harts) - 1;
}

unsigned long secondary_harts_mask(void)
{
	return all_harts_mask() & ~(1UL << platform.boot_hart);
}
