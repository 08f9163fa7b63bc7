/* SPDX-License-Identifier: MIT */
/*
 * The guard at the bottom of each hart's hypervisor stack. Stacks are
 * slots of one array (hv/arch/riscv/entry.S), each right above the
 * previous hart's, with no MMU page in between: a hart that overflows its
 * stack silently overwrites the top of the next one down. The lowest
 * STACK_GUARD_BYTES of every slot hold a pattern no code writes; the arch
 * fills it when the hart comes up and, in debug builds (make DEBUG=1, the
 * default), checks all of it whenever the hart idles and its top words
 * whenever it re-arms its timer (a full check there cost about 650
 * instructions on every timer wake-up), and panics naming the hart. The build's stack budget
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

/* The words a quick check looks at: the top of the guard, where an
 * overflow from above writes first unless a frame's unwritten locals
 * straddle it (the full check, when the hart idles, finds those). */
#define STACK_GUARD_QUICK_WORDS 8

/* The quick check's common case, branch-free: the top
 * STACK_GUARD_QUICK_WORDS words all hold the pattern. (A loop with a
 * branch per word cost about 60 instructions at every timer re-arm.) */
static inline bool stack_guard_quick_intact(const uint64_t *bottom)
{
	const volatile uint64_t *top =
		bottom + STACK_GUARD_WORDS - STACK_GUARD_QUICK_WORDS;
	uint64_t differ = 0;

#pragma GCC unroll 8
	for (unsigned i = 0; i < STACK_GUARD_QUICK_WORDS; i++)
		differ |= top[i] ^ STACK_GUARD_PATTERN;
	return differ == 0;
}

/* The highest of the top `words` guard words that no longer holds the
 * pattern (how far into the guard the overflow reached from above), or
 * -1 if they are intact. */
static inline int stack_guard_damage_top(const uint64_t *bottom, unsigned words)
{
	int lowest =
		words >= STACK_GUARD_WORDS ? 0 : STACK_GUARD_WORDS - (int)words;

	for (int i = STACK_GUARD_WORDS - 1; i >= lowest; i--)
		if (((const volatile uint64_t *)bottom)[i] !=
		    STACK_GUARD_PATTERN)
			return i;
	return -1;
}

/* The whole guard: the top word goes first, all of them say how deep
 * the overflow went. */
static inline int stack_guard_damage(const uint64_t *bottom)
{
	return stack_guard_damage_top(bottom, STACK_GUARD_WORDS);
}

#endif
