// SPDX-License-Identifier: MIT
/*
 * Host tests of gdb run control (gdbstub/packets_run.c): '?', stop
 * replies, vCont parsing, legacy c/s with Hc, Z/z, monitor commands,
 * detach and kill, and gdb 13's whole connect sequence
 * (../shared/notes/gdb-rsp.md), byte for byte.
 */
#include <stdio.h>
#include "test_gdb_fake.h"
#include "gdbstub/packets.h"

#define N GDB_RESUME_NONE
#define C GDB_RESUME_CONTINUE
#define S GDB_RESUME_STEP
#define STOP GDB_RESUME_STOP

static void expect_actions(unsigned resumes, unsigned count, ...)
{
	va_list ap;

	assert_int_equal(fake.resumes, resumes);
	assert_int_equal(fake.action_count, count);
	va_start(ap, count);
	for (unsigned i = 0; i < count; i++)
		assert_int_equal(fake.actions[i], va_arg(ap, int));
	va_end(ap);
}

static void stop(enum gdb_stop_reason reason, unsigned thread, uint64_t addr)
{
	gdb_session_stopped(&session, &(struct gdb_stop){reason, thread, addr});
}

static void stop_reason_query(void **state)
{
	(void)state;
	feed_packet("?");
	expect_reply("T02thread:1;");
	fake.current = (struct gdb_stop){GDB_STOP_BREAKPOINT, 2, 0};
	feed_packet("?"); /* swbreak: only once gdb has offered it */
	expect_reply("T05thread:2;");
	assert_int_equal(session.g_thread, 2);
	connect_gdb();
	feed_packet("?");
	expect_reply("T05thread:2;swbreak:;");
	fake.current = (struct gdb_stop){GDB_STOP_NONE, 3, 0};
	feed_packet("?");
	expect_reply("T05thread:3;");
	fake.current = (struct gdb_stop){GDB_STOP_EXITED, 1, 0};
	feed_packet("?");
	expect_reply("W00");
	assert_false(session.running);
}

static void stop_replies(void **state)
{
	static const struct {
		struct gdb_stop stop;
		const char *reply;
	} cases[] = {
		{{GDB_STOP_SIGINT, 1, 0}, "T02thread:1;"},
		{{GDB_STOP_BREAKPOINT, 2, 0}, "T05thread:2;swbreak:;"},
		{{GDB_STOP_HW_BREAKPOINT, 3, 0}, "T05thread:3;hwbreak:;"},
		{{GDB_STOP_STEP, 2, 0}, "T05thread:2;"},
		{{GDB_STOP_WATCH, 1, 0x80001000},
		 "T05thread:1;watch:80001000;"},
		{{GDB_STOP_RWATCH, 3, 0x10}, "T05thread:3;rwatch:10;"},
		{{GDB_STOP_AWATCH, 2, 0xffffffffffffffc0ull},
		 "T05thread:2;awatch:ffffffffffffffc0;"},
		{{GDB_STOP_EXITED, 1, 0}, "W00"},
	};

	(void)state;
	connect_gdb();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		feed_packet("vCont;c");
		expect_out("+");
		assert_true(session.running);
		gdb_session_stopped(&session, &cases[i].stop);
		expect_out(frame(cases[i].reply));
		assert_false(session.running);
		/* Owed once: a second report is dropped. */
		gdb_session_stopped(&session, &cases[i].stop);
		expect_nothing();
	}
}

/* gdb takes the thread of a stop reply as the Hg thread. */
static void stop_selects_thread(void **state)
{
	(void)state;
	feed_packet("vCont;c");
	expect_out("+");
	stop(GDB_STOP_BREAKPOINT, 3, 0);
	output_clear();
	feed_packet("g");
	const char *out;
	size_t len;
	out = output(&len);
	assert_true(len > 20);
	assert_memory_equal(out + 2, "0000035544332211", 16); /* x0 of 3 */
	output_clear();
	feed_packet("qC");
	expect_reply("QC3");
}

static void stopped_without_resume_sends_nothing(void **state)
{
	(void)state;
	stop(GDB_STOP_SIGINT, 1, 0);
	expect_nothing();
}

static void vcont_query(void **state)
{
	(void)state;
	feed_packet("vCont?");
	expect_reply("vCont;c;C;s;S;t");
	assert_int_equal(fake.resumes, 0);
}

static void vcont_actions(void **state)
{
	(void)state;
	feed_packet("vCont;c");
	expect_out("+");
	expect_actions(1, 3, C, C, C);
	stop(GDB_STOP_SIGINT, 1, 0);
	output_clear();

	feed_packet("vCont;s:2;c"); /* step 2, the rest continue */
	expect_out("+");
	expect_actions(2, 3, C, S, C);
	stop(GDB_STOP_STEP, 2, 0);
	expect_out(frame("T05thread:2;"));

	feed_packet("vCont;c:1"); /* thread 1 alone */
	expect_out("+");
	expect_actions(3, 3, C, N, N);
	stop(GDB_STOP_SIGINT, 1, 0);
	output_clear();

	feed_packet("vCont;s:3"); /* scheduler-locking step */
	expect_out("+");
	expect_actions(4, 3, N, N, S);
	stop(GDB_STOP_STEP, 3, 0);
	output_clear();

	feed_packet("vCont;c:p1.2;t:3"); /* multiprocess ids, t */
	expect_out("+");
	expect_actions(5, 3, N, C, STOP);
	stop(GDB_STOP_SIGINT, 1, 0);
	output_clear();
}

/* The first action that matches a thread wins. */
static void vcont_first_match_wins(void **state)
{
	(void)state;
	feed_packet("vCont;c:2;s:2");
	expect_out("+");
	expect_actions(1, 3, N, C, N);
	stop(GDB_STOP_SIGINT, 2, 0);
	output_clear();

	feed_packet("vCont;c;s:2"); /* the default came first */
	expect_out("+");
	expect_actions(2, 3, C, C, C);
	stop(GDB_STOP_SIGINT, 2, 0);
	output_clear();

	feed_packet("vCont;t:1;C05:2;S0b"); /* signals ignored */
	expect_out("+");
	expect_actions(3, 3, STOP, C, S);
	stop(GDB_STOP_SIGINT, 2, 0);
	output_clear();

	feed_packet("vCont;s:-1"); /* all, explicitly */
	expect_out("+");
	expect_actions(4, 3, S, S, S);
	stop(GDB_STOP_STEP, 1, 0);
	output_clear();

	feed_packet("vCont;s:0;c"); /* any thread: the first */
	expect_out("+");
	expect_actions(5, 3, S, C, C);
	stop(GDB_STOP_STEP, 1, 0);
	output_clear();
}

static void vcont_thread_ids_are_hex(void **state)
{
	(void)state;
	fake.num_threads = GDB_MAX_THREADS;
	feed_packet("vCont;s:8;c:0000000000000001");
	expect_out("+");
	expect_actions(1, 8, C, N, N, N, N, N, N, S);
	stop(GDB_STOP_STEP, 8, 0);
	output_clear();
	feed_packet("vCont;c:a"); /* thread 10 does not exist */
	expect_reply("E22");
	assert_int_equal(fake.resumes, 1);
}

static void vcont_errors(void **state)
{
	static const char *const bad[] = {
		"vCont",      "vCont;",	    "vCont;x",	  "vCont;c:",
		"vCont;c:4",  "vCont;C",    "vCont;S:1",  "vCont;c;;c",
		"vCont;cc",   "vCont;t",    "vCont;t:1",  "vCont;C100",
		"vCont;c:1x", "vCont;r1,2", "vCont;c:-2",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E22");
	}
	assert_int_equal(fake.resumes, 0);
	assert_false(session.running);
}

static void resume_error_is_reported(void **state)
{
	(void)state;
	fake.resume_ret = HV_ESTATE;
	feed_packet("vCont;c");
	expect_reply("E16");
	assert_false(session.running);
	feed_packet("c");
	expect_reply("E16");
	assert_false(session.running);
}

/* A target may report the stop before resume returns. */
static void stop_reported_inside_resume(void **state)
{
	(void)state;
	fake.stop_in_resume = true;
	fake.stop_now = (struct gdb_stop){GDB_STOP_STEP, 2, 0};
	feed_packet("vCont;s:2");
	expect_reply("T05thread:2;");
	assert_false(session.running);
}

static void legacy_continue_and_step(void **state)
{
	(void)state;
	feed_packet("Hc-1");
	expect_reply("OK");
	feed_packet("c");
	expect_out("+");
	expect_actions(1, 3, C, C, C);
	stop(GDB_STOP_SIGINT, 1, 0);
	output_clear();

	feed_packet("Hc2");
	expect_reply("OK");
	feed_packet("c");
	expect_out("+");
	expect_actions(2, 3, N, C, N);
	stop(GDB_STOP_SIGINT, 2, 0);
	output_clear();

	feed_packet("s");
	expect_out("+");
	expect_actions(3, 3, N, S, N);
	stop(GDB_STOP_STEP, 2, 0);
	output_clear();

	/* Hc all: step the Hg thread, the others continue. */
	feed_packet("Hc0");
	expect_reply("OK");
	feed_packet("Hg3");
	expect_reply("OK");
	feed_packet("s");
	expect_out("+");
	expect_actions(4, 3, C, C, S);
	stop(GDB_STOP_STEP, 3, 0);
	output_clear();

	feed_packet("C05"); /* the signal is ignored */
	expect_out("+");
	expect_actions(5, 3, C, C, C);
	stop(GDB_STOP_SIGINT, 3, 0);
	output_clear();

	feed_packet("S0b");
	expect_out("+");
	expect_actions(6, 3, C, C, S);
	stop(GDB_STOP_STEP, 3, 0);
	output_clear();
}

static void legacy_resume_at_address(void **state)
{
	(void)state;
	feed_packet("Hc2");
	expect_reply("OK");
	feed_packet("c80001000");
	expect_out("+");
	assert_true(fake.regs[2][32] == 0x80001000);
	stop(GDB_STOP_SIGINT, 2, 0);
	output_clear();
	feed_packet("C05;80002000");
	expect_out("+");
	assert_true(fake.regs[2][32] == 0x80002000);
	stop(GDB_STOP_SIGINT, 2, 0);
	output_clear();
	feed_packet("s80003000");
	expect_out("+");
	assert_true(fake.regs[2][32] == 0x80003000);
	stop(GDB_STOP_SIGINT, 2, 0);
	output_clear();

	static const char *const bad[] = {"cxyz", "C",	  "C05;", "Cxx",
					  "C05x", "S100", "c1;2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E22");
	}
	assert_int_equal(fake.resumes, 3);
	fake.offline[2] = true;
	feed_packet("c80001000");
	expect_reply("E22");
}

static void packet_while_running_is_handled(void **state)
{
	(void)state;
	feed_packet("vCont;c");
	expect_out("+");
	feed_packet("qAttached");
	expect_reply("1");
	feed_packet("m80000000,1");
	expect_reply(hex_of(fake.mem, 1));
	assert_true(session.running);
	stop(GDB_STOP_SIGINT, 1, 0);
	expect_out(frame("T02thread:1;"));
}

static void breakpoints_and_watchpoints(void **state)
{
	static const struct {
		const char *packet;
		struct fake_break expected;
	} cases[] = {
		{"Z0,80000100,4", {true, GDB_BREAK_SOFTWARE, 0x80000100, 4}},
		{"Z0,80000102,2", {true, GDB_BREAK_SOFTWARE, 0x80000102, 2}},
		{"z0,80000100,4", {false, GDB_BREAK_SOFTWARE, 0x80000100, 4}},
		{"Z1,ffffffff80000000,2",
		 {true, GDB_BREAK_HARDWARE, 0xffffffff80000000ull, 2}},
		{"Z2,80001000,8", {true, GDB_WATCH_WRITE, 0x80001000, 8}},
		{"Z3,80001008,4", {true, GDB_WATCH_READ, 0x80001008, 4}},
		{"Z4,80001010,1", {true, GDB_WATCH_ACCESS, 0x80001010, 1}},
		{"z4,80001010,1", {false, GDB_WATCH_ACCESS, 0x80001010, 1}},
		{"Z0,80000200,4;X2,0a01", /* conditions: ignored */
		 {true, GDB_BREAK_SOFTWARE, 0x80000200, 4}},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		feed_packet(cases[i].packet);
		expect_reply("OK");
		assert_int_equal(fake.num_breaks, i + 1);
		assert_memory_equal(&fake.breaks[i], &cases[i].expected,
				    sizeof(struct fake_break));
	}
}

static void breakpoint_errors(void **state)
{
	(void)state;
	fake.break_ret = HV_ENOTSUP;
	feed_packet("Z1,80000100,4");
	expect_reply(""); /* gdb: not supported */
	fake.break_ret = HV_EFAULT;
	feed_packet("Z0,10,4");
	expect_reply("E14");
	fake.break_ret = HV_ENOMEM;
	feed_packet("Z2,80000000,8");
	expect_reply("E12");
	unsigned calls = fake.num_breaks;
	feed_packet("Z5,80000000,4");
	expect_reply("");
	static const char *const bad[] = {"Z0,80000000",    "Z0",     "Z",
					  "Z0,80000000,4x", "Z0;1,2", "z0,,4"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E22");
	}
	assert_int_equal(fake.num_breaks, calls);
	fake_ops.insert_break = NULL;
	fake_ops.remove_break = NULL;
	feed_packet("Z0,80000000,4");
	expect_reply("");
	feed_packet("z0,80000000,4");
	expect_reply("");
}

static void monitor_output(void **state)
{
	static const char text[] = "help: vms vcpus\n";
	char expected[256];

	(void)state;
	fake.monitor_out = text;
	fake.monitor_len = sizeof(text) - 1;
	feed_packet("qRcmd,68656c70"); /* "help" */
	snprintf(expected, sizeof(expected), "+%s",
		 frame("O68656c703a20766d732076637075730a"));
	strcat(expected, frame("OK"));
	expect_out(expected);
	assert_string_equal(fake.monitor_cmd, "help");

	fake.monitor_len = 0;
	feed_packet("qRcmd,7068797320 6f6e");
	expect_reply("E22"); /* not hex */
	feed_packet("qRcmd,706879732");
	expect_reply("E22");
	feed_packet("qRcmd");
	expect_reply("E22");
	feed_packet("qRcmd,70687973206f6e"); /* "phys on", no output */
	expect_reply("OK");
	assert_string_equal(fake.monitor_cmd, "phys on");
	feed_packet("qRcmd,"); /* "monitor" alone */
	expect_reply("OK");
	assert_string_equal(fake.monitor_cmd, "");
}

/* Output longer than a packet goes out in several O packets. */
static void monitor_long_output(void **state)
{
	static char text[5000];
	static char expected[3 * GDB_PACKET_MAX * 2];
	const size_t chunk = (GDB_PACKET_MAX - 1) / 2; /* 2047 bytes */
	static char data[GDB_PACKET_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 26);
	fake.monitor_out = text;
	fake.monitor_len = sizeof(text);
	feed_packet("qRcmd,76637075"); /* "vcpu" */
	strcpy(expected, "+");
	for (size_t off = 0; off < sizeof(text); off += chunk) {
		size_t n =
			sizeof(text) - off < chunk ? sizeof(text) - off : chunk;

		data[0] = 'O';
		strcpy(data + 1, hex_of(text + off, n));
		strcat(expected, frame(data));
	}
	strcat(expected, frame("OK"));
	expect_out(expected);
}

static void monitor_errors(void **state)
{
	static const char msg[] =
		"unknown monitor command (try \"monitor help\")\n";
	char expected[512];

	(void)state;
	fake.monitor_ret = HV_EINVAL;
	feed_packet("qRcmd,626f677573"); /* "bogus" */
	char data[256] = "O";
	strcat(data, hex_of(msg, sizeof(msg) - 1));
	snprintf(expected, sizeof(expected), "+%s", frame(data));
	strcat(expected, frame("E01"));
	expect_out(expected);

	fake.monitor_error_text = "vm: no VM named x\n";
	feed_packet("qRcmd,766d2078"); /* "vm x" */
	strcpy(data, "O");
	strcat(data, hex_of("vm: no VM named x\n", 18));
	snprintf(expected, sizeof(expected), "+%s", frame(data));
	strcat(expected, frame("E01"));
	expect_out(expected);

	fake_ops.monitor = NULL;
	feed_packet("qRcmd,68656c70");
	expect_reply("");
}

static void detach_and_kill(void **state)
{
	(void)state;
	connect_gdb();
	feed("$QStartNoAckMode#b0");
	expect_out("+$OK#9a");
	feed_packet("D");
	expect_out(frame("OK"));
	assert_int_equal(fake.detaches, 1);
	/* The session starts over: acks again, nothing owed. */
	assert_false(session.no_ack || session.attached || session.running);
	feed_packet("D;1");
	expect_reply("OK");
	assert_int_equal(fake.detaches, 2);

	feed_packet("vCont;c");
	expect_out("+");
	feed_packet("k"); /* no reply */
	expect_out("+");
	assert_int_equal(fake.detaches, 3);
	assert_false(session.running);
	stop(GDB_STOP_SIGINT, 1, 0); /* too late: nobody waits */
	expect_nothing();

	feed_packet("vKill;1");
	expect_reply("OK");
	assert_int_equal(fake.detaches, 4);
}

/* What gdb-multiarch 13.1 sends on "target remote", and the bytes back. */
static void connect_sequence(void **state)
{
	char regs[33 * 16 + 1] = "";

	(void)state;
	fake.current = (struct gdb_stop){GDB_STOP_SIGINT, 1, 0};
	feed("+");
	feed_packet("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
		    "fork-events+;vfork-events+;exec-events+;vContSupported+;"
		    "QThreadEvents+;no-resumed+;memory-tagging+;"
		    "xmlRegisters=i386");
	expect_out("+$PacketSize=1000;qXfer:features:read+;"
		   "qXfer:threads:read+;vContSupported+;swbreak+;hwbreak+;"
		   "QStartNoAckMode+#1e");
	feed("+$vMustReplyEmpty#3a");
	expect_out("+$#00");
	feed("+$QStartNoAckMode#b0");
	expect_out("+$OK#9a");
	feed("+$Hgp0.0#ad");
	expect_out("$OK#9a");
	feed_packet("qXfer:features:read:target.xml:0,ffb");
	const char *out;
	size_t len;
	out = output(&len);
	assert_true(len == 0xffb + 5 && out[1] == 'm');
	output_clear();
	feed_packet("qXfer:features:read:target.xml:ffb,ffb");
	out = output(&len);
	assert_true(out[1] == 'l' && len > 5);
	assert_memory_equal(out + len - 12, "</target>", 9);
	output_clear();
	feed("$qTStatus#49");
	expect_out("$#00");
	feed("$?#3f");
	expect_out("$T02thread:1;#d4");
	feed("$qfThreadInfo#bb");
	expect_out(frame("m1,2,3"));
	feed("$qsThreadInfo#c8");
	expect_out("$l#6c");
	feed("$qAttached:1#fa");
	expect_out("$1#31");
	feed("$Hc-1#09");
	expect_out("$OK#9a");
	feed("$qOffsets#4b");
	expect_out("$Text=0;Data=0;Bss=0#04");
	feed("$g#67");
	for (unsigned r = 0; r < 33; r++) {
		uint64_t v = fake.regs[1][r];
		uint8_t b[8];

		for (unsigned i = 0; i < 8; i++)
			b[i] = (uint8_t)(v >> (8 * i));
		strcat(regs, hex_of(b, 8));
	}
	expect_out(frame(regs));
	feed_packet("m80000100,4");
	expect_out(frame(hex_of(fake.mem + 0x100, 4)));
	feed("$qSymbol::#5b");
	expect_out("$OK#9a");
	assert_int_equal(fake.attaches, 1);
	assert_int_equal(fake.detaches, 0);
	assert_int_equal(fake.resumes, 0);
}

/* packets_parse_thread: hex, -1, 0, pPID.TID. */
static void thread_id_parsing(void **state)
{
	static const struct {
		const char *text;
		long id;
		size_t used;
	} good[] = {
		{"1", 1, 1},
		{"1f", 31, 2},
		{"A", 10, 1},
		{"-1", -1, 2},
		{"0", 0, 1},
		{"p1.2", 2, 4},
		{"p1", -1, 2},
		{"p-1.-1", -1, 6},
		{"p0.0", 0, 4},
		{"0000000a;", 10, 8},
		{"7fffffff", 0x7fffffff, 8},
	};
	static const char *const bad[] = {"",	"x",	    "p",  "p1.",
					  "-2", "80000000", "p.1"};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char buf[32];
		struct rsp_cursor c;
		long id = 99;

		strcpy(buf, good[i].text);
		c = (struct rsp_cursor){buf, buf + strlen(buf)};
		assert_true(packets_parse_thread(&c, &id));
		assert_int_equal(id, good[i].id);
		assert_int_equal(c.p - buf, good[i].used);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[32];
		struct rsp_cursor c;
		long id;

		strcpy(buf, bad[i]);
		c = (struct rsp_cursor){buf, buf + strlen(buf)};
		assert_false(packets_parse_thread(&c, &id));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, gdb_test_setup)
		T(stop_reason_query),
		T(stop_replies),
		T(stop_selects_thread),
		T(stopped_without_resume_sends_nothing),
		T(vcont_query),
		T(vcont_actions),
		T(vcont_first_match_wins),
		T(vcont_thread_ids_are_hex),
		T(vcont_errors),
		T(resume_error_is_reported),
		T(stop_reported_inside_resume),
		T(legacy_continue_and_step),
		T(legacy_resume_at_address),
		T(packet_while_running_is_handled),
		T(breakpoints_and_watchpoints),
		T(breakpoint_errors),
		T(monitor_output),
		T(monitor_long_output),
		T(monitor_errors),
		T(detach_and_kill),
		T(connect_sequence),
		T(thread_id_parsing),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
