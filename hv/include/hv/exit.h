/* SPDX-License-Identifier: MIT */
/* Guest exit handling: dispatch by cause (hv/exit.c). */
#ifndef HV_EXIT_H
#define HV_EXIT_H

struct vcpu;

/* What the run loop does after an exit handler returns. */
enum exit_action {
	EXIT_RESUME,	 /* enter the guest again */
	EXIT_RESCHEDULE, /* back to the scheduler: the vCPU blocked, stopped,
			    or its hart has other work */
};

enum exit_action exit_dispatch(struct vcpu *vcpu);

/* Handlers, one file per kind of exit. Each returns an exit_action. */
enum exit_action exit_handle_ecall(struct vcpu *vcpu);
enum exit_action exit_handle_guest_page_fault(struct vcpu *vcpu);
enum exit_action exit_handle_virtual_instruction(struct vcpu *vcpu);
enum exit_action exit_handle_host_ipi(struct vcpu *vcpu);
enum exit_action exit_handle_host_timer(struct vcpu *vcpu);
enum exit_action exit_handle_host_external(struct vcpu *vcpu);
enum exit_action exit_handle_breakpoint(struct vcpu *vcpu);

#endif
