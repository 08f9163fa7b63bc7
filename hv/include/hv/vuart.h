/* SPDX-License-Identifier: MIT */
/*
 * Emulated ns16550a UART (byte registers, stride 1). Transmitted bytes go
 * straight to the tx callback, so output never stalls. Pure device logic:
 * the caller serialises calls.
 */
#ifndef HV_VUART_H
#define HV_VUART_H

#include <hv/types.h>

#define VUART_MMIO_SIZE 0x100UL
/* Deeper than a 16550's 16 bytes (which no guest can tell): console
 * input waits here for a guest that reads it late. */
#define VUART_RX_FIFO_SIZE 4096
#define VUART_CLOCK_HZ 3686400U

/* Transmit pacing (vuart_set_tx_pacing): after this many bytes, the
 * THR-empty interrupt pauses (see hv/vdev/vuart.c). */
#define VUART_TX_BURST 64

typedef void (*vuart_tx_fn)(void *opaque, uint8_t byte);
typedef void (*vuart_irq_fn)(void *opaque, bool level);
typedef uint64_t (*vuart_clock_fn)(void);

struct vuart {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t msr;
	bool thre_pending; /* THR-empty interrupt condition */
	bool overrun;
	uint8_t rx_fifo[VUART_RX_FIFO_SIZE];
	unsigned rx_head, rx_count;
	bool irq_level; /* last level sent through irq */
	vuart_tx_fn tx;
	vuart_irq_fn irq;
	void *opaque;
	/* Transmit pacing; no clock: none. */
	vuart_clock_fn clock;
	uint64_t tx_pause_ticks;
	unsigned tx_burst; /* bytes sent since the last pause */
	/* While paused: the clock time the pause ends (atomic: read
	 * without the caller's lock by vuart_tx_pause_end); 0: not paused */
	uint64_t tx_paused_until;
};

void vuart_init(struct vuart *uart, vuart_tx_fn tx, vuart_irq_fn irq,
		void *opaque);

/* Offsets 0..7; width must be 1 (HV_EINVAL otherwise). Offsets 8..0xff
 * read 0 and ignore writes. */
int vuart_mmio_read(struct vuart *uart, uint64_t offset, unsigned width,
		    uint64_t *value);
int vuart_mmio_write(struct vuart *uart, uint64_t offset, unsigned width,
		     uint64_t value);

/* Pace transmission: every VUART_TX_BURST bytes, the THR-empty interrupt
 * stays off until pause_ticks of clock time after the last THR write. */
void vuart_set_tx_pacing(struct vuart *uart, vuart_clock_fn clock,
			 uint64_t pause_ticks);
/* When the current transmit pause ends (clock time), 0 if none: then
 * vuart_end_tx_pause must be called for the interrupt to come back. Safe
 * without the caller's lock (a stale answer is harmless: the caller
 * checks again under it). */
static inline uint64_t vuart_tx_pause_end(const struct vuart *uart)
{
	return __atomic_load_n(&uart->tx_paused_until, __ATOMIC_RELAXED);
}
/* End the transmit pause now (it timed out, or the guest went idle). */
void vuart_end_tx_pause(struct vuart *uart);

/*
 * Quiet: no register read has a side effect (interrupts off, nothing
 * received, no overrun or modem change to report), so every read returns
 * the same value until the next write or received byte. Then true, with
 * what reading each of the 8 registers returns in regs (the read-only
 * shadow page, hv/vdev/uart_shadow.c); else false.
 */
#define VUART_QUIET_REGISTERS 8
bool vuart_quiet_registers(const struct vuart *uart,
			   uint8_t regs[VUART_QUIET_REGISTERS]);

/* Console input for this UART. Returns false if the FIFO is full. */
bool vuart_receive(struct vuart *uart, uint8_t byte);
size_t vuart_rx_space(const struct vuart *uart);
/* The guest enabled the received-data interrupt (it reads the UART). */
bool vuart_rx_interrupt_enabled(const struct vuart *uart);

#endif
