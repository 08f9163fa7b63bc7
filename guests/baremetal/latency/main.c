// SPDX-License-Identifier: MIT
/*
 * latency: the bare-metal latency benchmark guest (perf/bench-latency.sh).
 * It calibrates `cycle` against `time`, then measures reading `time`, an
 * SBI null call, timer lateness through SBI TIME and Sstc, and IPI round
 * trips, and reports each as a BENCH line (stats.c). Its TEST lines only
 * say that every metric got its samples: nothing here judges speed.
 *
 * bootargs: "samples=N" (default 200, at most LAT_MAX_SAMPLES).
 */
#include "console.h"
#include "csr.h"
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

static unsigned parse_samples(void)
{
	const char *p = platform.bootargs;

	for (; *p; p++) {
		if ((p == platform.bootargs || p[-1] == ' ') &&
		    !strncmp(p, "samples=", 8)) {
			unsigned n = 0;

			for (p += 8; *p >= '0' && *p <= '9'; p++)
				n = n * 10 + (unsigned)(*p - '0');
			return n;
		}
	}
	return 200;
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

void guest_main(void)
{
	lat_samples = parse_samples();
	if (lat_samples == 0 || lat_samples > LAT_MAX_SAMPLES) {
		test_fatal("samples", "samples=%u: want 1..%u", lat_samples,
			   LAT_MAX_SAMPLES);
	}
	printf("BENCH-CONFIG samples=%u harts=%u sstc=%d\n", lat_samples,
	       platform.num_harts, platform.has_sstc);
	calibrate();
	lat_vector_install();
	lat_measure_local();
	lat_measure_timers();
	lat_measure_ipi();
	lat_vector_remove();
	printf("BENCH-END\n");
}
