// SPDX-License-Identifier: MIT
/*
 * Virtual-instruction exits: wfi (trapped through hstatus.VTW) blocks the
 * vCPU; anything else is an instruction the guest may not execute (an
 * H-extension instruction, a hypervisor CSR, stimecmp without Sstc), and
 * the guest gets the illegal-instruction exception real S-mode would.
 */
#include <arch/vcpu_arch.h>
#include <hv/console.h>
#include <hv/exit.h>
#include <hv/vdev.h>
#include <hv/vcpu.h>

#define INSN_WFI 0x10500073U

/* Return contract: EXIT_RESUME, or EXIT_RESCHEDULE when wfi blocked. */
enum exit_action exit_handle_virtual_instruction(struct vcpu *vcpu)
{
	uint32_t insn = (uint32_t)vcpu->arch.stval;

	if (!insn && arch_vcpu_read_insn(vcpu, gva(vcpu->arch.sepc), &insn))
		insn = 0;
	/* wfi from guest user mode is illegal there, as on a bare hart
	 * (only VS-mode wfi is ours to emulate). */
	if (insn == INSN_WFI && vcpu_in_guest_kernel(vcpu)) {
		vcpu->arch.sepc += 4;
		console_vm_flush(
			vcpu->vm); /* an idle guest may show a prompt */
		/* Its hart may not exit again for the UART: resume sending. */
		vdev_vcpu_idle(vcpu->vm);
		return sched_block(vcpu, SCHED_BLOCK_WFI, 0, 0)
			       ? EXIT_RESCHEDULE
			       : EXIT_RESUME;
	}
	arch_vcpu_inject_exception(vcpu, EXC_ILLEGAL_INST, insn);
	return EXIT_RESUME;
}
