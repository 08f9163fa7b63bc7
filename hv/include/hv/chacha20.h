/* SPDX-License-Identifier: MIT */
/*
 * The ChaCha20 block function (RFC 8439, section 2.3): 64 bytes of
 * keystream from a 256-bit key, a 32-bit block counter and a 96-bit
 * nonce. The hypervisor's random bytes (hv/core/entropy.c) are made with
 * it. Pure logic: builds on the host for unit tests.
 */
#ifndef HV_CHACHA20_H
#define HV_CHACHA20_H

#include <hv/types.h>

#define CHACHA20_KEY_BYTES 32
#define CHACHA20_NONCE_BYTES 12
#define CHACHA20_BLOCK_BYTES 64

void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_BYTES],
		    uint8_t out[CHACHA20_BLOCK_BYTES]);

#endif
