/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer harnesses in tests/fuzz/: an invariant that
 * fails traps, so libFuzzer reports it as a crash with its input.
 */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define check(cond)                       \
	do {                              \
		if (!(cond))              \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Little-endian bytes of the input, zero past its end. */
struct fuzz_input {
	const uint8_t *data;
	size_t size, used;
};

static inline uint64_t fuzz_take(struct fuzz_input *in, unsigned bytes)
{
	uint64_t value = 0;

	for (unsigned i = 0; i < bytes; i++, in->used++)
		if (in->used < in->size)
			value |= (uint64_t)in->data[in->used] << (8 * i);
	return value;
}

static inline bool fuzz_done(const struct fuzz_input *in)
{
	return in->used >= in->size;
}

#endif
