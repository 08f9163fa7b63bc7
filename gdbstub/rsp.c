// SPDX-License-Identifier: MIT
/*
 * The remote serial protocol's encodings (gdbstub/rsp.h): hex, a bounded
 * parser, binary escapes, reply framing and error codes.
 *
 * Every reply escapes '$', '#', '}' and '*'. In binary replies (qXfer)
 * gdb undoes the escape; the other replies are hex or fixed text that
 * never holds these characters, so one rule serves all, and no reply can
 * be misread as a frame end or as gdb's run-length encoding ('*').
 */
#include <string.h>
#include <hv/errno.h>
#include <hv/hex.h>
#include "gdbstub/rsp.h"

/* The data of a reply may use last_reply minus '$' and "#xx". */
#define REPLY_DATA_MAX (sizeof(((struct gdb_session *)0)->last_reply) - 4)

int rsp_hex_value(char c)
{
	return hex_digit_value(c);
}

char rsp_hex_digit(unsigned value)
{
	return "0123456789abcdef"[value & 0xf];
}

uint8_t rsp_checksum(const char *data, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += (uint8_t)data[i];
	return sum;
}

bool rsp_at_end(const struct rsp_cursor *c)
{
	return c->p >= c->end;
}

bool rsp_accept(struct rsp_cursor *c, char ch)
{
	if (rsp_at_end(c) || *c->p != ch)
		return false;
	c->p++;
	return true;
}

bool rsp_accept_str(struct rsp_cursor *c, const char *prefix)
{
	size_t len = strlen(prefix);

	if ((size_t)(c->end - c->p) < len || memcmp(c->p, prefix, len) != 0)
		return false;
	c->p += len;
	return true;
}

bool rsp_parse_hex(struct rsp_cursor *c, uint64_t *value)
{
	uint64_t v = 0;
	unsigned digits = 0;
	int d;

	while (!rsp_at_end(c) && (d = rsp_hex_value(*c->p)) >= 0) {
		if (++digits > 16)
			return false; /* does not fit in 64 bits */
		v = v << 4 | (uint64_t)d;
		c->p++;
	}
	*value = v;
	return digits > 0;
}

size_t rsp_hex_decode(const char *hex, size_t hex_len, uint8_t *out,
		      size_t out_len)
{
	if (hex_len % 2 || hex_len / 2 > out_len)
		return RSP_BAD_SIZE;
	for (size_t i = 0; i < hex_len / 2; i++) {
		int hi = rsp_hex_value(hex[2 * i]);
		int lo = rsp_hex_value(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return RSP_BAD_SIZE;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex_len / 2;
}

size_t rsp_unescape(char *data, size_t len)
{
	size_t out = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t byte = (uint8_t)data[i];

		if (byte == RSP_ESCAPE) {
			if (++i == len)
				return RSP_BAD_SIZE;
			byte = (uint8_t)data[i] ^ RSP_ESCAPE_XOR;
		}
		data[out++] = (char)byte;
	}
	return out;
}

bool rsp_needs_escape(uint8_t byte)
{
	return byte == '$' || byte == '#' || byte == RSP_ESCAPE || byte == '*';
}

/* gdb shows the number; these are the errno values its users know. */
static const struct {
	int hv;
	unsigned gdb;
} error_map[] = {
	{HV_EFAULT, RSP_EFAULT},
	{HV_EINVAL, RSP_EINVAL},
	{HV_ESTOPPED, RSP_EINVAL},
	{HV_ERANGE, RSP_EINVAL},
	{HV_ENOENT, 2},
	{HV_EIO, 5},
	{HV_EAGAIN, 11},
	{HV_ENOMEM, 12},
	{HV_EEXIST, 17},
	{HV_ESTATE, 16}, /* EBUSY */
	{HV_EDENIED, RSP_EPERM},
};

unsigned rsp_errno_from_hv(int err)
{
	for (size_t i = 0; i < sizeof(error_map) / sizeof(error_map[0]); i++)
		if (error_map[i].hv == err)
			return error_map[i].gdb;
	return RSP_EPERM;
}

void rsp_reply_begin(struct gdb_session *s)
{
	s->last_reply[0] = '$';
	s->last_reply_len = 1;
	s->reply_overflow = false;
}

size_t rsp_reply_room(const struct gdb_session *s)
{
	size_t used = s->last_reply_len - 1;

	return used < REPLY_DATA_MAX ? REPLY_DATA_MAX - used : 0;
}

void rsp_put_bytes(struct gdb_session *s, const void *data, size_t len)
{
	const uint8_t *bytes = data;

	for (size_t i = 0; i < len && !s->reply_overflow; i++) {
		bool escape = rsp_needs_escape(bytes[i]);

		if (rsp_reply_room(s) < (escape ? 2u : 1u)) {
			s->reply_overflow = true;
			break;
		}
		if (escape) {
			s->last_reply[s->last_reply_len++] = RSP_ESCAPE;
			s->last_reply[s->last_reply_len++] =
				(char)(bytes[i] ^ RSP_ESCAPE_XOR);
		} else {
			s->last_reply[s->last_reply_len++] = (char)bytes[i];
		}
	}
}

void rsp_put_str(struct gdb_session *s, const char *str)
{
	rsp_put_bytes(s, str, strlen(str));
}

void rsp_put_char(struct gdb_session *s, char ch)
{
	rsp_put_bytes(s, &ch, 1);
}

/* Hex digits never need an escape: written straight, all or nothing. */
void rsp_put_hex_bytes(struct gdb_session *s, const void *data, size_t len)
{
	const uint8_t *bytes = data;
	char *out = s->last_reply + s->last_reply_len;

	if (s->reply_overflow || rsp_reply_room(s) / 2 < len) {
		s->reply_overflow = true;
		return;
	}
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = rsp_hex_digit(bytes[i] >> 4);
		out[2 * i + 1] = rsp_hex_digit(bytes[i]);
	}
	s->last_reply_len += 2 * len;
}

void rsp_put_hex_num(struct gdb_session *s, uint64_t value)
{
	char digits[16];
	unsigned n = 0;

	do {
		digits[n++] = rsp_hex_digit((unsigned)(value & 0xf));
		value >>= 4;
	} while (value);
	while (n)
		rsp_put_char(s, digits[--n]);
}

void rsp_put_le64(struct gdb_session *s, uint64_t value)
{
	uint8_t bytes[8];

	for (unsigned i = 0; i < 8; i++)
		bytes[i] = (uint8_t)(value >> (8 * i));
	rsp_put_hex_bytes(s, bytes, sizeof(bytes));
}

void rsp_reply_send(struct gdb_session *s)
{
	uint8_t sum;

	if (s->reply_overflow) {
		/* A handler built more than fits: never send a cut reply. */
		rsp_reply_begin(s);
		rsp_put_str(s, "E07");
	}
	sum = rsp_checksum(s->last_reply + 1, s->last_reply_len - 1);
	s->last_reply[s->last_reply_len++] = '#';
	s->last_reply[s->last_reply_len++] = rsp_hex_digit(sum >> 4);
	s->last_reply[s->last_reply_len++] = rsp_hex_digit(sum);
	s->write(s->write_ctx, s->last_reply, s->last_reply_len);
}

void rsp_reply(struct gdb_session *s, const char *str)
{
	rsp_reply_begin(s);
	rsp_put_str(s, str);
	rsp_reply_send(s);
}

void rsp_reply_ok(struct gdb_session *s)
{
	rsp_reply(s, "OK");
}

void rsp_reply_empty(struct gdb_session *s)
{
	rsp_reply(s, "");
}

void rsp_reply_errno(struct gdb_session *s, unsigned code)
{
	char text[4] = {'E', (char)('0' + code / 10 % 10),
			(char)('0' + code % 10), '\0'};

	rsp_reply(s, text);
}

void rsp_reply_hv_error(struct gdb_session *s, int err)
{
	rsp_reply_errno(s, rsp_errno_from_hv(err));
}

void rsp_retransmit(struct gdb_session *s)
{
	if (s->last_reply_len)
		s->write(s->write_ctx, s->last_reply, s->last_reply_len);
}
