/* SPDX-License-Identifier: MIT */
/*
 * Boot entry. OpenSBI enters the first hart here in HS-mode with
 * a0 = hart id, a1 = DTB address; QEMU starts at the lowest loaded byte,
 * so this section is linked first. Secondary harts are started later with
 * SBI HSM at _secondary_start (a0 = hart id, a1 = opaque).
 */
#define HV_MAX_HARTS 8
#define HV_STACK_SHIFT 14

/* Every hart: gp, interrupts off, sscratch = 0 (the trap vector's "in the
 * hypervisor" mark), and a hart id the per-hart stacks cover. */
.macro hart_entry_prologue
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	csrw	sie, zero
	csrw	sscratch, zero
	li	t0, HV_MAX_HARTS
	bgeu	a0, t0, hang
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
	call	set_stack
	call	hv_secondary_main
	j	hang

/* sp = top of this hart's boot stack; a0 = hart id, preserved. */
set_stack:
	la	sp, __stacks_start
	addi	t0, a0, 1
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
