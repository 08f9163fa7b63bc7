// SPDX-License-Identifier: MIT
/*
 * Host PLIC. On QEMU virt hart h has M-mode context 2h and S-mode
 * context 2h + 1; the hypervisor (HS-mode) uses the latter.
 */
#include "drivers/plic.h"

static volatile uint32_t *plic_base;

static unsigned s_context(unsigned hartid)
{
	return 2 * hartid + 1;
}

void plic_init(hpa_t base)
{
	plic_base = hpa_to_ptr(base);
}

void plic_enable(unsigned source, unsigned hartid)
{
	volatile uint32_t *enable =
		plic_base + (0x2000 + 0x80 * s_context(hartid)) / 4;

	plic_base[source] = 1;
	enable[source / 32] |= 1U << (source % 32);
}

void plic_set_threshold(unsigned hartid, unsigned threshold)
{
	plic_base[(0x200000 + 0x1000 * s_context(hartid)) / 4] = threshold;
}

unsigned plic_claim(unsigned hartid)
{
	return plic_base[(0x200004 + 0x1000 * s_context(hartid)) / 4];
}

void plic_complete(unsigned hartid, unsigned source)
{
	plic_base[(0x200004 + 0x1000 * s_context(hartid)) / 4] = source;
}
