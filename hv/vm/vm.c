// SPDX-License-Identifier: MIT
/*
 * VM lifetime: stopping a VM (its vCPUs are marked dead and kicked;
 * nothing else is affected). When every foreground VM has stopped, the
 * machine powers off. Guest memory access is in hv/mm/guest_mem.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include <hv/vm.h>
#include "drivers/sbi_client.h"

struct vm vms[HV_MAX_VMS];
unsigned num_vms;
static spinlock_t vm_stop_lock = SPINLOCK_INIT;

static uint64_t ticks_to_ms(uint64_t ticks)
{
	return platform.timebase_frequency
		       ? ticks * 1000 / platform.timebase_frequency
		       : 0;
}

/* Per-vCPU accounting: run and wait time, exits by cause. */
static void vm_print_stats(struct vm *vm)
{
	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		const struct vcpu_stats *st = &vm->vcpus[i].stats;

		hv_printf(
			"hartvisor: VM \"%s\" vCPU %u (hart %u): run %llu ms, "
			"wait %llu ms, %llu switches, %llu migrations; "
			"exits: sbi %llu, "
			"mmio %llu, virtual-insn %llu, ipi %llu, timer %llu, "
			"external %llu; wfi blocks %llu\n",
			vm->name, i, vm->vcpus[i].cpu->hartid,
			(unsigned long long)ticks_to_ms(st->run_ticks),
			(unsigned long long)ticks_to_ms(st->wait_ticks),
			(unsigned long long)st->switches_in,
			(unsigned long long)st->migrations,
			(unsigned long long)st->exits[EXC_ECALL_VS],
			(unsigned long long)(st->exits
						     [EXC_LOAD_GUEST_PAGE_FAULT] +
					     st->exits
						     [EXC_STORE_GUEST_PAGE_FAULT]),
			(unsigned long long)st->exits[EXC_VIRTUAL_INST],
			(unsigned long long)st->irq_exits[1],
			(unsigned long long)st->irq_exits[5],
			(unsigned long long)st->irq_exits[9],
			(unsigned long long)st->wfi_blocks);
	}
}

bool vm_is_running(struct vm *vm)
{
	return __atomic_load_n(&vm->status, __ATOMIC_ACQUIRE) == VM_RUNNING;
}

static bool all_foreground_vms_stopped(bool *any_failed)
{
	bool all = true;

	*any_failed = false;
	for (unsigned i = 0; i < num_vms; i++) {
		if (vms[i].failed)
			*any_failed = true;
		if (vm_is_running(&vms[i]) && !vms[i].config->background)
			all = false;
	}
	return all;
}

void vm_stop(struct vm *vm, bool failed, const char *fmt, ...)
{
	char reason[160];
	va_list ap;
	bool any_failed;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);

	spin_lock(&vm_stop_lock);
	if (!vm_is_running(vm)) {
		spin_unlock(&vm_stop_lock);
		return;
	}
	vm->failed = failed;
	__atomic_store_n(&vm->status, VM_STOPPED, __ATOMIC_RELEASE);
	bool power_off = all_foreground_vms_stopped(&any_failed);

	spin_unlock(&vm_stop_lock);

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
	if (power_off) {
		hv_printf("hartvisor: all VMs have stopped%s; powering off\n",
			  any_failed ? " (some failed)" : "");
		sbi_client_shutdown(any_failed);
	}
}
