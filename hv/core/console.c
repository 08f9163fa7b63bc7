// SPDX-License-Identifier: MIT
/*
 * Console multiplexer (see hv/include/hv/console.h).
 *
 * Lock order: console_lock is taken alone, except that console_poll_input
 * drops it before touching a VM's devices (vm->device_lock).
 */
#include <string.h>
#include <hv/console.h>
#include <hv/spinlock.h>
#include <hv/vm.h>
#include <hv/platform.h>
#include <arch/arch.h>
#include "drivers/uart16550.h"

#define INTERACTIVE_SECONDS 5

static struct uart16550 *host_uart;
static spinlock_t console_lock = SPINLOCK_INIT;
static unsigned shared_by;		/* VMs sharing the console */
static unsigned focus;			/* index of the VM that gets input */
static bool escape_pending;		/* saw Ctrl-] */
static const struct vm *mid_line_owner; /* whose partial line is shown */
static uint64_t last_input_time;	/* hart time of the last key */

/* Per-VM input queue for the SBI console (DBCN read, legacy getchar). */
static uint8_t input_queue[HV_MAX_VMS][CONSOLE_INPUT_SIZE];
static unsigned input_head[HV_MAX_VMS], input_count[HV_MAX_VMS];

void console_init(struct uart16550 *uart)
{
	host_uart = uart;
}

void console_set_num_vms(unsigned count)
{
	shared_by = count;
}

static void raw_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == '\n')
			uart16550_putc(host_uart, '\r');
		uart16550_putc(host_uart, (uint8_t)text[i]);
	}
}

/* Called with console_lock held: end someone else's partial line. */
static void break_partial_line(const struct vm *next_owner)
{
	if (mid_line_owner && mid_line_owner != next_owner) {
		raw_write("\n", 1);
		mid_line_owner = NULL;
	}
}

void console_write_hypervisor(const char *text, size_t len)
{
	if (!host_uart)
		return;
	spin_lock(&console_lock);
	break_partial_line(NULL);
	raw_write(text, len);
	spin_unlock(&console_lock);
}

static void write_vm_line(struct vm *vm, bool complete)
{
	if (mid_line_owner != vm) {
		break_partial_line(vm);
		raw_write("[", 1);
		raw_write(vm->name, strlen(vm->name));
		raw_write("] ", 2);
	}
	raw_write(vm->line, vm->line_len);
	vm->line_len = 0;
	mid_line_owner = complete ? NULL : vm;
}

void console_vm_putc(struct vm *vm, uint8_t byte)
{
	spin_lock(&console_lock);
	if (shared_by <= 1) {
		/* A single VM owns the console: pass bytes straight through,
		 * so interactive programs behave as on bare hardware. */
		if (byte == '\n')
			uart16550_putc(host_uart, '\r');
		uart16550_putc(host_uart, byte);
		spin_unlock(&console_lock);
		return;
	}
	if (byte == '\r') {
		spin_unlock(&console_lock);
		return; /* lines end in \n; the host side adds \r */
	}
	vm->line[vm->line_len++] = (char)byte;
	if (byte == '\n')
		write_vm_line(vm, true);
	else if (vm->line_len == VM_CONSOLE_LINE_MAX)
		write_vm_line(vm, false);
	spin_unlock(&console_lock);
}

/*
 * A partial line is shown early only for the VM a person is typing to
 * (input in the last few seconds): that makes its prompt and echo appear,
 * while the output of unattended VMs stays in whole, prefixed lines.
 */
void console_vm_flush(struct vm *vm)
{
	uint64_t recent = platform.timebase_frequency * INTERACTIVE_SECONDS;

	spin_lock(&console_lock);
	if (shared_by > 1 && vm->line_len && vm->index == focus &&
	    last_input_time && arch_time_now() - last_input_time < recent)
		write_vm_line(vm, false);
	spin_unlock(&console_lock);
}

void console_set_focus(unsigned vm_index)
{
	focus = vm_index;
}

static void queue_input(unsigned index, uint8_t byte)
{
	if (input_count[index] == CONSOLE_INPUT_SIZE)
		return; /* nobody reads the SBI console: drop */
	input_queue[index][(input_head[index] + input_count[index]) %
			   CONSOLE_INPUT_SIZE] = byte;
	input_count[index]++;
}

int console_vm_getc(struct vm *vm)
{
	int byte = -1;

	spin_lock(&console_lock);
	if (input_count[vm->index]) {
		byte = input_queue[vm->index][input_head[vm->index]];
		input_head[vm->index] =
			(input_head[vm->index] + 1) % CONSOLE_INPUT_SIZE;
		input_count[vm->index]--;
	}
	spin_unlock(&console_lock);
	return byte;
}

/* Handle the focus escape; returns true if the byte was consumed. */
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
	unsigned next = focus;

	if (byte == 'n')
		next = (focus + 1) % (num_vms ? num_vms : 1);
	else if (byte >= '0' && byte <= '9' && (unsigned)(byte - '0') < num_vms)
		next = (unsigned)(byte - '0');
	focus = next;
	if (num_vms) {
		char msg[64 + VM_NAME_MAX];
		size_t len = 0;
		const char *prefix = "\nhartvisor: console input -> ";

		memcpy(msg, prefix, strlen(prefix));
		len = strlen(prefix);
		memcpy(msg + len, vms[focus].name, strlen(vms[focus].name));
		len += strlen(vms[focus].name);
		msg[len++] = '\n';
		console_write_hypervisor(msg, len);
	}
	return true;
}

void console_poll_input(void)
{
	int byte;

	while (host_uart && (byte = uart16550_getc(host_uart)) >= 0) {
		last_input_time = arch_time_now();
		if (handle_escape(byte) || focus >= num_vms)
			continue;
		struct vm *vm = &vms[focus];

		if (!vm_is_running(vm))
			continue;
		spin_lock(&console_lock);
		queue_input(vm->index, (uint8_t)byte);
		spin_unlock(&console_lock);
		spin_lock(&vm->device_lock);
		vuart_receive(&vm->uart, (uint8_t)byte);
		spin_unlock(&vm->device_lock);
	}
}
