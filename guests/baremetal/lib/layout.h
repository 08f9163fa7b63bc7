/* SPDX-License-Identifier: MIT */
/* Sizes shared by crt0.S, the linker script and C. */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

#define GUEST_MAX_HARTS 8
#define GUEST_STACK_SIZE 16384
#define GUEST_LOAD_ADDR 0x80200000
#define GUEST_TEXT_OFFSET 0x200000
/* Which crt0 entry calls guest_enable_paging (its a2). */
#define GUEST_ENTRY_BOOT 0
#define GUEST_ENTRY_HSM_START 1
#define GUEST_ENTRY_HSM_RESUME 2
/* struct trap_frame: x0..x31, sepc, scause, stval, padding to 16 bytes. */
#define TRAP_FRAME_SIZE (36 * 8)
#define TRAP_FRAME_SEPC (32 * 8)
#define TRAP_FRAME_SCAUSE (33 * 8)
#define TRAP_FRAME_STVAL (34 * 8)

#endif
