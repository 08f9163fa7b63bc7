// SPDX-License-Identifier: MIT
/*
 * Threads (the target's, vCPUs for hartvisor): thread ids, the thread
 * list (qfThreadInfo / qsThreadInfo), T (alive), H (select), qC and
 * qThreadExtraInfo.
 *
 * Thread ids are hex. We do not offer multiprocess+, so gdb writes plain
 * ids, but "pPID.TID" is accepted as well (gdb sends "Hgp0.0" to some
 * stubs). -1 means all threads and 0 any thread.
 */
#include <string.h>
#include <hv/errno.h>
#include "gdbstub/packets.h"

#define THREAD_ID_MAX 0x7fffffffUL

/* "-1" or a hex id. */
static bool parse_id(struct rsp_cursor *c, long *id)
{
	uint64_t value;

	if (rsp_accept_str(c, "-1")) {
		*id = GDB_THREAD_ALL;
		return true;
	}
	if (!rsp_parse_hex(c, &value) || value > THREAD_ID_MAX)
		return false;
	*id = (long)value;
	return true;
}

bool packets_parse_thread(struct rsp_cursor *c, long *thread)
{
	long pid;

	if (!rsp_accept(c, 'p'))
		return parse_id(c, thread);
	if (!parse_id(c, &pid))
		return false;
	if (!rsp_accept(c, '.')) {
		*thread = GDB_THREAD_ALL; /* "pPID": all its threads */
		return true;
	}
	return parse_id(c, thread);
}

unsigned packets_num_threads(struct gdb_session *s)
{
	unsigned n = s->ops->num_threads(s->target);

	return n < GDB_MAX_THREADS ? n : GDB_MAX_THREADS;
}

bool packets_thread_valid(struct gdb_session *s, unsigned thread)
{
	return thread >= 1 && thread <= packets_num_threads(s) &&
	       s->ops->thread_alive(s->target, thread);
}

unsigned packets_reg_thread(struct gdb_session *s)
{
	return s->g_thread;
}

static unsigned first_thread(struct gdb_session *s)
{
	unsigned n = packets_num_threads(s);

	for (unsigned t = 1; t <= n; t++)
		if (s->ops->thread_alive(s->target, t))
			return t;
	return 1;
}

/* As many thread ids from thread_iter on as fit: "m1,2,3", or "l". */
static void send_thread_list(struct gdb_session *s)
{
	unsigned n = packets_num_threads(s);
	bool any = false;

	rsp_reply_begin(s);
	rsp_put_char(s, 'm');
	while (s->thread_iter < n && rsp_reply_room(s) > 9) {
		unsigned t = ++s->thread_iter;

		if (!s->ops->thread_alive(s->target, t))
			continue;
		if (any)
			rsp_put_char(s, ',');
		rsp_put_hex_num(s, t);
		any = true;
	}
	if (!any) {
		rsp_reply_begin(s);
		rsp_put_char(s, 'l');
	}
	rsp_reply_send(s);
}

void packet_q_first_thread(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	s->thread_iter = 0;
	send_thread_list(s);
}

void packet_q_next_thread(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	send_thread_list(s);
}

/* T<id>: is the thread alive? */
void packet_thread_alive(struct gdb_session *s, struct rsp_cursor *args)
{
	long t;

	if (!packets_parse_thread(args, &t) || !rsp_at_end(args) || t <= 0 ||
	    !packets_thread_valid(s, (unsigned)t))
		rsp_reply_errno(s, RSP_EINVAL);
	else
		rsp_reply_ok(s);
}

/* Hg<id> (registers, memory) and Hc<id> (legacy c/s). Any or all: the
 * first thread for Hg, every thread for Hc. */
void packet_set_thread(struct gdb_session *s, struct rsp_cursor *args)
{
	char op = rsp_at_end(args) ? '\0' : *args->p++;
	long t;

	if ((op != 'g' && op != 'c') || !packets_parse_thread(args, &t) ||
	    !rsp_at_end(args) ||
	    (t > 0 && !packets_thread_valid(s, (unsigned)t))) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	if (op == 'g')
		s->g_thread = t > 0 ? (unsigned)t : first_thread(s);
	else
		s->c_thread = t > 0 ? (unsigned)t : 0;
	rsp_reply_ok(s);
}

/* qC: the current thread (gdb takes it as the Hg thread). */
void packet_q_current_thread(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	rsp_reply_begin(s);
	rsp_put_str(s, "QC");
	rsp_put_hex_num(s, packets_reg_thread(s));
	rsp_reply_send(s);
}

void packets_thread_info(struct gdb_session *s, unsigned thread,
			 struct packets_thread_text *text)
{
	text->name[0] = '\0';
	text->extra[0] = '\0';
	text->core = GDB_CORE_NONE;
	if (s->ops->thread_info)
		s->ops->thread_info(s->target, thread, text->name,
				    sizeof(text->name), &text->core,
				    text->extra, sizeof(text->extra));
	text->name[sizeof(text->name) - 1] = '\0';
	text->extra[sizeof(text->extra) - 1] = '\0';
}

/* qThreadExtraInfo,<id>: the state text, hex-encoded. */
void packet_q_thread_extra(struct gdb_session *s, struct rsp_cursor *args)
{
	struct packets_thread_text text;
	long t;

	if (!rsp_accept(args, ',') || !packets_parse_thread(args, &t) ||
	    !rsp_at_end(args) || t <= 0 ||
	    !packets_thread_valid(s, (unsigned)t)) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	packets_thread_info(s, (unsigned)t, &text);
	rsp_reply_begin(s);
	rsp_put_hex_bytes(s, text.extra, strlen(text.extra));
	rsp_reply_send(s);
}
