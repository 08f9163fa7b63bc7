// SPDX-License-Identifier: MIT
/*
 * The supervisor timer on every vCPU, through SBI TIME and (when the DTB
 * lists sstc) through stimecmp; without sstc, stimecmp must trap.
 */
#include "csr.h"
#include "harts.h"
#include "platform.h"
#include "selftest.h"
#include "test.h"
#include "timer.h"
#include "util.h"

enum timer_kind {
	TIMER_SBI,
	TIMER_SSTC
};

struct timer_result {
	bool fired, early, cancelled, past_fired, readback;
	uint64_t fired_at, deadline;
};

static struct timer_result results[GUEST_MAX_HARTS];

static void arm(enum timer_kind kind, uint64_t at)
{
	if (kind == TIMER_SSTC)
		timer_arm_sstc(at);
	else
		timer_arm_sbi(at);
}

static void cancel(enum timer_kind kind)
{
	if (kind == TIMER_SSTC)
		timer_cancel_sstc();
	else
		timer_cancel_sbi();
}

static void timer_job(void *arg)
{
	enum timer_kind kind = *(enum timer_kind *)arg;
	unsigned h = current_hartid();
	struct timer_result *r = &results[h];
	unsigned long old;

	memset(r, 0, sizeof(*r));
	local_irq_enable();

	old = irq_timer_count(h);
	r->deadline = deadline_after_us(5000);
	arm(kind, r->deadline);
	if (kind == TIMER_SSTC)
		r->readback = csr_read(CSR_STIMECMP) == r->deadline;
	r->fired = wait_counter_change(&irq_stats[h].timer, old, 1000000);
	r->fired_at = READ_ONCE(irq_stats[h].last_timer_at);
	r->early = r->fired && (int64_t)(r->fired_at - r->deadline) < 0;

	/* Re-arming to "never" must withdraw an armed timer. The deadline
	 * is far enough that being preempted between the two calls (other
	 * VMs share the hart) cannot make it legitimately fire first. */
	old = irq_timer_count(h);
	arm(kind, deadline_after_us(1000000));
	if (kind == TIMER_SSTC)
		csr_write(CSR_STIMECMP, UINT64_MAX);
	else
		sbi_set_timer(UINT64_MAX);
	delay_us(20000);
	r->cancelled = irq_timer_count(h) == old;

	/* A deadline in the past fires at once. */
	old = irq_timer_count(h);
	arm(kind, read_time() - 1);
	r->past_fired = wait_counter_change(&irq_stats[h].timer, old, 100000);

	local_irq_disable();
	cancel(kind);
}

static void report(const char *prefix, enum timer_kind kind)
{
	char name[64], base[40];

	for (unsigned h = 0; h < platform.num_harts; h++) {
		struct timer_result *r = &results[h];

		snprintf(base, sizeof(base), "%s-fires", prefix);
		check(r->fired, hart_check_name(name, sizeof(name), base, h),
		      "no interrupt within 1 s");
		snprintf(base, sizeof(base), "%s-not-early", prefix);
		check(r->fired && !r->early,
		      hart_check_name(name, sizeof(name), base, h),
		      "fired at %lu, deadline %lu", (unsigned long)r->fired_at,
		      (unsigned long)r->deadline);
		snprintf(base, sizeof(base), "%s-cancel", prefix);
		check(r->cancelled,
		      hart_check_name(name, sizeof(name), base, h),
		      "interrupt after re-arming to UINT64_MAX");
		snprintf(base, sizeof(base), "%s-past-deadline", prefix);
		check(r->past_fired,
		      hart_check_name(name, sizeof(name), base, h),
		      "no interrupt for a deadline in the past");
		if (kind == TIMER_SSTC) {
			snprintf(base, sizeof(base), "%s-readback", prefix);
			check(r->readback,
			      hart_check_name(name, sizeof(name), base, h),
			      "stimecmp read back differs");
		}
	}
}

static void run_on_all(const char *prefix, enum timer_kind kind)
{
	unsigned long failed = harts_run_all(timer_job, &kind, true, 3000000);
	char name[64];

	snprintf(name, sizeof(name), "%s-all-harts-ran", prefix);
	check(!failed, name, "harts that did not run/finish: 0x%lx", failed);
	report(prefix, kind);
}

static struct trap_record probe_stimecmp(bool write)
{
	unsigned long v = 0;

	trap_expect_begin();
	if (write)
		csr_write(CSR_STIMECMP, UINT64_MAX);
	else
		v = csr_read(CSR_STIMECMP);
	(void)v;
	return trap_expect_end();
}

static void test_legacy_set_timer(void)
{
	unsigned h = current_hartid();
	unsigned long old = irq_timer_count(h);
	uint64_t deadline = deadline_after_us(5000);

	local_irq_enable();
	sbi_legacy_ecall(SBI_LEGACY_SET_TIMER, deadline, 0);
	csr_set(sie, SIE_STIE);
	check(wait_counter_change(&irq_stats[h].timer, old, 1000000),
	      "legacy-set-timer-fires", "no interrupt within 1 s");
	local_irq_disable();
	timer_cancel_sbi();
}

void test_timers(void)
{
	run_on_all("sbi-timer", TIMER_SBI);
	test_legacy_set_timer();
	if (platform.has_sstc) {
		run_on_all("sstc-timer", TIMER_SSTC);
		return;
	}
	/* No sstc in the ISA: the guest must not reach stimecmp. */
	check_trap("sstc-absent-read-traps", probe_stimecmp(false),
		   CAUSE_ILLEGAL_INSN, ~0UL);
	check_trap("sstc-absent-write-traps", probe_stimecmp(true),
		   CAUSE_ILLEGAL_INSN, ~0UL);
}

void test_wfi_timer(void)
{
	unsigned h = current_hartid();
	uint64_t deadline = deadline_after_us(10000);
	uint64_t give_up = deadline + us_to_ticks(1000000);
	unsigned long old = irq_timer_count(h);
	unsigned iterations = 0;
	bool fired = false;

	/*
	 * SIE off, STIE on: wfi must wake on the pending timer although the
	 * interrupt is not taken. A wfi that does not block spins here.
	 * Whether the timer is pending is learnt by opening a one-instruction
	 * interrupt window after each wfi, not by reading sip: QEMU 7.2 shows
	 * a VS-mode guest only SSIP in sip.
	 */
	local_irq_disable();
	timer_arm_sbi(deadline);
	while (!time_reached(give_up)) {
		wfi();
		iterations++;
		local_irq_enable();
		local_irq_disable();
		fired = irq_timer_count(h) != old;
		if (fired)
			break;
	}
	timer_cancel_sbi();
	check(fired && time_reached(deadline), "wfi-timer-wakeup", "fired=%d",
	      fired);
	check(fired && iterations <= 20, "wfi-blocks-until-timer",
	      "%u wfi returns before the timer", iterations);
}
