// SPDX-License-Identifier: MIT
/*
 * Exit dispatch: one static table for exceptions and one for host
 * interrupts, indexed by cause. A cause with no handler is an exit the
 * hypervisor cannot handle: it stops that VM, never the hypervisor.
 */
#include <arch/vcpu_arch.h>
#include <hv/exit.h>
#include <hv/vm.h>

typedef enum exit_action (*exit_handler_fn)(struct vcpu *vcpu);

/* Exceptions that reach HS-mode (the rest are delegated to the guest). */
static const exit_handler_fn exception_handlers[EXC_COUNT] = {
	[EXC_BREAKPOINT] = exit_handle_breakpoint, /* debugger only */
	[EXC_ECALL_VS] = exit_handle_ecall,
	[EXC_INST_GUEST_PAGE_FAULT] = exit_handle_guest_page_fault,
	[EXC_LOAD_GUEST_PAGE_FAULT] = exit_handle_guest_page_fault,
	[EXC_STORE_GUEST_PAGE_FAULT] = exit_handle_guest_page_fault,
	[EXC_VIRTUAL_INST] = exit_handle_virtual_instruction,
};

/* Host interrupts taken while the guest ran. */
static const exit_handler_fn interrupt_handlers[VCPU_NUM_IRQ_CAUSES] = {
	[IRQ_CAUSE_SOFT] = exit_handle_host_ipi,
	[IRQ_CAUSE_TIMER] = exit_handle_host_timer,
	[IRQ_CAUSE_EXTERNAL] = exit_handle_host_external,
};

/* Cold and out of line: every exit passes exit_dispatch, few come here. */
static __attribute__((cold, noinline)) enum exit_action
stop_unhandled(struct vcpu *vcpu, bool interrupt, unsigned long code)
{
	/* stval is captured for exceptions only (an interrupt has none). */
	if (interrupt)
		vm_stop(vcpu->vm, true,
			"vCPU %u: unhandled interrupt %lu at pc %#lx", vcpu->id,
			code, vcpu->arch.sepc);
	else
		vm_stop(vcpu->vm, true,
			"vCPU %u: unhandled exception %lu at pc %#lx "
			"(stval %#lx)",
			vcpu->id, code, vcpu->arch.sepc, vcpu->arch.stval);
	return EXIT_RESCHEDULE;
}

enum exit_action exit_dispatch(struct vcpu *vcpu)
{
	unsigned long cause = vcpu->arch.scause;
	bool interrupt = cause & CAUSE_INTERRUPT;
	unsigned long code = cause & ~CAUSE_INTERRUPT;
	exit_handler_fn handler = NULL;

	if (interrupt && code < ARRAY_SIZE(interrupt_handlers)) {
		vcpu->stats.irq_exits[code]++;
		handler = interrupt_handlers[code];
	} else if (!interrupt && code < ARRAY_SIZE(exception_handlers)) {
		vcpu->stats.exits[code]++;
		handler = exception_handlers[code];
	}
	if (handler)
		return handler(vcpu);
	return stop_unhandled(vcpu, interrupt, code);
}
