// SPDX-License-Identifier: MIT
/*
 * Guest-page faults: MMIO emulation for the VM's virtual devices, and an
 * access fault injected into the guest for any other unmapped address
 * (what the guest would get on hardware with nothing at that address).
 * RAM is mapped whole, so a fault there comes from a page a debugger
 * protects (watchpoints): the debugger handles it.
 */
#include <arch/vcpu_arch.h>
#include <hv/debug.h>
#include <hv/errno.h>
#include <hv/exit.h>
#include <hv/guest_mem.h>
#include <hv/mmio_decode.h>
#include <hv/ram_access.h>
#include <hv/vdev.h>
#include <hv/vm.h>

static unsigned long access_fault_for(unsigned long cause)
{
	switch (cause) {
	case EXC_INST_GUEST_PAGE_FAULT:
		return EXC_INST_ACCESS;
	case EXC_LOAD_GUEST_PAGE_FAULT:
		return EXC_LOAD_ACCESS;
	default:
		return EXC_STORE_ACCESS;
	}
}

static int decode_trapping_insn(struct vcpu *vcpu, struct mmio_insn *insn,
				uint32_t *raw)
{
	/* A transformed instruction has bit 0 set; pseudo-instructions and
	 * 0 mean the hart didn't provide one. */
	*raw = 0;
	if ((vcpu->arch.htinst & 1) &&
	    mmio_decode_htinst(vcpu->arch.htinst, insn) == HV_OK)
		return HV_OK;
	int ret = guest_trapping_insn(vcpu, raw);

	return ret ? ret : mmio_decode(*raw, insn);
}

static uint64_t extend_loaded_value(uint64_t value,
				    const struct mmio_insn *insn)
{
	unsigned bits = insn->width * 8;

	if (bits == 64)
		return value;
	value &= (1ULL << bits) - 1;
	if (insn->sign_extend && (value >> (bits - 1)))
		value |= ~0ULL << bits;
	return value;
}

/*
 * Was this fault the guest's own VS-stage page-table walk (an implicit
 * access) rather than the load or store itself? A page table in a device
 * window is no page table: the guest gets the access fault a machine with
 * nothing there would give, and the device never sees a read or write the
 * guest did not make.
 *  - htinst with bit 0 set is the transformed load or store: explicit.
 *  - htinst non-zero with bit 0 clear is one of the spec's
 *    pseudo-instructions for implicit accesses (0x2000/0x3000 a 32/64-bit
 *    PTE read, 0x2020/0x3020 the A/D update write): implicit.
 *  - htinst 0: the hart says nothing (the spec allows that for both).
 *    Then stval, the guest-virtual address of the access, is walked in
 *    software through the live vsatp. An explicit fault at addr means
 *    stval translates to addr; an implicit one means the walk needed a
 *    page table at addr, which the software walk cannot read either
 *    (addr is not RAM), so it fails. A walk that succeeds elsewhere (the
 *    guest changed its tables meanwhile) is not emulated either: only an
 *    access shown to target the device is.
 * With vsatp Bare, stval is addr itself and the walk is the identity.
 */
static bool is_implicit_access(struct vcpu *vcpu, gpa_t addr)
{
	uint64_t htinst = vcpu->arch.htinst;

	if (htinst)
		return !(htinst & 1);
	return !guest_fault_is_explicit(vcpu, addr);
}

/* A fault in RAM goes to the debugger, if one is attached. */
static bool debugger_handled(struct vcpu *vcpu, gpa_t addr, unsigned long cause,
			     enum exit_action *action)
{
	const struct vm_debugger *debugger =
		__atomic_load_n(&vcpu->vm->debugger, __ATOMIC_ACQUIRE);
	enum guest_access access =
		cause == EXC_INST_GUEST_PAGE_FAULT   ? GUEST_ACCESS_EXECUTE
		: cause == EXC_LOAD_GUEST_PAGE_FAULT ? GUEST_ACCESS_READ
						     : GUEST_ACCESS_WRITE;

	return debugger && debugger->guest_page_fault &&
	       guest_mem_range(vcpu->vm, addr, 1, NULL) == HV_OK &&
	       debugger->guest_page_fault(debugger->ctx, vcpu, addr, access,
					  action);
}

/* Return contract: the debugger's for a page it protects; otherwise
 * EXIT_RESUME after emulating the access or injecting a fault, and
 * EXIT_RESCHEDULE if the VM had to be stopped. */
enum exit_action exit_handle_guest_page_fault(struct vcpu *vcpu)
{
	struct vcpu_arch *arch = &vcpu->arch;
	unsigned long cause = arch->scause;
	gpa_t addr = gpa((arch->htval << 2) | (arch->stval & 3));
	struct mmio_insn insn;
	enum exit_action action;
	uint32_t raw;

	if (debugger_handled(vcpu, addr, cause, &action))
		return action;

	if (cause == EXC_INST_GUEST_PAGE_FAULT ||
	    !vdev_claims(vcpu->vm, addr) || is_implicit_access(vcpu, addr)) {
		arch_vcpu_inject_exception(vcpu, access_fault_for(cause),
					   arch->stval);
		return EXIT_RESUME;
	}
	if (decode_trapping_insn(vcpu, &insn, &raw) != HV_OK ||
	    insn.is_store != (cause == EXC_STORE_GUEST_PAGE_FAULT)) {
		vm_stop(vcpu->vm, true,
			"vCPU %u: cannot emulate the MMIO access at %#lx "
			"(instruction %#x at pc %#lx)",
			vcpu->id, addr.val, raw, arch->sepc);
		return EXIT_RESCHEDULE;
	}
	uint64_t value = insn.is_store ? vcpu_gpr(vcpu, insn.reg) : 0;
	/* Its next wfi exits: the console shows a prompt, and the UART's
	 * paused transmission resumes, at that exit. */
	arch_vcpu_set_wfi_in_guest(&vcpu->arch, false);
	int ret =
		vdev_access(vcpu->vm, addr, insn.width, insn.is_store, &value);

	if (ret != HV_OK) {
		arch_vcpu_inject_exception(vcpu, access_fault_for(cause),
					   arch->stval);
		return EXIT_RESUME;
	}
	if (!insn.is_store)
		vcpu_set_gpr(vcpu, insn.reg, extend_loaded_value(value, &insn));
	arch->sepc += insn.length;
	return EXIT_RESUME;
}
