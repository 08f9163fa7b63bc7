// SPDX-License-Identifier: MIT
/*
 * Virtual-instruction exits: wfi (trapped through hstatus.VTW) is waited
 * out in place or blocks the vCPU (hv/vcpu/wait.c), and after a wait in
 * place the vCPU's next wfi may stay in the guest (sched/wfi_in_guest.c);
 * anything else is an instruction the guest may not execute (an
 * H-extension instruction, a hypervisor CSR, stimecmp without Sstc), and
 * the guest gets the illegal-instruction exception real S-mode would.
 */
#include <arch/vcpu_arch.h>
#include <hv/console.h>
#include <hv/exit.h>
#include <hv/vdev.h>
#include <hv/vcpu.h>

#define INSN_WFI 0x10500073U

/*
 * After a wfi waited out in place: may the vCPU's next ones sleep in the
 * guest, with no exit (sched/wfi_in_guest.c says when the scheduler
 * allows it)? Not while the console or the UART has work that such an
 * exit does (console_vm_flush, vdev_vcpu_idle above): output waiting to
 * drain, a paused transmission.
 */
static bool wfi_may_stay_in_guest(struct vcpu *vcpu)
{
	return console_idle() && vdev_next_event(vcpu->vm) == UINT64_MAX &&
	       sched_wfi_in_guest(vcpu);
}

/* Return contract: EXIT_RESUME, or EXIT_RESCHEDULE when wfi blocked or
 * a request ended its wait in place. */
enum exit_action exit_handle_virtual_instruction(struct vcpu *vcpu)
{
	uint32_t insn;

	/*
	 * The instruction itself, from guest memory: stval is not to be
	 * trusted. QEMU 7.2 leaves it stale when a helper raises the
	 * exception (hlv, hsv in VS-mode), so a guest's hlv after a wfi
	 * showed the wfi again, and the vCPU slept with nothing to wake it
	 * (found by the random hostile guest, guests/baremetal/chaos). stval
	 * is the fallback when the pc cannot be read.
	 */
	if (arch_vcpu_read_insn(vcpu, gva(vcpu->arch.sepc), &insn))
		insn = (uint32_t)vcpu->arch.stval;
	/* wfi from guest user mode is illegal there, as on a bare hart
	 * (only VS-mode wfi is ours to emulate). */
	if (insn == INSN_WFI && vcpu_in_guest_kernel(vcpu)) {
		vcpu->arch.sepc += 4;
		console_vm_flush(
			vcpu->vm); /* an idle guest may show a prompt */
		/* Its hart may not exit again for the UART: resume sending. */
		vdev_vcpu_idle(vcpu->vm);
		/* Alone on its hart: it keeps it while it waits. */
		switch (vcpu_wait_in_place(vcpu)) {
		case VCPU_WAIT_RESUME:
			arch_vcpu_set_wfi_in_guest(&vcpu->arch,
						   wfi_may_stay_in_guest(vcpu));
			return EXIT_RESUME;
		case VCPU_WAIT_LEAVE:
			/* Parked or moving while idle: it stays blocked
			 * (idle, not preempted: no steal while paused),
			 * unless a wakeup came meanwhile. */
			sched_block(vcpu, SCHED_BLOCK_WFI, 0, 0);
			return EXIT_RESCHEDULE;
		default:
			break;
		}
		return sched_block(vcpu, SCHED_BLOCK_WFI, 0, 0)
			       ? EXIT_RESCHEDULE
			       : EXIT_RESUME;
	}
	arch_vcpu_inject_exception(vcpu, EXC_ILLEGAL_INST, insn);
	return EXIT_RESUME;
}
