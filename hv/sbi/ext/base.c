// SPDX-License-Identifier: MIT
/* SBI Base extension (EID 0x10). */
#include <hv/errno.h>
#include <hv/sbi.h>
#include <hv/vm.h>

enum {
	BASE_GET_SPEC_VERSION = 0,
	BASE_GET_IMPL_ID = 1,
	BASE_GET_IMPL_VERSION = 2,
	BASE_PROBE_EXTENSION = 3,
	BASE_GET_MVENDORID = 4,
	BASE_GET_MARCHID = 5,
	BASE_GET_MIMPID = 6,
};

static int sbi_base_handle(struct vcpu *vcpu, const struct sbi_call *call,
			   struct sbi_result *result)
{
	const struct sbi_extension *ext;

	switch (call->fid) {
	case BASE_GET_SPEC_VERSION:
		result->value = SBI_SPEC_VERSION;
		return HV_OK;
	case BASE_GET_IMPL_ID:
		result->value = SBI_IMPL_ID_HARTVISOR;
		return HV_OK;
	case BASE_GET_IMPL_VERSION:
		result->value = SBI_IMPL_VERSION;
		return HV_OK;
	case BASE_PROBE_EXTENSION:
		ext = sbi_find_extension(vcpu->vm, call->args[0]);
		result->value = !ext ? 0
				: ext->probe
					? ext->probe(vcpu->vm, call->args[0])
					: 1;
		return HV_OK;
	case BASE_GET_MVENDORID:
	case BASE_GET_MARCHID:
	case BASE_GET_MIMPID:
		result->value = 0; /* a virtual hart of no particular vendor */
		return HV_OK;
	default:
		return HV_ENOTSUP;
	}
}

const struct sbi_extension sbi_extension_base = {
	.name = "base",
	.eid_min = SBI_EXT_BASE,
	.eid_max = SBI_EXT_BASE,
	.handle = sbi_base_handle,
};
