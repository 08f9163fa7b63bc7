// SPDX-License-Identifier: MIT
/*
 * hv/core/chacha20.c against RFC 8439's block test vector (section 2.3.2)
 * and the all-zero key's first two blocks (the same as `openssl enc
 * -chacha20` writes over zeros); hv/core/entropy.c: nothing before a
 * seed, nothing from a short one, every request different (the key
 * changes after each), its exact construction (a known answer built
 * with the bare block function), the same bytes from the same seed and
 * stir, any length.
 *
 * The generator is one static state: the tests run in order, the first
 * before any seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/chacha20.h>
#include <hv/entropy.h>
#include <hv/errno.h>

static void test_rfc8439_block(void **state)
{
	static const uint8_t nonce[12] = {0, 0,	   0, 9, 0, 0,
					  0, 0x4a, 0, 0, 0, 0};
	static const uint8_t want[64] = {
		0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f,
		0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4, 0xc7, 0xd1, 0xf4, 0xc7,
		0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4,
		0x6c, 0x4e, 0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09,
		0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2, 0xb5, 0x12,
		0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8,
		0xa2, 0x50, 0x3c, 0x4e};
	uint8_t key[32], out[64];

	(void)state;
	for (unsigned i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)i;
	chacha20_block(key, 1, nonce, out);
	assert_memory_equal(out, want, sizeof(want));
}

static void test_zero_key_blocks(void **state)
{
	static const uint8_t zero_key[32], zero_nonce[12];
	static const uint8_t want0[16] = {0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1,
					  0x3d, 0x90, 0x40, 0x5d, 0x6a, 0xe5,
					  0x53, 0x86, 0xbd, 0x28};
	static const uint8_t want1[16] = {0x9f, 0x07, 0xe7, 0xbe, 0x55, 0x51,
					  0x38, 0x7a, 0x98, 0xba, 0x97, 0x7c,
					  0x73, 0x2d, 0x08, 0x0d};
	uint8_t out[64];

	(void)state;
	chacha20_block(zero_key, 0, zero_nonce, out);
	assert_memory_equal(out, want0, sizeof(want0));
	chacha20_block(zero_key, 1, zero_nonce, out);
	assert_memory_equal(out, want1, sizeof(want1));
}

static void test_nothing_without_a_seed(void **state)
{
	static const uint8_t short_seed[ENTROPY_MIN_SEED_BYTES - 1] = {1};
	uint8_t out[16] = {0x5a};

	(void)state;
	assert_false(entropy_available());
	assert_int_equal(entropy_fill(out, sizeof(out)), HV_ENOENT);
	assert_int_equal(out[0], 0x5a); /* untouched */
	assert_false(entropy_seed(NULL, 32, 0));
	assert_false(entropy_seed(short_seed, sizeof(short_seed), 0));
	assert_false(entropy_available());
	assert_int_equal(entropy_fill(out, sizeof(out)), HV_ENOENT);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static void test_requests_differ(void **state)
{
	uint8_t seed[32], a[64], b[64];

	(void)state;
	for (unsigned i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(3 * i + 1);
	assert_true(entropy_seed(seed, sizeof(seed), 1234));
	assert_true(entropy_available());
	assert_int_equal(entropy_fill(a, sizeof(a)), HV_OK);
	assert_int_equal(entropy_fill(b, sizeof(b)), HV_OK);
	assert_false(all_zero(a, sizeof(a)));
	/* A key used once is gone: the second request is no replay. */
	assert_memory_not_equal(a, b, sizeof(a));
}

/* The construction exactly, block by block with the bare block function:
 * the key from the seed and the stir, a request's blocks 1.., then block
 * 0 as the next key (never handed out). */
static void next_key(uint8_t key[32])
{
	static const uint8_t nonce[12];
	uint8_t block[64];

	chacha20_block(key, 0, nonce, block);
	memcpy(key, block, 32);
}

static void test_known_answer(void **state)
{
	static const uint8_t nonce[12];
	uint8_t seed[40], key[32] = {0}, want[100], got[100], block[64];
	uint64_t stir = 0x0123456789abcdefULL;

	(void)state;
	for (unsigned i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(7 * i + 3);
	/* Seeding: 32 bytes, the block function, the last 8 zero-padded,
	 * the block function, the stir, the block function. */
	for (unsigned i = 0; i < 32; i++)
		key[i] ^= seed[i];
	next_key(key);
	for (unsigned i = 0; i < 8; i++)
		key[i] ^= seed[32 + i];
	next_key(key);
	for (unsigned i = 0; i < 8; i++)
		key[i] ^= (uint8_t)(stir >> (8 * i));
	next_key(key);
	/* A 100-byte request: blocks 1 and 2; then the next key. */
	chacha20_block(key, 1, nonce, want);
	chacha20_block(key, 2, nonce, block);
	memcpy(want + 64, block, 36);
	assert_true(entropy_seed(seed, sizeof(seed), stir));
	assert_int_equal(entropy_fill(got, sizeof(got)), HV_OK);
	assert_memory_equal(got, want, sizeof(want));
	next_key(key);
	chacha20_block(key, 1, nonce, want);
	assert_int_equal(entropy_fill(got, 64), HV_OK);
	assert_memory_equal(got, want, 64);
}

static void test_same_seed_same_bytes(void **state)
{
	uint8_t seed[40], a[100], b[100], c[100];

	(void)state;
	memset(seed, 0x42, sizeof(seed));
	entropy_seed(seed, sizeof(seed), 7);
	assert_int_equal(entropy_fill(a, sizeof(a)), HV_OK);
	entropy_seed(seed, sizeof(seed), 7);
	assert_int_equal(entropy_fill(b, sizeof(b)), HV_OK);
	assert_memory_equal(a, b, sizeof(a));
	/* Another boot time (stir: its top byte too) or another seed:
	 * other bytes. */
	entropy_seed(seed, sizeof(seed), 7 | 1ULL << 56);
	assert_int_equal(entropy_fill(c, sizeof(c)), HV_OK);
	assert_memory_not_equal(a, c, sizeof(a));
	seed[39] ^= 1; /* past the first 32 bytes: folded in too */
	entropy_seed(seed, sizeof(seed), 7);
	assert_int_equal(entropy_fill(c, sizeof(c)), HV_OK);
	assert_memory_not_equal(a, c, sizeof(a));
}

/* Any length, block boundaries included, with nothing written past it. */
static void test_any_length(void **state)
{
	static const size_t lengths[] = {1, 63, 64, 65, 128, 200};
	uint8_t seed[32] = {9, 8, 7}, buf[256];

	(void)state;
	entropy_seed(seed, sizeof(seed), 0);
	for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		size_t n = lengths[i];

		memset(buf, 0xee, sizeof(buf));
		assert_int_equal(entropy_fill(buf, n), HV_OK);
		for (size_t k = n; k < sizeof(buf); k++)
			assert_int_equal(buf[k], 0xee);
		if (n >= 16)
			assert_false(all_zero(buf, n));
	}
	memset(buf, 0xee, 8);
	secret_wipe(buf, 8);
	assert_true(all_zero(buf, 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8439_block),
		cmocka_unit_test(test_zero_key_blocks),
		cmocka_unit_test(test_nothing_without_a_seed),
		cmocka_unit_test(test_requests_differ),
		cmocka_unit_test(test_known_answer),
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_any_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
