// SPDX-License-Identifier: MIT
/*
 * Host interrupt sources: the IPI (SSIP, from SBI IPI), the hart timer,
 * and the host PLIC for console input. Interrupts stay globally disabled
 * in HS-mode; they are seen as guest exits or polled after wfi.
 */
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/host_irq.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include "drivers/plic.h"

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
		plic_complete(cpu->hartid, source);
	}
}

void host_irq_poll(void)
{
	unsigned long pending = arch_pending_host_irqs();

	if (pending & HOST_IRQ_IPI)
		arch_ipi_clear();
	if (pending & HOST_IRQ_TIMER)
		host_irq_timer();
	if (pending & HOST_IRQ_EXTERNAL)
		host_irq_external();
}
