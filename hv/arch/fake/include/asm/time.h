/* SPDX-License-Identifier: MIT */
/* arch_time_now() of the fake arch: the simulated clock the test
 * advances (hv/arch/fake/cpu.c). Included by hv/include/arch/arch.h. */
#ifndef ASM_TIME_H
#define ASM_TIME_H

#include <stdint.h>

uint64_t arch_time_now(void);

#endif
