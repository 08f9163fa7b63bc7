// SPDX-License-Identifier: MIT
/*
 * A VM's memory: its RAM (one contiguous, zeroed host block), the
 * stage-2 table that maps it at GUEST_RAM_BASE, the UART's shadow page
 * (hv/vdev/uart_shadow.c) and its VMID; and giving them back, when the
 * VM stops or fails to start.
 */
#include <stdio.h>
#include <hv/errno.h>
#include <hv/page_alloc.h>
#include <hv/uart_shadow.h>
#include <hv/vm.h>
#include <hv/vm_memory.h>
#include <hv/vmid.h>
#include <arch/arch.h>

extern struct arch_features hv_features;

static hpa_t stage2_page_alloc(size_t npages, size_t align_pages)
{
	return memory_alloc_pages(npages, align_pages);
}

int vm_memory_setup(struct vm *vm, char *err, size_t err_len)
{
	unsigned levels = hv_features.sv39x4 ? 3 : 4;
	size_t pages = vm->config->memory_size >> PAGE_SHIFT;

	vm->ram_base = gpa(GUEST_RAM_BASE);
	/* Zeroed by the allocator: whatever the block held before (another
	 * VM's data, or the firmware's) is not shown to this VM. */
	vm->ram_host = memory_alloc_pages(pages, MEGAPAGE_SIZE / PAGE_SIZE);
	if (!vm->ram_host.val) {
		snprintf(err, err_len, "not enough host memory for %llu MiB",
			 (unsigned long long)(vm->config->memory_size >> 20));
		return HV_ENOMEM;
	}
	vm->ram_size = vm->config->memory_size;
	if (stage2_init(&vm->stage2, levels, stage2_page_alloc) ||
	    stage2_map(&vm->stage2, vm->ram_base, vm->ram_host, vm->ram_size,
		       STAGE2_RWX)) {
		snprintf(err, err_len, "cannot build the stage-2 table");
		return HV_ENOMEM;
	}
	hpa_t shadow = memory_alloc_pages(1, 1);

	if (!shadow.val || uart_shadow_attach(vm, shadow)) {
		if (shadow.val)
			memory_release_pages(shadow, 1);
		snprintf(err, err_len, "cannot map the UART's shadow page");
		return HV_ENOMEM;
	}
	if (vmid_alloc(hv_features.vmid_bits, &vm->vmid)) {
		/* Sharing a VMID would let one VM hit another's cached
		 * translations; with so few VMID bits, refuse the VM. */
		snprintf(err, err_len,
			 "no VMID left (the hart has %u VMID bits)",
			 hv_features.vmid_bits);
		return HV_ERANGE;
	}
	vm->hgatp = arch_stage2_root(levels, vm->vmid, vm->stage2.root);
	return HV_OK;
}

void vm_memory_release(struct vm *vm, bool ran)
{
	hpa_t ram = vm->ram_host;
	uint64_t size = vm->ram_size;

	/* Forget the RAM first: a late reader (the gdb stub on a stopped
	 * VM) then finds none, never a block someone else owns now. */
	__atomic_store_n(&vm->ram_size, 0, __ATOMIC_RELEASE);
	vm->ram_host = hpa(0);
	/* Under the lock: console input may be syncing the shadow. */
	spin_lock(&vm->device_lock);
	hpa_t shadow = uart_shadow_detach(vm);
	spin_unlock(&vm->device_lock);

	stage2_destroy(&vm->stage2, memory_release_pages);
	if (shadow.val)
		memory_release_pages(shadow, 1);
	memory_release_pages(ram, size >> PAGE_SHIFT);
	vmid_release(vm->vmid, ran);
	vm->vmid = 0;
	vm->hgatp = 0;
}
