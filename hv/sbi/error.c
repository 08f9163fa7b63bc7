// SPDX-License-Identifier: MIT
/*
 * The one translation from the hypervisor's error space (HV_E*) to the
 * SBI error codes a guest sees (SBI v2.0, "Standard SBI Errors"). Pure
 * logic, kept apart from the dispatch code so it is unit-tested on the
 * host.
 */
#include <hv/errno.h>
#include <hv/sbi.h>

long sbi_error_from_hv(int err)
{
	switch (err) {
	case HV_OK:
		return SBI_SUCCESS;
	case HV_ENOTSUP:
		return SBI_ERR_NOT_SUPPORTED;
	case HV_EINVAL:
	case HV_ERANGE:
		return SBI_ERR_INVALID_PARAM;
	case HV_EDENIED:
		return SBI_ERR_DENIED;
	case HV_EFAULT:
		return SBI_ERR_INVALID_ADDRESS;
	case HV_EEXIST:
		return SBI_ERR_ALREADY_AVAILABLE;
	case HV_ESTARTED:
		return SBI_ERR_ALREADY_STARTED;
	case HV_ESTOPPED:
		return SBI_ERR_ALREADY_STOPPED;
	case HV_ESTATE:
		return SBI_ERR_INVALID_STATE;
	default:
		return SBI_ERR_FAILED;
	}
}
