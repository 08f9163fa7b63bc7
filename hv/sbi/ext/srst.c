// SPDX-License-Identifier: MIT
/*
 * SBI System Reset (EID "SRST"): "the system" is the calling VM. Shutdown
 * ends the VM; when no VM is left the hypervisor powers the machine off.
 * A cold or warm reboot restarts the VM from its images with zeroed RAM
 * (hv/vm/reboot.c); the other VMs go on. Neither call returns.
 */
#include <hv/errno.h>
#include <hv/sbi.h>
#include <hv/vm.h>

#define SRST_TYPE_SHUTDOWN 0UL
#define SRST_TYPE_COLD_REBOOT 1UL
#define SRST_TYPE_WARM_REBOOT 2UL
#define SRST_REASON_NONE 0UL
#define SRST_REASON_SYSTEM_FAILURE 1UL

/* Implementation- and vendor-specific reasons: none are implemented, and
 * the spec asks INVALID_PARAM for unimplemented ones as for reserved. */
static bool reason_valid(uint32_t reason)
{
	return reason <= SRST_REASON_SYSTEM_FAILURE;
}

static int sbi_srst_handle(struct vcpu *vcpu, const struct sbi_call *call,
			   struct sbi_result *result)
{
	/* Both are uint32_t in the spec: bits above 31 of the registers are
	 * not part of the call (C callers sign-extend 0x80000000 and up). */
	uint32_t type = (uint32_t)call->args[0];
	uint32_t reason = (uint32_t)call->args[1];

	if (call->fid != 0)
		return HV_ENOTSUP;
	/* Reserved and (unimplemented) vendor-specific types alike. */
	if (type > SRST_TYPE_WARM_REBOOT || !reason_valid(reason))
		return HV_EINVAL;
	bool failure = reason == SRST_REASON_SYSTEM_FAILURE;
	const char *why = reason == SRST_REASON_NONE ? "none"
			  : failure		     ? "system failure"
						     : "other";

	if (type == SRST_TYPE_SHUTDOWN)
		vm_stop(vcpu->vm, failure, "shutdown (reason: %s)", why);
	else
		vm_reboot(vcpu->vm,
			  type == SRST_TYPE_COLD_REBOOT ? "cold reboot"
							: "warm reboot",
			  why);
	result->no_return = true;
	return HV_OK;
}

const struct sbi_extension sbi_extension_srst = {
	.name = "srst",
	.eid_min = SBI_EXT_SRST,
	.eid_max = SBI_EXT_SRST,
	.handle = sbi_srst_handle,
};
