/* SPDX-License-Identifier: MIT */
/* A VM's RAM, stage-2 table and VMID (hv/vm/vm_memory.c). */
#ifndef HV_VM_MEMORY_H
#define HV_VM_MEMORY_H

#include <hv/types.h>

struct vm;

/* Allocate the VM's zeroed RAM (vm->config->memory_size), map it and
 * give the VM a VMID and its hgatp. On failure (HV_ENOMEM, HV_ERANGE,
 * err says why) what was set up stays: vm_memory_release gives it back. */
int vm_memory_setup(struct vm *vm, char *err, size_t err_len);
/* Give back whatever vm_memory_setup set up. ran: a vCPU may have run
 * (its VMID must be flushed before reuse). Only once no vCPU of the VM
 * is switched in on any hart. */
void vm_memory_release(struct vm *vm, bool ran);

#endif
