/* SPDX-License-Identifier: MIT */
/*
 * A scripted guest for the SBI host tests (tests/unit/test_sbi_*.c), on
 * the fake arch and the fake machine.
 *
 * Each vCPU follows its own script: one step per guest entry (an ecall,
 * a wfi, or a test function that describes the exit). Steps that only
 * change guest CSRs (sie) run without an exit. A vCPU whose script is
 * done acknowledges its software interrupt (clears sip.SSIP) and waits in
 * wfi, so a hart's run ends when its guests have nothing left to do.
 * Every entry is logged with the registers the guest sees: that is how a
 * test reads what an SBI call returned (a0, a1, and where it resumed).
 *
 * Another hart can run a vCPU "in the guest" while the test's hart
 * waits: a coroutine that holds the vCPU in the guest until an IPI
 * reaches its hart (after a chosen number of the waiting hart's
 * arch_relax() calls), takes the exit as hardware would, and re-enters.
 *
 * The console (console_vm_putc, console_vm_getc) is replaced by a
 * per-VM output buffer and input queue (weak: a test may link
 * hv/core/console.c instead).
 */
#ifndef SBI_GUEST_H
#define SBI_GUEST_H

#include <hv/sbi.h>
#include "fake_machine.h"

#define GUEST_MAX_STEPS 32
#define GUEST_MAX_ENTRIES 64
#define GUEST_CONSOLE_SIZE 16384

/* What the guest saw when it was entered. */
struct guest_entry {
	unsigned long pc, a0, a1;
	unsigned long virq; /* virtual interrupts pending (VIRQ_*) */
	unsigned hart;	    /* index of the hart that entered it */
	unsigned tlb_flushes, fence_is; /* that hart's counters then */
};

/* Forget every script, log and console; install the guest hook. Call
 * after fake_machine_reset(). */
void guest_reset(void);

/* Script steps, appended to the vCPU's script. */
#define guest_ecall(vcpu, eid, fid, ...) \
	guest_ecall_args(vcpu, eid, fid, (const unsigned long[6]){__VA_ARGS__})
void guest_ecall_args(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
		      const unsigned long args[6]);
void guest_wfi(struct vcpu *vcpu);
/* The guest writes its sie (no exit: the next step follows at once). */
void guest_write_sie(struct vcpu *vcpu, unsigned long sie);
/* From here the vCPU's wfi sleeps in the guest, as the scheduler would
 * have it (no exit: the next step follows at once). The fake arch aborts
 * if a later wfi of the script exits while that still holds. */
void guest_mark_wfi_in_guest(struct vcpu *vcpu);
/* A test function that describes the exit (fake_exit_*). */
void guest_do(struct vcpu *vcpu, void (*fn)(struct vcpu *vcpu));

/* The entry log. */
unsigned guest_entries(struct vcpu *vcpu);
const struct guest_entry *guest_entry(struct vcpu *vcpu, unsigned n);
const struct guest_entry *guest_last(struct vcpu *vcpu);

/* wfi may return at any time: make a vCPU idle in wfi runnable, so that
 * its next steps run. Nothing happens to a vCPU in any other state. */
void guest_wake(struct vcpu *vcpu);
/* Step hart index until it idles (nothing runnable). The number of vCPU
 * turns it ran. */
unsigned guest_run_hart(unsigned index);

/* One SBI call by a vCPU (started, not running): the call is appended to
 * its script, the vCPU woken if idle, and its hart run until it idles.
 * returned: the guest got control back right after the ecall, and then
 * error/value are its a0/a1 (otherwise they are 0). */
struct guest_sbiret {
	long error;
	unsigned long value;
	bool returned;
};
#define guest_call(vcpu, eid, fid, ...) \
	guest_call_args(vcpu, eid, fid, (const unsigned long[6]){__VA_ARGS__})
struct guest_sbiret guest_call_args(struct vcpu *vcpu, unsigned long eid,
				    unsigned long fid,
				    const unsigned long args[6]);

/*
 * Hart index runs vcpu (which must be its next pick) in the guest, as a
 * coroutine, from now on: it enters the guest and stays there. An IPI
 * sent to the hart is taken after `latency` arch_relax() calls of the
 * waiting hart: the guest exits with a host software interrupt, the hart
 * handles it and the run loop re-enters (or switches, if it must). The
 * hart's own arch_relax() serving is off (fake_harts[index].stalled).
 * Returns the number of arch_relax() calls seen so far (a counter the
 * test can compare before and after a call).
 */
void guest_run_in_other_hart(struct vcpu *vcpu, unsigned index,
			     unsigned latency);
unsigned guest_relax_count(void);

/* The console. */
const char *guest_console_output(struct vm *vm);
size_t guest_console_length(struct vm *vm);
void guest_console_type(struct vm *vm, const char *text);

#endif
