// SPDX-License-Identifier: MIT
/*
 * Guest RAM accesses the hypervisor performs for the guest
 * (hv/exit/ram_access.c): decoding of every form it emulates, and what it
 * refuses, from raw instructions and from htinst; the AMOs' arithmetic
 * (signed and unsigned, words and doublewords) and its bounds. Encodings
 * are the ISA's; the vCPU is a fake-arch one that never runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/ram_access.h>
#include <hv/vdev.h>
#include "fake_machine.h"

#define RAM GUEST_RAM_BASE
#define DATA (RAM + 0x3000)

/* The UART's output goes nowhere here. */
void console_vm_putc(struct vm *target, uint8_t byte)
{
	(void)target;
	(void)byte;
}

static struct vm *vm;
static struct vcpu *v0;
static uint8_t *ram;

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, 1000);
	vm = fake_vm_create("a", 1, 0);
	ram = fake_vm_add_ram(vm, 2UL << 20);
	vdev_init(vm);
	v0 = &vm->vcpus[0];
	return 0;
}

static uint32_t amo(unsigned funct5, unsigned funct3, unsigned rd, unsigned rs2,
		    unsigned rs1)
{
	return funct5 << 27 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 |
	       0x2f;
}

static void check_decode(uint32_t insn, enum ram_access_op op, unsigned width,
			 unsigned rd, unsigned rs2, unsigned length)
{
	struct ram_access a;

	if (ram_access_decode(insn, &a) != HV_OK)
		fail_msg("%#x not decoded", insn);
	assert_int_equal(a.op, op);
	assert_int_equal(a.width, width);
	assert_int_equal(a.rd, rd);
	assert_int_equal(a.rs2, rs2);
	assert_int_equal(a.length, length);
}

static void test_decode(void **state)
{
	struct ram_access a;

	(void)state;
	/* Integer forms come from the MMIO decoder: lh a0; sd a1; c.lw. */
	check_decode(0x00011503U, RAM_ACCESS_LOAD, 2, 10, 0, 4);
	assert_int_equal(ram_access_decode(0x00011503U, &a), HV_OK);
	assert_true(a.sign_extend);
	check_decode(0x00b13023U, RAM_ACCESS_STORE, 8, 0, 11, 4);
	check_decode(0x4188U, RAM_ACCESS_LOAD, 4, 10, 0, 2); /* c.lw a0,0(a1) */
	/* FP: flw f3, fld f31, fsw f4, fsd f2 */
	check_decode(0x0005a187U, RAM_ACCESS_FP_LOAD, 4, 3, 0, 4);
	check_decode(0x0005bf87U, RAM_ACCESS_FP_LOAD, 8, 31, 0, 4);
	check_decode(0x0045a027U, RAM_ACCESS_FP_STORE, 4, 0, 4, 4);
	check_decode(0x0025b427U, RAM_ACCESS_FP_STORE, 8, 0, 2, 4);
	/* c.fld f9, 0(a0); c.fsd f10, 0(a1); c.fldsp f20; c.fsdsp f21 */
	check_decode(0x2104U, RAM_ACCESS_FP_LOAD, 8, 9, 0, 2);
	check_decode(0xa188U, RAM_ACCESS_FP_STORE, 8, 0, 10, 2);
	check_decode(0x2a02U, RAM_ACCESS_FP_LOAD, 8, 20, 0, 2);
	check_decode(0xa056U, RAM_ACCESS_FP_STORE, 8, 0, 21, 2);
	/* A: lr.w, sc.d, every AMO on words and doublewords */
	check_decode(amo(2, 2, 5, 0, 10), RAM_ACCESS_LR, 4, 5, 0, 4);
	check_decode(amo(3, 3, 6, 7, 10), RAM_ACCESS_SC, 8, 6, 7, 4);
	static const unsigned amos[] = {0x00, 0x01, 0x04, 0x08, 0x0c,
					0x10, 0x14, 0x18, 0x1c};
	for (unsigned i = 0; i < ARRAY_SIZE(amos); i++) {
		check_decode(amo(amos[i], 2, 1, 2, 3), RAM_ACCESS_AMO, 4, 1, 2,
			     4);
		check_decode(amo(amos[i], 3, 1, 2, 3), RAM_ACCESS_AMO, 8, 1, 2,
			     4);
		assert_int_equal(
			ram_access_decode(amo(amos[i], 3, 1, 2, 3), &a), HV_OK);
		assert_int_equal(a.amo, amos[i]);
		assert_true(ram_access_reads(&a) && ram_access_writes(&a));
	}
	check_decode(amo(2, 3, 5, 0, 10), RAM_ACCESS_LR, 8, 5, 0, 4);
	assert_int_equal(ram_access_decode(amo(2, 3, 5, 0, 10), &a), HV_OK);
	assert_true(ram_access_reads(&a) && !ram_access_writes(&a));
	assert_int_equal(ram_access_decode(amo(3, 3, 5, 0, 10), &a), HV_OK);
	assert_true(!ram_access_reads(&a) && ram_access_writes(&a));
}

static void test_decode_refuses(void **state)
{
	static const uint32_t refused[] = {
		0x00059187U,		   /* flh: half precision */
		0x02058007U,		   /* vle8.v: vector */
		0x02050027U,		   /* vse8.v */
		0x0000a02fU | 5U << 27,	   /* amocas.w (Zacas) */
		0x0000002fU,		   /* amoadd.b (Zabha) */
		0x0000402fU,		   /* funct3 4 */
		0x1005202fU | 1U << 20,	   /* lr.w with rs2 != 0 */
		0x0000a02fU | 0x1eU << 27, /* unknown funct5 */
		0x00000013U,		   /* addi */
		0x0001U,		   /* c.nop: quadrant 1 */
		0x6104U & 0x1fffU,	   /* quadrant 0 funct3 0: c.addi4spn */
		0x00000000U,		   /* illegal */
	};
	struct ram_access a;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(refused); i++)
		if (ram_access_decode(refused[i], &a) != HV_ENOTSUP)
			fail_msg("%#x decoded", refused[i]);
}

/* htinst: the transformed form (rs1 and offset zeroed), bit 1 clear for
 * a compressed original; pseudo-instructions and junk are refused. */
static void test_decode_htinst(void **state)
{
	struct ram_access a;

	(void)state;
	assert_int_equal(ram_access_decode_htinst(0x00003f87U & ~2U, &a),
			 HV_OK); /* fld f31 from a c.fldsp */
	assert_int_equal(a.op, RAM_ACCESS_FP_LOAD);
	assert_int_equal(a.length, 2);
	assert_int_equal(a.rd, 31);
	assert_int_equal(ram_access_decode_htinst(amo(0, 3, 1, 2, 0), &a),
			 HV_OK);
	assert_int_equal(a.op, RAM_ACCESS_AMO);
	assert_int_equal(a.length, 4);
	assert_int_equal(ram_access_decode_htinst(0x3000, &a), HV_ENOTSUP);
	assert_int_equal(ram_access_decode_htinst(0, &a), HV_ENOTSUP);
	assert_int_equal(ram_access_decode_htinst(1ULL << 32 | 0x3003, &a),
			 HV_ENOTSUP);
}

static void poke64(uint64_t gpa, uint64_t value)
{
	memcpy(ram + (gpa - RAM), &value, 8);
}

static uint64_t peek64(uint64_t gpa)
{
	uint64_t value;

	memcpy(&value, ram + (gpa - RAM), 8);
	return value;
}

/* AMO op on (old, src): the value rd gets and what memory holds. */
static void check_amo(unsigned funct5, unsigned width, uint64_t old,
		      uint64_t src, uint64_t want_rd, uint64_t want_mem)
{
	struct ram_access a;

	assert_int_equal(
		ram_access_decode(amo(funct5, width == 8 ? 3 : 2, 5, 6, 7), &a),
		HV_OK);
	poke64(DATA, old);
	v0->arch.gpr[6] = src;
	v0->arch.sepc = 0x80000100;
	assert_int_equal(ram_access_emulate(v0, gpa(DATA), &a), HV_OK);
	assert_int_equal(v0->arch.sepc, 0x80000104);
	if (v0->arch.gpr[5] != want_rd || peek64(DATA) != want_mem)
		fail_msg("amo %#x.%u (%#lx, %#lx): rd %#lx mem %#lx", funct5,
			 width, (unsigned long)old, (unsigned long)src,
			 (unsigned long)v0->arch.gpr[5],
			 (unsigned long)peek64(DATA));
}

static void test_amo_arithmetic(void **state)
{
	const uint64_t hi = 0xaaaaaaaa00000000ULL; /* a .w leaves it */

	(void)state;
	check_amo(0x00, 8, 5, 7, 5, 12);		       /* add */
	check_amo(0x00, 4, hi | 0xffffffff, 2, ~0ULL, hi | 1); /* add.w */
	check_amo(0x01, 4, hi | 0x80000000, 9, 0xffffffff80000000ULL, hi | 9);
	check_amo(0x04, 8, 0xf0, 0xff, 0xf0, 0x0f); /* xor */
	check_amo(0x08, 8, 0xf0, 0x0f, 0xf0, 0xff); /* or */
	check_amo(0x0c, 8, 0xf0, 0x3c, 0xf0, 0x30); /* and */
	check_amo(0x10, 8, (uint64_t)-3, 2, (uint64_t)-3,
		  (uint64_t)-3);			      /* min */
	check_amo(0x14, 8, (uint64_t)-3, 2, (uint64_t)-3, 2); /* max */
	check_amo(0x18, 8, (uint64_t)-3, 2, (uint64_t)-3, 2); /* minu */
	check_amo(0x1c, 8, (uint64_t)-3, 2, (uint64_t)-3, (uint64_t)-3);
	/* Words compare as signed 32-bit values. */
	check_amo(0x10, 4, hi | 0x80000000, 1, 0xffffffff80000000ULL,
		  hi | 0x80000000);
	check_amo(0x14, 4, hi | 0x80000000, 1, 0xffffffff80000000ULL, hi | 1);
	check_amo(0x18, 4, hi | 0x80000000, 1, 0xffffffff80000000ULL, hi | 1);
	check_amo(0x1c, 4, hi | 0x80000000, 1, 0xffffffff80000000ULL,
		  hi | 0x80000000);
}

static void test_emulate_bounds(void **state)
{
	struct ram_access a;

	(void)state;
	v0->arch.sepc = 0x80000100;
	/* A misaligned AMO, an access leaving its page, one that is not
	 * RAM: refused, nothing done. */
	assert_int_equal(ram_access_decode(amo(0, 3, 5, 6, 7), &a), HV_OK);
	assert_int_equal(ram_access_emulate(v0, gpa(DATA + 4), &a), HV_EFAULT);
	assert_int_equal(ram_access_decode(0x00b13023U, &a), HV_OK); /* sd */
	assert_int_equal(ram_access_emulate(v0, gpa(DATA + 0xffc), &a),
			 HV_EFAULT);
	assert_int_equal(ram_access_emulate(v0, gpa(GUEST_UART_BASE), &a),
			 HV_EFAULT);
	assert_int_equal(ram_access_emulate(v0, gpa(0x1000), &a), HV_EFAULT);
	/* LR and SC are never performed. */
	assert_int_equal(ram_access_decode(amo(2, 3, 5, 0, 7), &a), HV_OK);
	assert_int_equal(ram_access_emulate(v0, gpa(DATA), &a), HV_ENOTSUP);
	assert_int_equal(v0->arch.sepc, 0x80000100);

	/* A misaligned plain load inside the page (where the hart allows
	 * it) is copied bytewise. */
	poke64(DATA + 8, 0x1122334455667788ULL);
	assert_int_equal(ram_access_decode(0x0005b503U, &a), HV_OK); /* ld */
	assert_int_equal(ram_access_emulate(v0, gpa(DATA + 9), &a), HV_OK);
	assert_int_equal(v0->arch.gpr[10], 0x0011223344556677ULL);
	assert_int_equal(v0->arch.sepc, 0x80000104);
}

/* From the trap: htinst's pseudo-instruction is a page-table walk; with
 * no htinst, the instruction by hlvx or from RAM, or none. */
static void test_from_trap(void **state)
{
	struct ram_access a;

	(void)state;
	v0->arch.htinst = 0x3000;
	assert_int_equal(ram_access_from_trap(v0, gpa(DATA), &a), HV_ENOENT);
	v0->arch.htinst = 0x00003003U; /* ld x0: transformed */
	assert_int_equal(ram_access_from_trap(v0, gpa(DATA), &a), HV_OK);
	assert_int_equal(a.op, RAM_ACCESS_LOAD);
	v0->arch.htinst = 0;
	v0->arch.stval = DATA; /* vsatp Bare: the address itself */
	/* hlvx faults (QEMU 7.2 on an execute-only page): the instruction
	 * is read from guest RAM instead, unless it is not in RAM either. */
	fake_guest_insn = 0;
	uint64_t pc = v0->arch.sepc;

	poke64(DATA + 0x100, 0x00b13023U); /* sd a1, 0(sp) */
	v0->arch.sepc = DATA + 0x100;
	assert_int_equal(ram_access_from_trap(v0, gpa(DATA), &a), HV_OK);
	assert_int_equal(a.op, RAM_ACCESS_STORE);
	v0->arch.sepc = 0x1000;
	assert_int_equal(ram_access_from_trap(v0, gpa(DATA), &a), HV_EFAULT);
	v0->arch.sepc = pc;
	fake_guest_insn = 0x00b13023U;
	assert_int_equal(ram_access_from_trap(v0, gpa(DATA), &a), HV_OK);
	assert_int_equal(a.op, RAM_ACCESS_STORE);
	assert_int_equal(ram_access_from_trap(v0, gpa(DATA + 8), &a),
			 HV_ENOENT);
}

/* Where an access begins: base register and offset, 32-bit and
 * compressed (encodings from the GNU assembler). */
static void test_address_operands(void **state)
{
	static const struct {
		uint32_t insn;
		unsigned rs1;
		int64_t offset;
	} cases[] = {
		{0xff84b503U, 9, -8},	 /* ld a0, -8(s1) */
		{0x7e562e23U, 12, 2044}, /* sw t0, 2044(a2) */
		{0x80b13023U, 2, -2048}, /* sd a1, -2048(sp) */
		{0x00c6a507U, 13, 12},	 /* flw fa0, 12(a3) */
		{0xfe843827U, 8, -16},	 /* fsd fs0, -16(s0) */
		{0x5de8, 11, 124},	 /* c.lw a0, 124(a1) */
		{0x7cf0, 9, 248},	 /* c.ld a2, 248(s1) */
		{0xc334, 14, 64},	 /* c.sw a3, 64(a4) */
		{0xe41c, 8, 8},		 /* c.sd a5, 8(s0) */
		{0x557e, 2, 252},	 /* c.lwsp a0, 252(sp) */
		{0x75fe, 2, 504},	 /* c.ldsp a1, 504(sp) */
		{0xdfb2, 2, 252},	 /* c.swsp a2, 252(sp) */
		{0xffb6, 2, 504},	 /* c.sdsp a3, 504(sp) */
		{0x3de8, 11, 248},	 /* c.fld fa0, 248(a1) */
		{0xbfa6, 2, 504},	 /* c.fsdsp fs1, 504(sp) */
		{0x25a2, 2, 8},		 /* c.fldsp fa1, 8(sp) */
		{0x00b6252fU, 12, 0},	 /* amoadd.w a0, a1, (a2) */
	};
	unsigned rs1;
	int64_t offset;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		rs1 = 99;
		offset = 99;
		assert_int_equal(ram_access_address_operands(cases[i].insn,
							     &rs1, &offset),
				 HV_OK);
		if (rs1 != cases[i].rs1 || offset != cases[i].offset)
			fail_msg("%#x: x%u%+lld, expected x%u%+lld",
				 cases[i].insn, rs1, (long long)offset,
				 cases[i].rs1, (long long)cases[i].offset);
	}
	assert_int_equal(
		ram_access_address_operands(0x00000013U, &rs1, &offset),
		HV_ENOTSUP); /* addi: no access */
}

/*
 * A misaligned access that crosses into the faulting page reports only
 * its part there (stval, htval at the page's start). Emulated at that
 * address with its full width, it would write bytes the guest never
 * named: it must be refused, so that the caller steps it instead.
 */
static void test_access_from_the_page_before_is_refused(void **state)
{
	struct ram_access a;
	const uint64_t page = DATA + 0x1000;

	(void)state;
	poke64(page, 0x1111111111111111ULL);
	/* htinst says it: Addr. Offset (rs1's field) 3. */
	v0->arch.htinst = 0x00003023U | 3U << 15 | 11U << 20; /* sd a1 */
	assert_int_equal(ram_access_from_trap(v0, gpa(page), &a), HV_OK);
	assert_int_equal(a.starts_before, 3);
	v0->arch.gpr[11] = 0xaaaaaaaaaaaaaaaaULL;
	assert_int_equal(ram_access_emulate(v0, gpa(page), &a), HV_EFAULT);
	assert_int_equal(peek64(page), 0x1111111111111111ULL);
	/* No htinst: the instruction's base and offset tell it. */
	v0->arch.htinst = 0;
	v0->arch.stval = page;	       /* vsatp Bare */
	fake_guest_insn = 0x80b13023U; /* sd a1, -2048(sp) */
	v0->arch.gpr[2] = page - 3 + 2048;
	assert_int_equal(ram_access_from_trap(v0, gpa(page), &a), HV_OK);
	assert_int_equal(a.starts_before, 3);
	assert_int_equal(ram_access_emulate(v0, gpa(page), &a), HV_EFAULT);
	assert_int_equal(peek64(page), 0x1111111111111111ULL);
	/* The same instruction aligned at the page's start is emulated. */
	v0->arch.gpr[2] = page + 2048;
	assert_int_equal(ram_access_from_trap(v0, gpa(page), &a), HV_OK);
	assert_int_equal(a.starts_before, 0);
	assert_int_equal(ram_access_emulate(v0, gpa(page), &a), HV_OK);
	assert_int_equal(peek64(page), 0xaaaaaaaaaaaaaaaaULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_decode, setup),
		cmocka_unit_test_setup(test_decode_refuses, setup),
		cmocka_unit_test_setup(test_decode_htinst, setup),
		cmocka_unit_test_setup(test_amo_arithmetic, setup),
		cmocka_unit_test_setup(test_emulate_bounds, setup),
		cmocka_unit_test_setup(test_from_trap, setup),
		cmocka_unit_test_setup(test_address_operands, setup),
		cmocka_unit_test_setup(
			test_access_from_the_page_before_is_refused, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
