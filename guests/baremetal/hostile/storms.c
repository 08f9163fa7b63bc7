// SPDX-License-Identifier: MIT
/*
 * Load attacks: an IPI storm to all of the VM's harts, and a long spin
 * with every interrupt masked. Both are bounded in guest time. The checks
 * here are that the calls keep succeeding and that the sibling vCPU keeps
 * running while this one refuses to yield; that the well-behaved VM beside
 * this one still passes is checked by the harness.
 */
#include "csr.h"
#include "harts.h"
#include "hostile.h"
#include "platform.h"
#include "sbi.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define STORM_US 1000000
#define SPIN_US 1500000

static volatile int sibling_stop, sibling_ready;
static volatile unsigned long sibling_progress;
static unsigned long storm_calls, storm_errors;

/* The sibling takes IPIs (storm) or just counts (spin), interrupts on. */
static void sibling_job(void *arg)
{
	bool storm = arg != NULL;
	uint64_t give_up = deadline_after_us(STORM_US + SPIN_US + 2000000);

	csr_set(sie, SIE_SSIE);
	local_irq_enable();
	sibling_ready = 1;
	while (!sibling_stop && !time_reached(give_up)) {
		if (storm)
			sbi_send_ipi(0, SBI_HART_MASK_BASE_ALL);
		sibling_progress++;
	}
	local_irq_disable();
	csr_clear(sie, SIE_SSIE);
}

static unsigned start_sibling(bool storm)
{
	unsigned target = platform.boot_hart == 0 ? 1 : 0;

	sibling_stop = 0;
	sibling_ready = 0;
	sibling_progress = 0;
	if (hart_launch(target, sibling_job, storm ? (void *)1 : NULL) ||
	    !wait_flag(&sibling_ready, 2000000))
		return ~0U;
	return target;
}

static bool stop_sibling(unsigned target)
{
	sibling_stop = 1;
	return target != ~0U && hart_wait_stopped(target, 3000000);
}

void attack_ipi_storm(void)
{
	unsigned sibling = platform.num_harts > 1 ? start_sibling(true) : ~0U;
	uint64_t end = deadline_after_us(STORM_US);
	unsigned long received = irq_soft_count(platform.boot_hart);

	csr_set(sie, SIE_SSIE);
	local_irq_enable();
	while (!time_reached(end)) {
		storm_calls++;
		if (sbi_send_ipi(0, SBI_HART_MASK_BASE_ALL).error)
			storm_errors++;
	}
	local_irq_disable();
	csr_clear(sie, SIE_SSIE);
	received = irq_soft_count(platform.boot_hart) - received;
	check(storm_calls > 0 && storm_errors == 0, "ipi-storm-calls",
	      "%lu of %lu send_ipi calls failed", storm_errors, storm_calls);
	check(received > 0, "ipi-storm-delivered",
	      "no IPI arrived in %lu calls", storm_calls);
	if (platform.num_harts > 1)
		check(stop_sibling(sibling), "ipi-storm-sibling",
		      "sibling hart did not start or stop (%u)", sibling);
}

void attack_irq_off_spin(void)
{
	unsigned sibling = platform.num_harts > 1 ? start_sibling(false) : ~0U;
	unsigned long before = sibling_progress;
	uint64_t start = read_time(), end = start + us_to_ticks(SPIN_US);
	uint64_t now = start;

	/* Mask everything: only the hypervisor's own timer can preempt. */
	local_irq_disable();
	csr_write(sie, 0);
	while ((int64_t)(now - end) < 0)
		now = read_time();
	check(now >= end, "irq-off-spin-ends", "time went backwards");
	if (platform.num_harts > 1) {
		unsigned long progress = sibling_progress - before;

		check(sibling != ~0U && progress > 0,
		      "irq-off-spin-sibling-progress",
		      "sibling made no progress (hart %u)", sibling);
		check(stop_sibling(sibling), "irq-off-spin-sibling-stopped",
		      "sibling hart did not stop");
	}
}
