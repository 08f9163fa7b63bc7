/* SPDX-License-Identifier: MIT */
/*
 * Entry points of a test guest: the RISC-V Image header, the boot hart's
 * entry, the entry of harts started with SBI HSM, the resume point of a
 * non-retentive suspend, and the trap vector.
 *
 * Every entry gets a0 = hart id, a1 = DTB (boot) or opaque (HSM). Each hart
 * runs on its own stack, chosen by hart id, and keeps its id in tp.
 *
 * Right after the per-hart set-up every entry calls guest_enable_paging
 * (a0 = hart id, a1 = DTB or opaque, a2 = GUEST_ENTRY_*). The default here
 * does nothing: the guest runs with satp = Bare where it was loaded. A guest
 * with its own page tables (debug) overrides it; its version may return
 * into another alias of the image, with ra, sp and stvec moved by
 * guest_virt_offset and, for GUEST_ENTRY_BOOT, a1 pointing at the DTB
 * through the new alias. Nothing before the call may depend on the alias.
 */
#include "layout.h"

	.section .text.head, "ax"
	.globl _start
_start:
	/* code0/code1: a 4-byte jump so the header fields stay where the
	 * Image format puts them. */
	.option push
	.option norvc
	j	boot_entry
	.word	0
	.option pop
	.dword	GUEST_TEXT_OFFSET	/* text_offset */
	.dword	_image_size		/* image_size, bss and stacks included */
	.dword	0			/* flags: little endian */
	.word	2			/* header version 0.2 */
	.word	0
	.dword	0
	.ascii	"RISCV\0\0\0"		/* magic (deprecated, kept for tools) */
	.ascii	"RSC\x05"		/* magic2 */
	.word	0

/* Common per-hart set-up: interrupts off, FP usable, trap vector, stack. */
.macro hart_setup
	csrw	sie, zero
	li	t0, 0x2			/* sstatus.SIE */
	csrc	sstatus, t0
	li	t0, 0x2000		/* sstatus.FS = Initial */
	csrs	sstatus, t0
	la	t0, trap_entry
	csrw	stvec, t0
	li	t0, GUEST_MAX_HARTS
	bgeu	a0, t0, park		/* no stack for this hart */
	mv	tp, a0
	la	sp, hart_stacks
	addi	t0, a0, 1
	li	t1, GUEST_STACK_SIZE
	mul	t0, t0, t1
	add	sp, sp, t0
.endm

	.text
boot_entry:
	hart_setup
	li	a2, GUEST_ENTRY_BOOT
	call	guest_enable_paging
	/* Only the boot hart clears bss: the others start later and rely
	 * on what it set up there. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	guest_boot
	j	park

	.globl hart_start_entry
hart_start_entry:
	hart_setup
	li	a2, GUEST_ENTRY_HSM_START
	call	guest_enable_paging
	call	hart_job_run
	j	park

	.globl hart_resume_entry
	.balign 4
hart_resume_entry:
	hart_setup
	li	a2, GUEST_ENTRY_HSM_RESUME
	call	guest_enable_paging
	call	hart_resume_run
	j	park

park:
	wfi
	j	park

	/* The default: no paging, the image runs where it was loaded. */
	.weak guest_enable_paging
guest_enable_paging:
	ret

	/* Virtual minus physical address of the image, 0 without paging. In
	 * .data, not .bss: a guest_enable_paging sets it before bss is
	 * cleared. */
	.data
	.balign 8
	.globl guest_virt_offset
guest_virt_offset:
	.dword	0

	.text

	/* Direct-mode vector: stvec needs 4-byte alignment. */
	.balign 4
	.globl trap_entry
trap_entry:
	addi	sp, sp, -TRAP_FRAME_SIZE
	sd	x1, 1*8(sp)
	sd	x3, 3*8(sp)
	sd	x4, 4*8(sp)
	sd	x5, 5*8(sp)
	sd	x6, 6*8(sp)
	sd	x7, 7*8(sp)
	sd	x8, 8*8(sp)
	sd	x9, 9*8(sp)
	sd	x10, 10*8(sp)
	sd	x11, 11*8(sp)
	sd	x12, 12*8(sp)
	sd	x13, 13*8(sp)
	sd	x14, 14*8(sp)
	sd	x15, 15*8(sp)
	sd	x16, 16*8(sp)
	sd	x17, 17*8(sp)
	sd	x18, 18*8(sp)
	sd	x19, 19*8(sp)
	sd	x20, 20*8(sp)
	sd	x21, 21*8(sp)
	sd	x22, 22*8(sp)
	sd	x23, 23*8(sp)
	sd	x24, 24*8(sp)
	sd	x25, 25*8(sp)
	sd	x26, 26*8(sp)
	sd	x27, 27*8(sp)
	sd	x28, 28*8(sp)
	sd	x29, 29*8(sp)
	sd	x30, 30*8(sp)
	sd	x31, 31*8(sp)
	addi	t0, sp, TRAP_FRAME_SIZE
	sd	t0, 2*8(sp)
	csrr	t0, sepc
	sd	t0, TRAP_FRAME_SEPC(sp)
	csrr	t0, scause
	sd	t0, TRAP_FRAME_SCAUSE(sp)
	csrr	t0, stval
	sd	t0, TRAP_FRAME_STVAL(sp)
	mv	a0, sp
	call	trap_handle
	/* The handler may move sepc (skip an expected fault) and edit
	 * registers (resume a failed fetch at ra). */
	ld	t0, TRAP_FRAME_SEPC(sp)
	csrw	sepc, t0
	ld	x1, 1*8(sp)
	ld	x3, 3*8(sp)
	ld	x4, 4*8(sp)
	ld	x5, 5*8(sp)
	ld	x6, 6*8(sp)
	ld	x7, 7*8(sp)
	ld	x8, 8*8(sp)
	ld	x9, 9*8(sp)
	ld	x10, 10*8(sp)
	ld	x11, 11*8(sp)
	ld	x12, 12*8(sp)
	ld	x13, 13*8(sp)
	ld	x14, 14*8(sp)
	ld	x15, 15*8(sp)
	ld	x16, 16*8(sp)
	ld	x17, 17*8(sp)
	ld	x18, 18*8(sp)
	ld	x19, 19*8(sp)
	ld	x20, 20*8(sp)
	ld	x21, 21*8(sp)
	ld	x22, 22*8(sp)
	ld	x23, 23*8(sp)
	ld	x24, 24*8(sp)
	ld	x25, 25*8(sp)
	ld	x26, 26*8(sp)
	ld	x27, 27*8(sp)
	ld	x28, 28*8(sp)
	ld	x29, 29*8(sp)
	ld	x30, 30*8(sp)
	ld	x31, 31*8(sp)
	addi	sp, sp, TRAP_FRAME_SIZE
	sret
