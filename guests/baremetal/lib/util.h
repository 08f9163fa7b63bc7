/* SPDX-License-Identifier: MIT */
/* Freestanding string helpers and formatting: the guests have no libc. */
#ifndef GUEST_UTIL_H
#define GUEST_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define barrier() asm volatile("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* True if the space-separated word list contains word exactly. */
bool str_has_word(const char *list, const char *word);
/* True if needle occurs anywhere in haystack. */
bool str_contains(const char *haystack, const char *needle);

/* printf subset: %d %i %u %x %X %p %s %c %%, flags '0' and '-', width,
 * length 'l'/'ll'/'z'. Always NUL-terminates; returns the length written. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* xorshift64*: deterministic pseudo-random numbers for the attack guests. */
uint64_t prng_next(uint64_t *state);

#endif
