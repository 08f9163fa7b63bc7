/* SPDX-License-Identifier: MIT */
/*
 * The console multiplexer: one host UART shared by the hypervisor and
 * every VM. With several VMs, VM output is line-buffered and each line is
 * prefixed "[name] "; input goes to the VM with focus. Ctrl-] then n
 * moves focus to the next VM, Ctrl-] then a digit to VM n, and Ctrl-]
 * twice sends a literal Ctrl-].
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/types.h>

struct vm;
struct uart16550;

#define CONSOLE_ESCAPE 0x1d /* Ctrl-] */
#define CONSOLE_INPUT_SIZE 256

void console_init(struct uart16550 *uart);
/* Hypervisor output (whole messages). */
void console_write_hypervisor(const char *text, size_t len);
/* A byte of VM output (DBCN, legacy putchar, the virtual UART). */
void console_vm_putc(struct vm *vm, uint8_t byte);
/* Flush a VM's partial line (its vCPU went idle: a prompt, say). */
void console_vm_flush(struct vm *vm);
/* Poll the host UART and route input to the focused VM. */
void console_poll_input(void);
/* Input for a VM that reads the SBI console: -1 when none is waiting. */
int console_vm_getc(struct vm *vm);
void console_set_focus(unsigned vm_index);
/* Number of VMs that share the console (prefixing starts at 2). */
void console_set_num_vms(unsigned count);

#endif
