/* SPDX-License-Identifier: MIT */
/*
 * Trap handling. Tests "expect" an exception: arm, run the faulting
 * instruction, then read what was recorded. An expected fault is skipped
 * (2 or 4 bytes, as the instruction is long); a failed instruction fetch
 * resumes at ra, so fetch probes are made with a jalr. An exception nobody
 * expected ends the guest with a FAIL line.
 *
 * Interrupts are counted per hart. The timer handler masks sie.STIE (both
 * SBI and Sstc timers stay pending until re-armed), the IPI handler clears
 * sip.SSIP, the external handler masks sie.SEIE.
 */
#ifndef GUEST_TRAP_H
#define GUEST_TRAP_H

#include <stdbool.h>
#include <stdint.h>

#include "layout.h"

struct trap_frame {
	unsigned long regs[32];
	unsigned long sepc, scause, stval, pad;
};

struct trap_record {
	bool trapped;
	unsigned long cause, stval, sepc;
};

struct hart_irq_stats {
	unsigned long timer, soft, external;
	uint64_t last_timer_at; /* rdtime when the last timer irq arrived */
};

extern struct hart_irq_stats irq_stats[GUEST_MAX_HARTS];

void trap_handle(struct trap_frame *frame);
void trap_expect_begin(void);
struct trap_record trap_expect_end(void);

/* Probes: each runs one access under trap_expect and returns the record. */
struct trap_record probe_load(unsigned long addr);
struct trap_record probe_store(unsigned long addr, unsigned long value);
struct trap_record probe_amoadd(unsigned long addr);
struct trap_record probe_fetch(unsigned long addr);

/* Snapshot of a hart's counters, read with READ_ONCE semantics. */
unsigned long irq_timer_count(unsigned hart);
unsigned long irq_soft_count(unsigned hart);

#endif
