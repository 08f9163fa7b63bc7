// SPDX-License-Identifier: MIT
/*
 * The UART's read-only shadow page (hv/vdev/uart_shadow.c) on the fake
 * machine: mapped over the UART's window while the UART is quiet, with
 * what its registers read; unmapped, and flushed on every hart before
 * the access that ended the quiet completes, when an interrupt is
 * enabled or a byte arrives; and an access that finds another unmap's
 * flush still under way flushes too.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/guest_protect.h>
#include <hv/stage2.h>
#include <hv/uart_shadow.h>
#include <hv/vdev.h>
#include "fake_machine.h"

#define SLICE 100000
#define UART_IER 1
#define UART_LCR 3
#define UART_LSR 5
#define NUM_HARTS 3
/* The VM ran on harts 0 and 1; hart 2 never ran it: its flushes skip 2. */
#define RAN_HARTS 2

static struct vm *vm;
static void *tables[16], *shadow;
static unsigned ntables;

void console_vm_putc(struct vm *target, uint8_t byte)
{
	(void)target;
	(void)byte;
}

static hpa_t table_alloc(size_t npages, size_t align_pages)
{
	void *p = aligned_alloc(align_pages * PAGE_SIZE, npages * PAGE_SIZE);

	assert_non_null(p);
	assert_true(ntables < 16);
	memset(p, 0, npages * PAGE_SIZE);
	tables[ntables++] = p;
	return ptr_to_hpa(p);
}

static uint8_t *shadow_bytes(void)
{
	return shadow;
}

static unsigned flushes(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NUM_HARTS; i++) {
		assert_int_equal(fake_harts[i].stage2_flushes == 0 ||
					 fake_harts[i].stage2_flushed_vmid ==
						 vm->vmid,
				 true);
		n += fake_harts[i].stage2_flushes;
	}
	assert_int_equal(fake_harts[RAN_HARTS].stage2_flushes, 0);
	return n;
}

/* Is the shadow mapped, read-only, over the UART's window? */
static bool shadow_mapped(void)
{
	hpa_t host;
	unsigned long perms;
	int ret = stage2_translate(&vm->stage2, gpa(GUEST_UART_BASE + UART_LSR),
				   &host, &perms);

	if (ret == HV_ENOENT)
		return false;
	assert_int_equal(ret, HV_OK);
	assert_int_equal(perms & STAGE2_RWX, STAGE2_READ);
	assert_ptr_equal(hpa_to_ptr(host), shadow_bytes() + UART_LSR);
	return true;
}

static void uart_write(unsigned reg, uint8_t value)
{
	uint64_t v = value;

	assert_int_equal(
		vdev_access(vm, gpa(GUEST_UART_BASE + reg), 1, true, &v),
		HV_OK);
}

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(NUM_HARTS, SLICE);
	vm = fake_vm_create("a", 1, 0);
	ntables = 0;
	assert_int_equal(stage2_init(&vm->stage2, 3, table_alloc), HV_OK);
	shadow = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	assert_non_null(shadow);
	memset(shadow, 0xa5, PAGE_SIZE);
	assert_int_equal(uart_shadow_attach(vm, ptr_to_hpa(shadow)), HV_OK);
	vdev_init(vm);
	for (unsigned i = 0; i < RAN_HARTS; i++)
		vm_note_hart(vm, i);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	spin_lock(&vm->device_lock);
	assert_ptr_equal(hpa_to_ptr(uart_shadow_detach(vm)), shadow);
	spin_unlock(&vm->device_lock);
	/* Detached: nothing maps or unmaps any more. */
	spin_lock(&vm->device_lock);
	vm->uart.ier = 1;
	assert_false(uart_shadow_sync(vm));
	spin_unlock(&vm->device_lock);
	free(shadow);
	for (unsigned i = 0; i < ntables; i++)
		free(tables[i]);
	return 0;
}

static void test_quiet_uart_is_mapped(void **state)
{
	(void)state;
	assert_true(shadow_mapped());
	assert_int_equal(shadow_bytes()[UART_LSR], 0x60);
	assert_int_equal(shadow_bytes()[2], 0x01); /* IIR: none pending */
	assert_int_equal(shadow_bytes()[UART_IER], 0);
	/* Past the registers: 0, whatever the page held before. */
	for (unsigned i = 8; i < PAGE_SIZE; i++)
		assert_int_equal(shadow_bytes()[i], 0);
	/* A write that keeps it quiet shows in the page: no flush. */
	uart_write(UART_LCR, 0x03);
	assert_true(shadow_mapped());
	assert_int_equal(shadow_bytes()[UART_LCR], 0x03);
	uart_write(0, 'x');
	assert_true(shadow_mapped());
	assert_int_equal(flushes(), 0);
}

static void test_interrupt_enable_unmaps_and_flushes_every_hart(void **state)
{
	(void)state;
	uart_write(UART_IER, 0x01);
	assert_false(shadow_mapped());
	/* Every hart that ran the VM flushed before the write completed. */
	for (unsigned i = 0; i < RAN_HARTS; i++)
		assert_int_equal(fake_harts[i].stage2_flushes, 1);
	assert_int_equal(vm->uart_shadow_flushes, 0);
	/* Reads now trap and see the real state. */
	uint64_t ier = 0;

	assert_int_equal(vdev_access(vm, gpa(GUEST_UART_BASE + UART_IER), 1,
				     false, &ier),
			 HV_OK);
	assert_int_equal(ier, 0x01);
	assert_int_equal(flushes(), RAN_HARTS);
	/* Interrupts off again: mapped again, with IER 0; no flush. */
	uart_write(UART_IER, 0);
	assert_true(shadow_mapped());
	assert_int_equal(shadow_bytes()[UART_IER], 0);
	assert_int_equal(flushes(), RAN_HARTS);
}

static void test_received_byte_unmaps(void **state)
{
	(void)state;
	spin_lock(&vm->device_lock);
	assert_true(vuart_receive(&vm->uart, 'k'));
	bool unmapped = uart_shadow_sync(vm);

	spin_unlock(&vm->device_lock);
	assert_true(unmapped);
	assert_false(shadow_mapped());
	assert_int_equal(vm->uart_shadow_flushes, 1);
	uart_shadow_finish(vm, true);
	assert_int_equal(flushes(), RAN_HARTS);
	assert_int_equal(vm->uart_shadow_flushes, 0);
	/* Reading the byte makes it quiet again: mapped, LSR.DR clear. */
	uint64_t lsr = 0, rbr = 0;

	assert_int_equal(vdev_access(vm, gpa(GUEST_UART_BASE + UART_LSR), 1,
				     false, &lsr),
			 HV_OK);
	assert_int_equal(lsr, 0x61);
	assert_int_equal(vdev_access(vm, gpa(GUEST_UART_BASE), 1, false, &rbr),
			 HV_OK);
	assert_int_equal(rbr, 'k');
	assert_true(shadow_mapped());
	assert_int_equal(shadow_bytes()[UART_LSR], 0x60);
}

/* As another hart's access would: leave the quiet state and unmap the
 * page; its flush (uart_shadow_finish) has not run yet. */
static void unmap_on_another_hart(void)
{
	spin_lock(&vm->device_lock);
	vm->uart.ier = 0x01;
	assert_true(uart_shadow_sync(vm));
	spin_unlock(&vm->device_lock);
}

/* Another hart unmapped the page and is still flushing: an access here
 * (which sees the UART no longer quiet) must not let its vCPU go on
 * before every hart has flushed, so it flushes too. */
static void test_access_during_another_flush_flushes(void **state)
{
	(void)state;
	unmap_on_another_hart();
	/* That unmap's flush has not run: this access flushes. */
	uart_write(UART_LCR, 0x03);
	assert_int_equal(flushes(), RAN_HARTS);
	uart_shadow_finish(vm, true);
	assert_int_equal(flushes(), 2 * RAN_HARTS);
	/* None under way: an access flushes nothing. */
	uart_write(UART_LCR, 0x03);
	assert_int_equal(flushes(), 2 * RAN_HARTS);
}

/* The interrupt that the unmapping access raised can reach another vCPU
 * before that access's flush is done: its PLIC claim waits for the flush
 * too, and a hart about to show it the interrupt flushes itself. */
static void test_interrupt_route_waits_for_the_flush(void **state)
{
	(void)state;
	unmap_on_another_hart();
	uint64_t claim = 0;

	assert_int_equal(vdev_access(vm, gpa(GUEST_PLIC_BASE + 0x200004), 4,
				     false, &claim),
			 HV_OK);
	assert_int_equal(flushes(), RAN_HARTS);
	uart_shadow_settle_here(vm);
	assert_int_equal(fake_harts[0].stage2_flushes, 2);
	assert_int_equal(flushes(), RAN_HARTS + 1);
	uart_shadow_finish(vm, true);
	/* Nothing under way: neither flushes. */
	unsigned before = flushes();

	uart_shadow_settle_here(vm);
	assert_int_equal(vdev_access(vm, gpa(GUEST_PLIC_BASE + 0x200004), 4,
				     false, &claim),
			 HV_OK);
	assert_int_equal(flushes(), before);
}

/* The debugger protects guest RAM only: the shadow's PTE is not its. */
static void test_debugger_cannot_touch_the_shadow(void **state)
{
	unsigned long perms = 0;

	(void)state;
	assert_int_equal(guest_protect_perms(vm, gpa(GUEST_UART_BASE), &perms),
			 HV_ENOENT);
	assert_int_equal(
		guest_protect_page(vm, gpa(GUEST_UART_BASE), STAGE2_EXEC),
		HV_ENOENT);
	assert_true(shadow_mapped());
}

/* A guest that toggles IER in a loop: each unmap sends a flush to every
 * hart that ran the VM, so past 16 unmaps in 10 ms the page stays
 * unmapped (its reads trap, correctly) until the window ends. */
#define WINDOW_TICKS (FAKE_TIMEBASE_HZ / 100)

static void test_ier_toggling_is_rate_limited(void **state)
{
	(void)state;
	uint64_t lsr = 0;

	for (unsigned i = 0; i < 100; i++) {
		uart_write(UART_IER, 0x01);
		uart_write(UART_IER, 0);
	}
	assert_false(shadow_mapped());
	assert_int_equal(flushes(), 16 * RAN_HARTS);
	assert_int_equal(vdev_access(vm, gpa(GUEST_UART_BASE + UART_LSR), 1,
				     false, &lsr),
			 HV_OK);
	assert_int_equal(lsr, 0x60);
	assert_false(shadow_mapped());
	/* The window over, the next access maps it again. */
	fake_advance_time(WINDOW_TICKS);
	assert_int_equal(vdev_access(vm, gpa(GUEST_UART_BASE + UART_LSR), 1,
				     false, &lsr),
			 HV_OK);
	assert_true(shadow_mapped());
	/* And a new window's budget: one more toggle unmaps and flushes. */
	uart_write(UART_IER, 0x01);
	assert_false(shadow_mapped());
	assert_int_equal(flushes(), 17 * RAN_HARTS);
	uart_write(UART_IER, 0);
	assert_true(shadow_mapped());
}

/* A VM reset (reboot) leaves the UART quiet: mapped, reset values. */
static void test_reset_maps_again(void **state)
{
	(void)state;
	uart_write(UART_LCR, 0x03);
	uart_write(UART_IER, 0x01);
	assert_false(shadow_mapped());
	spin_lock(&vm->device_lock);
	vdev_init(vm);
	spin_unlock(&vm->device_lock);
	assert_true(shadow_mapped());
	assert_int_equal(shadow_bytes()[UART_LCR], 0);
	assert_int_equal(shadow_bytes()[UART_LSR], 0x60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		TEST(test_quiet_uart_is_mapped),
		TEST(test_interrupt_enable_unmaps_and_flushes_every_hart),
		TEST(test_received_byte_unmaps),
		TEST(test_access_during_another_flush_flushes),
		TEST(test_interrupt_route_waits_for_the_flush),
		TEST(test_debugger_cannot_touch_the_shadow),
		TEST(test_reset_maps_again),
		TEST(test_ier_toggling_is_rate_limited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
