// SPDX-License-Identifier: MIT
/*
 * Unit tests for the emulated ns16550a: every register, the interrupt
 * identification priorities, loopback, and the sequences Linux's 8250
 * driver performs when it probes the port and transmits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/vuart.h>

enum {
	RBR = 0,
	IER = 1,
	IIR = 2,
	FCR = 2,
	LCR = 3,
	MCR = 4,
	LSR = 5
};
enum {
	MSR = 6,
	SCR = 7,
	THR = 0,
	DLL = 0,
	DLM = 1
};

#define TX_LOG_SIZE (1U << 20)

struct fixture {
	struct vuart uart;
	uint8_t *tx_log;
	size_t tx_count;
	bool irq_level;
	unsigned irq_calls;
};

static void record_tx(void *opaque, uint8_t byte)
{
	struct fixture *f = opaque;

	assert_true(f->tx_count < TX_LOG_SIZE);
	f->tx_log[f->tx_count++] = byte;
}

static void record_irq(void *opaque, bool level)
{
	struct fixture *f = opaque;

	/* The device must only report real changes. */
	assert_int_not_equal(f->irq_level, level);
	f->irq_level = level;
	f->irq_calls++;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->tx_log = malloc(TX_LOG_SIZE);
	assert_non_null(f->tx_log);
	vuart_init(&f->uart, record_tx, record_irq, f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->tx_log);
	free(f);
	return 0;
}

static uint8_t rd(struct fixture *f, uint64_t offset)
{
	uint64_t value = 0xdeadbeef;

	assert_int_equal(vuart_mmio_read(&f->uart, offset, 1, &value), HV_OK);
	assert_true(value <= 0xff);
	return (uint8_t)value;
}

static void wr(struct fixture *f, uint64_t offset, uint8_t value)
{
	assert_int_equal(vuart_mmio_write(&f->uart, offset, 1, value), HV_OK);
}

static void test_reset_values(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(rd(f, IER), 0x00);
	assert_int_equal(rd(f, IIR), 0x01);
	assert_int_equal(rd(f, LCR), 0x00);
	assert_int_equal(rd(f, MCR), 0x00);
	assert_int_equal(rd(f, LSR), 0x60);
	assert_int_equal(rd(f, MSR), 0xb0);
	assert_int_equal(rd(f, SCR), 0x00);
	assert_int_equal(rd(f, RBR), 0x00);
	assert_int_equal(vuart_rx_space(&f->uart), VUART_RX_FIFO_SIZE);
	assert_int_equal(f->irq_calls, 0);
}

static void test_access_rules(void **state)
{
	struct fixture *f = *state;
	uint64_t value = 0;
	uint64_t offset;

	assert_int_equal(vuart_mmio_read(&f->uart, LSR, 2, &value), HV_EINVAL);
	assert_int_equal(vuart_mmio_read(&f->uart, LSR, 4, &value), HV_EINVAL);
	assert_int_equal(vuart_mmio_write(&f->uart, THR, 4, 'x'), HV_EINVAL);
	assert_int_equal(vuart_mmio_write(&f->uart, THR, 8, 'x'), HV_EINVAL);
	assert_int_equal(vuart_mmio_read(&f->uart, VUART_MMIO_SIZE, 1, &value),
			 HV_EINVAL);
	assert_int_equal(vuart_mmio_write(&f->uart, VUART_MMIO_SIZE, 1, 'x'),
			 HV_EINVAL);
	for (offset = 8; offset < VUART_MMIO_SIZE; offset++) {
		wr(f, offset, 0xff);
		assert_int_equal(rd(f, offset), 0);
	}
	assert_int_equal(f->tx_count, 0);
	assert_int_equal(rd(f, SCR), 0);
	assert_int_equal(rd(f, IER), 0);
}

static void test_scratch_and_lcr(void **state)
{
	struct fixture *f = *state;

	wr(f, SCR, 0xa5);
	assert_int_equal(rd(f, SCR), 0xa5);
	wr(f, SCR, 0x5a);
	assert_int_equal(rd(f, SCR), 0x5a);
	wr(f, LCR, 0x1b);
	assert_int_equal(rd(f, LCR), 0x1b);
	/* LSR and MSR ignore writes. */
	wr(f, LSR, 0x00);
	wr(f, MSR, 0x00);
	assert_int_equal(rd(f, LSR), 0x60);
	assert_int_equal(rd(f, MSR), 0xb0);
}

static void test_divisor_latch(void **state)
{
	struct fixture *f = *state;

	wr(f, IER, 0x05);
	wr(f, LCR, 0x83);
	wr(f, DLL, 0x0c);
	wr(f, DLM, 0x01);
	assert_int_equal(rd(f, DLL), 0x0c);
	assert_int_equal(rd(f, DLM), 0x01);
	assert_int_equal(f->tx_count, 0);
	wr(f, LCR, 0x03);
	assert_int_equal(rd(f, IER), 0x05);
	wr(f, THR, 'A');
	assert_int_equal(f->tx_count, 1);
	assert_int_equal(f->tx_log[0], 'A');
	wr(f, LCR, 0x80);
	assert_int_equal(rd(f, DLL), 0x0c);
	assert_int_equal(rd(f, DLM), 0x01);
}

static void test_ier_keeps_defined_bits(void **state)
{
	struct fixture *f = *state;

	wr(f, IER, 0xf0);
	assert_int_equal(rd(f, IER), 0x00);
	assert_int_equal(rd(f, IIR), 0x01);
	assert_int_equal(f->irq_calls, 0);
}

static void test_megabyte_reaches_tx_in_order(void **state)
{
	struct fixture *f = *state;
	uint32_t seed = 12345;
	size_t i;

	for (i = 0; i < TX_LOG_SIZE; i++) {
		seed = seed * 1103515245U + 12345U;
		wr(f, THR, (uint8_t)(seed >> 16));
		/* The guest never has to wait. */
		if (i % 4096 == 0)
			assert_int_equal(rd(f, LSR) & 0x60, 0x60);
	}
	assert_int_equal(f->tx_count, TX_LOG_SIZE);
	seed = 12345;
	for (i = 0; i < TX_LOG_SIZE; i++) {
		seed = seed * 1103515245U + 12345U;
		if (f->tx_log[i] != (uint8_t)(seed >> 16))
			fail_msg("byte %zu out of order", i);
	}
}

static void test_receive_fifo(void **state)
{
	struct fixture *f = *state;
	unsigned i, round;

	/* Several rounds so the ring index wraps around. */
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 200; i++)
			assert_true(
				vuart_receive(&f->uart, (uint8_t)(i + round)));
		assert_int_equal(vuart_rx_space(&f->uart),
				 VUART_RX_FIFO_SIZE - 200);
		for (i = 0; i < 200; i++) {
			assert_int_equal(rd(f, LSR), 0x61);
			assert_int_equal(rd(f, RBR), (uint8_t)(i + round));
		}
		assert_int_equal(rd(f, LSR), 0x60);
	}
	assert_int_equal(rd(f, RBR), 0);
	/* Interrupts were disabled throughout. */
	assert_int_equal(f->irq_calls, 0);
}

static void test_receive_interrupt(void **state)
{
	struct fixture *f = *state;

	wr(f, IER, 0x01);
	assert_false(f->irq_level);
	assert_true(vuart_receive(&f->uart, 'a'));
	assert_true(f->irq_level);
	assert_int_equal(rd(f, IIR), 0x04);
	assert_true(vuart_receive(&f->uart, 'b'));
	assert_int_equal(rd(f, RBR), 'a');
	assert_true(f->irq_level);
	assert_int_equal(rd(f, RBR), 'b');
	assert_false(f->irq_level);
	assert_int_equal(rd(f, IIR), 0x01);
	/* Disabling ERBFI drops a pending data interrupt. */
	assert_true(vuart_receive(&f->uart, 'c'));
	assert_true(f->irq_level);
	wr(f, IER, 0x00);
	assert_false(f->irq_level);
	assert_int_equal(f->irq_calls, 4);
}

static void test_overrun(void **state)
{
	struct fixture *f = *state;
	unsigned i;

	wr(f, IER, 0x05); /* ERBFI | ELSI */
	for (i = 0; i < VUART_RX_FIFO_SIZE; i++)
		assert_true(vuart_receive(&f->uart, (uint8_t)i));
	assert_int_equal(vuart_rx_space(&f->uart), 0);
	assert_int_equal(rd(f, IIR), 0x04);
	assert_false(vuart_receive(&f->uart, 0xee));
	/* Receiver line status outranks received data. */
	assert_int_equal(rd(f, IIR), 0x06);
	assert_int_equal(rd(f, LSR), 0x63);
	/* OE is reported once. */
	assert_int_equal(rd(f, LSR), 0x61);
	assert_int_equal(rd(f, IIR), 0x04);
	/* The lost byte is not in the FIFO. */
	for (i = 0; i < VUART_RX_FIFO_SIZE; i++)
		assert_int_equal(rd(f, RBR), (uint8_t)i);
	assert_int_equal(rd(f, LSR), 0x60);
	assert_false(f->irq_level);
	/* Without ELSI an overrun raises no interrupt of its own. */
	wr(f, IER, 0x00);
	for (i = 0; i <= VUART_RX_FIFO_SIZE; i++)
		vuart_receive(&f->uart, 0);
	assert_int_equal(rd(f, IIR), 0x01);
	assert_int_equal(rd(f, LSR), 0x63);
}

static void test_fifo_control(void **state)
{
	struct fixture *f = *state;

	wr(f, FCR, 0x01);
	assert_int_equal(rd(f, IIR), 0xc1);
	assert_true(vuart_receive(&f->uart, 'x'));
	assert_true(vuart_receive(&f->uart, 'y'));
	/* Bits 1 and 2 clear the FIFOs and self-clear; FIFO mode stays. */
	wr(f, FCR, 0x07);
	assert_int_equal(rd(f, LSR), 0x60);
	assert_int_equal(rd(f, IIR), 0xc1);
	assert_true(vuart_receive(&f->uart, 'z'));
	wr(f, FCR, 0x01);
	assert_int_equal(rd(f, RBR), 'z');
	/* Leaving FIFO mode resets the FIFO too. */
	assert_true(vuart_receive(&f->uart, 'w'));
	wr(f, FCR, 0x00);
	assert_int_equal(rd(f, IIR), 0x01);
	assert_int_equal(rd(f, LSR), 0x60);
	wr(f, IER, 0x01);
	assert_true(vuart_receive(&f->uart, 'v'));
	assert_int_equal(rd(f, IIR), 0x04);
	wr(f, FCR, 0xc1);
	assert_int_equal(rd(f, IIR), 0xc1);
	assert_false(f->irq_level);
}

static void test_thre_interrupt(void **state)
{
	struct fixture *f = *state;

	wr(f, IER, 0x02);
	assert_true(f->irq_level);
	assert_int_equal(rd(f, IIR), 0x02);
	/* Reading IIR acknowledged it. */
	assert_false(f->irq_level);
	assert_int_equal(rd(f, IIR), 0x01);
	/* Rewriting IER with ETBEI still set is not a 0->1 edge. */
	wr(f, IER, 0x02);
	assert_false(f->irq_level);
	/* Each transmitted byte empties THR again. */
	wr(f, THR, 'q');
	assert_true(f->irq_level);
	/* Disabling ETBEI drops the line; re-enabling raises it again. */
	wr(f, IER, 0x00);
	assert_false(f->irq_level);
	assert_int_equal(rd(f, IIR), 0x01);
	wr(f, IER, 0x02);
	assert_true(f->irq_level);
	/* Writing THR while THRE is up keeps the line up, glitch-free. */
	wr(f, THR, 'r');
	wr(f, THR, 's');
	assert_true(f->irq_level);
	assert_int_equal(f->irq_calls, 5);
	assert_int_equal(f->tx_count, 3);
	/* Without ETBEI, THR writes raise nothing. */
	wr(f, IER, 0x00);
	wr(f, THR, 't');
	assert_false(f->irq_level);
	assert_int_equal(rd(f, IIR), 0x01);
}

static void test_interrupt_priorities(void **state)
{
	struct fixture *f = *state;
	unsigned i;

	wr(f, FCR, 0x01);
	for (i = 0; i <= VUART_RX_FIFO_SIZE; i++)
		vuart_receive(&f->uart, 'd');
	wr(f, IER, 0x0f); /* also raises THRE */
	wr(f, MCR, 0x10); /* loopback: modem inputs change */
	assert_true(f->irq_level);
	assert_int_equal(rd(f, IIR), 0xc6);
	assert_int_equal(rd(f, LSR), 0x63);
	assert_int_equal(rd(f, IIR), 0xc4);
	wr(f, FCR, 0x03);
	assert_int_equal(rd(f, IIR), 0xc2);
	/* That read acknowledged THRE; modem status is next. */
	assert_int_equal(rd(f, IIR), 0xc0);
	assert_true(f->irq_level);
	assert_int_equal(rd(f, MSR), 0x0b);
	assert_int_equal(rd(f, IIR), 0xc1);
	assert_false(f->irq_level);
	assert_int_equal(f->irq_calls, 2);
}

static void test_loopback(void **state)
{
	struct fixture *f = *state;

	wr(f, MCR, 0x1f);
	assert_int_equal(rd(f, MCR), 0x1f);
	/* CTS=RTS, DSR=DTR, RI=OUT1, DCD=OUT2; CTS/DSR/DCD were already
	 * set, RI rose (a leading edge, not reported). */
	assert_int_equal(rd(f, MSR), 0xf0);
	wr(f, MCR, 0x1a); /* OUT2 | RTS | LOOP */
	assert_int_equal(rd(f, MSR) & 0xf0, 0x90);
	wr(f, MCR, 0x15);			   /* OUT1 | DTR | LOOP */
	assert_int_equal(rd(f, MSR), 0x60 | 0x0b); /* all three moved */
	wr(f, MCR, 0x10);
	assert_int_equal(rd(f, MSR), 0x00 | 0x06); /* RI trailing edge */
	assert_int_equal(rd(f, MSR), 0x00);
	/* Transmitted bytes come back instead of leaving. */
	wr(f, THR, 'L');
	wr(f, THR, 'B');
	assert_int_equal(f->tx_count, 0);
	assert_int_equal(rd(f, LSR), 0x61);
	assert_int_equal(rd(f, RBR), 'L');
	assert_int_equal(rd(f, RBR), 'B');
	/* Console input waits while the serial input is disconnected. */
	assert_int_equal(vuart_rx_space(&f->uart), 0);
	assert_false(vuart_receive(&f->uart, 'c'));
	assert_int_equal(rd(f, LSR), 0x60);
	wr(f, MCR, 0x0b);
	assert_int_equal(rd(f, MSR), 0xb0 | 0x0b);
	assert_int_equal(vuart_rx_space(&f->uart), VUART_RX_FIFO_SIZE);
	wr(f, THR, 'o');
	assert_int_equal(f->tx_count, 1);
}

static void test_loopback_overrun_and_modem_interrupt(void **state)
{
	struct fixture *f = *state;
	unsigned i;

	wr(f, MCR, 0x10);
	for (i = 0; i < VUART_RX_FIFO_SIZE + 1; i++)
		wr(f, THR, (uint8_t)i);
	assert_int_equal(rd(f, LSR), 0x63);
	assert_int_equal(rd(f, MSR), 0x0b);
	wr(f, IER, 0x08);
	assert_false(f->irq_level);
	wr(f, MCR, 0x12);
	assert_true(f->irq_level);
	assert_int_equal(rd(f, IIR), 0x00);
	assert_int_equal(rd(f, MSR), 0x11);
	assert_false(f->irq_level);
}

/* While quiet, what vuart_quiet_registers reports is what each read
 * returns, and reading changes nothing: not the values, not the line. */
static void check_quiet_reads(struct fixture *f)
{
	uint8_t regs[VUART_QUIET_REGISTERS], again[VUART_QUIET_REGISTERS];
	unsigned irq_calls = f->irq_calls;

	assert_true(vuart_quiet_registers(&f->uart, regs));
	for (unsigned pass = 0; pass < 2; pass++)
		for (unsigned reg = 0; reg < VUART_QUIET_REGISTERS; reg++)
			assert_int_equal(rd(f, reg), regs[reg]);
	assert_true(vuart_quiet_registers(&f->uart, again));
	assert_memory_equal(regs, again, sizeof(regs));
	assert_int_equal(f->irq_calls, irq_calls);
}

static void test_quiet_registers(void **state)
{
	struct fixture *f = *state;
	uint8_t regs[VUART_QUIET_REGISTERS];

	/* Reset: quiet, THR and the transmitter empty. */
	check_quiet_reads(f);
	assert_true(vuart_quiet_registers(&f->uart, regs));
	assert_int_equal(regs[LSR], 0x60);
	assert_int_equal(regs[IIR], 0x01);
	/* Configuration and transmission keep it quiet, and show. */
	wr(f, LCR, 0x83);
	wr(f, DLL, 0x12);
	wr(f, DLM, 0x34);
	check_quiet_reads(f);
	assert_true(vuart_quiet_registers(&f->uart, regs));
	assert_int_equal(regs[DLL], 0x12);
	assert_int_equal(regs[DLM], 0x34);
	wr(f, LCR, 0x03);
	wr(f, FCR, 0x07);
	wr(f, SCR, 0x5a);
	wr(f, MCR, 0x0b);
	wr(f, THR, 'x');
	check_quiet_reads(f);
	assert_true(vuart_quiet_registers(&f->uart, regs));
	assert_int_equal(regs[RBR], 0);
	assert_int_equal(regs[IIR], 0xc1);
	assert_int_equal(regs[LCR], 0x03);
	assert_int_equal(regs[SCR], 0x5a);
	/* Any enabled interrupt: IIR reads may acknowledge one. */
	for (uint8_t ier = 1; ier <= 0x0f; ier <<= 1) {
		wr(f, IER, ier);
		assert_false(vuart_quiet_registers(&f->uart, regs));
		wr(f, IER, 0);
		check_quiet_reads(f);
	}
	/* A received byte: RBR and LSR reads change it, until read. */
	assert_true(vuart_receive(&f->uart, 'a'));
	assert_false(vuart_quiet_registers(&f->uart, regs));
	assert_int_equal(rd(f, RBR), 'a');
	check_quiet_reads(f);
	/* An overrun, until LSR reports it. */
	for (unsigned i = 0; i <= VUART_RX_FIFO_SIZE; i++)
		vuart_receive(&f->uart, 'b');
	wr(f, FCR, 0x03);
	assert_false(vuart_quiet_registers(&f->uart, regs));
	assert_int_equal(rd(f, LSR), 0x62);
	check_quiet_reads(f);
	/* A modem status change (loopback), until MSR reports it. */
	wr(f, MCR, 0x10);
	assert_false(vuart_quiet_registers(&f->uart, regs));
	rd(f, MSR);
	check_quiet_reads(f);
	/* Loopback: a transmitted byte comes back, so it is not quiet. */
	wr(f, THR, 'c');
	assert_false(vuart_quiet_registers(&f->uart, regs));
	assert_int_equal(rd(f, RBR), 'c');
	check_quiet_reads(f);
}

/* The checks Linux's 8250 driver makes when it probes and starts a port. */
static void test_linux_probe_sequence(void **state)
{
	struct fixture *f = *state;
	uint8_t saved_mcr, iir_first, iir_second;

	wr(f, SCR, 0xa5);
	assert_int_equal(rd(f, SCR), 0xa5);
	saved_mcr = rd(f, MCR);
	wr(f, MCR, 0x10 | 0x0a);
	assert_int_equal(rd(f, MSR) & 0xf0, 0x90);
	wr(f, MCR, saved_mcr);
	/* THRE test: a working UART re-raises THRE on each ETBEI edge. */
	wr(f, IER, 0x02);
	iir_first = rd(f, IIR);
	wr(f, IER, 0x00);
	wr(f, IER, 0x02);
	iir_second = rd(f, IIR);
	wr(f, IER, 0x00);
	assert_int_equal(iir_first & 0x01, 0);
	assert_int_equal(iir_second & 0x01, 0);
	assert_int_equal(rd(f, LSR) & 0x40, 0x40);
	assert_false(f->irq_level);
}

/* An interrupt-driven transmit loop shaped like the 8250 driver's. */
static void test_linux_style_transmit(void **state)
{
	static const char message[] =
		"hartvisor: the quick brown fox jumps over the lazy dog, "
		"then over the hypervisor, then over the guest kernel.\n";
	struct fixture *f = *state;
	size_t sent = 0, len = sizeof(message) - 1;
	unsigned handler_runs = 0, chunk;

	wr(f, FCR, 0x07);
	wr(f, IER, 0x01);
	wr(f, IER, 0x03); /* start_tx */
	while (f->irq_level) {
		uint8_t iir = rd(f, IIR);

		assert_int_equal(iir, 0xc2);
		assert_int_equal(rd(f, LSR) & 0x20, 0x20);
		for (chunk = 0; chunk < 16 && sent < len; chunk++)
			wr(f, THR, (uint8_t)message[sent++]);
		if (sent == len)
			wr(f, IER, 0x01); /* stop_tx */
		assert_true(++handler_runs < 100);
	}
	assert_int_equal(handler_runs, (len + 15) / 16);
	assert_int_equal(f->tx_count, len);
	assert_memory_equal(f->tx_log, message, len);
	/* Console input still interrupts afterwards. */
	assert_true(vuart_receive(&f->uart, '\r'));
	assert_true(f->irq_level);
	assert_int_equal(rd(f, IIR), 0xc4);
}

static void test_works_without_callbacks(void **state)
{
	struct vuart uart;
	uint64_t value = 0;

	(void)state;
	vuart_init(&uart, NULL, NULL, NULL);
	assert_int_equal(vuart_mmio_write(&uart, IER, 1, 0x03), HV_OK);
	assert_int_equal(vuart_mmio_write(&uart, THR, 1, 'x'), HV_OK);
	assert_true(vuart_receive(&uart, 'y'));
	assert_true(uart.irq_level);
	assert_int_equal(vuart_mmio_read(&uart, RBR, 1, &value), HV_OK);
	assert_int_equal(value, 'y');
}

#define UART_TEST(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		UART_TEST(test_reset_values),
		UART_TEST(test_access_rules),
		UART_TEST(test_scratch_and_lcr),
		UART_TEST(test_divisor_latch),
		UART_TEST(test_ier_keeps_defined_bits),
		UART_TEST(test_megabyte_reaches_tx_in_order),
		UART_TEST(test_receive_fifo),
		UART_TEST(test_receive_interrupt),
		UART_TEST(test_overrun),
		UART_TEST(test_fifo_control),
		UART_TEST(test_thre_interrupt),
		UART_TEST(test_interrupt_priorities),
		UART_TEST(test_loopback),
		UART_TEST(test_loopback_overrun_and_modem_interrupt),
		UART_TEST(test_linux_probe_sequence),
		UART_TEST(test_linux_style_transmit),
		UART_TEST(test_quiet_registers),
		cmocka_unit_test(test_works_without_callbacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
