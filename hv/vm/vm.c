// SPDX-License-Identifier: MIT
/*
 * VM lifetime: stopping a VM (its vCPUs are marked dead and kicked;
 * nothing else is affected) and giving back its memory and VMID; a reboot
 * (hv/vm/reboot.c) shares the stop's quiesce. When every foreground VM
 * has stopped, the machine powers off. Guest memory access is in
 * hv/mm/guest_mem.c.
 *
 * A VM's resources go back only once none of its vCPUs is switched in on
 * any hart. A stop or reboot requested by one of the VM's own vCPUs
 * cannot wait for that vCPU: the work is deferred (sched_defer) until the
 * hart has switched it out, and done by vm_finish_pending().
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include <hv/vm.h>
#include "drivers/sbi_client.h"

struct vm vms[HV_MAX_VMS];
unsigned num_vms;
static spinlock_t vm_stop_lock = SPINLOCK_INIT;
/* Bit i: vms[i] stopped or is rebooting, and waits for vm_finish_pending
 * to give back its resources or reload it. */
static unsigned long vms_to_finish;
/* VMs marked stopped whose stop is still being reported (finish_stop):
 * the hart that powers the machine off waits for those reports, which
 * other harts print, so that no VM's last lines are cut off. Under
 * vm_stop_lock to count up; atomic. */
static unsigned stops_reporting;
/* How long the power-off waits for them, in ms of hart time. */
#define STOP_REPORT_WAIT_MS 1000

static bool all_foreground_vms_stopped(bool *any_failed)
{
	bool all = true;

	*any_failed = false;
	for (unsigned i = 0; i < num_vms; i++) {
		if (vms[i].failed)
			*any_failed = true;
		/* A rebooting VM is still on. */
		if (__atomic_load_n(&vms[i].status, __ATOMIC_ACQUIRE) !=
			    VM_STOPPED &&
		    !vms[i].config->background)
			all = false;
	}
	return all;
}

static bool called_from_vm(struct vm *vm)
{
	struct vcpu *current = this_cpu()->current;

	return current && current->vm == vm;
}

/* None of the VM's vCPUs runs or is switched in on any hart. */
static bool vm_quiet(struct vm *vm)
{
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		if (!sched_vcpu_stopped(&vm->vcpus[i]))
			return false;
	return true;
}

static void finish_vm(struct vm *vm)
{
	if (__atomic_load_n(&vm->status, __ATOMIC_ACQUIRE) == VM_REBOOTING) {
		vm_reboot_now(vm);
		return;
	}
	if (vm->ops && vm->ops->release)
		vm->ops->release(vm);
}

/* A rebooting VM must come back even if a vCPU was slow to leave: wait
 * for it here (never from one of its own vCPUs), and stop it if that
 * does not help, rather than leave it neither running nor stopped. */
static bool wait_for_rebooting(struct vm *vm)
{
	if (__atomic_load_n(&vm->status, __ATOMIC_ACQUIRE) != VM_REBOOTING ||
	    called_from_vm(vm))
		return false;
	if (vm_quiesce(vm) == HV_OK && vm_quiet(vm))
		return true;
	vm_end_reboot(vm, "reboot failed: a vCPU did not leave the guest");
	return false;
}

void vm_finish_pending(void *unused)
{
	(void)unused;
	for (unsigned i = 0; i < num_vms; i++) {
		unsigned long bit = 1UL << i;

		if (!(__atomic_load_n(&vms_to_finish, __ATOMIC_ACQUIRE) & bit))
			continue;
		if (!vm_quiet(&vms[i]) && !wait_for_rebooting(&vms[i]))
			continue;
		/* Claimed by one hart only. */
		if (__atomic_fetch_and(&vms_to_finish, ~bit, __ATOMIC_ACQ_REL) &
		    bit)
			finish_vm(&vms[i]);
	}
}

bool vm_finish_later(struct vm *vm)
{
	if (sched_defer(vm_finish_pending, NULL) != HV_OK)
		return false;
	/* The bit after the call is booked: any hart's vm_finish_pending
	 * may claim it, one at a time. */
	__atomic_fetch_or(&vms_to_finish, 1UL << vm->index, __ATOMIC_ACQ_REL);
	return true;
}

void vm_finish_when_quiet(struct vm *vm)
{
	__atomic_fetch_or(&vms_to_finish, 1UL << vm->index, __ATOMIC_ACQ_REL);
	if (!called_from_vm(vm)) {
		vm_finish_pending(NULL);
		return;
	}
	if (sched_defer(vm_finish_pending, NULL) != HV_OK)
		/* The hart's deferred slots are full (they are one per
		 * kind of work, so this should not happen): the work
		 * waits for the next vm_finish_pending. */
		hv_printf("hartvisor: VM \"%s\": its reset or clean-up waits "
			  "for the next one\n",
			  vm->name);
}

/* Under vm_stop_lock: the VM leaves RUNNING for `to`. False if it was
 * not running (stopped, or already rebooting). */
bool vm_begin_reboot(struct vm *vm)
{
	spin_lock(&vm_stop_lock);
	bool ok = vm_is_running(vm);

	if (ok) {
		vm->stop_pending = false;
		__atomic_store_n(&vm->status, VM_REBOOTING, __ATOMIC_RELEASE);
	}
	spin_unlock(&vm_stop_lock);
	return ok;
}

/* Under vm_stop_lock: the VM is STOPPED; true if the machine must power
 * off (no foreground VM left). */
static bool mark_stopped_locked(struct vm *vm, bool failed, bool *any_failed)
{
	vm->failed = failed;
	__atomic_store_n(&vm->status, VM_STOPPED, __ATOMIC_RELEASE);
	__atomic_fetch_add(&stops_reporting, 1, __ATOMIC_RELAXED);
	return all_foreground_vms_stopped(any_failed);
}

/* Another hart may still be reporting a VM that stopped just before
 * (seen under icount, where QEMU runs one hart at a time: its lines
 * never came out). Serve cross-hart messages meanwhile; bounded, so a
 * hart that never reports cannot keep the machine on. */
static void wait_for_stop_reports(void)
{
	uint64_t deadline =
		arch_time_now() + platform_ticks_from_ms(STOP_REPORT_WAIT_MS);

	while (__atomic_load_n(&stops_reporting, __ATOMIC_ACQUIRE) &&
	       arch_time_now() < deadline)
		cpu_relax_serving();
}

/* After the status went to STOPPED: wait for the vCPUs, report, give the
 * resources back and, with no foreground VM left, power off. */
static void finish_stop(struct vm *vm, const char *reason, bool power_off,
			bool any_failed)
{
	/* Running vCPUs see the status at their next exit; make that now,
	 * and wait for them, so their statistics are complete too. */
	int quiet = vm_quiesce(vm);

	console_vm_flush(vm);
	hv_printf("hartvisor: VM \"%s\" stopped: %s\n", vm->name, reason);
	if (quiet != HV_OK)
		hv_printf("hartvisor: VM \"%s\": a vCPU did not leave the "
			  "guest in time\n",
			  vm->name);
	vm_print_stats(vm);
	/* Reported: before vm_finish_when_quiet, which may finish (and
	 * stop) another VM in a nested finish_stop on this hart, whose
	 * power-off would otherwise wait for this frame's count. Release:
	 * the report is in the console before the count drops. */
	__atomic_fetch_sub(&stops_reporting, 1, __ATOMIC_RELEASE);
	vm_finish_when_quiet(vm);
	if (power_off) {
		wait_for_stop_reports();
		hv_printf("hartvisor: all VMs have stopped%s; powering off\n",
			  any_failed ? " (some failed)" : "");
		sbi_client_shutdown(any_failed);
	}
}

void vm_stop(struct vm *vm, bool failed, const char *fmt, ...)
{
	char reason[VM_STOP_REASON_MAX];
	va_list ap;
	bool any_failed, power_off;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);

	spin_lock(&vm_stop_lock);
	if (vm->status == VM_REBOOTING && !vm->stop_pending) {
		/* Its restart is under way: it stops instead, then (the
		 * first request wins, as for a running VM). */
		vm->stop_pending = true;
		vm->stop_failed = failed;
		memcpy(vm->stop_reason, reason, sizeof(reason));
	}
	if (!vm_is_running(vm)) {
		spin_unlock(&vm_stop_lock);
		return;
	}
	power_off = mark_stopped_locked(vm, failed, &any_failed);
	spin_unlock(&vm_stop_lock);
	finish_stop(vm, reason, power_off, any_failed);
}

bool vm_end_reboot(struct vm *vm, const char *failure)
{
	bool any_failed, power_off;

	spin_lock(&vm_stop_lock);
	if (vm->status != VM_REBOOTING) {
		/* Ended already: two harts can both give up waiting for a
		 * slow vCPU (wait_for_rebooting); the first one reports. */
		spin_unlock(&vm_stop_lock);
		return false;
	}
	if (!failure && !vm->stop_pending) {
		__atomic_store_n(&vm->status, VM_RUNNING, __ATOMIC_RELEASE);
		spin_unlock(&vm_stop_lock);
		return true;
	}
	power_off = mark_stopped_locked(vm, failure || vm->stop_failed,
					&any_failed);
	spin_unlock(&vm_stop_lock);
	finish_stop(vm, failure ? failure : vm->stop_reason, power_off,
		    any_failed);
	return false;
}
