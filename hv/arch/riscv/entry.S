/* SPDX-License-Identifier: MIT */
/*
 * Boot entry. OpenSBI enters the first hart here in HS-mode with
 * a0 = hart id, a1 = DTB address; QEMU starts at the lowest loaded byte,
 * so this section is linked first. Secondary harts are started later with
 * SBI HSM at _secondary_start with a0 = hart id, a1 = opaque, which boot.c
 * sets to the hart's dense cpu index.
 *
 * Stacks are picked by dense index, never by hart id: hart ids can be
 * sparse or large (0, 9, 1000), indices are 0 .. HV_MAX_HARTS - 1. The boot
 * hart, whatever its id, is index 0.
 */
#include <hv/config.h>

/* Every hart: gp, interrupts off, sscratch = 0 (the trap vector's "in the
 * hypervisor" mark). */
.macro hart_entry_prologue
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	sie, zero
	csrw	sscratch, zero
.endm

	.section .text.entry, "ax"
	.global _start
_start:
	hart_entry_prologue
	/* Whichever hart arrives first boots; OpenSBI enters only one, but
	 * a second arrival must not run the boot path twice. */
	la	t0, boot_claimed
	li	t1, 1
	amoswap.w.aq t1, t1, (t0)
	bnez	t1, hang
	li	t0, 0
	call	set_stack
	/* Clear .bss (boot_claimed lives in .data, so it survives). */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	fence	rw, rw
	call	hv_boot_main
	j	hang

	.global _secondary_start
_secondary_start:
	hart_entry_prologue
	/* Index 0 is the boot hart's stack, which is in use: a secondary
	 * must come with 1 .. HV_MAX_HARTS - 1, or it would corrupt it. */
	beqz	a1, hang
	li	t0, HV_MAX_HARTS
	bgeu	a1, t0, hang
	mv	t0, a1
	call	set_stack
	call	hv_secondary_main	/* (hart id, index) */
	j	hang

/* sp = top of boot stack slot t0; a0 and a1 preserved. */
set_stack:
	la	sp, hv_stacks
	addi	t0, t0, 1
	slli	t0, t0, HV_STACK_SHIFT
	add	sp, sp, t0
	ret

hang:
	wfi
	j	hang

	.data
	.align 3
boot_claimed:
	.word 0

	/* Outside .bss, which the boot hart zeroes: stacks need no zeroing. */
	.section .stacks, "aw", @nobits
	.balign 4096
hv_stacks:
	.space	HV_MAX_HARTS * HV_STACK_SIZE
