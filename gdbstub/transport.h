/* SPDX-License-Identifier: MIT */
/*
 * The gdb stub's byte transport: QEMU's pci-serial (a 16550 on PCI),
 * found by enumerating PCI at boot. Received bytes come by interrupt on
 * the console hart and go to the one struct gdb_session through the
 * stub's receive path (gdb_stub_receive, which may defer them until the
 * debugged VM can stop); replies leave through a transmit path that
 * never blocks a hart.
 *
 * Locking: one lock, the transport lock, serializes the session and the
 * UART's transmitter. It is the session's lock (gdbstub/session.h: "the
 * caller serializes calls"; gdbstub/stub.h): the receive path holds it
 * around gdb_stub_receive, and any other call into the session is made
 * between gdb_transport_lock() and gdb_transport_unlock(). Take it with
 * no other lock held. Target operations that the session calls under it
 * may take VM and scheduler locks and may wait for other harts, and may
 * report a stop (gdb_transport_report_stop, which never waits); they must
 * not call gdb_transport_lock().
 */
#ifndef GDBSTUB_TRANSPORT_H
#define GDBSTUB_TRANSPORT_H

#include <hv/types.h>
#include "gdbstub/session.h"

struct gdb_transport_stats {
	uint64_t rx_bytes;	/* read from the UART */
	uint64_t rx_discarded;	/* of those, received before attach */
	uint64_t tx_bytes;	/* handed to the UART */
	uint64_t tx_dropped;	/* not sent: the UART was not ready in time */
	uint64_t stops_dropped; /* reported while another was pending */
};

/*
 * Boot, on the console hart, after the host UART and PLIC: find the
 * pci-serial device, give it an I/O port, set the UART up and route its
 * interrupt to this hart. Prints one line either way; without the device
 * the stub is off and the rest of this API does nothing.
 */
void gdb_transport_init(void);
/* The same on a given PCI host whose I/O port 0 is at CPU address io_base
 * (gdb_transport_init passes the host DTB's ECAM window and I/O window;
 * host unit tests pass fake devices). Call it once. */
struct pci_host;
void gdb_transport_init_host(const struct pci_host *host, hpa_t io_base);
/* Did gdb_transport_init find the UART? */
bool gdb_transport_present(void);
/* The UART's host PLIC source, or 0 when there is none. */
unsigned gdb_transport_irq_source(void);
/* The source's handler (host_irq_route): drains the receive FIFO
 * (bounded) into the session. */
void gdb_transport_handle_irq(void);

/*
 * The stub, once at boot: initialize the session with the target and the
 * transport's write function. Received bytes are discarded (and counted)
 * until then. False if there is no UART (nothing to attach to).
 */
bool gdb_transport_attach(const struct gdb_target_ops *ops, void *target);
/* The session, for calls made under gdb_transport_lock(). */
struct gdb_session *gdb_transport_session(void);
/* False if this hart already holds it (a bug; do nothing then). */
bool gdb_transport_lock(void);
/* Also delivers stops reported while the lock was held. */
void gdb_transport_unlock(void);
/*
 * Report a stop through the session (gdb_session_stopped), from any hart
 * and any context: never waits. Delivered at once if the lock is free,
 * else by its holder before it releases it (so a stop reported from
 * inside a session call is delivered right after that call). One stop
 * can be pending: a second before the first was delivered is dropped and
 * counted (all-stop reports one stop per resume). Discarded before
 * attach.
 */
void gdb_transport_report_stop(const struct gdb_stop *stop);

/*
 * The session's write callback (a gdb_write_fn; ctx unused). Called with
 * the transport lock held. Waits at most GDB_TX_WAIT_US per byte for the
 * transmitter; after one such timeout it stops waiting (the rest of the
 * call, and later bytes while the UART stays busy, are dropped and
 * counted) until a byte goes through again.
 */
void gdb_transport_write(void *ctx, const char *data, size_t len);
#define GDB_TX_WAIT_US 1000

void gdb_transport_get_stats(struct gdb_transport_stats *out);

#endif
