/* SPDX-License-Identifier: MIT */
/*
 * ns16550a driver for the host console and the gdb stub's UART. base is
 * the CPU address of register 0, registers are bytes 1 << reg_shift
 * apart: the console UART is memory-mapped; the gdb UART (pci-serial)
 * sits in PCI I/O space, which RISC-V maps into memory too (CPU address
 * = I/O window base + port), with stride 1.
 */
#ifndef DRIVERS_UART16550_H
#define DRIVERS_UART16550_H

#include <hv/types.h>

struct uart16550 {
	volatile uint8_t *base;
	unsigned reg_shift;
};

void uart16550_init(struct uart16550 *uart, hpa_t base, unsigned reg_shift,
		    bool program_divisor);
/* Waits until the transmitter takes the byte (the console). */
void uart16550_putc(struct uart16550 *uart, uint8_t byte);
/* Never waits: writes the byte and returns true if the transmit holding
 * register is empty, else returns false. */
bool uart16550_try_putc(struct uart16550 *uart, uint8_t byte);
/* Returns the byte, or -1 if none is waiting. */
int uart16550_getc(struct uart16550 *uart);
/* Interrupt on received data (IER bit 0), nothing else. */
void uart16550_enable_rx_irq(struct uart16550 *uart);
/* The transmitter-empty interrupt (IER bit 1) on or off; the other
 * sources stay as they are. Turning it on while THR is empty raises it at
 * once (as on the 16550 and QEMU's model). */
void uart16550_set_tx_irq(struct uart16550 *uart, bool on);
/* No interrupt at all (IER = 0). */
void uart16550_disable_irqs(struct uart16550 *uart);

#endif
