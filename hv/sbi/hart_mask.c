// SPDX-License-Identifier: MIT
/* hart_mask / hart_mask_base decoding (SBI spec, "Hart list"). */
#include <hv/errno.h>
#include <hv/sbi.h>

int sbi_hart_mask_resolve(unsigned long mask, unsigned long base,
			  unsigned num_harts, unsigned long *targets)
{
	*targets = 0;
	if (num_harts == 0 || num_harts > 64)
		return HV_EINVAL;
	if (base == -1UL) {
		*targets = num_harts == 64 ? ~0UL : (1UL << num_harts) - 1;
		return HV_OK;
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		if (!(mask & (1UL << bit)))
			continue;
		/* base + bit can overflow for hostile bases: check first. */
		if (base >= num_harts || bit >= num_harts - base)
			return HV_EINVAL;
		*targets |= 1UL << (base + bit);
	}
	return HV_OK;
}
