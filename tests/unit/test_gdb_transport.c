// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the gdb stub's UART transport (gdbstub/transport.c)
 * with a fake pci-serial: config space played by callbacks, the UART's
 * registers a byte array standing for PCI I/O space (a test sets LSR to
 * say what the device is ready for), time that advances by one tick per
 * arch_relax(), and a fake session that records what reaches it.
 *
 * The transport keeps one state for the program's life, as it does in
 * the hypervisor; the tests run in order over it (absent device first).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/host_irq.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include "drivers/pci.h"
#include "gdbstub/stub.h"
#include "gdbstub/transport.h"

#define UART_PORT 0x1000
#define LSR 5
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define TIMEBASE 10000000 /* 10 MHz, as QEMU virt */

/* What the transport links against, played here. */
struct platform platform = {.timebase_frequency = TIMEBASE};
struct cpu cpus[HV_MAX_HARTS];
struct cpu *fake_current_cpu;
static uint64_t now;
static unsigned relaxes, serving_relaxes;
static unsigned plic_source, plic_hart;
static char last_line[256];
static unsigned lines;

uint64_t arch_time_now(void)
{
	return now;
}

void arch_relax(void)
{
	relaxes++;
	now++;
}

/* Only a wait for the transport lock serves; single-threaded, the lock
 * is never busy, so a wait is a self-deadlock. */
void cpu_relax_serving(void)
{
	if (++serving_relaxes > 1000)
		fail_msg("spinning on the transport lock");
	arch_relax();
}

void hv_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_line, sizeof(last_line), fmt, ap);
	va_end(ap);
	lines++;
}

void host_irq_route(unsigned source, void (*handler)(void))
{
	assert_ptr_equal(handler, gdb_transport_handle_irq);
	plic_source = source;
	plic_hart = this_cpu()->hartid;
}

/* The fake session. */
static struct {
	unsigned inits, stops;
	const struct gdb_target_ops *ops;
	void *target;
	gdb_write_fn write;
	char received[1024];
	size_t received_len, calls;
	bool clear_dr_on_receive; /* the device then has nothing more */
	bool in_receive;
	bool stop_on_ctrl_c; /* receive reports a stop, as a pause that
				completes at once would */
	struct gdb_stop last_stop;
} fake_session;
static volatile uint8_t io_space[0x2000]; /* PCI I/O ports 0..0x1fff */

void gdb_session_init(struct gdb_session *s, const struct gdb_target_ops *ops,
		      void *target, gdb_write_fn write, void *write_ctx)
{
	assert_ptr_equal(s, gdb_transport_session());
	assert_null(write_ctx);
	fake_session.inits++;
	fake_session.ops = ops;
	fake_session.target = target;
	fake_session.write = write;
}

void gdb_session_receive(struct gdb_session *s, const char *data, size_t len)
{
	assert_ptr_equal(s, gdb_transport_session());
	assert_true(fake_session.received_len + len <=
		    sizeof(fake_session.received));
	memcpy(fake_session.received + fake_session.received_len, data, len);
	fake_session.received_len += len;
	fake_session.calls++;
	if (fake_session.clear_dr_on_receive)
		io_space[UART_PORT + LSR] &= (uint8_t)~LSR_DR;
	if (fake_session.stop_on_ctrl_c && data[0] == 0x03) {
		struct gdb_stop stop = {GDB_STOP_SIGINT, 1, 0};

		fake_session.in_receive = true;
		gdb_transport_report_stop(&stop);
		fake_session.in_receive = false;
	}
}

/* The stub's receive path (gdbstub/stub.c) decides where bytes are
 * processed; here they go straight to the fake session. */
void gdb_stub_receive(struct gdb_session *s, const char *data, size_t len)
{
	gdb_session_receive(s, data, len);
}

void gdb_session_stopped(struct gdb_session *s, const struct gdb_stop *stop)
{
	assert_ptr_equal(s, gdb_transport_session());
	/* Never inside another session call. */
	assert_false(fake_session.in_receive);
	fake_session.last_stop = *stop;
	fake_session.stops++;
}

/* One function, QEMU's pci-serial as measured, at 00:01.0 (or none). */
static uint8_t serial_config[256];
static bool serial_present;

static uint32_t fake_read(void *ctx, uint64_t offset, unsigned width)
{
	unsigned reg = offset & 0xfff;
	uint32_t value = 0;

	(void)ctx;
	if (!serial_present || (offset >> 12) != (1 << 3) || reg >= 256)
		return width == 4 ? 0xffffffff : (1U << (8 * width)) - 1;
	for (unsigned i = 0; i < width; i++)
		value |= (uint32_t)serial_config[reg + i] << (8 * i);
	return value;
}

static void fake_write(void *ctx, uint64_t offset, unsigned width,
		       uint32_t value)
{
	unsigned reg = offset & 0xfff;

	(void)ctx;
	if (!serial_present || (offset >> 12) != (1 << 3) || reg >= 256)
		return;
	if (reg == PCI_BAR0)
		value = (value & 0xfffffff8) | PCI_BAR_IO; /* 8 ports */
	for (unsigned i = 0; i < width; i++)
		serial_config[reg + i] = (uint8_t)(value >> (8 * i));
}

static const struct pci_config_ops fake_ops = {fake_read, fake_write};
static const struct pci_host fake_host = {&fake_ops, NULL, 1};

static int setup_machine(void **state)
{
	(void)state;
	cpus[0] = (struct cpu){.index = 0, .hartid = 3, .present = true};
	fake_current_cpu = &cpus[0];
	serial_config[0] = 0x36; /* vendor 0x1b36 */
	serial_config[1] = 0x1b;
	serial_config[2] = 0x02;    /* device 0x0002 */
	serial_config[0x09] = 0x02; /* class 0x07, subclass 0x00, if 0x02 */
	serial_config[0x0b] = 0x07;
	serial_config[PCI_BAR0] = PCI_BAR_IO;
	serial_config[PCI_INTERRUPT_PIN] = 1;
	return 0;
}

static void test_absent_device_costs_nothing(void **state)
{
	struct gdb_transport_stats stats;
	struct gdb_stop stop = {GDB_STOP_SIGINT, 1, 0};

	(void)state;
	serial_present = false;
	gdb_transport_init_host(&fake_host, ptr_to_hpa((void *)io_space));
	assert_string_equal(
		last_line,
		"hartvisor: gdb: no pci-serial device; the gdb stub is off\n");
	assert_false(gdb_transport_present());
	assert_int_equal(gdb_transport_irq_source(), 0);
	assert_int_equal(plic_source, 0);
	assert_false(gdb_transport_attach(NULL, NULL));
	gdb_transport_handle_irq();
	gdb_transport_write(NULL, "abc", 3);
	gdb_transport_report_stop(&stop);
	gdb_transport_get_stats(&stats);
	assert_int_equal(stats.rx_bytes + stats.tx_bytes + stats.tx_dropped, 0);
	assert_int_equal(fake_session.inits + fake_session.stops, 0);
	for (size_t i = 0; i < sizeof(io_space); i++)
		assert_int_equal(io_space[i], 0);
}

static void test_bring_up(void **state)
{
	const volatile uint8_t *regs = io_space + UART_PORT;

	(void)state;
	serial_present = true;
	gdb_transport_init_host(&fake_host, ptr_to_hpa((void *)io_space));
	assert_string_equal(last_line,
			    "hartvisor: gdb: stub on pci-serial 00:01.0, I/O "
			    "port 0x1000, PLIC source 33\n");
	assert_true(gdb_transport_present());
	assert_int_equal(gdb_transport_irq_source(), 33);
	assert_int_equal(plic_source, 33);
	assert_int_equal(plic_hart, 3); /* this hart's physical id */
	assert_int_equal(serial_config[PCI_BAR0], 0x01);
	assert_int_equal(serial_config[PCI_BAR0 + 1], 0x10);
	assert_int_equal(serial_config[PCI_COMMAND] & PCI_COMMAND_IO,
			 PCI_COMMAND_IO);
	/* The registers as the UART was left: IER = receive interrupt,
	 * 8N1 with DLAB off, FIFOs on, OUT2. */
	assert_int_equal(regs[1], 0x01);
	assert_int_equal(regs[2], 0x07);
	assert_int_equal(regs[3], 0x03);
	assert_int_equal(regs[4], 0x0b);
}

static void test_receive_before_attach_is_bounded_and_discarded(void **state)
{
	struct gdb_transport_stats stats;

	(void)state;
	/* A device that always has data: the drain must stop by itself. */
	io_space[UART_PORT] = 'x';
	io_space[UART_PORT + LSR] = LSR_DR | LSR_THRE;
	lines = 0;
	gdb_transport_handle_irq();
	gdb_transport_handle_irq();
	gdb_transport_get_stats(&stats);
	assert_true(stats.rx_bytes > 0 && stats.rx_bytes <= 2 * 1024);
	assert_int_equal(stats.rx_discarded, stats.rx_bytes);
	assert_int_equal(fake_session.calls, 0);
	assert_int_equal(lines, 1); /* reported once */
	assert_non_null(strstr(last_line, "no stub is attached; discarded"));
	io_space[UART_PORT + LSR] = LSR_THRE;
}

static void test_attach_and_receive(void **state)
{
	static const struct gdb_target_ops ops;
	int target;
	struct gdb_stop stop = {GDB_STOP_SIGINT, 2, 0};

	(void)state;
	assert_true(gdb_transport_attach(&ops, &target));
	assert_int_equal(fake_session.inits, 1);
	assert_ptr_equal(fake_session.ops, &ops);
	assert_ptr_equal(fake_session.target, &target);
	assert_ptr_equal(fake_session.write, gdb_transport_write);
	/* Ctrl-C while the target runs. */
	io_space[UART_PORT] = 0x03;
	io_space[UART_PORT + LSR] = LSR_DR | LSR_THRE;
	fake_session.clear_dr_on_receive = true;
	gdb_transport_handle_irq();
	assert_int_equal(fake_session.calls, 1);
	assert_true(fake_session.received_len >= 1);
	for (size_t i = 0; i < fake_session.received_len; i++)
		assert_int_equal(fake_session.received[i], 0x03);
	/* With the lock free, a stop is delivered at once. */
	gdb_transport_report_stop(&stop);
	assert_int_equal(fake_session.stops, 1);
	assert_int_equal(fake_session.last_stop.thread, 2);
}

static void test_stop_reported_inside_a_session_call(void **state)
{
	(void)state;
	fake_session.stops = 0;
	fake_session.stop_on_ctrl_c = true;
	io_space[UART_PORT] = 0x03;
	io_space[UART_PORT + LSR] = LSR_DR | LSR_THRE;
	gdb_transport_handle_irq();
	fake_session.stop_on_ctrl_c = false;
	/* Delivered after the receive call returned (the fake asserts it),
	 * before the lock was released. */
	assert_int_equal(fake_session.stops, 1);
	assert_int_equal(fake_session.last_stop.reason, GDB_STOP_SIGINT);
	assert_int_equal(fake_session.last_stop.thread, 1);
}

static void test_stops_while_the_lock_is_held(void **state)
{
	struct gdb_stop first = {GDB_STOP_BREAKPOINT, 3, 0};
	struct gdb_stop second = {GDB_STOP_STEP, 4, 0};
	struct gdb_transport_stats stats;

	(void)state;
	fake_session.stops = 0;
	assert_true(gdb_transport_lock());
	gdb_transport_report_stop(&first); /* never waits */
	gdb_transport_report_stop(&second);
	assert_int_equal(fake_session.stops, 0);
	gdb_transport_unlock();
	assert_int_equal(fake_session.stops, 1);
	assert_int_equal(fake_session.last_stop.reason, GDB_STOP_BREAKPOINT);
	assert_int_equal(fake_session.last_stop.thread, 3);
	gdb_transport_get_stats(&stats);
	assert_int_equal(stats.stops_dropped, 1);
	/* Nothing left over for the next holder. */
	assert_true(gdb_transport_lock());
	gdb_transport_unlock();
	assert_int_equal(fake_session.stops, 1);
	assert_int_equal(serving_relaxes, 0);
}

static void test_empty_interrupts_turn_receive_off(void **state)
{
	(void)state;
	io_space[UART_PORT + LSR] = LSR_THRE;
	for (unsigned i = 0; i < 40; i++)
		gdb_transport_handle_irq();
	/* A byte in between: empty interrupts count only in a row. */
	io_space[UART_PORT + LSR] = LSR_DR | LSR_THRE;
	gdb_transport_handle_irq();
	assert_int_equal(io_space[UART_PORT + LSR], LSR_THRE);
	for (unsigned i = 0; i < 63; i++)
		gdb_transport_handle_irq();
	assert_int_equal(io_space[UART_PORT + 1], 0x01);
	gdb_transport_handle_irq();
	assert_int_equal(io_space[UART_PORT + 1], 0x00);
	assert_non_null(strstr(last_line, "receive interrupt off"));
}

static void test_transmit_never_blocks(void **state)
{
	struct gdb_transport_stats before, after;
	unsigned wait_ticks = TIMEBASE / 1000000 * GDB_TX_WAIT_US;

	(void)state;
	gdb_transport_get_stats(&before);
	io_space[UART_PORT + LSR] = LSR_THRE;
	gdb_transport_write(NULL, "+$OK#9a", 7);
	assert_int_equal(io_space[UART_PORT], 'a'); /* the last byte */
	/* Busy for good: one bounded wait, then no more waiting. */
	io_space[UART_PORT + LSR] = 0;
	relaxes = 0;
	gdb_transport_write(NULL, "0123456789", 10);
	assert_true(relaxes >= wait_ticks - 1 && relaxes <= wait_ticks + 1);
	relaxes = 0;
	gdb_transport_write(NULL, "more", 4);
	assert_int_equal(relaxes, 0);
	/* Ready again: bytes go, and the next stall waits again. */
	io_space[UART_PORT + LSR] = LSR_THRE;
	gdb_transport_write(NULL, "ok", 2);
	assert_int_equal(io_space[UART_PORT], 'k');
	io_space[UART_PORT + LSR] = 0;
	gdb_transport_write(NULL, "z", 1);
	assert_true(relaxes >= wait_ticks - 1);
	gdb_transport_get_stats(&after);
	assert_int_equal(after.tx_bytes - before.tx_bytes, 9);
	assert_int_equal(after.tx_dropped - before.tx_dropped, 15);
}

static void test_nested_lock_is_refused(void **state)
{
	(void)state;
	assert_true(gdb_transport_lock());
	assert_false(gdb_transport_lock());
	assert_non_null(strstr(last_line, "taken twice on cpu 0"));
	gdb_transport_unlock();
	assert_true(gdb_transport_lock());
	gdb_transport_unlock();
	assert_int_equal(serving_relaxes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_device_costs_nothing),
		cmocka_unit_test(test_bring_up),
		cmocka_unit_test(
			test_receive_before_attach_is_bounded_and_discarded),
		cmocka_unit_test(test_attach_and_receive),
		cmocka_unit_test(test_stop_reported_inside_a_session_call),
		cmocka_unit_test(test_stops_while_the_lock_is_held),
		cmocka_unit_test(test_empty_interrupts_turn_receive_off),
		cmocka_unit_test(test_transmit_never_blocks),
		cmocka_unit_test(test_nested_lock_is_refused),
	};

	return cmocka_run_group_tests(tests, setup_machine, NULL);
}
