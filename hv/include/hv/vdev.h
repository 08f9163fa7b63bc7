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
/* Device events in time: the UART's transmit pauses (hv/vdev/vuart.c).
 * The host time of the next one, UINT64_MAX if none (cheap, no lock); a
 * vCPU of the VM that runs needs an exit by then. */
uint64_t vdev_next_event(struct vm *vm);
/* Raise what is due at host time now; cheap when nothing is. */
void vdev_poll(struct vm *vm, uint64_t now);
/* A vCPU of the VM goes idle (wfi): its hart will not exit for the next
 * event, and the guest is out of its interrupt handler, so a transmit
 * pause ends at once. */
void vdev_vcpu_idle(struct vm *vm);

#endif
