/* SPDX-License-Identifier: MIT */
/* The stack guard's arch side (hv/arch/riscv/stack_guard.c), private to
 * hv/arch/riscv: the current hart's own slot, found from sp. */
#ifndef HV_ARCH_RISCV_STACK_GUARD_H
#define HV_ARCH_RISCV_STACK_GUARD_H

void arch_stack_guard_arm(void);
/* Debug builds (HV_DEBUG): panic if the guard is damaged. */
void arch_stack_guard_check(void);

#endif
