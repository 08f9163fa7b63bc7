// SPDX-License-Identifier: MIT
/*
 * The ChaCha20 block function, written from RFC 8439 (section 2.3): the
 * state is four constant words, the key, the counter and the nonce, all
 * little-endian 32-bit words; twenty rounds (ten column and diagonal
 * pairs) of quarter rounds, then the input state added back in.
 */
#include <hv/chacha20.h>
#include <hv/secret_wipe.h>

#define ROTATE_LEFT(v, n) (((v) << (n)) | ((v) >> (32 - (n))))

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void quarter_round(uint32_t *x, unsigned a, unsigned b, unsigned c,
			  unsigned d)
{
	x[a] += x[b];
	x[d] = ROTATE_LEFT(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = ROTATE_LEFT(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = ROTATE_LEFT(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = ROTATE_LEFT(x[b] ^ x[c], 7);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_BYTES],
		    uint8_t out[CHACHA20_BLOCK_BYTES])
{
	/* "expand 32-byte k" */
	uint32_t input[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
	uint32_t x[16];

	for (unsigned i = 0; i < 8; i++)
		input[4 + i] = load_le32(key + 4 * i);
	input[12] = counter;
	for (unsigned i = 0; i < 3; i++)
		input[13 + i] = load_le32(nonce + 4 * i);
	for (unsigned i = 0; i < 16; i++)
		x[i] = input[i];
	for (unsigned round = 0; round < 10; round++) {
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (unsigned i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + input[i]);
	/* The caller's key is in input[] and x[]: leave neither behind. */
	secret_wipe(input, sizeof(input));
	secret_wipe(x, sizeof(x));
}
