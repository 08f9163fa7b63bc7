// SPDX-License-Identifier: MIT
/* SBI Timer extension (EID "TIME"). */
#include <hv/errno.h>
#include <hv/sbi.h>
#include <hv/vcpu.h>

static int sbi_time_handle(struct vcpu *vcpu, const struct sbi_call *call,
			   struct sbi_result *result)
{
	(void)result;
	if (call->fid != 0)
		return HV_ENOTSUP;
	vcpu_set_timer(vcpu, call->args[0]);
	return HV_OK;
}

const struct sbi_extension sbi_extension_time = {
	.name = "time",
	.eid_min = SBI_EXT_TIME,
	.eid_max = SBI_EXT_TIME,
	.handle = sbi_time_handle,
};
