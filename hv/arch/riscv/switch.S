/* SPDX-License-Identifier: MIT */
/*
 * The world switch. While a guest runs, sscratch holds the address of its
 * struct vcpu_arch; while the hypervisor runs, sscratch is 0. The single
 * trap vector tells the two apart by swapping sp with sscratch.
 *
 * Offsets must match struct vcpu_arch (hv/include/arch/vcpu_arch.h);
 * hv/arch/vcpu_arch.c static-asserts them.
 */
#define VCPU_GPR(n) ((n) * 8)
#define VCPU_SEPC 256
#define VCPU_SSTATUS 264
#define VCPU_HSTATUS 272
#define VCPU_HOST_SP 280
#define VCPU_HOST_RA 288
#define VCPU_HOST_GP 296
#define VCPU_HOST_TP 304
#define VCPU_SCAUSE 312
#define VCPU_STVAL 320
#define VCPU_HTVAL 328
#define VCPU_HTINST 336
#define EXC_ECALL_VS 10

	.text
/* void arch_switch_to_guest(struct vcpu_arch *arch) — returns on the next
 * trap from the guest, with the guest's registers saved in *arch. Only
 * the hypervisor's sp, ra, gp and tp survive it: the caller
 * (asm/vcpu_enter.h) declares every other register clobbered. */
	.global arch_switch_to_guest
arch_switch_to_guest:
	sd	sp, VCPU_HOST_SP(a0)
	sd	ra, VCPU_HOST_RA(a0)
	sd	gp, VCPU_HOST_GP(a0)
	sd	tp, VCPU_HOST_TP(a0)

	ld	t0, VCPU_SEPC(a0)
	csrw	sepc, t0
	ld	t0, VCPU_SSTATUS(a0)
	csrw	sstatus, t0
	ld	t0, VCPU_HSTATUS(a0)
	csrw	hstatus, t0
	csrw	sscratch, a0

	ld	ra, VCPU_GPR(1)(a0)
	ld	sp, VCPU_GPR(2)(a0)
	ld	gp, VCPU_GPR(3)(a0)
	ld	tp, VCPU_GPR(4)(a0)
	ld	t0, VCPU_GPR(5)(a0)
	ld	t1, VCPU_GPR(6)(a0)
	ld	t2, VCPU_GPR(7)(a0)
	ld	s0, VCPU_GPR(8)(a0)
	ld	s1, VCPU_GPR(9)(a0)
	ld	a1, VCPU_GPR(11)(a0)
	ld	a2, VCPU_GPR(12)(a0)
	ld	a3, VCPU_GPR(13)(a0)
	ld	a4, VCPU_GPR(14)(a0)
	ld	a5, VCPU_GPR(15)(a0)
	ld	a6, VCPU_GPR(16)(a0)
	ld	a7, VCPU_GPR(17)(a0)
	ld	s2, VCPU_GPR(18)(a0)
	ld	s3, VCPU_GPR(19)(a0)
	ld	s4, VCPU_GPR(20)(a0)
	ld	s5, VCPU_GPR(21)(a0)
	ld	s6, VCPU_GPR(22)(a0)
	ld	s7, VCPU_GPR(23)(a0)
	ld	s8, VCPU_GPR(24)(a0)
	ld	s9, VCPU_GPR(25)(a0)
	ld	s10, VCPU_GPR(26)(a0)
	ld	s11, VCPU_GPR(27)(a0)
	ld	t3, VCPU_GPR(28)(a0)
	ld	t4, VCPU_GPR(29)(a0)
	ld	t5, VCPU_GPR(30)(a0)
	ld	t6, VCPU_GPR(31)(a0)
	ld	a0, VCPU_GPR(10)(a0)
	sret

/* The only trap vector (direct mode, so 4-byte aligned). */
	.align 4
	.global hv_trap_vector
hv_trap_vector:
	csrrw	sp, sscratch, sp
	beqz	sp, hypervisor_trap
	/* From the guest: sp = struct vcpu_arch *, sscratch = guest sp. */
	sd	ra, VCPU_GPR(1)(sp)
	sd	gp, VCPU_GPR(3)(sp)
	sd	tp, VCPU_GPR(4)(sp)
	sd	t0, VCPU_GPR(5)(sp)
	sd	t1, VCPU_GPR(6)(sp)
	sd	t2, VCPU_GPR(7)(sp)
	sd	s0, VCPU_GPR(8)(sp)
	sd	s1, VCPU_GPR(9)(sp)
	sd	a0, VCPU_GPR(10)(sp)
	sd	a1, VCPU_GPR(11)(sp)
	sd	a2, VCPU_GPR(12)(sp)
	sd	a3, VCPU_GPR(13)(sp)
	sd	a4, VCPU_GPR(14)(sp)
	sd	a5, VCPU_GPR(15)(sp)
	sd	a6, VCPU_GPR(16)(sp)
	sd	a7, VCPU_GPR(17)(sp)
	sd	s2, VCPU_GPR(18)(sp)
	sd	s3, VCPU_GPR(19)(sp)
	sd	s4, VCPU_GPR(20)(sp)
	sd	s5, VCPU_GPR(21)(sp)
	sd	s6, VCPU_GPR(22)(sp)
	sd	s7, VCPU_GPR(23)(sp)
	sd	s8, VCPU_GPR(24)(sp)
	sd	s9, VCPU_GPR(25)(sp)
	sd	s10, VCPU_GPR(26)(sp)
	sd	s11, VCPU_GPR(27)(sp)
	sd	t3, VCPU_GPR(28)(sp)
	sd	t4, VCPU_GPR(29)(sp)
	sd	t5, VCPU_GPR(30)(sp)
	sd	t6, VCPU_GPR(31)(sp)
	csrrw	t0, sscratch, zero
	sd	t0, VCPU_GPR(2)(sp)
	csrr	t0, sepc
	sd	t0, VCPU_SEPC(sp)
	csrr	t0, sstatus
	sd	t0, VCPU_SSTATUS(sp)
	csrr	t0, hstatus
	sd	t0, VCPU_HSTATUS(sp)
	csrr	t0, scause
	sd	t0, VCPU_SCAUSE(sp)
	/* The fault details matter to the other exceptions only: interrupts
	 * (scause < 0) and SBI calls, the most frequent exits, skip them
	 * (and leave the saved ones stale). */
	bltz	t0, 1f
	addi	t0, t0, -EXC_ECALL_VS
	beqz	t0, 1f
	csrr	t0, stval
	sd	t0, VCPU_STVAL(sp)
	csrr	t0, htval
	sd	t0, VCPU_HTVAL(sp)
	csrr	t0, htinst
	sd	t0, VCPU_HTINST(sp)
1:
	mv	a0, sp
	ld	sp, VCPU_HOST_SP(a0)
	ld	ra, VCPU_HOST_RA(a0)
	ld	gp, VCPU_HOST_GP(a0)
	ld	tp, VCPU_HOST_TP(a0)
	ret

/*
 * A trap taken while the hypervisor itself runs. Interrupts are never
 * enabled in HS-mode, so this is an exception: either the expected fault
 * of a guest-memory read (hlvx, fixed up to return an error) or a bug.
 */
hypervisor_trap:
	csrrw	sp, sscratch, sp	/* back to our stack; sscratch = 0 */
	addi	sp, sp, -16
	sd	t0, 0(sp)
	sd	t1, 8(sp)
	csrr	t0, sepc
	la	t1, guest_read_insn_access
	bne	t0, t1, hypervisor_fatal
	la	t1, guest_read_insn_fixup
	csrw	sepc, t1
	ld	t0, 0(sp)
	ld	t1, 8(sp)
	addi	sp, sp, 16
	sret
hypervisor_fatal:
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	mv	a3, ra
	call	hv_trap_panic
1:	wfi
	j	1b

/*
 * unsigned long arch_guest_read_halfword(unsigned long gva, int *fault):
 * a halfword of guest instruction memory through the guest's two-stage
 * translation (hlvx.hu), or *fault = 1 if it isn't executable.
 */
	.global arch_guest_read_halfword
arch_guest_read_halfword:
	mv	t2, a0
	sw	zero, 0(a1)
guest_read_insn_access:
	.insn r 0x73, 0x4, 0x32, a0, t2, x3	/* hlvx.hu a0, (t2) */
	ret
guest_read_insn_fixup:
	li	t0, 1
	sw	t0, 0(a1)
	li	a0, 0
	ret
