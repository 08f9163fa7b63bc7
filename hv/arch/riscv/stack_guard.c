// SPDX-License-Identifier: MIT
/*
 * The stack guard of each hart (see hv/include/hv/stack_guard.h): filled
 * once per hart in arch_cpu_init(), checked in debug builds where the
 * hart is shallow and calm (idle, or re-arming its timer after a
 * scheduling decision). The slot is found from sp, so neither needs the
 * per-CPU data.
 */
#include <hv/config.h>
#include <hv/printk.h>
#include <hv/stack_guard.h>
#include "stack_guard.h"

extern uint64_t hv_stacks[]; /* entry.S: HV_MAX_HARTS slots */

_Static_assert(STACK_GUARD_BYTES * 4 <= HV_STACK_SIZE,
	       "the guard takes a small part of each stack");

static unsigned this_stack_slot(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	return (unsigned)((sp - (uintptr_t)hv_stacks) >> HV_STACK_SHIFT);
}

static uint64_t *stack_bottom(unsigned slot)
{
	return hv_stacks + (size_t)slot * (HV_STACK_SIZE / 8);
}

void arch_stack_guard_arm(void)
{
	stack_guard_fill(stack_bottom(this_stack_slot()));
}

void arch_stack_guard_check(bool full)
{
#ifdef HV_DEBUG
	unsigned slot = this_stack_slot();

	if (!full && slot < HV_MAX_HARTS &&
	    stack_guard_quick_intact(stack_bottom(slot)))
		return;
	unsigned words = full ? STACK_GUARD_WORDS : STACK_GUARD_QUICK_WORDS;
	int word = slot < HV_MAX_HARTS
			   ? stack_guard_damage_top(stack_bottom(slot), words)
			   : -2;

	if (word == -2)
		hv_panic("stack pointer %p is outside every hart's stack",
			 __builtin_frame_address(0));
	if (word >= 0)
		hv_panic("stack overflow on cpu %u: its guard is overwritten "
			 "%d bytes deep",
			 slot, (STACK_GUARD_WORDS - word) * 8);
#else
	(void)full;
#endif
}
