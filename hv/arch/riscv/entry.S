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
	bnez	t1, late_secondary
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
	li	a2, 0
secondary_entry:
	hart_entry_prologue
	/* Index 0 is the boot hart's stack, which is in use: a secondary
	 * must come with 1 .. HV_MAX_HARTS - 1, or it would corrupt it. */
	beqz	a1, hang
	li	t0, HV_MAX_HARTS
	bgeu	a1, t0, hang
	mv	t0, a1
	call	set_stack
	call	hv_secondary_main	/* (hart id, index, late) */
	j	hang

/*
 * A secondary hart that arrives here instead of at _secondary_start.
 * OpenSBI 1.1 can let a hart we started run before it has stored the
 * start address and opaque we gave it (its start race, fixed in 1.3):
 * the hart then comes to its previous next-stage address, this entry,
 * with a1 = the DTB. It is a hart we started all the same: find its index
 * by its hart id (hv_hart_slots, filled before any hart is started) and
 * go on as a secondary. A hart id we did not start stays parked.
 */
late_secondary:
	la	t0, hv_hart_slots
	li	t1, 1
	li	t2, HV_MAX_HARTS
1:	bgeu	t1, t2, hang
	slli	t3, t1, 3
	add	t3, t0, t3
	ld	t3, 0(t3)
	beq	t3, a0, 2f
	addi	t1, t1, 1
	j	1b
2:	mv	a1, t1
	li	a2, 1		/* tell hv_secondary_main it came this way */
	j	secondary_entry

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

	/* Hart id of each cpu index, ~0 where none: late_secondary's table.
	 * In .data, so it reads ~0 before the boot hart fills it. */
	.align 3
	.global hv_hart_slots
hv_hart_slots:
	.rept HV_MAX_HARTS
	.dword -1
	.endr

	/* Outside .bss, which the boot hart zeroes: stacks need no zeroing. */
	.section .stacks, "aw", @nobits
	.balign 4096
	.global hv_stacks	/* stack_guard.c finds each slot's guard */
hv_stacks:
	.space	HV_MAX_HARTS * HV_STACK_SIZE
