/* SPDX-License-Identifier: MIT */
/* Polled ns16550a driver for the host console (and the gdb UART). */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <hv/types.h>

struct uart16550 {
	volatile uint8_t *base;
	unsigned reg_shift;
};

void uart16550_init(struct uart16550 *uart, hpa_t base, unsigned reg_shift,
		    bool program_divisor);
void uart16550_putc(struct uart16550 *uart, uint8_t byte);
/* Returns the byte, or -1 if none is waiting. */
int uart16550_getc(struct uart16550 *uart);
void uart16550_enable_rx_irq(struct uart16550 *uart);

#endif
