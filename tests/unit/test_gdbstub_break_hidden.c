// SPDX-License-Identifier: MIT
/*
 * The guest never sees a stub breakpoint (gdbstub/breakpoints.c,
 * watch.c): the page of a planted breakpoint is execute-only at stage 2,
 * the guest's loads there read the original bytes, its stores over a
 * breakpoint change the saved original (the breakpoint stays planted),
 * fetches still run the ebreak, and the page gets its permissions back
 * with its last breakpoint, beside the watchpoints that share it. Also:
 * a breakpoint hit that a detach overtakes runs the original
 * instruction, neither stopped nor given to the guest.
 */
#include <hv/console.h>
#include <hv/guest_protect.h>
#include "test_gdbstub_watch_guest.h"

#define RX (STAGE2_READ | STAGE2_EXEC)
#define FUNC (WG_PAGE_A + 0x100) /* a function gdb breaks on */
#define FUNC_INSN0 0x00a50533U	 /* add a0, a0, a0 */
#define FUNC_INSN1 0x00008067U	 /* ret */
#define DATA (WG_PAGE_A + 0x800) /* data on the same page */

static void put_function(void)
{
	wg_poke64(FUNC, (uint64_t)FUNC_INSN1 << 32 | FUNC_INSN0);
}

static int break_at(uint64_t addr, unsigned kind)
{
	return wg_insert(GDB_BREAK_SOFTWARE, addr, kind);
}

static int unbreak_at(uint64_t addr, unsigned kind)
{
	return wg_remove(GDB_BREAK_SOFTWARE, addr, kind);
}

/* Loads of every width over the breakpoint's bytes read the original
 * ones; the ebreak stays in RAM and the page is execute-only. */
static void test_guest_loads_see_the_original(void **state)
{
	const uint32_t program[] = {
		wg_load(LD, S0, A0, 0),	 wg_load(LWU, S1, A0, 0),
		wg_load(LHU, S2, A0, 2), wg_load(LBU, S3, A0, 1),
		wg_load(LD, S4, A0, -8), /* not on the breakpoint */
		wg_load(LD, S5, A1, 0),	 /* the c.ebreak's */
	};

	(void)state;
	put_function();
	wg_poke64(FUNC - 8, 0x1122334455667788ULL);
	wg_poke64(FUNC + 0x40, 0x0000000000004505ULL); /* c.li a0, 1 */
	wg_program(program, ARRAY_SIZE(program));
	wg_v0->arch.gpr[A0] = FUNC;
	wg_v0->arch.gpr[A1] = FUNC + 0x40;
	assert_int_equal(break_at(FUNC, 4), HV_OK);
	assert_int_equal(break_at(FUNC + 0x40, 2), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_EXEC);
	assert_int_equal(wg_peek64(FUNC) & 0xffffffff, WG_EBREAK);
	assert_int_equal(wg_peek64(FUNC + 0x40) & 0xffff, 0x9002);
	wg_resume(true);
	assert_false(wg_run());
	wg_interrupt();
	assert_int_equal(wg_reg(S0), (uint64_t)FUNC_INSN1 << 32 | FUNC_INSN0);
	assert_int_equal(wg_reg(S1), FUNC_INSN0);
	assert_int_equal(wg_reg(S2), FUNC_INSN0 >> 16);
	assert_int_equal(wg_reg(S3), (FUNC_INSN0 >> 8) & 0xff);
	assert_int_equal(wg_reg(S4), 0x1122334455667788ULL);
	assert_int_equal(wg_reg(S5), 0x4505);
	assert_int_equal(wg_faults[0], 6);
	assert_int_equal(wg_peek64(FUNC) & 0xffffffff, WG_EBREAK);
}

/* Code on the breakpoint's page that loads from it: the hypervisor
 * reads the trapping instruction itself even where hlvx cannot (QEMU
 * 7.2 wants read permission at stage 2 for it), and the page stays
 * protected. */
static void test_loads_by_code_on_the_page(void **state)
{
	const uint32_t here[] = {wg_load(LWU, S0, A0, 0), WG_ECALL,
				 wg_jal(0, -4)};

	(void)state;
	put_function();
	for (unsigned i = 0; i < ARRAY_SIZE(here); i++)
		memcpy(wg_ram + (FUNC + 0x20 - GUEST_RAM_BASE) + 4 * i,
		       &here[i], 4);
	wg_hlvx_needs_read = true;
	assert_int_equal(break_at(FUNC, 4), HV_OK);
	wg_set_reg(GDB_REG_PC, FUNC + 0x20);
	wg_v0->arch.gpr[A0] = FUNC;
	fake_printed[0] = 0;
	wg_resume(true);
	for (unsigned turn = 0; turn < 4; turn++) {
		fake_step(0);
		fake_step(1);
	}
	assert_int_equal(wg_v0->arch.sepc, FUNC + 0x28); /* past the ecall */
	assert_int_equal(wg_v0->arch.gpr[S0], FUNC_INSN0);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_EXEC);
	assert_null(strstr(fake_printed, "suspended"));
}

/* A store over the breakpoint goes into the saved original: the guest
 * reads back what it stored, still hits the breakpoint, and gdb's z0
 * leaves the guest's bytes in RAM. Stores beside it land in RAM. */
static void test_guest_store_over_a_breakpoint(void **state)
{
	const uint32_t program[] = {
		wg_store(SW, A2, A0, 0), /* the new instruction */
		wg_store(SD, A3, A1, 0), /* data on the page */
		wg_load(LD, S0, A0, 0),	 /* reads back the new one */
		wg_jal(0, (int)(FUNC - (WG_CODE + 12))), /* and runs it */
	};

	(void)state;
	put_function();
	wg_program(program, ARRAY_SIZE(program));
	wg_v0->arch.gpr[A0] = FUNC;
	wg_v0->arch.gpr[A1] = DATA;
	wg_v0->arch.gpr[A2] = 0x00150513; /* addi a0, a0, 1 */
	wg_v0->arch.gpr[A3] = 0xfeedULL;
	assert_int_equal(break_at(FUNC, 4), HV_OK);
	wg_resume(true);
	assert_true(wg_run());
	assert_int_equal(wg_last_stop.reason, GDB_STOP_BREAKPOINT);
	assert_int_equal(wg_reg(GDB_REG_PC), FUNC);
	assert_int_equal(wg_reg(S0), (uint64_t)FUNC_INSN1 << 32 | 0x00150513);
	assert_int_equal(wg_peek64(DATA), 0xfeed);
	assert_int_equal(wg_peek64(FUNC) & 0xffffffff, WG_EBREAK);
	assert_int_equal(gdb_target.bps[0].original[0], 0x13);
	assert_int_equal(unbreak_at(FUNC, 4), HV_OK);
	assert_int_equal(wg_peek64(FUNC) & 0xffffffff, 0x00150513);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);
}

/* An AMO beside a breakpoint is atomic and complete; one over it
 * changes the original as a store does. */
static void test_amo_on_a_breakpoint_page(void **state)
{
	const uint32_t program[] = {
		wg_amo(0, 3, S0, A2, A1), /* amoadd.d s0, a2, (a1) */
		wg_amo(1, 2, S1, A3, A0), /* amoswap.w s1, a3, (a0) */
	};

	(void)state;
	put_function();
	wg_poke64(DATA, 40);
	wg_program(program, ARRAY_SIZE(program));
	wg_v0->arch.gpr[A0] = FUNC;
	wg_v0->arch.gpr[A1] = DATA;
	wg_v0->arch.gpr[A2] = 2;
	wg_v0->arch.gpr[A3] = 0x00000013; /* nop */
	assert_int_equal(break_at(FUNC, 4), HV_OK);
	wg_resume(true);
	assert_false(wg_run());
	wg_interrupt();
	assert_int_equal(wg_peek64(DATA), 42);
	assert_int_equal(wg_reg(S0), 40);
	assert_int_equal(wg_reg(S1), FUNC_INSN0);
	assert_int_equal(wg_peek64(FUNC) & 0xffffffff, WG_EBREAK);
	assert_int_equal(unbreak_at(FUNC, 4), HV_OK);
	assert_int_equal(wg_peek64(FUNC) & 0xffffffff, 0x13);
}

/* The page is execute-only while any breakpoint is on it, whatever the
 * watchpoints there want, and gets theirs back after the last one; z0,
 * detach and a step's temporary breakpoint all give it back. */
static void test_protection_follows_the_breakpoints(void **state)
{
	const uint32_t program[] = {wg_addi(T0, ZERO, 1)};
	enum gdb_resume_action step[2] = {GDB_RESUME_STEP, GDB_RESUME_NONE};

	(void)state;
	put_function();
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, DATA, 8), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), RX);
	assert_int_equal(break_at(FUNC, 4), HV_OK);
	assert_int_equal(break_at(FUNC + 4, 4), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_EXEC);
	assert_int_equal(unbreak_at(FUNC, 4), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_EXEC);
	assert_int_equal(unbreak_at(FUNC + 4, 4), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), RX);
	assert_int_equal(wg_remove(GDB_WATCH_WRITE, DATA, 8), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);

	/* Detach. */
	assert_int_equal(break_at(FUNC, 4), HV_OK);
	assert_int_equal(break_at(WG_PAGE_B, 2), HV_OK);
	gdb_target.ops.detach(&gdb_target);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);
	assert_int_equal(wg_perms(WG_PAGE_B), STAGE2_RWX);
	assert_int_equal(wg_peek64(FUNC) & 0xffffffff, FUNC_INSN0);

	/* A step's breakpoint, gone at the next resume. */
	gdb_run_attach_stop();
	assert_int_equal(gdb_run_wait_stopped(), HV_OK);
	wg_program(program, 1);
	assert_int_equal(gdb_target.ops.resume(&gdb_target, step, 2), HV_OK);
	assert_int_equal(wg_perms(WG_CODE), STAGE2_EXEC);
	assert_true(wg_run());
	assert_int_equal(wg_last_stop.reason, GDB_STOP_STEP);
	wg_resume(true);
	assert_int_equal(wg_perms(WG_CODE), STAGE2_RWX);
}

/* The VM stopped for good (its stage-2 table and RAM given back) with
 * a breakpoint planted: gdb's detach removes it without touching either,
 * and counts the page free. */
static void test_detach_after_the_vm_stopped(void **state)
{
	hpa_t root = wg_vm->stage2.root;
	uint64_t ram_size = wg_vm->ram_size;

	(void)state;
	put_function();
	assert_int_equal(break_at(FUNC, 4), HV_OK);
	wg_vm->stage2.root = hpa(0);
	wg_vm->ram_size = 0;
	gdb_target.ops.detach(&gdb_target);
	assert_int_equal(gdb_target.num_bps, 0);
	assert_int_equal(wg_peek64(FUNC) & 0xffffffff,
			 WG_EBREAK); /* untouched */

	/* (The table back, to see that the page was counted free.) */
	wg_vm->stage2.root = root;
	wg_vm->ram_size = ram_size;
	put_function();
	assert_int_equal(guest_protect_page(wg_vm, gpa(WG_PAGE_A), STAGE2_RWX),
			 HV_OK);
	gdb_run_attach_stop();
	assert_int_equal(gdb_run_wait_stopped(), HV_OK);
	assert_int_equal(break_at(FUNC, 4), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_EXEC);
	assert_int_equal(unbreak_at(FUNC, 4), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);
}

/* gdb detaches after the guest trapped on a breakpoint and before the
 * hypervisor handles the trap: the original instruction is back, and
 * the vCPU runs it (no stop, no breakpoint exception for the guest). */
static void hit_then_detach(struct vcpu *vcpu)
{
	vcpu->arch.scause = EXC_BREAKPOINT;
	fake_guest_insn = WG_EBREAK;
	gdb_target.ops.detach(&gdb_target);
}

static void test_detach_overtakes_a_hit(void **state)
{
	const uint32_t program[] = {wg_addi(T0, ZERO, 5), wg_addi(T1, T0, 1)};

	(void)state;
	wg_program(program, ARRAY_SIZE(program));
	assert_int_equal(break_at(WG_CODE, 4), HV_OK);
	wg_next_exit = hit_then_detach;
	fake_harts[0].live.vscause = 0;
	wg_resume(true);
	assert_false(wg_run());
	assert_int_equal(wg_stops, 0);
	assert_int_equal(fake_harts[0].live.vscause, 0);
	assert_false(vm_is_paused(wg_vm));
	assert_int_equal(wg_v0->arch.gpr[T1], 6);
	assert_int_equal(gdb_target.state, GDB_DETACHED);
}

#define TEST(fn) cmocka_unit_test_setup(fn, wg_setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_guest_loads_see_the_original),
		TEST(test_loads_by_code_on_the_page),
		TEST(test_guest_store_over_a_breakpoint),
		TEST(test_amo_on_a_breakpoint_page),
		TEST(test_protection_follows_the_breakpoints),
		TEST(test_detach_after_the_vm_stopped),
		TEST(test_detach_overtakes_a_hit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
