// SPDX-License-Identifier: MIT
/*
 * SBI Hart State Management (EID "HSM") over the vCPUs of the calling VM.
 * State changes happen under the target's runqueue lock; the target's
 * registers are set by its own hart when it next runs (boot_pending), so
 * no other hart ever writes live vCPU state.
 */
#include <hv/errno.h>
#include <hv/exit.h>
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

static bool guest_ram_address(struct vm *vm, unsigned long addr)
{
	hpa_t unused;

	return vm_gpa_range_to_hpa(vm, gpa(addr), 2, &unused) == HV_OK;
}

int sbi_hsm_hart_start(struct vm *vm, unsigned long hartid,
		       unsigned long start_addr, unsigned long opaque)
{
	struct vcpu *vcpu = target_vcpu(vm, hartid);

	if (!vcpu)
		return HV_EINVAL;
	if (!guest_ram_address(vm, start_addr))
		return HV_EFAULT;
	struct runqueue *rq = &cpus[vcpu->hartid].rq;
	int err = HV_OK;

	spin_lock(&rq->lock);
	if (vcpu->state != VCPU_OFFLINE) {
		err = HV_EEXIST;
	} else {
		vcpu->boot_addr = start_addr;
		vcpu->boot_opaque = opaque;
		vcpu->boot_pending = true;
		vcpu->state = VCPU_RUNNABLE;
		sched_enqueue_locked(vcpu);
	}
	spin_unlock(&rq->lock);
	if (!err)
		sched_kick(vcpu); /* its hart may be idle */
	return err;
}

static unsigned long hart_status(struct vcpu *vcpu)
{
	struct runqueue *rq = &cpus[vcpu->hartid].rq;
	unsigned long status;

	spin_lock(&rq->lock);
	switch (vcpu->state) {
	case VCPU_OFFLINE:
	case VCPU_DEAD:
		status = HSM_STATE_STOPPED;
		break;
	case VCPU_BLOCKED:
		status = vcpu->block_reason == VCPU_BLOCK_WFI
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
	struct runqueue *rq = &cpus[vcpu->hartid].rq;

	spin_lock(&rq->lock);
	vcpu->state = VCPU_OFFLINE;
	spin_unlock(&rq->lock);
	result->no_return = true;
	return HV_OK;
}

static int hart_suspend(struct vcpu *vcpu, const struct sbi_call *call,
			struct sbi_result *result)
{
	unsigned long type = call->args[0];
	bool retentive = type == SUSPEND_RETENTIVE_DEFAULT;

	/* Only the two default types exist here: reserved types and the
	 * platform-specific ranges (none implemented) are both invalid. */
	if (!retentive && type != SUSPEND_NON_RETENTIVE_DEFAULT)
		return HV_EINVAL;
	if (!retentive) {
		if (!guest_ram_address(vcpu->vm, call->args[1]))
			return HV_EFAULT;
		vcpu->boot_addr = call->args[1];
		vcpu->boot_opaque = call->args[2];
	}
	/* The call "returns" 0 when the vCPU resumes (retentive); a
	 * non-retentive resume replaces the registers anyway. */
	enum exit_action action =
		vcpu_block(vcpu, retentive ? VCPU_BLOCK_SUSPEND_RETENTIVE
					   : VCPU_BLOCK_SUSPEND_NON_RETENTIVE);

	if (action == EXIT_RESCHEDULE) {
		result->reschedule = true;
		vcpu->resume_pending = !retentive;
	} else if (!retentive) {
		/* Woken at once: resume right away, never "return". */
		arch_vcpu_resume_at(vcpu, vcpu->boot_addr, vcpu->id,
				    vcpu->boot_opaque);
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
