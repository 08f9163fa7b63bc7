/* SPDX-License-Identifier: MIT */
/*
 * Architectural vCPU state and the world switch. The layout of the first
 * fields is shared with hv/arch/switch.S (see the VCPU_* offsets there);
 * the static asserts in hv/arch/vcpu_arch.c keep both in step.
 */
#ifndef ARCH_VCPU_ARCH_H
#define ARCH_VCPU_ARCH_H

#include <hv/types.h>

/* Guest register numbers used by generic code (SBI calling convention). */
#define GPR_RA 1
#define GPR_SP 2
#define GPR_A0 10
#define GPR_A1 11
#define GPR_A6 16
#define GPR_A7 17

/* Exception causes (scause with the interrupt bit clear). */
#define EXC_INST_MISALIGNED 0
#define EXC_INST_ACCESS 1
#define EXC_ILLEGAL_INST 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_VS 10
#define EXC_INST_PAGE_FAULT 12
#define EXC_LOAD_PAGE_FAULT 13
#define EXC_STORE_PAGE_FAULT 15
#define EXC_INST_GUEST_PAGE_FAULT 20
#define EXC_LOAD_GUEST_PAGE_FAULT 21
#define EXC_VIRTUAL_INST 22
#define EXC_STORE_GUEST_PAGE_FAULT 23
#define EXC_COUNT 24

#define CAUSE_INTERRUPT (1UL << 63)

/* Interrupt causes (scause with the interrupt bit set), for host
 * interrupts taken while a guest ran. */
#define IRQ_CAUSE_SOFT 1
#define IRQ_CAUSE_TIMER 5
#define IRQ_CAUSE_EXTERNAL 9

/* Virtual interrupts, in the guest's own sip/sie numbering (the guest
 * believes it is in S-mode). The arch maps them to hvip's VS bits. */
#define VIRQ_SOFT BIT(1)
#define VIRQ_TIMER BIT(5)
#define VIRQ_EXTERNAL BIT(9)
#define VIRQ_ALL (VIRQ_SOFT | VIRQ_TIMER | VIRQ_EXTERNAL)

struct vcpu_arch {
	/* --- shared with switch.S: do not reorder --- */
	unsigned long gpr[32]; /* gpr[0] unused */
	unsigned long sepc;
	unsigned long sstatus;
	unsigned long hstatus;
	unsigned long host_sp;
	unsigned long host_ra;
	unsigned long host_gp;
	unsigned long
		host_tp; /* the rest is the run loop's (asm/vcpu_enter.h) */
	unsigned long scause; /* exit information, captured at the trap */
	/* Captured for exceptions other than SBI calls (stale after an
	 * interrupt or an ecall exit: switch.S skips them there). */
	unsigned long stval;
	unsigned long htval;
	unsigned long htinst;
	/* --- end of the switch.S layout --- */

	/* VS-level CSRs, live in the hart while the vCPU is loaded. */
	unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval;
	unsigned long vsatp;
	uint64_t vstimecmp;
	uint64_t held_vstimecmp; /* the guest's, while stepping holds it off */
	/* Virtual interrupts the hypervisor asserts (VIRQ_*); the guest can
	 * clear VIRQ_SOFT itself through its sip. */
	unsigned long virq_injected;
	bool sstc; /* the guest may use stimecmp (vstimecmp is switched) */
	/* Breakpoint exceptions come to the hypervisor (a debugger has
	 * breakpoints set) instead of going to the guest. */
	bool trap_breakpoints;
	/* A debugger steps this vCPU: it takes no virtual interrupt until
	 * the step is over (they stay pending), so the step lands on the
	 * next instruction, not in an interrupt handler. */
	bool mask_interrupts;
	/* The guest's wfi sleeps in the guest, with no exit: read-only,
	 * set through arch_vcpu_set_wfi_in_guest (false at reset). */
	bool wfi_in_guest;
	unsigned long henvcfg, hcounteren;
	/* No VS copies exist: a guest uses the HS registers directly. */
	unsigned long scounteren, senvcfg;
	uint64_t htimedelta;
	unsigned long hgatp;

	/* Guest FP state, switched lazily (see hv/arch/vcpu_arch.c). */
	uint64_t fp[32];
	uint64_t fcsr;
	bool fp_dirty;
};

struct vcpu;

/* Reset to the state a hart has at boot: entry at pc, a0, a1, satp = 0,
 * VS-mode, interrupts off. Only on a vCPU that is not running. */
void arch_vcpu_reset(struct vcpu_arch *arch, unsigned long pc, unsigned long a0,
		     unsigned long a1);
/* From the next entry, the guest's wfi sleeps in the guest with no exit
 * (on), or exits (off: the default). The scheduler's to decide
 * (sched/wfi_in_guest.c), on the vCPU's hart or while it is paused. */
void arch_vcpu_set_wfi_in_guest(struct vcpu_arch *arch, bool on);
void arch_vcpu_set_stage2(struct vcpu_arch *arch, unsigned long hgatp,
			  uint64_t htimedelta, bool sstc);
/* Switch the VS-level CSRs in (load) and out (put). A put leaves no
 * source of a VS interrupt live in the hart (hvip, the Sstc timer): the
 * hart's idle wfi would return at once for it, and the hart spin. */
void arch_vcpu_load(struct vcpu *vcpu);
void arch_vcpu_put(struct vcpu *vcpu);
/* arch_vcpu_enter(vcpu): run the loaded vCPU until the next trap; exit
 * info is in arch->scause.. Each arch's asm/vcpu_enter.h defines it (the
 * RISC-V one inline, in the run loop). */
/* Make the guest take an exception as if the hart raised it in VS/VU. */
void arch_vcpu_inject_exception(struct vcpu *vcpu, unsigned long cause,
				unsigned long tval);
/* Read an instruction at guest-virtual pc with the guest's translation.
 * HV_OK or HV_EFAULT (the guest page isn't readable/executable). */
int arch_vcpu_read_insn(struct vcpu *vcpu, gva_t pc, uint32_t *insn);
/* Flush this hart's VS-stage translations for the loaded vCPU's VMID. */
void arch_vcpu_flush_vs_tlb(void);
void arch_vcpu_fence_i(void);
uint64_t arch_vcpu_get_vstimecmp(struct vcpu *vcpu);
/* The guest's vsatp: the hart's while the vCPU is loaded on it (an exit
 * handler's view), else the saved copy. */
unsigned long arch_vcpu_guest_vsatp(struct vcpu *vcpu);
/* One FP register (f0..f31, 64 bits) of the vCPU that exited on this
 * hart, for emulating the guest's own FP load or store. A write marks the
 * guest's FP state Dirty (its sstatus.FS), as the hart would. */
uint64_t arch_vcpu_guest_fp(struct vcpu *vcpu, unsigned reg);
void arch_vcpu_set_guest_fp(struct vcpu *vcpu, unsigned reg, uint64_t value);
/* Guest sie bits (in sip numbering of the guest: SSIP=1, STIP=5, SEIP=9). */
unsigned long arch_vcpu_guest_sie(struct vcpu *vcpu);
/* Copy the CSRs that decide a wakeup (vsie, vstimecmp) to memory, so
 * other harts can evaluate it while the vCPU is blocked. */
void arch_vcpu_save_wakeup_state(struct vcpu *vcpu);
/* Non-retentive resume of the loaded vCPU: pc, a0, a1, satp = 0,
 * S-mode with interrupts off; other state is kept. */
void arch_vcpu_resume_at(struct vcpu *vcpu, unsigned long pc, unsigned long a0,
			 unsigned long a1);
/* Was the guest in (V)S-mode, not VU-mode, when it trapped? */
bool vcpu_in_guest_kernel(const struct vcpu *vcpu);
/* Make the vCPU return to (V)S-mode (true) or VU-mode at its next entry. */
void arch_vcpu_set_guest_kernel(struct vcpu *vcpu, bool kernel);
/* Drop the FP-owner reference a hart may hold to this vCPU. */
void arch_vcpu_release_fp(struct vcpu *vcpu);
/* Bring every piece of the vCPU's state that this hart holds (VS CSRs,
 * FP registers) back to memory, so another hart can run or inspect it.
 * The vCPU must not be running. */
void arch_vcpu_unload(struct vcpu *vcpu);

#endif
