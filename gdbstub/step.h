/* SPDX-License-Identifier: MIT */
/*
 * Single-stepping without hardware help: where can the next instruction
 * be? The decoder is pure (unit-tested on the host); gdb_step_targets
 * reads the instruction(s) from the stopped vCPU's memory.
 */
#ifndef GDBSTUB_STEP_H
#define GDBSTUB_STEP_H

#include <hv/types.h>

struct vcpu;

/* What the decoder needs of the vCPU. */
struct step_regs {
	uint64_t gpr[32]; /* gpr[0] is 0 */
	uint64_t sepc;	  /* the guest's sepc, for sret */
};

/*
 * The possible next pcs of the instruction insn at pc (len 2 or 4 from
 * its low bits): 1 or 2 of them (a branch: taken and not taken). Sets
 * *is_lr for lr.w/lr.d, whose sequence must be stepped as a whole.
 */
unsigned step_next_pcs(uint32_t insn, uint64_t pc, const struct step_regs *r,
		       uint64_t out[2], bool *is_lr);
/* For a conditional branch (incl. c.beqz/c.bnez): true, and where it goes
 * when taken. */
bool step_branch_target(uint32_t insn, uint64_t pc, uint64_t *target);
/* Is insn an sc.w/sc.d? */
bool step_is_sc(uint32_t insn);
/* Length in bytes of the instruction whose low half-word is insn. */
unsigned step_insn_length(uint32_t insn);

/* The temporary breakpoints for stepping vcpu once (an lr...sc sequence
 * counts as one step). HV_EFAULT if its code cannot be read. */
int gdb_step_targets(struct vcpu *vcpu, uint64_t pcs[2], unsigned *count);
/* A step's breakpoint at the guest-virtual pc (whatever `monitor phys`
 * says), as long as the instruction there (gdbstub/breakpoints.c). */
int gdb_break_insert_temporary(unsigned thread, uint64_t pc);

#endif
