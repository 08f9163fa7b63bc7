// SPDX-License-Identifier: MIT
/*
 * Registers (g, G, p, P) and memory (m, M, X) of the Hg thread.
 *
 * g and G carry x0-x31 and pc (33 registers of 8 bytes, little-endian
 * hex), as gdb expects with our target description; the others go
 * through p and P. A thread without registers (an offline vCPU) gets
 * E22, never made-up values. An unknown register number gets E45.
 * Memory errors: E14 for an unmapped address.
 */
#include <string.h>
#include <hv/errno.h>
#include "gdbstub/packets.h"

#define G_REGS (GDB_REG_PC + 1)
#define REG_HEX 16 /* hex digits of one register */
/* An m reply is two hex digits a byte; keep it well within a packet. */
#define READ_MAX ((GDB_PACKET_MAX - 4) / 2)

_Static_assert(READ_MAX <= sizeof(((struct gdb_session *)0)->out),
	       "memory reads are staged in the session's scratch buffer");

/* Up to 16 hex digits of little-endian bytes (an even count). */
static bool parse_le(const char *hex, size_t len, uint64_t *value)
{
	uint8_t bytes[8];
	size_t n = rsp_hex_decode(hex, len, bytes, sizeof(bytes));

	if (n == RSP_BAD_SIZE || n == 0)
		return false;
	*value = 0;
	for (size_t i = 0; i < n; i++)
		*value |= (uint64_t)bytes[i] << (8 * i);
	return true;
}

/* gdb's "value unavailable": 'x' for every digit of every register. */
static void put_unavailable(struct gdb_session *s, unsigned regs)
{
	rsp_reply_begin(s);
	for (unsigned i = 0; i < regs * REG_HEX; i++)
		rsp_put_char(s, 'x');
}

/* The Hg thread, if it (still) exists: the VM may have changed. */
static bool reg_thread(struct gdb_session *s, unsigned *thread)
{
	*thread = packets_reg_thread(s);
	if (packets_thread_valid(s, *thread))
		return true;
	rsp_reply_errno(s, RSP_EINVAL);
	return false;
}

void packet_read_regs(struct gdb_session *s, struct rsp_cursor *args)
{
	unsigned thread;
	uint64_t value;
	int err;

	(void)args;
	if (!reg_thread(s, &thread))
		return;
	rsp_reply_begin(s);
	for (unsigned r = 0; r < G_REGS; r++) {
		err = s->ops->read_reg(s->target, thread, r, &value);
		if (err == HV_ESTOPPED) {
			put_unavailable(s, G_REGS);
			break;
		}
		if (err) {
			rsp_reply_hv_error(s, err);
			return;
		}
		rsp_put_le64(s, value);
	}
	rsp_reply_send(s);
}

/* G: all 33 registers, checked before any is written. */
void packet_write_regs(struct gdb_session *s, struct rsp_cursor *args)
{
	uint64_t values[G_REGS];
	unsigned thread;
	int err;

	if ((size_t)(args->end - args->p) != G_REGS * REG_HEX) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	for (unsigned r = 0; r < G_REGS; r++) {
		if (!parse_le(args->p + r * REG_HEX, REG_HEX, &values[r])) {
			rsp_reply_errno(s, RSP_EINVAL);
			return;
		}
	}
	if (!reg_thread(s, &thread))
		return;
	for (unsigned r = 0; r < G_REGS; r++) {
		err = s->ops->write_reg(s->target, thread, r, values[r]);
		if (err) {
			rsp_reply_hv_error(s, err);
			return;
		}
	}
	rsp_reply_ok(s);
}

/* HV_EINVAL from a register access means "no such register" (the thread
 * was checked first). */
static void reply_reg_error(struct gdb_session *s, int err)
{
	if (err == HV_EINVAL)
		rsp_reply_errno(s, RSP_EBADREG);
	else
		rsp_reply_hv_error(s, err);
}

static bool parse_regno(struct rsp_cursor *args, unsigned *regno)
{
	uint64_t value;

	if (!rsp_parse_hex(args, &value) || value > 0xffff)
		return false;
	*regno = (unsigned)value;
	return true;
}

void packet_read_reg(struct gdb_session *s, struct rsp_cursor *args)
{
	unsigned thread, regno;
	uint64_t value;
	int err;

	if (!parse_regno(args, &regno) || !rsp_at_end(args)) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	if (!reg_thread(s, &thread))
		return;
	err = s->ops->read_reg(s->target, thread, regno, &value);
	if (err == HV_ESTOPPED) {
		put_unavailable(s, 1);
		rsp_reply_send(s);
		return;
	}
	if (err) {
		reply_reg_error(s, err);
		return;
	}
	rsp_reply_begin(s);
	rsp_put_le64(s, value);
	rsp_reply_send(s);
}

/* P<n>=<value>: little-endian bytes, zero-extended to 64 bits. */
void packet_write_reg(struct gdb_session *s, struct rsp_cursor *args)
{
	unsigned thread, regno;
	uint64_t value;
	int err;

	if (!parse_regno(args, &regno) || !rsp_accept(args, '=') ||
	    !parse_le(args->p, (size_t)(args->end - args->p), &value)) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	if (!reg_thread(s, &thread))
		return;
	err = s->ops->write_reg(s->target, thread, regno, value);
	if (err)
		reply_reg_error(s, err);
	else
		rsp_reply_ok(s);
}

/* "ADDR,LENGTH" (the address range may not wrap). */
static bool parse_range(struct rsp_cursor *args, uint64_t *addr, uint64_t *len)
{
	return rsp_parse_hex(args, addr) && rsp_accept(args, ',') &&
	       rsp_parse_hex(args, len) && *addr + *len >= *addr;
}

/* m: a short read is fine for gdb; we read at most READ_MAX bytes. */
void packet_read_mem(struct gdb_session *s, struct rsp_cursor *args)
{
	uint64_t addr, len;
	int err;

	if (!parse_range(args, &addr, &len) || !rsp_at_end(args) || !len) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	if (len > READ_MAX)
		len = READ_MAX;
	err = s->ops->read_mem(s->target, packets_reg_thread(s), addr, s->out,
			       (size_t)len);
	if (err) {
		rsp_reply_hv_error(s, err);
		return;
	}
	rsp_reply_begin(s);
	rsp_put_hex_bytes(s, s->out, (size_t)len);
	rsp_reply_send(s);
}

static void write_mem(struct gdb_session *s, uint64_t addr, const void *data,
		      size_t len)
{
	int err = len ? s->ops->write_mem(s->target, packets_reg_thread(s),
					  addr, data, len)
		      : HV_OK;

	if (err)
		rsp_reply_hv_error(s, err);
	else
		rsp_reply_ok(s);
}

/* M addr,len:hex (decoded in place). */
void packet_write_mem_hex(struct gdb_session *s, struct rsp_cursor *args)
{
	uint64_t addr, len;
	size_t n;

	if (!parse_range(args, &addr, &len) || !rsp_accept(args, ':')) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	n = rsp_hex_decode(args->p, (size_t)(args->end - args->p),
			   (uint8_t *)args->p, (size_t)(args->end - args->p));
	if (n == RSP_BAD_SIZE || n != len) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	write_mem(s, addr, args->p, n);
}

/* X addr,len:binary (escapes undone in place). "X addr,0:" is gdb's
 * probe for X support: OK. */
void packet_write_mem_binary(struct gdb_session *s, struct rsp_cursor *args)
{
	uint64_t addr, len;
	size_t n;

	if (!parse_range(args, &addr, &len) || !rsp_accept(args, ':')) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	n = rsp_unescape(args->p, (size_t)(args->end - args->p));
	if (n == RSP_BAD_SIZE || n != len) {
		rsp_reply_errno(s, RSP_EINVAL);
		return;
	}
	write_mem(s, addr, args->p, n);
}
