/* SPDX-License-Identifier: MIT */
/*
 * Clearing secrets (random seeds, keys) from buffers about to go out of
 * use, with stores the compiler cannot drop as dead. Inline, so that the
 * pure-logic files that hold secrets (the platform parser, the ChaCha20
 * block function) need nothing linked for it on the host.
 */
#ifndef HV_SECRET_WIPE_H
#define HV_SECRET_WIPE_H

#include <hv/types.h>

static inline void secret_wipe(void *p, size_t len)
{
	volatile uint8_t *bytes = p;

	for (size_t i = 0; i < len; i++)
		bytes[i] = 0;
}

#endif
