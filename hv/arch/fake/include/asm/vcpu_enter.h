/* SPDX-License-Identifier: MIT */
/* arch_vcpu_enter() of the fake arch: an ordinary function
 * (hv/arch/fake/vcpu_arch.c). */
#ifndef ASM_VCPU_ENTER_H
#define ASM_VCPU_ENTER_H

#include <arch/vcpu_arch.h>

struct vcpu;
void arch_vcpu_enter(struct vcpu *vcpu);

#endif
