// SPDX-License-Identifier: MIT
/*
 * SBI IPI between the guest's own vCPUs: one target, several, the
 * hart_mask_base form, all (base = -1), itself, the error cases, and a
 * wfi woken by an IPI.
 */
#include "csr.h"
#include "harts.h"
#include "platform.h"
#include "selftest.h"
#include "test.h"
#include "timer.h"
#include "util.h"

static volatile int receivers_stop;
static volatile int receiver_ready[GUEST_MAX_HARTS];

/* Sleep in wfi with IPIs enabled; the handler counts them. */
static void ipi_receiver_job(void *arg)
{
	unsigned h = current_hartid();
	/* A watchdog timer bounds the wait if the stop IPI never comes. */
	uint64_t give_up = deadline_after_us(5000000);

	(void)arg;
	csr_set(sie, SIE_SSIE);
	timer_arm_sbi(give_up);
	local_irq_enable();
	receiver_ready[h] = 1;
	while (!receivers_stop && !time_reached(give_up))
		wfi();
	local_irq_disable();
	timer_cancel_sbi();
	csr_clear(sie, SIE_SSIE);
}

static void snapshot(unsigned long *counts)
{
	for (unsigned h = 0; h < platform.num_harts; h++)
		counts[h] = irq_soft_count(h);
}

/* Send, then require exactly the harts in expected to see an IPI. */
static void ipi_round(const char *name, unsigned long mask, unsigned long base,
		      unsigned long expected)
{
	unsigned long before[GUEST_MAX_HARTS], missing = 0, extra = 0;
	struct sbiret ret;

	snapshot(before);
	ret = sbi_send_ipi(mask, base);
	for (unsigned h = 0; h < platform.num_harts; h++)
		if ((expected >> h & 1) &&
		    !wait_counter_change(&irq_stats[h].soft, before[h],
					 1000000))
			missing |= 1UL << h;
	delay_us(20000); /* give stray IPIs time to show */
	for (unsigned h = 0; h < platform.num_harts; h++)
		if (!(expected >> h & 1) && irq_soft_count(h) != before[h])
			extra |= 1UL << h;
	check(!ret.error && !missing && !extra, name,
	      "error=%ld missing=0x%lx unexpected=0x%lx", ret.error, missing,
	      extra);
}

static void test_ipi_errors(void)
{
	unsigned long n = platform.num_harts;

	check_sbi("ipi-mask-beyond-harts", sbi_send_ipi(1UL << n, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("ipi-mask-partly-invalid", sbi_send_ipi(1UL | 1UL << n, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("ipi-base-beyond-harts", sbi_send_ipi(1, n),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("ipi-base-huge", sbi_send_ipi(1, 1UL << 40),
		  SBI_ERR_INVALID_PARAM);
}

struct wfi_ipi_state {
	volatile int ready;
	bool woke;
	unsigned iterations;
};

static struct wfi_ipi_state wfi_state;

/* SIE off, SSIE on: wfi must return once the IPI is pending. */
static void wfi_ipi_job(void *arg)
{
	uint64_t give_up = deadline_after_us(1000000);

	(void)arg;
	local_irq_disable();
	csr_clear(sip, SIE_SSIE);
	csr_set(sie, SIE_SSIE);
	timer_arm_sbi(give_up); /* bounds the wait if no IPI comes */
	wfi_state.ready = 1;
	while (!time_reached(give_up)) {
		wfi();
		wfi_state.iterations++;
		if (csr_read(sip) & SIE_SSIE) {
			wfi_state.woke = true;
			break;
		}
	}
	csr_clear(sip, SIE_SSIE);
	csr_clear(sie, SIE_SSIE);
	timer_cancel_sbi();
}

static void test_wfi_ipi(unsigned target)
{
	memset(&wfi_state, 0, sizeof(wfi_state));
	long err = hart_launch(target, wfi_ipi_job, NULL);
	bool ready = !err && wait_flag(&wfi_state.ready, 2000000);

	delay_us(10000);
	sbi_send_ipi(1UL << target, 0);
	bool stopped = ready && hart_wait_stopped(target, 3000000);

	check(ready && stopped && wfi_state.woke, "wfi-ipi-wakeup",
	      "start error=%ld ready=%d stopped=%d woke=%d", err, ready,
	      stopped, wfi_state.woke);
	check(wfi_state.woke && wfi_state.iterations <= 20,
	      "wfi-blocks-until-ipi", "%u wfi returns before the IPI",
	      wfi_state.iterations);
}

void test_ipi(void)
{
	unsigned boot = platform.boot_hart, n = platform.num_harts;
	unsigned first = boot == 0 ? 1 : 0;
	unsigned long secondaries = secondary_harts_mask();
	unsigned long failed = 0;

	if (!require_smp("ipi"))
		return;
	receivers_stop = 0;
	for (unsigned h = 0; h < n; h++) {
		receiver_ready[h] = 0;
		if (h != boot && hart_launch(h, ipi_receiver_job, NULL))
			failed |= 1UL << h;
	}
	for (unsigned h = 0; h < n; h++)
		if (h != boot && !(failed >> h & 1) &&
		    !wait_flag(&receiver_ready[h], 2000000))
			failed |= 1UL << h;
	check(!failed, "ipi-receivers-started", "harts 0x%lx did not start",
	      failed);

	csr_set(sie, SIE_SSIE);
	local_irq_enable();
	ipi_round("ipi-one", 1UL << first, 0, 1UL << first);
	ipi_round("ipi-several", secondaries, 0, secondaries);
	ipi_round("ipi-mask-base", 1, first, 1UL << first);
	ipi_round("ipi-all-base-minus-1", 0, SBI_HART_MASK_BASE_ALL,
		  all_harts_mask());
	ipi_round("ipi-self", 1UL << boot, 0, 1UL << boot);
	test_ipi_errors();
	local_irq_disable();
	csr_clear(sie, SIE_SSIE);

	receivers_stop = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sbi_send_ipi(secondaries, 0);
	for (unsigned h = 0; h < n; h++)
		if (h != boot && !hart_wait_stopped(h, 2000000))
			failed |= 1UL << h;
	check(!failed, "ipi-receivers-stopped", "harts 0x%lx did not stop",
	      failed);
	test_wfi_ipi(first);
}
