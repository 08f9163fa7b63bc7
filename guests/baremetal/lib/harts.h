/* SPDX-License-Identifier: MIT */
/*
 * Running work on other harts. A job is started with SBI HSM hart_start at
 * hart_start_entry with opaque = the hart's job slot; when the function
 * returns, the hart marks the job done and stops itself (hart_stop), so
 * every job is a full start/stop cycle.
 */
#ifndef GUEST_HARTS_H
#define GUEST_HARTS_H

#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

typedef void (*hart_fn)(void *arg);

struct hart_job {
	hart_fn fn;
	void *arg;
	volatile int started, done;
	/* What the hart saw on entry, for the HSM checks. */
	unsigned long entry_hartid, entry_opaque, entry_sstatus, entry_satp;
	long stop_error; /* set only if hart_stop returned */
};

/* After a non-retentive suspend: the registers and CSRs at resume. */
struct hart_resume_record {
	volatile int resumed;
	unsigned long a0, a1, sstatus, satp;
};

extern struct hart_job hart_jobs[GUEST_MAX_HARTS];
extern struct hart_resume_record hart_resume_records[GUEST_MAX_HARTS];

/* crt0 entry points, for HSM calls with a start or resume address. */
void hart_start_entry(void);
void hart_resume_entry(void);

/* Start fn(arg) on hart; returns the SBI error of hart_start. */
long hart_launch(unsigned hart, hart_fn fn, void *arg);
/* Wait for the job to finish and the hart to reach STOPPED. */
bool hart_wait_stopped(unsigned hart, uint64_t timeout_us);
/* Poll HSM status until it equals state; false on timeout. */
bool hart_wait_status(unsigned hart, long state, uint64_t timeout_us);
/*
 * Run fn on every hart but the boot hart (and on the boot hart too, last,
 * if include_boot), then wait for all of them. Returns a bit mask of the
 * harts that failed to start or to finish in time.
 */
unsigned long harts_run_all(hart_fn fn, void *arg, bool include_boot,
			    uint64_t timeout_us);
/* Mask of all harts of the guest, and of all but the boot hart. */
unsigned long all_harts_mask(void);
unsigned long secondary_harts_mask(void);

#endif
