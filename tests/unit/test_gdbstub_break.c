// SPDX-License-Identifier: MIT
/*
 * Software breakpoints (gdbstub/breakpoints.c) and the breakpoint exits
 * they cause (run.c's debugger hook through hv/exit/breakpoint.c): what
 * is planted in guest RAM, what gdb reads back, shared addresses, the
 * VM's trapping of breakpoint exceptions, the errors, a guest that runs
 * into a breakpoint (the stop is reported once every vCPU is parked) and
 * a guest's own ebreak, which goes back to the guest.
 */
#include "test_gdbstub_fixture.h"

#define VA 0xffffffc000200000UL /* Sv39: maps GT_CODE's page */

static const uint32_t program[] = {
	0x00150513,		/* addi a0, a0, 1 */
	0x00150513,		/* addi a0, a0, 1 */
	0x00150513,		/* addi a0, a0, 1 */
	GT_ECALL,   0xffdff06f, /* j -4 */
};

static int setup(void **state)
{
	gt_setup(state);
	gt_program(GT_CODE, program, ARRAY_SIZE(program));
	assert_int_equal(gt_addi(A0, A0, 1), program[0]);
	gt_attach();
	return 0;
}

static int insert(enum gdb_break_type type, uint64_t addr, unsigned kind)
{
	return GT_OPS->insert_break(GT_CTX, type, addr, kind);
}

static int remove_(enum gdb_break_type type, uint64_t addr, unsigned kind)
{
	return GT_OPS->remove_break(GT_CTX, type, addr, kind);
}

static void assert_trapping(bool on)
{
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(gt_vm->vcpus[i].arch.trap_breakpoints, on);
}

static void assert_reads_program(unsigned thread, uint64_t addr)
{
	uint32_t got[ARRAY_SIZE(program)];

	assert_int_equal(
		GT_OPS->read_mem(GT_CTX, thread, addr, got, sizeof(got)),
		HV_OK);
	assert_memory_equal(got, program, sizeof(got));
}

static void test_ebreak_and_c_ebreak_are_planted_and_hidden(void **state)
{
	(void)state;
	bool temporary = true;

	assert_trapping(false);
	for (unsigned i = 0; i < 3; i++)
		gt_vm->vcpus[i].requests = 0;
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_CODE, 4), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE), 0x00100073);
	assert_int_equal(gt_vm->vcpus[2].requests, VCPU_REQ_FENCE_I);
	assert_trapping(true);
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_CODE + 8, 2), HV_OK);
	assert_int_equal(gt_peek16(GT_CODE + 8), 0x9002);
	assert_int_equal(gt_peek16(GT_CODE + 10), 0x0015); /* untouched */
	assert_int_equal(gdb_target.num_bps, 2);
	assert_true(gdb_break_at(gpa(GT_CODE + 8), &temporary));
	assert_false(temporary);
	assert_false(gdb_break_at(gpa(GT_CODE + 4), NULL));
	/* gdb reads the instructions it replaced, whole or in part. */
	assert_reads_program(1, GT_CODE);
	assert_reads_program(2, GT_CODE);
	uint8_t byte;

	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, GT_CODE + 9, &byte, 1),
			 HV_OK);
	assert_int_equal(byte, 0x05);
	/* Inserting again is harmless. */
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_CODE, 4), HV_OK);
	assert_int_equal(gdb_target.num_bps, 2);

	assert_int_equal(remove_(GDB_BREAK_SOFTWARE, GT_CODE, 4), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE), program[0]);
	assert_trapping(true); /* one is left */
	assert_int_equal(remove_(GDB_BREAK_SOFTWARE, GT_CODE + 8, 2), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE + 8), program[2]);
	assert_trapping(false);
	assert_int_equal(gdb_target.num_bps, 0);
	assert_int_equal(remove_(GDB_BREAK_SOFTWARE, GT_CODE + 8, 2), HV_OK);
}

static void test_breakpoints_sharing_an_address(void **state)
{
	(void)state;
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_CODE + 4, 4), HV_OK);
	assert_int_equal(insert(GDB_BREAK_HARDWARE, GT_CODE + 4, 4), HV_OK);
	assert_int_equal(gdb_target.num_bps, 2);
	assert_int_equal(gt_peek32(GT_CODE + 4), 0x00100073);
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		if (gdb_target.bps[i].used)
			assert_memory_equal(gdb_target.bps[i].original,
					    &program[1], 4);
	/* Removing one leaves the other planted, still hidden. */
	assert_int_equal(remove_(GDB_BREAK_SOFTWARE, GT_CODE + 4, 4), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE + 4), 0x00100073);
	assert_reads_program(1, GT_CODE);
	assert_trapping(true);
	assert_int_equal(remove_(GDB_BREAK_HARDWARE, GT_CODE + 4, 4), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE + 4), program[1]);
	assert_trapping(false);
}

static void test_breakpoint_errors(void **state)
{
	(void)state;
	for (unsigned kind = 0; kind < 8; kind++)
		if (kind != 2 && kind != 4)
			assert_int_equal(
				insert(GDB_BREAK_SOFTWARE, GT_CODE, kind),
				HV_EINVAL);
	for (int type = GDB_WATCH_WRITE; type <= GDB_WATCH_ACCESS; type++) {
		assert_int_equal(insert(type, GT_DATA, 8), HV_ENOTSUP);
		assert_int_equal(remove_(type, GT_DATA, 8), HV_ENOTSUP);
	}
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, 0x1000, 4), HV_EFAULT);
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GUEST_UART_BASE, 4),
			 HV_EFAULT);
	assert_int_equal(remove_(GDB_BREAK_SOFTWARE, 0x1000, 4), HV_OK);
	assert_int_equal(gdb_target.num_bps, 0);
	assert_trapping(false);
	/* The table is full at GDB_MAX_BREAKPOINTS. */
	for (unsigned i = 0; i < GDB_MAX_BREAKPOINTS; i++)
		assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_DATA + 4 * i, 4),
				 HV_OK);
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_CODE, 2), HV_ENOMEM);
	assert_int_equal(gt_peek32(GT_CODE), program[0]);
	assert_int_equal(gdb_target.num_bps, GDB_MAX_BREAKPOINTS);
	/* Not while the VM runs. */
	GT_OPS->detach(GT_CTX);
	assert_int_equal(gdb_target.num_bps, 0);
	assert_int_equal(gt_peek32(GT_DATA), 0);
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_CODE, 4), HV_ESTATE);
}

/* v0 runs into a breakpoint while hart 1 still holds v1's state: the
 * stop is recorded at once and reported when hart 1 has saved v1. */
static void test_guest_runs_into_a_breakpoint(void **state)
{
	(void)state;
	struct gdb_stop stop;
	uint64_t pc = 0;

	assert_int_equal(GT_OPS->write_reg(GT_CTX, 1, GDB_REG_PC, GT_CODE),
			 HV_OK);
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_CODE + 8, 4), HV_OK);
	assert_int_equal(gt_resume(GDB_RESUME_CONTINUE, GDB_RESUME_CONTINUE,
				   GDB_RESUME_CONTINUE),
			 HV_OK);
	gt_run(1, gt_v1);
	assert_ptr_equal(cpus[1].loaded, gt_v1);
	gt_run(0, gt_v0);
	assert_int_equal(gt_v0->arch.gpr[A0], 2);
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 8); /* at the ebreak */
	assert_int_equal(gt_v0->stats.exits[EXC_BREAKPOINT], 1);
	assert_true(gdb_target.stop_pending);
	assert_int_equal(gdb_target.state, GDB_RUNNING);
	assert_int_equal(gt_stops, 0);
	assert_true(gt_v1->parked);

	fake_serve_hart(1);
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_BREAKPOINT);
	assert_int_equal(gt_last_stop.thread, 1);
	assert_int_equal(gt_stop_hart, 1);
	assert_true(gt_stop_when_quiescent);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	GT_OPS->current_stop(GT_CTX, &stop);
	assert_int_equal(stop.reason, GDB_STOP_BREAKPOINT);
	assert_int_equal(stop.thread, 1);
	assert_int_equal(GT_OPS->read_reg(GT_CTX, 1, GDB_REG_PC, &pc), HV_OK);
	assert_int_equal(pc, GT_CODE + 8);

	/* gdb takes it out and continues: the real instruction runs. */
	assert_int_equal(remove_(GDB_BREAK_SOFTWARE, GT_CODE + 8, 4), HV_OK);
	assert_int_equal(gt_resume(GDB_RESUME_CONTINUE, GDB_RESUME_CONTINUE,
				   GDB_RESUME_CONTINUE),
			 HV_OK);
	gt_run_guest(0, gt_v0);
	assert_int_equal(gt_v0->arch.gpr[A0], 3);
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 16);
	assert_int_equal(gt_stops, 1);
}

/* With a breakpoint of ours elsewhere, the guest's own ebreak reaches
 * the hypervisor and is given back: the guest's handler runs. */
static void test_guest_ebreak_goes_back_to_the_guest(void **state)
{
	(void)state;
	uint64_t value;

	gt_poke32(GT_CODE + 0x20, GT_EBREAK);
	gt_poke32(GT_CODE + 0x100, GT_ECALL); /* its trap handler */
	gt_poke32(GT_CODE + 0x104, gt_jal(0, -4));
	GT_OPS->write_reg(GT_CTX, 1, GDB_REG_PC, GT_CODE + 0x20);
	GT_OPS->write_reg(GT_CTX, 1, GDB_REG_CSR_BASE + 0x105, GT_CODE + 0x100);
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, GT_CODE, 4), HV_OK);
	assert_int_equal(gt_resume(GDB_RESUME_CONTINUE, GDB_RESUME_CONTINUE,
				   GDB_RESUME_CONTINUE),
			 HV_OK);
	gt_run(0, gt_v0);
	assert_int_equal(gt_v0->stats.exits[EXC_BREAKPOINT], 1);
	assert_int_equal(gt_v0->arch.sepc, GT_CODE + 0x104);
	assert_int_equal(gt_stops, 0);
	assert_false(gdb_target.stop_pending);

	GT_OPS->interrupt(GT_CTX);
	assert_int_equal(gt_stops, 1); /* nothing else held them */
	assert_int_equal(gt_last_stop.reason, GDB_STOP_SIGINT);
	GT_OPS->read_reg(GT_CTX, 1, GDB_REG_CSR_BASE + 0x142, &value);
	assert_int_equal(value, EXC_BREAKPOINT);
	GT_OPS->read_reg(GT_CTX, 1, GDB_REG_CSR_BASE + 0x141, &value);
	assert_int_equal(value, GT_CODE + 0x20);
	GT_OPS->read_reg(GT_CTX, 1, GDB_REG_CSR_BASE + 0x143, &value);
	assert_int_equal(value, GT_CODE + 0x20);
}

/* A breakpoint at a virtual address: planted at its physical place, and
 * hidden however gdb reads that place (the thread's own mapping,
 * another thread's, or the physical address after `monitor phys on`). */
static void test_breakpoint_through_sv39(void **state)
{
	(void)state;
	uint32_t got = 0;
	char out[64];
	gpa_t where;

	gt_sv39_map(VA, GT_CODE);
	GT_OPS->write_reg(GT_CTX, 1, GDB_REG_CSR_BASE + 0x180, gt_sv39_vsatp());
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, VA + PAGE_SIZE, 4),
			 HV_EFAULT); /* unmapped */
	assert_int_equal(insert(GDB_BREAK_SOFTWARE, VA + 4, 4), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE + 4), 0x00100073);
	assert_int_equal(gdb_target.bps[0].where.val, GT_CODE + 4);
	assert_int_equal(gdb_target.bps[0].addr, VA + 4);
	assert_reads_program(1, VA);
	assert_reads_program(2, GT_CODE); /* thread 2 is Bare */
	GT_OPS->monitor(GT_CTX, "phys on", out, sizeof(out));
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, GT_CODE + 4, &got, 4),
			 HV_OK);
	assert_int_equal(got, program[1]);
	GT_OPS->monitor(GT_CTX, "phys off", out, sizeof(out));

	/* The guest hits it at its virtual pc. */
	GT_OPS->write_reg(GT_CTX, 1, GDB_REG_PC, VA);
	assert_int_equal(gt_resume(GDB_RESUME_CONTINUE, GDB_RESUME_NONE,
				   GDB_RESUME_NONE),
			 HV_OK);
	gt_run(0, gt_v0);
	assert_int_equal(gt_stops, 1);
	assert_int_equal(gt_last_stop.reason, GDB_STOP_BREAKPOINT);
	assert_int_equal(gt_v0->arch.sepc, VA + 4);
	assert_int_equal(gdb_target_translate(1, VA + 4, &where), HV_OK);
	assert_int_equal(where.val, GT_CODE + 4);
	assert_int_equal(remove_(GDB_BREAK_SOFTWARE, VA + PAGE_SIZE, 4),
			 HV_EFAULT); /* unmapped */
	assert_int_equal(remove_(GDB_BREAK_SOFTWARE, VA + 4, 4), HV_OK);
	assert_int_equal(gt_peek32(GT_CODE + 4), program[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_ebreak_and_c_ebreak_are_planted_and_hidden, setup),
		cmocka_unit_test_setup(test_breakpoints_sharing_an_address,
				       setup),
		cmocka_unit_test_setup(test_breakpoint_errors, setup),
		cmocka_unit_test_setup(test_guest_runs_into_a_breakpoint,
				       setup),
		cmocka_unit_test_setup(test_guest_ebreak_goes_back_to_the_guest,
				       setup),
		cmocka_unit_test_setup(test_breakpoint_through_sv39, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
