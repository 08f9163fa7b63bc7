// SPDX-License-Identifier: MIT
#include <hv/errno.h>

const char *hv_strerror(int err)
{
	switch (err) {
	case HV_OK:
		return "success";
	case HV_EFAIL:
		return "failed";
	case HV_ENOTSUP:
		return "not supported";
	case HV_EINVAL:
		return "invalid argument";
	case HV_EDENIED:
		return "denied";
	case HV_EFAULT:
		return "bad address";
	case HV_EEXIST:
		return "already exists";
	case HV_ESTARTED:
		return "already started";
	case HV_ESTOPPED:
		return "already stopped";
	case HV_ESTATE:
		return "wrong state";
	case HV_ERANGE:
		return "out of range";
	case HV_EIO:
		return "I/O error";
	case HV_ENOMEM:
		return "out of memory";
	case HV_ENOENT:
		return "not found";
	case HV_EAGAIN:
		return "try again";
	case HV_EFORMAT:
		return "malformed";
	default:
		return "unknown error";
	}
}
