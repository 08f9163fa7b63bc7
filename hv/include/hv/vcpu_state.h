/* SPDX-License-Identifier: MIT */
/*
 * Reading and writing a paused vCPU's state, from any hart: one API for
 * the GPRs, pc, FP registers and the guest's VS-level CSRs (under the
 * s* names the guest uses). A debugger (gdbstub/) and the console monitor
 * use it. The vCPU's VM must be paused (vm_pause returned HV_OK): its
 * state is then in memory, and writes take effect when it resumes.
 */
#ifndef HV_VCPU_STATE_H
#define HV_VCPU_STATE_H

#include <hv/types.h>

struct vcpu;

enum vcpu_reg {
	VCPU_REG_X0 = 0, /* x0..x31: VCPU_REG_X0 + n; x0 reads 0 */
	VCPU_REG_PC = 32,
	VCPU_REG_F0 = 33, /* f0..f31: VCPU_REG_F0 + n, 64 bits each */
	VCPU_REG_FFLAGS = 65,
	VCPU_REG_FRM,
	VCPU_REG_FCSR,
	VCPU_REG_PRIV, /* the guest's privilege: 0 user, 1 supervisor */
	VCPU_REG_SSTATUS,
	VCPU_REG_SIE,
	VCPU_REG_STVEC,
	VCPU_REG_SSCRATCH,
	VCPU_REG_SEPC,
	VCPU_REG_SCAUSE,
	VCPU_REG_STVAL,
	VCPU_REG_SIP,
	VCPU_REG_SATP,
	VCPU_REG_STIMECMP, /* only where the guest has Sstc */
	VCPU_REG_COUNT,
};

/*
 * HV_OK; HV_ESTATE if the vCPU's VM is not paused (or the vCPU not yet
 * quiescent); HV_ESTOPPED if the vCPU is offline or dead (it has no
 * registers to show); HV_EINVAL for an unknown register, or stimecmp on a
 * guest without Sstc.
 */
int vcpu_state_read(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t *value);
int vcpu_state_write(struct vcpu *vcpu, enum vcpu_reg reg, uint64_t value);
/* The name of a register ("x5", "pc", "f3", "sstatus", ...). */
const char *vcpu_reg_name(enum vcpu_reg reg);

#endif
