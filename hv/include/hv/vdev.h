/* SPDX-License-Identifier: MIT */
/* A VM's virtual devices and their MMIO windows (hv/vdev/vdev.c). */
#ifndef HV_VDEV_H
#define HV_VDEV_H

#include <hv/types.h>

struct vm;

void vdev_init(struct vm *vm);
/* Does any virtual device decode this guest-physical address? */
bool vdev_claims(struct vm *vm, gpa_t addr);
/* Emulate one access; HV_EINVAL for a width/alignment the device rejects
 * (the caller injects an access fault). */
int vdev_access(struct vm *vm, gpa_t addr, unsigned width, bool is_store,
		uint64_t *value);

#endif
