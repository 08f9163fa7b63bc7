/* SPDX-License-Identifier: MIT */
/*
 * Console output through SBI DBCN when the SBI implementation has it, else
 * the legacy v0.1 putchar (OpenSBI 1.1, or a VM with DBCN switched off).
 * Whole printf calls are written under one lock so harts never interleave
 * inside a line.
 */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct spinlock {
	volatile int locked;
};

void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);

/* Probe DBCN once, on the boot hart, before any output. */
void console_init(void);
bool console_uses_dbcn(void);
void console_write(const char *s, size_t len);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
