// SPDX-License-Identifier: MIT
/*
 * Transmit pacing of the emulated ns16550a (hv/vdev/vuart.c): after a
 * burst, the THR-empty interrupt pauses until some time after the last
 * THR write, so an interrupt handler that transmits for as long as THRE
 * is reported (Linux's 8250 and PLIC loops) returns to the guest, which
 * then takes its timer and IPIs. Without pacing a writer that keeps the
 * buffer full kept the handler looping for the whole stream.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/vuart.h>

enum {
	THR = 0,
	IER = 1,
	IIR = 2,
	FCR = 2,
	LSR = 5
};
#define IER_ETBEI 0x02
#define IIR_NO_INTERRUPT 0x01
#define IIR_THR_EMPTY 0x02
#define PAUSE 100	     /* clock ticks */
#define LINUX_PASS_LIMIT 512 /* serial8250_interrupt's passes */
#define LINUX_TX_LOADSZ 16   /* bytes per pass (16550A) */

static uint64_t clock_now;
static struct vuart uart;
static size_t bytes_sent;
static bool line;

static uint64_t fake_clock(void)
{
	return clock_now;
}

static void count_tx(void *opaque, uint8_t byte)
{
	(void)opaque;
	(void)byte;
	bytes_sent++;
}

static void record_line(void *opaque, bool level)
{
	(void)opaque;
	line = level;
}

static uint8_t rd(uint64_t offset)
{
	uint64_t value = 0;

	assert_int_equal(vuart_mmio_read(&uart, offset, 1, &value), HV_OK);
	return (uint8_t)value;
}

static void wr(uint64_t offset, uint8_t value)
{
	assert_int_equal(vuart_mmio_write(&uart, offset, 1, value), HV_OK);
}

static int setup(void **state)
{
	(void)state;
	clock_now = 1000;
	bytes_sent = 0;
	line = false;
	vuart_init(&uart, count_tx, record_line, NULL);
	vuart_set_tx_pacing(&uart, fake_clock, PAUSE);
	wr(FCR, 0x07);
	wr(IER, IER_ETBEI);
	return 0;
}

static void test_thre_pauses_after_a_burst(void **state)
{
	(void)state;
	assert_true(line);
	for (unsigned i = 0; i < VUART_TX_BURST - 1; i++) {
		wr(THR, 'a');
		assert_true(line);
		clock_now++;
	}
	assert_int_equal(vuart_tx_pause_end(&uart), 0);
	wr(THR, 'b'); /* the burst is complete: the interrupt pauses */
	assert_false(line);
	assert_int_equal(rd(IIR) & 0x0f, IIR_NO_INTERRUPT);
	/* Only the interrupt: polled writers still see an empty THR. */
	assert_int_equal(rd(LSR) & 0x60, 0x60);
	assert_int_equal(vuart_tx_pause_end(&uart), (clock_now + PAUSE) | 1);
	/* More output pushes the pause back. */
	clock_now += PAUSE - 2;
	wr(THR, 'c');
	assert_int_equal(vuart_tx_pause_end(&uart), (clock_now + PAUSE) | 1);
	clock_now += PAUSE - 1;
	assert_int_equal(rd(IIR) & 0x0f, IIR_NO_INTERRUPT);
	assert_false(line);
	/* Over: the next access brings the interrupt back. */
	clock_now += 2;
	assert_int_equal(rd(IIR) & 0x0f, IIR_THR_EMPTY);
	assert_int_equal(vuart_tx_pause_end(&uart), 0);
	assert_int_equal(bytes_sent, VUART_TX_BURST + 1);
}

static void test_caller_ends_the_pause(void **state)
{
	(void)state;
	for (unsigned i = 0; i < VUART_TX_BURST; i++)
		wr(THR, 'a');
	assert_false(line);
	assert_int_not_equal(vuart_tx_pause_end(&uart), 0);
	vuart_end_tx_pause(&uart); /* without an access: the line rises */
	assert_true(line);
	assert_int_equal(vuart_tx_pause_end(&uart), 0);
	/* A new burst starts from zero. */
	for (unsigned i = 0; i < VUART_TX_BURST - 1; i++)
		wr(THR, 'a');
	assert_true(line);
	vuart_end_tx_pause(&uart); /* none: nothing changes */
	assert_true(line);
}

/*
 * Linux's 8250 handler as it runs on a CPU whose writer on another CPU
 * always has more to send: one PLIC claim, then passes of "read IIR,
 * send 16 bytes" while IIR reports THRE (at most 512), then claims again
 * while the line is high. Each register access costs clock time, as a
 * trap does. The handler must return after about one burst; without
 * pacing it never would (the loops are cut at 100 claims here).
 */
static void test_interrupt_handler_returns(void **state)
{
	(void)state;
	unsigned claims = 0;

	while (line && claims < 100) {
		claims++;
		for (unsigned pass = 0; pass < LINUX_PASS_LIMIT; pass++) {
			clock_now++;
			if (rd(IIR) & IIR_NO_INTERRUPT)
				break;
			for (unsigned i = 0; i < LINUX_TX_LOADSZ; i++) {
				clock_now++;
				wr(THR, 'x');
			}
		}
		clock_now += 2; /* complete, then claim again */
	}
	assert_int_equal(claims, 1);
	assert_int_equal(bytes_sent, VUART_TX_BURST);
	assert_false(line);
}

static void test_no_pacing_without_a_clock(void **state)
{
	(void)state;
	vuart_set_tx_pacing(&uart, NULL, 0);
	for (unsigned i = 0; i < 4 * VUART_TX_BURST; i++) {
		wr(THR, 'a');
		assert_true(line);
	}
	assert_int_equal(vuart_tx_pause_end(&uart), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_thre_pauses_after_a_burst, setup),
		cmocka_unit_test_setup(test_caller_ends_the_pause, setup),
		cmocka_unit_test_setup(test_interrupt_handler_returns, setup),
		cmocka_unit_test_setup(test_no_pacing_without_a_clock, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
