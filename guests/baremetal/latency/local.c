// SPDX-License-Identifier: MIT
/*
 * One-hart metrics: the cost of reading `time`, an SBI null call (probe
 * BASE), an emulated MMIO read (a PLIC register), a read of the UART's
 * status register (its shadow page under hartvisor), and timer lateness
 * from the deadline to the first instruction of
 * the trap vector, armed through SBI TIME or Sstc's stimecmp, with the hart
 * idle in wfi or spinning with interrupts on.
 */
#include "csr.h"
#include "latency.h"
#include "platform.h"
#include "sbi.h"
#include "test.h"
#include "timer.h"
#include "util.h"

static uint64_t samples[LAT_MAX_SAMPLES];

/* The deadline's offset from the pair (t0, c0) as a count of cycles. */
static uint64_t ticks_to_cycles(uint64_t ticks)
{
	return (ticks * lat_cycles_per_tick_q16) >> 16;
}

void lat_measure_local(void)
{
	unsigned i;

	/* Two back-to-back cycle reads: what every sample below includes. */
	for (i = 0; i < lat_samples; i++) {
		uint64_t c0 = read_cycle();
		uint64_t c1 = read_cycle();

		samples[i] = c1 - c0;
	}
	lat_report("cycle-read", samples, i);

	for (i = 0; i < lat_samples; i++) {
		uint64_t c0 = read_cycle();
		uint64_t t = read_time();
		uint64_t c1 = read_cycle();

		barrier();
		(void)t;
		samples[i] = c1 - c0;
	}
	lat_report("time-read", samples, i);

	for (i = 0; i < lat_samples; i++) {
		uint64_t c0 = read_cycle();
		struct sbiret ret = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
					      SBI_EXT_BASE, 0, 0, 0, 0, 0);
		uint64_t c1 = read_cycle();

		if (ret.error || !ret.value)
			break;
		samples[i] = c1 - c0;
	}
	lat_report("sbi-null", samples, i);

	/* An emulated MMIO read: the PLIC's priority register of the UART's
	 * source. Natively QEMU's device model answers; under hartvisor it
	 * is a guest-page fault the hypervisor emulates. */
	for (i = 0; i < lat_samples; i++) {
		uint64_t c0 = read_cycle();
		uint32_t priority =
			*(volatile uint32_t *)LAT_PLIC_UART_PRIORITY;
		uint64_t c1 = read_cycle();

		(void)priority;
		samples[i] = c1 - c0;
	}
	lat_report("mmio-read", samples, i);

	/* The UART's line status register, which Linux's console polls
	 * before every byte it writes. Under hartvisor, while the UART's
	 * interrupts are off (here, always), it is read from the UART's
	 * read-only shadow page without an exit (hv/vdev/uart_shadow.c). */
	for (i = 0; i < lat_samples; i++) {
		uint64_t c0 = read_cycle();
		uint8_t lsr = *(volatile uint8_t *)LAT_UART_LSR;
		uint64_t c1 = read_cycle();

		(void)lsr;
		samples[i] = c1 - c0;
	}
	lat_report("uart-status-read", samples, i);
}

/* Arm the timer a little ahead, wait for it, return the lateness. */
static bool timer_once(bool sstc, bool idle, uint64_t *lateness)
{
	struct lat_hart_state *st = &lat_state[current_hartid()];
	unsigned long old = st->timer_count;
	/* 100-150 us ahead, varied so the deadline falls at different
	 * points of the host's and hypervisor's own ticks. */
	uint64_t ahead = us_to_ticks(100) + (read_cycle() % us_to_ticks(50));
	uint64_t t0, c0;
	bool ok;

	lat_sync_tick(&t0, &c0);
	if (sstc)
		csr_write(CSR_STIMECMP, t0 + ahead);
	else
		sbi_set_timer(t0 + ahead);
	csr_set(sie, SIE_STIE);
	ok = idle ? lat_wait_idle(&st->timer_count, old, 100000)
		  : lat_wait_spin(&st->timer_count, old, 100000);
	if (!ok)
		return false;
	uint64_t due = c0 + ticks_to_cycles(ahead);
	/* Calibration error can put a prompt interrupt a few cycles early. */
	*lateness = st->irq_cycle > due ? st->irq_cycle - due : 0;
	return true;
}

static void timer_series(const char *name, bool sstc, bool idle)
{
	unsigned i;

	for (i = 0; i < lat_samples; i++)
		if (!timer_once(sstc, idle, &samples[i]))
			break;
	if (sstc)
		timer_cancel_sstc();
	else
		timer_cancel_sbi();
	lat_report(name, samples, i);
}

void lat_measure_timers(bool idle_only)
{
	timer_series("timer-sbi-idle", false, true);
	if (!idle_only)
		timer_series("timer-sbi-spin", false, false);
	if (!platform.has_sstc) {
		lat_unavailable("timer-sstc-idle", "no sstc in riscv,isa");
		if (!idle_only)
			lat_unavailable("timer-sstc-spin",
					"no sstc in riscv,isa");
		return;
	}
	timer_series("timer-sstc-idle", true, true);
	if (!idle_only)
		timer_series("timer-sstc-spin", true, false);
}
