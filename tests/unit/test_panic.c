// SPDX-License-Identifier: MIT
/*
 * A hypervisor panic stops the machine (hv/core/printk.c hv_panic,
 * hv/core/panic.c, the halt request of hv/core/cpu_msg.c) on the fake
 * machine. The panicking hart holds locks a careless panic path would
 * take (a runqueue's, another hart's message queue's): it must print its
 * message through the emergency path, ask every other hart to halt, wait
 * a bounded time for them (harts that do not answer do not hold it up),
 * and power off as a failure. A hart that serves its IPI afterwards halts
 * before it runs any message; the panicking hart itself does not, and a
 * second hart that panics meanwhile only halts itself.
 *
 * The fake arch halts by abort(): the test catches SIGABRT to see a hart
 * halt. The halt request cannot be withdrawn, so it is one test.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/console.h>
#include <hv/cpu_msg.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include "fake_machine.h"

static char screen[1024];
static size_t screen_len;
static sigjmp_buf halted;
static unsigned messages_run;

/* The console, as far as a panic may use it. */
void console_write_emergency(const char *text, size_t len)
{
	for (size_t i = 0; i < len && screen_len < sizeof(screen) - 1; i++)
		screen[screen_len++] = text[i];
}

void console_write_hypervisor(const char *text, size_t len)
{
	(void)text;
	(void)len;
	fail_msg("a panic must not use the console's locked path");
}

static void on_abort(int sig)
{
	(void)sig;
	siglongjmp(halted, 1);
}

/* True if fn() ended in arch_halt (abort) on the current hart. */
static bool halts(void (*fn)(void))
{
	struct sigaction catch = {.sa_handler = on_abort}, old;
	bool did_halt = false;

	sigemptyset(&catch.sa_mask);
	assert_int_equal(sigaction(SIGABRT, &catch, &old), 0);
	if (sigsetjmp(halted, 1) == 0)
		fn();
	else
		did_halt = true;
	sigaction(SIGABRT, &old, NULL);
	return did_halt;
}

static void count_message(void *arg)
{
	(void)arg;
	messages_run++;
}

static jmp_buf power_off;

static void panic_on_hart0(void)
{
	if (setjmp(power_off) == 0) {
		fake_shutdown_jump = &power_off;
		hv_panic("bad %s", "thing");
	}
}

static void serve_hart1(void)
{
	fake_serve_hart(1);
}

static void serve_hart0(void)
{
	fake_serve_hart(0);
}

static void panic_on_hart2(void)
{
	fake_set_hart(2);
	hv_panic("second");
}

static void test_panic_stops_every_hart_and_powers_off(void **state)
{
	(void)state;
	fake_machine_reset(3, 1000);
	/* A message for hart 1 that its halt must pre-empt. */
	assert_int_equal(cpu_msg_post(&cpus[1], count_message, NULL), 0);
	fake_harts[1].pending = 0;
	/* Harts 1 and 2 do not answer while hart 0 waits. */
	fake_harts[1].stalled = fake_harts[2].stalled = true;
	spin_lock(&cpus[0].rq.lock);
	spin_lock(&cpus[1].msgs.lock);
	uint64_t start = fake_time;

	assert_false(halts(panic_on_hart0));
	assert_int_equal(fake_shutdowns, 1);
	assert_true(fake_shutdown_failed);
	assert_string_equal(screen, "hartvisor: PANIC: bad thing\n"
				    "hartvisor: 0 of 2 other hart(s) halted; "
				    "powering off\n");
	/* Bounded: about PANIC_HALT_WAIT_MS of waiting, no more. */
	uint64_t waited = fake_time - start;

	assert_true(waited >= FAKE_TIMEBASE_HZ * PANIC_HALT_WAIT_MS / 1000);
	assert_true(waited <=
		    FAKE_TIMEBASE_HZ * PANIC_HALT_WAIT_MS / 1000 + 10);
	/* Every other hart was sent its IPI. */
	assert_true(fake_harts[1].pending & HOST_IRQ_IPI);
	assert_true(fake_harts[2].pending & HOST_IRQ_IPI);
	assert_int_equal(fake_harts[0].pending & HOST_IRQ_IPI, 0);
	spin_unlock(&cpus[1].msgs.lock);
	spin_unlock(&cpus[0].rq.lock);

	/* Hart 1 takes the IPI: it halts, and runs no message first. */
	assert_true(halts(serve_hart1));
	assert_int_equal(cpu_msg_harts_halted(), 1);
	assert_int_equal(messages_run, 0);
	/* The panicking hart serving its own queue does not halt. */
	fake_set_hart(0);
	fake_harts[0].pending |= HOST_IRQ_IPI;
	assert_false(halts(serve_hart0));
	/* A second panic (hart 2) prints its message and halts only
	 * itself: the machine is powered off once. */
	screen_len = 0;
	memset(screen, 0, sizeof(screen));
	assert_true(halts(panic_on_hart2));
	fake_set_hart(0);
	assert_string_equal(screen, "hartvisor: PANIC: second\n");
	assert_int_equal(fake_shutdowns, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_panic_stops_every_hart_and_powers_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
