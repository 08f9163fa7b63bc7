// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the MMIO decoder (hv/exit/mmio_decode.c): a raw
 * instruction (4 bytes) and an htinst value (8 bytes). Beyond the
 * sanitizers, every decode that succeeds must describe an access the
 * emulation can perform: width 1/2/4/8, a register x0..x31, length 2
 * exactly for a compressed encoding, no sign extension on stores or
 * full-width loads; and htinst's transformed form must decode as the
 * 32-bit instruction it stands for.
 */
#include <hv/errno.h>
#include <hv/mmio_decode.h>
#include "fuzz_check.h"

static void check_access(const struct mmio_insn *insn)
{
	check(insn->width == 1 || insn->width == 2 || insn->width == 4 ||
	      insn->width == 8);
	check(insn->reg < 32);
	check(insn->length == 2 || insn->length == 4);
	check(!insn->sign_extend || (!insn->is_store && insn->width < 8));
}

static bool same_access(const struct mmio_insn *a, const struct mmio_insn *b)
{
	return a->is_store == b->is_store && a->width == b->width &&
	       a->reg == b->reg && a->sign_extend == b->sign_extend;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	uint32_t raw = (uint32_t)fuzz_take(&in, 4);
	uint64_t htinst = fuzz_take(&in, 8);
	struct mmio_insn insn, same;
	int ret;

	ret = mmio_decode(raw, &insn);
	check(ret == HV_OK || ret == HV_ENOTSUP);
	if (ret == HV_OK) {
		check_access(&insn);
		check((insn.length == 4) == ((raw & 3) == 3));
		/* A compressed instruction is its low 16 bits alone. */
		if (insn.length == 2) {
			check(mmio_decode(raw & 0xffff, &same) == HV_OK);
			check(same_access(&same, &insn) && same.length == 2);
		}
	}

	ret = mmio_decode_htinst(htinst, &insn);
	check(ret == HV_OK || ret == HV_ENOTSUP);
	if (ret == HV_OK) {
		check_access(&insn);
		check(!(htinst >> 32) && (htinst & 1));
		check(insn.length == ((htinst & 2) ? 4 : 2));
		/* The transformed form is the 32-bit instruction. */
		check(mmio_decode((uint32_t)htinst | 3, &same) == HV_OK);
		check(same_access(&same, &insn));
	}
	return 0;
}
