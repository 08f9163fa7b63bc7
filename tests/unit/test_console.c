// SPDX-License-Identifier: MIT
/*
 * The console multiplexer (hv/core/console.c), hypervisor messages
 * (hv/core/printk.c) and a VM's device glue (hv/vdev/vdev.c) on the fake
 * machine. The host UART is played here: what the console writes to it
 * is recorded, and typed input is handed out byte by byte.
 *
 * console.c keeps its state in statics (focus, a pending Ctrl-], whose
 * partial line is on screen): every test leaves no partial line and no
 * pending escape behind.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/cpu_msg.h>
#include <hv/monitor.h>
#include <hv/printk.h>
#include <hv/vdev.h>
#include "drivers/uart16550.h"
#include "fake_machine.h"

#define SLICE 1000
#define ESC "\x1d"

static struct uart16550 host_uart;
static char screen[40000];
static size_t screen_len;
static const char *typed;
/* Bytes the fake UART takes before it reports busy (THRE clear) and
 * takes no more; -1: no limit. */
static long uart_room = -1;

bool uart16550_try_putc(struct uart16550 *uart, uint8_t byte)
{
	assert_ptr_equal(uart, &host_uart);
	if (uart_room == 0)
		return false;
	if (uart_room > 0)
		uart_room--;
	assert_true(screen_len < sizeof(screen) - 1);
	screen[screen_len++] = (char)byte;
	screen[screen_len] = 0;
	return true;
}

static bool tx_irq; /* the THR-empty interrupt the console asked for */

void uart16550_set_tx_irq(struct uart16550 *uart, bool on)
{
	assert_ptr_equal(uart, &host_uart);
	tx_irq = on;
}

int uart16550_getc(struct uart16550 *uart)
{
	assert_ptr_equal(uart, &host_uart);
	return typed && *typed ? (uint8_t)*typed++ : -1;
}

static void type(const char *text)
{
	typed = text;
	console_poll_input();
	assert_int_equal(*typed, 0);
}

static void clear_screen(void)
{
	screen_len = 0;
	screen[0] = 0;
}

static void vm_write(struct vm *vm, const char *text)
{
	for (; *text; text++)
		console_vm_putc(vm, (uint8_t)*text);
}

static struct vm *a, *b;

/* Two VMs (one vCPU each) sharing the console; VM "a" has focus. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	a = fake_vm_create("a", 1, 0);
	b = fake_vm_create("b", 1, 0);
	vdev_init(a);
	vdev_init(b);
	console_init(&host_uart);
	console_input_reset();
	console_monitor_reset();
	monitor_reset();
	uart_room = -1;
	tx_irq = false;
	fake_probe = NULL;
	console_set_num_vms(2);
	console_set_focus(0);
	clear_screen();
	return 0;
}

static void test_single_vm_passes_bytes_through(void **state)
{
	(void)state;
	console_set_num_vms(1);
	vm_write(a, "$ ls\r\nx");
	assert_string_equal(screen, "$ ls\r\nx");
	console_write_hypervisor("hv\n", 3);
	assert_string_equal(screen, "$ ls\r\nxhv\r\n");

	/* Every byte value, through both write paths, arrives as written. */
	uint8_t all[512];

	for (unsigned i = 0; i < sizeof(all); i++)
		all[i] = (uint8_t)(i * 7 + i / 256);
	clear_screen();
	for (unsigned i = 0; i < 256; i++)
		console_vm_putc(a, all[i]);
	assert_int_equal(console_vm_write(a, all + 256, 256), 256);
	assert_int_equal(screen_len, sizeof(all));
	assert_memory_equal(screen, all, sizeof(all));
	struct console_stats stats;

	console_get_stats(a, &stats);
	assert_int_equal(stats.written, 7 + sizeof(all));
	assert_int_equal(stats.dropped, 0);
}

static void test_shared_console_prefixes_lines(void **state)
{
	(void)state;
	vm_write(a, "hello\r\n");
	assert_string_equal(screen, "[a] hello\r\n");
	vm_write(b, "par");
	vm_write(a, "more\n");
	vm_write(b, "tial\n");
	assert_string_equal(screen, "[a] hello\r\n[a] more\r\n[b] partial\r\n");

	/* A full buffer is shown as a partial line; its owner goes on
	 * without a new prefix, anyone else starts a new line. */
	char line[VM_CONSOLE_LINE_MAX + 1];

	memset(line, 'x', VM_CONSOLE_LINE_MAX);
	line[VM_CONSOLE_LINE_MAX] = 0;
	clear_screen();
	vm_write(a, line);
	assert_int_equal(screen_len, 4 + VM_CONSOLE_LINE_MAX);
	assert_memory_equal(screen, "[a] xxx", 7);
	vm_write(a, "yz\n");
	assert_string_equal(screen + 4 + VM_CONSOLE_LINE_MAX, "yz\r\n");
	clear_screen();
	vm_write(a, line);
	vm_write(b, "q\n");
	assert_string_equal(screen + 4 + VM_CONSOLE_LINE_MAX, "\r\n[b] q\r\n");
	clear_screen();
	vm_write(a, line);
	console_write_hypervisor("hv: x\n", 6);
	assert_string_equal(screen + 4 + VM_CONSOLE_LINE_MAX, "\r\nhv: x\r\n");
}

/* A prompt (a partial line) shows early only for the VM a person types
 * to, and only while they type. */
static void test_flush_shows_the_focused_prompt(void **state)
{
	(void)state;
	type("\r");
	assert_int_equal(console_vm_getc(a), '\r');
	vm_write(a, "$ ");
	vm_write(b, "# ");
	console_vm_flush(b); /* no focus */
	assert_string_equal(screen, "");
	console_vm_flush(a);
	assert_string_equal(screen, "[a] $ ");
	vm_write(a, "ls\n");
	assert_string_equal(screen, "[a] $ ls\r\n");

	/* Six seconds later nobody is typing: whole lines only. */
	clear_screen();
	fake_advance_time(6 * FAKE_TIMEBASE_HZ);
	vm_write(a, "> ");
	console_vm_flush(a);
	assert_string_equal(screen, "");
	vm_write(a, "\n");
	vm_write(b, "\n");
	assert_string_equal(screen, "[a] > \r\n[b] # \r\n");
}

static void test_input_goes_to_the_focused_vm(void **state)
{
	(void)state;
	uint64_t value = 0;

	type("ab");
	assert_int_equal(console_vm_getc(a), 'a');
	assert_int_equal(console_vm_getc(a), 'b');
	assert_int_equal(console_vm_getc(a), -1);
	assert_int_equal(console_vm_getc(b), -1);
	/* The bytes reached its UART too. */
	assert_int_equal(vdev_access(a, gpa(GUEST_UART_BASE), 1, false, &value),
			 HV_OK);
	assert_int_equal(value, 'a');

	/* Ctrl-] n: the next VM; Ctrl-] digit: that VM. */
	type(ESC "nc");
	assert_non_null(strstr(screen, "hartvisor: console input -> b\r\n"));
	assert_int_equal(console_vm_getc(b), 'c');
	assert_int_equal(console_vm_getc(a), -1);
	type(ESC "n" ESC "1d" ESC "0e");
	assert_int_equal(console_vm_getc(b), 'd');
	assert_int_equal(console_vm_getc(a), 'e');
	/* Ctrl-] twice is a literal Ctrl-]; an unknown VM keeps focus. */
	clear_screen();
	type(ESC ESC ESC "9f");
	assert_int_equal(console_vm_getc(a), 0x1d);
	assert_int_equal(console_vm_getc(a), 'f');
	assert_string_equal(screen, "\r\nhartvisor: console input -> a\r\n");

	/* A stopped VM's input is dropped; a full queue drops the rest. */
	__atomic_store_n(&a->status, VM_STOPPED, __ATOMIC_RELEASE);
	type("g");
	__atomic_store_n(&a->status, VM_RUNNING, __ATOMIC_RELEASE);
	assert_int_equal(console_vm_getc(a), -1);
	char many[CONSOLE_INPUT_SIZE + 11];

	memset(many, 'h', sizeof(many) - 1);
	many[sizeof(many) - 1] = 0;
	type(many);
	for (unsigned i = 0; i < CONSOLE_INPUT_SIZE; i++)
		assert_int_equal(console_vm_getc(a), 'h');
	assert_int_equal(console_vm_getc(a), -1);
}

/* Input a VM cannot take is counted, and reported when the VM stops. */
static void test_input_overflow_is_reported(void **state)
{
	(void)state;
	static char many[CONSOLE_INPUT_SIZE + 11];
	struct console_stats stats;
	uint64_t value = 0x01; /* IER: received data available */

	/* "a" reads the SBI console: its queue's overflow is lost. */
	assert_int_equal(console_vm_getc(a), -1);
	memset(many, 'h', sizeof(many) - 1);
	type(many);
	console_get_stats(a, &stats);
	assert_int_equal(stats.input_dropped, 10);
	__atomic_store_n(&a->status, VM_STOPPED, __ATOMIC_RELEASE);
	console_vm_flush(a);
	assert_non_null(strstr(screen, "hartvisor: VM \"a\": the console "
				       "dropped 0 output and 10 input "
				       "byte(s)\r\n"));

	/* "b" reads its UART (receive interrupt on): a full SBI queue is
	 * no loss while the UART FIFO takes the bytes, a full FIFO is. */
	assert_int_equal(
		vdev_access(b, gpa(GUEST_UART_BASE + 1), 1, true, &value),
		HV_OK);
	type(ESC "1");
	type(many); /* 4106 bytes: 10 too many for the UART too */
	console_get_stats(b, &stats);
	assert_int_equal(stats.input_dropped,
			 sizeof(many) - 1 - VUART_RX_FIFO_SIZE);
	assert_int_equal(vdev_access(b, gpa(GUEST_UART_BASE), 1, false, &value),
			 HV_OK);
	assert_int_equal(value, 'h');
	type("i"); /* room for one again */
	console_get_stats(b, &stats);
	assert_int_equal(stats.input_dropped,
			 sizeof(many) - 1 - VUART_RX_FIFO_SIZE);
}

static void advance_on_time_reads(enum fake_probe point)
{
	if (point == FAKE_PROBE_TIME)
		fake_time += FAKE_TIMEBASE_HZ / 1000; /* 1 ms per read */
}

/* A host UART that never takes a byte hangs nobody: VM writes return at
 * once, a hypervisor message returns after CONSOLE_STALL_MS, and what
 * could not be shown is counted as dropped. */
static void test_stalled_uart_blocks_nobody(void **state)
{
	(void)state;
	static uint8_t flood[CONSOLE_RING_SIZE + 100];
	struct console_stats stats;

	console_set_num_vms(1);
	uart_room = 0;
	memset(flood, 'f', sizeof(flood));
	/* DBCN takes what fits in the ring and says so. */
	assert_int_equal(console_vm_write(a, flood, sizeof(flood)),
			 CONSOLE_RING_SIZE);
	/* One byte left the ring for the UART (which did not take it). */
	assert_int_equal(console_vm_write(a, flood, 10), 1);
	assert_int_equal(console_vm_write(a, flood, 10), 0);
	/* putchar and the UART's THR drop and count. */
	vm_write(a, "xyz");
	console_get_stats(a, &stats);
	assert_int_equal(stats.dropped, 3);
	assert_int_equal(stats.written, 0);
	assert_false(console_uart_stalled());

	/* Time passes (1 ms per clock read): the UART is declared stalled,
	 * and everything waiting is dropped. */
	fake_probe = advance_on_time_reads;
	uint64_t start = fake_time;

	console_write_hypervisor("lost\n", 5);
	assert_true(console_uart_stalled());
	assert_false(tx_irq); /* a stalled UART raises none */
	assert_in_range(fake_time - start,
			CONSOLE_STALL_MS * (FAKE_TIMEBASE_HZ / 1000),
			(CONSOLE_STALL_MS + 5) * (FAKE_TIMEBASE_HZ / 1000));
	console_get_stats(a, &stats);
	assert_int_equal(stats.dropped, 3 + CONSOLE_RING_SIZE + 1);
	console_get_stats(NULL, &stats);
	assert_int_equal(stats.dropped, 5);
	/* While stalled, nothing waits at all. */
	start = fake_time;
	console_write_hypervisor("gone\n", 5);
	assert_true(fake_time - start < 3 * (FAKE_TIMEBASE_HZ / 1000));
	assert_int_equal(console_vm_write(a, flood, 100), 100);
	console_get_stats(a, &stats);
	assert_int_equal(stats.dropped, 103 + CONSOLE_RING_SIZE + 1);
	assert_int_equal(screen_len, 0);

	/* The UART comes back: output flows again. */
	uart_room = -1;
	vm_write(a, "ok\r\n");
	assert_false(console_uart_stalled());
	assert_string_equal(screen, "ok\r\n");
}

/* A UART that is busy for a while (not stalled) loses nothing: the ring
 * keeps the bytes and the next pass sends them. */
static void test_busy_uart_keeps_output(void **state)
{
	(void)state;
	console_set_num_vms(1);
	uart_room = 3;
	vm_write(a, "abcdefgh");
	assert_string_equal(screen, "abc");
	/* The THR-empty interrupt will bring the console hart back. */
	assert_true(tx_irq);
	uart_room = -1;
	console_drain();
	assert_string_equal(screen, "abcdefgh");
	assert_false(tx_irq); /* nothing waits: no interrupt storm */
	struct console_stats stats;

	console_get_stats(a, &stats);
	assert_int_equal(stats.dropped, 0);
	assert_int_equal(stats.written, 8);
}

/* A stopped VM's last output goes out whole before its report, and the
 * hart serves other harts' messages while a slow UART takes it (a full
 * ring is 1.4 s at 115200 baud). */
static unsigned served, relaxes;

static void note_served(void *arg)
{
	(void)arg;
	served++;
}

static void uart_frees_slowly(enum fake_probe point)
{
	if (point != FAKE_PROBE_RELAX)
		return;
	if (++relaxes == 1) /* another hart's message comes meanwhile */
		assert_int_equal(cpu_msg_post(&cpus[0], note_served, NULL),
				 HV_OK);
	uart_room = 2; /* two more bytes each pause */
}

static void test_stopped_vm_flush_serves_messages(void **state)
{
	(void)state;
	console_set_num_vms(1);
	uart_room = 0;
	vm_write(a, "last words");
	assert_int_equal(screen_len, 0);
	__atomic_store_n(&a->status, VM_STOPPED, __ATOMIC_RELEASE);
	served = relaxes = 0;
	fake_probe = uart_frees_slowly;
	console_vm_flush(a);
	fake_probe = NULL;
	assert_string_equal(screen, "last words");
	assert_int_equal(served, 1);
	assert_true(relaxes >= 5);
}

/* Every line on screen is "[a] " + `a_len` copies of 'f' or "[b] tick":
 * no line was cut by another's. Returns the number of b's lines. */
static unsigned assert_lines_whole(size_t a_len)
{
	unsigned b_lines = 0;

	for (const char *line = screen; *line;) {
		const char *end = strstr(line, "\r\n");

		assert_non_null(end);
		if (strncmp(line, "[b] ", 4) == 0) {
			assert_int_equal(end - line, 8);
			assert_memory_equal(line, "[b] tick", 8);
			b_lines++;
		} else {
			assert_int_equal((size_t)(end - line), 4 + a_len);
			assert_memory_equal(line, "[a] ", 4);
			for (size_t i = 0; i < a_len; i++)
				assert_int_equal(line[4 + i], 'f');
		}
		line = end + 2;
	}
	return b_lines;
}

/* A VM flooding the console cannot starve another: a pass moves at most
 * CONSOLE_DRAIN_BUDGET bytes (and the end of a line), a turn
 * CONSOLE_DRAIN_QUANTUM bytes from each ring (and the end of the line),
 * so the other VM's line is out within the first pass, and no line is
 * cut by another's (lines longer than the quantum here). */
static void test_flood_cannot_starve_another_vm(void **state)
{
	(void)state;
	static char flood[8001];

	memset(flood, 'f', sizeof(flood) - 1);
	for (unsigned i = 79; i < sizeof(flood) - 1; i += 80)
		flood[i] = '\n';
	uart_room = 0; /* busy: everything waits in the rings */
	vm_write(a, flood);
	vm_write(b, "tick\n");
	uart_room = -1;
	console_drain();
	assert_int_equal(assert_lines_whole(79), 1);
	/* Ring bytes moved in that pass: one byte of "a" staged when the
	 * UART turned busy, then "a" to the end of its line, all 5 of "b",
	 * then whole lines of "a" until the budget is spent. */
	struct console_stats sa, sb;

	console_get_stats(a, &sa);
	console_get_stats(b, &sb);
	assert_int_equal(sb.written, 5);
	assert_int_equal(sa.written, 4 * 80);
	assert_true(sa.written + sb.written >= CONSOLE_DRAIN_BUDGET);
	assert_true(sa.written + sb.written <=
		    1 + CONSOLE_DRAIN_BUDGET + VM_CONSOLE_LINE_MAX);
	assert_true(tx_irq); /* the rest goes at the THR-empty interrupt */
	/* Later passes bring the rest, losing nothing. */
	for (unsigned pass = 0; pass < 100; pass++)
		console_drain();
	console_get_stats(a, &sa);
	assert_int_equal(sa.written, sizeof(flood) - 1);
	assert_int_equal(sa.dropped, 0);
	assert_false(tx_irq);
	assert_int_equal(assert_lines_whole(79), 1);
}

/* A busy UART stops a pass inside a line: the next pass finishes that
 * line before any other ring's (the "[linux1] HVTEST DATA" line of 72
 * bytes once came out as two lines, the other VM's line between). */
static void test_busy_uart_mid_line_keeps_the_line_whole(void **state)
{
	(void)state;
	char line[74];

	memset(line, 'f', 72);
	line[72] = '\n';
	line[73] = 0;
	for (long room = 1; room < 90; room += 7) {
		clear_screen();
		uart_room = room; /* busy after `room` bytes of "[a] fff..." */
		vm_write(a, line);
		vm_write(b, "tick\n");
		vm_write(a, line);
		uart_room = -1;
		for (unsigned pass = 0; pass < 10; pass++)
			console_drain();
		assert_int_equal(assert_lines_whole(72), 1);
		assert_int_equal(screen_len, 2 * (4 + 72 + 2) + 10);
	}
}

/* Ctrl-] m opens the monitor: typed lines are its commands (echoed, with
 * backspace), guests' output waits until quit, and input no longer goes
 * to the focused VM. */
static void test_console_monitor(void **state)
{
	(void)state;
	type(ESC "m");
	assert_string_equal(screen, "\r\nhartvisor monitor: `help` lists the "
				    "commands, `quit` leaves\r\nmonitor> ");
	vm_write(b, "held\n"); /* waits while the monitor is open */
	clear_screen();
	type("vmx\x7fs\r");
	assert_string_equal(screen,
			    "vmx\b \bs\r\n"
			    "* 0 a            1 vCPU(s), 0 MiB, running\r\n"
			    "  1 b            1 vCPU(s), 0 MiB, running\r\n"
			    "monitor> ");
	assert_int_equal(console_vm_getc(a), -1);
	clear_screen();
	type("weight b 1000\r");
	assert_string_equal(screen, "weight b 1000\r\nweight of \"b\" is now "
				    "1000\r\nmonitor> ");
	assert_int_equal(b->sched.weight, 1000);
	clear_screen();
	type("weight b\rbogus 1\r\r");
	assert_string_equal(screen,
			    "weight b\r\nusage: weight VM N\r\nmonitor> "
			    "bogus 1\r\nunknown command \"bogus 1\"; "
			    "try \"help\"\r\nmonitor> \r\nmonitor> ");
	clear_screen();
	type("help\r");
	assert_non_null(strstr(screen, "quit              close the monitor\r\n"
				       "vms               the VMs (* = console "
				       "input focus)\r\n"));
	assert_non_null(strstr(screen, "pause VM "));
	clear_screen();
	type("quit\r");
	assert_string_equal(
		screen, "quit\r\nhartvisor: monitor closed\r\n[b] held\r\n");
	type("z");
	assert_int_equal(console_vm_getc(a), 'z');
}

/* The panic path writes without the console lock or ring. */
static void test_emergency_output(void **state)
{
	(void)state;
	uart_room = 0;
	vm_write(a, "waits"); /* not on screen: the UART is busy */
	uart_room = -1;
	console_write_emergency("dying\n", 6);
	assert_string_equal(screen, "dying\r\n");
	/* A dead UART: it gives up after its bounded wait. */
	uart_room = 0;
	fake_probe = advance_on_time_reads;
	console_write_emergency("x", 1);
	assert_string_equal(screen, "dying\r\n");
}

static void test_hypervisor_messages(void **state)
{
	(void)state;
	char long_text[600];

	hv_printf("x=%d\n", 5);
	hv_info("up %s", "now");
	assert_string_equal(screen, "x=5\r\nhartvisor: up now\r\n");
	memset(long_text, 'm', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = 0;
	clear_screen();
	hv_printf("%s", long_text); /* cut to the 511 bytes that fit */
	assert_int_equal(screen_len, 511);
	/* No console yet: messages go nowhere. */
	console_init(NULL);
	clear_screen();
	hv_printf("lost\n");
	assert_int_equal(screen_len, 0);
}

static sigjmp_buf halted;

static void on_abort(int sig)
{
	(void)sig;
	siglongjmp(halted, 1);
}

/* hv_panic prints its message, then stops the machine (hv/core/panic.c:
 * here no other hart is online, and the fake power-off aborts). */
static void test_panic_prints_and_halts(void **state)
{
	(void)state;
	struct sigaction catch = {.sa_handler = on_abort}, old;

	sigemptyset(&catch.sa_mask);
	assert_int_equal(sigaction(SIGABRT, &catch, &old), 0);
	if (sigsetjmp(halted, 1) == 0)
		hv_panic("bad %s %d", "thing", 7);
	sigaction(SIGABRT, &old, NULL);
	assert_string_equal(screen, "hartvisor: PANIC: bad thing 7\r\n"
				    "hartvisor: 0 of 0 other hart(s) halted; "
				    "powering off\r\n");
}

/* The device glue: MMIO windows, UART output to the console, and the
 * UART's interrupt through the PLIC into a vCPU's external line. */
static void test_device_windows_and_lines(void **state)
{
	(void)state;
	uint64_t value = 0;
	const uint64_t ctx0 = GUEST_PLIC_BASE + VPLIC_CONTEXT_BASE;

	assert_int_equal(vdev_access(a, gpa(GUEST_UART_BASE + VUART_MMIO_SIZE),
				     1, false, &value),
			 HV_ENOENT);
	assert_int_equal(
		vdev_access(a, gpa(GUEST_PLIC_BASE - 4), 4, false, &value),
		HV_ENOENT);
	assert_false(vdev_claims(a, gpa(GUEST_RAM_BASE)));
	assert_true(vdev_claims(a, gpa(GUEST_UART_BASE + VUART_MMIO_SIZE - 1)));

	/* Transmit: the byte is the VM's console output. */
	value = 'z';
	assert_int_equal(vdev_access(a, gpa(GUEST_UART_BASE), 1, true, &value),
			 HV_OK);
	vm_write(a, "\n");
	assert_string_equal(screen, "[a] z\r\n");

	/* Source 10 (the UART) at priority 1, enabled for context 0. */
	value = 1;
	assert_int_equal(vdev_access(a,
				     gpa(GUEST_PLIC_BASE + 4 * GUEST_UART_IRQ),
				     4, true, &value),
			 HV_OK);
	value = 1UL << GUEST_UART_IRQ;
	assert_int_equal(vdev_access(a,
				     gpa(GUEST_PLIC_BASE + VPLIC_ENABLE_BASE),
				     4, true, &value),
			 HV_OK);
	value = 0x01; /* IER: received data available */
	assert_int_equal(
		vdev_access(a, gpa(GUEST_UART_BASE + 1), 1, true, &value),
		HV_OK);
	value = 0x08; /* MCR: OUT2, the interrupt gate */
	assert_int_equal(
		vdev_access(a, gpa(GUEST_UART_BASE + 4), 1, true, &value),
		HV_OK);
	assert_false(a->vcpus[0].ext_irq_level);
	type("k");
	assert_true(a->vcpus[0].ext_irq_level);
	assert_false(b->vcpus[0].ext_irq_level);
	/* Claim, read the byte, complete: the line drops. */
	assert_int_equal(vdev_access(a, gpa(ctx0 + 4), 4, false, &value),
			 HV_OK);
	assert_int_equal(value, GUEST_UART_IRQ);
	assert_int_equal(vdev_access(a, gpa(GUEST_UART_BASE), 1, false, &value),
			 HV_OK);
	assert_int_equal(value, 'k');
	value = GUEST_UART_IRQ;
	assert_int_equal(vdev_access(a, gpa(ctx0 + 4), 4, true, &value), HV_OK);
	assert_false(a->vcpus[0].ext_irq_level);
	assert_int_equal(console_vm_getc(a), 'k');
	/* A bad width is the device's to refuse. */
	assert_int_equal(vdev_access(a, gpa(GUEST_PLIC_BASE), 2, false, &value),
			 HV_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_single_vm_passes_bytes_through,
				       setup),
		cmocka_unit_test_setup(test_shared_console_prefixes_lines,
				       setup),
		cmocka_unit_test_setup(test_flush_shows_the_focused_prompt,
				       setup),
		cmocka_unit_test_setup(test_input_goes_to_the_focused_vm,
				       setup),
		cmocka_unit_test_setup(test_input_overflow_is_reported, setup),
		cmocka_unit_test_setup(test_stalled_uart_blocks_nobody, setup),
		cmocka_unit_test_setup(test_stopped_vm_flush_serves_messages,
				       setup),
		cmocka_unit_test_setup(test_busy_uart_keeps_output, setup),
		cmocka_unit_test_setup(test_flood_cannot_starve_another_vm,
				       setup),
		cmocka_unit_test_setup(
			test_busy_uart_mid_line_keeps_the_line_whole, setup),
		cmocka_unit_test_setup(test_emergency_output, setup),
		cmocka_unit_test_setup(test_console_monitor, setup),
		cmocka_unit_test_setup(test_hypervisor_messages, setup),
		cmocka_unit_test_setup(test_panic_prints_and_halts, setup),
		cmocka_unit_test_setup(test_device_windows_and_lines, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
