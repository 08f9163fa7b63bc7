// SPDX-License-Identifier: MIT
/*
 * Glue between a VM and its virtual PLIC and UART: MMIO windows, the
 * UART's interrupt line into the PLIC, and the PLIC's per-context lines
 * into each vCPU's VSEIP.
 *
 * Lock order: vm->device_lock, then (through vcpu_set_ext_irq) a
 * runqueue lock, or the console lock (through the UART's tx).
 */
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/platform.h>
#include <hv/uart_shadow.h>
#include <hv/vdev.h>
#include <hv/vm.h>

/* How long the UART's THR-empty interrupt pauses after a burst (see
 * hv/vdev/vuart.c): longer than the few traps between the guest's last
 * THR write and its next IIR read and PLIC claim, short next to the
 * burst's own cost (two traps a byte). */
#define UART_TX_PAUSE_US 1000

static void plic_context_line(void *opaque, unsigned context, bool level)
{
	struct vm *vm = opaque;

	if (context < vm->num_vcpus)
		vcpu_set_ext_irq(&vm->vcpus[context], level);
}

static void uart_tx(void *opaque, uint8_t byte)
{
	console_vm_putc(opaque, byte);
}

static void uart_irq(void *opaque, bool level)
{
	struct vm *vm = opaque;

	vplic_set_level(&vm->plic, GUEST_UART_IRQ, level);
}

void vdev_init(struct vm *vm)
{
	vplic_init(&vm->plic, GUEST_PLIC_SOURCES, vm->num_vcpus,
		   plic_context_line, vm);
	vuart_init(&vm->uart, uart_tx, uart_irq, vm);
	vuart_set_tx_pacing(&vm->uart, arch_time_now,
			    platform.timebase_frequency * UART_TX_PAUSE_US /
				    1000000);
	/* A UART at reset is quiet: this maps the shadow (or refreshes
	 * it), never unmaps, so there is nothing to flush. */
	(void)uart_shadow_sync(vm);
}

uint64_t vdev_next_event(struct vm *vm)
{
	uint64_t pause_end = vuart_tx_pause_end(&vm->uart);

	return pause_end ? pause_end : UINT64_MAX;
}

/* Locked: the pause may have been ended or pushed back meanwhile. */
static void end_tx_pause(struct vm *vm, uint64_t now)
{
	spin_lock(&vm->device_lock);
	uint64_t pause_end = vuart_tx_pause_end(&vm->uart);

	if (pause_end && now >= pause_end)
		vuart_end_tx_pause(&vm->uart);
	spin_unlock(&vm->device_lock);
}

void vdev_poll(struct vm *vm, uint64_t now)
{
	if (now >= vdev_next_event(vm))
		end_tx_pause(vm, now);
}

void vdev_vcpu_idle(struct vm *vm)
{
	if (vdev_next_event(vm) != UINT64_MAX)
		end_tx_pause(vm, UINT64_MAX);
}

static bool in_window(gpa_t addr, uint64_t base, uint64_t size)
{
	return addr.val >= base && addr.val - base < size;
}

bool vdev_claims(struct vm *vm, gpa_t addr)
{
	(void)vm;
	return in_window(addr, GUEST_PLIC_BASE, VPLIC_MMIO_SIZE) ||
	       in_window(addr, GUEST_UART_BASE, VUART_MMIO_SIZE);
}

int vdev_access(struct vm *vm, gpa_t addr, unsigned width, bool is_store,
		uint64_t *value)
{
	int ret = HV_ENOENT;
	bool was_paused = vdev_next_event(vm) != UINT64_MAX;
	bool shadow_unmapped = false;

	spin_lock(&vm->device_lock);
	if (in_window(addr, GUEST_PLIC_BASE, VPLIC_MMIO_SIZE)) {
		uint64_t offset = addr.val - GUEST_PLIC_BASE;

		ret = is_store ? vplic_mmio_write(&vm->plic, offset, width,
						  *value)
			       : vplic_mmio_read(&vm->plic, offset, width,
						 value);
	} else if (in_window(addr, GUEST_UART_BASE, VUART_MMIO_SIZE)) {
		uint64_t offset = addr.val - GUEST_UART_BASE;

		ret = is_store ? vuart_mmio_write(&vm->uart, offset, width,
						  *value)
			       : vuart_mmio_read(&vm->uart, offset, width,
						 value);
		shadow_unmapped = uart_shadow_sync(vm);
	}
	spin_unlock(&vm->device_lock);
	/* Any device: a PLIC claim may be how the guest learns of the UART
	 * change that unmapped the shadow. */
	uart_shadow_finish(vm, shadow_unmapped);
	/* A transmit pause began: the vCPU that caused it runs here, and its
	 * hart timer now ends the pause (vcpu_running_deadline). */
	if (!was_paused && vdev_next_event(vm) != UINT64_MAX)
		sched_update_timer();
	return ret;
}
