/* SPDX-License-Identifier: MIT */
/* The host PLIC: the hypervisor uses the S-mode context of its harts
 * (platform.plic_s_context, from the host DTB). */
#ifndef DRIVERS_PLIC_H
#define DRIVERS_PLIC_H

#include <hv/types.h>

void plic_init(hpa_t base);
/* Route source to the S-mode context of hart, priority 1. */
void plic_enable(unsigned source, unsigned hartid);
void plic_set_threshold(unsigned hartid, unsigned threshold);
unsigned plic_claim(unsigned hartid);
void plic_complete(unsigned hartid, unsigned source);

#endif
