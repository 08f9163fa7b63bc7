// SPDX-License-Identifier: MIT
/*
 * A paused vCPU's registers (hv/include/hv/vcpu_state.h). Everything here
 * is memory: the pause brought the VS CSRs and FP registers out of every
 * hart (sched_try_quiesce), and the vCPU loads them again when it runs.
 */
#include <hv/errno.h>
#include <hv/vcpu.h>
#include <hv/vcpu_state.h>
#include <hv/vm.h>

#define FCSR_FFLAGS_MASK 0x1fUL
#define FCSR_FRM_SHIFT 5
#define FCSR_FRM_MASK 0x7UL

static const char *const csr_names[] = {
	[VCPU_REG_FFLAGS - VCPU_REG_FFLAGS] = "fflags",
	[VCPU_REG_FRM - VCPU_REG_FFLAGS] = "frm",
	[VCPU_REG_FCSR - VCPU_REG_FFLAGS] = "fcsr",
	[VCPU_REG_PRIV - VCPU_REG_FFLAGS] = "priv",
	[VCPU_REG_SSTATUS - VCPU_REG_FFLAGS] = "sstatus",
	[VCPU_REG_SIE - VCPU_REG_FFLAGS] = "sie",
	[VCPU_REG_STVEC - VCPU_REG_FFLAGS] = "stvec",
	[VCPU_REG_SSCRATCH - VCPU_REG_FFLAGS] = "sscratch",
	[VCPU_REG_SEPC - VCPU_REG_FFLAGS] = "sepc",
	[VCPU_REG_SCAUSE - VCPU_REG_FFLAGS] = "scause",
	[VCPU_REG_STVAL - VCPU_REG_FFLAGS] = "stval",
	[VCPU_REG_SIP - VCPU_REG_FFLAGS] = "sip",
	[VCPU_REG_SATP - VCPU_REG_FFLAGS] = "satp",
	[VCPU_REG_STIMECMP - VCPU_REG_FFLAGS] = "stimecmp",
};

const char *vcpu_reg_name(enum vcpu_reg reg)
{
	static const char *const gprs[32] = {
		"x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",	 "x7",
		"x8",  "x9",  "x10", "x11", "x12", "x13", "x14", "x15",
		"x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23",
		"x24", "x25", "x26", "x27", "x28", "x29", "x30", "x31",
	};
	static const char *const fprs[32] = {
		"f0",  "f1",  "f2",  "f3",  "f4",  "f5",  "f6",	 "f7",
		"f8",  "f9",  "f10", "f11", "f12", "f13", "f14", "f15",
		"f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23",
		"f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31",
	};

	if (reg < VCPU_REG_PC)
		return gprs[reg];
	if (reg == VCPU_REG_PC)
		return "pc";
	if (reg < VCPU_REG_FFLAGS)
		return fprs[reg - VCPU_REG_F0];
	if (reg < VCPU_REG_COUNT)
		return csr_names[reg - VCPU_REG_FFLAGS];
	return NULL;
}

static int check_accessible(struct vcpu *vcpu)
{
	if (!vm_is_paused(vcpu->vm) || !sched_vcpu_quiescent(vcpu))
		return HV_ESTATE;
	if (vcpu->state == VCPU_OFFLINE || vcpu->state == VCPU_DEAD)
		return HV_ESTOPPED;
	/* Started while paused (a gdb-wait VM's boot vCPU): its registers
	 * are its boot state now, and writes must survive its first entry. */
	struct runqueue *rq = sched_lock_vcpu(vcpu);

	vcpu_apply_boot(vcpu);
	spin_unlock(&rq->lock);
	return HV_OK;
}

/* What the guest would read in sip: what we inject, and what is posted
 * but not folded in yet. */
static uint64_t guest_sip(struct vcpu *vcpu)
{
	uint64_t sip = vcpu->arch.virq_injected & VIRQ_ALL;

	if (__atomic_load_n(&vcpu->ipi_pending, __ATOMIC_ACQUIRE))
		sip |= VIRQ_SOFT;
	if (__atomic_load_n(&vcpu->ext_irq_level, __ATOMIC_ACQUIRE))
		sip |= VIRQ_EXTERNAL;
	return sip;
}

/* The field behind a register that is plain storage, or NULL. */
static uint64_t *plain_field(struct vcpu_arch *arch, enum vcpu_reg reg)
{
	_Static_assert(sizeof(unsigned long) == sizeof(uint64_t), "RV64");

	if (reg > VCPU_REG_X0 && reg < VCPU_REG_PC)
		return (uint64_t *)&arch->gpr[reg - VCPU_REG_X0];
	if (reg >= VCPU_REG_F0 && reg < VCPU_REG_FFLAGS)
		return &arch->fp[reg - VCPU_REG_F0];
	switch (reg) {
	case VCPU_REG_PC:
		return (uint64_t *)&arch->sepc;
	case VCPU_REG_SSTATUS:
		return (uint64_t *)&arch->vsstatus;
	case VCPU_REG_SIE:
		return (uint64_t *)&arch->vsie;
	case VCPU_REG_STVEC:
		return (uint64_t *)&arch->vstvec;
	case VCPU_REG_SSCRATCH:
		return (uint64_t *)&arch->vsscratch;
	case VCPU_REG_SEPC:
		return (uint64_t *)&arch->vsepc;
	case VCPU_REG_SCAUSE:
		return (uint64_t *)&arch->vscause;
	case VCPU_REG_STVAL:
		return (uint64_t *)&arch->vstval;
	case VCPU_REG_SATP:
		return (uint64_t *)&arch->vsatp;
	case VCPU_REG_STIMECMP:
		return arch->sstc ? &arch->vstimecmp : NULL;
	default:
		return NULL;
	}
}

int vcpu_state_read(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t *value)
{
	struct vcpu_arch *arch = &vcpu->arch;
	int err = check_accessible(vcpu);
	uint64_t *field = plain_field(arch, reg);

	if (err)
		return err;
	if (field) {
		*value = *field;
		return HV_OK;
	}
	switch (reg) {
	case VCPU_REG_X0:
		*value = 0;
		return HV_OK;
	case VCPU_REG_FFLAGS:
		*value = arch->fcsr & FCSR_FFLAGS_MASK;
		return HV_OK;
	case VCPU_REG_FRM:
		*value = (arch->fcsr >> FCSR_FRM_SHIFT) & FCSR_FRM_MASK;
		return HV_OK;
	case VCPU_REG_FCSR:
		*value = arch->fcsr;
		return HV_OK;
	case VCPU_REG_PRIV:
		*value = vcpu_in_guest_kernel(vcpu) ? 1 : 0;
		return HV_OK;
	case VCPU_REG_SIP:
		*value = guest_sip(vcpu);
		return HV_OK;
	default:
		return HV_EINVAL;
	}
}

int vcpu_state_write(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t value)
{
	struct vcpu_arch *arch = &vcpu->arch;
	int err = check_accessible(vcpu);
	uint64_t *field = plain_field(arch, reg);

	if (err)
		return err;
	if (field) {
		*field = value;
		return HV_OK;
	}
	switch (reg) {
	case VCPU_REG_X0:
		return HV_OK; /* hard-wired zero */
	case VCPU_REG_FFLAGS:
		arch->fcsr = (arch->fcsr & ~FCSR_FFLAGS_MASK) |
			     (value & FCSR_FFLAGS_MASK);
		return HV_OK;
	case VCPU_REG_FRM:
		arch->fcsr = (arch->fcsr & ~(FCSR_FRM_MASK << FCSR_FRM_SHIFT)) |
			     ((value & FCSR_FRM_MASK) << FCSR_FRM_SHIFT);
		return HV_OK;
	case VCPU_REG_FCSR:
		arch->fcsr = value & ((FCSR_FRM_MASK << FCSR_FRM_SHIFT) |
				      FCSR_FFLAGS_MASK);
		return HV_OK;
	case VCPU_REG_PRIV:
		if (value > 1)
			return HV_EINVAL;
		arch_vcpu_set_guest_kernel(vcpu, value == 1);
		return HV_OK;
	case VCPU_REG_SIP:
		/* Only the software interrupt is writable, as for the guest. */
		if (value & VIRQ_SOFT)
			arch->virq_injected |= VIRQ_SOFT;
		else
			arch->virq_injected &= ~VIRQ_SOFT;
		return HV_OK;
	default:
		return HV_EINVAL;
	}
}
