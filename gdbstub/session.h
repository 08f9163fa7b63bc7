/* SPDX-License-Identifier: MIT */
/*
 * One GDB remote-protocol session: bytes in from the debugger, replies
 * out through a write callback, target operations through
 * struct gdb_target_ops (gdbstub/target.h). Pure logic: no locks, no
 * hardware; the caller serializes calls (gdbstub/stub.c holds a lock).
 * It compiles for the hypervisor and on the host (unit tests, fuzzing).
 *
 * It implements what gdb 13 sends (../shared/notes/gdb-rsp.md): acks and
 * QStartNoAckMode, bad checksums answered with '-', Ctrl-C (0x03), and
 * every packet it does not know answered with an empty reply.
 *
 * Files: session.c (receive state machine, dispatch, stop replies),
 * rsp.c (hex, parsing, escapes, reply framing, error codes) and the
 * packet handlers in packets_query.c (connection, monitor),
 * packets_threads.c (thread ids, lists, H, T, qC), packets_xfer.c (qXfer:
 * target description and thread list), packets_data.c (registers,
 * memory) and packets_run.c (run control, breakpoints, detach).
 *
 * Robustness: a packet longer than GDB_PACKET_MAX is acknowledged (if its
 * checksum is good) and answered E07, never stored past the buffer; a '$'
 * inside a packet drops the truncated packet and starts a new one; bytes
 * between packets other than '$', '+', '-' and 0x03 are ignored. A
 * qSupported starts a new connection (the transport may have no
 * connection events): it resets the session, detaching first if a
 * previous debugger never did.
 *
 * Every reply is at most GDB_PACKET_MAX bytes of (escaped) data. Each is
 * written with one call of the write callback, and kept for
 * retransmission on '-'; after a monitor command's O packets only the
 * final reply is kept.
 */
#ifndef GDBSTUB_SESSION_H
#define GDBSTUB_SESSION_H

#include "gdbstub/target.h"

#define GDB_PACKET_MAX 4096 /* PacketSize we advertise (bytes of data) */

typedef void (*gdb_write_fn)(void *ctx, const char *data, size_t len);

enum gdb_rx_state {
	GDB_RX_IDLE,	  /* between packets */
	GDB_RX_DATA,	  /* after '$' */
	GDB_RX_CHECKSUM1, /* after '#' */
	GDB_RX_CHECKSUM2,
};

struct gdb_session {
	const struct gdb_target_ops *ops;
	void *target;
	gdb_write_fn write;
	void *write_ctx;

	/* Receive state machine. */
	enum gdb_rx_state rx_state;
	char rx_buf[GDB_PACKET_MAX + 1]; /* NUL-terminated packet data */
	size_t rx_len;
	bool rx_overflow;
	uint8_t rx_sum, rx_checksum;

	bool no_ack;	      /* QStartNoAckMode in force */
	bool running;	      /* resumed; a stop reply is owed */
	bool attached;	      /* a debugger said qSupported since reset */
	bool gdb_swbreak;     /* gdb takes the swbreak: stop reason */
	bool gdb_hwbreak;     /* ... and hwbreak: */
	unsigned g_thread;    /* Hg: thread for registers/memory (1-based) */
	unsigned c_thread;    /* Hc: thread for c/s; 0 = all */
	unsigned thread_iter; /* qsThreadInfo position */
	/* The reply being built, then the last one sent (for retransmission
	 * on '-'): "$data#xx", data at most GDB_PACKET_MAX bytes. */
	char last_reply[GDB_PACKET_MAX + 4];
	size_t last_reply_len;
	bool reply_overflow; /* the reply being built did not fit */
	/* Scratch: memory read staging (m), monitor output (qRcmd). */
	char out[GDB_PACKET_MAX * 2 + 64];
};

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops,
		      void *target, gdb_write_fn write, void *write_ctx);
/* A new connection: forget everything of the previous one. */
void gdb_session_reset(struct gdb_session *s);
/* Bytes from the debugger (any split across calls). */
void gdb_session_receive(struct gdb_session *s, const char *data, size_t len);
/* The target stopped (after a resume, or Ctrl-C): send the stop reply if
 * one is owed (ignored otherwise). The stopped thread becomes the Hg
 * thread, as gdb assumes. */
void gdb_session_stopped(struct gdb_session *s, const struct gdb_stop *stop);

#endif
