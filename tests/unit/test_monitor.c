// SPDX-License-Identifier: MIT
/*
 * The monitor's shared commands (hv/core/monitor.c) on the fake machine,
 * byte for byte: vms, vcpus, sched, stats with the wake-to-run histogram,
 * weight, cap, pause and resume, and every error (one line each).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/monitor.h>
#include <hv/vm.h>
#include "fake_machine.h"

static struct vm *a, *b;
static char out[4096];
static const struct monitor_view view = {
	.marked_means = "console input focus",
};

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, 1000);
	a = fake_vm_create("a", 2, 0);
	b = fake_vm_create("b", 1, 0);
	monitor_reset();
	return 0;
}

static int run(const char *cmd)
{
	struct monitor_output o = {.buf = out, .len = sizeof(out)};

	memset(out, 'x', sizeof(out));
	out[0] = 0;
	return monitor_command(&view, cmd, &o);
}

static void expect(const char *cmd, int err, const char *text)
{
	assert_int_equal(run(cmd), err);
	assert_string_equal(out, text);
}

static void test_vms_vcpus_and_sched(void **state)
{
	(void)state;
	struct monitor_view marked = view;
	struct monitor_output o = {.buf = out, .len = sizeof(out)};

	expect("vms", HV_OK,
	       "  0 a            2 vCPU(s), 0 MiB, running\n"
	       "  1 b            1 vCPU(s), 0 MiB, running\n");
	marked.marked = b;
	assert_int_equal(monitor_command(&marked, "vms", &o), HV_OK);
	assert_non_null(strstr(out, "* 1 b "));
	a->vcpus[1].stats.run_ticks = 7;
	a->vcpus[1].stats.exits[EXC_ECALL_VS] = 3;
	expect("vcpus  a ", HV_OK,
	       "vcpu 0 a/vcpu0: hart -, offline, S-mode; run 0, wait 0 "
	       "ticks, 0 switches, 0 migrations; exits: sbi 0, wfi blocks 0, "
	       "waits in place 0\n"
	       "vcpu 1 a/vcpu1: hart -, offline, S-mode; run 7, wait 0 "
	       "ticks, 0 switches, 0 migrations; exits: sbi 3, wfi blocks 0, "
	       "waits in place 0\n");
	assert_int_equal(run("vcpus"), HV_OK); /* every VM's */
	assert_non_null(strstr(out, "vcpu 0 b/vcpu0: hart -, offline"));
	fake_vcpu_start(b, 0, 0x80000000);
	expect("vcpus b", HV_OK,
	       "vcpu 0 b/vcpu0: hart 0, runnable, S-mode; run 0, wait 0 "
	       "ticks, 0 switches, 0 migrations; exits: sbi 0, wfi blocks 0, "
	       "waits in place 0\n");
	assert_int_equal(run("sched"), HV_OK);
	assert_non_null(strstr(out, "hart 0: "));
	assert_non_null(strstr(out, ", 1 queued, 2 vCPUs owned; running -/0\n"
				    "hart 1: "));
}

static void test_stats(void **state)
{
	(void)state;
	struct vcpu_stats *s = &a->vcpus[0].stats;

	s->run_ticks = FAKE_TIMEBASE_HZ * 3 / 2; /* 1.5 s */
	s->wait_ticks = 25;			 /* 2.5 us */
	s->preemptions = 4;
	s->migrations = 1;
	for (unsigned i = 0; i < 99; i++)
		sched_latency_record(&s->wake_latency, 1500); /* bucket 10 */
	sched_latency_record(&s->wake_latency, 70000);	      /* bucket 16 */
	expect("stats a", HV_OK,
	       "vcpu0: run 1500000 us, wait (steal) 2 us, 4 preemptions, 1 "
	       "migrations\n"
	       "  wake-to-run: 100 samples, p50 2047 ns, p99 2047 ns, max "
	       "70000 ns\n"
	       "  log2(ns) buckets: 10:99 16:1\n"
	       "vcpu1: run 0 us, wait (steal) 0 us, 0 preemptions, 0 "
	       "migrations\n"
	       "  wake-to-run: 0 samples, p50 0 ns, p99 0 ns, max 0 ns\n");
}

/* Run and wait time include the stint under way: a vCPU that runs alone
 * on a hart is rarely switched out, and its run time stood still. */
static void test_stats_include_the_stint_under_way(void **state)
{
	(void)state;
	struct vcpu *v = &a->vcpus[0];
	uint64_t ms = FAKE_TIMEBASE_HZ / 1000;

	fake_time = 10000 * ms;
	v->stats.run_ticks = 1000 * ms;
	v->stats.wait_ticks = 100 * ms;
	/* Running for 2 s, since its last wakeup at 7 s. */
	v->state = VCPU_RUNNING;
	v->se.ready_since = 7000 * ms;
	v->stats.switched_in_at = 8000 * ms;
	assert_int_equal(run("stats a"), HV_OK);
	assert_non_null(
		strstr(out, "vcpu0: run 3000000 us, wait (steal) 100000 us"));
	expect("vcpus b", HV_OK,
	       "vcpu 0 b/vcpu0: hart -, offline, S-mode; run 0, wait 0 "
	       "ticks, 0 switches, 0 migrations; exits: sbi 0, wfi blocks 0, "
	       "waits in place 0\n");
	/* Just picked (state set, switched_in_at not yet): the start is
	 * the previous stint's, older than its last wakeup: not counted. */
	v->se.ready_since = 9000 * ms;
	assert_int_equal(run("stats a"), HV_OK);
	assert_non_null(
		strstr(out, "vcpu0: run 1000000 us, wait (steal) 100000 us"));
	/* Waiting for 500 ms. */
	v->state = VCPU_RUNNABLE;
	v->se.ready_since = 9500 * ms;
	assert_int_equal(run("stats a"), HV_OK);
	assert_non_null(
		strstr(out, "vcpu0: run 1000000 us, wait (steal) 600000 us"));
	assert_int_equal(run("vcpus a"), HV_OK);
	assert_non_null(strstr(out, "runnable, S-mode; run 10000000, wait "
				    "6000000 ticks"));
	v->state = VCPU_OFFLINE;
}

static void test_weight_and_cap(void **state)
{
	(void)state;
	expect("weight a 512", HV_OK, "weight of \"a\" is now 512\n");
	assert_int_equal(a->sched.weight, 512);
	expect("weight a 0", HV_ERANGE, "weight must be 1..65536\n");
	expect("weight a 65537", HV_ERANGE, "weight must be 1..65536\n");
	expect("weight a 12x", HV_EINVAL, "not a number: \"12x\"\n");
	expect("weight a -1", HV_EINVAL, "not a number: \"-1\"\n");
	expect("weight a", HV_EINVAL, "usage: weight VM N\n");
	expect("weight a 1 2", HV_EINVAL, "usage: weight VM N\n");
	expect("weight zz 5", HV_EINVAL, "no VM named \"zz\"\n");
	assert_int_equal(a->sched.weight, 512);

	expect("cap b 50", HV_OK, "cap of \"b\" is now 50 %\n");
	assert_int_equal(b->sched.cap_percent, 50);
	expect("cap b 0", HV_OK, "cap of \"b\" is now 0 %\n");
	expect("cap b 201", HV_ERANGE, "cap must be 0..200 (%, 0: no cap)\n");
	assert_int_equal(b->sched.cap_percent, 0);
}

static void test_pause_and_resume(void **state)
{
	(void)state;
	expect("pause a", HV_OK, "\"a\" paused\n");
	assert_true(vm_is_paused(a));
	expect("vms", HV_OK,
	       "  0 a            2 vCPU(s), 0 MiB, paused\n"
	       "  1 b            1 vCPU(s), 0 MiB, running\n");
	expect("pause a", HV_ESTATE,
	       "\"a\" is already paused by the monitor\n");
	assert_int_equal(a->pause_count, 1);
	expect("resume a", HV_OK, "\"a\" resumed\n");
	assert_false(vm_is_paused(a));
	expect("resume a", HV_ESTATE, "\"a\" is not paused by the monitor\n");

	/* Another pause (gdb's) stays in force. */
	vm_pause_begin(b);
	expect("pause b", HV_OK, "\"b\" paused\n");
	expect("resume b", HV_OK, "\"b\" resumed (still paused by gdb)\n");
	assert_true(vm_is_paused(b));
	vm_resume(b);

	__atomic_store_n(&a->status, VM_STOPPED, __ATOMIC_RELEASE);
	expect("pause a", HV_ESTATE, "\"a\" is stopped\n");
	expect("resume nosuch", HV_EINVAL, "no VM named \"nosuch\"\n");
	expect("stats", HV_EINVAL, "usage: stats VM\n");
	expect("vms extra", HV_EINVAL, "usage: vms\n");
	expect("vcpus a b", HV_EINVAL, "usage: vcpus [VM]\n");
}

static void test_not_shared_commands(void **state)
{
	(void)state;
	expect("", HV_ENOENT, "");
	expect("   ", HV_ENOENT, "");
	expect("quit", HV_ENOENT, "");
	expect("frobnicate a b", HV_ENOENT, "");
	expect("a b c d e", HV_ENOENT, "");
	char long_word[64];

	memset(long_word, 'w', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = 0;
	expect(long_word, HV_ENOENT, "");
	/* Output is cut to the buffer, NUL-terminated. */
	struct monitor_output small = {.buf = out, .len = 8};

	assert_int_equal(monitor_command(&view, "vms", &small), HV_OK);
	assert_string_equal(out, "  0 a  ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vms_vcpus_and_sched, setup),
		cmocka_unit_test_setup(test_stats, setup),
		cmocka_unit_test_setup(test_stats_include_the_stint_under_way,
				       setup),
		cmocka_unit_test_setup(test_weight_and_cap, setup),
		cmocka_unit_test_setup(test_pause_and_resume, setup),
		cmocka_unit_test_setup(test_not_shared_commands, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
