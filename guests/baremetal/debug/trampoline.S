/* SPDX-License-Identifier: MIT */
/*
 * guest_enable_paging: crt0 calls it on every hart entry, right after the
 * per-hart set-up, still at the physical address with satp = Bare
 * (a0 = hart id, a1 = DTB or opaque, a2 = GUEST_ENTRY_*). On the boot entry
 * it first builds the page tables (debug_paging_build, C run at the physical
 * alias). Then it turns Sv39 on and returns into the virtual alias: ra, sp
 * and stvec move up by DEBUG_VIRT_OFFSET, and on the boot entry a1 becomes
 * the DTB's virtual address (0 if there is no valid DTB).
 *
 * This whole section is the identity-mapped trampoline page (link.ld): the
 * instructions after "csrw satp" are fetched through the new page tables
 * at their physical address until the "ret".
 */
#include "layout.h"
#include "debug.h"

	/* link.ld checks that it uses the same offset as debug.h. */
	.globl debug_virt_offset_check
	.set	debug_virt_offset_check, DEBUG_VIRT_OFFSET

	.section .text.trampoline, "ax"
	.globl guest_enable_paging
guest_enable_paging:
	li	t0, GUEST_ENTRY_BOOT
	bne	a2, t0, 1f
	/* Boot hart, first entry: build the tables on the physical stack. */
	addi	sp, sp, -16
	sd	ra, 0(sp)
	sd	a0, 8(sp)
	mv	a0, a1
	call	debug_paging_build
	mv	a1, a0			/* the DTB's virtual address */
	ld	ra, 0(sp)
	ld	a0, 8(sp)
	addi	sp, sp, 16
	li	a2, GUEST_ENTRY_BOOT
1:	la	t0, pt_root		/* physical: we run at the physical alias */
	srli	t0, t0, 12
	li	t1, DEBUG_SATP_MODE_SV39
	or	t0, t0, t1
	/* Order the table writes (ours, or the boot hart's before it started
	 * this hart) before the first walk. */
	sfence.vma
	csrw	satp, t0
	sfence.vma
	li	t1, DEBUG_VIRT_OFFSET
	add	sp, sp, t1
	add	ra, ra, t1
	csrr	t0, stvec
	add	t0, t0, t1
	csrw	stvec, t0
	ret
