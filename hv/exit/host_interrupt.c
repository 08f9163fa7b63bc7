// SPDX-License-Identifier: MIT
/*
 * Host interrupts that made the guest exit. They are handled right here
 * and the guest resumes unless the scheduler has something to do; the
 * run loop checks for that (slice end, state change) before re-entry.
 */
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/exit.h>
#include <hv/host_irq.h>
#include <hv/vcpu.h>

/* Return contract for all three: EXIT_RESUME. */
enum exit_action exit_handle_host_ipi(struct vcpu *vcpu)
{
	(void)vcpu;
	host_irq_ipi();
	return EXIT_RESUME;
}

enum exit_action exit_handle_host_timer(struct vcpu *vcpu)
{
	(void)vcpu;
	sched_timer_interrupt();
	console_drain(); /* a bounded pass: output left behind goes out */
	return EXIT_RESUME;
}

enum exit_action exit_handle_host_external(struct vcpu *vcpu)
{
	(void)vcpu;
	host_irq_external();
	return EXIT_RESUME;
}
