// SPDX-License-Identifier: MIT
/*
 * The latency role: vCPU 0 sleeps in wfi until a timer it armed for
 * now + a random delay, many times, and records how late the interrupt
 * came (in guest time: the rdtime of the trap handler minus the
 * deadline). Beside a busy vCPU on the same hart this is the scheduler's
 * wake-up latency: under round-robin the woken vCPU waits for the
 * spinner's slice to end, under a fair policy with wake-up preemption it
 * runs at once.
 *
 * bootargs: samples=N (default 300), min-sleep-us / max-sleep-us (the
 * random delay, default 1000..4000), warmup-ms (default 200: the busy VM
 * gets going first), max-median-us=N (if given, a check that the median
 * lateness is below N). Prints
 *   "LATENCY timer=<sstc|sbi> samples=N min_us=.. p50_us=.. p99_us=.. max_us=.."
 */
#include "console.h"
#include "csr.h"
#include "platform.h"
#include "schedtest.h"
#include "test.h"
#include "timer.h"
#include "trap.h"
#include "util.h"

#define MAX_SAMPLES 1000

static uint64_t lateness_ticks[MAX_SAMPLES];

static void sort_ticks(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static unsigned long percentile_us(const uint64_t *sorted, unsigned n,
				   unsigned pct)
{
	unsigned index = (n * pct + 99) / 100;

	index = index ? index - 1 : 0;
	return (unsigned long)ticks_to_us(sorted[index < n ? index : n - 1]);
}

void role_latency(void)
{
	unsigned samples = (unsigned)bootarg_u64("samples", 300);
	uint64_t min_us = bootarg_u64("min-sleep-us", 1000);
	uint64_t max_us = bootarg_u64("max-sleep-us", 4000);
	uint64_t max_median_us = bootarg_u64("max-median-us", 0);
	bool use_sstc = platform.has_sstc;
	uint64_t rng = platform.boot_time | 1;
	unsigned hart = (unsigned)current_hartid();
	unsigned early = 0;

	if (samples == 0 || samples > MAX_SAMPLES || max_us < min_us) {
		check(false, "latency-args", "samples=%u sleep %lu..%lu us",
		      samples, (unsigned long)min_us, (unsigned long)max_us);
		return;
	}
	delay_us(bootarg_u64("warmup-ms", 200) * 1000);
	for (unsigned i = 0; i < samples; i++) {
		uint64_t sleep =
			min_us + prng_next(&rng) % (max_us - min_us + 1);
		uint64_t deadline = read_time() + us_to_ticks(sleep);
		int64_t late;

		sleep_until(deadline);
		late = (int64_t)(READ_ONCE(irq_stats[hart].last_timer_at) -
				 deadline);
		if (late < 0) {
			early++;
			late = 0;
		}
		lateness_ticks[i] = (uint64_t)late;
	}
	sleep_cancel();

	sort_ticks(lateness_ticks, samples);
	unsigned long p50 = percentile_us(lateness_ticks, samples, 50);

	printf("LATENCY timer=%s samples=%u min_us=%lu p50_us=%lu p99_us=%lu "
	       "max_us=%lu\n",
	       use_sstc ? "sstc" : "sbi", samples,
	       (unsigned long)ticks_to_us(lateness_ticks[0]), p50,
	       percentile_us(lateness_ticks, samples, 99),
	       (unsigned long)ticks_to_us(lateness_ticks[samples - 1]));
	check(early == 0, "timer-never-early",
	      "%u of %u wake-ups before the "
	      "deadline",
	      early, samples);
	if (max_median_us)
		check(p50 < max_median_us, "median-lateness",
		      "median %lu us, not below %lu us", p50,
		      (unsigned long)max_median_us);
}
