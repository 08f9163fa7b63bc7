// SPDX-License-Identifier: MIT
/*
 * The debug guest's work: the functions gdb breaks on and the variables it
 * watches. main.c documents the contract (names, order, final values); a
 * change here is a change to the gdb tests' expectations.
 */
#include "csr.h"
#include "debug.h"
#include "platform.h"
#include "timer.h"
#include "util.h"

#define WATCH_PAGE __attribute__((section(".data.watch_page")))
#define WATCH_VAR __attribute__((section(".data.watch_vars"), aligned(4096)))

uint64_t debug_counter;
uint64_t debug_flags[DEBUG_MAX_VCPUS];

uint64_t watch_a WATCH_PAGE = 0;
uint64_t watch_b WATCH_PAGE = WATCH_B_VALUE;
uint64_t watch_neighbor WATCH_PAGE = 0;

uint64_t watch_0 WATCH_VAR = 0;
uint64_t watch_1 WATCH_VAR = WATCH_1_VALUE;
uint64_t watch_2 WATCH_VAR = 0;
uint64_t watch_3 WATCH_VAR = 0;
uint64_t watch_4 WATCH_VAR = WATCH_4_VALUE;
uint64_t watch_5 WATCH_VAR = 0;
uint64_t watch_read_sum;

uint64_t atomic_target;
uint64_t lrsc_adds[DEBUG_MAX_VCPUS], lrsc_retries[DEBUG_MAX_VCPUS];

double fp_step = 1.5;
double fp_result;

uint64_t bt_result, level3_calls;

DEBUG_FUNC void bump_counter(void)
{
	WRITE_ONCE(debug_counter, READ_ONCE(debug_counter) + 1);
}

/* Volatile accesses: exactly one load or store each, in this order. */
DEBUG_FUNC void touch_watch_vars(uint64_t iteration)
{
	uint64_t read_only;

	WRITE_ONCE(watch_0, iteration);
	read_only = READ_ONCE(watch_1);
	WRITE_ONCE(watch_2, READ_ONCE(watch_2) + 2);
	WRITE_ONCE(watch_3, 3 * iteration);
	read_only += READ_ONCE(watch_4);
	WRITE_ONCE(watch_5, READ_ONCE(watch_5) + iteration);
	WRITE_ONCE(watch_neighbor, 7 * iteration);
	WRITE_ONCE(watch_a, iteration);
	read_only += READ_ONCE(watch_b);
	WRITE_ONCE(watch_read_sum, READ_ONCE(watch_read_sum) + read_only);
}

/*
 * atomic_target += delta with an lr.d/sc.d retry loop (a constrained LR/SC
 * loop: nothing but base integer instructions between lr and sc). Returns
 * how many times sc failed.
 */
DEBUG_FUNC unsigned long atomic_add_lrsc(uint64_t delta)
{
	unsigned long failures = 0, sc_failed;
	uint64_t old, sum;

	asm volatile("1:	lr.d.aqrl %[old], (%[addr])\n"
		     "	add	%[sum], %[old], %[delta]\n"
		     "	sc.d.rl	%[failed], %[sum], (%[addr])\n"
		     "	beqz	%[failed], 2f\n"
		     "	addi	%[failures], %[failures], 1\n"
		     "	j	1b\n"
		     "2:\n"
		     : [old] "=&r"(old), [sum] "=&r"(sum),
		       [failed] "=&r"(sc_failed), [failures] "+r"(failures)
		     : [addr] "r"(&atomic_target), [delta] "r"(delta)
		     : "memory");
	return failures;
}

/* acc and the step stay in f-registers through the loop: fp_step is read
 * once, so the compiler cannot fold the sum. */
DEBUG_FUNC double fp_work(uint64_t iteration)
{
	double step = READ_ONCE(fp_step), acc = 0.0;

	for (unsigned k = 1; k <= FP_TERMS; k++)
		acc += step * (double)k;
	acc += 0.25 * (double)iteration;
	WRITE_ONCE(fp_result, acc);
	return acc;
}

/* Three real frames for bt: each level uses its callee's result, so no
 * call is a tail call. level1(x) = 6x + 327. */
DEBUG_FUNC uint64_t level3(uint64_t x)
{
	WRITE_ONCE(level3_calls, READ_ONCE(level3_calls) + 1);
	return 3 * x + 1;
}

DEBUG_FUNC uint64_t level2(uint64_t x)
{
	return level3(x + 2) + 20;
}

DEBUG_FUNC uint64_t level1(uint64_t x)
{
	return level2(2 * x) + 300;
}

/* Per-vCPU work: each vCPU writes only its own slots. */
DEBUG_FUNC void vcpu_work(unsigned id)
{
	WRITE_ONCE(debug_flags[id], READ_ONCE(debug_flags[id]) + 1);
	lrsc_retries[id] += atomic_add_lrsc(1);
	lrsc_adds[id]++;
}

/* A tight loop with no wfi and no ecall: only an interrupt from gdb (or
 * gdb clearing debug_spin) gets vCPU 0 out of here. */
DEBUG_FUNC void spin_forever(void)
{
	while (READ_ONCE(debug_spin))
		WRITE_ONCE(spin_count, READ_ONCE(spin_count) + 1);
}

/* Wait us microseconds of guest time in wfi, woken by the timer. Interrupts
 * stay off (sstatus.SIE = 0): wfi still wakes on the pending timer, and the
 * guest never takes a trap. */
DEBUG_FUNC void pace(uint64_t us)
{
	uint64_t deadline;

	if (!us)
		return;
	deadline = deadline_after_us(us);
	if (platform.has_sstc)
		timer_arm_sstc(deadline);
	else
		timer_arm_sbi(deadline);
	while (!time_reached(deadline))
		wfi();
	if (platform.has_sstc)
		timer_cancel_sstc();
	else
		timer_cancel_sbi();
}
