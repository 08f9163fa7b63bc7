/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's random bytes, for what a guest needs at boot and
 * cannot make itself quickly: the rng-seed in its device tree (Linux
 * credits it and its RNG is ready at once, as on a machine whose firmware
 * passes one; without it, every getrandom in early user space serialises
 * on the kernel's base RNG lock: docs/benchmarks.md, hackbench).
 *
 * The only entropy is the host's: the firmware's /chosen/rng-seed (QEMU
 * writes 32 random bytes there), read once at boot. From it, ChaCha20
 * with fast key erasure (a fresh key from each request's last block) makes
 * every VM start's bytes: no VM can compute another's, or a later one of
 * its own, from what it was given. Without a host seed there are none,
 * and VMs get no rng-seed rather than a guessable one.
 */
#ifndef HV_ENTROPY_H
#define HV_ENTROPY_H

#include <hv/secret_wipe.h>
#include <hv/types.h>

/* A seed shorter than this (128 bits) is not used. */
#define ENTROPY_MIN_SEED_BYTES 16

/* Key the generator from the host's seed (any length: longer ones are
 * folded in) and stir (the boot time: not secret, it only separates two
 * boots given the same seed). False, and no generator, if the seed is
 * missing or shorter than ENTROPY_MIN_SEED_BYTES. */
bool entropy_seed(const uint8_t *seed, size_t len, uint64_t stir);
bool entropy_available(void);
/* len random bytes into out: HV_OK, or HV_ENOENT with no seed. Safe from
 * any hart. */
int entropy_fill(void *out, size_t len);

#endif
