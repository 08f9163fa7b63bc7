// SPDX-License-Identifier: MIT
/*
 * Host tests of the gdb protocol's framing (gdbstub/session.c, rsp.c):
 * acks, checksums, retransmission, input split anywhere, oversized,
 * truncated and garbage packets, no-ack mode, Ctrl-C, escapes, unknown
 * packets, and the encoding helpers. Every check is on the exact bytes
 * written.
 */
#include <stdio.h>
#include "test_gdb_fake.h"
#include "gdbstub/rsp.h"

/* Literal frames, checksums worked out by hand. */
static void good_packet_is_acked_and_answered(void **state)
{
	(void)state;
	feed("$qAttached#8f");
	expect_out("+$1#31");
	feed("$vMustReplyEmpty#3a");
	expect_out("+$#00");
	feed("$qSymbol::#5b");
	expect_out("+$OK#9a");
}

static void bad_checksum_gets_minus_and_no_action(void **state)
{
	(void)state;
	feed("$qAttached#8e");
	expect_out("-");
	feed("$D#45"); /* D's sum is 0x44 */
	expect_out("-");
	assert_int_equal(fake.detaches, 0);
	/* gdb sends it again, right this time. */
	feed("$qAttached#8f");
	expect_out("+$1#31");
}

static void non_hex_checksum_gets_minus(void **state)
{
	(void)state;
	feed("$qAttached#g8");
	expect_out("-");
	feed("$qAttached#8g");
	expect_out("-");
	feed("$qAttached#8F"); /* uppercase is hex */
	expect_out("+$1#31");
}

static void minus_retransmits_last_reply(void **state)
{
	(void)state;
	feed("-"); /* nothing sent yet: nothing to resend */
	expect_nothing();
	feed_packet("qOffsets");
	expect_reply("Text=0;Data=0;Bss=0");
	feed("-");
	expect_out(frame("Text=0;Data=0;Bss=0"));
	feed("--");
	expect_out_n("$Text=0;Data=0;Bss=0#04$Text=0;Data=0;Bss=0#04", 46);
	feed("+"); /* acks are taken silently */
	expect_nothing();
}

static void garbage_between_packets_is_ignored(void **state)
{
	(void)state;
	feed("\r\nhello#12+\x7f}*");
	expect_nothing();
	feed("junk$qAttached#8fmore junk");
	expect_out("+$1#31");
}

static void input_split_at_every_byte(void **state)
{
	const char *packet = "$m80000000,4#55";
	size_t len = strlen(packet);
	char expected[64];

	(void)state;
	snprintf(expected, sizeof(expected), "+%s", frame(hex_of(fake.mem, 4)));
	for (size_t cut = 0; cut <= len; cut++) {
		feed_n(packet, cut);
		feed_n(packet + cut, len - cut);
		expect_out(expected);
	}
	for (size_t i = 0; i < len; i++)
		feed_n(packet + i, 1);
	expect_out(expected);
}

static void several_packets_in_one_call(void **state)
{
	(void)state;
	feed("$qAttached#8f$qSymbol::#5b+$qC#b4");
	expect_out("+$1#31+$OK#9a+$QC1#c5");
}

static void empty_packet_gets_empty_reply(void **state)
{
	(void)state;
	feed("$#00");
	expect_out("+$#00");
}

/* Exactly GDB_PACKET_MAX bytes fit; one more is refused with E07. */
static void oversized_packet_is_refused_without_overflow(void **state)
{
	static char data[GDB_PACKET_MAX + 64];

	(void)state;
	memset(data, 'Q', sizeof(data));
	feed_packet_n(data, GDB_PACKET_MAX);
	expect_reply(""); /* unknown, but received whole */
	feed_packet_n(data, GDB_PACKET_MAX + 1);
	expect_reply("E07");
	feed_packet_n(data, sizeof(data));
	expect_reply("E07");
	/* The session still works, and the next packet is not confused. */
	feed_packet("qAttached");
	expect_reply("1");
}

static void oversized_packet_with_bad_checksum(void **state)
{
	static char data[GDB_PACKET_MAX * 2];

	(void)state;
	memset(data, 'a', sizeof(data));
	feed("$");
	feed_n(data, sizeof(data));
	feed("#11"); /* 8192 * 'a' sums to 0x00 */
	expect_out("-");
}

/* A '$' inside a packet: the cut packet is dropped, the new one counts. */
static void truncated_packet_then_new_packet(void **state)
{
	(void)state;
	feed("$m80000000,4");
	feed("$qAttached#8f");
	expect_out("+$1#31");
	feed("$qAttached#8");
	feed("$qAttached#8f");
	expect_out("+$1#31");
	feed("$qAttached#");
	feed("$qAttached#8f");
	expect_out("+$1#31");
}

static void no_ack_mode(void **state)
{
	(void)state;
	feed("$QStartNoAckMode#b0");
	expect_out("+$OK#9a"); /* acked and answered in ack mode */
	feed("+");	       /* gdb's ack of our OK */
	expect_nothing();
	feed("$qAttached#8f");
	expect_out("$1#31");
	feed("$qAttached#00"); /* a bad checksum: silently dropped */
	expect_nothing();
	feed("-"); /* no retransmission either */
	expect_nothing();
}

/* A new debugger (qSupported) after one that left us in no-ack mode gets
 * its ack at once, and the old one's breakpoints are dropped. */
static void reconnect_after_no_ack_session(void **state)
{
	(void)state;
	connect_gdb();
	assert_int_equal(fake.attaches, 1);
	feed("$QStartNoAckMode#b0");
	expect_out("+$OK#9a");
	feed_packet("vCont;c");
	assert_true(session.running);
	connect_gdb();
	assert_int_equal(fake.detaches, 1);
	assert_int_equal(fake.attaches, 2);
	assert_false(session.running);
	assert_false(session.no_ack);
	feed("$qAttached#8f");
	expect_out("+$1#31");
}

static void ctrl_c_interrupts_only_a_running_target(void **state)
{
	(void)state;
	feed("\x03");
	assert_int_equal(fake.interrupts, 0);
	expect_nothing();
	feed_packet("vCont;c");
	expect_out("+");
	feed("\x03");
	assert_int_equal(fake.interrupts, 1);
	expect_nothing(); /* the stop reply comes with the stop */
	gdb_session_stopped(&session,
			    &(struct gdb_stop){GDB_STOP_SIGINT, 2, 0});
	expect_out(frame("T02thread:2;"));
}

/* Inside a packet 0x03 is data (X carries raw binary). */
static void ctrl_c_byte_inside_packet_is_data(void **state)
{
	(void)state;
	feed_packet("vCont;c");
	expect_out("+");
	feed_packet_n("X80000000,2:\x03\x03", 14);
	expect_reply("OK");
	assert_int_equal(fake.interrupts, 0);
	assert_int_equal(fake.mem[0], 3);
	assert_int_equal(fake.mem[1], 3);
}

static void unknown_packets_get_empty_replies(void **state)
{
	static const char *const unknown[] = {
		"vMustReplyEmpty",
		"qTStatus",
		"qFooBar",
		"!",
		"R00",
		"vFile:open:6a7573742070726f62696e67,0,1c0",
		"qCRC:0,4",
		"qXfer:auxv:read::0,100",
		"QNonStop:1",
		"vCtrlC",
		"i",
		"bc",
		"qThreadExtraInfox",
		"vContinue",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		feed_packet(unknown[i]);
		expect_reply("");
	}
	assert_int_equal(fake.resumes, 0);
}

/* Reply bytes '$', '#', '}' and '*' are escaped ('}' then xor 0x20). */
static void replies_escape_special_bytes(void **state)
{
	(void)state;
	strcpy(fake.name[1], "$#}*");
	feed_packet("qXfer:threads:read::1e,22");
	/* Document bytes 0x1e..0x3f: thread 1's tag with the escaped name. */
	expect_reply("m<thread id=\"1\" core=\"0\" name=\"}\x04}\x03}]}\x0a");
}

static void hex_helpers(void **state)
{
	uint8_t out[4];
	char data[8];
	struct rsp_cursor c;
	uint64_t v;

	(void)state;
	assert_int_equal(rsp_hex_decode("0aFf", 4, out, 4), 2);
	assert_int_equal(out[0], 0x0a);
	assert_int_equal(out[1], 0xff);
	assert_true(rsp_hex_decode("0a1", 3, out, 4) == RSP_BAD_SIZE);
	assert_true(rsp_hex_decode("0g", 2, out, 4) == RSP_BAD_SIZE);
	assert_true(rsp_hex_decode("0011223344", 10, out, 4) == RSP_BAD_SIZE);

	memcpy(data, "a}]b}", 5);
	assert_int_equal(rsp_unescape(data, 3), 2);
	assert_memory_equal(data, "a}", 2);
	memcpy(data, "a}]b}", 5);
	assert_true(rsp_unescape(data, 5) == RSP_BAD_SIZE);

	memcpy(data, "ffffffff", 8);
	c = (struct rsp_cursor){data, data + 8};
	assert_true(rsp_parse_hex(&c, &v));
	assert_true(v == 0xffffffffull && rsp_at_end(&c));
	c = (struct rsp_cursor){data, data};
	assert_false(rsp_parse_hex(&c, &v));
	assert_int_equal(rsp_checksum("OK", 2), 0x9a);
}

static void seventeen_hex_digits_do_not_fit(void **state)
{
	(void)state;
	feed_packet("m00000000080000000,4"); /* 17 digits, value fits */
	expect_reply("E22");
	feed_packet("m0000000080000000,4"); /* 16 */
	expect_reply(hex_of(fake.mem, 4));
}

static void error_codes(void **state)
{
	(void)state;
	assert_int_equal(rsp_errno_from_hv(HV_EFAULT), 14);
	assert_int_equal(rsp_errno_from_hv(HV_EINVAL), 22);
	assert_int_equal(rsp_errno_from_hv(HV_ESTOPPED), 22);
	assert_int_equal(rsp_errno_from_hv(HV_EFAIL), 1);
	assert_int_equal(rsp_errno_from_hv(-99), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup(name, gdb_test_setup)
		T(good_packet_is_acked_and_answered),
		T(bad_checksum_gets_minus_and_no_action),
		T(non_hex_checksum_gets_minus),
		T(minus_retransmits_last_reply),
		T(garbage_between_packets_is_ignored),
		T(input_split_at_every_byte),
		T(several_packets_in_one_call),
		T(empty_packet_gets_empty_reply),
		T(oversized_packet_is_refused_without_overflow),
		T(oversized_packet_with_bad_checksum),
		T(truncated_packet_then_new_packet),
		T(no_ack_mode),
		T(reconnect_after_no_ack_session),
		T(ctrl_c_interrupts_only_a_running_target),
		T(ctrl_c_byte_inside_packet_is_data),
		T(unknown_packets_get_empty_replies),
		T(replies_escape_special_bytes),
		T(hex_helpers),
		T(seventeen_hex_digits_do_not_fit),
		T(error_codes),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
