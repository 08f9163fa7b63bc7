// SPDX-License-Identifier: MIT
/*
 * Per-hart messages (hv/core/cpu_msg.c) on the fake arch: posted
 * messages run on their hart when it serves, in order; a call waits for
 * its message (and runs at once on its own hart); a full queue refuses a
 * post and makes a call wait for room; wait loops serve the waiting
 * hart's own queue and timer, so two harts calling each other finish; a
 * call to several harts sends every message before it waits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "fake_machine.h"

#define SLICE 1000

static unsigned ran_on[64];   /* the hart each message ran on */
static uintptr_t ran_arg[64]; /* its argument, in the order they ran */
static unsigned nran;

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(3, SLICE);
	nran = 0;
	return 0;
}

static void record(void *arg)
{
	if (nran < 64) {
		ran_on[nran] = fake_current_hart();
		ran_arg[nran] = (uintptr_t)arg;
	}
	nran++;
}

static void test_post_runs_when_its_hart_serves(void **state)
{
	(void)state;
	assert_int_equal(cpu_msg_post(&cpus[1], record, (void *)7), HV_OK);
	assert_int_equal(fake_harts[1].ipis_received, 1);
	assert_int_equal(nran, 0);
	fake_serve_hart(1);
	assert_int_equal(nran, 1);
	assert_int_equal(ran_on[0], 1);
	assert_int_equal(ran_arg[0], 7);
	assert_int_equal(cpus[1].msgs.head, cpus[1].msgs.tail);
	fake_serve_hart(1); /* nothing more */
	assert_int_equal(nran, 1);
}

static void test_call_on_own_hart_runs_at_once(void **state)
{
	(void)state;
	fake_set_hart(2);
	cpu_msg_call(&cpus[2], record, (void *)3);
	assert_int_equal(nran, 1);
	assert_int_equal(ran_on[0], 2);
	assert_int_equal(fake_harts[2].ipis_received, 0);
	assert_int_equal(cpus[2].msgs.tail, 0);
}

/* What the caller reads after the call is what the message wrote. */
static void write_answer(void *arg)
{
	*(unsigned *)arg = 0x600d0000 + fake_current_hart();
}

static void test_call_waits_for_the_message(void **state)
{
	(void)state;
	unsigned answer = 0;

	cpu_msg_call(&cpus[1], write_answer, &answer);
	assert_int_equal(answer, 0x600d0001);
	assert_int_equal(fake_harts[1].ipis_received, 1);
	assert_int_equal(fake_current_hart(), 0);
}

static void test_full_queue_refuses_posts_and_keeps_order(void **state)
{
	(void)state;
	fake_harts[1].stalled = true;
	for (uintptr_t i = 0; i < CPU_MSG_SLOTS; i++)
		assert_int_equal(cpu_msg_post(&cpus[1], record, (void *)i),
				 HV_OK);
	assert_int_equal(cpu_msg_post(&cpus[1], record, (void *)99), HV_EAGAIN);
	assert_int_equal(fake_harts[1].ipis_received, CPU_MSG_SLOTS);
	fake_serve_hart(1);
	assert_int_equal(nran, CPU_MSG_SLOTS);
	for (unsigned i = 0; i < CPU_MSG_SLOTS; i++)
		assert_int_equal(ran_arg[i], i);
	/* The ring wraps: a second round, still in order. */
	for (uintptr_t i = 0; i < CPU_MSG_SLOTS; i++)
		assert_int_equal(
			cpu_msg_post(&cpus[1], record, (void *)(100 + i)),
			HV_OK);
	fake_serve_hart(1);
	for (unsigned i = 0; i < CPU_MSG_SLOTS; i++)
		assert_int_equal(ran_arg[CPU_MSG_SLOTS + i], 100 + i);
	assert_int_equal(cpus[1].msgs.tail, 2 * CPU_MSG_SLOTS);
}

/* A call to a hart whose queue is full waits for room (that hart serves
 * meanwhile), and its message runs after the ones queued before it. */
static void test_call_into_full_queue_waits_for_room(void **state)
{
	(void)state;
	for (uintptr_t i = 0; i < CPU_MSG_SLOTS; i++)
		assert_int_equal(cpu_msg_post(&cpus[1], record, (void *)i),
				 HV_OK);
	cpu_msg_call(&cpus[1], record, (void *)42);
	assert_int_equal(nran, CPU_MSG_SLOTS + 1);
	assert_int_equal(ran_arg[CPU_MSG_SLOTS - 1], CPU_MSG_SLOTS - 1);
	assert_int_equal(ran_arg[CPU_MSG_SLOTS], 42);
	assert_int_equal(ran_on[CPU_MSG_SLOTS], 1);
}

/* A wait loop serves its own hart's messages and timer. */
static void test_relax_serves_own_queue_and_timer(void **state)
{
	(void)state;
	fake_set_hart(1);
	assert_int_equal(cpu_msg_post(&cpus[0], record, (void *)5), HV_OK);
	fake_set_hart(0);
	cpu_relax_serving();
	assert_int_equal(nran, 1);
	assert_int_equal(ran_on[0], 0);
	assert_false(fake_harts[0].pending & HOST_IRQ_IPI);
	assert_int_equal(fake_harts[0].timer_programs, 0);
	/* A due timer interrupt is taken: re-armed, here for nothing. */
	fake_harts[0].timer_deadline = fake_time;
	cpus[0].timer_programmed = fake_time;
	cpu_relax_serving();
	assert_int_equal(fake_harts[0].timer_programs, 1);
	assert_int_equal(fake_harts[0].timer_deadline, UINT64_MAX);
	assert_int_equal(nran, 1);
}

/* Hart 0 calls hart 1, whose message calls back into hart 0 while hart 0
 * is still waiting: both finish, each call ran on its own hart. */
static void call_back_hart0(void *arg)
{
	record(arg);
	cpu_msg_call(&cpus[0], record, (void *)((uintptr_t)arg + 1));
}

static void test_harts_calling_each_other_finish(void **state)
{
	(void)state;
	cpu_msg_call(&cpus[1], call_back_hart0, (void *)10);
	assert_int_equal(nran, 2);
	assert_int_equal(ran_on[0], 1);
	assert_int_equal(ran_arg[0], 10);
	assert_int_equal(ran_on[1], 0);
	assert_int_equal(ran_arg[1], 11);
	assert_int_equal(fake_current_hart(), 0);
}

/* A message that posts another to its own hart: served in the same
 * pass. */
static void post_follow_up(void *arg)
{
	record(arg);
	assert_int_equal(cpu_msg_post(this_cpu(), record, (void *)2), HV_OK);
}

static void test_message_posted_while_serving_runs_in_same_pass(void **state)
{
	(void)state;
	assert_int_equal(cpu_msg_post(&cpus[2], post_follow_up, (void *)1),
			 HV_OK);
	fake_serve_hart(2);
	assert_int_equal(nran, 2);
	assert_int_equal(ran_arg[0], 1);
	assert_int_equal(ran_arg[1], 2);
	assert_int_equal(ran_on[1], 2);
}

/* cpu_msg_call_online: the messages all go out before any runs (hart 1
 * runs its message with hart 2's IPI already sent), offline and unlisted
 * harts get none, and this hart runs its own directly. */
static unsigned ipis_to_hart2_when_hart1_ran;

static void record_and_look(void *arg)
{
	if (fake_current_hart() == 1)
		ipis_to_hart2_when_hart1_ran = fake_harts[2].ipis_received;
	record(arg);
}

static void test_call_online_sends_all_before_waiting(void **state)
{
	(void)state;
	ipis_to_hart2_when_hart1_ran = 0;
	cpu_msg_call_online(0x7, record_and_look, (void *)5);
	assert_int_equal(nran, 3);
	assert_int_equal(ipis_to_hart2_when_hart1_ran, 1);
	assert_int_equal(fake_harts[0].ipis_received, 0);
	assert_int_equal(fake_harts[1].ipis_received, 1);
	assert_int_equal(fake_harts[2].ipis_received, 1);
	assert_int_equal(fake_current_hart(), 0);

	/* Hart 2 offline, hart 0 not asked: only hart 1 runs it. */
	nran = 0;
	__atomic_store_n(&cpus[2].online, false, __ATOMIC_RELEASE);
	cpu_msg_call_online(0x6, record, (void *)6);
	assert_int_equal(nran, 1);
	assert_int_equal(ran_on[0], 1);
	assert_int_equal(fake_harts[2].ipis_received, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_post_runs_when_its_hart_serves,
				       setup),
		cmocka_unit_test_setup(test_call_on_own_hart_runs_at_once,
				       setup),
		cmocka_unit_test_setup(test_call_waits_for_the_message, setup),
		cmocka_unit_test_setup(
			test_full_queue_refuses_posts_and_keeps_order, setup),
		cmocka_unit_test_setup(test_call_into_full_queue_waits_for_room,
				       setup),
		cmocka_unit_test_setup(test_relax_serves_own_queue_and_timer,
				       setup),
		cmocka_unit_test_setup(test_harts_calling_each_other_finish,
				       setup),
		cmocka_unit_test_setup(
			test_message_posted_while_serving_runs_in_same_pass,
			setup),
		cmocka_unit_test_setup(
			test_call_online_sends_all_before_waiting, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
