/* SPDX-License-Identifier: MIT */
/*
 * The console multiplexer: one host UART shared by the hypervisor and
 * every VM.
 *
 * Output: each VM, and the hypervisor, has an output ring. Writers only
 * append to their ring (a full ring drops the bytes and counts them; a
 * DBCN write takes what fits and reports it); console_drain() moves bytes
 * from the rings to the host UART, a bounded number per pass, round-robin
 * across the rings, without ever waiting for the UART. A host UART that
 * stops taking bytes for CONSOLE_STALL_MS is declared stalled: pending
 * output is then dropped and counted until it takes bytes again. With one
 * VM its bytes pass through unchanged; with several, VM output is shown in
 * whole lines prefixed "[name] " (lines end in \r\n, a guest's \r is
 * dropped).
 *
 * Input goes to the VM with focus. Ctrl-] then n moves focus to the next
 * VM, Ctrl-] then a digit to VM n, Ctrl-] then m opens the monitor, and
 * Ctrl-] twice sends a literal Ctrl-].
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <hv/types.h>

struct vm;
struct uart16550;

#define CONSOLE_ESCAPE 0x1d	  /* Ctrl-] */
#define CONSOLE_INPUT_SIZE 4096	  /* per-VM SBI console input queue */
#define CONSOLE_RING_SIZE 16384	  /* per-VM output ring (power of two) */
#define CONSOLE_HV_RING_SIZE 8192 /* the hypervisor's ring (power of two) */
#define CONSOLE_DRAIN_BUDGET 256  /* bytes to the UART per drain pass */
#define CONSOLE_DRAIN_QUANTUM 64  /* bytes per ring per turn of a pass */
#define CONSOLE_STALL_MS 200	  /* UART busy this long: stalled */

void console_init(struct uart16550 *uart);
struct uart16550 *console_host_uart(void);

/* Output. */
/* Hypervisor output (whole messages); returns once they reached the UART
 * (or were dropped on a stalled UART). */
void console_write_hypervisor(const char *text, size_t len);
/* Panic path: no lock, no ring, a bounded wait per byte. */
void console_write_emergency(const char *text, size_t len);
/* A byte of VM output (legacy putchar, the virtual UART): dropped and
 * counted when the VM's ring is full. */
void console_vm_putc(struct vm *vm, uint8_t byte);
/* VM output (DBCN write): appends what fits, returns how many bytes. */
size_t console_vm_write(struct vm *vm, const uint8_t *bytes, size_t len);
/* Its vCPU went idle: show the VM's partial line if a person is typing
 * to it (a prompt). Once the VM has stopped: push all its output out and
 * report what its console dropped. */
void console_vm_flush(struct vm *vm);
/* One bounded drain pass, if no other hart is draining. Any context. */
void console_drain(void);
/* Nothing waits to be drained: no bytes in any ring, none staged, no
 * transmit interrupt on (a few unlocked loads). */
bool console_idle(void);

/* While the monitor is open, running VMs' output waits in their rings. */
void console_hold_vm_output(bool hold);

struct console_stats {
	uint64_t written;	/* bytes that reached the UART */
	uint64_t dropped;	/* output lost: ring full or UART stalled */
	uint64_t input_dropped; /* typed bytes no interface of the VM took */
};
/* vm NULL: the hypervisor's own ring. */
void console_get_stats(const struct vm *vm, struct console_stats *stats);
bool console_uart_stalled(void);

/* Input. */
/* Forget queued input and a pending escape (host tests). */
void console_input_reset(void);
/* Poll the host UART and route input to the focused VM (or the monitor). */
void console_poll_input(void);
/* Input for a VM that reads the SBI console: -1 when none is waiting. */
int console_vm_getc(struct vm *vm);
void console_set_focus(unsigned vm_index);
unsigned console_focus(void);
/* A key was typed now (a focused VM's prompt may show early). */
void console_note_input(void);
void console_count_input_drop(unsigned vm_index);
/* The console monitor (hv/core/console_monitor.c). */
void console_monitor_open(void);
bool console_monitor_is_open(void);
void console_monitor_input(uint8_t byte);
void console_monitor_reset(void); /* host tests */
/* Number of VMs that share the console (prefixing starts at 2). */
void console_set_num_vms(unsigned count);

#endif
