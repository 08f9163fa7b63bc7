/* SPDX-License-Identifier: MIT */
/* The stack guard's arch side (hv/arch/riscv/stack_guard.c), private to
 * hv/arch/riscv: the current hart's own slot, found from sp. */
#ifndef HV_ARCH_RISCV_STACK_GUARD_H
#define HV_ARCH_RISCV_STACK_GUARD_H

#include <hv/types.h>

void arch_stack_guard_arm(void);
/* Debug builds (HV_DEBUG): panic if the guard is damaged; all of it if
 * full, else its top STACK_GUARD_QUICK_WORDS words. */
void arch_stack_guard_check(bool full);

#endif
