// SPDX-License-Identifier: MIT
/*
 * The gdb stub's UART: QEMU's pci-serial, found on PCI at boot (see
 * gdbstub/transport.h).
 *
 * Lock order: transport_lock, then whatever target operations take (VM,
 * scheduler, per-hart message queue, the stub's stop_lock and bp_lock),
 * then the console lock (printing); stop_lock below is a leaf. Nobody
 * takes transport_lock while holding another lock: a stop reported from
 * inside a pause (any hart, any context) only records itself under
 * stop_lock and leaves its delivery to whoever holds transport_lock (the
 * hart itself, when the stop happened inside a session call). Waiting
 * for transport_lock serves this hart's per-hart messages, so a holder
 * whose target operation waits for another hart cannot deadlock with it.
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/host_irq.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include "drivers/pci.h"
#include "drivers/uart16550.h"
#include "gdbstub/stub.h"
#include "gdbstub/transport.h"

#define PCI_SERIAL_VENDOR 0x1b36 /* Red Hat, Inc. (QEMU's devices) */
#define PCI_SERIAL_DEVICE 0x0002
#define PCI_CLASS_SERIAL_16550 0x0700 /* base class, subclass */
#define GDB_UART_PORT 0x1000	      /* I/O port we give its BAR0 */
#define GDB_UART_REGS 8		      /* a 16550's register block */
#define PCI_IO_PORTS 0x10000	      /* 16-bit PCI I/O space */
#define RX_CHUNK 64		      /* bytes per gdb_stub_receive */
#define RX_MAX_PER_IRQ 512 /* then return; the level irq brings us back */
/* Interrupts in a row with nothing to read before we stop listening: a
 * device whose line stays up would otherwise keep the console hart in
 * its claim loop for ever. One empty claim is normal (a byte that came
 * during a drain raises the line again after it was read). */
#define RX_MAX_EMPTY_IRQS 64

static struct uart16550 uart;
static unsigned uart_irq_source; /* 0: no UART, the stub is off */
static bool present;

/* Lock word: 0 free, else the holder's cpu index + 1 (a nested take is
 * detected rather than spun on forever). Protects everything below. */
static uint32_t transport_lock;
static struct gdb_session session;
static bool attached;
static bool tx_stalled; /* a byte timed out; don't wait until one passes */
static bool reported_discard;
static unsigned empty_irqs; /* in a row */
static uint64_t tx_wait_ticks;
static struct gdb_transport_stats stats;

/* A reported stop not yet given to the session (stop_lock, a leaf). */
static spinlock_t stop_lock = SPINLOCK_INIT;
static bool stop_pending;
static uint64_t stats_stops_dropped; /* one was already pending */
static struct gdb_stop pending_stop;

static uint32_t lock_owner_id(void)
{
	return this_cpu()->index + 1;
}

/* *holder: who has it, when it was not free. */
static bool try_lock(uint32_t me, uint32_t *holder)
{
	*holder = 0;
	return __atomic_compare_exchange_n(&transport_lock, holder, me, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

bool gdb_transport_lock(void)
{
	uint32_t me = lock_owner_id(), holder;

	while (!try_lock(me, &holder)) {
		if (holder == me) {
			hv_info("gdb: transport lock taken twice on cpu %u; "
				"call dropped",
				me - 1);
			return false;
		}
		/* The holder may be waiting for this hart (see the top). */
		cpu_relax_serving();
	}
	return true;
}

/* With the lock held: give the pending stop, if any, to the session. */
static void deliver_pending_stop(void)
{
	struct gdb_stop stop;
	bool have;

	spin_lock(&stop_lock);
	have = stop_pending;
	stop = pending_stop;
	__atomic_store_n(&stop_pending, false, __ATOMIC_RELAXED);
	spin_unlock(&stop_lock);
	if (have && attached)
		gdb_session_stopped(&session, &stop);
}

/*
 * Whoever holds the lock delivers the stops reported meanwhile, then
 * releases it. A stop reported after that delivery found the lock still
 * taken and left the stop to us, so look again after the release and, if
 * one is there and the lock is free, take it back. Both sides store, then
 * load the other's flag: the full fences keep either from missing the
 * other's store (otherwise a stop could wait for the next lock holder).
 */
void gdb_transport_unlock(void)
{
	uint32_t me = lock_owner_id(), holder;

	do {
		deliver_pending_stop();
		__atomic_store_n(&transport_lock, 0, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	} while (__atomic_load_n(&stop_pending, __ATOMIC_RELAXED) &&
		 try_lock(me, &holder));
}

void gdb_transport_report_stop(const struct gdb_stop *stop)
{
	uint32_t holder;

	if (!present)
		return;
	spin_lock(&stop_lock);
	if (stop_pending) {
		stats_stops_dropped++;
	} else {
		pending_stop = *stop;
		__atomic_store_n(&stop_pending, true, __ATOMIC_RELAXED);
	}
	spin_unlock(&stop_lock);
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* see gdb_transport_unlock */
	if (try_lock(lock_owner_id(), &holder))
		gdb_transport_unlock(); /* delivers it */
}

bool gdb_transport_present(void)
{
	return present;
}

unsigned gdb_transport_irq_source(void)
{
	return uart_irq_source;
}

struct gdb_session *gdb_transport_session(void)
{
	return &session;
}

/* Called with the lock held. */
static bool wait_and_put(uint8_t byte)
{
	uint64_t deadline = arch_time_now() + tx_wait_ticks;

	do {
		if (uart16550_try_putc(&uart, byte))
			return true;
		arch_relax();
	} while (arch_time_now() < deadline);
	return false;
}

void gdb_transport_write(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	if (!present)
		return;
	for (size_t i = 0; i < len; i++) {
		uint8_t byte = (uint8_t)data[i];

		if (uart16550_try_putc(&uart, byte) ||
		    (!tx_stalled && wait_and_put(byte))) {
			tx_stalled = false;
			stats.tx_bytes++;
		} else {
			/* A busy or broken UART costs each later byte one
			 * status read, never a wait, until it recovers. */
			tx_stalled = true;
			stats.tx_dropped++;
		}
	}
}

void gdb_transport_handle_irq(void)
{
	char buf[RX_CHUNK];
	unsigned total = 0;

	if (!present || !gdb_transport_lock())
		return;
	while (total < RX_MAX_PER_IRQ) {
		size_t len = 0;
		int byte;

		while (len < sizeof(buf) && (byte = uart16550_getc(&uart)) >= 0)
			buf[len++] = (char)byte;
		if (!len)
			break;
		empty_irqs = 0;
		total += len;
		stats.rx_bytes += len;
		if (attached)
			gdb_stub_receive(&session, buf, len);
		else
			stats.rx_discarded += len;
	}
	if (!total && ++empty_irqs == RX_MAX_EMPTY_IRQS) {
		uart16550_disable_irqs(&uart);
		hv_info("gdb: UART interrupt %u times with nothing to read; "
			"receive interrupt off",
			empty_irqs);
	}
	/* Once: a debugger talks to a hypervisor whose stub never attached.
	 * (The console lock nests inside the transport lock; it is a leaf.) */
	if (stats.rx_discarded && !reported_discard) {
		reported_discard = true;
		hv_info("gdb: received %llu byte(s) but no stub is attached; "
			"discarded",
			(unsigned long long)stats.rx_discarded);
	}
	gdb_transport_unlock();
}

bool gdb_transport_attach(const struct gdb_target_ops *ops, void *target)
{
	if (!present || !gdb_transport_lock())
		return false;
	gdb_session_init(&session, ops, target, gdb_transport_write, NULL);
	attached = true;
	gdb_transport_unlock();
	return true;
}

void gdb_transport_get_stats(struct gdb_transport_stats *out)
{
	if (!present || !gdb_transport_lock()) {
		*out = (struct gdb_transport_stats){0};
		return;
	}
	*out = stats;
	out->stops_dropped =
		__atomic_load_n(&stats_stops_dropped, __ATOMIC_RELAXED);
	gdb_transport_unlock();
}

/* Find the device and give it a port; its PLIC source, or 0 (and one
 * line saying why the stub is off). */
static unsigned bring_up_device(const struct pci_host *host, uint32_t *port,
				struct pci_bdf *bdf)
{
	struct pci_device_info info;
	uint32_t size;
	unsigned source;
	int ret;

	if (pci_find_device(host, PCI_SERIAL_VENDOR, PCI_SERIAL_DEVICE,
			    &info) != HV_OK) {
		hv_info("gdb: no pci-serial device; the gdb stub is off");
		return 0;
	}
	*bdf = info.bdf;
	if (info.class_code >> 8 != PCI_CLASS_SERIAL_16550) {
		hv_info("gdb: %04x:%04x has class %06x, not a 16550; the gdb "
			"stub is off",
			info.vendor, info.device, info.class_code);
		return 0;
	}
	ret = pci_assign_io_bar(host, info.bdf, 0, GDB_UART_PORT, PCI_IO_PORTS,
				port, &size);
	if (ret == HV_OK && size < GDB_UART_REGS)
		ret = HV_ERANGE;
	source = pci_virt_intx_plic_source(info.bdf.dev,
					   pci_interrupt_pin(host, info.bdf));
	if (ret != HV_OK || !source) {
		hv_info("gdb: pci-serial %02x:%02x.%u: %s; the gdb stub is off",
			info.bdf.bus, info.bdf.dev, info.bdf.fn,
			ret != HV_OK ? "no usable I/O BAR0" : "no interrupt");
		return 0;
	}
	return source;
}

void gdb_transport_init_host(const struct pci_host *host, hpa_t io_base)
{
	struct pci_bdf bdf;
	uint32_t port;
	unsigned source = bring_up_device(host, &port, &bdf);

	if (!source)
		return;
	tx_wait_ticks = platform.timebase_frequency * GDB_TX_WAIT_US / 1000000;
	/* Divisor 1 (115200 baud), 8N1, FIFOs, OUT2: what QEMU's 16550
	 * was measured to work with (../shared/notes/platform.md). */
	uart16550_init(&uart, hpa(io_base.val + port), 0, true);
	uart_irq_source = source;
	present = true;
	uart16550_enable_rx_irq(&uart);
	/* To this hart, the console hart (host_irq_external serves it). */
	host_irq_route(source, gdb_transport_handle_irq);
	hv_info("gdb: stub on pci-serial %02x:%02x.%u, I/O port %#x, PLIC "
		"source %u",
		bdf.bus, bdf.dev, bdf.fn, port, source);
}

void gdb_transport_init(void)
{
	struct pci_host host;

	if (!platform.pci_ecam_size || !platform.pci_io_base) {
		hv_info("gdb: no PCI host with an I/O window; the gdb stub is "
			"off");
		return;
	}
	pci_host_init_ecam(&host, hpa(platform.pci_ecam_base),
			   platform.pci_ecam_size);
	gdb_transport_init_host(&host, hpa(platform.pci_io_base));
}
