// SPDX-License-Identifier: MIT
/*
 * Load attacks: an IPI storm to all of the VM's harts, and a long spin
 * with every interrupt masked. Both are bounded in guest time. The checks
 * here are that the calls keep succeeding, that the spin leaves no trace
 * in this vCPU's own state, and that the sibling vCPU keeps running while
 * this one refuses to yield. The VM config (guests/configs/hostile.dts)
 * pins both vCPUs to one hart, so the sibling runs only if the hypervisor
 * preempts the spinner: the largest gap between the sibling's progress
 * samples must stay within a few time slices. That the well-behaved VM
 * beside this one still passes is checked by the harness.
 */
#include "console.h"
#include "csr.h"
#include "harts.h"
#include "hostile.h"
#include "platform.h"
#include "sbi.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define STORM_US 1000000
#define SPIN_US 2000000
/*
 * The sibling's largest gap between two progress samples is counted in
 * the spinner's loop iterations, not in time: a loaded host that starves
 * QEMU's thread for hart 0 stops both vCPUs alike (rdtime runs on), but
 * adds no spinner iterations. With 10 ms slices (the default) the spinner
 * gets about a hundred slices in its 2 s, the sibling runs between them,
 * and the largest gap is a slice or two, about 1-3 % of the spin's
 * iterations; without preemption it is all of them. The bound is a
 * quarter.
 */
#define SIBLING_MAX_GAP_SHARE 4 /* 1/4 of the spin */

static volatile int sibling_stop, sibling_ready;
static volatile unsigned long sibling_progress, spinner_iterations;
static volatile unsigned long sibling_max_gap;	/* in spinner iterations */
static volatile uint64_t sibling_max_gap_ticks; /* the same gap in time */
static unsigned long storm_calls, storm_errors;

/* One progress sample of the sibling: the spinner's count and the time. */
struct gap_tracker {
	unsigned long last, max;
	uint64_t last_time;
};

static void gap_sample(struct gap_tracker *g)
{
	unsigned long seen = spinner_iterations;
	uint64_t now = read_time();

	if (seen - g->last > g->max) {
		g->max = seen - g->last;
		sibling_max_gap = g->max;
		sibling_max_gap_ticks = now - g->last_time;
	}
	g->last = seen;
	g->last_time = now;
}

/* The sibling takes IPIs (storm) or just counts (spin), interrupts on. */
static void sibling_job(void *arg)
{
	bool storm = arg != NULL;
	uint64_t give_up = deadline_after_us(STORM_US + SPIN_US + 2000000);
	struct gap_tracker gaps = {spinner_iterations, 0, read_time()};

	csr_set(sie, SIE_SSIE);
	local_irq_enable();
	sibling_ready = 1;
	while (!sibling_stop && !time_reached(give_up)) {
		if (storm)
			sbi_send_ipi(0, SBI_HART_MASK_BASE_ALL);
		gap_sample(&gaps);
		sibling_progress++;
	}
	/* A sibling that slept through the spin notices only now. */
	gap_sample(&gaps);
	local_irq_disable();
	csr_clear(sie, SIE_SSIE);
}

static unsigned start_sibling(bool storm)
{
	unsigned target = platform.boot_hart == 0 ? 1 : 0;

	sibling_stop = 0;
	sibling_ready = 0;
	sibling_progress = 0;
	sibling_max_gap = 0;
	sibling_max_gap_ticks = 0;
	spinner_iterations = 0;
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
	unsigned long timer_irqs = irq_timer_count(platform.boot_hart);
	unsigned long soft_irqs = irq_soft_count(platform.boot_hart);
	uint64_t end = read_time() + us_to_ticks(SPIN_US);
	unsigned long sie_after, sstatus_after;

	/* Mask everything: only the hypervisor's own timer can preempt. */
	local_irq_disable();
	csr_write(sie, 0);
	while (!time_reached(end))
		spinner_iterations++;
	sie_after = csr_read(sie);
	sstatus_after = csr_read(sstatus);
	/* Preemptions are the hypervisor's business: none may show here. */
	check(sie_after == 0 && !(sstatus_after & SSTATUS_SIE) &&
		      irq_timer_count(platform.boot_hart) == timer_irqs &&
		      irq_soft_count(platform.boot_hart) == soft_irqs,
	      "irq-off-spin-state-kept",
	      "sie=0x%lx sstatus=0x%lx, %lu timer and %lu soft irqs taken",
	      sie_after, sstatus_after,
	      irq_timer_count(platform.boot_hart) - timer_irqs,
	      irq_soft_count(platform.boot_hart) - soft_irqs);
	if (platform.num_harts > 1) {
		unsigned long progress = sibling_progress - before;
		bool stopped = stop_sibling(sibling);
		unsigned long spun = spinner_iterations;
		unsigned long gap = sibling_max_gap;
		unsigned long gap_us =
			(unsigned long)ticks_to_us(sibling_max_gap_ticks);

		check(sibling != ~0U && progress > 0,
		      "irq-off-spin-sibling-progress",
		      "sibling made no progress (hart %u)", sibling);
		check(sibling != ~0U && spun > 0 &&
			      gap <= spun / SIBLING_MAX_GAP_SHARE,
		      "irq-off-spin-sibling-max-gap",
		      "sibling on the spinner's hart waited through %lu of "
		      "its %lu iterations (%lu us; bound 1/%u)",
		      gap, spun, gap_us, SIBLING_MAX_GAP_SHARE);
		printf("hostile: sibling's largest gap during the spin: %lu of "
		       "%lu spinner iterations, %lu us\n",
		       gap, spun, gap_us);
		check(stopped, "irq-off-spin-sibling-stopped",
		      "sibling hart did not stop");
	}
}
