/* SPDX-License-Identifier: MIT */
/*
 * The secret a VM plants in its RAM for the isolation test: 32-byte
 * blocks whose first word is a per-run random key and whose other three
 * words are derived from it. A reader recognises a block by the relation
 * alone, without knowing any key, so the scanner (hostile/secret_scan.c)
 * holds no copy of the secret that it could find in its own RAM, and no
 * block can sit in an image: the keys come from the planter's boot time.
 * Zero-filled or constant memory never matches (word 1 is ~word 0).
 */
#ifndef GUEST_SECRET_BLOCK_H
#define GUEST_SECRET_BLOCK_H
#include <stdbool.h>
#include <stdint.h>

#define SECRET_BLOCK_WORDS 4
#define SECRET_BLOCK_BYTES (SECRET_BLOCK_WORDS * 8)

static inline uint64_t secret_mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9UL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebUL;
	return x ^ (x >> 30);
}

static inline void secret_block_fill(volatile uint64_t *block, uint64_t key)
{
	block[0] = key;
	block[1] = ~key;
	block[2] = secret_mix(key);
	block[3] = secret_mix(key ^ 0x5ec7e75ec7e75ec7UL);
}

static inline bool secret_block_matches(const uint64_t *words)
{
	return words[1] == ~words[0] && words[2] == secret_mix(words[0]) &&
	       words[3] == secret_mix(words[0] ^ 0x5ec7e75ec7e75ec7UL);
}
#endif
