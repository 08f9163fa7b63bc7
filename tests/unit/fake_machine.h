/* SPDX-License-Identifier: MIT */
/*
 * Host-test machine on the fake arch (hv/arch/fake): simulated harts,
 * VMs built without the loader, and weak stubs for what a test does not
 * link (console, SBI client, exits it does not exercise). A test links
 * the real file instead of a stub simply by listing it in its .mk.
 */
#ifndef FAKE_MACHINE_H
#define FAKE_MACHINE_H

#include <setjmp.h>
#include <hv/vcpu.h>
#include <hv/vm.h>
#include "hv/arch/fake/fake.h"

#define FAKE_TIMEBASE_HZ 10000000ULL /* 10 MHz, as QEMU virt */

/* Fresh machine: n harts online, slice in ticks, VMs cleared. */
void fake_machine_reset(unsigned num_harts, uint64_t time_slice);
/* A running VM with num_vcpus vCPUs, all OFFLINE; vCPU i starts on hart
 * (i % num_harts) and may run on every hart in allowed (0: all online). */
struct vm *fake_vm_create(const char *name, unsigned num_vcpus,
			  unsigned long allowed);
/* HSM-start vCPU i at pc. */
void fake_vcpu_start(struct vm *vm, unsigned i, unsigned long pc);

/* What the stubs saw. */
extern unsigned fake_shutdowns;
extern bool fake_shutdown_failed;
extern char fake_printed[8192];	    /* everything hv_printf/hv_info printed */
extern jmp_buf *fake_shutdown_jump; /* where a power-off returns to */

#endif
