// SPDX-License-Identifier: MIT
/*
 * Host PLIC. The hypervisor (HS-mode) uses each hart's S-mode context,
 * which the host DTB names: the PLIC's interrupts-extended, read by
 * hv/platform/platform.c (not 2h + 1, which is only QEMU virt's layout).
 * A hart with no S-mode context takes no PLIC interrupts: routing to it
 * and claiming on it do nothing.
 */
#include <hv/platform.h>
#include "drivers/plic.h"

#define NO_CONTEXT (-1)

static volatile uint32_t *plic_base;

static int s_context(unsigned hartid)
{
	return platform_plic_s_context(&platform, hartid);
}

void plic_init(hpa_t base)
{
	plic_base = hpa_to_ptr(base);
}

void plic_enable(unsigned source, unsigned hartid)
{
	int context = s_context(hartid);

	if (context == NO_CONTEXT)
		return;
	volatile uint32_t *enable =
		plic_base + (0x2000 + 0x80 * (unsigned)context) / 4;

	plic_base[source] = 1;
	enable[source / 32] |= 1U << (source % 32);
}

void plic_set_threshold(unsigned hartid, unsigned threshold)
{
	int context = s_context(hartid);

	if (context != NO_CONTEXT)
		plic_base[(0x200000 + 0x1000 * (unsigned)context) / 4] =
			threshold;
}

unsigned plic_claim(unsigned hartid)
{
	int context = s_context(hartid);

	if (context == NO_CONTEXT)
		return 0;
	return plic_base[(0x200004 + 0x1000 * (unsigned)context) / 4];
}

void plic_complete(unsigned hartid, unsigned source)
{
	int context = s_context(hartid);

	if (context != NO_CONTEXT)
		plic_base[(0x200004 + 0x1000 * (unsigned)context) / 4] = source;
}
