/* SPDX-License-Identifier: MIT */
/*
 * SBI for guests. Each extension lives in its own hv/sbi/<name>.c and ends
 * in one const descriptor; hv/sbi/sbi.c holds the list, dispatches ecalls
 * and hv/sbi/error.c translates HV_E* codes to SBI_ERR_* in one function.
 */
#ifndef HV_SBI_H
#define HV_SBI_H

#include <hv/types.h>

#define SBI_SPEC_VERSION ((2UL << 24) | 0) /* 2.0 */
#define SBI_IMPL_ID_HARTVISOR 0x48525456UL /* "HRTV" */
#define SBI_IMPL_VERSION 0x00000100UL	   /* 0.1.0 */

#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8
#define SBI_ERR_NO_SHMEM -9
#define SBI_ERR_INVALID_STATE -10
#define SBI_ERR_BAD_RANGE -11

#define SBI_EXT_BASE 0x10UL
#define SBI_EXT_TIME 0x54494D45UL
#define SBI_EXT_IPI 0x735049UL
#define SBI_EXT_RFENCE 0x52464E43UL
#define SBI_EXT_HSM 0x48534DUL
#define SBI_EXT_SRST 0x53525354UL
#define SBI_EXT_DBCN 0x4442434EUL
#define SBI_EXT_STA 0x535441UL
#define SBI_EXT_LEGACY_FIRST 0x00UL
#define SBI_EXT_LEGACY_LAST 0x0FUL

struct vcpu;
struct vm;

struct sbi_call {
	unsigned long eid, fid;
	/* a0..a5 where the vCPU's registers are saved: read them before
	 * changing the vCPU's registers (HSM resume, reset). */
	const unsigned long *args;
};

struct sbi_result {
	unsigned long value;
	bool legacy;	 /* v0.1 convention: only a0 is written */
	bool no_return;	 /* the vCPU's registers were replaced or it stopped:
			     leave a0/a1/sepc alone */
	bool reschedule; /* the vCPU blocked or stopped */
};

/*
 * Handler contract: return HV_OK with result->value set, or an HV_E*
 * code (translated to the SBI error the guest sees). Set no_return and/or
 * reschedule in *result when the call does not simply return.
 */
struct sbi_extension {
	const char *name; /* lower case, as VM configs name it */
	unsigned long eid_min, eid_max;
	/* Probe value for a present extension; NULL means 1. */
	unsigned long (*probe)(struct vm *vm, unsigned long eid);
	int (*handle)(struct vcpu *vcpu, const struct sbi_call *call,
		      struct sbi_result *result);
};

extern const struct sbi_extension sbi_extension_base;
extern const struct sbi_extension sbi_extension_legacy;
extern const struct sbi_extension sbi_extension_time;
extern const struct sbi_extension sbi_extension_ipi;
extern const struct sbi_extension sbi_extension_rfence;
extern const struct sbi_extension sbi_extension_hsm;
extern const struct sbi_extension sbi_extension_srst;
extern const struct sbi_extension sbi_extension_dbcn;
extern const struct sbi_extension sbi_extension_sta;

long sbi_error_from_hv(int err);
/* HSM start of a VM's vCPU (also how the boot vCPU starts). */
int sbi_hsm_hart_start(struct vm *vm, unsigned long hartid,
		       unsigned long start_addr, unsigned long opaque);
/* The extension serving eid for this VM, or NULL (absent or disabled). */
const struct sbi_extension *sbi_find_extension(struct vm *vm,
					       unsigned long eid);
/* Bit index of a named extension for vm->sbi_disabled; -1 if unknown or
 * not switchable (BASE can't be switched off). */
int sbi_extension_index(const char *name);

/*
 * Resolve (hart_mask, hart_mask_base) against a VM of num_harts harts
 * into a bitmap of target harts. HV_EINVAL if any named hart doesn't
 * exist. A base of -1 means every hart. Pure logic.
 */
int sbi_hart_mask_resolve(unsigned long mask, unsigned long base,
			  unsigned num_harts, unsigned long *targets);

#endif
