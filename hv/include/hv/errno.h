/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's single error space. Every hypervisor-internal function
 * that can fail returns HV_OK or one of these negative codes. Translation
 * to the SBI error codes a guest sees happens in exactly one function,
 * sbi_error_from_hv() in hv/sbi/error.c.
 */
#ifndef HV_ERRNO_H
#define HV_ERRNO_H

enum hv_error {
	HV_OK = 0,
	HV_EFAIL = -1,	  /* generic failure */
	HV_ENOTSUP = -2,  /* operation not supported */
	HV_EINVAL = -3,	  /* an argument is invalid */
	HV_EDENIED = -4,  /* not permitted */
	HV_EFAULT = -5,	  /* an address is invalid or not accessible */
	HV_EEXIST = -6,	  /* already available / already exists */
	HV_ESTARTED = -7, /* already started */
	HV_ESTOPPED = -8, /* already stopped */
	HV_ESTATE = -10,  /* wrong state for this operation */
	HV_ERANGE = -11,  /* value out of range */
	HV_EIO = -13,	  /* device error */
	HV_ENOMEM = -20,  /* out of memory */
	HV_ENOENT = -21,  /* not found */
	HV_EAGAIN = -22,  /* try again */
	HV_EFORMAT = -23, /* malformed input (image, config, archive) */
};

const char *hv_strerror(int err);

#endif
