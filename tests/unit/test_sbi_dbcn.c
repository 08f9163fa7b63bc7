// SPDX-License-Identifier: MIT
/*
 * SBI Debug Console (hv/sbi/ext/dbcn.c) on the fake arch: write, read
 * and write_byte, with every buffer checked to be the VM's RAM as a whole
 * (ends, holes, device windows, ranges that wrap past 2^64, a non-zero
 * base_addr_hi) before a byte moves, and long writes cut to 4096 bytes
 * per call (the caller is told how many were written).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "sbi_guest.h"

#define SLICE 1000
#define RAM_SIZE (2UL << 20)
#define RAM_BASE GUEST_RAM_BASE
#define RAM_END (RAM_BASE + RAM_SIZE)
#define CHUNK 4096UL

enum {
	WRITE,
	READ,
	WRITE_BYTE
};

static struct vm *vm;
static struct vcpu *v0;
static uint8_t *ram;

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	guest_reset();
	vm = fake_vm_create("a", 1, 0);
	ram = fake_vm_add_ram(vm, RAM_SIZE);
	v0 = &vm->vcpus[0];
	fake_vcpu_start(vm, 0, RAM_BASE);
	guest_run_hart(0);
	return 0;
}

static uint8_t *host(unsigned long guest_pa)
{
	return ram + (guest_pa - RAM_BASE);
}

static struct guest_sbiret dbcn(unsigned long fid, unsigned long a0,
				unsigned long a1, unsigned long a2)
{
	struct guest_sbiret ret = guest_call(v0, SBI_EXT_DBCN, fid, a0, a1, a2);

	assert_true(ret.returned);
	return ret;
}

static void test_write(void **state)
{
	(void)state;
	const char text[] = "hello, world\n";
	struct guest_sbiret ret;

	memcpy(host(RAM_BASE + 0x100), text, sizeof(text) - 1);
	ret = dbcn(WRITE, sizeof(text) - 1, RAM_BASE + 0x100, 0);
	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, sizeof(text) - 1);
	assert_string_equal(guest_console_output(vm), text);

	/* Nothing to write: success, 0 bytes. */
	ret = dbcn(WRITE, 0, RAM_BASE, 0);
	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, 0);
	/* Up to the last byte of RAM. */
	memcpy(host(RAM_END - 3), "end", 3);
	ret = dbcn(WRITE, 3, RAM_END - 3, 0);
	assert_int_equal(ret.value, 3);
	assert_int_equal(guest_console_length(vm), sizeof(text) - 1 + 3);
	assert_memory_equal(guest_console_output(vm) + sizeof(text) - 1, "end",
			    3);
}

/* A long write is cut to 4096 bytes; the guest writes the rest. */
static void test_write_is_chunked(void **state)
{
	(void)state;
	const unsigned long len = 5000, base = RAM_BASE + 0x1000;
	struct guest_sbiret ret;

	for (unsigned long i = 0; i < len; i++)
		*host(base + i) = (uint8_t)('a' + i % 26);
	ret = dbcn(WRITE, len, base, 0);
	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, CHUNK);
	assert_int_equal(guest_console_length(vm), CHUNK);
	ret = dbcn(WRITE, len - ret.value, base + ret.value, 0);
	assert_int_equal(ret.value, len - CHUNK);
	assert_int_equal(guest_console_length(vm), len);
	assert_memory_equal(guest_console_output(vm), host(base), len);
}

/* Every byte of the named buffer must be RAM (even past the first
 * chunk): INVALID_PARAM otherwise, and nothing is written. */
static void test_write_bounds(void **state)
{
	(void)state;
	static const unsigned long bad[][2] = {
		{16, RAM_END - 15}, /* one byte past the end */
		{2, RAM_BASE - 1},  /* one byte before the start */
		{1, RAM_END},
		{1, 0},
		{RAM_SIZE + 1, RAM_BASE},     /* more than all of RAM */
		{CHUNK + 1, RAM_END - CHUNK}, /* the first chunk would fit */
		{4, GUEST_UART_BASE},	      /* a device window */
		{4, GUEST_PLIC_BASE},
		{~0UL, RAM_BASE + 16}, /* wraps past 2^64 ... */
		{0x100 - (RAM_BASE + 16), RAM_BASE + 16}, /* ... back below */
		{1, ~0UL},
	};
	struct guest_sbiret ret;

	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		ret = dbcn(WRITE, bad[i][0], bad[i][1], 0);
		assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
		assert_int_equal(ret.value, 0);
	}
	/* base_addr_hi: RV64 addresses fit in base_addr_lo. */
	ret = dbcn(WRITE, 4, RAM_BASE, 1);
	assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
	ret = dbcn(WRITE, 0, RAM_BASE, 1);
	assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
	assert_int_equal(guest_console_length(vm), 0);
}

static void test_read(void **state)
{
	(void)state;
	const unsigned long buf = RAM_BASE + 0x200;
	struct guest_sbiret ret;

	memset(host(buf), 0xee, 16);
	/* Nothing typed: 0 bytes. */
	ret = dbcn(READ, 10, buf, 0);
	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, 0);
	assert_int_equal(*host(buf), 0xee);

	guest_console_type(vm, "abcde");
	/* A bad buffer consumes no input. */
	ret = dbcn(READ, 10, RAM_END - 4, 0);
	assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
	ret = dbcn(READ, 10, buf, 1);
	assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
	ret = dbcn(READ, 2, buf, 0);
	assert_int_equal(ret.value, 2);
	assert_memory_equal(host(buf), "ab\xee", 3);
	ret = dbcn(READ, 10, buf + 2, 0);
	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, 3);
	assert_memory_equal(host(buf), "abcde\xee", 6);
	ret = dbcn(READ, 10, buf, 0);
	assert_int_equal(ret.value, 0);
}

static void test_write_byte(void **state)
{
	(void)state;
	struct guest_sbiret ret = dbcn(WRITE_BYTE, 'x', 0, 0);

	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, 0);
	dbcn(WRITE_BYTE, 0x100 | 'y', 0, 0); /* the low byte only */
	assert_string_equal(guest_console_output(vm), "xy");
	ret = dbcn(3, 'z', 0, 0);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(guest_console_length(vm), 2);
}

/* A write by a vCPU whose wfi sleeps in the guest turns the trap back
 * on, so that its next wfi exit shows a prompt (the idle wfi after the
 * call exits: the fake arch aborts if the trap is still off). */
static void test_write_turns_the_wfi_trap_on(void **state)
{
	(void)state;
	guest_mark_wfi_in_guest(v0);
	dbcn(WRITE_BYTE, '>', 0, 0);
	assert_string_equal(guest_console_output(vm), ">");
	assert_false(v0->arch.wfi_in_guest);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_write, setup),
		cmocka_unit_test_setup(test_write_is_chunked, setup),
		cmocka_unit_test_setup(test_write_bounds, setup),
		cmocka_unit_test_setup(test_read, setup),
		cmocka_unit_test_setup(test_write_byte, setup),
		cmocka_unit_test_setup(test_write_turns_the_wfi_trap_on, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
