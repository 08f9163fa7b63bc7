// SPDX-License-Identifier: MIT
/* Next-pc decoding for software single-step (gdbstub/step_decode.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "gdbstub/step.h"

#define PC 0x80001000ULL

static unsigned next(uint32_t insn, const struct step_regs *r, uint64_t *pc,
		     bool *lr)
{
	uint64_t out[2] = {0, 0};
	bool is_lr = false;
	unsigned n = step_next_pcs(insn, PC, r, out, &is_lr);

	*pc = out[0];
	if (lr)
		*lr = is_lr;
	return n;
}

static void test_plain_instructions_fall_through(void **state)
{
	struct step_regs r = {0};
	uint64_t pc;
	bool lr;

	(void)state;
	assert_int_equal(next(0x00a50533, &r, &pc, &lr), 1); /* add a0,a0,a0 */
	assert_int_equal(pc, PC + 4);
	assert_false(lr);
	assert_int_equal(next(0x0505, &r, &pc, NULL), 1); /* c.addi a0,1 */
	assert_int_equal(pc, PC + 2);
	assert_int_equal(next(0x00000073, &r, &pc, NULL), 1); /* ecall */
	assert_int_equal(pc, PC + 4);
}

static void test_branches_follow_the_registers(void **state)
{
	struct step_regs r = {0};
	uint64_t pc;

	(void)state;
	/* beq a0, a1, +16  (0x00b50863) */
	r.gpr[10] = 5;
	r.gpr[11] = 5;
	next(0x00b50863, &r, &pc, NULL);
	assert_int_equal(pc, PC + 16);
	r.gpr[11] = 6;
	next(0x00b50863, &r, &pc, NULL);
	assert_int_equal(pc, PC + 4);
	/* blt a0, a1, -8 (0xfeb54ce3): signed compare */
	r.gpr[10] = (uint64_t)-1;
	r.gpr[11] = 1;
	next(0xfeb54ce3, &r, &pc, NULL);
	assert_int_equal(pc, PC - 8);
	/* bltu a0, a1, -8 (0xfeb56ce3): unsigned, -1 is huge */
	next(0xfeb56ce3, &r, &pc, NULL);
	assert_int_equal(pc, PC + 4);
	/* c.beqz a0, +8 (0xc501) and c.bnez a0, +8 (0xe501) */
	r.gpr[10] = 0;
	next(0xc501, &r, &pc, NULL);
	assert_int_equal(pc, PC + 8);
	next(0xe501, &r, &pc, NULL);
	assert_int_equal(pc, PC + 2);
}

static void test_jumps(void **state)
{
	struct step_regs r = {0};
	uint64_t pc;

	(void)state;
	next(0x0100006f, &r, &pc, NULL); /* jal x0, +16 */
	assert_int_equal(pc, PC + 16);
	next(0xff1ff0ef, &r, &pc, NULL); /* jal ra, -16 */
	assert_int_equal(pc, PC - 16);
	r.gpr[1] = 0x80002001; /* jalr x0, 4(ra): low bit cleared */
	next(0x00408067, &r, &pc, NULL);
	assert_int_equal(pc, 0x80002004);
	next(0xa801, &r, &pc, NULL); /* c.j +16 */
	assert_int_equal(pc, PC + 16);
	next(0x8082, &r, &pc, NULL); /* c.jr ra (ret) */
	assert_int_equal(pc, 0x80002000);
	r.gpr[15] = 0x90000000;
	next(0x9782, &r, &pc, NULL); /* c.jalr a5 */
	assert_int_equal(pc, 0x90000000);
	next(0x9002, &r, &pc, NULL); /* c.ebreak falls through */
	assert_int_equal(pc, PC + 2);
}

static void test_sret_goes_to_sepc(void **state)
{
	struct step_regs r = {.sepc = 0x80400000};
	uint64_t pc;

	(void)state;
	next(0x10200073, &r, &pc, NULL);
	assert_int_equal(pc, 0x80400000);
}

static void test_lr_sc_are_recognized(void **state)
{
	struct step_regs r = {0};
	uint64_t pc, target;
	bool lr;

	(void)state;
	next(0x100536af, &r, &pc, &lr); /* lr.d a3, (a0) */
	assert_true(lr);
	next(0x1005262f, &r, &pc, &lr); /* lr.w a2, (a0) */
	assert_true(lr);
	assert_true(step_is_sc(0x18e5372f));  /* sc.d a4, a4, (a0) */
	assert_false(step_is_sc(0x100536af)); /* lr.d is not */
	/* bne inside a sequence: its taken target whatever the registers */
	assert_true(step_branch_target(0x00b51463, PC, &target));
	assert_int_equal(target, PC + 8);
	assert_true(step_branch_target(0xe501, PC, &target)); /* c.bnez */
	assert_int_equal(target, PC + 8);
	assert_false(step_branch_target(0x00a50533, PC, &target));
	assert_false(step_branch_target(0x0505, PC, &target));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_instructions_fall_through),
		cmocka_unit_test(test_branches_follow_the_registers),
		cmocka_unit_test(test_jumps),
		cmocka_unit_test(test_sret_goes_to_sepc),
		cmocka_unit_test(test_lr_sc_are_recognized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
