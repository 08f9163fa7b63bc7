/* SPDX-License-Identifier: MIT */
/*
 * The virtual UART's read-only shadow page (hv/vdev/uart_shadow.c):
 * while every UART register read is free of side effects, the guest
 * reads them from memory, without an exit.
 */
#ifndef HV_UART_SHADOW_H
#define HV_UART_SHADOW_H

#include <hv/types.h>

struct vm;

/* Give the VM its shadow page (cleared here) and map it read-only over
 * the UART's window in the VM's stage-2 table. Before the VM runs;
 * stage2_map's error if the table cannot take it. */
int uart_shadow_attach(struct vm *vm, hpa_t page);
/* Take the page back (device_lock held, before the stage-2 table goes):
 * later syncs do nothing. Returns it (hpa 0 if there was none). */
hpa_t uart_shadow_detach(struct vm *vm);

/*
 * After any change to the UART's state, device_lock held: refresh the
 * shadow and map it if the UART is quiet (vuart_quiet_registers); unmap
 * it if not. Returns true when this call unmapped it: the caller must
 * then call uart_shadow_finish(vm, true) once it holds no lock.
 */
bool uart_shadow_sync(struct vm *vm);
/*
 * After every device access and received byte (vdev_init excepted: a
 * reset never unmaps), device_lock released. With
 * unmapped (uart_shadow_sync returned true): flush the VM's G-stage
 * translations on every hart and wait. Otherwise, if another unmap's
 * flush is still under way, flush too: the guest must not go on with a
 * hart that could still read the old shadow. No lock may be held.
 */
void uart_shadow_finish(struct vm *vm, bool unmapped);
/*
 * A vCPU of the VM is about to be shown an external interrupt on this
 * hart: if an unmap's flush is under way, flush this hart's G-stage
 * translations of the VM first. The interrupt may announce the change
 * that unmapped the page, and the guest must then not read the old one.
 */
void uart_shadow_settle_here(struct vm *vm);

#endif
