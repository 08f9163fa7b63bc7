/* SPDX-License-Identifier: MIT */
/*
 * A debugger attached to a VM (gdbstub/). The exit handlers call it for
 * the exits only a debugger causes: breakpoint exceptions (trapped instead
 * of delegated while the debugger has breakpoints set) and guest-page
 * faults on pages it protects (watchpoints). With no debugger attached,
 * none of this costs anything: vm->debugger is NULL.
 */
#ifndef HV_DEBUG_H
#define HV_DEBUG_H

#include <hv/exit.h>
#include <hv/guest_mem.h>
#include <hv/types.h>

struct vcpu;

struct vm_debugger {
	void *ctx;
	/*
	 * A breakpoint exception (ebreak or c.ebreak at vcpu->arch.sepc).
	 * Return contract: EXIT_RESCHEDULE when the debugger stopped the
	 * vCPU (it parks), EXIT_RESUME when the breakpoint was not the
	 * debugger's and it was injected back into the guest.
	 */
	enum exit_action (*breakpoint)(void *ctx, struct vcpu *vcpu);
	/*
	 * A guest-page fault at addr in the VM's RAM (which faults only where
	 * the debugger protects a page): access says what the hart was doing
	 * (an instruction fetch, or a load or store, possibly of the guest's
	 * own page-table walk). Returns false if the debugger does not claim
	 * it (normal handling goes on); true with *action set when it
	 * handled the fault (stopped the vCPU, or completed or retried the
	 * access).
	 */
	bool (*guest_page_fault)(void *ctx, struct vcpu *vcpu, gpa_t addr,
				 enum guest_access access,
				 enum exit_action *action);
	/*
	 * The VM's pause is complete: every vCPU is parked with its state in
	 * memory. Called once per pause, on any hart, possibly from inside
	 * vm_pause_begin (so a caller holding its own lock around
	 * vm_pause_begin must expect it). Must not wait.
	 */
	void (*paused)(void *ctx);
};

#endif
