// SPDX-License-Identifier: MIT
/*
 * The hypervisor's random bytes (see hv/include/hv/entropy.h): ChaCha20
 * keystream under a key that changes after every request. A request takes
 * blocks 1, 2, ... of the current key for its bytes, then block 0 becomes
 * the next key, so the key that made a VM's bytes exists no more once
 * they are handed out ("fast key erasure").
 */
#include <hv/chacha20.h>
#include <hv/entropy.h>
#include <hv/errno.h>
#include <hv/secret_wipe.h>
#include <hv/spinlock.h>
#include <string.h>

static spinlock_t entropy_lock = SPINLOCK_INIT;
static uint8_t key[CHACHA20_KEY_BYTES];
static bool seeded;

/* The next key from the current one: block 0, which no request uses. */
static void rekey(void)
{
	static const uint8_t nonce[CHACHA20_NONCE_BYTES];
	uint8_t block[CHACHA20_BLOCK_BYTES];

	chacha20_block(key, 0, nonce, block);
	memcpy(key, block, sizeof(key));
	secret_wipe(block, sizeof(block));
}

bool entropy_seed(const uint8_t *seed, size_t len, uint64_t stir)
{
	if (!seed || len < ENTROPY_MIN_SEED_BYTES)
		return false;
	spin_lock(&entropy_lock);
	memset(key, 0, sizeof(key));
	/* Each 32-byte piece of the seed (the last one zero-padded) goes
	 * into the key and through the block function before the next:
	 * two equal halves do not cancel out, as a plain XOR fold would let
	 * them. So the host's bytes themselves are never a key. */
	for (size_t done = 0; done < len; done += sizeof(key)) {
		for (size_t i = 0; i < sizeof(key) && done + i < len; i++)
			key[i] ^= seed[done + i];
		rekey();
	}
	for (unsigned i = 0; i < 8; i++)
		key[i] ^= (uint8_t)(stir >> (8 * i));
	rekey();
	__atomic_store_n(&seeded, true, __ATOMIC_RELEASE);
	spin_unlock(&entropy_lock);
	return true;
}

bool entropy_available(void)
{
	return __atomic_load_n(&seeded, __ATOMIC_ACQUIRE);
}

int entropy_fill(void *out, size_t len)
{
	static const uint8_t nonce[CHACHA20_NONCE_BYTES];
	uint8_t block[CHACHA20_BLOCK_BYTES];
	uint8_t *dst = out;
	uint32_t counter = 1;

	spin_lock(&entropy_lock);
	if (!seeded) {
		spin_unlock(&entropy_lock);
		return HV_ENOENT;
	}
	while (len) {
		size_t n = len < sizeof(block) ? len : sizeof(block);

		/* 2^32 - 1 blocks per request at most: past 256 GiB. */
		if (counter == 0) {
			rekey();
			counter = 1;
		}
		chacha20_block(key, counter++, nonce, block);
		memcpy(dst, block, n);
		dst += n;
		len -= n;
	}
	secret_wipe(block, sizeof(block));
	rekey();
	spin_unlock(&entropy_lock);
	return HV_OK;
}
