/* SPDX-License-Identifier: MIT */
/* Host interrupt work shared by guest exits and the idle loop. */
#ifndef HV_HOST_IRQ_H
#define HV_HOST_IRQ_H

/* An IPI: per-hart messages, and a kick (posted work, a queued vCPU). */
void host_irq_ipi(void);
/* Claim and serve the host PLIC (console input). */
void host_irq_external(void);
/* Serve whatever host interrupts are pending (idle loop). */
void host_irq_poll(void);
/* Set up this hart's host interrupt sources (after the platform). */
void host_irq_init_hart(bool console_hart);
/* Boot, on the console hart: serve PLIC source there with handler,
 * besides the console UART (one such source: the gdb stub's UART). */
void host_irq_route(unsigned source, void (*handler)(void));

#endif
