/* SPDX-License-Identifier: MIT */
/*
 * arch_vcpu_enter() on RISC-V, inline in the run loop (hv/vcpu/run.c).
 *
 * The world switch (switch.S) keeps only the hypervisor's sp, ra, gp and
 * tp. The call to it below tells the compiler that every other register
 * is lost, so the run loop saves its callee-saved registers once per
 * vcpu_run() and reloads what it needs after an exit, instead of the
 * switch saving and restoring all twelve at every entry. That, and no
 * call into a separate arch_vcpu_enter, is about 35 instructions off
 * every exit. The rare paths stay out of line in vcpu_arch.c.
 */
#ifndef ASM_VCPU_ENTER_H
#define ASM_VCPU_ENTER_H

#include <arch/vcpu_arch.h>
#include <hv/percpu.h>
#include <hv/vcpu.h>
#include "../../csr.h"

/* vcpu_arch.c: the rare paths of an entry. */
void arch_vcpu_switch_fp_owner(struct vcpu *vcpu);
void arch_vcpu_sync_breakpoint_trap(struct vcpu_arch *arch);
void arch_vcpu_hold_timer(struct vcpu_arch *arch);
void arch_vcpu_release_timer(struct vcpu_arch *arch);

/* Enter the guest and return at its next trap (switch.S). */
static inline void arch_world_switch(struct vcpu_arch *arch)
{
	register struct vcpu_arch *a0 __asm__("a0") = arch;

	__asm__ __volatile__("call arch_switch_to_guest"
			     : "+r"(a0)
			     :
			     : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6",
			       "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s0",
			       "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
			       "s9", "s10", "s11", "memory");
}

/*
 * hvip carries the interrupts the hypervisor injects (VSSIP, VSEIP, and
 * VSTIP for the SBI timer); with Sstc the hart ORs its own vstimecmp
 * comparison into VSTIP. It is written only when it changes, and always
 * with csrw: QEMU 7.2 drops an update whose mask is exactly VSTIP (as a
 * csrs/csrc of that bit alone would be) while its Sstc timer is pending.
 */
static inline void arch_write_hvip(const struct vcpu_arch *arch,
				   unsigned long current)
{
	/* VS interrupt bits sit one above the guest's S numbering. */
	unsigned long hvip = arch->mask_interrupts
				     ? 0
				     : (arch->virq_injected & VIRQ_ALL) << 1;

	if (hvip != current)
		csr_write(CSR_HVIP, hvip);
}

/* Run the loaded vCPU until the next trap; exit info is in
 * arch->scause.. (the contract is in hv/include/arch/vcpu_arch.h). */
static inline void arch_vcpu_enter(struct vcpu *vcpu)
{
	struct vcpu_arch *arch = &vcpu->arch;
	/* Stepping: its own timer (Sstc) must not fire either. */
	bool hold_timer = arch->mask_interrupts && arch->sstc;

	if (this_cpu()->fp_owner != vcpu)
		arch_vcpu_switch_fp_owner(vcpu);
	/* Clean FS: the hart marks it Dirty if the guest writes FP state. */
	arch->sstatus = (arch->sstatus & SSTATUS_SPP) | SSTATUS_FS_CLEAN |
			SSTATUS_UXL_64;
	/* VTW is the vCPU's own (arch_vcpu_set_wfi_in_guest). */
	arch->hstatus = HSTATUS_VSXL_64 | HSTATUS_SPV |
			(arch->hstatus & (HSTATUS_SPVP | HSTATUS_VTW));
	arch_write_hvip(arch, this_cpu()->hvip_in_hart);
	if (arch->trap_breakpoints != this_cpu()->breakpoints_trapped)
		arch_vcpu_sync_breakpoint_trap(arch);
	if (hold_timer)
		arch_vcpu_hold_timer(arch);
	arch_world_switch(arch);
	if (hold_timer)
		arch_vcpu_release_timer(arch);
	/* The guest may have cleared VSSIP (through its sip); while masked
	 * it saw none of them, and they stay as they were. */
	unsigned long hvip =
		csr_read(CSR_HVIP) & (MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);

	this_cpu()->hvip_in_hart = hvip;
	if (!arch->mask_interrupts)
		arch->virq_injected = hvip >> 1;
	if ((arch->sstatus & SSTATUS_FS) == SSTATUS_FS_DIRTY)
		arch->fp_dirty = true;
}

#endif
