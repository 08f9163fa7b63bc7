// SPDX-License-Identifier: MIT
/* SBI IPI extension (EID "sPI"): sets VSSIP on each target vCPU. */
#include <hv/errno.h>
#include <hv/sbi.h>
#include <hv/vm.h>

static int sbi_ipi_handle(struct vcpu *vcpu, const struct sbi_call *call,
			  struct sbi_result *result)
{
	struct vm *vm = vcpu->vm;
	unsigned long targets;

	(void)result;
	if (call->fid != 0)
		return HV_ENOTSUP;
	int err = sbi_hart_mask_resolve(call->args[0], call->args[1],
					vm->num_vcpus, &targets);

	if (err)
		return err;
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		if (targets & (1UL << i))
			vcpu_post_ipi(&vm->vcpus[i]);
	return HV_OK;
}

const struct sbi_extension sbi_extension_ipi = {
	.name = "ipi",
	.eid_min = SBI_EXT_IPI,
	.eid_max = SBI_EXT_IPI,
	.handle = sbi_ipi_handle,
};
