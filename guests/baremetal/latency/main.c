// SPDX-License-Identifier: MIT
/*
 * latency: the bare-metal latency benchmark guest (perf/bench-latency.sh).
 * It calibrates `cycle` against `time`, then measures reading `time`, an
 * SBI null call, TLB refills, timer lateness through SBI TIME and Sstc,
 * and IPI round trips, and reports each as a BENCH line (stats.c). Its
 * TEST lines only say that every metric got its samples (and that the
 * TLB series read the right words): nothing here judges speed.
 *
 * bootargs: "samples=N" (default 200, at most LAT_MAX_SAMPLES);
 * "contention": only the wake-ups from idle (timers and IPIs, for
 * perf/bench-contention.sh); "busy": no measurement, every vCPU spins
 * forever (the load beside a measured VM); "share=W": no measurement,
 * vCPU 0 counts loop iterations and prints, for each of W one-second
 * windows of guest time, the count and the time it ran by its own clock,
 * "BENCH-SHARE window=<k> count=<n> run_us=<t>" (perf/bench-share.sh
 * compares the VMs sharing a hart).
 */
#include "console.h"
#include "csr.h"
#include "harts.h"
#include "latency.h"
#include "platform.h"
#include "test.h"
#include "timer.h"
#include "util.h"

const char guest_name[] = "latency";

struct lat_hart_state lat_state[GUEST_MAX_HARTS];
unsigned lat_samples = 200;
uint64_t lat_cycles_per_tick_q16;

void lat_trap_entry(void);
void trap_entry(void);

void lat_vector_install(void)
{
	csr_write(sscratch, &lat_state[current_hartid()]);
	csr_write(stvec, lat_trap_entry);
}

void lat_vector_remove(void)
{
	csr_write(stvec, trap_entry);
}

void lat_sync_tick(uint64_t *time, uint64_t *cycle)
{
	uint64_t start = read_time(), now;

	while ((now = read_time()) == start)
		;
	*cycle = read_cycle();
	*time = now;
}

bool lat_wait_idle(const volatile unsigned long *counter, unsigned long old,
		   uint64_t timeout_us)
{
	uint64_t deadline = deadline_after_us(timeout_us);

	/* With sstatus.SIE clear, wfi still returns on a pending enabled
	 * interrupt; it is taken in the window that follows. A hart must
	 * not sleep with SIE set: the interrupt could come before the wfi. */
	while (*counter == old) {
		if (time_reached(deadline))
			return false;
		wfi();
		local_irq_enable();
		asm volatile("nop");
		local_irq_disable();
	}
	return true;
}

bool lat_wait_spin(const volatile unsigned long *counter, unsigned long old,
		   uint64_t timeout_us)
{
	uint64_t deadline = deadline_after_us(timeout_us);
	bool ok = true;

	local_irq_enable();
	while (*counter == old) {
		if (time_reached(deadline)) {
			ok = false;
			break;
		}
	}
	local_irq_disable();
	return ok;
}

/* Cycles per time tick over about 5 ms; under icount also whether
 * `instret` and `cycle` count the same thing. */
static void calibrate(void)
{
	uint64_t t0, c0, t1, c1, i0, i1;
	uint64_t span = us_to_ticks(5000);

	lat_sync_tick(&t0, &c0);
	i0 = read_instret();
	while (read_time() - t0 < span)
		;
	lat_sync_tick(&t1, &c1);
	i1 = read_instret();
	lat_cycles_per_tick_q16 = ((c1 - c0) << 16) / (t1 - t0);
	printf("BENCH-CAL timebase=%lu ticks=%lu cycles=%lu instret=%lu "
	       "cycles_per_tick_q16=%lu\n",
	       (unsigned long)platform.timebase_hz, (unsigned long)(t1 - t0),
	       (unsigned long)(c1 - c0), (unsigned long)(i1 - i0),
	       (unsigned long)lat_cycles_per_tick_q16);
	check(lat_cycles_per_tick_q16 > 0, "calibration",
	      "cycle did not advance (%lu cycles in %lu ticks)",
	      (unsigned long)(c1 - c0), (unsigned long)(t1 - t0));
}

static void spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		cpu_relax();
}

static void busy_forever(void)
{
	printf("BENCH-BUSY %u vCPUs spinning\n", platform.num_harts);
	for (unsigned h = 0; h < platform.num_harts; h++)
		if (h != platform.boot_hart &&
		    hart_launch(h, spin_forever, NULL))
			test_fatal("busy-start", "hart %u did not start", h);
	spin_forever(NULL);
}

static unsigned parse_word_value(const char *key, unsigned fallback)
{
	size_t len = strlen(key);

	for (const char *p = platform.bootargs; *p; p++) {
		if ((p == platform.bootargs || p[-1] == ' ') &&
		    !strncmp(p, key, len) && p[len] == '=') {
			unsigned n = 0;

			for (p += len + 1; *p >= '0' && *p <= '9'; p++)
				n = n * 10 + (unsigned)(*p - '0');
			return n;
		}
	}
	return fallback;
}

static void count_windows(unsigned windows)
{
	uint64_t window = us_to_ticks(1000000);
	uint64_t end = read_time() + window;
	unsigned long total = 0;

	/* The vCPU's own run time by its clock: the time between two
	 * checks, unless the gap shows it was switched out. Another VM
	 * runs at least the scheduler's minimum of 500 us once it has the
	 * hart; one round of the loop, or an exit of this vCPU's own, takes
	 * microseconds, tens on a loaded host. */
	uint64_t gap_limit = us_to_ticks(200);
	uint64_t last = read_time();

	for (unsigned k = 1; k <= windows; k++, end += window) {
		unsigned long count = 0;
		uint64_t ran = 0;

		while (!time_reached(end)) {
			for (unsigned i = 0; i < 1000; i++)
				barrier();
			count++;
			uint64_t now = read_time();

			if (now - last < gap_limit)
				ran += now - last;
			last = now;
		}
		printf("BENCH-SHARE window=%u count=%lu run_us=%lu\n", k, count,
		       (unsigned long)ticks_to_us(ran));
		total += count;
	}
	/* A VM that never ran in its windows has no share to compare. */
	check(total > 0, "share-progress", "no iteration in %u windows",
	      windows);
}

void guest_main(void)
{
	bool contention = str_has_word(platform.bootargs, "contention");

	if (str_has_word(platform.bootargs, "busy"))
		busy_forever();
	if (parse_word_value("share", 0)) {
		count_windows(parse_word_value("share", 0));
		return;
	}
	lat_samples = parse_word_value("samples", 200);
	if (lat_samples == 0 || lat_samples > LAT_MAX_SAMPLES) {
		test_fatal("samples", "samples=%u: want 1..%u", lat_samples,
			   LAT_MAX_SAMPLES);
	}
	printf("BENCH-CONFIG samples=%u harts=%u sstc=%d\n", lat_samples,
	       platform.num_harts, platform.has_sstc);
	calibrate();
	lat_vector_install();
	if (!contention) {
		lat_measure_local();
		lat_measure_tlb();
	}
	lat_measure_timers(contention);
	lat_measure_ipi(contention);
	lat_vector_remove();
	printf("BENCH-END\n");
}
