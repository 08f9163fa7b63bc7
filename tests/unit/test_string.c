// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the hypervisor's memset and memcpy (hv/core/string.c),
 * built here as hv_test_memset and hv_test_memcpy so that they do not
 * replace the host's C library.
 *
 * Every destination and source offset within two words, every length up to
 * a few of the functions' 32-byte blocks and a few long ones: the bytes
 * written must be exactly the requested ones (guard bytes on both sides
 * stay untouched), equal to a byte-at-a-time model, and the destination is
 * returned.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

void *hv_test_memset(void *dst, int value, size_t n);
void *hv_test_memcpy(void *restrict dst, const void *restrict src, size_t n);

#define GUARD 0xe7
#define MAX_OFFSET 16
#define SHORT_MAX 100
#define BUFFER_SIZE (8192 + 2 * MAX_OFFSET + 64)

static const size_t long_lengths[] = {255, 256, 257, 1000, 4096, 8191};

/* 8-byte aligned, so an offset decides the pointer's alignment. */
static uint8_t buffer[BUFFER_SIZE] __attribute__((aligned(64)));
static uint8_t model[BUFFER_SIZE] __attribute__((aligned(64)));
static uint8_t source[BUFFER_SIZE] __attribute__((aligned(64)));

static void fill_source(void)
{
	for (size_t i = 0; i < sizeof(source); i++)
		source[i] = (uint8_t)(i * 131 + 7);
}

static void check_set(size_t offset, size_t n, int value)
{
	memset(buffer, GUARD, sizeof(buffer));
	memset(model, GUARD, sizeof(model));
	for (size_t i = 0; i < n; i++)
		model[offset + i] = (uint8_t)value;

	assert_ptr_equal(hv_test_memset(buffer + offset, value, n),
			 buffer + offset);
	if (memcmp(buffer, model, sizeof(buffer)))
		fail_msg("memset offset %zu length %zu value %#x differs",
			 offset, n, value);
}

static void check_copy(size_t dst_offset, size_t src_offset, size_t n)
{
	memset(buffer, GUARD, sizeof(buffer));
	memset(model, GUARD, sizeof(model));
	for (size_t i = 0; i < n; i++)
		model[dst_offset + i] = source[src_offset + i];

	assert_ptr_equal(
		hv_test_memcpy(buffer + dst_offset, source + src_offset, n),
		buffer + dst_offset);
	if (memcmp(buffer, model, sizeof(buffer)))
		fail_msg("memcpy to offset %zu from offset %zu, length %zu, "
			 "differs",
			 dst_offset, src_offset, n);
}

static void test_memset_every_alignment_and_short_length(void **state)
{
	(void)state;
	for (size_t offset = 0; offset < MAX_OFFSET; offset++)
		for (size_t n = 0; n <= SHORT_MAX; n++)
			check_set(offset, n, 0xa5);
}

static void test_memset_long_lengths(void **state)
{
	(void)state;
	for (size_t offset = 0; offset < MAX_OFFSET; offset++)
		for (size_t i = 0;
		     i < sizeof(long_lengths) / sizeof(long_lengths[0]); i++)
			check_set(offset, long_lengths[i], 0x3c);
}

/* Only the value's low byte is stored, in every lane of a word; zero
 * clears (the common case: VM RAM). */
static void test_memset_value_is_a_byte(void **state)
{
	(void)state;
	check_set(3, 77, 0x1ff);
	check_set(0, 64, 0);
	check_set(5, 64, -1);
	check_set(0, 40, 0x80);
}

static void test_memcpy_every_alignment_and_short_length(void **state)
{
	(void)state;
	fill_source();
	for (size_t dst = 0; dst < MAX_OFFSET; dst++)
		for (size_t src = 0; src < MAX_OFFSET; src++)
			for (size_t n = 0; n <= SHORT_MAX; n++)
				check_copy(dst, src, n);
}

/* Long copies with each kind of skew: the same alignment modulo 8
 * (64-bit words), modulo 4 only (32-bit words, as from a cpio archive to
 * RAM) and neither (bytes). */
static void test_memcpy_long_lengths(void **state)
{
	(void)state;
	fill_source();
	for (size_t dst = 0; dst < MAX_OFFSET; dst++)
		for (size_t src = 0; src < MAX_OFFSET; src++)
			for (size_t i = 0;
			     i < sizeof(long_lengths) / sizeof(long_lengths[0]);
			     i++)
				check_copy(dst, src, long_lengths[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memset_every_alignment_and_short_length),
		cmocka_unit_test(test_memset_long_lengths),
		cmocka_unit_test(test_memset_value_is_a_byte),
		cmocka_unit_test(test_memcpy_every_alignment_and_short_length),
		cmocka_unit_test(test_memcpy_long_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
