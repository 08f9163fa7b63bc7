/* SPDX-License-Identifier: MIT */
/*
 * VMIDs (hgatp.VMID): one per VM while it exists, 0 being the
 * hypervisor's. A VMID given back by a VM that ran may still tag
 * G-stage and VS-stage TLB entries on any hart, so before it is handed
 * out again every online hart flushes it (hfence.gvma with that VMID):
 * a new VM never hits its predecessor's translations.
 */
#ifndef HV_VMID_H
#define HV_VMID_H

#include <hv/types.h>

/* Forget every VMID (boot, before the first VM; host tests). */
void vmid_init(void);
/* The lowest free VMID below 2^vmid_bits in *vmid, flushed everywhere if
 * it was used before; HV_ERANGE when none is left. No lock may be held
 * (the flush waits for every hart). */
int vmid_alloc(unsigned vmid_bits, unsigned *vmid);
/* Give a VMID back. used: a vCPU may have run with it (its TLB entries
 * must go before reuse); false for a VM that never ran. */
void vmid_release(unsigned vmid, bool used);

#endif
