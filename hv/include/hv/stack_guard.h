/* SPDX-License-Identifier: MIT */
/*
 * The guard at the bottom of each hart's hypervisor stack. Stacks are
 * slots of one array (hv/arch/riscv/entry.S), each right above the
 * previous hart's, with no MMU page in between: a hart that overflows its
 * stack silently overwrites the top of the next one down. The lowest
 * STACK_GUARD_BYTES of every slot hold a pattern no code writes; the arch
 * fills it when the hart comes up and, in debug builds (make DEBUG=1, the
 * default), checks it whenever the hart idles or re-arms its timer, and
 * panics naming the hart. The build's stack budget
 * (tests/tools/check-stack-usage.py) keeps every frame smaller than the
 * guard, so an overflow cannot step over it without writing into it.
 * Pure logic, shared by the arch and the host tests.
 */
#ifndef HV_STACK_GUARD_H
#define HV_STACK_GUARD_H

#include <hv/types.h>

#define STACK_GUARD_BYTES 1024
#define STACK_GUARD_WORDS (STACK_GUARD_BYTES / 8)
#define STACK_GUARD_PATTERN 0x57ac6a2d57ac6a2dULL

static inline void stack_guard_fill(uint64_t *bottom)
{
	for (unsigned i = 0; i < STACK_GUARD_WORDS; i++)
		bottom[i] = STACK_GUARD_PATTERN;
}

/* The highest guard word that no longer holds the pattern (how far into
 * the guard the overflow reached from above), or -1 if it is intact. The
 * stack grows down, so the top word goes first: checking it alone would
 * catch every overflow, checking all of them says how deep it went. */
static inline int stack_guard_damage(const uint64_t *bottom)
{
	for (int i = STACK_GUARD_WORDS - 1; i >= 0; i--)
		if (((const volatile uint64_t *)bottom)[i] !=
		    STACK_GUARD_PATTERN)
			return i;
	return -1;
}

#endif
