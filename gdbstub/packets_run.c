// SPDX-License-Identifier: MIT
/*
 * Run control: '?', resumes (vCont, and the legacy c, s, C, S with Hc),
 * stop replies, breakpoints and watchpoints (Z/z), detach and kill.
 *
 * A resume sends no reply: the stop reply comes when the target calls
 * gdb_session_stopped(). Signals in C, S and vCont's C/S are ignored
 * (a VM has none to deliver).
 */
#include <string.h>
#include <hv/errno.h>
#include "gdbstub/packets.h"

/* T05thread:1;swbreak:; and the like. The stopped thread becomes the Hg
 * thread: gdb assumes so after a stop reply naming a thread. */
void packets_send_stop(struct gdb_session *s, const struct gdb_stop *stop)
{
	const char *watch = NULL;

	rsp_reply_begin(s);
	if (stop->reason == GDB_STOP_EXITED) {
		rsp_put_str(s, "W00");
		rsp_reply_send(s);
		return;
	}
	rsp_put_str(s, stop->reason == GDB_STOP_SIGINT ? "T02" : "T05");
	if (stop->thread >= 1) {
		rsp_put_str(s, "thread:");
		rsp_put_hex_num(s, stop->thread);
		rsp_put_char(s, ';');
		if (stop->thread <= packets_num_threads(s))
			s->g_thread = stop->thread;
	}
	switch (stop->reason) {
	case GDB_STOP_BREAKPOINT:
		if (s->gdb_swbreak)
			rsp_put_str(s, "swbreak:;");
		break;
	case GDB_STOP_HW_BREAKPOINT:
		if (s->gdb_hwbreak)
			rsp_put_str(s, "hwbreak:;");
		break;
	case GDB_STOP_WATCH:
		watch = "watch:";
		break;
	case GDB_STOP_RWATCH:
		watch = "rwatch:";
		break;
	case GDB_STOP_AWATCH:
		watch = "awatch:";
		break;
	default:
		break;
	}
	if (watch) {
		rsp_put_str(s, watch);
		rsp_put_hex_num(s, stop->data_addr);
		rsp_put_char(s, ';');
	}
	rsp_reply_send(s);
}

/* '?': the stop in force (gdb asks right after connecting). */
void packet_stop_reason(struct gdb_session *s, struct rsp_cursor *args)
{
	struct gdb_stop stop = {.reason = GDB_STOP_NONE};

	(void)args;
	s->ops->current_stop(s->target, &stop);
	packets_send_stop(s, &stop);
}

/*
 * Hand the actions to the target. The session counts as running first:
 * the target may report the stop from inside resume. A resume that
 * moves no thread is refused (it would never stop).
 */
static void resume(struct gdb_session *s, const enum gdb_resume_action *actions,
		   unsigned count)
{
	bool moves = false;
	int err;

	for (unsigned i = 0; i < count; i++)
		moves |= actions[i] == GDB_RESUME_CONTINUE ||
			 actions[i] == GDB_RESUME_STEP;
	if (!moves) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	s->running = true;
	err = s->ops->resume(s->target, actions, count);
	if (err) {
		s->running = false;
		rsp_reply_hv_error(s, err);
	}
}

/*
 * Legacy c and s act on the Hc thread. With Hc "all" (-1 or 0), c
 * continues every thread, and s steps the Hg thread (gdb's current one)
 * while the others continue, as gdb means by resuming everything with a
 * step. [;]ADDR first moves that thread's pc.
 */
static void resume_legacy(struct gdb_session *s, struct rsp_cursor *args,
			  bool step, bool has_signal)
{
	enum gdb_resume_action actions[GDB_MAX_THREADS];
	unsigned n = packets_num_threads(s);
	unsigned thread = s->c_thread ? s->c_thread : s->g_thread;
	uint64_t value;
	int err;

	if (has_signal && (!rsp_parse_hex(args, &value) || value > 0xff)) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	if (!packets_thread_valid(s, thread)) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	if (!rsp_at_end(args)) {
		if ((has_signal && !rsp_accept(args, ';')) ||
		    !rsp_parse_hex(args, &value) || !rsp_at_end(args)) {
			rsp_reply_errno(s, RSP_EINVAL);
			return;
		}
		err = s->ops->write_reg(s->target, thread, GDB_REG_PC, value);
		if (err) {
			rsp_reply_hv_error(s, err);
			return;
		}
	}
	for (unsigned i = 0; i < n; i++)
		actions[i] =
			s->c_thread ? GDB_RESUME_NONE : GDB_RESUME_CONTINUE;
	actions[thread - 1] = step ? GDB_RESUME_STEP : GDB_RESUME_CONTINUE;
	resume(s, actions, n);
}

void packet_continue(struct gdb_session *s, struct rsp_cursor *args)
{
	resume_legacy(s, args, false, false);
}

void packet_continue_signal(struct gdb_session *s, struct rsp_cursor *args)
{
	resume_legacy(s, args, false, true);
}

void packet_step(struct gdb_session *s, struct rsp_cursor *args)
{
	resume_legacy(s, args, true, false);
}

void packet_step_signal(struct gdb_session *s, struct rsp_cursor *args)
{
	resume_legacy(s, args, true, true);
}

void packet_vcont_query(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	/* gdb uses vCont only if c, C, s and S are all listed. */
	rsp_reply(s, "vCont;c;C;s;S;t");
}

/* One vCont action letter (with its signal, if any). */
static bool parse_action(struct rsp_cursor *args,
			 enum gdb_resume_action *action)
{
	uint64_t signal;
	char letter = rsp_at_end(args) ? '\0' : *args->p++;

	switch (letter) {
	case 'c':
		*action = GDB_RESUME_CONTINUE;
		return true;
	case 's':
		*action = GDB_RESUME_STEP;
		return true;
	case 't':
		*action = GDB_RESUME_STOP;
		return true;
	case 'C':
		*action = GDB_RESUME_CONTINUE;
		return rsp_parse_hex(args, &signal) && signal <= 0xff;
	case 'S':
		*action = GDB_RESUME_STEP;
		return rsp_parse_hex(args, &signal) && signal <= 0xff;
	default:
		return false;
	}
}

/*
 * vCont;ACTION[:THREAD]... Each thread takes the first action that names
 * it or names no thread (the default for the rest); a thread no action
 * covers stays stopped. "vCont;s:2;c" steps thread 2 and continues the
 * others; "vCont;c:1" continues thread 1 alone.
 */
void packet_vcont(struct gdb_session *s, struct rsp_cursor *args)
{
	enum gdb_resume_action actions[GDB_MAX_THREADS];
	bool decided[GDB_MAX_THREADS] = {false};
	unsigned n = packets_num_threads(s);

	for (unsigned i = 0; i < n; i++)
		actions[i] = GDB_RESUME_NONE;
	if (rsp_at_end(args))
		goto bad;
	while (!rsp_at_end(args)) {
		enum gdb_resume_action action;
		long thread = GDB_THREAD_ALL;

		if (!rsp_accept(args, ';') || !parse_action(args, &action))
			goto bad;
		if (rsp_accept(args, ':') &&
		    !packets_parse_thread(args, &thread))
			goto bad;
		if (thread > 0 && !packets_thread_valid(s, (unsigned)thread))
			goto bad;
		for (unsigned i = 0; i < n; i++) {
			bool match = thread == GDB_THREAD_ALL ||
				     (unsigned)thread == i + 1 ||
				     (thread == GDB_THREAD_ANY && i == 0);

			if (match && !decided[i]) {
				actions[i] = action;
				decided[i] = true;
			}
		}
	}
	resume(s, actions, n);
	return;
bad:
	rsp_reply_errno(s, RSP_EINVAL);
}

/* Z/z TYPE,ADDR,KIND[;conditions]: conditions are not offered, and
 * ignored if sent. */
static void change_break(struct gdb_session *s, struct rsp_cursor *args,
			 bool insert)
{
	int (*op)(void *, enum gdb_break_type, uint64_t, unsigned) =
		insert ? s->ops->insert_break : s->ops->remove_break;
	uint64_t type, addr, kind;
	int err;

	if (!rsp_parse_hex(args, &type) || !rsp_accept(args, ',') ||
	    !rsp_parse_hex(args, &addr) || !rsp_accept(args, ',') ||
	    !rsp_parse_hex(args, &kind) || kind > 0xffff ||
	    (!rsp_at_end(args) && *args->p != ';')) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	if (type > GDB_WATCH_ACCESS || !op) {
		rsp_reply_empty(s); /* not supported */
		return;
	}
	err = op(s->target, (enum gdb_break_type)type, addr, (unsigned)kind);
	if (err == HV_ENOTSUP)
		rsp_reply_empty(s);
	else if (err)
		rsp_reply_hv_error(s, err);
	else
		rsp_reply_ok(s);
}

void packet_insert_break(struct gdb_session *s, struct rsp_cursor *args)
{
	change_break(s, args, true);
}

void packet_remove_break(struct gdb_session *s, struct rsp_cursor *args)
{
	change_break(s, args, false);
}

/* The VM goes on without us; gdb closes the connection after these, and
 * the next one starts clean. */
static void end_session(struct gdb_session *s)
{
	s->ops->detach(s->target);
	gdb_session_reset(s);
}

/* D[;pid] */
void packet_detach(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	end_session(s);
	rsp_reply_ok(s);
}

/* k: no reply. */
void packet_kill(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	end_session(s);
}

/* vKill;pid */
void packet_vkill(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	end_session(s);
	rsp_reply_ok(s);
}
