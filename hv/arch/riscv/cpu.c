// SPDX-License-Identifier: MIT
/*
 * Per-hart set-up and the host side of the arch contract.
 */
#include <arch/arch.h>
#include "csr.h"
#include <arch/vcpu_arch.h>
#include <hv/percpu.h>
#include <hv/printk.h>
#include "drivers/sbi_client.h"
#include "stack_guard.h"

extern char hv_trap_vector[];
static bool hart_has_sstc;

/* Exceptions the guest handles itself: everything a bare-metal S-mode
 * kernel expects to see, except ecalls from VS (SBI) and guest-page
 * faults / virtual instructions, which only the hypervisor can resolve. */
#define GUEST_DELEGATED_EXCEPTIONS                           \
	(BIT(EXC_INST_MISALIGNED) | BIT(EXC_INST_ACCESS) |   \
	 BIT(EXC_ILLEGAL_INST) | BIT(EXC_BREAKPOINT) |       \
	 BIT(EXC_LOAD_MISALIGNED) | BIT(EXC_LOAD_ACCESS) |   \
	 BIT(EXC_STORE_MISALIGNED) | BIT(EXC_STORE_ACCESS) | \
	 BIT(EXC_ECALL_U) | BIT(EXC_INST_PAGE_FAULT) |       \
	 BIT(EXC_LOAD_PAGE_FAULT) | BIT(EXC_STORE_PAGE_FAULT))

static void probe_stage2(struct arch_features *features)
{
	csr_write(CSR_HGATP, (HGATP_MODE_SV39X4 << HGATP_MODE_SHIFT) |
				     (HGATP_VMID_MASK << HGATP_VMID_SHIFT));
	unsigned long value = csr_read(CSR_HGATP);

	features->sv39x4 = (value >> HGATP_MODE_SHIFT) == HGATP_MODE_SV39X4;
	unsigned long vmid = (value >> HGATP_VMID_SHIFT) & HGATP_VMID_MASK;

	features->vmid_bits = 0;
	while (vmid & 1) {
		features->vmid_bits++;
		vmid >>= 1;
	}
	csr_write(CSR_HGATP, HGATP_MODE_SV48X4 << HGATP_MODE_SHIFT);
	features->sv48x4 =
		(csr_read(CSR_HGATP) >> HGATP_MODE_SHIFT) == HGATP_MODE_SV48X4;
	csr_write(CSR_HGATP, 0);
}

void arch_cpu_init(struct arch_features *features)
{
	arch_stack_guard_arm();
	csr_write(CSR_STVEC, (unsigned long)hv_trap_vector);
	csr_write(CSR_SSCRATCH, 0);
	csr_write(CSR_SSTATUS, 0); /* SIE off for good, FS off */
	csr_write(CSR_HEDELEG, GUEST_DELEGATED_EXCEPTIONS);
	csr_write(CSR_HIDELEG, MIP_VSSIP | MIP_VSTIP | MIP_VSEIP);
	csr_write(CSR_HVIP, 0);
	csr_write(CSR_HCOUNTEREN,
		  HCOUNTEREN_CY | HCOUNTEREN_TM | HCOUNTEREN_IR);
	csr_write(CSR_HGEIE, 0);
	/* Host interrupts must be enabled individually for wfi to wake and
	 * to exit the guest (HS interrupts are always on while V=1). */
	csr_write(CSR_SIE, MIP_SSIP | MIP_STIP | MIP_SEIP);
	probe_stage2(features);
	/* Sstc: if henvcfg.STCE sticks, the firmware enabled stimecmp. */
	csr_write(CSR_HENVCFG, HENVCFG_STCE);
	features->sstc =
		features->sstc && (csr_read(CSR_HENVCFG) & HENVCFG_STCE);
	csr_write(CSR_HENVCFG, 0);
	hart_has_sstc = features->sstc;
	arch_timer_program(UINT64_MAX);
	arch_stage2_flush_all();
}

/* Called after every scheduling decision: where the stack guard is
 * checked, with arch_wait_for_interrupt(). */
void arch_timer_program(uint64_t deadline)
{
	arch_stack_guard_check(false);
	if (hart_has_sstc)
		csr_write(CSR_STIMECMP, deadline);
	else
		sbi_client_set_timer(deadline);
}

unsigned long arch_pending_host_irqs(void)
{
	unsigned long sip = csr_read(CSR_SIP);
	unsigned long irqs = 0;

	if (sip & MIP_SSIP)
		irqs |= HOST_IRQ_IPI;
	if (sip & MIP_STIP)
		irqs |= HOST_IRQ_TIMER;
	if (sip & MIP_SEIP)
		irqs |= HOST_IRQ_EXTERNAL;
	return irqs;
}

void arch_ipi_clear(void)
{
	csr_clear(CSR_SIP, MIP_SSIP);
}

void arch_ipi_send(struct cpu *cpu)
{
	/* mask 1 with base = hart id: works for any hart id. */
	sbi_client_send_ipi(1UL, cpu->hartid);
}

void arch_wait_for_interrupt(void)
{
	arch_stack_guard_check(true);
	__asm__ __volatile__("wfi" ::: "memory");
}

void arch_relax(void)
{
	/* pause (Zihintpause) is a hint: a no-op where unsupported. */
	__asm__ __volatile__(".insn i 0x0f, 0, x0, x0, 0x010" ::: "memory");
}

void arch_stage2_flush_all(void)
{
	__asm__ __volatile__(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");
}

/* hfence.gvma zero, vmid: funct7 0110001, rs2 = the VMID, rs1 = x0 (every
 * guest-physical address). */
void arch_stage2_flush_vmid(unsigned vmid)
{
	unsigned long id = vmid;

	__asm__ __volatile__(".insn r 0x73, 0, 0x31, x0, x0, %0"
			     :
			     : "r"(id)
			     : "memory");
}

void arch_halt(void)
{
	csr_write(CSR_SIE, 0);
	for (;;)
		__asm__ __volatile__("wfi");
}

void hv_trap_panic(unsigned long cause, unsigned long epc, unsigned long tval,
		   unsigned long ra);
void hv_trap_panic(unsigned long cause, unsigned long epc, unsigned long tval,
		   unsigned long ra)
{
	hv_panic("unexpected trap in the hypervisor: scause %#lx sepc %#lx "
		 "stval %#lx ra %#lx",
		 cause, epc, tval, ra);
}

unsigned long arch_stage2_root(unsigned levels, unsigned vmid, hpa_t root)
{
	unsigned long mode =
		levels == 3 ? HGATP_MODE_SV39X4 : HGATP_MODE_SV48X4;

	return (mode << HGATP_MODE_SHIFT) |
	       (((unsigned long)vmid & HGATP_VMID_MASK) << HGATP_VMID_SHIFT) |
	       (root.val >> PAGE_SHIFT);
}
