/* SPDX-License-Identifier: MIT */
/*
 * The latency guest (perf/): the same image runs natively under OpenSBI
 * and as a hartvisor VM, and prints what each path costs in `cycle` units,
 * one parseable line per metric (see stats.c).
 *
 * Under MTTCG QEMU's `cycle` is the host's time-stamp counter, the same on
 * every hart; under `-icount shift=0` it is the instruction count. Either
 * way it is finer than `time` (10 MHz), so every measurement is taken in
 * cycles, and a deadline in `time` ticks is turned into cycles with the
 * calibration done at boot.
 */
#ifndef LATENCY_H
#define LATENCY_H

#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

/* Per-hart state the fast trap vector (vector.S) writes; offsets are
 * fixed there. */
struct lat_hart_state {
	unsigned long save_t0, save_t1;
	volatile uint64_t irq_cycle; /* cycle at the last interrupt's entry */
	volatile unsigned long timer_count, soft_count;
	unsigned long pad[3];
} __attribute__((aligned(64)));

extern struct lat_hart_state lat_state[GUEST_MAX_HARTS];

/* Samples per metric, from "samples=N" in bootargs. */
#define LAT_MAX_SAMPLES 4000
extern unsigned lat_samples;
/* Cycles per `time` tick, in 16.16 fixed point (calibrated at boot). */
extern uint64_t lat_cycles_per_tick_q16;

static inline uint64_t read_cycle(void)
{
	uint64_t c;

	asm volatile("rdcycle %0" : "=r"(c));
	return c;
}

static inline uint64_t read_instret(void)
{
	uint64_t c;

	asm volatile("rdinstret %0" : "=r"(c));
	return c;
}

/* Install the fast vector on this hart (and take it out again). */
void lat_vector_install(void);
void lat_vector_remove(void);
/* Wait for `time` to tick over, then read `cycle`: a (time, cycle) pair
 * whose time was exact to a few instructions. */
void lat_sync_tick(uint64_t *time, uint64_t *cycle);
/* Wait with interrupts masked in wfi, taking them in short windows, until
 * *counter differs from old; false after timeout_us. */
bool lat_wait_idle(const volatile unsigned long *counter, unsigned long old,
		   uint64_t timeout_us);
/* The same, spinning with interrupts enabled. */
bool lat_wait_spin(const volatile unsigned long *counter, unsigned long old,
		   uint64_t timeout_us);

/* Sort samples and print "BENCH <name> unit=cycles n=.. min=.. p50=..
 * p99=.. max=..". */
void lat_report(const char *name, uint64_t *samples, unsigned n);
void lat_unavailable(const char *name, const char *why);

/* The ns16550a's line status register on QEMU virt (and in a VM). */
#define LAT_UART_LSR 0x10000005UL
/* The PLIC's priority register of the UART's source (10): no side
 * effect, and under hartvisor always emulated. */
#define LAT_PLIC_UART_PRIORITY (0x0c000000UL + 4 * 10)

void lat_measure_local(void);
/* TLB refills against hits with paging on (tlb.c). */
void lat_measure_tlb(void);
/* idle_only: only the wake-ups from wfi (contention runs). */
void lat_measure_timers(bool idle_only);
void lat_measure_ipi(bool idle_only);

#endif
