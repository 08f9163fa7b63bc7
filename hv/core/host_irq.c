// SPDX-License-Identifier: MIT
/*
 * Host interrupt sources: the IPI (SSIP, from SBI IPI), the hart timer,
 * and the host PLIC for console input and the gdb stub's UART (on the
 * console hart). Interrupts stay globally disabled in HS-mode; they are
 * seen as guest exits or polled after wfi. Each of these paths also
 * runs a bounded console drain pass (hv/core/console.c).
 */
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/cpu_msg.h>
#include <hv/host_irq.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include "drivers/plic.h"

/* The other source the console hart serves (the gdb stub's UART); set
 * at boot before the other harts run. */
static unsigned routed_source;
static void (*routed_handler)(void);

void host_irq_route(unsigned source, void (*handler)(void))
{
	routed_handler = handler;
	routed_source = source;
	plic_enable(source, this_cpu()->hartid);
}

void host_irq_init_hart(bool console_hart)
{
	struct cpu *cpu = this_cpu();

	plic_set_threshold(cpu->hartid, 0);
	cpu->console_irq = console_hart;
	if (console_hart && platform.uart_irq)
		plic_enable(platform.uart_irq, cpu->hartid);
}

void host_irq_external(void)
{
	struct cpu *cpu = this_cpu();
	unsigned source;

	while ((source = plic_claim(cpu->hartid)) != 0) {
		if (source == platform.uart_irq)
			console_poll_input();
		else if (source == routed_source && routed_handler)
			routed_handler();
		plic_complete(cpu->hartid, source);
	}
}

void host_irq_ipi(void)
{
	/* Cleared first: a message queued after the serve pass below comes
	 * with an IPI that stays pending. The work a kick announced is in the
	 * posted fields, which the run loop syncs; a vCPU may have been
	 * queued here, so the slice may count now. */
	arch_ipi_clear();
	cpu_msg_serve();
	sched_update_timer();
	console_drain();
}

void host_irq_poll(void)
{
	unsigned long pending = arch_pending_host_irqs();

	if (pending & HOST_IRQ_IPI)
		host_irq_ipi();
	if (pending & HOST_IRQ_TIMER)
		sched_timer_interrupt();
	if (pending & HOST_IRQ_EXTERNAL)
		host_irq_external();
	/* Every hart passes here when it idles: console output the UART
	 * could not take at the last write goes out now. */
	console_drain();
}
