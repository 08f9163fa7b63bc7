// SPDX-License-Identifier: MIT
/*
 * The fake gdb target and I/O helpers of tests/unit/test_gdb_fake.h.
 * Checksums and framing are computed here independently of gdbstub/rsp.c.
 */
#include <stdio.h>
#include "test_gdb_fake.h"

struct fake_target fake;
struct gdb_session session;

static char written[1 << 17];
static size_t written_len;

static void capture(void *ctx, const char *data, size_t len)
{
	(void)ctx;
	assert_true(written_len + len <= sizeof(written));
	memcpy(written + written_len, data, len);
	written_len += len;
}

static bool valid(unsigned t)
{
	return t >= 1 && t <= fake.num_threads;
}

static unsigned fake_num_threads(void *ctx)
{
	assert_ptr_equal(ctx, &fake);
	return fake.num_threads;
}

static bool fake_thread_alive(void *ctx, unsigned t)
{
	(void)ctx;
	return valid(t) && !fake.dead[t];
}

static void fake_thread_info(void *ctx, unsigned t, char *name, size_t name_len,
			     unsigned *core, char *extra, size_t extra_len)
{
	(void)ctx;
	assert_true(valid(t));
	assert_int_equal(*core, GDB_CORE_NONE);
	assert_int_equal(name[0], '\0');
	assert_int_equal(extra[0], '\0');
	/* Deliberately unterminated when too long: the session cuts. */
	strncpy(name, fake.name[t], name_len);
	strncpy(extra, fake.extra[t], extra_len);
	if (!fake.no_core[t])
		*core = t - 1;
}

static int fake_read_reg(void *ctx, unsigned t, unsigned regno, uint64_t *value)
{
	(void)ctx;
	if (!valid(t))
		return HV_EINVAL;
	if (fake.read_reg_error)
		return fake.read_reg_error;
	if (fake.offline[t])
		return HV_ESTOPPED;
	if (regno >= FAKE_REGS)
		return HV_EINVAL;
	*value = fake.regs[t][regno];
	return HV_OK;
}

static int fake_write_reg(void *ctx, unsigned t, unsigned regno, uint64_t value)
{
	(void)ctx;
	if (!valid(t))
		return HV_EINVAL;
	if (fake.offline[t])
		return HV_ESTOPPED;
	if (regno >= FAKE_REGS)
		return HV_EINVAL;
	fake.regs[t][regno] = value;
	return HV_OK;
}

static bool in_memory(uint64_t addr, size_t len)
{
	return addr >= FAKE_MEM_BASE && len <= FAKE_MEM_SIZE &&
	       addr - FAKE_MEM_BASE <= FAKE_MEM_SIZE - len;
}

static int fake_read_mem(void *ctx, unsigned t, uint64_t addr, void *buf,
			 size_t len)
{
	(void)ctx;
	fake.mem_thread = t;
	assert_true(len > 0);
	if (!in_memory(addr, len))
		return HV_EFAULT;
	memcpy(buf, fake.mem + (addr - FAKE_MEM_BASE), len);
	return HV_OK;
}

static int fake_write_mem(void *ctx, unsigned t, uint64_t addr, const void *buf,
			  size_t len)
{
	(void)ctx;
	fake.mem_thread = t;
	fake.mem_writes++;
	if (!in_memory(addr, len))
		return HV_EFAULT;
	memcpy(fake.mem + (addr - FAKE_MEM_BASE), buf, len);
	return HV_OK;
}

static int record_break(bool insert, enum gdb_break_type type, uint64_t addr,
			unsigned kind)
{
	assert_true(fake.num_breaks < FAKE_MAX_BREAKS);
	fake.breaks[fake.num_breaks++] =
		(struct fake_break){insert, type, addr, kind};
	return fake.break_ret;
}

static int fake_insert_break(void *ctx, enum gdb_break_type type, uint64_t addr,
			     unsigned kind)
{
	(void)ctx;
	return record_break(true, type, addr, kind);
}

static int fake_remove_break(void *ctx, enum gdb_break_type type, uint64_t addr,
			     unsigned kind)
{
	(void)ctx;
	return record_break(false, type, addr, kind);
}

static int fake_resume(void *ctx, const enum gdb_resume_action *actions,
		       unsigned count)
{
	(void)ctx;
	assert_true(count <= GDB_MAX_THREADS);
	fake.resumes++;
	fake.action_count = count;
	memcpy(fake.actions, actions, count * sizeof(*actions));
	if (fake.resume_ret)
		return fake.resume_ret;
	if (fake.stop_in_resume)
		gdb_session_stopped(&session, &fake.stop_now);
	return HV_OK;
}

static void fake_interrupt(void *ctx)
{
	(void)ctx;
	fake.interrupts++;
}

static void fake_current_stop(void *ctx, struct gdb_stop *stop)
{
	(void)ctx;
	*stop = fake.current;
}

static void fake_detach(void *ctx)
{
	(void)ctx;
	fake.detaches++;
}

static void fake_attach(void *ctx)
{
	(void)ctx;
	fake.attaches++;
}

static int fake_monitor(void *ctx, const char *cmd, char *out, size_t out_len)
{
	(void)ctx;
	assert_int_equal(out[0], '\0');
	snprintf(fake.monitor_cmd, sizeof(fake.monitor_cmd), "%s", cmd);
	if (fake.monitor_ret < 0) {
		if (fake.monitor_error_text)
			snprintf(out, out_len, "%s", fake.monitor_error_text);
		return fake.monitor_ret;
	}
	assert_true(fake.monitor_len <= out_len);
	memcpy(out, fake.monitor_out, fake.monitor_len);
	return (int)fake.monitor_len;
}

struct gdb_target_ops fake_ops;

static const struct gdb_target_ops fake_ops_default = {
	.num_threads = fake_num_threads,
	.thread_alive = fake_thread_alive,
	.thread_info = fake_thread_info,
	.read_reg = fake_read_reg,
	.write_reg = fake_write_reg,
	.read_mem = fake_read_mem,
	.write_mem = fake_write_mem,
	.insert_break = fake_insert_break,
	.remove_break = fake_remove_break,
	.resume = fake_resume,
	.interrupt = fake_interrupt,
	.current_stop = fake_current_stop,
	.detach = fake_detach,
	.monitor = fake_monitor,
	.attach = fake_attach,
	.has_fpu = true,
	.has_stimecmp = true,
};

void fake_reset(unsigned threads)
{
	memset(&fake, 0, sizeof(fake));
	fake.num_threads = threads;
	for (unsigned t = 1; t <= GDB_MAX_THREADS; t++) {
		for (unsigned r = 0; r < FAKE_REGS; r++)
			fake.regs[t][r] =
				0x1122334455000000ull | (uint64_t)t << 16 | r;
		snprintf(fake.name[t], sizeof(fake.name[t]), "vm0/vcpu%u",
			 t - 1);
		snprintf(fake.extra[t], sizeof(fake.extra[t]), "state %u", t);
	}
	for (unsigned i = 0; i < FAKE_MEM_SIZE; i++)
		fake.mem[i] = (uint8_t)(i * 7 + 1);
	fake.current =
		(struct gdb_stop){.reason = GDB_STOP_SIGINT, .thread = 1};
	fake.monitor_out = "";
	fake_ops = fake_ops_default;
	written_len = 0;
}

int gdb_test_setup(void **state)
{
	(void)state;
	fake_reset(3);
	gdb_session_init(&session, &fake_ops, &fake, capture, NULL);
	return 0;
}

void feed_n(const char *bytes, size_t len)
{
	gdb_session_receive(&session, bytes, len);
}

void feed(const char *bytes)
{
	feed_n(bytes, strlen(bytes));
}

static char frame_buf[2][GDB_PACKET_MAX * 3];
static unsigned frame_which;

const char *frame_n(const char *data, size_t len)
{
	char *out = frame_buf[frame_which ^= 1];
	unsigned sum = 0;

	assert_true(len + 5 <= sizeof(frame_buf[0]));
	for (size_t i = 0; i < len; i++)
		sum += (uint8_t)data[i];
	out[0] = '$';
	memcpy(out + 1, data, len);
	snprintf(out + 1 + len, 4, "#%02x", sum & 0xff);
	return out;
}

const char *frame(const char *data)
{
	return frame_n(data, strlen(data));
}

void feed_packet_n(const char *data, size_t len)
{
	feed_n(frame_n(data, len), len + 4);
}

void feed_packet(const char *data)
{
	feed_packet_n(data, strlen(data));
}

const char *hex_of(const void *data, size_t len)
{
	static char out[GDB_PACKET_MAX * 2 + 1];
	const uint8_t *bytes = data;

	assert_true(len * 2 < sizeof(out));
	for (size_t i = 0; i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", bytes[i]);
	out[2 * len] = '\0';
	return out;
}

const char *output(size_t *len)
{
	*len = written_len;
	return written;
}

void output_clear(void)
{
	written_len = 0;
}

void expect_out_n(const char *expected, size_t len)
{
	if (written_len != len || memcmp(written, expected, len) != 0) {
		print_error("expected %zu bytes: [%.*s]\n     got %zu bytes: "
			    "[%.*s]\n",
			    len, (int)len, expected, written_len,
			    (int)written_len, written);
		fail();
	}
	written_len = 0;
}

void expect_out(const char *expected)
{
	expect_out_n(expected, strlen(expected));
}

void expect_reply(const char *data)
{
	static char buf[GDB_PACKET_MAX * 3];
	const char *framed = frame(data);

	snprintf(buf, sizeof(buf), "+%s", framed);
	expect_out(buf);
}

void expect_nothing(void)
{
	expect_out_n("", 0);
}

void connect_gdb(void)
{
	feed_packet("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
		    "fork-events+;vfork-events+;exec-events+;vContSupported+;"
		    "QThreadEvents+;no-resumed+;memory-tagging+;"
		    "xmlRegisters=i386");
	output_clear();
}
