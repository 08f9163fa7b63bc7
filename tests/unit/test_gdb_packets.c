// SPDX-License-Identifier: MIT
/*
 * Host tests of the gdb packet handlers for connection queries, threads,
 * registers, memory and qXfer (gdbstub/packets_*.c), against the fake
 * target of test_gdb_fake.c. Every check is on the exact bytes written.
 */
#include <stdio.h>
#include "test_gdb_fake.h"

/* 16 hex digits, least significant byte first (independent of rsp.c). */
static const char *le64(uint64_t v)
{
	static char out[4][17];
	static unsigned which;
	char *s = out[which++ % 4];

	for (unsigned i = 0; i < 8; i++)
		snprintf(s + 2 * i, 3, "%02x", (unsigned)(v >> (8 * i)) & 0xff);
	return s;
}

static void q_supported_reply(void **state)
{
	(void)state;
	feed_packet("qSupported:multiprocess+;swbreak+;hwbreak+");
	expect_reply("PacketSize=1000;qXfer:features:read+;"
		     "qXfer:threads:read+;vContSupported+;swbreak+;hwbreak+;"
		     "QStartNoAckMode+");
	assert_true(session.gdb_swbreak && session.gdb_hwbreak);
	assert_int_equal(fake.attaches, 1);
	assert_int_equal(fake.detaches, 0); /* nobody to detach yet */
	feed_packet("qSupported");
	expect_reply("PacketSize=1000;qXfer:features:read+;"
		     "qXfer:threads:read+;vContSupported+;swbreak+;hwbreak+;"
		     "QStartNoAckMode+");
	assert_false(session.gdb_swbreak || session.gdb_hwbreak);
	assert_int_equal(fake.detaches, 1); /* a second debugger */
}

static void connection_queries(void **state)
{
	(void)state;
	feed_packet("qAttached:1");
	expect_reply("1");
	feed_packet("qAttached");
	expect_reply("1");
	feed_packet("qOffsets");
	expect_reply("Text=0;Data=0;Bss=0");
	feed_packet("qSymbol::");
	expect_reply("OK");
	feed_packet("qTStatus");
	expect_reply("");
	feed_packet("qC");
	expect_reply("QC1");
	feed_packet("Hg3");
	expect_reply("OK");
	feed_packet("qC");
	expect_reply("QC3");
}

static void thread_list(void **state)
{
	(void)state;
	feed_packet("qfThreadInfo");
	expect_reply("m1,2,3");
	feed_packet("qsThreadInfo");
	expect_reply("l");
	feed_packet("qsThreadInfo");
	expect_reply("l");
	fake.dead[2] = true;
	feed_packet("qfThreadInfo");
	expect_reply("m1,3");
	fake_reset(GDB_MAX_THREADS);
	feed_packet("qfThreadInfo");
	expect_reply("m1,2,3,4,5,6,7,8");
	fake.num_threads = 0;
	feed_packet("qfThreadInfo");
	expect_reply("l");
	/* More than GDB_MAX_THREADS: the session uses the first ones. */
	fake.num_threads = 100;
	feed_packet("qfThreadInfo");
	expect_reply("m1,2,3,4,5,6,7,8");
}

static void thread_alive(void **state)
{
	static const char *const bad[] = {"T4", "T0",  "T-1",	    "Tzz",
					  "T",	"T1x", "T100000000"};

	(void)state;
	feed_packet("T1");
	expect_reply("OK");
	feed_packet("T3");
	expect_reply("OK");
	feed_packet("Tp1.2");
	expect_reply("OK");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E22");
	}
	fake.dead[2] = true;
	feed_packet("T2");
	expect_reply("E22");
}

/* Thread ids are hex: thread 10 is "a". */
static void thread_ids_are_hex(void **state)
{
	(void)state;
	fake.num_threads = GDB_MAX_THREADS;
	feed_packet("Hg8");
	expect_reply("OK");
	feed_packet("p20");
	expect_reply(le64(fake.regs[8][32]));
	feed_packet("T8");
	expect_reply("OK");
	feed_packet("T9");
	expect_reply("E22");
	feed_packet("Ta");
	expect_reply("E22");
}

static void set_thread(void **state)
{
	(void)state;
	feed_packet("Hg2");
	expect_reply("OK");
	assert_int_equal(session.g_thread, 2);
	feed_packet("Hg0"); /* any: the first thread */
	expect_reply("OK");
	assert_int_equal(session.g_thread, 1);
	feed_packet("Hgp1.3");
	expect_reply("OK");
	assert_int_equal(session.g_thread, 3);
	fake.dead[1] = true;
	feed_packet("Hgp0.0");
	expect_reply("OK");
	assert_int_equal(session.g_thread, 2);
	feed_packet("Hc2");
	expect_reply("OK");
	assert_int_equal(session.c_thread, 2);
	feed_packet("Hc-1");
	expect_reply("OK");
	assert_int_equal(session.c_thread, 0);
	feed_packet("Hc3");
	expect_reply("OK");
	feed_packet("Hc0");
	expect_reply("OK");
	assert_int_equal(session.c_thread, 0);
	static const char *const bad[] = {"Hg9",  "Hg",	 "Hx1", "H",
					  "Hg1;", "Hc1", "Hg-2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E22");
	}
	assert_int_equal(session.g_thread, 2);
}

static void thread_extra_info(void **state)
{
	(void)state;
	feed_packet("qThreadExtraInfo,2");
	expect_reply(hex_of("state 2", 7));
	feed_packet("qThreadExtraInfo,9");
	expect_reply("E22");
	feed_packet("qThreadExtraInfo");
	expect_reply("E22");
	/* A target that fills the whole buffer: cut, never overrun. */
	memset(fake.extra[1], 'e', sizeof(fake.extra[1]) - 1);
	feed_packet("qThreadExtraInfo,1");
	char expected[128 * 2];
	memset(expected, 'e', 127);
	expect_reply(hex_of(expected, 127));
}

static void thread_list_xml(void **state)
{
	(void)state;
	strcpy(fake.name[2], "a<b>&\"c'");
	strcpy(fake.extra[2], "wfi\x01");
	fake.no_core[3] = true;
	feed_packet("qXfer:threads:read::0,fff");
	expect_reply("l<?xml version=\"1.0\"?><threads>"
		     "<thread id=\"1\" core=\"0\" name=\"vm0/vcpu0\">state 1"
		     "</thread>"
		     "<thread id=\"2\" core=\"1\" name=\"a&lt;b&gt;&amp;&quot;c"
		     "&apos;\">wfi?</thread>"
		     "<thread id=\"3\" name=\"vm0/vcpu2\">state 3</thread>"
		     "</threads>");
}

static void thread_list_xml_chunks(void **state)
{
	char doc[1024], expected[64];
	size_t doc_len;
	const char *out;
	size_t len;

	(void)state;
	fake.num_threads = GDB_MAX_THREADS;
	feed_packet("qXfer:threads:read::0,ffff");
	out = output(&len);
	assert_true(len > 6 && out[2] == 'l');
	doc_len = len - 6; /* "+$l" and "#xx" */
	memcpy(doc, out + 3, doc_len);
	output_clear();
	/* 100 bytes at a time: m ... m, then l with the rest. */
	for (size_t off = 0; off < doc_len; off += 100) {
		size_t n = doc_len - off < 100 ? doc_len - off : 100;
		char data[128];

		snprintf(expected, sizeof(expected),
			 "qXfer:threads:read::%zx,64", off);
		feed_packet(expected);
		data[0] = off + n < doc_len ? 'm' : 'l';
		memcpy(data + 1, doc + off, n);
		data[n + 1] = '\0';
		expect_reply(data);
	}
	snprintf(expected, sizeof(expected), "qXfer:threads:read::%zx,64",
		 doc_len);
	feed_packet(expected);
	expect_reply("l");
	feed_packet("qXfer:threads:read::ffffffffffffffff,ffffffffffffffff");
	expect_reply("l");
}

static void xfer_errors(void **state)
{
	static const char *const bad[] = {
		"qXfer:features:read:other.xml:0,100",
		"qXfer:features:read:target.xml:0,0",
		"qXfer:features:read:target.xml:0",
		"qXfer:features:read:target.xml:,10",
		"qXfer:features:read:target.xml:0,10;",
		"qXfer:features:read",
		"qXfer:threads:read:x:0,10",
		"qXfer:threads:read::0,",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E00");
	}
	feed_packet("qXfer:features:write:target.xml:0:00");
	expect_reply(""); /* not a packet we know */
}

/* The whole target description, asking for as much as gdb could; each
 * reply is as long as a packet allows. */
static const char *read_target_xml(size_t *doc_len)
{
	static char doc[16384];
	size_t got = 0;

	for (;;) {
		char request[64];
		const char *out;
		size_t len;

		snprintf(request, sizeof(request),
			 "qXfer:features:read:target.xml:%zx,ffff", got);
		feed_packet(request);
		out = output(&len);
		assert_true(len >= 6 && got + len - 6 < sizeof(doc));
		assert_memory_equal(out, "+$", 2);
		memcpy(doc + got, out + 3, len - 6);
		got += len - 6;
		output_clear();
		if (out[2] == 'l')
			break;
		assert_int_equal(out[2], 'm');
		assert_int_equal(len - 6, GDB_PACKET_MAX - 1);
	}
	doc[got] = '\0';
	*doc_len = got;
	return doc;
}

static size_t count(const char *doc, const char *what)
{
	size_t n = 0;

	for (const char *p = doc; (p = strstr(p, what)); p++)
		n++;
	return n;
}

static void target_description(void **state)
{
	size_t len;
	const char *doc;

	(void)state;
	doc = read_target_xml(&len);
	assert_true(strncmp(doc, "<?xml version=\"1.0\"?>", 21) == 0);
	assert_non_null(strstr(doc, "<architecture>riscv:rv64</architecture>"));
	assert_non_null(strstr(doc, "<feature name=\"org.gnu.gdb.riscv.cpu\">"
				    "<reg name=\"zero\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"0\"/><reg "
				    "name=\"ra\" bitsize=\"64\" "
				    "type=\"code_ptr\" regnum=\"1\"/>"));
	assert_non_null(strstr(doc, "<reg name=\"sp\" bitsize=\"64\" "
				    "type=\"data_ptr\" regnum=\"2\"/>"));
	assert_non_null(strstr(doc, "<reg name=\"t6\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"31\"/><reg "
				    "name=\"pc\" bitsize=\"64\" "
				    "type=\"code_ptr\" regnum=\"32\"/>"));
	assert_non_null(
		strstr(doc, "<feature name=\"org.gnu.gdb.riscv.fpu\">"));
	assert_non_null(strstr(doc, "<reg name=\"ft0\" bitsize=\"64\" "
				    "type=\"riscv_double\" regnum=\"33\"/>"));
	assert_non_null(strstr(doc, "<reg name=\"ft11\" bitsize=\"64\" "
				    "type=\"riscv_double\" regnum=\"64\"/>"));
	assert_non_null(strstr(doc, "<reg name=\"fflags\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"65\"/><reg "
				    "name=\"frm\" bitsize=\"64\" type=\"int\" "
				    "regnum=\"66\"/><reg name=\"fcsr\" "
				    "bitsize=\"64\" type=\"int\" "
				    "regnum=\"67\"/>"));
	assert_non_null(strstr(doc,
			       "<feature name=\"org.gnu.gdb.riscv.virtual\">"
			       "<reg name=\"priv\" bitsize=\"64\" "
			       "type=\"int\" regnum=\"68\"/></feature>"));
	assert_non_null(
		strstr(doc, "<feature name=\"org.gnu.gdb.riscv.csr\">"));
	/* CSRs at GDB_REG_CSR_BASE (69) + number. */
	assert_non_null(strstr(doc, "name=\"sstatus\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"325\""));
	assert_non_null(strstr(doc, "name=\"sie\" bitsize=\"64\" type=\"int\" "
				    "regnum=\"329\""));
	assert_non_null(strstr(doc, "name=\"stvec\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"330\""));
	assert_non_null(strstr(doc, "name=\"sscratch\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"389\""));
	assert_non_null(strstr(doc, "name=\"sepc\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"390\""));
	assert_non_null(strstr(doc, "name=\"scause\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"391\""));
	assert_non_null(strstr(doc, "name=\"stval\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"392\""));
	assert_non_null(strstr(doc, "name=\"sip\" bitsize=\"64\" type=\"int\" "
				    "regnum=\"393\""));
	assert_non_null(strstr(doc, "name=\"stimecmp\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"402\""));
	assert_non_null(strstr(doc, "name=\"satp\" bitsize=\"64\" "
				    "type=\"int\" regnum=\"453\""));
	assert_int_equal(count(doc, "<reg "), 33 + 35 + 1 + 10);
	assert_int_equal(count(doc, "<feature "), 4);
	assert_int_equal(count(doc, "</feature>"), 4);
	assert_true(strcmp(doc + len - 9, "</target>") == 0);
}

static void target_description_without_fpu_and_sstc(void **state)
{
	size_t len;
	const char *doc;

	(void)state;
	fake_ops.has_fpu = false;
	fake_ops.has_stimecmp = false;
	doc = read_target_xml(&len);
	assert_null(strstr(doc, "org.gnu.gdb.riscv.fpu"));
	assert_null(strstr(doc, "fflags"));
	assert_null(strstr(doc, "stimecmp"));
	assert_non_null(strstr(doc, "name=\"priv\" bitsize=\"64\" type=\"int\" "
				    "regnum=\"68\""));
	assert_int_equal(count(doc, "<reg "), 33 + 1 + 9);
}

/* gdb reads it in pieces of 0xffb; any piece size reassembles it. */
static void target_description_chunks(void **state)
{
	static char whole[8192], again[8192];
	size_t len, got = 0;
	const char *doc;

	(void)state;
	doc = read_target_xml(&len);
	memcpy(whole, doc, len);
	for (;;) {
		char request[64];
		const char *out;
		size_t n;

		snprintf(request, sizeof(request),
			 "qXfer:features:read:target.xml:%zx,ffb", got);
		feed_packet(request);
		out = output(&n);
		assert_true(n >= 6 && n - 6 <= 0xffb);
		memcpy(again + got, out + 3, n - 6);
		got += n - 6;
		output_clear();
		if (out[2] == 'l')
			break;
		assert_int_equal(out[2], 'm');
		assert_int_equal(n - 6, 0xffb);
	}
	assert_int_equal(got, len);
	assert_memory_equal(again, whole, len);
	assert_true(len > 0xffb); /* it did take two pieces */
}

static void read_registers(void **state)
{
	char expected[33 * 16 + 1] = "";

	(void)state;
	for (unsigned r = 0; r < 33; r++)
		strcat(expected, le64(fake.regs[1][r]));
	feed_packet("g");
	expect_reply(expected);
	/* 0x1122334455010000 + r: the low byte first. */
	assert_true(strncmp(expected, "0000015544332211", 16) == 0);

	expected[0] = '\0';
	for (unsigned r = 0; r < 33; r++)
		strcat(expected, le64(fake.regs[2][r]));
	feed_packet("Hg2");
	expect_reply("OK");
	feed_packet("g");
	expect_reply(expected);
}

/* An offline vCPU has no registers: gdb's "unavailable" ('x' digits),
 * so "info threads" still lists it. */
static void read_registers_of_offline_thread(void **state)
{
	char expected[33 * 16 + 1];

	(void)state;
	fake.offline[2] = true;
	memset(expected, 'x', 33 * 16);
	expected[33 * 16] = '\0';
	feed_packet("Hg2");
	expect_reply("OK");
	feed_packet("g");
	expect_reply(expected);
	feed_packet("p20");
	expect_reply("xxxxxxxxxxxxxxxx");
	feed_packet("P20=0000000000000000");
	expect_reply("E22");
	feed_packet("G");
	expect_reply("E22");
}

static void read_registers_errors(void **state)
{
	(void)state;
	feed_packet("Hg3");
	expect_reply("OK");
	fake.num_threads = 2; /* thread 3 went away (another VM) */
	feed_packet("g");
	expect_reply("E22");
	feed_packet("p0");
	expect_reply("E22");
	feed_packet("Hg1");
	expect_reply("OK");
	fake.read_reg_error = HV_EFAULT;
	feed_packet("g");
	expect_reply("E14");
}

static void write_registers(void **state)
{
	char packet[1 + 33 * 16 + 1] = "G";

	(void)state;
	for (unsigned r = 0; r < 33; r++)
		strcat(packet, le64(0xa5a5000000000000ull + r * 0x0101));
	feed_packet(packet);
	expect_reply("OK");
	for (unsigned r = 0; r < 33; r++)
		assert_true(fake.regs[1][r] ==
			    0xa5a5000000000000ull + r * 0x0101);
	assert_true(fake.regs[2][0] == 0x1122334455020000ull);

	/* A bad digit anywhere: nothing is written. */
	packet[1 + 32 * 16] = 'g';
	uint64_t pc = fake.regs[1][32], x0 = fake.regs[1][0];
	fake.regs[1][0] = 7;
	feed_packet(packet);
	expect_reply("E22");
	assert_true(fake.regs[1][0] == 7 && fake.regs[1][32] == pc);
	(void)x0;
	packet[1 + 32 * 16] = '\0'; /* one register short */
	feed_packet(packet);
	expect_reply("E22");
}

static void read_one_register(void **state)
{
	(void)state;
	feed_packet("p20"); /* pc */
	expect_reply(le64(fake.regs[1][32]));
	feed_packet("p21"); /* f0 */
	expect_reply(le64(fake.regs[1][33]));
	feed_packet("p41"); /* fflags */
	expect_reply(le64(fake.regs[1][65]));
	feed_packet("p44"); /* priv */
	expect_reply(le64(fake.regs[1][68]));
	feed_packet("p145"); /* sstatus: 69 + 0x100 */
	expect_reply(le64(fake.regs[1][325]));
	feed_packet("p200"); /* not a register of the fake: E45 */
	expect_reply("E45");
	feed_packet("p");
	expect_reply("E22");
	feed_packet("p1z");
	expect_reply("E22");
	feed_packet("p100000");
	expect_reply("E22");
}

static void write_one_register(void **state)
{
	(void)state;
	feed_packet("P20=efcdab8967452301");
	expect_reply("OK");
	assert_true(fake.regs[1][32] == 0x0123456789abcdefull);
	feed_packet("P41=01000000"); /* four bytes: zero-extended */
	expect_reply("OK");
	assert_true(fake.regs[1][65] == 1);
	feed_packet("Hg2");
	expect_reply("OK");
	feed_packet("P1c5=8000000000000080"); /* satp */
	expect_reply("OK");
	assert_true(fake.regs[2][453] == 0x8000000000000080ull);
	static const char *const bad[] = {
		"P20=123", "P20", "P20=", "P=00", "P20=112233445566778899",
		"P20=zz"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E22");
	}
	feed_packet("P200=00");
	expect_reply("E45");
}

static void read_memory(void **state)
{
	(void)state;
	feed_packet("m80000000,4");
	expect_reply(hex_of(fake.mem, 4));
	feed_packet("m80000010,1");
	expect_reply(hex_of(fake.mem + 16, 1));
	feed_packet("Hg3");
	expect_reply("OK");
	feed_packet("m80003ffc,4"); /* the last bytes */
	expect_reply(hex_of(fake.mem + FAKE_MEM_SIZE - 4, 4));
	assert_int_equal(fake.mem_thread, 3);
	feed_packet("m80003ffd,4"); /* one past the end */
	expect_reply("E14");
	feed_packet("m0,4");
	expect_reply("E14");
	static const char *const bad[] = {"m80000000,0", "m80000000", "m,4",
					  "m80000000,4x",
					  "mffffffffffffffff,2"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E22");
	}
}

/* A long read is cut to what fits a reply: (PacketSize - 4) / 2 bytes. */
static void read_memory_is_capped(void **state)
{
	(void)state;
	feed_packet("m80000000,3000");
	expect_reply(hex_of(fake.mem, (GDB_PACKET_MAX - 4) / 2));
}

static void write_memory_hex(void **state)
{
	(void)state;
	feed_packet("M80000020,4:deadBEEF");
	expect_reply("OK");
	assert_memory_equal(fake.mem + 0x20, "\xde\xad\xbe\xef", 4);
	feed_packet("M80000020,0:");
	expect_reply("OK");
	feed_packet("M0,2:0102");
	expect_reply("E14");
	static const char *const bad[] = {"M80000020,4:dead", "M80000020,2:0",
					  "M80000020,1:zz", "M80000020,1",
					  "M80000020:01"};
	unsigned writes = fake.mem_writes;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		feed_packet(bad[i]);
		expect_reply("E22");
	}
	assert_int_equal(fake.mem_writes, writes);
}

/* Binary data with '}' escapes: '$' 0x24, '#' 0x23, '}' 0x7d, '*' 0x2a
 * are sent as '}' and the byte xor 0x20. */
static void write_memory_binary(void **state)
{
	static const char packet[] = "X80000040,7:a}\x04}\x03}]}\x0a\x00\xff";

	(void)state;
	feed_packet_n(packet, sizeof(packet) - 1);
	expect_reply("OK");
	assert_memory_equal(fake.mem + 0x40, "a$#}*\x00\xff", 7);
	/* gdb's probe for X */
	unsigned writes = fake.mem_writes;
	feed_packet("X80000040,0:");
	expect_reply("OK");
	assert_int_equal(fake.mem_writes, writes);
	feed_packet("X80000040,2:a}");
	expect_reply("E22"); /* a dangling escape */
	feed_packet("X80000040,3:ab");
	expect_reply("E22");
	feed_packet("X0,1:a");
	expect_reply("E14");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, gdb_test_setup)
		T(q_supported_reply),
		T(connection_queries),
		T(thread_list),
		T(thread_alive),
		T(thread_ids_are_hex),
		T(set_thread),
		T(thread_extra_info),
		T(thread_list_xml),
		T(thread_list_xml_chunks),
		T(xfer_errors),
		T(target_description),
		T(target_description_without_fpu_and_sstc),
		T(target_description_chunks),
		T(read_registers),
		T(read_registers_of_offline_thread),
		T(read_registers_errors),
		T(write_registers),
		T(read_one_register),
		T(write_one_register),
		T(read_memory),
		T(read_memory_is_capped),
		T(write_memory_hex),
		T(write_memory_binary),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
