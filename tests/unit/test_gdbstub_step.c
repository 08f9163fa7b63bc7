// SPDX-License-Identifier: MIT
/*
 * Single-stepping (gdbstub/step.c, run.c's resume with GDB_RESUME_STEP):
 * temporary breakpoints at the decoded next pc of instructions in guest
 * RAM (addi, beq taken and not, jal, an lr.d ... sc.d loop stepped as a
 * whole), the guest running into them (GDB_STOP_STEP), another vCPU that
 * runs into the stepping thread's breakpoint (held, unreported), and
 * what stays of the temporary breakpoints once gdb moves on.
 */
#include "test_gdbstub_fixture.h"

#define S GDB_RESUME_STEP
#define C GDB_RESUME_CONTINUE
#define N GDB_RESUME_NONE
#define L GT_CODE /* the lr/sc loop */

static int setup(void **state)
{
	gt_setup(state);
	gt_attach();
	return 0;
}

static void set_pc(unsigned thread, uint64_t pc)
{
	assert_int_equal(GT_OPS->write_reg(GT_CTX, thread, GDB_REG_PC, pc),
			 HV_OK);
}

/* Step thread 1 (alone) and let it run to the stop. */
static void step_thread_1(uint64_t expect_pc)
{
	unsigned stops = gt_stops;

	assert_int_equal(gt_resume(S, N, N), HV_OK);
	assert_int_equal(gdb_target.step_thread, 1);
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_stops, stops + 1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_STEP);
	assert_int_equal(gt_last_stop.thread, 1);
	assert_int_equal(gt_v0->arch.sepc, expect_pc);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
}

static void test_step_addi_then_continue(void **state)
{
	(void)state;
	const uint32_t program[] = {gt_addi(A0, A0, 5), gt_addi(A0, A0, 7),
				    GT_ECALL, gt_jal(0, -4)};
	uint32_t seen;

	assert_int_equal(program[0], 0x00550513); /* addi a0, a0, 5 */
	gt_program(GT_CODE, program, ARRAY_SIZE(program));
	set_pc(1, GT_CODE);
	gt_v0->arch.gpr[A0] = 0;
	assert_int_equal(gt_resume(S, N, N), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE + 4), GT_EBREAK);
	assert_int_equal(gdb_target.num_bps, 1);
	assert_true(gdb_target.bps[0].temporary);
	assert_true(gt_v0->arch.trap_breakpoints);
	assert_true(gt_v1->parked); /* only the stepping thread runs */
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_STEP);
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 4);
	assert_int_equal(gt_v0->arch.gpr[A0], 5);
	/* Still planted while stopped, and hidden from gdb. */
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, GT_CODE + 4, &seen, 4),
			 HV_OK);
	assert_int_equal(seen, program[1]);

	step_thread_1(GT_CODE + 8);
	assert_int_equal(gt_v0->arch.gpr[A0], 12);
	assert_int_equal(gt_peek32(GT_CODE + 4), program[1]); /* the last */
	assert_int_equal(gt_peek32(GT_CODE + 8), GT_EBREAK);  /* one's gone */

	assert_int_equal(gt_resume(C, C, C), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE + 8), GT_ECALL);
	assert_int_equal(gdb_target.num_bps, 0);
	assert_int_equal(gdb_target.step_thread, 0);
	assert_false(gt_v0->arch.trap_breakpoints);
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 12);
}

/* While the stub steps a vCPU it takes no virtual interrupt (they stay
 * pending); the others, and the vCPU once the step is over, take them. */
static void test_step_masks_interrupts(void **state)
{
	(void)state;
	const uint32_t program[] = {gt_addi(A0, A0, 5), gt_addi(A0, A0, 7),
				    GT_ECALL, gt_jal(0, -4)};

	gt_program(GT_CODE, program, ARRAY_SIZE(program));
	set_pc(1, GT_CODE);
	gt_v0->arch.virq_injected = VIRQ_SOFT; /* an IPI is pending */
	assert_int_equal(gt_resume(S, N, N), HV_OK);
	assert_true(gt_v0->arch.mask_interrupts);
	assert_false(gt_v1->arch.mask_interrupts);
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_STEP);
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 4);
	assert_int_equal(gt_v0->arch.virq_injected, VIRQ_SOFT); /* kept */
	assert_int_equal(gt_resume(C, C, C), HV_OK);
	assert_false(gt_v0->arch.mask_interrupts);
}

static void test_step_branches_and_jumps(void **state)
{
	(void)state;
	const uint32_t program[] = {
		gt_beq(A0, A1, 12), /* 0: to 12 */
		gt_addi(A2, A2, 1), /* 4: not taken */
		GT_ECALL,	    /* 8 */
		gt_jal(1, 0x20),    /* 12: taken; jal ra, to 44 */
	};

	assert_int_equal(program[0], 0x00b50663); /* beq a0, a1, 12 */
	assert_int_equal(program[3], 0x020000ef); /* jal ra, 32 */
	gt_program(GT_CODE, program, ARRAY_SIZE(program));
	gt_poke32(GT_CODE + 44, GT_ECALL);

	set_pc(1, GT_CODE); /* taken */
	gt_v0->arch.gpr[A0] = 3;
	gt_v0->arch.gpr[A1] = 3;
	assert_int_equal(gt_resume(S, N, N), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE + 12), GT_EBREAK);
	assert_int_equal(gt_peek32(GT_CODE + 4), program[1]);
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_STEP);
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 12);

	step_thread_1(GT_CODE + 44); /* the jal */
	assert_int_equal(gt_v0->arch.gpr[1], GT_CODE + 16);

	set_pc(1, GT_CODE); /* not taken */
	gt_v0->arch.gpr[A1] = 4;
	step_thread_1(GT_CODE + 4);
	assert_int_equal(gt_peek32(GT_CODE + 12), program[3]);
	step_thread_1(GT_CODE + 8);
	assert_int_equal(gt_v0->arch.gpr[A2], 1);
}

/* lr.d; bne (the usual exit when the value differs); sc.d; retry. */
static void lr_sc_loop(uint64_t expected, uint64_t memory)
{
	const uint32_t program[] = {
		gt_lr_d(T0, A0),     /* L: */
		gt_bne(T0, A1, 20),  /* L+4: to L+24 */
		gt_sc_d(T1, A2, A0), /* L+8 */
		gt_bne(T1, 0, -12),  /* L+12: retry at L */
		GT_ECALL,	     /* L+16: done */
		gt_jal(0, -4),
		GT_ECALL, /* L+24: it differed */
		gt_jal(0, -4),
	};
	uint64_t value;

	assert_int_equal(program[0], 0x100532af); /* lr.d t0, (a0) */
	assert_int_equal(program[2], 0x18c5332f); /* sc.d t1, a2, (a0) */
	gt_program(L, program, ARRAY_SIZE(program));
	memcpy(gt_ram + (GT_DATA - GUEST_RAM_BASE), &memory, 8);
	set_pc(1, L);
	gt_v0->arch.gpr[A0] = GT_DATA;
	gt_v0->arch.gpr[A1] = expected;
	gt_v0->arch.gpr[A2] = 0x600d;
	gt_v0->arch.gpr[T1] = 7;
	assert_int_equal(gt_resume(S, N, N), HV_OK);
	/* After the sc, and where the bne leaves: nothing in between. */
	assert_int_equal(gdb_target.num_bps, 2);
	assert_int_equal(gt_peek32(L + 12), GT_EBREAK);
	assert_int_equal(gt_peek32(L + 24), GT_EBREAK);
	for (unsigned off = 0; off < 12; off += 4)
		assert_int_equal(gt_peek32(L + off), program[off / 4]);
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_STEP);
	memcpy(&value, gt_ram + (GT_DATA - GUEST_RAM_BASE), 8);
	assert_int_equal(value, expected == memory ? 0x600d : memory);
}

static void test_step_over_lr_sc(void **state)
{
	(void)state;
	lr_sc_loop(41, 41);
	assert_int_equal(gt_v0->arch.sepc, L + 12);
	assert_int_equal(gt_v0->arch.gpr[T1], 0); /* the sc succeeded */
	lr_sc_loop(41, 42);
	assert_int_equal(gt_v0->arch.sepc, L + 24);
	assert_int_equal(gt_v0->arch.gpr[T0], 42);
	assert_int_equal(gt_v0->arch.gpr[T1], 7); /* no sc ran */
}

/* gdb sets a breakpoint where a step's temporary one is still planted
 * (the bne's exit, after a stop at the sc): it stays when the temporary
 * ones go. */
static void test_breakpoint_on_a_leftover_step_breakpoint(void **state)
{
	(void)state;
	lr_sc_loop(41, 41);
	assert_int_equal(
		GT_OPS->insert_break(GT_CTX, GDB_BREAK_SOFTWARE, L + 24, 4),
		HV_OK);
	bool temporary = true;

	assert_int_equal(gdb_target.num_bps, 3);
	assert_true(gdb_break_at(gpa(L + 24), &temporary));
	assert_false(temporary); /* another vCPU there would be reported */
	assert_int_equal(gt_resume(C, C, C), HV_OK);
	assert_int_equal(gdb_target.num_bps, 1);
	assert_int_equal(gt_peek32(L + 12), gt_bne(T1, 0, -12));
	assert_int_equal(gt_peek32(L + 24), GT_EBREAK);
	assert_true(gt_v0->arch.trap_breakpoints);
	/* The guest runs into it: gdb's breakpoint, not a step. */
	GT_OPS->interrupt(GT_CTX);
	set_pc(1, L + 24);
	assert_int_equal(gt_resume(C, C, C), HV_OK);
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_BREAKPOINT);
}

/* An lr with no sc in reach is stepped as a plain instruction. */
static void test_step_lr_without_sc(void **state)
{
	(void)state;
	gt_poke32(GT_CODE, gt_lr_d(T0, A0));
	for (unsigned i = 1; i <= 16; i++)
		gt_poke32(GT_CODE + 4 * i, gt_addi(A1, A1, 1));
	set_pc(1, GT_CODE);
	gt_v0->arch.gpr[A0] = GT_DATA;
	step_thread_1(GT_CODE + 4);
	assert_int_equal(gdb_target.num_bps, 1);
}

/* v1, continued, runs into v0's step breakpoint first: it is held there,
 * unreported, and runs the real instruction once the step is over. */
static void test_other_vcpu_held_at_the_step_breakpoint(void **state)
{
	(void)state;
	const uint32_t program[] = {gt_addi(A0, A0, 1), gt_addi(A0, A0, 1),
				    GT_ECALL, gt_jal(0, -4)};

	gt_program(GT_CODE, program, ARRAY_SIZE(program));
	set_pc(1, GT_CODE);
	set_pc(2, GT_CODE);
	gt_v0->arch.gpr[A0] = 0;
	gt_v1->arch.gpr[A0] = 10;
	assert_int_equal(gt_resume(S, C, C), HV_OK);
	assert_false(vm_is_paused(gt_vm));
	gt_run_guest(1, gt_v1);
	assert_true(gt_v1->parked);
	assert_int_equal(gt_v1->arch.sepc, GT_CODE + 4);
	assert_int_equal(gt_v1->arch.gpr[A0], 11);
	assert_int_equal(gt_stops, 0);
	assert_false(gdb_target.stop_pending);
	assert_int_equal(gdb_target.state, GDB_RUNNING);
	assert_null(fake_step(1));

	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_STEP);
	assert_int_equal(gt_last_stop.thread, 1);
	assert_true(gt_stop_when_quiescent);

	assert_int_equal(gt_resume(C, C, C), HV_OK);
	gt_run_guest(1, gt_v1);
	assert_int_equal(gt_v1->arch.gpr[A0], 12);
	assert_int_equal(gt_v1->arch.sepc, GT_CODE + 12);
	assert_int_equal(gt_stops, 1);
}

/* gdb goes away while a vCPU is held at a step breakpoint: detaching
 * lets it go too. */
static void test_detach_releases_a_held_vcpu(void **state)
{
	(void)state;
	gt_poke32(GT_CODE, gt_addi(A0, A0, 1));
	gt_poke32(GT_CODE + 4, GT_ECALL);
	set_pc(1, GT_CODE);
	set_pc(2, GT_CODE);
	assert_int_equal(gt_resume(S, C, C), HV_OK);
	gt_run_guest(1, gt_v1);
	assert_true(gt_v1->parked);
	GT_OPS->detach(GT_CTX);
	assert_int_equal(gt_peek32(GT_CODE + 4), GT_ECALL);
	assert_false(gt_v1->parked);
	gt_run_guest(1, gt_v1);
	assert_int_equal(gt_v1->arch.sepc, GT_CODE + 8);
}

/* The next instruction is compressed: the breakpoint is a c.ebreak, so
 * the instruction after it, which v1 runs meanwhile, stays whole. */
static void test_step_onto_a_compressed_instruction(void **state)
{
	(void)state;
	gt_poke32(GT_CODE, gt_addi(A0, A0, 1));
	gt_poke16(GT_CODE + 4, 0x0505); /* c.addi a0, 1 */
	gt_poke16(GT_CODE + 6, 0x0585); /* c.addi a1, 1 */
	gt_poke32(GT_CODE + 8, GT_ECALL);
	set_pc(1, GT_CODE);
	set_pc(2, GT_CODE + 6);
	gt_v1->arch.gpr[A1] = 20;
	assert_int_equal(gt_resume(S, C, C), HV_OK);
	assert_int_equal(gt_peek16(GT_CODE + 4), GT_C_EBREAK);
	assert_int_equal(gt_peek16(GT_CODE + 6), 0x0585);
	gt_run_guest(1, gt_v1);
	assert_int_equal(gt_v1->arch.gpr[A1], 21);
	assert_int_equal(gt_v1->arch.sepc, GT_CODE + 12);
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_stops, 0); /* hart 1 still holds v1 */
	fake_serve_hart(1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_STEP);
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 4);
	step_thread_1(GT_CODE + 6);
	assert_int_equal(gt_v0->arch.gpr[A0], 2);
}

static void test_step_where_nothing_can_be_read(void **state)
{
	(void)state;
	const uint64_t last = GUEST_RAM_BASE + GT_RAM_SIZE - 2;

	set_pc(1, 0x1000);
	assert_int_equal(gt_resume(S, N, N), HV_EFAULT);
	/* The first half of a 4-byte instruction, at the end of RAM. */
	gt_poke16(last, 0x0513);
	set_pc(1, last);
	assert_int_equal(gt_resume(S, N, N), HV_EFAULT);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_int_equal(gdb_target.num_bps, 0);
	assert_true(gt_v0->parked);
}

/* `monitor phys on` makes gdb's addresses guest-physical, but a step
 * still decodes, and breaks at, the vCPU's guest-virtual next pc. */
static void test_step_under_paging_with_phys_on(void **state)
{
	const uint64_t va = 0xffffffc000200000UL; /* Sv39 */
	const uint32_t program[] = {gt_addi(A0, A0, 5), gt_addi(A0, A0, 7),
				    GT_ECALL, gt_jal(0, -4)};
	char out[64];

	(void)state;
	gt_program(GT_CODE, program, ARRAY_SIZE(program));
	gt_sv39_map(va, GT_CODE);
	assert_int_equal(GT_OPS->write_reg(GT_CTX, 1, GDB_REG_CSR_BASE + 0x180,
					   gt_sv39_vsatp()),
			 HV_OK);
	set_pc(1, va);
	gt_v0->arch.gpr[A0] = 0;
	GT_OPS->monitor(GT_CTX, "phys on", out, sizeof(out));
	assert_true(gdb_target.phys);
	step_thread_1(va + 4);
	assert_int_equal(gt_v0->arch.gpr[A0], 5);
	assert_int_equal(gdb_target.bps[0].where.val, GT_CODE + 4);
	step_thread_1(va + 8);
	assert_int_equal(gt_v0->arch.gpr[A0], 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_step_addi_then_continue, setup),
		cmocka_unit_test_setup(test_step_masks_interrupts, setup),
		cmocka_unit_test_setup(test_step_under_paging_with_phys_on,
				       setup),
		cmocka_unit_test_setup(test_step_branches_and_jumps, setup),
		cmocka_unit_test_setup(test_step_over_lr_sc, setup),
		cmocka_unit_test_setup(
			test_breakpoint_on_a_leftover_step_breakpoint, setup),
		cmocka_unit_test_setup(test_step_lr_without_sc, setup),
		cmocka_unit_test_setup(
			test_other_vcpu_held_at_the_step_breakpoint, setup),
		cmocka_unit_test_setup(test_detach_releases_a_held_vcpu, setup),
		cmocka_unit_test_setup(test_step_onto_a_compressed_instruction,
				       setup),
		cmocka_unit_test_setup(test_step_where_nothing_can_be_read,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
