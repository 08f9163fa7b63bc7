// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the gdb protocol layer (gdbstub/session.c, rsp.c,
 * packets_*.c): random bytes from "gdb", against a fake target, under
 * ASan and UBSan (built by tests/fuzz/fuzz.mk, `make fuzz-gdb`).
 *
 * Input: two configuration bytes, then the byte stream.
 *   byte 0: bits 0-3 threads the target reports (0-15; the session uses
 *           at most GDB_MAX_THREADS), bit 4 has_fpu, bit 5 has_stimecmp,
 *           bit 6 the optional operations are NULL, bit 7 the target
 *           reports stops from inside resume.
 *   byte 1: offline threads (bit i: thread i + 1 has no registers), and
 *           the seed of the stream's split into calls and of the stops
 *           reported between them.
 * The seeds in tests/fuzz/corpus/gdb/ start with "3\"" (three threads,
 * FPU and Sstc, threads 2 and 6 offline).
 *
 * Beyond the sanitizers, every write is checked: a single '+' or '-', or
 * one whole frame "$data#xx" with the right checksum, at most
 * GDB_PACKET_MAX bytes of data, and '$', '#', '*' only escaped. Every
 * target call is checked for sane arguments, and the session's lengths
 * after every call.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <hv/errno.h>
#include "gdbstub/session.h"

#define MEM_BASE 0x1000u
#define MEM_SIZE 0x10000u
#define check(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct gdb_session session;
static struct gdb_target_ops ops;
static unsigned num_threads;
static uint8_t offline_mask;
static bool stop_in_resume, resumed;
static uint64_t regs[16][512];
static uint8_t mem[MEM_SIZE];
static uint32_t rng;

static uint32_t next_random(void)
{
	rng = rng * 1103515245u + 12345u;
	return rng >> 8;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* we only ever send lowercase */
}

static void check_write(void *ctx, const char *out, size_t len)
{
	unsigned sum = 0;

	check(ctx == &session);
	if (len == 1) {
		check(out[0] == '+' || out[0] == '-');
		return;
	}
	check(len >= 4 && len - 4 <= GDB_PACKET_MAX);
	check(out[0] == '$' && out[len - 3] == '#');
	for (size_t i = 1; i < len - 3; i++) {
		char c = out[i];

		check(c != '$' && c != '#' && c != '*');
		if (c == '}') {
			check(i + 1 < len - 3); /* an escape is never cut */
			sum += (uint8_t)c;
			c = out[++i];
		}
		sum += (uint8_t)c;
	}
	check(hexval(out[len - 2]) >= 0 && hexval(out[len - 1]) >= 0);
	check((unsigned)(hexval(out[len - 2]) << 4 | hexval(out[len - 1])) ==
	      (sum & 0xff));
}

static bool thread_ok(unsigned t)
{
	return t >= 1 && t <= num_threads;
}

static unsigned fake_num_threads(void *ctx)
{
	check(ctx == &session);
	return num_threads;
}

static bool fake_alive(void *ctx, unsigned t)
{
	(void)ctx;
	return thread_ok(t) && t != 5; /* thread 5 "does not exist" */
}

static void fake_thread_info(void *ctx, unsigned t, char *name, size_t name_len,
			     unsigned *core, char *extra, size_t extra_len)
{
	(void)ctx;
	check(thread_ok(t));
	/* Fill the buffers to the brim, unterminated, with XML and RSP
	 * special characters. */
	for (size_t i = 0; i < name_len; i++)
		name[i] = "<&>\"'$#}*\x01"[i % 10];
	for (size_t i = 0; i < extra_len; i++)
		extra[i] = "}*#$&<"[i % 6];
	if (t & 1)
		*core = t;
}

static int fake_read_reg(void *ctx, unsigned t, unsigned regno, uint64_t *value)
{
	(void)ctx;
	check(thread_ok(t));
	if (offline_mask & (1u << ((t - 1) & 7)))
		return HV_ESTOPPED;
	if (regno >= 512)
		return HV_EINVAL;
	*value = regs[t][regno];
	return HV_OK;
}

static int fake_write_reg(void *ctx, unsigned t, unsigned regno, uint64_t value)
{
	(void)ctx;
	check(thread_ok(t));
	if (offline_mask & (1u << ((t - 1) & 7)))
		return HV_ESTOPPED;
	if (regno >= 512)
		return HV_EINVAL;
	regs[t][regno] = value;
	return HV_OK;
}

static bool in_mem(uint64_t addr, size_t len)
{
	return addr >= MEM_BASE && len <= MEM_SIZE &&
	       addr - MEM_BASE <= MEM_SIZE - len;
}

static int fake_read_mem(void *ctx, unsigned t, uint64_t addr, void *buf,
			 size_t len)
{
	(void)ctx;
	(void)t;
	check(len > 0 && len <= (GDB_PACKET_MAX - 4) / 2);
	check((char *)buf >= session.out &&
	      (char *)buf + len <= session.out + sizeof(session.out));
	if (!in_mem(addr, len))
		return HV_EFAULT;
	memcpy(buf, mem + (addr - MEM_BASE), len);
	return HV_OK;
}

static int fake_write_mem(void *ctx, unsigned t, uint64_t addr, const void *buf,
			  size_t len)
{
	(void)ctx;
	(void)t;
	check(len > 0 && len <= GDB_PACKET_MAX);
	check((const char *)buf >= session.rx_buf &&
	      (const char *)buf + len <= session.rx_buf + GDB_PACKET_MAX);
	if (!in_mem(addr, len))
		return HV_EFAULT;
	memcpy(mem + (addr - MEM_BASE), buf, len);
	return HV_OK;
}

static int fake_break(void *ctx, enum gdb_break_type type, uint64_t addr,
		      unsigned kind)
{
	(void)ctx;
	check(type <= GDB_WATCH_ACCESS && kind <= 0xffff);
	if (addr & 1)
		return HV_ENOTSUP;
	return addr & 2 ? HV_EFAULT : HV_OK;
}

static struct gdb_stop random_stop(void)
{
	struct gdb_stop stop = {
		.reason = (enum gdb_stop_reason)(next_random() % 9),
		.thread = next_random() % 12,
		.data_addr = (uint64_t)next_random() << 40 | next_random(),
	};

	return stop;
}

static int fake_resume(void *ctx, const enum gdb_resume_action *actions,
		       unsigned count)
{
	bool moves = false;

	(void)ctx;
	check(count <= GDB_MAX_THREADS &&
	      count == (num_threads < GDB_MAX_THREADS ? num_threads
						      : GDB_MAX_THREADS));
	check(session.running);
	for (unsigned i = 0; i < count; i++) {
		check(actions[i] <= GDB_RESUME_STOP);
		moves |= actions[i] == GDB_RESUME_CONTINUE ||
			 actions[i] == GDB_RESUME_STEP;
	}
	check(moves);
	if (next_random() % 8 == 0)
		return HV_ESTATE;
	resumed = true;
	if (stop_in_resume) {
		struct gdb_stop stop = random_stop();

		gdb_session_stopped(&session, &stop);
		check(!session.running);
	}
	return HV_OK;
}

static void fake_interrupt(void *ctx)
{
	(void)ctx;
	check(session.running);
}

static void fake_current_stop(void *ctx, struct gdb_stop *stop)
{
	(void)ctx;
	*stop = random_stop();
}

static void fake_detach(void *ctx)
{
	(void)ctx;
}

static int fake_monitor(void *ctx, const char *cmd, char *out, size_t out_len)
{
	size_t len = strlen(cmd);

	(void)ctx;
	check(out == session.out && out_len == sizeof(session.out));
	check(out[0] == '\0' && len < GDB_PACKET_MAX);
	if (len && cmd[0] == 'x') {
		/* An error with a message that fills the whole buffer. */
		memset(out, '!', out_len);
		return HV_EINVAL;
	}
	if (len && cmd[0] == 'e')
		return HV_EINVAL;
	/* Echo the command many times: output longer than a packet. */
	size_t total = 0;
	for (unsigned i = 0; i < 5 && len; i++) {
		size_t n = len < out_len - total ? len : out_len - total;

		memcpy(out + total, cmd, n);
		total += n;
	}
	return (int)total;
}

static const struct gdb_target_ops all_ops = {
	.num_threads = fake_num_threads,
	.thread_alive = fake_alive,
	.thread_info = fake_thread_info,
	.read_reg = fake_read_reg,
	.write_reg = fake_write_reg,
	.read_mem = fake_read_mem,
	.write_mem = fake_write_mem,
	.insert_break = fake_break,
	.remove_break = fake_break,
	.resume = fake_resume,
	.interrupt = fake_interrupt,
	.current_stop = fake_current_stop,
	.detach = fake_detach,
	.monitor = fake_monitor,
	.attach = fake_detach,
};

static void check_session(void)
{
	check(session.rx_len <= GDB_PACKET_MAX);
	check(session.last_reply_len <= sizeof(session.last_reply));
	check(session.g_thread >= 1);
	check(session.c_thread <= GDB_MAX_THREADS);
	check(session.thread_iter <= GDB_MAX_THREADS);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	ops = all_ops;
	num_threads = data[0] & 0xf;
	ops.has_fpu = data[0] & 0x10;
	ops.has_stimecmp = data[0] & 0x20;
	if (data[0] & 0x40) {
		ops.thread_info = NULL;
		ops.insert_break = NULL;
		ops.remove_break = NULL;
		ops.monitor = NULL;
		ops.attach = NULL;
	}
	stop_in_resume = data[0] & 0x80;
	offline_mask = data[1];
	rng = data[1];
	resumed = false;
	gdb_session_init(&session, &ops, &session, check_write, &session);
	data += 2;
	size -= 2;
	while (size) {
		size_t chunk = 1 + next_random() % 64;

		if (chunk > size)
			chunk = size;
		gdb_session_receive(&session, (const char *)data, chunk);
		check_session();
		data += chunk;
		size -= chunk;
		if (resumed && next_random() % 4 == 0) {
			struct gdb_stop stop = random_stop();

			gdb_session_stopped(&session, &stop);
			check(!session.running);
			resumed = false;
			check_session();
		}
	}
	return 0;
}
