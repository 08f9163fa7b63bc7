/* SPDX-License-Identifier: MIT */
/*
 * Fill all 32 FP registers and fcsr with a pattern, and check them later.
 * Pure assembly so no compiler-generated code can touch FP registers in
 * between.
 *
 *   void fp_fill(uint64_t seed, unsigned long fcsr);
 *   unsigned long fp_check(uint64_t seed, unsigned long fcsr);
 *	returns a mask: bit i = f<i> differs, bit 32 = fcsr differs.
 */
#define FP_STEP 0x9e3779b97f4a7c15

	.text
	.globl fp_fill
fp_fill:
	li	t1, FP_STEP
	mv	t0, a0
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fmv.d.x	f\n, t0
	add	t0, t0, t1
	.endr
	fscsr	a1
	ret

	.globl fp_check
fp_check:
	li	t1, FP_STEP
	mv	t0, a0
	li	a2, 0		/* mismatch mask */
	li	t3, 1		/* bit for the current register */
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fmv.x.d	t2, f\n
	beq	t2, t0, 1f
	or	a2, a2, t3
1:	slli	t3, t3, 1
	add	t0, t0, t1
	.endr
	frcsr	t2
	beq	t2, a1, 2f
	or	a2, a2, t3
2:	mv	a0, a2
	ret
