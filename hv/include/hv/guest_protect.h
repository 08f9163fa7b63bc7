/* SPDX-License-Identifier: MIT */
/*
 * Guest pages a debugger protects (gdb watchpoints): stage-2 permission
 * changes on a VM's table while the VM may run, and the G-stage TLB
 * flushes that make them hold on every hart (hv/mm/guest_protect.c).
 */
#ifndef HV_GUEST_PROTECT_H
#define HV_GUEST_PROTECT_H

#include <hv/types.h>

struct vm;

/* stage2_protect on the VM's table (see hv/stage2.h); HV_ENOTSUP when
 * the VM has none. Callers serialize changes; the change holds on a hart
 * only after a flush there (guest_protect_flush_all or _here). */
int guest_protect_page(struct vm *vm, gpa_t page, unsigned long perms);
/* The page's stage-2 permissions now (STAGE2_*). HV_ENOENT if unmapped,
 * HV_ENOTSUP when the VM has no table. */
int guest_protect_perms(struct vm *vm, gpa_t page, unsigned long *perms);
/* Flush the VM's G-stage translations on every online hart and wait
 * until each has. No lock may be held (it waits on other harts, serving
 * this hart's messages meanwhile). */
void guest_protect_flush_all(struct vm *vm);
/* The same on this hart only. */
void guest_protect_flush_here(struct vm *vm);

#endif
