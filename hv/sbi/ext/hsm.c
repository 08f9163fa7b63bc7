// SPDX-License-Identifier: MIT
/*
 * SBI Hart State Management (EID "HSM") over the vCPUs of the calling VM.
 * State changes happen under the target's runqueue lock; the target's
 * registers are set by its own hart when it next runs (boot_pending), so
 * no other hart ever writes live vCPU state.
 */
#include <hv/errno.h>
#include <hv/exit.h>
#include <hv/guest_mem.h>
#include <hv/sbi.h>
#include <hv/vm.h>

enum {
	HSM_HART_START = 0,
	HSM_HART_STOP = 1,
	HSM_HART_GET_STATUS = 2,
	HSM_HART_SUSPEND = 3,
};

enum {
	HSM_STATE_STARTED = 0,
	HSM_STATE_STOPPED = 1,
	HSM_STATE_START_PENDING = 2,
	HSM_STATE_SUSPENDED = 4,
};

#define SUSPEND_RETENTIVE_DEFAULT 0x00000000UL
#define SUSPEND_NON_RETENTIVE_DEFAULT 0x80000000UL

static struct vcpu *target_vcpu(struct vm *vm, unsigned long hartid)
{
	return hartid < vm->num_vcpus ? &vm->vcpus[hartid] : NULL;
}

/* A resume address must hold at least a compressed instruction in RAM;
 * a device window is as bad an address as a hole. */
#define HSM_MIN_INSN_BYTES 2

int sbi_hsm_hart_start(struct vm *vm, unsigned long hartid,
		       unsigned long start_addr, unsigned long opaque)
{
	struct vcpu *vcpu = target_vcpu(vm, hartid);

	if (!vcpu)
		return HV_EINVAL;
	if (guest_mem_range(vm, gpa(start_addr), HSM_MIN_INSN_BYTES, NULL))
		return HV_EFAULT;
	return sched_start_vcpu(vcpu, start_addr, opaque);
}

static unsigned long hart_status(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);
	unsigned long status;

	switch (vcpu->state) {
	case VCPU_OFFLINE:
	case VCPU_DEAD:
		status = HSM_STATE_STOPPED;
		break;
	case VCPU_BLOCKED:
		status = vcpu->block_reason == SCHED_BLOCK_WFI
				 ? HSM_STATE_STARTED
				 : HSM_STATE_SUSPENDED;
		break;
	default:
		status = vcpu->boot_pending ? HSM_STATE_START_PENDING
					    : HSM_STATE_STARTED;
		break;
	}
	spin_unlock(&rq->lock);
	return status;
}

static int hart_stop(struct vcpu *vcpu, struct sbi_result *result)
{
	sched_stop_current(vcpu);
	result->no_return = true;
	return HV_OK;
}

static int hart_suspend(struct vcpu *vcpu, const struct sbi_call *call,
			struct sbi_result *result)
{
	/* suspend_type is a uint32_t in the spec: a caller's register may
	 * hold anything above bit 31 (C sign-extends 0x80000000). */
	uint32_t type = (uint32_t)call->args[0];
	bool retentive = type == SUSPEND_RETENTIVE_DEFAULT;

	/* Only the two default types exist here: reserved types and the
	 * platform-specific ranges (none implemented) are both invalid. */
	if (!retentive && type != SUSPEND_NON_RETENTIVE_DEFAULT)
		return HV_EINVAL;
	if (!retentive && guest_mem_range(vcpu->vm, gpa(call->args[1]),
					  HSM_MIN_INSN_BYTES, NULL))
		return HV_EFAULT;
	/* The call "returns" 0 when the vCPU resumes (retentive); a
	 * non-retentive resume replaces the registers anyway, and its resume
	 * point is published together with the blocked state. */
	if (sched_block(vcpu,
			retentive ? SCHED_BLOCK_SUSPEND_RETENTIVE
				  : SCHED_BLOCK_SUSPEND_NON_RETENTIVE,
			call->args[1], call->args[2])) {
		result->reschedule = true;
	} else if (!retentive) {
		/* Woken at once: resume right away, never "return". */
		arch_vcpu_resume_at(vcpu, call->args[1], vcpu->id,
				    call->args[2]);
		result->no_return = true;
	}
	return HV_OK;
}

static int sbi_hsm_handle(struct vcpu *vcpu, const struct sbi_call *call,
			  struct sbi_result *result)
{
	struct vcpu *target;

	switch (call->fid) {
	case HSM_HART_START:
		return sbi_hsm_hart_start(vcpu->vm, call->args[0],
					  call->args[1], call->args[2]);
	case HSM_HART_STOP:
		return hart_stop(vcpu, result);
	case HSM_HART_GET_STATUS:
		target = target_vcpu(vcpu->vm, call->args[0]);
		if (!target)
			return HV_EINVAL;
		result->value = hart_status(target);
		return HV_OK;
	case HSM_HART_SUSPEND:
		return hart_suspend(vcpu, call, result);
	default:
		return HV_ENOTSUP;
	}
}

const struct sbi_extension sbi_extension_hsm = {
	.name = "hsm",
	.eid_min = SBI_EXT_HSM,
	.eid_max = SBI_EXT_HSM,
	.handle = sbi_hsm_handle,
};
