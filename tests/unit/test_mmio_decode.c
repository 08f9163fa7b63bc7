// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the MMIO load/store decoder (hv/mmio_decode.c).
 *
 * The encodings in the tables were produced by riscv64-unknown-elf-as
 * (`-march=rv64gc`) and read back with objdump; the expected fields come
 * from the assembly text, not from the decoder. The sweeps then check
 * every 16-bit value and every 32-bit opcode/funct3 pair against an
 * independent classification written from the ISA manual's opcode map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/mmio_decode.h>

struct decode_case {
	const char *text; /* the assembly it came from, for failure messages */
	uint32_t insn;
	bool is_store;
	unsigned width;
	bool sign_extend;
	unsigned reg;
	unsigned length;
};

static const struct decode_case supported[] = {
	{"lb a0, 0(a1)", 0x00058503, false, 1, true, 10, 4},
	{"lh t6, -4(s0)", 0xffc41f83, false, 2, true, 31, 4},
	{"lw ra, 2047(sp)", 0x7ff12083, false, 4, true, 1, 4},
	{"ld s11, -2048(sp)", 0x80013d83, false, 8, false, 27, 4},
	{"lbu zero, 1(t0)", 0x0012c003, false, 1, false, 0, 4},
	{"lhu a5, 0(a1)", 0x0005d783, false, 2, false, 15, 4},
	{"lwu ra, 8(gp)", 0x0081e083, false, 4, false, 1, 4},
	{"sb a0, 0(a1)", 0x00a58023, true, 1, false, 10, 4},
	{"sh t6, 4(s0)", 0x01f41223, true, 2, false, 31, 4},
	{"sw t6, -1(sp)", 0xfff12fa3, true, 4, false, 31, 4},
	{"sd s2, 16(sp)", 0x01213823, true, 8, false, 18, 4},
	{"c.lw a0, 4(a1)", 0x41c8, false, 4, true, 10, 2},
	{"c.ld s1, 8(a5)", 0x6784, false, 8, false, 9, 2},
	{"c.sw a5, 0(s0)", 0xc01c, true, 4, false, 15, 2},
	{"c.sd s0, 248(a1)", 0xfde0, true, 8, false, 8, 2},
	{"c.lwsp ra, 12(sp)", 0x40b2, false, 4, true, 1, 2},
	{"c.ldsp t6, 504(sp)", 0x7ffe, false, 8, false, 31, 2},
	{"c.swsp t6, 0(sp)", 0xc07e, true, 4, false, 31, 2},
	{"c.sdsp zero, 8(sp)", 0xe402, true, 8, false, 0, 2},
	/* Only the low half of a compressed instruction matters. */
	{"c.lw a0, 4(a1) + junk", 0xdead41c8, false, 4, true, 10, 2},
};

static const struct {
	const char *text;
	uint32_t insn;
} unsupported[] = {
	{"amoadd.w a0, a1, (a2)", 0x00b6252f},
	{"lr.d a0, (a1)", 0x1005b52f},
	{"sc.w a0, a1, (a2)", 0x18b6252f},
	{"flw fa0, 0(a1)", 0x0005a507},
	{"fld fa0, 0(a1)", 0x0005b507},
	{"fsw fa0, 0(a1)", 0x00a5a027},
	{"fsd fa0, 0(a1)", 0x00a5b027},
	{"addi a0, a0, 1", 0x00150513},
	{"csrrs a0, sstatus, zero", 0x10002573},
	{"load funct3=7 (reserved)", 0x0005f503},
	{"store funct3=4 (reserved)", 0x00a5c023},
	{"c.fld fa0, 8(a1)", 0x2588},
	{"c.fsd fa0, 8(a1)", 0xa588},
	{"c.fldsp fa0, 8(sp)", 0x2522},
	{"c.fsdsp fa0, 8(sp)", 0xa42a},
	{"c.addi a0, 1", 0x0505},
	{"c.nop", 0x0001},
	{"c.addi4spn a0, sp, 16", 0x0808},
	{"c.mv a0, a1", 0x852e},
	{"all zeroes (illegal)", 0x0000},
	{"c.lwsp x0 (reserved)", 0x4032},
	{"c.ldsp x0 (reserved)", 0x6032},
};

static void check_case(const struct decode_case *c, int ret,
		       const struct mmio_insn *got)
{
	if (ret != HV_OK)
		fail_msg("%s (0x%08x): returned %d", c->text, c->insn, ret);
	if (got->is_store != c->is_store || got->width != c->width ||
	    got->sign_extend != c->sign_extend || got->reg != c->reg ||
	    got->length != c->length)
		fail_msg("%s: got store=%d width=%u sext=%d reg=%u len=%u",
			 c->text, got->is_store, got->width, got->sign_extend,
			 got->reg, got->length);
}

static void test_supported_encodings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++) {
		struct mmio_insn got;

		memset(&got, 0xa5, sizeof(got));
		check_case(&supported[i], mmio_decode(supported[i].insn, &got),
			   &got);
	}
}

static void test_unsupported_encodings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]);
	     i++) {
		struct mmio_insn got;
		int ret = mmio_decode(unsupported[i].insn, &got);

		if (ret != HV_ENOTSUP)
			fail_msg("%s (0x%08x): returned %d",
				 unsupported[i].text, unsupported[i].insn, ret);
	}
}

/* Every 16-bit value: only C.LW/C.LD/C.SW/C.SD (quadrant 0) and
 * C.LWSP/C.LDSP/C.SWSP/C.SDSP (quadrant 2, rd != 0 for loads) decode. */
static void test_compressed_sweep(void **state)
{
	unsigned decoded = 0;

	(void)state;
	for (uint32_t v = 0; v <= 0xffff; v++) {
		unsigned quadrant = v & 3, funct3 = v >> 13;
		bool memory_op = funct3 == 2 || funct3 == 3 || funct3 == 6 ||
				 funct3 == 7;
		bool is_store = funct3 >= 6;
		unsigned reg;
		bool expect;
		struct mmio_insn got;
		int ret;

		if (quadrant == 3)
			continue;
		if (quadrant == 0) {
			reg = ((v >> 2) & 7) + 8;
			expect = memory_op;
		} else if (quadrant == 2) {
			reg = is_store ? (v >> 2) & 31 : (v >> 7) & 31;
			expect = memory_op && (is_store || reg != 0);
		} else {
			reg = 0;
			expect = false;
		}
		ret = mmio_decode(v, &got);
		if (!expect) {
			if (ret != HV_ENOTSUP)
				fail_msg("0x%04x: decoded, expected ENOTSUP",
					 v);
			continue;
		}
		decoded++;
		if (ret != HV_OK)
			fail_msg("0x%04x: returned %d", v, ret);
		assert_int_equal(got.is_store, is_store);
		assert_int_equal(got.width, (funct3 & 1) ? 8 : 4);
		assert_int_equal(got.sign_extend, funct3 == 2);
		assert_int_equal(got.reg, reg);
		assert_int_equal(got.length, 2);
	}
	/* 2048 values per quadrant and funct3: 4 ops in quadrant 0, and in
	 * quadrant 2 two stores plus two loads without their 64 rd=x0. */
	assert_int_equal(decoded, 4 * 2048 + 2 * 2048 + 2 * (2048 - 64));
}

/* Every 32-bit major opcode and funct3, with varying other fields. */
static void test_32bit_sweep(void **state)
{
	static const unsigned widths[] = {1, 2, 4, 8, 1, 2, 4};
	uint32_t seed = 1;

	(void)state;
	for (uint32_t opcode = 3; opcode < 128; opcode += 4) {
		for (uint32_t funct3 = 0; funct3 < 8; funct3++) {
			for (unsigned n = 0; n < 64; n++) {
				uint32_t insn, rd, rs2;
				struct mmio_insn got;
				bool is_load = opcode == 0x03 && funct3 != 7;
				bool is_store = opcode == 0x23 && funct3 < 4;
				int ret;

				seed = seed * 1103515245 + 12345;
				insn = (seed & ~0x707fU) | (funct3 << 12) |
				       opcode;
				rd = (insn >> 7) & 31;
				rs2 = (insn >> 20) & 31;
				ret = mmio_decode(insn, &got);
				if (!is_load && !is_store) {
					assert_int_equal(ret, HV_ENOTSUP);
					continue;
				}
				assert_int_equal(ret, HV_OK);
				assert_int_equal(got.is_store, is_store);
				assert_int_equal(got.width, widths[funct3]);
				assert_int_equal(got.sign_extend,
						 is_load && funct3 < 3);
				assert_int_equal(got.reg, is_load ? rd : rs2);
				assert_int_equal(got.length, 4);
			}
		}
	}
}

static const struct decode_case transformed[] = {
	/* lw ra, 2047(sp): immediate zeroed, rs1 = address offset 0. */
	{"htinst lw ra", 0x00002083, false, 4, true, 1, 4},
	/* The same with a non-zero address offset in the rs1 field. */
	{"htinst lw ra, offset 3", 0x0001a083, false, 4, true, 1, 4},
	{"htinst lbu a0", 0x00004503, false, 1, false, 10, 4},
	{"htinst sd s2", 0x01203023, true, 8, false, 18, 4},
	/* Compressed originals: bit 1 clear, registers expanded. */
	{"htinst c.lw a0", 0x00052501, false, 4, true, 10, 2},
	{"htinst c.ld s1", 0x0000b481, false, 8, false, 9, 2},
	{"htinst c.swsp t6", 0x01f02021, true, 4, false, 31, 2},
	{"htinst c.sdsp zero", 0x00003021, true, 8, false, 0, 2},
};

static void test_htinst_transformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(transformed) / sizeof(transformed[0]);
	     i++) {
		struct mmio_insn got;

		memset(&got, 0x5a, sizeof(got));
		check_case(&transformed[i],
			   mmio_decode_htinst(transformed[i].insn, &got), &got);
	}
}

/* A compressed instruction and its transformed form decode to the same
 * access, length 2 included. */
static void test_htinst_matches_compressed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(supported) / sizeof(supported[0]); i++) {
		const struct decode_case *c = &supported[i];
		unsigned funct3 = c->width == 8 ? 3 : 2;
		uint32_t htinst;
		struct mmio_insn direct, via_htinst;

		if (c->length != 2)
			continue;
		if (c->is_store)
			htinst = (c->reg << 20) | (funct3 << 12) | 0x23;
		else
			htinst = (funct3 << 12) | (c->reg << 7) | 0x03;
		htinst &= ~2U;
		assert_int_equal(mmio_decode(c->insn, &direct), HV_OK);
		assert_int_equal(mmio_decode_htinst(htinst, &via_htinst),
				 HV_OK);
		assert_int_equal(direct.is_store, via_htinst.is_store);
		assert_int_equal(direct.width, via_htinst.width);
		assert_int_equal(direct.sign_extend, via_htinst.sign_extend);
		assert_int_equal(direct.reg, via_htinst.reg);
		assert_int_equal(direct.length, via_htinst.length);
	}
}

static void test_htinst_rejected(void **state)
{
	static const uint64_t rejected[] = {
		0, /* no information */
		0x00002000,
		0x00003000, /* implicit VS-stage PT reads */
		0x00002020,
		0x00003020,	/* implicit VS-stage PT writes */
		0x100002083ULL, /* upper half must be zero */
		0x00b0252f,	/* amoadd.w */
		0x1000352f,	/* lr.d */
		0x00002507,
		0x00003505, /* flw, c.fld (transformed) */
		0x00a02027, /* fsw */
		0x00007003, /* load funct3=7 */
		0x00004023, /* store funct3=4 */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		struct mmio_insn got;

		if (mmio_decode_htinst(rejected[i], &got) != HV_ENOTSUP)
			fail_msg("htinst 0x%llx decoded",
				 (unsigned long long)rejected[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_supported_encodings),
		cmocka_unit_test(test_unsupported_encodings),
		cmocka_unit_test(test_compressed_sweep),
		cmocka_unit_test(test_32bit_sweep),
		cmocka_unit_test(test_htinst_transformed),
		cmocka_unit_test(test_htinst_matches_compressed),
		cmocka_unit_test(test_htinst_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
