// SPDX-License-Identifier: MIT
/*
 * Watchpoints (gdbstub/watch.c): the faults the hypervisor cannot
 * complete for the guest, and the ones that are not the watchpoints' at
 * all. An LR/SC pair on a watched page, the guest's own page-table walk
 * and an instruction nobody decodes get the page unprotected until gdb
 * next resumes the VM (the guest goes on, the console says why), unless
 * the access is a hit; a fault on a page whose protection is already
 * gone (a translation a hart still cached) is retried; a hit on another
 * vCPU stops every vCPU; detaching while the VM runs restores every page.
 */
#include <hv/console.h>
#include "test_gdbstub_watch_guest.h"

#define RX (STAGE2_READ | STAGE2_EXEC)
#define COUNTER (WG_PAGE_A + 0x40)

/* atomic increment of (a0): lr.d t0; addi t0, 1; sc.d t1; bnez t1, back */
static void program_lrsc_loop(void)
{
	const uint32_t program[] = {
		wg_lr_d(T0, A0),
		wg_addi(T0, T0, 1),
		wg_sc_d(T1, T0, A0),
		wg_bne(T1, ZERO, -12),
	};

	wg_program(program, 4);
}

static void check_stop(enum gdb_stop_reason reason, unsigned thread,
		       uint64_t data_addr)
{
	assert_int_equal(wg_last_stop.reason, reason);
	assert_int_equal(wg_last_stop.thread, thread);
	assert_int_equal(wg_last_stop.data_addr, data_addr);
	assert_true(vm_is_paused(wg_vm));
}

/* The reservation does not survive the SC's trap, so the SC cannot be
 * completed for the guest: the page is given back until the next resume,
 * and the guest's retry succeeds. */
static void test_lrsc_on_a_watched_page(void **state)
{
	(void)state;
	program_lrsc_loop();
	wg_v0->arch.gpr[A0] = COUNTER;
	wg_poke64(COUNTER, 5);
	fake_printed[0] = 0;
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_A, 8), HV_OK);
	wg_resume(true);
	assert_false(wg_run());
	assert_int_equal(wg_peek64(COUNTER), 6);
	assert_int_equal(wg_faults[0], 1); /* the first sc, then none */
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);
	assert_non_null(strstr(fake_printed, "watchpoints on guest page "
					     "0x80010000 suspended"));

	/* The next stop and resume protect it again. */
	wg_interrupt();
	unsigned before = fake_harts[1].stage2_flushes;

	wg_resume(true);
	assert_int_equal(wg_perms(WG_PAGE_A), RX);
	assert_true(fake_harts[1].stage2_flushes > before);
}

/* Where the LR traps (a read watch, or a breakpoint's execute-only
 * page), it is not emulated either (QEMU's SC would then fail without a
 * trap, forever): the page is given back, the loop runs natively, and the
 * console says that the page's breakpoints show meanwhile. */
static void test_lr_trapping_on_a_protected_page(void **state)
{
	(void)state;
	for (int breakpoint = 0; breakpoint <= 1; breakpoint++) {
		if (breakpoint)
			wg_setup(NULL);
		program_lrsc_loop();
		wg_v0->arch.gpr[A0] = COUNTER;
		wg_poke64(COUNTER, 5);
		fake_printed[0] = 0;
		assert_int_equal(
			breakpoint ? wg_insert(GDB_BREAK_SOFTWARE,
					       WG_PAGE_A + 0x800, 4)
				   : wg_insert(GDB_WATCH_READ, WG_PAGE_A, 8),
			HV_OK);
		wg_resume(true);
		assert_false(wg_run());
		assert_int_equal(wg_peek64(COUNTER), 6);
		assert_int_equal(wg_faults[0], 1); /* the first lr only */
		assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);
		assert_non_null(strstr(fake_printed, "0x80010000 suspended"));
		assert_true((strstr(fake_printed, "breakpoints visible") !=
			     NULL) == breakpoint);
		wg_interrupt();
		wg_resume(true);
		assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_EXEC);
	}
}

/* An SC to the watched address itself is a hit, before the store. */
static void test_sc_to_the_watched_address_stops(void **state)
{
	(void)state;
	program_lrsc_loop();
	wg_v0->arch.gpr[A0] = COUNTER;
	wg_poke64(COUNTER, 5);
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, COUNTER, 8), HV_OK);
	wg_resume(true);
	assert_true(wg_run());
	check_stop(GDB_STOP_WATCH, 1, COUNTER);
	assert_int_equal(wg_v0->arch.sepc, WG_CODE + 8);
	assert_int_equal(wg_peek64(COUNTER), 5);
	assert_int_equal(wg_perms(WG_PAGE_A), RX);
}

static unsigned long walk_htinst;
static uint64_t walk_stval;

/* The guest's page-table walk reads a PTE at WG_PAGE_B + 0x208. */
static void page_table_walk(struct vcpu *vcpu)
{
	vcpu->arch.scause = EXC_LOAD_GUEST_PAGE_FAULT;
	vcpu->arch.htval = (WG_PAGE_B + 0x208) >> 2;
	vcpu->arch.stval = walk_stval;
	vcpu->arch.htinst = walk_htinst;
	fake_guest_insn = wg_load(LD, T0, A0, 0); /* what sepc holds */
}

/* An implicit access is never a hit (as with hardware triggers) and is
 * not the instruction's: the page is given back, the instruction runs
 * again. Told by htinst's pseudo-instruction, or, where the hart gives
 * none, by the instruction's address not translating to the fault's. */
static void test_page_table_walk_on_a_watched_page(void **state)
{
	(void)state;
	for (int pseudo = 1; pseudo >= 0; pseudo--) {
		const uint32_t program[] = {wg_load(LD, T0, A0, 0)};

		if (!pseudo)
			wg_setup(NULL);
		walk_htinst = pseudo ? 0x3000 : 0;
		walk_stval = pseudo ? 0xffffffc000001234UL : WG_PAGE_C + 8;
		wg_program(program, 1);
		wg_v0->arch.gpr[A0] = WG_PAGE_C + 8;
		wg_poke64(WG_PAGE_C + 8, 42);
		wg_poke64(WG_PAGE_B + 0x208, 0xdead);
		assert_int_equal(
			wg_insert(GDB_WATCH_READ, WG_PAGE_B + 0x200, 16),
			HV_OK);
		wg_next_exit = page_table_walk;
		fake_harts[0].live.vscause = 0;
		wg_resume(true);
		assert_false(wg_run());
		assert_int_equal(wg_stops, 0);
		assert_int_equal(wg_perms(WG_PAGE_B), STAGE2_RWX);
		assert_int_equal(fake_harts[0].live.vscause, 0); /* no fault */
		wg_interrupt();
		assert_int_equal(wg_reg(T0), 42); /* retried, not emulated */
		assert_int_equal(wg_peek64(WG_PAGE_B + 0x208), 0xdead);
	}
}

static unsigned long fault_cause;
static uint64_t fault_addr;
static uint32_t fault_insn;

/* The exit of an access at fault_addr by fault_insn (the program at the
 * same pc, run when the instruction is retried, is the test's). */
static void fault_at(struct vcpu *vcpu)
{
	vcpu->arch.scause = fault_cause;
	vcpu->arch.htval = fault_addr >> 2;
	vcpu->arch.stval = fault_addr;
	vcpu->arch.htinst = 0;
	fake_guest_insn = fault_insn;
}

/* A fault where stage 2 allows the access now (a hart's stale entry,
 * or a fetch on a read-watched page, which keeps X) is retried after a
 * flush on this hart alone. */
static void test_stale_translations_are_retried(void **state)
{
	static const unsigned long causes[] = {EXC_STORE_GUEST_PAGE_FAULT,
					       EXC_INST_GUEST_PAGE_FAULT};
	const uint32_t program[] = {wg_addi(T0, ZERO, 7)};

	(void)state;
	assert_int_equal(wg_insert(GDB_WATCH_READ, WG_PAGE_B, 8), HV_OK);
	for (unsigned i = 0; i < ARRAY_SIZE(causes); i++) {
		unsigned here = fake_harts[0].stage2_flushes;
		unsigned there = fake_harts[1].stage2_flushes;

		fault_cause = causes[i];
		fault_addr = i ? WG_PAGE_B + 0x10 : WG_PAGE_C + 0x10;
		fault_insn = wg_store(SD, A1, A0, 0);
		wg_program(program, 1);
		wg_next_exit = fault_at;
		fake_harts[0].live.vscause = 0;
		wg_resume(true);
		assert_false(wg_run());
		assert_int_equal(fake_harts[0].stage2_flushes, here + 1);
		assert_int_equal(fake_harts[1].stage2_flushes, there);
		assert_int_equal(fake_harts[0].live.vscause, 0);
		assert_int_equal(wg_peek64(WG_PAGE_C + 0x10), 0);
		wg_interrupt();
		assert_int_equal(wg_reg(T0), 7); /* the pc stayed */
		assert_int_equal(wg_perms(WG_PAGE_B), STAGE2_EXEC);
	}
}

/* An instruction nobody decodes (a vector store) on a watched page: a
 * hit if its first byte is watched, else the page is given back and the
 * instruction runs again. */
static void test_undecoded_instructions(void **state)
{
	const uint32_t program[] = {wg_addi(T0, ZERO, 9)};

	(void)state;
	for (int hits = 1; hits >= 0; hits--) {
		if (!hits)
			wg_setup(NULL);
		fault_cause = EXC_STORE_GUEST_PAGE_FAULT;
		fault_addr = hits ? WG_PAGE_D + 0x10 : WG_PAGE_D + 0x80;
		fault_insn = 0x02050027U; /* vse8.v v0, (a0) */
		wg_program(program, 1);
		assert_int_equal(
			wg_insert(GDB_WATCH_WRITE, WG_PAGE_D + 0x10, 4), HV_OK);
		wg_next_exit = fault_at;
		wg_resume(true);
		if (hits) {
			assert_true(wg_run());
			check_stop(GDB_STOP_WATCH, 1, WG_PAGE_D + 0x10);
			assert_int_equal(wg_v0->arch.sepc, WG_CODE);
			assert_int_equal(wg_perms(WG_PAGE_D), RX);
			continue;
		}
		assert_false(wg_run());
		assert_int_equal(wg_stops, 0);
		assert_int_equal(wg_perms(WG_PAGE_D), STAGE2_RWX);
		wg_interrupt();
		assert_int_equal(wg_reg(T0), 9);
	}
}

/* A hit on another vCPU: its thread is reported, every vCPU stopped. */
static void test_hit_on_another_vcpu(void **state)
{
	const uint32_t program[] = {wg_store(SW, A1, A0, 0)};

	(void)state;
	wg_program(program, 1);
	wg_v0->arch.sepc = WG_IDLE;
	wg_v1->arch.sepc = WG_CODE;
	wg_v1->arch.gpr[A0] = WG_PAGE_C + 0x20;
	assert_int_equal(wg_insert(GDB_WATCH_ACCESS, WG_PAGE_C + 0x20, 4),
			 HV_OK);
	wg_resume(true);
	assert_true(wg_run());
	check_stop(GDB_STOP_AWATCH, 2, WG_PAGE_C + 0x20);
	assert_int_equal(wg_v1->arch.sepc, WG_CODE);
	assert_int_equal(wg_faults[1], 1);
	assert_int_equal(wg_faults[0], 0);
}

/* A debugger that goes away while the VM runs (detach from a new
 * connection) leaves no page protected. */
static void test_detach_while_running(void **state)
{
	const uint32_t program[] = {wg_store(SD, A1, A0, 0)};

	(void)state;
	wg_program(program, 1);
	wg_v0->arch.gpr[A0] = WG_PAGE_A;
	wg_v0->arch.gpr[A1] = 3;
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_A, 8), HV_OK);
	assert_int_equal(wg_insert(GDB_WATCH_READ, WG_PAGE_B, 8), HV_OK);
	wg_resume(true);
	gdb_target.ops.detach(&gdb_target);
	assert_int_equal(gdb_target.state, GDB_DETACHED);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);
	assert_int_equal(wg_perms(WG_PAGE_B), STAGE2_RWX);
	assert_false(wg_run());
	assert_int_equal(wg_peek64(WG_PAGE_A), 3);
	assert_int_equal(wg_faults[0], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define TEST(fn) cmocka_unit_test_setup(fn, wg_setup)
		TEST(test_lrsc_on_a_watched_page),
		TEST(test_lr_trapping_on_a_protected_page),
		TEST(test_sc_to_the_watched_address_stops),
		TEST(test_page_table_walk_on_a_watched_page),
		TEST(test_stale_translations_are_retried),
		TEST(test_undecoded_instructions),
		TEST(test_hit_on_another_vcpu),
		TEST(test_detach_while_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
