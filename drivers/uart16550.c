// SPDX-License-Identifier: MIT
#include "drivers/uart16550.h"

#define UART_RBR_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_DR 0x01
#define UART_LSR_THRE 0x20

static inline uint8_t uart_read(struct uart16550 *uart, unsigned reg)
{
	return uart->base[reg << uart->reg_shift];
}

static inline void uart_write(struct uart16550 *uart, unsigned reg, uint8_t val)
{
	uart->base[reg << uart->reg_shift] = val;
}

void uart16550_init(struct uart16550 *uart, hpa_t base, unsigned reg_shift,
		    bool program_divisor)
{
	uart->base = hpa_to_ptr(base);
	uart->reg_shift = reg_shift;
	uart_write(uart, UART_IER, 0);
	if (program_divisor) {
		uart_write(uart, UART_LCR, 0x80); /* DLAB */
		uart_write(uart, 0, 1);
		uart_write(uart, 1, 0);
	}
	uart_write(uart, UART_LCR, 0x03); /* 8N1 */
	uart_write(uart, UART_FCR, 0x07); /* FIFOs on and cleared */
	uart_write(uart, UART_MCR, 0x0b); /* DTR, RTS, OUT2 (irq gate) */
}

void uart16550_putc(struct uart16550 *uart, uint8_t byte)
{
	while (!(uart_read(uart, UART_LSR) & UART_LSR_THRE))
		;
	uart_write(uart, UART_RBR_THR, byte);
}

bool uart16550_try_putc(struct uart16550 *uart, uint8_t byte)
{
	if (!(uart_read(uart, UART_LSR) & UART_LSR_THRE))
		return false;
	uart_write(uart, UART_RBR_THR, byte);
	return true;
}

int uart16550_getc(struct uart16550 *uart)
{
	if (!(uart_read(uart, UART_LSR) & UART_LSR_DR))
		return -1;
	return uart_read(uart, UART_RBR_THR);
}

void uart16550_enable_rx_irq(struct uart16550 *uart)
{
	uart_write(uart, UART_IER, 0x01);
}

void uart16550_set_tx_irq(struct uart16550 *uart, bool on)
{
	uint8_t ier = uart_read(uart, UART_IER);

	uart_write(uart, UART_IER, on ? ier | 0x02 : ier & ~0x02);
}

void uart16550_disable_irqs(struct uart16550 *uart)
{
	uart_write(uart, UART_IER, 0);
}
