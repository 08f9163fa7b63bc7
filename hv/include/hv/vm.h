/* SPDX-License-Identifier: MIT */
/*
 * A virtual machine: its memory (one contiguous host block mapped at the
 * guest-physical RAM base through its stage-2 table), its vCPUs, virtual
 * devices and console state.
 *
 * Lock order (outermost first): vm->device_lock, then a runqueue lock.
 * The console lock (hv/console.c) is innermost and taken alone.
 */
#ifndef HV_VM_H
#define HV_VM_H

#include <hv/types.h>
#include <hv/spinlock.h>
#include <hv/vcpu.h>
#include <hv/vmconfig.h>
#include <hv/vplic.h>
#include <hv/vuart.h>
#include <hv/stage2.h>
#include <hv/percpu.h>

/* The guest-physical map: like QEMU virt, so unchanged guests run. */
#define GUEST_RAM_BASE 0x80000000UL
#define GUEST_PLIC_BASE 0x0c000000UL
#define GUEST_UART_BASE 0x10000000UL
#define GUEST_UART_IRQ 10
#define GUEST_PLIC_SOURCES 96

#define VM_CONSOLE_LINE_MAX 256
#define VM_STOP_REASON_MAX 160

enum vm_status {
	VM_RUNNING,
	VM_STOPPED,   /* ended: shutdown, or stopped by an error */
	VM_REBOOTING, /* between an SRST reboot and its restart */
};

struct vm_debugger;
struct vm;

/* What the creator of a VM does for its lifetime (hv/vm/create.c). */
struct vm_ops {
	/* Reset the virtual devices and load the images into the VM's
	 * (zeroed) RAM again: the boot vCPU's entry and its a1 (the DTB).
	 * HV_OK, or an HV_E* code with err saying why. */
	int (*reload)(struct vm *vm, gpa_t *entry, gpa_t *fdt, char *err,
		      size_t err_len);
	/* Give back the VM's RAM, stage-2 tables and VMID; called once no
	 * vCPU of the VM is switched in on any hart. */
	void (*release)(struct vm *vm);
};

struct vm {
	unsigned index;
	char name[VM_NAME_MAX];
	const struct vm_config *config;
	const struct vm_ops *ops; /* NULL: nothing to reload or release */
	unsigned boots;		  /* reboots so far */
	unsigned vmid;
	struct stage2 stage2;
	unsigned long hgatp;
	gpa_t ram_base;
	hpa_t ram_host;
	uint64_t ram_size;
	uint64_t reboot_cleared; /* RAM a reboot under way has cleared */
	uint64_t htimedelta;
	unsigned long sbi_disabled; /* bit i: sbi_extensions[i] switched off */
	unsigned num_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];
	struct sched_vm_params sched; /* weight, cap, latency class */

	spinlock_t device_lock; /* the virtual PLIC and UART */
	struct vplic plic;
	struct vuart uart;
	/* The UART's read-only shadow page (hv/vdev/uart_shadow.c; the
	 * first two under device_lock): hpa 0 if none. */
	hpa_t uart_shadow;
	bool uart_shadow_mapped;
	unsigned uart_shadow_flushes; /* unmaps whose flush runs (atomic) */
	/* Unmaps since uart_shadow_window_end - the window (device_lock):
	 * past a budget, the page is not mapped again until the window
	 * ends (uart_shadow_sync). */
	unsigned uart_shadow_unmaps;
	uint64_t uart_shadow_window_end;
	/* Dense indices of the harts that ran a vCPU of the VM (atomic; see
	 * vm_note_hart): the harts stage-2 flushes go to. */
	unsigned long ran_on_harts;

	/* Console output line buffer (hv/console.c, console lock). */
	char line[VM_CONSOLE_LINE_MAX];
	unsigned line_len;

	enum vm_status status; /* atomic */
	bool failed;	       /* ended by an error or a failure reset */
	/* A stop requested while rebooting, done instead of the restart
	 * (vm_stop_lock). */
	bool stop_pending, stop_failed;
	char stop_reason[VM_STOP_REASON_MAX];
	spinlock_t pause_lock;	 /* serializes pause and resume */
	unsigned pause_count;	 /* pauses in force (gdb, monitor, ...) */
	uint64_t paused_at;	 /* host time the first of them began */
	uint32_t pause_reported; /* the debugger heard this pause completed */
	/* The debugger attached to the VM, or NULL (hv/debug.h). */
	const struct vm_debugger *debugger;
	/* Last vCPU of this VM each hart ran: a different vCPU of the same
	 * VM must not see the previous one's VS-stage TLB entries. */
	struct vcpu *last_vcpu_on_hart[HV_MAX_HARTS];
};

extern struct vm vms[HV_MAX_VMS];
extern unsigned num_vms;

/*
 * Stop a VM (an error it caused, its own shutdown). Only that VM: the
 * hypervisor and the other VMs go on. When it returns, no vCPU of the VM
 * is in the guest or will enter it again, on any hart (the caller's own
 * vCPU, if it is one of them, dies when its exit handler returns).
 */
void vm_stop(struct vm *vm, bool failed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Inline: every guest entry asks. */
static inline bool vm_is_running(const struct vm *vm)
{
	return __atomic_load_n(&vm->status, __ATOMIC_ACQUIRE) == VM_RUNNING;
}
void vm_print_stats(struct vm *vm);

/*
 * Reboot a VM (SRST): the old instance stops as with vm_stop, and once
 * none of its vCPUs is switched in anywhere, its RAM is zeroed, its
 * vCPUs, devices, timers and statistics reset, its images reloaded and
 * vCPU 0 started at the entry (hv/vm/reboot.c). Callable from one of the
 * VM's vCPUs (the restart then waits until its hart switched it out).
 * kind and reason are for the message. A VM without vm->ops->reload is
 * stopped instead.
 */
void vm_reboot(struct vm *vm, const char *kind, const char *reason);
/* The restart half, once the VM is quiet (vm_finish_pending). It clears
 * the VM's RAM a step at a time, vm_reboot_clear_step bytes (tests make
 * it small), resuming at the hart's next deferred call, so that the
 * hart's other vCPUs run in between: a guest that reboots in a loop
 * costs its neighbours one step per turn, not its whole RAM at once. */
void vm_reboot_now(struct vm *vm);
extern uint64_t vm_reboot_clear_step;
/* vm_reboot_now goes on at this hart's next deferred call; false if the
 * hart's deferred slots are full (the caller goes on now). */
bool vm_finish_later(struct vm *vm);
/* RUNNING -> REBOOTING; false if the VM was not running. A vm_stop while
 * REBOOTING is kept for vm_end_reboot. */
bool vm_begin_reboot(struct vm *vm);
/* REBOOTING -> RUNNING (true: start the boot vCPU), or -> STOPPED with
 * the usual report and clean-up when the restart failed (failure: why)
 * or a stop was requested meanwhile (false). */
bool vm_end_reboot(struct vm *vm, const char *failure);
/* Give back a stopped VM's resources, or restart a rebooting one, once
 * none of its vCPUs is switched in on any hart: now if that is so (and
 * we are not one of them), else from this hart's deferred call after it
 * switched its vCPU out. vm_finish_pending does the work for every VM
 * that waits for it (a sched_defer function). */
void vm_finish_when_quiet(struct vm *vm);
void vm_finish_pending(void *unused);

/*
 * Pause a VM: every vCPU leaves the guest, saves its complete state to
 * memory (GPRs, VS CSRs, FP registers, vstimecmp, pending interrupts) and
 * parks; other VMs keep running on the same harts. Returns HV_OK once all
 * are parked, HV_EAGAIN if that took longer than VM_PAUSE_TIMEOUT_MS (the
 * pause stays requested: call vm_pause again or vm_resume), HV_ESTATE when
 * called from one of the VM's own vCPUs (it cannot wait for itself).
 * Pauses nest: each vm_pause that returned HV_OK or HV_EAGAIN needs one
 * vm_resume. No lock may be held.
 */
int vm_pause(struct vm *vm);
/* The two halves of vm_pause. vm_pause_begin only asks (any context, also
 * a vCPU of the VM itself, which then parks when its exit handler
 * returns); vm_pause_wait waits as vm_pause does. Guest time does not
 * advance while a VM is paused (vm_resume shifts its clock back). */
void vm_pause_begin(struct vm *vm);
int vm_pause_wait(struct vm *vm);
/* The scheduler reports a parked vCPU whose state reached memory. When
 * the last one does, a debugger attached to the VM hears that the pause
 * is complete (vm_debugger.paused), once per pause. */
void vm_vcpu_parked(struct vcpu *vcpu);
/* A debugger's per-thread resume: let one vCPU of a paused VM run while
 * the pause stays in force for the others; vm_pause_again parks every
 * vCPU again (the pause completes as vm_pause_begin's does). */
void vm_release_vcpu(struct vcpu *vcpu);
void vm_pause_again(struct vm *vm);
/* The stop half of vm_stop (and of a reboot): every vCPU dies, and the
 * call waits (bounded) until none is running anywhere but the caller's
 * own. HV_EAGAIN on timeout. The VM's status must already be stopped. */
int vm_quiesce(struct vm *vm);
void vm_resume(struct vm *vm);
bool vm_is_paused(struct vm *vm);
#define VM_PAUSE_TIMEOUT_MS 1000
/* Create and load every VM of the boot archive. */
void vms_create_from_archive(const void *archive, size_t size);

/* A vCPU of the VM is about to run on the hart of dense index `index`
 * for the first time (or may be): add the hart to ran_on_harts, with a
 * full fence before the entry's table walks (hv/mm/guest_protect.c says
 * why). Cheap once the bit is set. */
static inline void vm_note_hart(struct vm *vm, unsigned index)
{
	unsigned long bit = 1UL << index;

	if (__atomic_load_n(&vm->ran_on_harts, __ATOMIC_RELAXED) & bit)
		return;
	__atomic_fetch_or(&vm->ran_on_harts, bit, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

#endif
