/* SPDX-License-Identifier: MIT */
/*
 * The GDB remote serial protocol's encodings, for the session and its
 * packet handlers: hex digits, a bounded cursor for parsing packet data,
 * binary escapes ('}' then the byte xor 0x20), the reply framing
 * ("$data#xx") and the HV_E* -> gdb error code mapping.
 */
#ifndef GDBSTUB_RSP_H
#define GDBSTUB_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gdbstub/session.h"

#define RSP_ESCAPE 0x7d /* '}' */
#define RSP_ESCAPE_XOR 0x20
#define RSP_BAD_SIZE SIZE_MAX /* rsp_hex_decode / rsp_unescape failed */

/* gdb error numbers (Enn, written in decimal as gdb's own stubs do). */
#define RSP_EPERM 1
#define RSP_E2BIG 7
#define RSP_EFAULT 14
#define RSP_EINVAL 22
#define RSP_EBADREG 45 /* an unknown register number (p/P) */

/* Packet data being parsed: [p, end). Parsing never reads past end. */
struct rsp_cursor {
	char *p;
	char *end;
};

int rsp_hex_value(char c); /* 0..15, or -1 if c is not a hex digit */
char rsp_hex_digit(unsigned value);
uint8_t rsp_checksum(const char *data, size_t len);

bool rsp_at_end(const struct rsp_cursor *c);
/* Consume ch if it is next. */
bool rsp_accept(struct rsp_cursor *c, char ch);
/* Consume prefix if the data starts with it. */
bool rsp_accept_str(struct rsp_cursor *c, const char *prefix);
/* One or more hex digits (at most 16) into *value. */
bool rsp_parse_hex(struct rsp_cursor *c, uint64_t *value);

/* Hex text to bytes, in place allowed (out <= hex). Returns the number of
 * bytes, or RSP_BAD_SIZE for an odd length, a non-hex digit or more than
 * out_len bytes. */
size_t rsp_hex_decode(const char *hex, size_t hex_len, uint8_t *out,
		      size_t out_len);
/* Undo binary escapes in place; returns the new length, or RSP_BAD_SIZE
 * for a '}' at the very end. */
size_t rsp_unescape(char *data, size_t len);
/* Does the byte need an escape in a reply ('$', '#', '}', '*')? */
bool rsp_needs_escape(uint8_t byte);

/* The HV_E* error as a gdb error number (RSP_E*). */
unsigned rsp_errno_from_hv(int err);

/*
 * Replies. rsp_reply_begin() starts one in s->last_reply, the rsp_put_*
 * functions append (escaping what needs it; what does not fit sets
 * s->reply_overflow and is dropped), rsp_reply_send() frames and writes
 * it (a reply that overflowed is sent as E07 instead).
 */
void rsp_reply_begin(struct gdb_session *s);
/* Escaped bytes of data still free in the reply being built. */
size_t rsp_reply_room(const struct gdb_session *s);
void rsp_put_bytes(struct gdb_session *s, const void *data, size_t len);
void rsp_put_str(struct gdb_session *s, const char *str);
void rsp_put_char(struct gdb_session *s, char ch);
void rsp_put_hex_bytes(struct gdb_session *s, const void *data, size_t len);
void rsp_put_hex_num(struct gdb_session *s, uint64_t value); /* "1f" */
void rsp_put_le64(struct gdb_session *s, uint64_t value);    /* 16 digits */
void rsp_reply_send(struct gdb_session *s);

/* One-shot replies. */
void rsp_reply(struct gdb_session *s, const char *str);
void rsp_reply_ok(struct gdb_session *s);
void rsp_reply_empty(struct gdb_session *s);
void rsp_reply_errno(struct gdb_session *s, unsigned code);
void rsp_reply_hv_error(struct gdb_session *s, int err);
/* Send the kept reply again (after a '-'). */
void rsp_retransmit(struct gdb_session *s);

#endif
