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

enum vm_status {
	VM_RUNNING,
	VM_STOPPED, /* ended: shutdown, reset to stop, or stopped by an error */
};

struct vm {
	unsigned index;
	char name[VM_NAME_MAX];
	const struct vm_config *config;
	unsigned vmid;
	struct stage2 stage2;
	unsigned long hgatp;
	gpa_t ram_base;
	hpa_t ram_host;
	uint64_t ram_size;
	uint64_t htimedelta;
	unsigned long sbi_disabled; /* bit i: sbi_extensions[i] switched off */
	unsigned num_vcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];

	spinlock_t device_lock; /* the virtual PLIC and UART */
	struct vplic plic;
	struct vuart uart;

	/* Console output line buffer (hv/console.c, console lock). */
	char line[VM_CONSOLE_LINE_MAX];
	unsigned line_len;

	enum vm_status status; /* atomic */
	bool failed;	       /* ended by an error or a failure reset */
	/* Last vCPU of this VM each hart ran: a different vCPU of the same
	 * VM must not see the previous one's VS-stage TLB entries. */
	struct vcpu *last_vcpu_on_hart[HV_MAX_HARTS];
};

extern struct vm vms[HV_MAX_VMS];
extern unsigned num_vms;

/* Translate a guest-physical range inside the VM's RAM; HV_EFAULT if any
 * byte of [gpa, gpa + len) is outside it. */
int vm_gpa_range_to_hpa(struct vm *vm, gpa_t addr, uint64_t len, hpa_t *out);
/* Stop a VM because of an error it caused. Only that VM: its vCPUs are
 * marked dead and kicked; the hypervisor and other VMs go on. */
void vm_stop(struct vm *vm, bool failed, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool vm_is_running(struct vm *vm);
/* Create and load every VM of the boot archive. */
void vms_create_from_archive(const void *archive, size_t size);

#endif
