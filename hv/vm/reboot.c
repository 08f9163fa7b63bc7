// SPDX-License-Identifier: MIT
/*
 * Rebooting one VM (SBI SRST cold or warm reboot): the VM starts again
 * from its images, as at power-on, and no other VM notices.
 *
 * The old instance is stopped as vm_stop stops a VM: its status leaves
 * RUNNING (for REBOOTING), every vCPU is killed and kicked, and we wait
 * until none is switched in on any hart. The requesting vCPU cannot wait
 * for itself: the rest is deferred until its hart has switched it out
 * (vm_finish_when_quiet). That moment is the reset point: from then on
 * no vCPU of the old instance runs anywhere, so nothing of it can write
 * to the RAM we clear. Then the RAM is zeroed (the new instance never
 * sees the old one's data), a step at a time, with the hart's other
 * vCPUs running between steps (256 MiB take about half a second under
 * QEMU: in one piece, a guest rebooting in a loop would keep the hart
 * from its neighbours, and from other harts' messages). Then the vCPUs, their timers, posted interrupts
 * and statistics are reset, the devices are reset and the images loaded
 * again from the boot archive (vm->ops->reload), and vCPU 0 starts at
 * the kernel entry with the others offline. Cold and warm reboots are
 * the same here: a VM has no device that survives either.
 *
 * Stage-2 translations stay valid (same table, same RAM). VS-stage TLB
 * entries of the old instance are tagged with the VMID the new one keeps:
 * forgetting where each vCPU last ran makes every first entry flush them.
 */
#include <stdio.h>
#include <string.h>
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/printk.h>
#include <hv/vm.h>

void vm_reboot(struct vm *vm, const char *kind, const char *reason)
{
	if (!vm->ops || !vm->ops->reload) {
		vm_stop(vm, false,
			"%s requested (reason: %s); the VM has no images to "
			"reload",
			kind, reason);
		return;
	}
	if (!vm_begin_reboot(vm))
		return; /* stopped or rebooting already */
	hv_printf("hartvisor: VM \"%s\": %s (reason: %s)\n", vm->name, kind,
		  reason);
	/* Waits for every other vCPU (bounded); vm_finish_pending waits
	 * again for any that was late, and for ours once it has left. */
	vm_quiesce(vm);
	vm_finish_when_quiet(vm);
}

/* A dead vCPU back to power-on: offline, nothing posted, no timer, no
 * statistics. Its registers are set once the images are loaded. */
static void reset_vcpu(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);

	vcpu->state = VCPU_OFFLINE;
	vcpu->boot_pending = false;
	vcpu->resume_pending = false;
	spin_unlock(&rq->lock);
	__atomic_store_n(&vcpu->requests, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vcpu->ipi_pending, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vcpu->ext_irq_level, false, __ATOMIC_SEQ_CST);
	vcpu->ext_irq_synced = false;
	__atomic_store_n(&vcpu->timer_deadline, UINT64_MAX, __ATOMIC_RELAXED);
	vcpu->last_cpu = NULL; /* its first entry flushes the VS-stage TLB */
	memset(&vcpu->stats, 0, sizeof(vcpu->stats));
}

uint64_t vm_reboot_clear_step = 4UL << 20;

/* Clear the next step of the RAM. True once all of it is clear; false if
 * the rest waits for this hart's next deferred call. */
static bool clear_ram_step(struct vm *vm)
{
	uint8_t *ram = hpa_to_ptr(vm->ram_host);
	uint64_t step = vm_reboot_clear_step ? vm_reboot_clear_step : ~0ULL;

	while (vm->reboot_cleared < vm->ram_size) {
		uint64_t left = vm->ram_size - vm->reboot_cleared;
		uint64_t len = left < step ? left : step;

		memset(ram + vm->reboot_cleared, 0, len);
		vm->reboot_cleared += len;
		if (vm->reboot_cleared < vm->ram_size && vm_finish_later(vm))
			return false;
		/* The hart's deferred slots are full: go on here,
		 * serving other harts' messages between steps. */
		cpu_relax_serving();
	}
	vm->reboot_cleared = 0;
	return true;
}

void vm_reboot_now(struct vm *vm)
{
	char err[128];
	gpa_t entry, fdt;

	if (!vm->reboot_cleared) { /* the first step */
		console_vm_flush(vm);
		vm_print_stats(vm);
	}
	if (!clear_ram_step(vm))
		return;
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		reset_vcpu(&vm->vcpus[i]);
	memset(vm->last_vcpu_on_hart, 0, sizeof(vm->last_vcpu_on_hart));
	vm->boots++; /* before the reload: the new DTB tells the guest */
	if (vm->ops->reload(vm, &entry, &fdt, err, sizeof(err))) {
		char why[VM_STOP_REASON_MAX];

		snprintf(why, sizeof(why), "reboot failed: %s", err);
		vm_end_reboot(vm, why);
		return;
	}
	/* The guest clock starts at 0 again, after the load, as at boot. */
	vm->htimedelta = -arch_time_now();
	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		struct vcpu_arch *arch = &vm->vcpus[i].arch;

		arch_vcpu_reset(arch, entry.val, i, fdt.val);
		arch_vcpu_set_stage2(arch, vm->hgatp, vm->htimedelta,
				     arch->sstc);
	}
	if (!vm_end_reboot(vm, NULL))
		return; /* stopped meanwhile: it stays stopped */
	hv_printf("hartvisor: VM \"%s\" restarted (boot %u)\n", vm->name,
		  vm->boots + 1);
	/* As at creation: the boot vCPU starts like an HSM start. */
	sched_start_vcpu(&vm->vcpus[0], entry.val, fdt.val);
}
