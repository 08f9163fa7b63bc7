// SPDX-License-Identifier: MIT
/*
 * A GDB remote-protocol session (gdbstub/session.h): the receive state
 * machine (framing, checksums, acks, Ctrl-C), the dispatch of complete
 * packets to their handlers (gdbstub/packets.h), and stop replies.
 */
#include <string.h>
#include <hv/errno.h>
#include "gdbstub/packets.h"
#include "gdbstub/session.h"

#define CTRL_C 0x03

/*
 * Packets by name. A one-letter name matches any packet starting with
 * that letter (its arguments follow at once: "m1000,4"); a longer name
 * must be followed by the end of the packet or a separator (':', ';',
 * ',' or '?'), so "qC" does not match "qCRC:...". The first match wins:
 * "vCont?" comes before "vCont". Everything else gets an empty reply.
 */
static const struct {
	const char *name;
	packet_handler_fn handler;
} packets[] = {
	{"?", packet_stop_reason},
	{"c", packet_continue},
	{"C", packet_continue_signal},
	{"s", packet_step},
	{"S", packet_step_signal},
	{"D", packet_detach},
	{"g", packet_read_regs},
	{"G", packet_write_regs},
	{"p", packet_read_reg},
	{"P", packet_write_reg},
	{"m", packet_read_mem},
	{"M", packet_write_mem_hex},
	{"X", packet_write_mem_binary},
	{"H", packet_set_thread},
	{"T", packet_thread_alive},
	{"Z", packet_insert_break},
	{"z", packet_remove_break},
	{"k", packet_kill},
	{"qSupported", packet_q_supported},
	{"qXfer:features:read", packet_xfer_features},
	{"qXfer:threads:read", packet_xfer_threads},
	{"qfThreadInfo", packet_q_first_thread},
	{"qsThreadInfo", packet_q_next_thread},
	{"qThreadExtraInfo", packet_q_thread_extra},
	{"qAttached", packet_q_attached},
	{"qOffsets", packet_q_offsets},
	{"qSymbol", packet_q_symbol},
	{"qC", packet_q_current_thread},
	{"qRcmd", packet_q_monitor},
	{"QStartNoAckMode", packet_q_start_no_ack},
	{"vCont?", packet_vcont_query},
	{"vCont", packet_vcont},
	{"vKill", packet_vkill},
};

static bool is_separator(char c)
{
	return c == ':' || c == ';' || c == ',' || c == '?';
}

static void dispatch(struct gdb_session *s)
{
	struct rsp_cursor args = {s->rx_buf, s->rx_buf + s->rx_len};

	for (size_t i = 0; i < sizeof(packets) / sizeof(packets[0]); i++) {
		const char *name = packets[i].name;
		size_t len = strlen(name);

		if (s->rx_len < len || memcmp(s->rx_buf, name, len) != 0)
			continue;
		if (len > 1 && s->rx_len > len && !is_separator(s->rx_buf[len]))
			continue;
		args.p += len;
		packets[i].handler(s, &args);
		return;
	}
	rsp_reply_empty(s);
}

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops,
		      void *target, gdb_write_fn write, void *write_ctx)
{
	s->ops = ops;
	s->target = target;
	s->write = write;
	s->write_ctx = write_ctx;
	gdb_session_reset(s);
}

void gdb_session_reset(struct gdb_session *s)
{
	s->rx_state = GDB_RX_IDLE;
	s->rx_len = 0;
	s->rx_buf[0] = '\0';
	s->rx_overflow = false;
	s->rx_sum = 0;
	s->rx_checksum = 0;
	s->no_ack = false;
	s->running = false;
	s->attached = false;
	s->gdb_swbreak = false;
	s->gdb_hwbreak = false;
	s->g_thread = 1;
	s->c_thread = 0;
	s->thread_iter = 0;
	s->last_reply_len = 0;
	s->reply_overflow = false;
}

static void send_ack(struct gdb_session *s, char ack)
{
	if (!s->no_ack)
		s->write(s->write_ctx, &ack, 1);
}

/* A packet with a good checksum: acknowledge it, then answer it. */
static void packet_complete(struct gdb_session *s)
{
	s->rx_buf[s->rx_len] = '\0';
	/* A new debugger starts in ack mode: qSupported is always its first
	 * packet, and it waits for our '+' even if the session was left in
	 * no-ack mode by a debugger that vanished. */
	if (s->no_ack && strncmp(s->rx_buf, "qSupported", 10) == 0)
		s->no_ack = false;
	send_ack(s, '+');
	if (s->rx_overflow)
		rsp_reply_errno(s, RSP_E2BIG);
	else
		dispatch(s);
}

static void receive_idle(struct gdb_session *s, char c)
{
	switch (c) {
	case '$':
		s->rx_state = GDB_RX_DATA;
		s->rx_len = 0;
		s->rx_sum = 0;
		s->rx_overflow = false;
		break;
	case CTRL_C:
		/* Only a running target can be interrupted; one that is
		 * stopped already owes no stop reply. */
		if (s->running)
			s->ops->interrupt(s->target);
		break;
	case '-':
		if (!s->no_ack)
			rsp_retransmit(s);
		break;
	default:
		break; /* '+' acks, and garbage between packets */
	}
}

static void receive_byte(struct gdb_session *s, char c)
{
	int digit;

	switch (s->rx_state) {
	case GDB_RX_IDLE:
		receive_idle(s, c);
		break;
	case GDB_RX_DATA:
		if (c == '$') {
			/* The previous packet was cut short: '$' never
			 * appears unescaped inside one. Start over. */
			receive_idle(s, c);
		} else if (c == '#') {
			s->rx_state = GDB_RX_CHECKSUM1;
		} else {
			s->rx_sum += (uint8_t)c;
			if (s->rx_len < GDB_PACKET_MAX)
				s->rx_buf[s->rx_len++] = c;
			else
				s->rx_overflow = true;
		}
		break;
	case GDB_RX_CHECKSUM1:
	case GDB_RX_CHECKSUM2:
		if (c == '$') {
			receive_idle(s, c);
			break;
		}
		digit = rsp_hex_value(c);
		if (s->rx_state == GDB_RX_CHECKSUM1) {
			/* A bad digit is remembered as a high nibble that
			 * differs from the sum's, so the packet fails. */
			s->rx_checksum = (uint8_t)(digit < 0 ? ~s->rx_sum & 0xf0
							     : digit << 4);
			s->rx_state = GDB_RX_CHECKSUM2;
			break;
		}
		s->rx_state = GDB_RX_IDLE;
		if (digit < 0 || (uint8_t)(s->rx_checksum | digit) != s->rx_sum)
			send_ack(s, '-');
		else
			packet_complete(s);
		break;
	}
}

void gdb_session_receive(struct gdb_session *s, const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		receive_byte(s, data[i]);
}

void gdb_session_stopped(struct gdb_session *s, const struct gdb_stop *stop)
{
	if (!s->running)
		return; /* nobody asked (a detach raced with the stop) */
	s->running = false;
	packets_send_stop(s, stop);
}
