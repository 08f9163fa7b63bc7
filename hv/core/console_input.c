// SPDX-License-Identifier: MIT
/*
 * Console input (see hv/include/hv/console.h): bytes from the host UART
 * go to the focused VM, through both of its input interfaces: the SBI
 * console queue (DBCN read, legacy getchar) and its virtual UART's
 * receive FIFO. Each holds CONSOLE_INPUT_SIZE / VUART_RX_FIFO_SIZE bytes
 * for a guest that reads slowly. A byte is counted as dropped when the
 * interface the guest uses refused it: the UART once the guest enabled
 * its receive interrupt, else the SBI queue once the guest read from it,
 * else when both refused it.
 *
 * Lock order: input_lock and vm->device_lock are never held together.
 */
#include <string.h>
#include <hv/console.h>
#include <hv/ticket_lock.h>
#include <hv/uart_shadow.h>
#include <hv/vm.h>
#include "drivers/uart16550.h"

static bool escape_pending; /* saw Ctrl-] (console hart only) */

static ticket_lock_t input_lock = TICKET_LOCK_INIT;
static uint8_t input_queue[HV_MAX_VMS][CONSOLE_INPUT_SIZE];
static unsigned input_head[HV_MAX_VMS], input_count[HV_MAX_VMS];
static bool sbi_reader[HV_MAX_VMS]; /* the VM has read the SBI console */

void console_input_reset(void)
{
	escape_pending = false;
	memset(input_count, 0, sizeof(input_count));
	memset(sbi_reader, 0, sizeof(sbi_reader));
}

/* input_lock held. */
static bool queue_input(unsigned index, uint8_t byte)
{
	if (input_count[index] == CONSOLE_INPUT_SIZE)
		return false;
	input_queue[index][(input_head[index] + input_count[index]) %
			   CONSOLE_INPUT_SIZE] = byte;
	input_count[index]++;
	return true;
}

int console_vm_getc(struct vm *vm)
{
	int byte = -1;

	ticket_lock(&input_lock);
	sbi_reader[vm->index] = true;
	if (input_count[vm->index]) {
		byte = input_queue[vm->index][input_head[vm->index]];
		input_head[vm->index] =
			(input_head[vm->index] + 1) % CONSOLE_INPUT_SIZE;
		input_count[vm->index]--;
	}
	ticket_unlock(&input_lock);
	return byte;
}

static void deliver(struct vm *vm, uint8_t byte)
{
	bool to_sbi, sbi_used, to_uart, uart_used, lost, shadow_unmapped;

	ticket_lock(&input_lock);
	to_sbi = queue_input(vm->index, byte);
	sbi_used = sbi_reader[vm->index];
	ticket_unlock(&input_lock);
	spin_lock(&vm->device_lock);
	uart_used = vuart_rx_interrupt_enabled(&vm->uart);
	to_uart = vuart_receive(&vm->uart, byte);
	shadow_unmapped = uart_shadow_sync(vm);
	spin_unlock(&vm->device_lock);
	/* Every hart then sees the byte (LSR.DR) at its next UART read. */
	uart_shadow_finish(vm, shadow_unmapped);
	if (uart_used)
		lost = !to_uart;
	else if (sbi_used)
		lost = !to_sbi;
	else
		lost = !to_uart && !to_sbi;
	if (lost)
		console_count_input_drop(vm->index);
}

static void announce_focus(void)
{
	char msg[64 + VM_NAME_MAX];
	const char *prefix = "\nhartvisor: console input -> ";
	const char *name = vms[console_focus()].name;
	size_t len = strlen(prefix), name_len = strnlen(name, VM_NAME_MAX);

	memcpy(msg, prefix, len);
	memcpy(msg + len, name, name_len);
	len += name_len;
	msg[len++] = '\n';
	console_write_hypervisor(msg, len);
}

/* Handle the escape; returns true if the byte was consumed. */
static bool handle_escape(int byte)
{
	if (!escape_pending) {
		if (byte != CONSOLE_ESCAPE)
			return false;
		escape_pending = true;
		return true;
	}
	escape_pending = false;
	if (byte == CONSOLE_ESCAPE)
		return false; /* literal Ctrl-] */
	unsigned focus = console_focus();

	if (byte == 'm') {
		console_monitor_open();
		return true;
	}
	if (byte == 'n')
		focus = (focus + 1) % (num_vms ? num_vms : 1);
	else if (byte >= '0' && byte <= '9' && (unsigned)(byte - '0') < num_vms)
		focus = (unsigned)(byte - '0');
	console_set_focus(focus);
	if (num_vms)
		announce_focus();
	return true;
}

void console_poll_input(void)
{
	struct uart16550 *uart = console_host_uart();
	int byte;

	while (uart && (byte = uart16550_getc(uart)) >= 0) {
		console_note_input();
		if (handle_escape(byte))
			continue;
		if (console_monitor_is_open()) {
			console_monitor_input((uint8_t)byte);
			continue;
		}
		if (console_focus() >= num_vms)
			continue;
		struct vm *vm = &vms[console_focus()];

		if (vm_is_running(vm))
			deliver(vm, (uint8_t)byte);
	}
	console_drain();
}
