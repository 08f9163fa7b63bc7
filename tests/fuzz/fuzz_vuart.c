// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the vUART (hv/vdev/vuart.c): a sequence of
 * register reads and writes (any offset and width) and console input
 * bytes. Beyond the sanitizers, after every step:
 *  - only 1-byte accesses inside the window are taken, reads give a byte;
 *  - the receive FIFO never holds more than its size, and what the guest
 *    reads from RBR is the console input in order, none lost while the
 *    FIFO had room (input refused when it is full);
 *  - the interrupt callback only reports changes;
 *  - every byte written to THR (DLAB clear) reaches the tx callback.
 */
#include <hv/errno.h>
#include <hv/vuart.h>
#include "fuzz_check.h"

#define UART_LCR_DLAB 0x80
#define UART_LSR_DR 0x01
#define UART_MCR_LOOP 0x10

static struct vuart uart;
static bool irq_level;
static unsigned transmitted;
static uint8_t expected[VUART_RX_FIFO_SIZE];
static unsigned expected_head, expected_count;

static void tx(void *opaque, uint8_t byte)
{
	(void)byte;
	check(opaque == &uart);
	transmitted++;
}

static void irq(void *opaque, bool level)
{
	check(opaque == &uart);
	check(level != irq_level);
	irq_level = level;
}

static void push(uint8_t byte)
{
	if (expected_count < VUART_RX_FIFO_SIZE)
		expected[(expected_head + expected_count++) %
			 VUART_RX_FIFO_SIZE] = byte;
}

static void read_step(uint64_t offset, unsigned width, bool dlab)
{
	uint64_t read = ~0ULL;
	bool valid = width == 1 && offset < VUART_MMIO_SIZE;

	check(vuart_mmio_read(&uart, offset, width, &read) ==
	      (valid ? HV_OK : HV_EINVAL));
	if (!valid)
		return;
	check(read <= 0xff);
	/* LSR.DR says whether input waits; RBR gives the oldest byte. */
	if (offset == 5)
		check(!!(read & UART_LSR_DR) == (expected_count > 0));
	if (offset == 0 && !dlab && expected_count) {
		check(read == expected[expected_head]);
		expected_head = (expected_head + 1) % VUART_RX_FIFO_SIZE;
		expected_count--;
	}
}

static void write_step(uint64_t offset, unsigned width, uint8_t value,
		       bool dlab, bool loop)
{
	bool valid = width == 1 && offset < VUART_MMIO_SIZE;
	uint8_t old_fcr = uart.fcr;
	unsigned sent = transmitted;

	check(vuart_mmio_write(&uart, offset, width, value) ==
	      (valid ? HV_OK : HV_EINVAL));
	if (!valid)
		return;
	if (offset == 0 && !dlab) {
		/* Out on the console, or back in as input in loopback. */
		check(transmitted == sent + !loop);
		if (loop)
			push(value);
	}
	/* FCR: clearing RX, or switching FIFO mode, empties the FIFO. */
	if (offset == 2 && ((value & 2) || ((value ^ old_fcr) & 1)))
		expected_head = expected_count = 0;
	if (offset != 0)
		check(transmitted == sent);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};

	irq_level = false;
	transmitted = expected_head = expected_count = 0;
	vuart_init(&uart, tx, irq, &uart);
	for (unsigned steps = 0; !fuzz_done(&in) && steps < 8000; steps++) {
		uint8_t op = (uint8_t)fuzz_take(&in, 1);
		uint64_t offset = op & 0x40 ? fuzz_take(&in, 2) : (op >> 2) & 7;
		unsigned width = op & 0x20 ? 1U << ((op >> 3) & 3) : 1;
		uint8_t value = (uint8_t)fuzz_take(&in, 1);
		bool dlab = uart.lcr & UART_LCR_DLAB;
		bool loop = uart.mcr & UART_MCR_LOOP;

		if ((op & 3) == 0) {
			/* Console input: taken exactly when there is room
			 * (none in loopback, where the input is cut off). */
			size_t space = vuart_rx_space(&uart);
			bool taken = vuart_receive(&uart, value);

			check(taken == (space > 0));
			check(!loop || !taken);
			if (taken)
				push(value);
		} else if ((op & 3) == 1) {
			read_step(offset, width, dlab);
		} else {
			write_step(offset, width, value, dlab, loop);
		}
		check(expected_count <= VUART_RX_FIFO_SIZE);
		if (!(uart.mcr & UART_MCR_LOOP))
			check(vuart_rx_space(&uart) ==
			      VUART_RX_FIFO_SIZE - (size_t)expected_count);
	}
	return 0;
}
