// SPDX-License-Identifier: MIT
/*
 * Connection and query packets: qSupported, QStartNoAckMode, qAttached,
 * qOffsets, qSymbol, and monitor commands (qRcmd).
 */
#include <string.h>
#include <hv/errno.h>
#include "gdbstub/packets.h"

/* Does gdb's feature list ("swbreak+;hwbreak+;...") hold feature? */
static bool gdb_offers(const struct rsp_cursor *features, const char *feature)
{
	size_t len = strlen(feature);
	const char *p = features->p;

	while (p < features->end) {
		const char *end = memchr(p, ';', (size_t)(features->end - p));

		if (!end)
			end = features->end;
		if ((size_t)(end - p) == len && memcmp(p, feature, len) == 0)
			return true;
		p = end + 1;
	}
	return false;
}

/*
 * qSupported[:features]: always the first packet of a connection, so it
 * starts a new session. If the previous debugger never detached (it
 * vanished), its breakpoints go and the VM runs before attach stops it.
 */
void packet_q_supported(struct gdb_session *s, struct rsp_cursor *args)
{
	bool swbreak, hwbreak;

	rsp_accept(args, ':');
	swbreak = gdb_offers(args, "swbreak+");
	hwbreak = gdb_offers(args, "hwbreak+");
	if (s->attached)
		s->ops->detach(s->target);
	gdb_session_reset(s);
	s->attached = true;
	s->gdb_swbreak = swbreak;
	s->gdb_hwbreak = hwbreak;
	if (s->ops->attach)
		s->ops->attach(s->target);

	rsp_reply_begin(s);
	rsp_put_str(s, "PacketSize=");
	rsp_put_hex_num(s, GDB_PACKET_MAX);
	rsp_put_str(s, ";qXfer:features:read+;qXfer:threads:read+"
		       ";vContSupported+;swbreak+;hwbreak+;QStartNoAckMode+");
	rsp_reply_send(s);
}

/* The OK still goes with acks (gdb acks it too); then none. */
void packet_q_start_no_ack(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	rsp_reply_ok(s);
	s->no_ack = true;
}

void packet_q_attached(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	rsp_reply(s, "1"); /* attached to a running VM: detach, not kill */
}

void packet_q_offsets(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	rsp_reply(s, "Text=0;Data=0;Bss=0");
}

void packet_q_symbol(struct gdb_session *s, struct rsp_cursor *args)
{
	(void)args;
	rsp_reply_ok(s); /* no symbols wanted */
}

/* Text to the debugger's console: O packets of hex, as many as needed. */
static void send_console_text(struct gdb_session *s, const char *text,
			      size_t len)
{
	/* 'O' and two hex digits a byte. */
	const size_t chunk_max = (GDB_PACKET_MAX - 1) / 2;

	while (len) {
		size_t chunk = len < chunk_max ? len : chunk_max;

		rsp_reply_begin(s);
		rsp_put_char(s, 'O');
		rsp_put_hex_bytes(s, text, chunk);
		rsp_reply_send(s);
		text += chunk;
		len -= chunk;
	}
}

/*
 * qRcmd,<hex command>: "monitor CMD". The output goes out in O packets,
 * then OK; a command the target refuses gets its message (or ours) and
 * E01. The command is decoded in place (it is never longer than its hex).
 */
void packet_q_monitor(struct gdb_session *s, struct rsp_cursor *args)
{
	static const char unknown[] =
		"unknown monitor command (try \"monitor help\")\n";
	size_t hex_len, len;
	int ret;

	if (!s->ops->monitor) {
		rsp_reply_empty(s);
		return;
	}
	if (!rsp_accept(args, ',')) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	hex_len = (size_t)(args->end - args->p);
	len = rsp_hex_decode(args->p, hex_len, (uint8_t *)args->p, hex_len);
	if (len == RSP_BAD_SIZE) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	args->p[len] = '\0';
	s->out[0] = '\0';
	ret = s->ops->monitor(s->target, args->p, s->out, sizeof(s->out));
	if (ret < 0) {
		s->out[sizeof(s->out) - 1] = '\0';
		if (s->out[0])
			send_console_text(s, s->out, strlen(s->out));
		else
			send_console_text(s, unknown, sizeof(unknown) - 1);
		rsp_reply_errno(s, RSP_EPERM);
		return;
	}
	send_console_text(s, s->out,
			  (size_t)ret < sizeof(s->out) ? (size_t)ret
						       : sizeof(s->out));
	rsp_reply_ok(s);
}
