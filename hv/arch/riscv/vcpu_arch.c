// SPDX-License-Identifier: MIT
/*
 * The architectural half of a vCPU: VS-level CSR switching, the world
 * switch wrapper, exception injection and guest instruction fetch.
 *
 * VS CSRs stay in the hart from arch_vcpu_load() to arch_vcpu_put(), so
 * an exit that is handled and resumed on the same hart costs only the
 * GPR save/restore in switch.S plus a few CSRs here.
 *
 * FP registers are switched lazily: a hart keeps the last vCPU's FP
 * state in its registers (cpu->fp_owner) and saves it only when another
 * vCPU is about to run there, and only if sstatus.FS says it was written.
 */
#include <stddef.h>
#include "csr.h"
#include <arch/vcpu_arch.h>
#include <hv/errno.h>
#include <hv/percpu.h>
#include <hv/vcpu.h>
#include <asm/vcpu_enter.h>

void arch_switch_to_guest(struct vcpu_arch *arch);
void arch_fp_save(uint64_t *fp, uint64_t *fcsr);
void arch_fp_restore(const uint64_t *fp, const uint64_t *fcsr);
unsigned long arch_guest_read_halfword(unsigned long gva, int *fault);

/* Keep in step with the VCPU_* offsets in switch.S. */
_Static_assert(offsetof(struct vcpu_arch, sepc) == 256, "switch.S layout");
_Static_assert(offsetof(struct vcpu_arch, hstatus) == 272, "switch.S layout");
_Static_assert(offsetof(struct vcpu_arch, host_tp) == 304, "switch.S layout");
_Static_assert(offsetof(struct vcpu_arch, scause) == 312, "switch.S layout");
_Static_assert(offsetof(struct vcpu_arch, htinst) == 336, "switch.S layout");
_Static_assert(offsetof(struct vcpu, arch) == 0, "arch must come first");
_Static_assert(EXC_ECALL_VS == 10, "switch.S skips the fault details for it");

void arch_vcpu_reset(struct vcpu_arch *arch, unsigned long pc, unsigned long a0,
		     unsigned long a1)
{
	for (unsigned i = 0; i < 32; i++)
		arch->gpr[i] = 0;
	arch->gpr[GPR_A0] = a0;
	arch->gpr[GPR_A1] = a1;
	arch->sepc = pc;
	arch->sstatus = SSTATUS_SPP; /* enter the guest in (V)S-mode */
	arch->hstatus = HSTATUS_SPVP | HSTATUS_VTW; /* every wfi exits */
	arch->wfi_in_guest = false;
	arch->vsstatus = SSTATUS_UXL_64;
	arch->vsie = arch->vstvec = arch->vsscratch = arch->vsepc = 0;
	arch->vscause = arch->vstval = arch->vsatp = 0;
	/* As the SBI firmware leaves it (OpenSBI sets CY, TM and IR before
	 * the next stage): a Linux without the SBI PMU never sets TM itself,
	 * and its user space reads `time` directly (vDSO clock_gettime). */
	arch->scounteren = HCOUNTEREN_CY | HCOUNTEREN_TM | HCOUNTEREN_IR;
	arch->senvcfg = 0;
	arch->vstimecmp = UINT64_MAX;
	arch->virq_injected = 0;
	for (unsigned i = 0; i < 32; i++)
		arch->fp[i] = 0;
	arch->fcsr = 0;
	arch->fp_dirty = false;
}

void arch_vcpu_set_stage2(struct vcpu_arch *arch, unsigned long hgatp,
			  uint64_t htimedelta, bool sstc)
{
	arch->hgatp = hgatp;
	arch->htimedelta = htimedelta;
	arch->sstc = sstc;
	arch->henvcfg = sstc ? HENVCFG_STCE : 0;
	arch->hcounteren = HCOUNTEREN_CY | HCOUNTEREN_TM | HCOUNTEREN_IR;
}

void arch_vcpu_load(struct vcpu *vcpu)
{
	struct vcpu_arch *arch = &vcpu->arch;

	csr_write(CSR_HGATP, arch->hgatp);
	csr_write(CSR_HTIMEDELTA, arch->htimedelta);
	csr_write(CSR_HENVCFG, arch->henvcfg);
	csr_write(CSR_HCOUNTEREN, arch->hcounteren);
	csr_write(CSR_VSSTATUS, arch->vsstatus);
	csr_write(CSR_VSIE, arch->vsie);
	csr_write(CSR_VSTVEC, arch->vstvec);
	csr_write(CSR_VSSCRATCH, arch->vsscratch);
	csr_write(CSR_VSEPC, arch->vsepc);
	csr_write(CSR_VSCAUSE, arch->vscause);
	csr_write(CSR_VSTVAL, arch->vstval);
	csr_write(CSR_VSATP, arch->vsatp);
	csr_write(CSR_SCOUNTEREN, arch->scounteren);
	csr_write(CSR_SENVCFG, arch->senvcfg);
	if (arch->henvcfg & HENVCFG_STCE)
		csr_write(CSR_VSTIMECMP, arch->vstimecmp);
	this_cpu()->loaded = vcpu;
}

/*
 * Its pending VS interrupts stay in virq_injected, and its next entry
 * writes them back to hvip. Left in the hart, one would end an idle
 * hart's wfi at once: a blocked vCPU (it may block with VSEIP in hvip
 * when its line dropped since the entry) would make the hart spin.
 */
static void clear_hvip(void)
{
	if (this_cpu()->hvip_in_hart) {
		csr_write(CSR_HVIP, 0);
		this_cpu()->hvip_in_hart = 0;
	}
}

void arch_vcpu_put(struct vcpu *vcpu)
{
	struct vcpu_arch *arch = &vcpu->arch;

	arch->vsstatus = csr_read(CSR_VSSTATUS);
	arch->vsie = csr_read(CSR_VSIE);
	arch->vstvec = csr_read(CSR_VSTVEC);
	arch->vsscratch = csr_read(CSR_VSSCRATCH);
	arch->vsepc = csr_read(CSR_VSEPC);
	arch->vscause = csr_read(CSR_VSCAUSE);
	arch->vstval = csr_read(CSR_VSTVAL);
	arch->vsatp = csr_read(CSR_VSATP);
	arch->scounteren = csr_read(CSR_SCOUNTEREN);
	arch->senvcfg = csr_read(CSR_SENVCFG);
	if (arch->henvcfg & HENVCFG_STCE) {
		arch->vstimecmp = csr_read(CSR_VSTIMECMP);
		/* Left live, a passed vstimecmp keeps VSTIP pending (with the
		 * guest's STIE still in hie) and ends every idle wfi here. */
		csr_write(CSR_VSTIMECMP, UINT64_MAX);
	}
	clear_hvip();
	/* Release: a hart that sees the vCPU no longer loaded here sees the
	 * saved CSRs (sched/ownership.c, holder_of). */
	__atomic_store_n(&this_cpu()->loaded, NULL, __ATOMIC_RELEASE);
}

void arch_vcpu_switch_fp_owner(struct vcpu *vcpu)
{
	struct cpu *cpu = this_cpu();
	struct vcpu *owner = cpu->fp_owner;

	/* FS must be non-Off in HS for the FP loads/stores below. */
	csr_set(CSR_SSTATUS, SSTATUS_FS_DIRTY);
	if (owner && owner->arch.fp_dirty) {
		arch_fp_save(owner->arch.fp, &owner->arch.fcsr);
		owner->arch.fp_dirty = false;
	}
	arch_fp_restore(vcpu->arch.fp, &vcpu->arch.fcsr);
	csr_clear(CSR_SSTATUS, SSTATUS_FS);
	/* Release: the previous owner's saved registers are visible to a
	 * hart that sees it is no longer the owner. */
	__atomic_store_n(&cpu->fp_owner, vcpu, __ATOMIC_RELEASE);
}

void arch_vcpu_release_fp(struct vcpu *vcpu)
{
	struct cpu *cpu = this_cpu();

	if (cpu->fp_owner == vcpu)
		cpu->fp_owner = NULL;
}

/* Bring this hart's copy of the vCPU's FP registers to memory and let go
 * of it: the next entry loads them from there. */
static void fp_to_memory(struct vcpu *vcpu)
{
	struct cpu *cpu = this_cpu();

	if (cpu->fp_owner != vcpu)
		return;
	if (vcpu->arch.fp_dirty) {
		csr_set(CSR_SSTATUS, SSTATUS_FS_DIRTY);
		arch_fp_save(vcpu->arch.fp, &vcpu->arch.fcsr);
		csr_clear(CSR_SSTATUS, SSTATUS_FS);
		vcpu->arch.fp_dirty = false;
	}
	__atomic_store_n(&cpu->fp_owner, NULL, __ATOMIC_RELEASE);
}

void arch_vcpu_unload(struct vcpu *vcpu)
{
	if (this_cpu()->loaded == vcpu)
		arch_vcpu_put(vcpu);
	fp_to_memory(vcpu);
}

/* The rare paths of arch_vcpu_enter (asm/vcpu_enter.h). */
void arch_vcpu_sync_breakpoint_trap(struct vcpu_arch *arch)
{
	/* Only while a debugger has breakpoints set: then the guest's
	 * ebreak comes here, and the debugger tells ours from its. */
	if (arch->trap_breakpoints)
		csr_clear(CSR_HEDELEG, BIT(EXC_BREAKPOINT));
	else
		csr_set(CSR_HEDELEG, BIT(EXC_BREAKPOINT));
	this_cpu()->breakpoints_trapped = arch->trap_breakpoints;
}

/* Stepping: the guest's own timer (Sstc) must not fire either; a
 * stimecmp the guest writes meanwhile is kept. */
void arch_vcpu_hold_timer(struct vcpu_arch *arch)
{
	arch->held_vstimecmp = csr_read(CSR_VSTIMECMP);
	csr_write(CSR_VSTIMECMP, UINT64_MAX);
}

void arch_vcpu_release_timer(struct vcpu_arch *arch)
{
	if (csr_read(CSR_VSTIMECMP) == UINT64_MAX)
		csr_write(CSR_VSTIMECMP, arch->held_vstimecmp);
}

void arch_vcpu_inject_exception(struct vcpu *vcpu, unsigned long cause,
				unsigned long tval)
{
	struct vcpu_arch *arch = &vcpu->arch;
	unsigned long vsstatus = csr_read(CSR_VSSTATUS);

	/* What a hart does on a trap into S-mode, applied to VS-mode. */
	vsstatus &= ~(SSTATUS_SPP | SSTATUS_SPIE);
	if (arch->sstatus & SSTATUS_SPP)
		vsstatus |= SSTATUS_SPP;
	if (vsstatus & SSTATUS_SIE)
		vsstatus |= SSTATUS_SPIE;
	vsstatus &= ~SSTATUS_SIE;
	csr_write(CSR_VSSTATUS, vsstatus);
	csr_write(CSR_VSCAUSE, cause);
	csr_write(CSR_VSTVAL, tval);
	csr_write(CSR_VSEPC, arch->sepc);
	arch->sepc = csr_read(CSR_VSTVEC) & ~3UL;
	arch->sstatus |= SSTATUS_SPP;
}

int arch_vcpu_read_insn(struct vcpu *vcpu, gva_t pc, uint32_t *insn)
{
	int fault;
	unsigned long low, high;

	(void)vcpu; /* hstatus.SPVP and vsatp in the hart are the guest's */
	low = arch_guest_read_halfword(pc.val, &fault);
	if (fault)
		return HV_EFAULT;
	if ((low & 3) != 3) {
		*insn = (uint32_t)low;
		return HV_OK;
	}
	high = arch_guest_read_halfword(pc.val + 2, &fault);
	if (fault)
		return HV_EFAULT;
	*insn = (uint32_t)(low | (high << 16));
	return HV_OK;
}

void arch_vcpu_set_wfi_in_guest(struct vcpu_arch *arch, bool on)
{
	arch->wfi_in_guest = on;
	if (on)
		arch->hstatus &= ~HSTATUS_VTW;
	else
		arch->hstatus |= HSTATUS_VTW;
}

void arch_vcpu_flush_vs_tlb(void)
{
	/* hfence.vvma zero, zero: every VS translation of the current VMID */
	__asm__ __volatile__(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory");
}

void arch_vcpu_fence_i(void)
{
	__asm__ __volatile__("fence.i" ::: "memory");
}

static bool loaded_here(struct vcpu *vcpu)
{
	return this_cpu()->loaded == vcpu;
}

uint64_t arch_vcpu_get_vstimecmp(struct vcpu *vcpu)
{
	if (loaded_here(vcpu) && (vcpu->arch.henvcfg & HENVCFG_STCE))
		return csr_read(CSR_VSTIMECMP);
	return vcpu->arch.vstimecmp;
}

unsigned long arch_vcpu_guest_vsatp(struct vcpu *vcpu)
{
	return loaded_here(vcpu) ? csr_read(CSR_VSATP) : vcpu->arch.vsatp;
}

/* Through memory: the hypervisor itself never holds FP values in
 * registers (only fp.S touches them). */
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
		csr_set(CSR_VSSTATUS, SSTATUS_FS_DIRTY);
	else
		vcpu->arch.vsstatus |= SSTATUS_FS_DIRTY;
}

unsigned long arch_vcpu_guest_sie(struct vcpu *vcpu)
{
	return loaded_here(vcpu) ? csr_read(CSR_VSIE) : vcpu->arch.vsie;
}

void arch_vcpu_save_wakeup_state(struct vcpu *vcpu)
{
	if (!loaded_here(vcpu))
		return;
	clear_hvip();
	vcpu->arch.vsie = csr_read(CSR_VSIE);
	if (vcpu->arch.henvcfg & HENVCFG_STCE)
		vcpu->arch.vstimecmp = csr_read(CSR_VSTIMECMP);
}

void arch_vcpu_resume_at(struct vcpu *vcpu, unsigned long pc, unsigned long a0,
			 unsigned long a1)
{
	struct vcpu_arch *arch = &vcpu->arch;

	arch->gpr[GPR_A0] = a0;
	arch->gpr[GPR_A1] = a1;
	arch->sepc = pc;
	arch->sstatus |= SSTATUS_SPP;
	csr_clear(CSR_VSSTATUS, SSTATUS_SIE);
	csr_write(CSR_VSATP, 0);
}

bool vcpu_in_guest_kernel(const struct vcpu *vcpu)
{
	return vcpu->arch.sstatus & SSTATUS_SPP;
}

void arch_vcpu_set_guest_kernel(struct vcpu *vcpu, bool kernel)
{
	if (kernel)
		vcpu->arch.sstatus |= SSTATUS_SPP;
	else
		vcpu->arch.sstatus &= ~SSTATUS_SPP;
}
