// SPDX-License-Identifier: MIT
/*
 * Where a stopped vCPU's next step ends: the decoded next pc, or for an
 * lr...sc sequence, the instruction after the sc and every exit a branch
 * inside the sequence takes. A breakpoint between lr and sc would break
 * the reservation each time and the loop would never end.
 */
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/vcpu_state.h>
#include <hv/vm.h>
#include "gdbstub/step.h"

#define LR_SC_MAX_INSNS 16 /* the sequence the ISA guarantees is shorter */

static int read_insn(struct vcpu *vcpu, uint64_t pc, uint32_t *insn)
{
	struct guest_walk_params params;
	uint16_t half[2];

	guest_walk_params_from_vcpu(vcpu, 0, &params);
	if (guest_mem_read_virt(vcpu->vm, &params, gva(pc), &half[0], 2))
		return HV_EFAULT;
	*insn = half[0];
	if (step_insn_length(*insn) == 4) {
		if (guest_mem_read_virt(vcpu->vm, &params, gva(pc + 2),
					&half[1], 2))
			return HV_EFAULT;
		*insn |= (uint32_t)half[1] << 16;
	}
	return HV_OK;
}

/* Step over lr ... sc as one: stop after the sc, or where a branch in
 * between leaves the sequence (the usual "value differs" exit). The
 * branch's direction is unknown before the lr has run, so its target
 * gets a breakpoint whichever way it will go. */
static int lr_sc_targets(struct vcpu *vcpu, uint64_t lr_pc, uint64_t pcs[2],
			 unsigned *count)
{
	uint64_t pc = lr_pc, exit_pc = 0;
	bool has_exit = false;

	for (unsigned i = 0; i < LR_SC_MAX_INSNS; i++) {
		uint32_t insn;
		uint64_t target;

		if (read_insn(vcpu, pc, &insn))
			return HV_EFAULT;
		unsigned len = step_insn_length(insn);

		if (i > 0 && step_is_sc(insn)) {
			*count = 0;
			pcs[(*count)++] = pc + len;
			if (has_exit && exit_pc != pc + len)
				pcs[(*count)++] = exit_pc;
			return HV_OK;
		}
		if (step_branch_target(insn, pc, &target) &&
		    (target < lr_pc || target > pc) && !has_exit) {
			exit_pc = target;
			has_exit = true;
		}
		pc += len;
	}
	return HV_EINVAL; /* no sc close enough: step it plainly */
}

int gdb_step_targets(struct vcpu *vcpu, uint64_t pcs[2], unsigned *count)
{
	struct step_regs r;
	uint32_t insn;
	uint64_t value;
	bool lr;

	for (unsigned i = 0; i < 32; i++)
		r.gpr[i] = i ? vcpu->arch.gpr[i] : 0;
	r.sepc = vcpu_state_read(vcpu, VCPU_REG_SEPC, &value) ? 0 : value;
	if (read_insn(vcpu, vcpu->arch.sepc, &insn))
		return HV_EFAULT;
	*count = step_next_pcs(insn, vcpu->arch.sepc, &r, pcs, &lr);
	/* Without an sc in reach, the lr is stepped plainly. */
	if (lr)
		lr_sc_targets(vcpu, vcpu->arch.sepc, pcs, count);
	return HV_OK;
}
