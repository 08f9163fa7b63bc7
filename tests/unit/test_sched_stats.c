// SPDX-License-Identifier: MIT
/*
 * The scheduler's per-vCPU statistics: the wake-to-run latency histogram
 * (log2 buckets, percentiles), what the run loop records in it, and the
 * lines printed when a VM stops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "sched_sim.h"

#define MS SIM_TICKS_PER_MS
#define US SIM_TICKS_PER_US

static void test_histogram_percentiles(void **state)
{
	(void)state;
	struct sched_latency_histogram h;

	memset(&h, 0, sizeof(h));
	assert_int_equal(sched_latency_percentile_ns(&h, 500), 0);
	/* 98 samples of 1000 ns, one of 1 ms, one of 5 s. */
	for (unsigned i = 0; i < 98; i++)
		sched_latency_record(&h, 1000);
	sched_latency_record(&h, 1000000);
	sched_latency_record(&h, 5000000000ULL);
	assert_int_equal(h.total, 100);
	assert_int_equal(h.max_ns, 5000000000ULL);
	/* 1000 ns is in [512, 1024): its bucket's upper bound. */
	assert_int_equal(sched_latency_percentile_ns(&h, 500), 1023);
	assert_int_equal(sched_latency_percentile_ns(&h, 980), 1023);
	/* The 99th sample is 1 ms: [2^19, 2^20). */
	assert_int_equal(sched_latency_percentile_ns(&h, 990), (1 << 20) - 1);
	/* The largest never exceeds the maximum seen. */
	assert_int_equal(sched_latency_percentile_ns(&h, 1000), 5000000000ULL);
	/* 0 ns counts in bucket 0; huge values in the last bucket. */
	sched_latency_record(&h, 0);
	sched_latency_record(&h, ~0ULL);
	assert_int_equal(h.count[0], 1);
	assert_int_equal(h.count[SCHED_LATENCY_BUCKETS - 1], 1);
}

/* Every power of two starts its bucket and the value below it ends the
 * previous one (the hypervisor computes log2 without a clz instruction). */
static void test_histogram_bucket_edges(void **state)
{
	(void)state;
	struct sched_latency_histogram h;

	for (unsigned k = 1; k < 64; k++) {
		unsigned last = SCHED_LATENCY_BUCKETS - 1;
		unsigned want = MIN(k, last), below = MIN(k - 1, last);

		memset(&h, 0, sizeof(h));
		sched_latency_record(&h, 1ULL << k);
		sched_latency_record(&h, (1ULL << k) - 1);
		sched_latency_record(&h, (1ULL << k) + (1ULL << k) / 2);
		assert_int_equal(h.count[want], below == want ? 3 : 2);
		assert_int_equal(h.count[below], below == want ? 3 : 1);
	}
	memset(&h, 0, sizeof(h));
	sched_latency_record(&h, 1);
	assert_int_equal(h.count[0], 1);
}

/* A sleeper beside a busy vCPU: each wakeup is recorded, preemptions of
 * the busy one are counted, and both show in the stop lines. */
static void test_wakeups_recorded_and_printed(void **state)
{
	(void)state;
	sim_start(1, 10 * MS, "fair");
	struct vm *busy = sim_vm("busy", 1, 256, 0, SIM_BUSY);

	sim_run(1 * MS); /* the sleeper starts while busy runs */
	struct vm *sleeper = sim_vm("sleeper", 1, 256, 0, SIM_PERIODIC);

	sim_vcpu(sleeper, 0)->period = 2 * MS;
	sim_run(200 * MS);
	const struct vcpu_stats *st = &sleeper->vcpus[0].stats;

	/* Its start, then one per timer wakeup. */
	assert_int_equal(st->wake_latency.total,
			 sim_vcpu(sleeper, 0)->wakeups + 1);
	assert_true(busy->vcpus[0].stats.preemptions >= 90);
	/* Timer wakeups are owed time and preempt the busy vCPU within the
	 * minimum run (the log2 bucket of 500 us ends at 2^19 ns); only the
	 * start, owed nothing, waited for the busy one's slice. */
	assert_true(sched_latency_percentile_ns(&st->wake_latency, 900) <
		    (1 << 19));
	assert_in_range(st->wake_latency.max_ns, 1000000, 10000000);
	fake_printed[0] = 0;
	vm_print_stats(sleeper);
	assert_non_null(strstr(fake_printed, "hartvisor: VM \"sleeper\" vCPU 0 "
					     "(hart 0): run "));
	assert_non_null(strstr(fake_printed, "hartvisor: VM \"sleeper\" vCPU 0 "
					     "sched: steal "));
	assert_non_null(strstr(fake_printed, " wakeups: p50 "));
}

/* The run loop reads the time, then locks its runqueue; another hart
 * may make a vCPU runnable in between, stamped later than that time. Its
 * wait is then 0, not a wrapped-around huge value. */
static struct vm *race_vm;
static bool race_armed;

static void start_from_other_hart(enum fake_probe point)
{
	if (point != FAKE_PROBE_TIME || !race_armed)
		return;
	race_armed = false;
	fake_set_hart(1);
	fake_time += 100; /* hart 1's clock read comes later */
	fake_vcpu_start(race_vm, 0, 0x80000000UL);
	fake_time -= 100;
	fake_set_hart(0);
}

static void guest_waits(struct vcpu *vcpu)
{
	fake_guest_write_sie(vcpu, 0);
	fake_exit_wfi(vcpu);
}

static void test_wakeup_stamped_after_the_loop_read_the_time(void **state)
{
	(void)state;
	fake_machine_reset(2, 10 * MS);
	race_vm = fake_vm_create("a", 1, 0x1);
	fake_guest = guest_waits;
	fake_probe = start_from_other_hart;
	race_armed = true;
	fake_set_hart(0);
	sched_run_once(); /* picks it up: woken after `now` was read */
	fake_probe = NULL;
	const struct vcpu_stats *st = &race_vm->vcpus[0].stats;

	assert_int_equal(st->switches_in, 1);
	assert_int_equal(st->wait_ticks, 0);
	assert_int_equal(st->wake_latency.total, 1);
	assert_int_equal(st->wake_latency.max_ns, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_histogram_percentiles),
		cmocka_unit_test(test_histogram_bucket_edges),
		cmocka_unit_test(test_wakeups_recorded_and_printed),
		cmocka_unit_test(
			test_wakeup_stamped_after_the_loop_read_the_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
