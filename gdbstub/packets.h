/* SPDX-License-Identifier: MIT */
/*
 * The packet handlers of a gdb session (gdbstub/session.c dispatches to
 * them). Each gets the session and a cursor over the packet's arguments
 * (what follows the packet name; writable, so binary data can be decoded
 * in place) and sends exactly one reply, or none where the protocol says
 * so (k, and resumes: the stop reply comes later).
 */
#ifndef GDBSTUB_PACKETS_H
#define GDBSTUB_PACKETS_H

#include "gdbstub/rsp.h"

typedef void (*packet_handler_fn)(struct gdb_session *s,
				  struct rsp_cursor *args);

/* Thread ids as gdb writes them: hex, "-1" for all, "0" for any, and
 * "pPID.TID" (multiprocess syntax) accepted too. */
#define GDB_THREAD_ALL (-1)
#define GDB_THREAD_ANY 0
bool packets_parse_thread(struct rsp_cursor *c, long *thread);
/* Threads the session uses: the target's, at most GDB_MAX_THREADS. */
unsigned packets_num_threads(struct gdb_session *s);
/* 1..packets_num_threads() */
bool packets_thread_valid(struct gdb_session *s, unsigned thread);
/* The thread for registers and memory: Hg, or the first one. */
unsigned packets_reg_thread(struct gdb_session *s);
/* A stop reply ("T05thread:1;swbreak:;", "W00"). */
void packets_send_stop(struct gdb_session *s, const struct gdb_stop *stop);

/* A thread's name, hart and state text (ops->thread_info, or empty). */
struct packets_thread_text {
	char name[64];
	char extra[128];
	unsigned core; /* GDB_CORE_NONE: on no hart */
};
void packets_thread_info(struct gdb_session *s, unsigned thread,
			 struct packets_thread_text *text);

/* packets_query.c */
void packet_q_supported(struct gdb_session *s, struct rsp_cursor *args);
void packet_q_start_no_ack(struct gdb_session *s, struct rsp_cursor *args);
void packet_q_attached(struct gdb_session *s, struct rsp_cursor *args);
void packet_q_offsets(struct gdb_session *s, struct rsp_cursor *args);
void packet_q_symbol(struct gdb_session *s, struct rsp_cursor *args);
void packet_q_monitor(struct gdb_session *s, struct rsp_cursor *args);

/* packets_threads.c (also the thread helpers above) */
void packet_q_current_thread(struct gdb_session *s, struct rsp_cursor *args);
void packet_q_first_thread(struct gdb_session *s, struct rsp_cursor *args);
void packet_q_next_thread(struct gdb_session *s, struct rsp_cursor *args);
void packet_q_thread_extra(struct gdb_session *s, struct rsp_cursor *args);
void packet_thread_alive(struct gdb_session *s, struct rsp_cursor *args);
void packet_set_thread(struct gdb_session *s, struct rsp_cursor *args);

/* packets_xfer.c */
void packet_xfer_features(struct gdb_session *s, struct rsp_cursor *args);
void packet_xfer_threads(struct gdb_session *s, struct rsp_cursor *args);

/* packets_data.c */
void packet_read_regs(struct gdb_session *s, struct rsp_cursor *args);
void packet_write_regs(struct gdb_session *s, struct rsp_cursor *args);
void packet_read_reg(struct gdb_session *s, struct rsp_cursor *args);
void packet_write_reg(struct gdb_session *s, struct rsp_cursor *args);
void packet_read_mem(struct gdb_session *s, struct rsp_cursor *args);
void packet_write_mem_hex(struct gdb_session *s, struct rsp_cursor *args);
void packet_write_mem_binary(struct gdb_session *s, struct rsp_cursor *args);

/* packets_run.c */
void packet_stop_reason(struct gdb_session *s, struct rsp_cursor *args);
void packet_continue(struct gdb_session *s, struct rsp_cursor *args);
void packet_continue_signal(struct gdb_session *s, struct rsp_cursor *args);
void packet_step(struct gdb_session *s, struct rsp_cursor *args);
void packet_step_signal(struct gdb_session *s, struct rsp_cursor *args);
void packet_vcont_query(struct gdb_session *s, struct rsp_cursor *args);
void packet_vcont(struct gdb_session *s, struct rsp_cursor *args);
void packet_insert_break(struct gdb_session *s, struct rsp_cursor *args);
void packet_remove_break(struct gdb_session *s, struct rsp_cursor *args);
void packet_detach(struct gdb_session *s, struct rsp_cursor *args);
void packet_kill(struct gdb_session *s, struct rsp_cursor *args);
void packet_vkill(struct gdb_session *s, struct rsp_cursor *args);

#endif
