// SPDX-License-Identifier: MIT
/*
 * memset and memcpy for the hypervisor, in place of the C library's.
 *
 * Why: picolibc's RISC-V build ships them as byte loops (it favours size),
 * and the hypervisor clears every VM's RAM when it allocates it and again
 * at each VM reboot, and copies each kernel and initramfs into place. A
 * byte loop takes about 2 billion instructions to clear 512 MiB: 2.3 s of
 * a Linux VM's start-up under QEMU. These move a 64-bit word at a time once
 * the pointers are aligned (four at a time in the main loop), and a byte
 * at a time only at the ends.
 *
 * A word access is made only where it is aligned: a misaligned one may
 * trap to firmware and be emulated, which is slower than bytes. memcpy
 * uses 64-bit words when source and destination share their alignment
 * modulo 8, 32-bit words when they share it modulo 4 (the data in a cpio
 * archive, say), and bytes otherwise.
 *
 * This file must not be compiled with loop-to-library-call rewriting
 * (GCC's -ftree-loop-distribute-patterns, on at -O2): it would turn these
 * loops back into calls to memset and memcpy, that is to themselves. The
 * Makefile turns it off for this file. The host unit test
 * (tests/unit/test_string.c) builds it under other names, so that it does
 * not replace the host's C library.
 */
#ifdef HV_HOST_TEST
#define memset hv_test_memset
#define memcpy hv_test_memcpy
#endif
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* May alias anything: these functions copy objects of every type. */
typedef uint64_t __attribute__((may_alias)) word64_t;
typedef uint32_t __attribute__((may_alias)) word32_t;

static bool aligned_to(const void *pointer, size_t size)
{
	return ((uintptr_t)pointer & (size - 1)) == 0;
}

void *memset(void *dst, int value, size_t n)
{
	unsigned char *p = dst;
	unsigned char byte = (unsigned char)value;

	for (; n && !aligned_to(p, sizeof(word64_t)); n--)
		*p++ = byte;
	if (n >= sizeof(word64_t)) {
		/* The byte in every lane: 0x0101...01 times the byte. */
		uint64_t pattern = byte * (UINT64_MAX / 0xff);
		word64_t *word = (word64_t *)p;

		for (; n >= 4 * sizeof(*word); n -= 4 * sizeof(*word)) {
			word[0] = pattern;
			word[1] = pattern;
			word[2] = pattern;
			word[3] = pattern;
			word += 4;
		}
		for (; n >= sizeof(*word); n -= sizeof(*word))
			*word++ = pattern;
		p = (unsigned char *)word;
	}
	for (; n; n--)
		*p++ = byte;
	return dst;
}

/* Copies whole words of word_t from aligned *src to aligned *dst, four
 * per loop, and advances both; returns the bytes left (fewer than a
 * word). One body for the two widths memcpy uses. */
#define DEFINE_COPY_WORDS(name, word_t)                                    \
	static size_t name(unsigned char **dst, const unsigned char **src, \
			   size_t n)                                       \
	{                                                                  \
		word_t *d = (word_t *)*dst;                                \
		const word_t *s = (const word_t *)*src;                    \
                                                                           \
		for (; n >= 4 * sizeof(*d); n -= 4 * sizeof(*d)) {         \
			word_t a = s[0], b = s[1], c = s[2], e = s[3];     \
                                                                           \
			d[0] = a;                                          \
			d[1] = b;                                          \
			d[2] = c;                                          \
			d[3] = e;                                          \
			d += 4;                                            \
			s += 4;                                            \
		}                                                          \
		for (; n >= sizeof(*d); n -= sizeof(*d))                   \
			*d++ = *s++;                                       \
		*dst = (unsigned char *)d;                                 \
		*src = (const unsigned char *)s;                           \
		return n;                                                  \
	}

DEFINE_COPY_WORDS(copy_words64, word64_t)
/* Source and destination share only 4-byte alignment (a cpio member). */
DEFINE_COPY_WORDS(copy_words32, word32_t)

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	uintptr_t skew = (uintptr_t)d ^ (uintptr_t)s;
	size_t unit = (skew & 7) == 0 ? 8 : (skew & 3) == 0 ? 4 : 1;

	if (unit > 1 && n >= 2 * unit) {
		/* Same skew: aligning d aligns s too. */
		for (; !aligned_to(d, unit); n--)
			*d++ = *s++;
		n = unit == 8 ? copy_words64(&d, &s, n)
			      : copy_words32(&d, &s, n);
	}
	for (; n; n--)
		*d++ = *s++;
	return dst;
}
