/* SPDX-License-Identifier: MIT */
/*
 * Build-time limits shared by C and assembly (hv/arch/riscv/entry.S
 * includes this file): plain #defines only, no C types or suffixes.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

/* Harts hartvisor runs on; a DTB may list more, the rest stay unused. */
#define HV_MAX_HARTS 8

/* Each hart's hypervisor stack: 16 KiB, one slot per dense cpu index. */
#define HV_STACK_SHIFT 14
#define HV_STACK_SIZE (1 << HV_STACK_SHIFT)

#endif
