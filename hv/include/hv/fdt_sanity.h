/* SPDX-License-Identifier: MIT */
/*
 * A check every untrusted DTB (the host's, a VM config from the boot
 * archive) passes before any other libfdt call, for two gaps in the libfdt
 * the hypervisor is built with (Linux 6.1's copy), found by fuzzing:
 *  - a property whose length is 0xfffffff4 moves fdt_next_tag()'s next
 *    offset back onto the property's own tag, so fdt_next_node() and
 *    everything built on it loop forever;
 *  - fdt_check_header() accepts a structure block at an offset that is
 *    not a multiple of 4 (or a /memreserve/ block not a multiple of 8),
 *    and libfdt then reads its tags misaligned.
 * One walk over every tag, requiring forward progress and balanced nodes,
 * rules both out. Header-only so that each parser's host tests get it
 * without another source file. A third gap, a property length near 2^31
 * that overflows fdt_next_tag()'s int offset, is closed by building
 * libfdt with -fno-strict-overflow (tests/tools/libfdt.mk): the sum then
 * wraps, its bounds check fails, and this walk sees no progress.
 */
#ifndef HV_FDT_SANITY_H
#define HV_FDT_SANITY_H

#include <hv/types.h>
#include <libfdt.h>

/* After fdt_check_header() succeeded: true if the structure block is
 * aligned, every tag moves forward, and nodes nest to one root. */
static inline bool fdt_structure_is_sane(const void *fdt)
{
	int offset = 0, next, depth = 0;
	bool root_seen = false;

	if (fdt_off_dt_struct(fdt) % 4 || fdt_off_mem_rsvmap(fdt) % 8)
		return false;
	for (;;) {
		uint32_t tag = fdt_next_tag(fdt, offset, &next);

		if (next <= offset)
			return false; /* an error, or no progress */
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0 && root_seen)
				return false; /* a second root */
			root_seen = true;
			depth++;
			break;
		case FDT_END_NODE:
			if (--depth < 0)
				return false;
			break;
		case FDT_PROP:
			if (depth == 0)
				return false; /* outside every node */
			break;
		case FDT_END:
			return root_seen && depth == 0;
		default: /* FDT_NOP */
			break;
		}
		offset = next;
	}
}

#endif
