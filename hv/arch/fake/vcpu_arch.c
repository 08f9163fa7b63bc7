// SPDX-License-Identifier: MIT
/*
 * The fake arch, vCPU side: loading and saving VS state to the simulated
 * hart's live state, lazy FP ownership as on RISC-V, and a guest played by
 * the test's hook (see hv/arch/fake/fake.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <hv/errno.h>
#include <hv/vcpu.h>
#include <asm/vcpu_enter.h>
#include "hv/arch/fake/fake.h"

#define FAKE_SPP BIT(8)		  /* the guest was in (V)S-mode */
#define FAKE_FS_DIRTY (3UL << 13) /* sstatus.FS = Dirty */

static struct fake_hart *hart(void)
{
	return &fake_harts[this_cpu()->index];
}

void arch_vcpu_set_wfi_in_guest(struct vcpu_arch *arch, bool on)
{
	arch->wfi_in_guest = on;
}

void arch_vcpu_reset(struct vcpu_arch *arch, unsigned long pc, unsigned long a0,
		     unsigned long a1)
{
	bool sstc = arch->sstc;
	unsigned long hgatp = arch->hgatp;
	uint64_t htimedelta = arch->htimedelta;

	*arch = (struct vcpu_arch){0};
	arch->gpr[GPR_A0] = a0;
	arch->gpr[GPR_A1] = a1;
	arch->sepc = pc;
	arch->sstatus = FAKE_SPP;
	arch->vstimecmp = UINT64_MAX;
	arch->sstc = sstc;
	arch->hgatp = hgatp;
	arch->htimedelta = htimedelta;
}

void arch_vcpu_set_stage2(struct vcpu_arch *arch, unsigned long hgatp,
			  uint64_t htimedelta, bool sstc)
{
	arch->hgatp = hgatp;
	arch->htimedelta = htimedelta;
	arch->sstc = sstc;
}

void arch_vcpu_load(struct vcpu *vcpu)
{
	struct fake_live_state *live = &hart()->live;
	struct vcpu_arch *arch = &vcpu->arch;

	live->vsstatus = arch->vsstatus;
	live->vsie = arch->vsie;
	live->vstvec = arch->vstvec;
	live->vsscratch = arch->vsscratch;
	live->vsepc = arch->vsepc;
	live->vscause = arch->vscause;
	live->vstval = arch->vstval;
	live->vsatp = arch->vsatp;
	live->vstimecmp = arch->vstimecmp;
	live->htimedelta = arch->htimedelta;
	live->stce = arch->sstc;
	this_cpu()->loaded = vcpu;
	hart()->loads++;
}

void arch_vcpu_put(struct vcpu *vcpu)
{
	struct fake_live_state *live = &hart()->live;
	struct vcpu_arch *arch = &vcpu->arch;

	arch->vsstatus = live->vsstatus;
	arch->vsie = live->vsie;
	arch->vstvec = live->vstvec;
	arch->vsscratch = live->vsscratch;
	arch->vsepc = live->vsepc;
	arch->vscause = live->vscause;
	arch->vstval = live->vstval;
	arch->vsatp = live->vsatp;
	arch->vstimecmp = live->vstimecmp;
	live->vstimecmp = UINT64_MAX; /* as hv/arch/riscv: no VSTIP left */
	/* Poison: state read from a hart that no longer holds it shows. */
	live->vsscratch = 0xdeadbeefUL;
	hart()->hvip = 0;
	this_cpu()->loaded = NULL;
	hart()->puts++;
}

static void save_fp(struct vcpu *owner)
{
	struct fake_live_state *live = &hart()->live;

	if (owner->arch.fp_dirty) {
		for (unsigned i = 0; i < 32; i++)
			owner->arch.fp[i] = live->fp[i];
		owner->arch.fcsr = live->fcsr;
		owner->arch.fp_dirty = false;
		hart()->fp_saves++;
	}
}

void arch_vcpu_enter(struct vcpu *vcpu)
{
	struct cpu *cpu = this_cpu();
	struct fake_live_state *live = &hart()->live;

	if (cpu->loaded != vcpu)
		abort(); /* generic code must load before entering */
	if (cpu->fp_owner != vcpu) {
		if (cpu->fp_owner)
			save_fp(cpu->fp_owner);
		for (unsigned i = 0; i < 32; i++)
			live->fp[i] = vcpu->arch.fp[i];
		live->fcsr = vcpu->arch.fcsr;
		cpu->fp_owner = vcpu;
		hart()->fp_restores++;
	}
	hart()->entries++;
	if (fake_guest) {
		/* As the hart: a stepped vCPU sees no virtual interrupt, and
		 * those pending stay pending. */
		unsigned long hidden = vcpu->arch.mask_interrupts
					       ? vcpu->arch.virq_injected
					       : 0;

		vcpu->arch.virq_injected &= ~hidden;
		fake_guest(vcpu);
		/* hvip as the guest left it (it may clear its SSIP). */
		hart()->hvip = vcpu->arch.virq_injected & VIRQ_ALL;
		vcpu->arch.virq_injected |= hidden;
		return;
	}
	hart()->hvip = vcpu->arch.mask_interrupts
			       ? 0
			       : vcpu->arch.virq_injected & VIRQ_ALL;
	/* No guest hook: it runs until the next host interrupt. */
	if (hart()->timer_deadline != UINT64_MAX &&
	    fake_time < hart()->timer_deadline)
		fake_time = hart()->timer_deadline;
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
}

void arch_vcpu_inject_exception(struct vcpu *vcpu, unsigned long cause,
				unsigned long tval)
{
	struct fake_live_state *live = &hart()->live;

	live->vscause = cause;
	live->vstval = tval;
	live->vsepc = vcpu->arch.sepc;
	vcpu->arch.sepc = live->vstvec & ~3UL;
	vcpu->arch.sstatus |= FAKE_SPP;
}

int arch_vcpu_read_insn(struct vcpu *vcpu, gva_t pc, uint32_t *insn)
{
	(void)vcpu;
	(void)pc;
	*insn = fake_guest_insn;
	return fake_guest_insn ? HV_OK : HV_EFAULT;
}

void arch_vcpu_flush_vs_tlb(void)
{
	hart()->tlb_flushes++;
}

void arch_vcpu_fence_i(void)
{
	hart()->fence_is++;
}

static bool loaded_here(struct vcpu *vcpu)
{
	return this_cpu()->loaded == vcpu;
}

uint64_t arch_vcpu_get_vstimecmp(struct vcpu *vcpu)
{
	fake_probe_point(FAKE_PROBE_VSTIMECMP);
	if (loaded_here(vcpu) && vcpu->arch.sstc)
		return hart()->live.vstimecmp;
	return vcpu->arch.vstimecmp;
}

unsigned long arch_vcpu_guest_vsatp(struct vcpu *vcpu)
{
	return loaded_here(vcpu) ? hart()->live.vsatp : vcpu->arch.vsatp;
}

/* As on RISC-V: through memory, the hart letting go of the registers. */
static void fp_to_memory(struct vcpu *vcpu)
{
	if (this_cpu()->fp_owner == vcpu) {
		save_fp(vcpu);
		this_cpu()->fp_owner = NULL;
	}
}

uint64_t arch_vcpu_guest_fp(struct vcpu *vcpu, unsigned reg)
{
	fp_to_memory(vcpu);
	return vcpu->arch.fp[reg & 31];
}

void arch_vcpu_set_guest_fp(struct vcpu *vcpu, unsigned reg, uint64_t value)
{
	fp_to_memory(vcpu);
	vcpu->arch.fp[reg & 31] = value;
	if (loaded_here(vcpu))
		hart()->live.vsstatus |= FAKE_FS_DIRTY;
	else
		vcpu->arch.vsstatus |= FAKE_FS_DIRTY;
}

unsigned long arch_vcpu_guest_sie(struct vcpu *vcpu)
{
	return loaded_here(vcpu) ? hart()->live.vsie : vcpu->arch.vsie;
}

void arch_vcpu_save_wakeup_state(struct vcpu *vcpu)
{
	if (!loaded_here(vcpu))
		return;
	hart()->hvip = 0; /* as the real arch: see hv/arch/riscv */
	vcpu->arch.vsie = hart()->live.vsie;
	if (vcpu->arch.sstc)
		vcpu->arch.vstimecmp = hart()->live.vstimecmp;
}

void arch_vcpu_resume_at(struct vcpu *vcpu, unsigned long pc, unsigned long a0,
			 unsigned long a1)
{
	vcpu->arch.gpr[GPR_A0] = a0;
	vcpu->arch.gpr[GPR_A1] = a1;
	vcpu->arch.sepc = pc;
	vcpu->arch.sstatus |= FAKE_SPP;
	hart()->live.vsstatus &= ~BIT(1); /* SIE */
	hart()->live.vsatp = 0;
}

bool vcpu_in_guest_kernel(const struct vcpu *vcpu)
{
	return vcpu->arch.sstatus & FAKE_SPP;
}

void arch_vcpu_set_guest_kernel(struct vcpu *vcpu, bool kernel)
{
	if (kernel)
		vcpu->arch.sstatus |= FAKE_SPP;
	else
		vcpu->arch.sstatus &= ~FAKE_SPP;
}

void arch_vcpu_release_fp(struct vcpu *vcpu)
{
	if (this_cpu()->fp_owner == vcpu)
		this_cpu()->fp_owner = NULL;
}

void arch_vcpu_unload(struct vcpu *vcpu)
{
	if (loaded_here(vcpu))
		arch_vcpu_put(vcpu);
	fp_to_memory(vcpu);
}

void fake_guest_write_fp(struct vcpu *vcpu, unsigned reg, uint64_t value)
{
	hart()->live.fp[reg] = value;
	vcpu->arch.fp_dirty = true;
}

uint64_t fake_guest_read_fp(struct vcpu *vcpu, unsigned reg)
{
	(void)vcpu;
	return hart()->live.fp[reg];
}

void fake_guest_write_sie(struct vcpu *vcpu, unsigned long sie)
{
	if (!loaded_here(vcpu))
		abort(); /* only a guest that runs here writes its CSRs */
	hart()->live.vsie = sie;
}

void fake_guest_write_stimecmp(struct vcpu *vcpu, uint64_t value)
{
	if (!loaded_here(vcpu))
		abort();
	hart()->live.vstimecmp = value;
}

void fake_exit_ecall(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
		     const unsigned long *args, unsigned nargs)
{
	vcpu->arch.scause = EXC_ECALL_VS;
	vcpu->arch.gpr[GPR_A7] = eid;
	vcpu->arch.gpr[GPR_A6] = fid;
	for (unsigned i = 0; i < 6; i++)
		vcpu->arch.gpr[GPR_A0 + i] = i < nargs ? args[i] : 0;
}

void fake_exit_wfi(struct vcpu *vcpu)
{
	/* A wfi that sleeps in the guest makes no exit: a test that has
	 * one exit models a hart that does not exist. */
	if (vcpu->arch.wfi_in_guest) {
		fprintf(stderr,
			"fake arch: vCPU %u exits for a wfi that "
			"sleeps in the guest\n",
			vcpu->id);
		abort();
	}
	vcpu->arch.scause = EXC_VIRTUAL_INST;
	vcpu->arch.stval = 0x10500073U; /* wfi */
	vcpu->arch.sstatus |= FAKE_SPP;
}

void fake_exit_host_interrupt(struct vcpu *vcpu, unsigned long cause)
{
	vcpu->arch.scause = CAUSE_INTERRUPT | cause;
}
