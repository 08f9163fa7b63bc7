// SPDX-License-Identifier: MIT
/*
 * The share and spin roles: CPU-bound vCPUs. A share vCPU sleeps until
 * start-ms of guest time, then counts how much work it gets done until
 * start-ms + window-ms; with two VMs competing for the same harts, the
 * ratio of their counts is the ratio of the CPU time the scheduler gave
 * them (the check is on the host, which sees both VMs' lines). Guest time
 * starts at 0 when hartvisor creates the VM, and the VMs of a config are
 * created within milliseconds of each other, so the windows of two VMs
 * coincide: a window that starts with the guest's boot would not (the VM
 * created second boots later, and its partner counts alone meanwhile).
 * Sleeping until the window also keeps the boot out of hartvisor's
 * run-time statistics, the second measurement.
 */
#include "console.h"
#include "csr.h"
#include "harts.h"
#include "platform.h"
#include "schedtest.h"
#include "test.h"
#include "timer.h"
#include "util.h"

/* Iterations between two reads of time: keeps the loop's cost in the
 * increments rather than in rdtime, while still ending the window within
 * microseconds. */
#define COUNT_BATCH 64

struct share_run {
	uint64_t start, end; /* guest time */
	/* In memory, one cache line each, so every vCPU really stores. */
	struct {
		volatile unsigned long count;
		bool late; /* reached the window after it had begun */
		unsigned long pad[6];
	} per_vcpu[GUEST_MAX_HARTS];
};

static struct share_run share_run;

static void count_for_window(void *arg)
{
	struct share_run *run = arg;
	unsigned hart = (unsigned)current_hartid();

	run->per_vcpu[hart].late = (int64_t)(read_time() - run->start) >= 0;
	sleep_until(run->start);
	sleep_cancel();
	while ((int64_t)(read_time() - run->end) < 0)
		for (int i = 0; i < COUNT_BATCH; i++)
			run->per_vcpu[hart].count++;
}

static void spin_for_window(void *arg)
{
	uint64_t end = read_time() + *(const uint64_t *)arg;

	while ((int64_t)(read_time() - end) < 0)
		cpu_relax();
}

void role_share(void)
{
	uint64_t start_ms = bootarg_u64("start-ms", 500);
	uint64_t window_ms = bootarg_u64("window-ms", 2000);
	uint64_t timeout_us = (start_ms + window_ms) * 1000 * 4 + 10000000;
	unsigned long failed;
	char name[40];

	share_run.start = us_to_ticks(start_ms * 1000);
	share_run.end = share_run.start + us_to_ticks(window_ms * 1000);
	failed = harts_run_all(count_for_window, &share_run, true, timeout_us);
	check(!failed, "share-all-vcpus-ran", "harts 0x%lx failed", failed);
	for (unsigned h = 0; h < platform.num_harts; h++) {
		unsigned long count = share_run.per_vcpu[h].count;

		printf("SHARE vcpu=%u count=%lu window_ms=%lu\n", h, count,
		       (unsigned long)window_ms);
		check(count > 0,
		      hart_check_name(name, sizeof(name), "counted", h),
		      "count 0");
		check(!share_run.per_vcpu[h].late,
		      hart_check_name(name, sizeof(name), "window-on-time", h),
		      "reached the window after %lu ms of guest time",
		      (unsigned long)start_ms);
	}
}

void role_spin(void)
{
	uint64_t spin_ms = bootarg_u64("spin-ms", 2000);
	uint64_t ticks = us_to_ticks(spin_ms * 1000);
	unsigned long failed;

	failed = harts_run_all(spin_for_window, &ticks, true,
			       spin_ms * 1000 * 4 + 10000000);
	check(!failed, "spin-all-vcpus-ran", "harts 0x%lx failed", failed);
}
