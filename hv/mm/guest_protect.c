// SPDX-License-Identifier: MIT
/*
 * Stage-2 protection of guest pages for a debugger (see
 * hv/include/hv/guest_protect.h).
 *
 * Why every hart: a hart caches G-stage translations tagged with the
 * VMID, and keeps them after the vCPU it ran has gone (the VMID is not
 * reused, so nothing else flushes them). A page made stricter while a
 * hart still holds the old entry would let that hart's next vCPU of the
 * VM through unseen, so each hart that ran the VM runs hfence.gvma for
 * the VMID (per-hart messages sent together; this hart directly).
 * Waiting for all of them orders the PTE stores before any later guest
 * entry of the VM.
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/guest_protect.h>
#include <hv/stage2.h>
#include <hv/vm.h>

/* Guest RAM only: the UART's shadow page is mapped too, but its PTE is
 * device_lock's (hv/vdev/uart_shadow.c), never the debugger's. */
static bool is_ram_page(const struct vm *vm, gpa_t page)
{
	uint64_t size = __atomic_load_n(&vm->ram_size, __ATOMIC_ACQUIRE);

	return page.val >= vm->ram_base.val &&
	       page.val - vm->ram_base.val < size;
}

int guest_protect_page(struct vm *vm, gpa_t page, unsigned long perms)
{
	if (!vm->stage2.root.val)
		return HV_ENOTSUP;
	if (!is_ram_page(vm, page))
		return HV_ENOENT;
	return stage2_protect(&vm->stage2, page, perms);
}

int guest_protect_perms(struct vm *vm, gpa_t page, unsigned long *perms)
{
	hpa_t host;

	if (!vm->stage2.root.val)
		return HV_ENOTSUP;
	if (!is_ram_page(vm, page))
		return HV_ENOENT;
	return stage2_translate(&vm->stage2, page, &host, perms);
}

static void flush_vmid(void *arg)
{
	arch_stage2_flush_vmid(((const struct vm *)arg)->vmid);
}

void guest_protect_flush_here(struct vm *vm)
{
	flush_vmid(vm);
}

void guest_protect_flush_all(struct vm *vm)
{
	/* Only harts that ran the VM can hold its translations (its VMID
	 * was flushed everywhere before it got it). A hart about to run it
	 * for the first time sets its bit, then walks the table: the full
	 * fences on both sides (here, and vm_note_hart) make it either walk
	 * the new PTEs or be in the mask read here. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	unsigned long harts =
		__atomic_load_n(&vm->ran_on_harts, __ATOMIC_RELAXED);

	/* The PTE stores are visible before the messages that ask for the
	 * flush (their queue locks order them). */
	cpu_msg_call_online(harts, flush_vmid, vm);
}
