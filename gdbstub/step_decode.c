// SPDX-License-Identifier: MIT
/*
 * Next-pc decoding for software single-step (RV64GC): branches (their
 * direction from the saved registers), jal,
 * jalr, the compressed jumps and branches, sret; everything else falls
 * through. ecall falls through too: the hypervisor handles SBI and
 * returns to the next instruction.
 */
#include "gdbstub/step.h"

#define OPCODE_BRANCH 0x63
#define OPCODE_JAL 0x6f
#define OPCODE_JALR 0x67
#define OPCODE_AMO 0x2f
#define INSN_SRET 0x10200073U

static int64_t sign_extend(uint64_t value, unsigned bits)
{
	uint64_t sign = 1ULL << (bits - 1);

	return (int64_t)((value ^ sign) - sign);
}

static uint64_t bits(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((1U << (hi - lo + 1)) - 1);
}

unsigned step_insn_length(uint32_t insn)
{
	return (insn & 3) == 3 ? 4 : 2;
}

static bool branch_taken(uint32_t insn, uint64_t a, uint64_t b)
{
	switch (bits(insn, 14, 12)) {
	case 0: /* beq */
		return a == b;
	case 1: /* bne */
		return a != b;
	case 4: /* blt */
		return (int64_t)a < (int64_t)b;
	case 5: /* bge */
		return (int64_t)a >= (int64_t)b;
	case 6: /* bltu */
		return a < b;
	default: /* bgeu (7); 2 and 3 are reserved */
		return a >= b;
	}
}

static unsigned next_pcs_32(uint32_t insn, uint64_t pc,
			    const struct step_regs *r, uint64_t out[2])
{
	uint64_t rs1 = r->gpr[bits(insn, 19, 15)];
	uint64_t rs2 = r->gpr[bits(insn, 24, 20)];
	int64_t offset;

	switch (insn & 0x7f) {
	case OPCODE_BRANCH:
		offset = sign_extend((bits(insn, 31, 31) << 12) |
					     (bits(insn, 7, 7) << 11) |
					     (bits(insn, 30, 25) << 5) |
					     (bits(insn, 11, 8) << 1),
				     13);
		/* The registers are known: the branch goes one way. */
		out[0] = branch_taken(insn, rs1, rs2) ? pc + (uint64_t)offset
						      : pc + 4;
		return 1;
	case OPCODE_JAL:
		offset = sign_extend((bits(insn, 31, 31) << 20) |
					     (bits(insn, 19, 12) << 12) |
					     (bits(insn, 20, 20) << 11) |
					     (bits(insn, 30, 21) << 1),
				     21);
		out[0] = pc + (uint64_t)offset;
		return 1;
	case OPCODE_JALR:
		out[0] = (rs1 + (uint64_t)sign_extend(bits(insn, 31, 20), 12)) &
			 ~1ULL;
		return 1;
	default:
		out[0] = insn == INSN_SRET ? r->sepc : pc + 4;
		return 1;
	}
}

static unsigned next_pcs_16(uint32_t insn, uint64_t pc,
			    const struct step_regs *r, uint64_t out[2])
{
	unsigned quadrant = insn & 3, funct3 = bits(insn, 15, 13);
	int64_t offset;

	if (quadrant == 1 && funct3 == 5) { /* c.j */
		offset = sign_extend((bits(insn, 12, 12) << 11) |
					     (bits(insn, 8, 8) << 10) |
					     (bits(insn, 10, 9) << 8) |
					     (bits(insn, 6, 6) << 7) |
					     (bits(insn, 7, 7) << 6) |
					     (bits(insn, 2, 2) << 5) |
					     (bits(insn, 11, 11) << 4) |
					     (bits(insn, 5, 3) << 1),
				     12);
		out[0] = pc + (uint64_t)offset;
		return 1;
	}
	if (quadrant == 1 && (funct3 == 6 || funct3 == 7)) { /* c.beqz/bnez */
		offset = sign_extend((bits(insn, 12, 12) << 8) |
					     (bits(insn, 6, 5) << 6) |
					     (bits(insn, 2, 2) << 5) |
					     (bits(insn, 11, 10) << 3) |
					     (bits(insn, 4, 3) << 1),
				     9);
		uint64_t rs1 = r->gpr[8 + bits(insn, 9, 7)];
		bool taken = funct3 == 6 ? rs1 == 0 : rs1 != 0;

		out[0] = taken ? pc + (uint64_t)offset : pc + 2;
		return 1;
	}
	if (quadrant == 2 && funct3 == 4 && bits(insn, 6, 2) == 0 &&
	    bits(insn, 11, 7) != 0) { /* c.jr / c.jalr (c.ebreak has rs1 0) */
		out[0] = r->gpr[bits(insn, 11, 7)] & ~1ULL;
		return 1;
	}
	out[0] = pc + 2;
	return 1;
}

bool step_is_sc(uint32_t insn)
{
	return (insn & 0x7f) == OPCODE_AMO && bits(insn, 31, 27) == 3 &&
	       (bits(insn, 14, 12) == 2 || bits(insn, 14, 12) == 3);
}

static bool is_lr(uint32_t insn)
{
	return (insn & 0x7f) == OPCODE_AMO && bits(insn, 31, 27) == 2 &&
	       (bits(insn, 14, 12) == 2 || bits(insn, 14, 12) == 3);
}

unsigned step_next_pcs(uint32_t insn, uint64_t pc, const struct step_regs *r,
		       uint64_t out[2], bool *lr)
{
	*lr = step_insn_length(insn) == 4 && is_lr(insn);
	if (step_insn_length(insn) == 4)
		return next_pcs_32(insn, pc, r, out);
	return next_pcs_16(insn & 0xffff, pc, r, out);
}

bool step_branch_target(uint32_t insn, uint64_t pc, uint64_t *target)
{
	struct step_regs r = {0};
	uint64_t out[2];
	bool lr;

	if (step_insn_length(insn) == 4) {
		if ((insn & 0x7f) != OPCODE_BRANCH)
			return false;
		/* With x0 == x0 and the beq/bne pair, force "taken". */
		uint32_t beq = (insn & ~(0x1fU << 15 | 0x1fU << 20 | 7U << 12));

		step_next_pcs(beq, pc, &r, out, &lr);
		*target = out[0];
		return true;
	}
	unsigned funct3 = bits(insn, 15, 13);

	if ((insn & 3) != 1 || (funct3 != 6 && funct3 != 7))
		return false;
	/* c.beqz with a zero register is taken. */
	step_next_pcs((insn & 0xffff & ~(7U << 13)) | (6U << 13), pc, &r, out,
		      &lr);
	*target = out[0];
	return true;
}
