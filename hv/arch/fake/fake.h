/* SPDX-License-Identifier: MIT */
/*
 * The fake arch: the arch contract implemented in software, so generic
 * code (scheduler, run loop, exits, SBI, pause, migration) runs in host
 * unit tests. Everything is single-threaded and deterministic: a test
 * chooses which simulated hart runs (fake_set_hart), advances time, and
 * plays the guest through a hook called at every guest entry.
 *
 * A simulated hart has a timer deadline, pending host interrupts (IPI,
 * timer, external) and counters a test can assert on. Waiting loops in
 * generic code call arch_relax(); the fake's relax lets the other harts
 * serve their per-hart messages (as real harts would, concurrently) and
 * advances time by one tick, so bounded waits end.
 */
#ifndef FAKE_ARCH_H
#define FAKE_ARCH_H

#include <arch/arch.h>
#include <arch/vcpu_arch.h>
#include <hv/percpu.h>

/* A hart's live guest state: the VS CSRs and FP registers of the vCPU
 * it holds (cpu->loaded, cpu->fp_owner), as the real hart's CSRs are. */
struct fake_live_state {
	unsigned long vsstatus, vsie, vstvec, vsscratch, vsepc, vscause, vstval;
	unsigned long vsatp;
	uint64_t vstimecmp;
	/* What the hart's Sstc timer compares with, as the last load left
	 * it (htimedelta, henvcfg.STCE): it stays live after a put. */
	uint64_t htimedelta;
	bool stce;
	uint64_t fp[32];
	uint64_t fcsr;
};

struct fake_hart {
	struct fake_live_state live;
	uint64_t timer_deadline; /* as programmed; UINT64_MAX = none */
	unsigned long pending;	 /* HOST_IRQ_* not yet consumed */
	unsigned ipis_received;
	unsigned timer_programs;
	unsigned waits; /* arch_wait_for_interrupt calls */
	unsigned tlb_flushes, fence_is;
	unsigned stage2_flushes;      /* arch_stage2_flush_vmid calls */
	unsigned stage2_flushed_vmid; /* the last one's VMID */
	unsigned loads, puts, fp_saves, fp_restores;
	unsigned entries; /* guest entries */
	/* The VS interrupts the hart holds pending for the guest (hvip), as
	 * the last entry left them: while any is, wfi returns at once. */
	unsigned long hvip;
	/* Idle wfi that returned at once for a VS interrupt: hvip, or the
	 * Sstc timer live in the hart (no vCPU switched in to take it). */
	unsigned spurious_wakeups;
	/* arch_relax() never serves this hart's messages: a hart held up
	 * elsewhere (a test sets it; fake_serve_hart still serves). */
	bool stalled;
};

extern struct fake_hart fake_harts[HV_MAX_HARTS];
extern uint64_t fake_time;

/*
 * The guest: called at every arch_vcpu_enter() with the vCPU loaded on
 * the current hart. It sets vcpu->arch.scause (and stval, htval, htinst,
 * GPRs, sepc) to describe the exit, as the hart would. NULL: the guest
 * runs until the next host interrupt (a timer exit after time passes).
 */
typedef void (*fake_guest_fn)(struct vcpu *vcpu);
extern fake_guest_fn fake_guest;

/* Reset every simulated hart and all counters; n harts come online
 * (cpus[0..n-1], hart ids 0..n-1), with this time slice in ticks. */
void fake_machine_init(unsigned num_harts, uint64_t time_slice);
/* Run as simulated hart index from now on. */
void fake_set_hart(unsigned index);
unsigned fake_current_hart(void);
void fake_advance_time(uint64_t ticks);
/* Serve hart index's pending IPI and messages, as its IPI handler would,
 * then return to the current hart. */
void fake_serve_hart(unsigned index);

/* The guest writes an FP register (marks its FP state dirty, as FS). */
void fake_guest_write_fp(struct vcpu *vcpu, unsigned reg, uint64_t value);
uint64_t fake_guest_read_fp(struct vcpu *vcpu, unsigned reg);

/*
 * Probe points: calls into the arch where a test may act at a precise
 * moment, as another hart would concurrently: post an interrupt between
 * the run loop's sync and the guest entry, pause a VM while a resume is
 * under way, let a waited-for hart make progress. The hook is never
 * nested: arch calls it makes itself do not reach it again. NULL: none.
 */
enum fake_probe {
	FAKE_PROBE_TIME,      /* arch_time_now() */
	FAKE_PROBE_IPI_SENT,  /* arch_ipi_send(), once the IPI is pending */
	FAKE_PROBE_RELAX,     /* arch_relax(), before other harts serve */
	FAKE_PROBE_VSTIMECMP, /* arch_vcpu_get_vstimecmp() */
};
typedef void (*fake_probe_fn)(enum fake_probe point);
extern fake_probe_fn fake_probe;
/* Called by arch_wait_for_interrupt() instead of its time jump, if set:
 * a simulation lets the other harts run until this one is woken. */
extern void (*fake_wait_hook)(void);
/* Does the loaded vCPU's Sstc timer end a wfi (true after a reset)? */
extern bool fake_vs_timer_ends_wfi;

/* Call the probe hook (arch side). */
void fake_probe_point(enum fake_probe point);

/* The instruction arch_vcpu_read_insn() finds at any guest pc; 0: the
 * read faults (as an unmapped pc would). */
extern uint32_t fake_guest_insn;

/* The guest (loaded on this hart) writes its sie or, with Sstc, its
 * stimecmp (guest time): the hart's live CSRs, as on hardware. */
void fake_guest_write_sie(struct vcpu *vcpu, unsigned long sie);
void fake_guest_write_stimecmp(struct vcpu *vcpu, uint64_t value);

/* Exit descriptions a guest hook can use. */
void fake_exit_ecall(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
		     const unsigned long *args, unsigned nargs);
void fake_exit_wfi(struct vcpu *vcpu);
void fake_exit_host_interrupt(struct vcpu *vcpu, unsigned long cause);

#endif
