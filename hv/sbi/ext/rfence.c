// SPDX-License-Identifier: MIT
/*
 * SBI RFENCE extension (EID "RFNC"). A remote sfence.vma becomes a
 * request that each target vCPU's own hart executes as hfence.vvma with
 * the VM's VMID loaded (hfence.vvma acts on the current hgatp.VMID), right
 * before that vCPU next enters the guest. Targets running on another hart
 * are kicked and waited for until they have taken the request (see
 * vcpu_request_wait), so when the call returns no
 * target can still use a stale translation. Ranges and ASIDs are honoured
 * by flushing more (all of the VM's VS-stage entries), never less.
 */
#include <arch/arch.h>
#include <hv/errno.h>
#include <hv/sbi.h>
#include <hv/vm.h>

enum {
	RFENCE_FENCE_I = 0,
	RFENCE_SFENCE_VMA = 1,
	RFENCE_SFENCE_VMA_ASID = 2,
	RFENCE_HFENCE_GVMA_VMID = 3, /* 3..6 need the H extension, which */
	RFENCE_HFENCE_VVMA_ASID = 6, /* guests don't get */
};

static void fence_vcpus(struct vcpu *caller, unsigned long targets,
			unsigned long request)
{
	struct vm *vm = caller->vm;

	for (unsigned i = 0; i < vm->num_vcpus; i++)
		if (targets & (1UL << i))
			vcpu_make_request(&vm->vcpus[i], request);
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		if ((targets & (1UL << i)) && &vm->vcpus[i] != caller)
			vcpu_request_wait(&vm->vcpus[i], request);
}

static int sbi_rfence_handle(struct vcpu *vcpu, const struct sbi_call *call,
			     struct sbi_result *result)
{
	unsigned long targets;
	unsigned long request;

	(void)result;
	switch (call->fid) {
	case RFENCE_FENCE_I:
		request = VCPU_REQ_FENCE_I;
		break;
	case RFENCE_SFENCE_VMA:
	case RFENCE_SFENCE_VMA_ASID:
		request = VCPU_REQ_TLB_FLUSH;
		break;
	default:
		return HV_ENOTSUP; /* includes the HFENCE functions */
	}
	int err = sbi_hart_mask_resolve(call->args[0], call->args[1],
					vcpu->vm->num_vcpus, &targets);

	if (err)
		return err;
	fence_vcpus(vcpu, targets, request);
	return HV_OK;
}

const struct sbi_extension sbi_extension_rfence = {
	.name = "rfence",
	.eid_min = SBI_EXT_RFENCE,
	.eid_max = SBI_EXT_RFENCE,
	.handle = sbi_rfence_handle,
};
