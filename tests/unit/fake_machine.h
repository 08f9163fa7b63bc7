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
#include <hv/exit.h>
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
/* Give a VM RAM at GUEST_RAM_BASE: size bytes (a multiple of 2 MiB) of
 * zeroed host memory, 2 MiB aligned; the block of an earlier VM in the
 * same slot is freed. Returns the host address of the RAM's first byte. */
uint8_t *fake_vm_add_ram(struct vm *vm, uint64_t size);
/* HSM-start vCPU i at pc. */
void fake_vcpu_start(struct vm *vm, unsigned i, unsigned long pc);
/* Give a vCPU that never ran to hart index's runqueue (no migration is
 * counted: as if it had been placed there at creation). */
void fake_vcpu_place(struct vcpu *vcpu, unsigned index);
/* One turn of hart index's scheduler loop (sched_run_once) as that hart,
 * then back to the hart that was current. The vCPU it ran, or NULL. */
struct vcpu *fake_step(unsigned index);

/* The ecall exit handler of tests that do not link hv/sbi: when set, the
 * stub calls it (and does not advance sepc itself). */
extern enum exit_action (*fake_ecall_handler)(struct vcpu *vcpu);

/* What the stubs saw. */
extern unsigned fake_shutdowns;
extern bool fake_shutdown_failed;
extern char fake_printed[8192];	    /* everything hv_printf/hv_info printed */
extern jmp_buf *fake_shutdown_jump; /* where a power-off returns to */
/* The console stub: output waits to be drained (console_idle false). */
extern bool fake_console_busy;
/* The devices stub: vdev_next_event (UINT64_MAX: none). */
extern uint64_t fake_vdev_event;

#endif
