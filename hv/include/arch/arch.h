/* SPDX-License-Identifier: MIT */
/*
 * The arch contract: everything generic code may ask of the hart. The
 * implementation lives in hv/arch/. Generic code never touches CSRs.
 */
#ifndef ARCH_ARCH_H
#define ARCH_ARCH_H

#include <hv/types.h>

/* Host interrupt causes, as reported by arch_pending_host_irqs(). */
#define HOST_IRQ_IPI BIT(0)
#define HOST_IRQ_TIMER BIT(1)
#define HOST_IRQ_EXTERNAL BIT(2)

struct arch_features {
	bool sstc;	     /* stimecmp/vstimecmp available */
	bool sv39x4, sv48x4; /* stage-2 modes hgatp accepts */
	unsigned vmid_bits;  /* implemented hgatp.VMID width */
};

/* Per-hart CSR set-up: trap vector, delegation, counters. Fills *features
 * (the same on every hart of the machines we support). */
void arch_cpu_init(struct arch_features *features);

/* The hart's time (the timebase), from asm/time.h: uint64_t
 * arch_time_now(void). */
#include <asm/time.h>
/* Program the hart's supervisor timer (stimecmp with Sstc, else SBI). */
void arch_timer_program(uint64_t deadline);
/* Which host interrupts are pending (HOST_IRQ_*), without consuming. */
unsigned long arch_pending_host_irqs(void);
void arch_ipi_clear(void);
struct cpu;
/* Send an IPI to a hart (a kick: it exits the guest or leaves wfi). */
void arch_ipi_send(struct cpu *cpu);
/* Sleep until a host interrupt is pending. Interrupts stay globally off:
 * wfi wakes on pending-and-enabled regardless of sstatus.SIE. */
void arch_wait_for_interrupt(void);
void arch_relax(void);

/* The value that selects a stage-2 table (hgatp): its translation
 * scheme (3 levels: Sv39x4, 4: Sv48x4), VMID and root table. */
unsigned long arch_stage2_root(unsigned levels, unsigned vmid, hpa_t root);
/* Stage-2 TLB maintenance, on this hart: every VM's G-stage (and
 * combined) translations, or those of one VMID. */
void arch_stage2_flush_all(void);
void arch_stage2_flush_vmid(unsigned vmid);

NORETURN void arch_halt(void);

#endif
