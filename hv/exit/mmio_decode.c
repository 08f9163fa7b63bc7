// SPDX-License-Identifier: MIT
/*
 * Decoding of the guest load or store behind a guest-page-fault MMIO exit.
 *
 * Only the integer loads and stores of RV64I and their compressed forms
 * are emulated. Everything else that can fault on an MMIO page (AMOs,
 * LR/SC, FP and vector accesses, cache-block operations) is refused with
 * HV_ENOTSUP: device registers are accessed with plain loads and stores,
 * and emulating the rest would mean emulating their side effects too.
 *
 * The faulting address comes from htval/stval, so immediates and rs1 are
 * never needed here: only direction, width, signedness and the data
 * register matter.
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/mmio_decode.h>

#define OPCODE_MASK 0x7fU
#define OPCODE_LOAD 0x03U
#define OPCODE_STORE 0x23U
#define QUADRANT_MASK 0x3U
#define QUADRANT_32BIT 0x3U
#define QUADRANT_C0 0x0U
#define QUADRANT_C2 0x2U

/* Compressed funct3 (bits 15:13) for the memory ops in quadrants 0 and 2.
 * 001 and 101 are C.FLD/C.FSD (C.FLDSP/C.FSDSP): FP, not supported. */
#define C_FUNCT3_LW 2U
#define C_FUNCT3_LD 3U
#define C_FUNCT3_SW 6U
#define C_FUNCT3_SD 7U

/* htinst bit 0 set means a transformed standard instruction; values with
 * it clear are the spec's pseudoinstructions for implicit VS-stage page
 * table accesses, which are never MMIO the guest asked for. */
#define HTINST_TRANSFORMED_BIT 0x1U
#define HTINST_NOT_COMPRESSED_BIT 0x2U

static unsigned bits(uint32_t value, unsigned high, unsigned low)
{
	return (value >> low) & ((1U << (high - low + 1)) - 1);
}

static int set_access(struct mmio_insn *out, bool is_store, unsigned width,
		      bool sign_extend, unsigned reg, unsigned length)
{
	out->is_store = is_store;
	out->width = width;
	out->sign_extend = sign_extend;
	out->reg = reg;
	out->length = length;
	return HV_OK;
}

/*
 * LOAD funct3: 0 LB, 1 LH, 2 LW, 3 LD, 4 LBU, 5 LHU, 6 LWU, 7 reserved.
 * The low two bits give log2(width) and bit 2 says "unsigned". LD is
 * full width, so there is nothing to extend.
 */
static int decode_load(uint32_t insn, struct mmio_insn *out)
{
	unsigned funct3 = bits(insn, 14, 12);
	unsigned width = 1U << (funct3 & 3);
	bool is_unsigned = funct3 & 4;

	if (funct3 == 7)
		return HV_ENOTSUP;
	return set_access(out, false, width, !is_unsigned && width < 8,
			  bits(insn, 11, 7), 4);
}

/* STORE funct3: 0 SB, 1 SH, 2 SW, 3 SD; 4..7 are reserved. */
static int decode_store(uint32_t insn, struct mmio_insn *out)
{
	unsigned funct3 = bits(insn, 14, 12);

	if (funct3 > 3)
		return HV_ENOTSUP;
	return set_access(out, true, 1U << funct3, false, bits(insn, 24, 20),
			  4);
}

static int decode_32bit(uint32_t insn, struct mmio_insn *out)
{
	switch (insn & OPCODE_MASK) {
	case OPCODE_LOAD:
		return decode_load(insn, out);
	case OPCODE_STORE:
		return decode_store(insn, out);
	default:
		return HV_ENOTSUP;
	}
}

/* Quadrant 0 uses the 3-bit register fields rd'/rs2' (bits 4:2) that
 * name x8..x15. */
static int decode_quadrant0(uint16_t insn, struct mmio_insn *out)
{
	unsigned reg = bits(insn, 4, 2) + 8;

	switch (bits(insn, 15, 13)) {
	case C_FUNCT3_LW:
		return set_access(out, false, 4, true, reg, 2);
	case C_FUNCT3_LD:
		return set_access(out, false, 8, false, reg, 2);
	case C_FUNCT3_SW:
		return set_access(out, true, 4, false, reg, 2);
	case C_FUNCT3_SD:
		return set_access(out, true, 8, false, reg, 2);
	default:
		return HV_ENOTSUP;
	}
}

/* Quadrant 2: the stack-pointer-relative forms, with full 5-bit rd
 * (bits 11:7) for loads and rs2 (bits 6:2) for stores. C.LWSP and
 * C.LDSP with rd = x0 are reserved encodings. */
static int decode_quadrant2(uint16_t insn, struct mmio_insn *out)
{
	unsigned rd = bits(insn, 11, 7);
	unsigned rs2 = bits(insn, 6, 2);

	switch (bits(insn, 15, 13)) {
	case C_FUNCT3_LW:
		if (rd == 0)
			return HV_ENOTSUP;
		return set_access(out, false, 4, true, rd, 2);
	case C_FUNCT3_LD:
		if (rd == 0)
			return HV_ENOTSUP;
		return set_access(out, false, 8, false, rd, 2);
	case C_FUNCT3_SW:
		return set_access(out, true, 4, false, rs2, 2);
	case C_FUNCT3_SD:
		return set_access(out, true, 8, false, rs2, 2);
	default:
		return HV_ENOTSUP;
	}
}

int mmio_decode(uint32_t insn, struct mmio_insn *out)
{
	switch (insn & QUADRANT_MASK) {
	case QUADRANT_32BIT:
		return decode_32bit(insn, out);
	case QUADRANT_C0:
		return decode_quadrant0((uint16_t)insn, out);
	case QUADRANT_C2:
		return decode_quadrant2((uint16_t)insn, out);
	default: /* quadrant 1 holds no loads or stores */
		return HV_ENOTSUP;
	}
}

/*
 * A transformed load/store is the 32-bit encoding with the immediate
 * zeroed and rs1 replaced by an address offset, neither of which we use.
 * For a compressed original the hart clears bit 1 and expands the
 * register fields to full 5-bit numbers, so after setting bit 1 again it
 * decodes as the equivalent 32-bit instruction of length 2.
 */
int mmio_decode_htinst(uint64_t htinst, struct mmio_insn *out)
{
	uint32_t insn = (uint32_t)htinst;
	bool compressed = !(insn & HTINST_NOT_COMPRESSED_BIT);
	int ret;

	if (htinst >> 32 || !(insn & HTINST_TRANSFORMED_BIT))
		return HV_ENOTSUP;
	ret = decode_32bit(insn | HTINST_NOT_COMPRESSED_BIT, out);
	if (ret == HV_OK && compressed)
		out->length = 2;
	return ret;
}
