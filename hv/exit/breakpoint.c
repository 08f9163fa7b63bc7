// SPDX-License-Identifier: MIT
/*
 * Breakpoint exceptions. They reach the hypervisor only while a debugger
 * has breakpoints set (the vCPU's trap_breakpoints, which the arch turns
 * into the hart's exception delegation); the debugger decides whether the
 * breakpoint was its own. A guest's own ebreak goes back to the guest.
 */
#include <hv/debug.h>
#include <hv/exit.h>
#include <hv/vm.h>

/* Return contract: the debugger's, or EXIT_RESUME after giving the guest
 * its breakpoint exception. */
enum exit_action exit_handle_breakpoint(struct vcpu *vcpu)
{
	const struct vm_debugger *debugger =
		__atomic_load_n(&vcpu->vm->debugger, __ATOMIC_ACQUIRE);

	if (debugger && debugger->breakpoint)
		return debugger->breakpoint(debugger->ctx, vcpu);
	arch_vcpu_inject_exception(vcpu, EXC_BREAKPOINT, vcpu->arch.sepc);
	return EXIT_RESUME;
}
