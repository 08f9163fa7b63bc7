// SPDX-License-Identifier: MIT
/*
 * qXfer reads: the target description (qXfer:features:read:target.xml)
 * and the thread list (qXfer:threads:read). Both documents are generated
 * on every request and streamed through a window: only the bytes in
 * [offset, offset + length) that fit in the reply are kept, so a
 * document of any size needs no buffer. The reply is 'm' and data when
 * more follows, 'l' and data for the last part.
 *
 * The target description is one document with four features, the
 * register numbers explicit (gdbstub/target.h):
 *   org.gnu.gdb.riscv.cpu      x0-x31 by ABI name, pc        0-32
 *   org.gnu.gdb.riscv.fpu      f0-f31, fflags, frm, fcsr     33-67 (has_fpu)
 *   org.gnu.gdb.riscv.virtual  priv                          68
 *   org.gnu.gdb.riscv.csr      the VS-level CSRs by s* name  69 + number
 * Every register is 64 bits, so p/P always carry 8 bytes (gdb sizes a
 * p reply by the description).
 */
#include <string.h>
#include <hv/errno.h>
#include "gdbstub/packets.h"

struct xfer_window {
	struct gdb_session *s;
	uint64_t offset; /* first document byte wanted */
	uint64_t length; /* at most this many */
	uint64_t pos;	 /* document bytes generated so far */
	uint64_t taken;	 /* bytes put in the reply */
	bool full;	 /* no more fit: the rest is only counted */
};

static void put_raw(struct xfer_window *w, const char *data, size_t len)
{
	if (w->full || w->pos + len <= w->offset) {
		w->pos += len; /* outside the window: only counted */
		return;
	}
	for (size_t i = 0; i < len; i++, w->pos++) {
		uint8_t byte = (uint8_t)data[i];

		if (w->pos < w->offset || w->full)
			continue;
		if (w->taken == w->length ||
		    rsp_reply_room(w->s) < (rsp_needs_escape(byte) ? 2u : 1u)) {
			w->full = true;
			continue;
		}
		rsp_put_bytes(w->s, &byte, 1);
		w->taken++;
	}
}

static void put_str(struct xfer_window *w, const char *str)
{
	put_raw(w, str, strlen(str));
}

static void put_dec(struct xfer_window *w, uint64_t value)
{
	char digits[20];
	unsigned n = 0;

	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n)
		put_raw(w, &digits[--n], 1);
}

static void put_hex(struct xfer_window *w, uint64_t value)
{
	char digits[16];
	unsigned n = 0;

	do {
		digits[n++] = rsp_hex_digit((unsigned)(value & 0xf));
		value >>= 4;
	} while (value);
	while (n)
		put_raw(w, &digits[--n], 1);
}

/* Text as XML character data or attribute value. */
static void put_text(struct xfer_window *w, const char *text)
{
	for (; *text; text++) {
		switch (*text) {
		case '&':
			put_str(w, "&amp;");
			break;
		case '<':
			put_str(w, "&lt;");
			break;
		case '>':
			put_str(w, "&gt;");
			break;
		case '"':
			put_str(w, "&quot;");
			break;
		case '\'':
			put_str(w, "&apos;");
			break;
		default:
			/* XML 1.0 allows no control characters but these. */
			if ((uint8_t)*text < 0x20 && *text != '\t' &&
			    *text != '\n')
				put_raw(w, "?", 1);
			else
				put_raw(w, text, 1);
		}
	}
}

static void put_reg(struct xfer_window *w, const char *name, const char *type,
		    unsigned regnum)
{
	put_str(w, "<reg name=\"");
	put_str(w, name);
	put_str(w, "\" bitsize=\"64\" type=\"");
	put_str(w, type);
	put_str(w, "\" regnum=\"");
	put_dec(w, regnum);
	put_str(w, "\"/>");
}

static const char *const x_names[32] = {
	"zero", "ra", "sp", "gp", "tp",	 "t0",	"t1", "t2", "fp", "s1", "a0",
	"a1",	"a2", "a3", "a4", "a5",	 "a6",	"a7", "s2", "s3", "s4", "s5",
	"s6",	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static const char *const f_names[32] = {
	"ft0", "ft1", "ft2",  "ft3",  "ft4", "ft5", "ft6",  "ft7",
	"fs0", "fs1", "fa0",  "fa1",  "fa2", "fa3", "fa4",  "fa5",
	"fa6", "fa7", "fs2",  "fs3",  "fs4", "fs5", "fs6",  "fs7",
	"fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* The guest's VS-level CSRs, under the names a guest kernel uses. */
static const struct {
	const char *name;
	unsigned number;
	bool sstc; /* only with Sstc (has_stimecmp) */
} csrs[] = {
	{"sstatus", 0x100, false}, {"sie", 0x104, false},
	{"stvec", 0x105, false},   {"sscratch", 0x140, false},
	{"sepc", 0x141, false},	   {"scause", 0x142, false},
	{"stval", 0x143, false},   {"sip", 0x144, false},
	{"stimecmp", 0x14d, true}, {"satp", 0x180, false},
};

/* The type of x1-x4 and x8 as gdb's own description has it. */
static const char *x_type(unsigned i)
{
	if (i == 1)
		return "code_ptr";
	if (i == 2 || i == 3 || i == 4 || i == 8)
		return "data_ptr";
	return "int";
}

static void put_target_xml(struct xfer_window *w,
			   const struct gdb_target_ops *ops)
{
	put_str(w, "<?xml version=\"1.0\"?>"
		   "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
		   "<target version=\"1.0\">"
		   "<architecture>riscv:rv64</architecture>"
		   "<feature name=\"org.gnu.gdb.riscv.cpu\">");
	for (unsigned i = 0; i < 32; i++)
		put_reg(w, x_names[i], x_type(i), i);
	put_reg(w, "pc", "code_ptr", GDB_REG_PC);
	put_str(w, "</feature>");
	if (ops->has_fpu) {
		put_str(w, "<feature name=\"org.gnu.gdb.riscv.fpu\">"
			   "<union id=\"riscv_double\">"
			   "<field name=\"float\" type=\"ieee_single\"/>"
			   "<field name=\"double\" type=\"ieee_double\"/>"
			   "</union>");
		for (unsigned i = 0; i < 32; i++)
			put_reg(w, f_names[i], "riscv_double", GDB_REG_F0 + i);
		put_reg(w, "fflags", "int", GDB_REG_FFLAGS);
		put_reg(w, "frm", "int", GDB_REG_FRM);
		put_reg(w, "fcsr", "int", GDB_REG_FCSR);
		put_str(w, "</feature>");
	}
	put_str(w, "<feature name=\"org.gnu.gdb.riscv.virtual\">");
	put_reg(w, "priv", "int", GDB_REG_PRIV);
	put_str(w, "</feature><feature name=\"org.gnu.gdb.riscv.csr\">");
	for (size_t i = 0; i < sizeof(csrs) / sizeof(csrs[0]); i++)
		if (!csrs[i].sstc || ops->has_stimecmp)
			put_reg(w, csrs[i].name, "int",
				GDB_REG_CSR_BASE + csrs[i].number);
	put_str(w, "</feature></target>");
}

/* <thread id="1" core="0" name="vm/vcpu0">extra</thread> a thread. */
static void put_threads_xml(struct xfer_window *w, struct gdb_session *s)
{
	unsigned n = packets_num_threads(s);
	struct packets_thread_text text;

	put_str(w, "<?xml version=\"1.0\"?><threads>");
	for (unsigned t = 1; t <= n; t++) {
		if (!s->ops->thread_alive(s->target, t))
			continue;
		packets_thread_info(s, t, &text);
		put_str(w, "<thread id=\"");
		put_hex(w, t);
		if (text.core != GDB_CORE_NONE) {
			put_str(w, "\" core=\"");
			put_dec(w, text.core);
		}
		if (text.name[0]) {
			put_str(w, "\" name=\"");
			put_text(w, text.name);
		}
		put_str(w, "\">");
		put_text(w, text.extra);
		put_str(w, "</thread>");
	}
	put_str(w, "</threads>");
}

/* ":ANNEX:OFFSET,LENGTH" */
static bool parse_xfer(struct rsp_cursor *args, const char *annex,
		       struct xfer_window *w)
{
	return rsp_accept(args, ':') && rsp_accept_str(args, annex) &&
	       rsp_accept(args, ':') && rsp_parse_hex(args, &w->offset) &&
	       rsp_accept(args, ',') && rsp_parse_hex(args, &w->length) &&
	       rsp_at_end(args) && w->length > 0;
}

static void begin_window(struct gdb_session *s, struct xfer_window *w)
{
	w->s = s;
	w->pos = 0;
	w->taken = 0;
	w->full = false;
	rsp_reply_begin(s);
	rsp_put_char(s, 'l'); /* becomes 'm' if more follows */
}

static void send_window(struct xfer_window *w)
{
	if (w->offset + w->taken < w->pos)
		w->s->last_reply[1] = 'm';
	rsp_reply_send(w->s);
}

/* E00: a malformed request or an unknown annex (the protocol's words). */
void packet_xfer_features(struct gdb_session *s, struct rsp_cursor *args)
{
	struct xfer_window w;

	if (!parse_xfer(args, "target.xml", &w)) {
		rsp_reply_errno(s, 0);
		return;
	}
	begin_window(s, &w);
	put_target_xml(&w, s->ops);
	send_window(&w);
}

void packet_xfer_threads(struct gdb_session *s, struct rsp_cursor *args)
{
	struct xfer_window w;

	if (!parse_xfer(args, "", &w)) {
		rsp_reply_errno(s, 0);
		return;
	}
	begin_window(s, &w);
	put_threads_xml(&w, s);
	send_window(&w);
}
