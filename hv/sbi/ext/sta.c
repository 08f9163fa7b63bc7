// SPDX-License-Identifier: MIT
/*
 * SBI Steal-time Accounting (EID "STA", SBI v2.0): a vCPU registers a
 * 64-byte record in its RAM where hartvisor reports how long it was
 * runnable but kept off its hart (steal, in ns) and whether it is
 * preempted right now. Each vCPU has its own record, and none when it is
 * started (vcpu_apply_boot drops it). The record is written
 * by hv/sbi/steal_time.c, from the scheduler's switch hooks.
 */
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/sbi.h>
#include <hv/steal_time.h>
#include <hv/vm.h>

enum {
	STA_SET_SHMEM = 0,
};

/* shmem_phys_lo and _hi both all-ones: stop reporting. */
#define STA_SHMEM_DISABLE (~0UL)

/* Return contract: HV_OK once the record is set (zeroed) or reporting is
 * off; HV_EINVAL for flags != 0 or a misaligned address; HV_EFAULT when
 * the 64 bytes are not all the VM's RAM (a hole, a device window, or an
 * address above 2^64). A failed call changes nothing. */
static int sta_set_shmem(struct vcpu *vcpu, const struct sbi_call *call)
{
	unsigned long lo = call->args[0], hi = call->args[1];
	unsigned long flags = call->args[2];
	hpa_t record;

	/* Reserved for future use and MUST be zero, even to disable. */
	if (flags)
		return HV_EINVAL;
	if (lo == STA_SHMEM_DISABLE && hi == STA_SHMEM_DISABLE) {
		sbi_sta_disable(vcpu);
		return HV_OK;
	}
	if (!IS_ALIGNED(lo, STA_RECORD_SIZE))
		return HV_EINVAL;
	/* RV64: a non-zero upper half is beyond any guest-physical address. */
	if (hi)
		return HV_EFAULT;
	/* Only RAM can hold the record: a device window (HV_EIO) is not
	 * writable memory to the spec, just like a hole. */
	if (guest_mem_range(vcpu->vm, gpa(lo), STA_RECORD_SIZE, &record))
		return HV_EFAULT;
	sbi_sta_enable(vcpu, gpa(lo), record);
	return HV_OK;
}

static int sbi_sta_handle(struct vcpu *vcpu, const struct sbi_call *call,
			  struct sbi_result *result)
{
	result->value = 0; /* the spec's value for every outcome */
	switch (call->fid) {
	case STA_SET_SHMEM:
		return sta_set_shmem(vcpu, call);
	default:
		return HV_ENOTSUP;
	}
}

const struct sbi_extension sbi_extension_sta = {
	.name = "sta",
	.eid_min = SBI_EXT_STA,
	.eid_max = SBI_EXT_STA,
	.handle = sbi_sta_handle,
};
