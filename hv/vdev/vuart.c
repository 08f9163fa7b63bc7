// SPDX-License-Identifier: MIT
/*
 * Emulated ns16550a UART.
 *
 * Transmission is instantaneous: a THR write hands the byte to tx() at
 * once, so THR and the transmitter are always empty (LSR.THRE|TEMT) and
 * the guest never waits. The THR-empty interrupt is still modelled as an
 * edge the guest must consume (by reading IIR or writing THR), because
 * Linux's 8250 driver relies on it to pace its transmit loop.
 *
 * The interrupt output is a level recomputed after every access; irq() is
 * only called when that level changes.
 *
 * Transmit pacing. With THRE back at once, Linux's 8250 interrupt handler
 * keeps transmitting for as long as its buffer has data: it loops while
 * IIR reports THRE (up to 512 passes of 16 bytes), and the PLIC driver
 * loops while a claim returns the UART. Natively each register access
 * costs nanoseconds and a writer on another CPU cannot keep up; here each
 * one is a trap to the hypervisor (about 100 us under TCG), so the writer
 * does keep up, and the CPU that takes the UART interrupt stayed in
 * hardirq context, interrupts off, for as long as the stream lasted:
 * tens of seconds (hard LOCKUP and RCU stall reports). Real hardware
 * breaks that loop with the time a FIFO takes on the wire. So with
 * pacing on, after every VUART_TX_BURST bytes the THR-empty interrupt
 * pauses until tx_pause_ticks after the last THR write: the handler's
 * next IIR read and claim find nothing, it returns, and the guest takes
 * its other interrupts. Only the interrupt pauses: LSR still says empty,
 * so polled writers (printk, earlycon) never wait. The caller ends the
 * pause when its time comes (vuart_tx_pause_end, vuart_end_tx_pause);
 * accesses also end it once the clock passed it.
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/vuart.h>
#include <string.h>

enum vuart_register {
	REG_RBR_THR_DLL = 0,
	REG_IER_DLM = 1,
	REG_IIR_FCR = 2,
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
	NUM_REGISTERS = 8,
};

#define IER_ERBFI 0x01 /* received data available */
#define IER_ETBEI 0x02 /* transmitter holding register empty */
#define IER_ELSI 0x04  /* receiver line status */
#define IER_EDSSI 0x08 /* modem status */
#define IER_MASK 0x0f

#define IIR_NO_INTERRUPT 0x01
#define IIR_MODEM_STATUS 0x00
#define IIR_THR_EMPTY 0x02
#define IIR_RX_DATA 0x04
#define IIR_RX_LINE_STATUS 0x06
#define IIR_FIFOS_ENABLED 0xc0

#define FCR_FIFO_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_CLEAR_TX 0x04

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOPBACK 0x10
#define MCR_MASK 0x1f

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_DELTAS 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80

static bool in_loopback(const struct vuart *uart)
{
	return uart->mcr & MCR_LOOPBACK;
}

static bool tx_paused(const struct vuart *uart)
{
	return uart->tx_paused_until != 0;
}

static uint8_t interrupt_identification(const struct vuart *uart)
{
	uint8_t fifo_bits = uart->fcr & FCR_FIFO_ENABLE ? IIR_FIFOS_ENABLED : 0;

	if ((uart->ier & IER_ELSI) && uart->overrun)
		return fifo_bits | IIR_RX_LINE_STATUS;
	if ((uart->ier & IER_ERBFI) && uart->rx_count)
		return fifo_bits | IIR_RX_DATA;
	if ((uart->ier & IER_ETBEI) && uart->thre_pending && !tx_paused(uart))
		return fifo_bits | IIR_THR_EMPTY;
	if ((uart->ier & IER_EDSSI) && (uart->msr & MSR_DELTAS))
		return fifo_bits | IIR_MODEM_STATUS;
	return fifo_bits | IIR_NO_INTERRUPT;
}

static void update_irq(struct vuart *uart)
{
	bool level = !(interrupt_identification(uart) & IIR_NO_INTERRUPT);

	if (level == uart->irq_level)
		return;
	uart->irq_level = level;
	if (uart->irq)
		uart->irq(uart->opaque, level);
}

/* Modem inputs: wired to our own outputs in loopback, otherwise a peer
 * that is always present and ready. */
static uint8_t modem_inputs(const struct vuart *uart)
{
	uint8_t inputs = 0;

	if (!in_loopback(uart))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	if (uart->mcr & MCR_RTS)
		inputs |= MSR_CTS;
	if (uart->mcr & MCR_DTR)
		inputs |= MSR_DSR;
	if (uart->mcr & MCR_OUT1)
		inputs |= MSR_RI;
	if (uart->mcr & MCR_OUT2)
		inputs |= MSR_DCD;
	return inputs;
}

static void update_modem_status(struct vuart *uart)
{
	uint8_t old_inputs = uart->msr & ~MSR_DELTAS;
	uint8_t new_inputs = modem_inputs(uart);
	uint8_t changed = old_inputs ^ new_inputs;
	uint8_t deltas = uart->msr & MSR_DELTAS;

	if (changed & MSR_CTS)
		deltas |= MSR_DCTS;
	if (changed & MSR_DSR)
		deltas |= MSR_DDSR;
	if (changed & MSR_DCD)
		deltas |= MSR_DDCD;
	/* Ring indicator only reports its trailing edge. */
	if ((old_inputs & MSR_RI) && !(new_inputs & MSR_RI))
		deltas |= MSR_TERI;
	uart->msr = new_inputs | deltas;
}

static void rx_push(struct vuart *uart, uint8_t byte)
{
	if (uart->rx_count == VUART_RX_FIFO_SIZE) {
		uart->overrun = true;
		return;
	}
	uart->rx_fifo[(uart->rx_head + uart->rx_count) % VUART_RX_FIFO_SIZE] =
		byte;
	uart->rx_count++;
}

static uint8_t rx_pop(struct vuart *uart)
{
	uint8_t byte;

	if (uart->rx_count == 0)
		return 0;
	byte = uart->rx_fifo[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % VUART_RX_FIFO_SIZE;
	uart->rx_count--;
	return byte;
}

static void rx_clear(struct vuart *uart)
{
	uart->rx_head = 0;
	uart->rx_count = 0;
}

void vuart_init(struct vuart *uart, vuart_tx_fn tx, vuart_irq_fn irq,
		void *opaque)
{
	memset(uart, 0, sizeof(*uart));
	uart->msr = modem_inputs(uart);
	uart->tx = tx;
	uart->irq = irq;
	uart->opaque = opaque;
}

static void set_tx_pause(struct vuart *uart, uint64_t until)
{
	__atomic_store_n(&uart->tx_paused_until, until, __ATOMIC_RELAXED);
}

/* A byte went out: count it towards the burst, or push the pause back
 * (the FIFO has more to send). A pause never ends at 0, which means none. */
static void pace_transmit(struct vuart *uart)
{
	if (!uart->clock)
		return;
	if (!tx_paused(uart) && ++uart->tx_burst < VUART_TX_BURST)
		return;
	set_tx_pause(uart, (uart->clock() + uart->tx_pause_ticks) | 1);
}

static void settle_tx_pause(struct vuart *uart)
{
	if (tx_paused(uart) && uart->clock() >= uart->tx_paused_until) {
		set_tx_pause(uart, 0);
		uart->tx_burst = 0;
	}
}

static void transmit(struct vuart *uart, uint8_t byte)
{
	if (in_loopback(uart))
		rx_push(uart, byte);
	else if (uart->tx)
		uart->tx(uart->opaque, byte);
	pace_transmit(uart);
	/* The byte left THR at once, so THR is empty again. Writing THR
	 * consumed the previous THRE condition and this raises a new one;
	 * the level is only recomputed afterwards, so the line stays high
	 * instead of glitching. */
	uart->thre_pending = true;
}

static uint8_t read_register(struct vuart *uart, unsigned reg)
{
	bool dlab = uart->lcr & LCR_DLAB;
	uint8_t value;

	switch (reg) {
	case REG_RBR_THR_DLL:
		return dlab ? uart->dll : rx_pop(uart);
	case REG_IER_DLM:
		return dlab ? uart->dlm : uart->ier;
	case REG_IIR_FCR:
		value = interrupt_identification(uart);
		/* Reading IIR is how a THRE interrupt is acknowledged. */
		if ((value & 0x0f) == IIR_THR_EMPTY)
			uart->thre_pending = false;
		return value;
	case REG_LCR:
		return uart->lcr;
	case REG_MCR:
		return uart->mcr;
	case REG_LSR:
		value = LSR_THRE | LSR_TEMT;
		if (uart->rx_count)
			value |= LSR_DR;
		if (uart->overrun)
			value |= LSR_OE;
		uart->overrun = false;
		return value;
	case REG_MSR:
		value = uart->msr;
		uart->msr &= ~MSR_DELTAS;
		return value;
	default: /* REG_SCR, the last register */
		return uart->scr;
	}
}

static void write_register(struct vuart *uart, unsigned reg, uint8_t value)
{
	bool dlab = uart->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR_DLL:
		if (dlab)
			uart->dll = value;
		else
			transmit(uart, value);
		break;
	case REG_IER_DLM:
		if (dlab) {
			uart->dlm = value;
			break;
		}
		/* THR is always empty, so enabling ETBEI raises THRE. */
		if ((value & IER_ETBEI) && !(uart->ier & IER_ETBEI))
			uart->thre_pending = true;
		uart->ier = value & IER_MASK;
		break;
	case REG_IIR_FCR:
		/* Toggling FIFO mode resets the FIFOs, as on the 16550. */
		if ((value & FCR_CLEAR_RX) ||
		    ((value ^ uart->fcr) & FCR_FIFO_ENABLE))
			rx_clear(uart);
		uart->fcr = value & ~(FCR_CLEAR_RX | FCR_CLEAR_TX);
		break;
	case REG_LCR:
		uart->lcr = value;
		break;
	case REG_MCR:
		uart->mcr = value & MCR_MASK;
		update_modem_status(uart);
		break;
	case REG_SCR:
		uart->scr = value;
		break;
	default:
		break; /* LSR and MSR are read-only */
	}
}

int vuart_mmio_read(struct vuart *uart, uint64_t offset, unsigned width,
		    uint64_t *value)
{
	if (width != 1 || offset >= VUART_MMIO_SIZE)
		return HV_EINVAL;
	settle_tx_pause(uart);
	*value = offset < NUM_REGISTERS ? read_register(uart, offset) : 0;
	update_irq(uart);
	return HV_OK;
}

int vuart_mmio_write(struct vuart *uart, uint64_t offset, unsigned width,
		     uint64_t value)
{
	if (width != 1 || offset >= VUART_MMIO_SIZE)
		return HV_EINVAL;
	settle_tx_pause(uart);
	if (offset < NUM_REGISTERS)
		write_register(uart, offset, (uint8_t)value);
	update_irq(uart);
	return HV_OK;
}

void vuart_set_tx_pacing(struct vuart *uart, vuart_clock_fn clock,
			 uint64_t pause_ticks)
{
	uart->clock = clock;
	uart->tx_pause_ticks = pause_ticks;
	uart->tx_burst = 0;
	set_tx_pause(uart, 0);
	update_irq(uart);
}

void vuart_end_tx_pause(struct vuart *uart)
{
	if (!tx_paused(uart))
		return;
	set_tx_pause(uart, 0);
	uart->tx_burst = 0;
	update_irq(uart);
}

bool vuart_quiet_registers(const struct vuart *uart,
			   uint8_t regs[VUART_QUIET_REGISTERS])
{
	bool dlab = uart->lcr & LCR_DLAB;

	/* IER 0: IIR reads acknowledge nothing. No byte, overrun or modem
	 * delta waiting: RBR, LSR and MSR reads clear nothing. */
	if (uart->ier || uart->rx_count || uart->overrun ||
	    (uart->msr & MSR_DELTAS))
		return false;
	regs[REG_RBR_THR_DLL] = dlab ? uart->dll : 0;
	regs[REG_IER_DLM] = dlab ? uart->dlm : 0;
	regs[REG_IIR_FCR] = interrupt_identification(uart);
	regs[REG_LCR] = uart->lcr;
	regs[REG_MCR] = uart->mcr;
	regs[REG_LSR] = LSR_THRE | LSR_TEMT;
	regs[REG_MSR] = uart->msr;
	regs[REG_SCR] = uart->scr;
	return true;
}

/* In loopback the serial input is disconnected: console bytes wait. */
size_t vuart_rx_space(const struct vuart *uart)
{
	if (in_loopback(uart))
		return 0;
	return VUART_RX_FIFO_SIZE - uart->rx_count;
}

bool vuart_rx_interrupt_enabled(const struct vuart *uart)
{
	return uart->ier & IER_ERBFI;
}

bool vuart_receive(struct vuart *uart, uint8_t byte)
{
	bool accepted = vuart_rx_space(uart) > 0;

	if (in_loopback(uart))
		return false;
	/* A byte that finds the FIFO full is lost and flagged as an
	 * overrun, as on the real part; callers that must not lose input
	 * check vuart_rx_space() first. */
	rx_push(uart, byte);
	update_irq(uart);
	return accepted;
}
