// SPDX-License-Identifier: MIT
/*
 * Watchpoints by stage-2 protection (gdbstub/watch.c), through the gdb
 * target's operations as the protocol layer calls them: pages lose W
 * (write watch) or R and W (read and access watches), counted per page;
 * every change is flushed on every hart; a hit stops the VM before the
 * access with watch:/rwatch:/awatch: and gdb's address; other accesses
 * on a watched page are completed by the hypervisor unseen by the guest;
 * what cannot be completed (LR/SC, the guest's page-table walk) gets the
 * page unprotected until the next resume; detach restores every page.
 */
#include "test_gdbstub_watch_guest.h"

#define RX (STAGE2_READ | STAGE2_EXEC)

static unsigned flushes(unsigned hart)
{
	return fake_harts[hart].stage2_flushes;
}

/* Each hart flushed the VM's G-stage translations since before. */
static void check_flushed(const unsigned before[2])
{
	for (unsigned h = 0; h < 2; h++) {
		assert_true(flushes(h) > before[h]);
		assert_int_equal(fake_harts[h].stage2_flushed_vmid,
				 wg_vm->vmid);
	}
}

static void check_stop(enum gdb_stop_reason reason, uint64_t data_addr,
		       uint64_t pc)
{
	assert_int_equal(wg_last_stop.reason, reason);
	assert_int_equal(wg_last_stop.thread, 1);
	assert_int_equal(wg_last_stop.data_addr, data_addr);
	assert_int_equal(wg_v0->arch.sepc, pc);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_true(vm_is_paused(wg_vm));
}

static void test_pages_protected_by_kind(void **state)
{
	unsigned before[2] = {flushes(0), flushes(1)};

	(void)state;
	/* The RAM's 2 MiB leaf is split; the rest keeps RWX. */
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_A + 8, 8), HV_OK);
	check_flushed(before);
	assert_int_equal(wg_perms(WG_PAGE_A), RX);
	assert_int_equal(wg_perms(WG_PAGE_A - PAGE_SIZE), STAGE2_RWX);
	assert_int_equal(wg_perms(WG_PAGE_A + PAGE_SIZE), STAGE2_RWX);
	assert_int_equal(wg_perms(GUEST_RAM_BASE + WG_RAM_SIZE - PAGE_SIZE),
			 STAGE2_RWX);
	assert_int_equal(wg_insert(GDB_WATCH_READ, WG_PAGE_B + 16, 4), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_B), STAGE2_EXEC);
	assert_int_equal(wg_insert(GDB_WATCH_ACCESS, WG_PAGE_C, 1), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_C), STAGE2_EXEC);

	/* Two on one page: the stricter wins; removing one keeps the
	 * other's protection. */
	assert_int_equal(wg_insert(GDB_WATCH_READ, WG_PAGE_A + 0x100, 8),
			 HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_EXEC);
	before[0] = flushes(0), before[1] = flushes(1);
	assert_int_equal(wg_remove(GDB_WATCH_READ, WG_PAGE_A + 0x100, 8),
			 HV_OK);
	check_flushed(before);
	assert_int_equal(wg_perms(WG_PAGE_A), RX);
	assert_int_equal(wg_remove(GDB_WATCH_WRITE, WG_PAGE_A + 8, 8), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);
	assert_int_equal(wg_perms(WG_PAGE_B), STAGE2_EXEC);
	/* Removing twice, or what was never there, is harmless. */
	assert_int_equal(wg_remove(GDB_WATCH_WRITE, WG_PAGE_A + 8, 8), HV_OK);
	assert_int_equal(wg_remove(GDB_WATCH_ACCESS, WG_PAGE_C, 2), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_C), STAGE2_EXEC);

	/* gdb may insert the same one twice: one removal undoes it. */
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_D, 8), HV_OK);
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_D, 8), HV_OK);
	assert_int_equal(wg_remove(GDB_WATCH_WRITE, WG_PAGE_D, 8), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_D), STAGE2_RWX);
}

static void test_range_across_pages(void **state)
{
	(void)state;
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_B - 4, 8), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), RX);
	assert_int_equal(wg_perms(WG_PAGE_B), RX);
	/* A store to the second page's part is a hit, reported at gdb's
	 * address. */
	const uint32_t program[] = {wg_store(SW, A1, A0, 0)};

	wg_program(program, 1);
	wg_v0->arch.gpr[A0] = WG_PAGE_B;
	wg_resume(true);
	assert_true(wg_run());
	check_stop(GDB_STOP_WATCH, WG_PAGE_B - 4, WG_CODE);
	assert_int_equal(wg_remove(GDB_WATCH_WRITE, WG_PAGE_B - 4, 8), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_A), STAGE2_RWX);
	assert_int_equal(wg_perms(WG_PAGE_B), STAGE2_RWX);
}

static void test_insert_errors(void **state)
{
	(void)state;
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_A, 0), HV_EINVAL);
	/* Neither a hole nor a device window can be watched this way. */
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, 0x1000, 8), HV_EFAULT);
	assert_int_equal(wg_insert(GDB_WATCH_READ, GUEST_UART_BASE, 1),
			 HV_EFAULT);
	assert_int_equal(
		wg_insert(GDB_WATCH_WRITE, GUEST_RAM_BASE + WG_RAM_SIZE - 4, 8),
		HV_EFAULT);
	/* Nothing stayed behind from the failures. */
	assert_int_equal(wg_perms(GUEST_RAM_BASE + WG_RAM_SIZE - PAGE_SIZE),
			 STAGE2_RWX);

	/* More than any hardware has: up to the table's size. */
	for (unsigned i = 0; i < GDB_MAX_WATCHPOINTS; i++)
		assert_int_equal(
			wg_insert(i % 2 ? GDB_WATCH_READ : GDB_WATCH_WRITE,
				  WG_PAGE_A + 0x10000 + 0x1000 * i, 8),
			HV_OK);
	assert_int_equal(wg_insert(GDB_WATCH_ACCESS, WG_PAGE_A, 8), HV_ENOMEM);
	for (unsigned i = 0; i < GDB_MAX_WATCHPOINTS; i++)
		assert_int_equal(wg_perms(WG_PAGE_A + 0x10000 + 0x1000 * i),
				 i % 2 ? STAGE2_EXEC : RX);

	/* Only while the VM is stopped. */
	wg_resume(true);
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_A, 8), HV_ESTATE);
	/* Detach gives every page back. */
	gdb_target.ops.detach(&gdb_target);
	for (unsigned i = 0; i < GDB_MAX_WATCHPOINTS; i++)
		assert_int_equal(wg_perms(WG_PAGE_A + 0x10000 + 0x1000 * i),
				 STAGE2_RWX);
	assert_false(vm_is_paused(wg_vm));
}

/* The stop comes before the store; gdb steps over it with the watchpoint
 * removed (a breakpoint at the next pc, that thread alone), inserts it
 * again, and a store elsewhere on the page completes unseen. */
static void test_write_watch_stops_before_the_store(void **state)
{
	const uint32_t program[] = {
		wg_store(SD, A1, A0, 0),
		wg_store(SD, A1, A0, 8),
		wg_load(LD, T0, A0, 16),
	};

	(void)state;
	wg_program(program, 3);
	wg_v0->arch.gpr[A0] = WG_PAGE_A + 0x40;
	wg_v0->arch.gpr[A1] = 0x1234;
	wg_poke64(WG_PAGE_A + 0x50, 77);
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_A + 0x40, 8),
			 HV_OK);
	wg_resume(true);
	assert_true(wg_run());
	check_stop(GDB_STOP_WATCH, WG_PAGE_A + 0x40, WG_CODE);
	assert_int_equal(wg_peek64(WG_PAGE_A + 0x40), 0);
	assert_int_equal(wg_stops, 1);

	assert_int_equal(wg_remove(GDB_WATCH_WRITE, WG_PAGE_A + 0x40, 8),
			 HV_OK);
	assert_int_equal(gdb_target.ops.insert_break(&gdb_target,
						     GDB_BREAK_SOFTWARE,
						     WG_CODE + 4, 4),
			 HV_OK);
	wg_resume(false);
	assert_true(wg_run());
	check_stop(GDB_STOP_BREAKPOINT, 0, WG_CODE + 4);
	assert_int_equal(wg_peek64(WG_PAGE_A + 0x40), 0x1234);
	assert_int_equal(gdb_target.ops.remove_break(&gdb_target,
						     GDB_BREAK_SOFTWARE,
						     WG_CODE + 4, 4),
			 HV_OK);
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_A + 0x40, 8),
			 HV_OK);
	unsigned faults = wg_faults[0];

	wg_resume(true);
	assert_false(wg_run()); /* done, no stop */
	assert_int_equal(wg_peek64(WG_PAGE_A + 0x48), 0x1234);
	assert_int_equal(wg_faults[0],
			 faults + 1); /* the store; not the load */
	wg_interrupt();
	assert_int_equal(wg_reg(T0), 77);
	assert_int_equal(wg_perms(WG_PAGE_A), RX);
}

/* watch_a / watch_b: a write and a read watch on one page, and a
 * neighbour written on it that is never reported. */
static void test_two_watches_on_one_page(void **state)
{
	const uint32_t program[] = {
		wg_store(SD, A1, A0, 16), /* the neighbour */
		wg_load(LD, T0, A0, 16),
		wg_store(SD, A1, A0, 0),
		wg_load(LD, T1, A0, 8),
		wg_store(SD, A1, A0, 8), /* a write to the read watch's */
	};

	(void)state;
	wg_program(program, 5);
	wg_v0->arch.gpr[A0] = WG_PAGE_C;
	wg_v0->arch.gpr[A1] = 5;
	wg_poke64(WG_PAGE_C + 8, 0xb0b0);
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_C, 8), HV_OK);
	assert_int_equal(wg_insert(GDB_WATCH_READ, WG_PAGE_C + 8, 8), HV_OK);
	wg_resume(true);
	assert_true(wg_run());
	check_stop(GDB_STOP_WATCH, WG_PAGE_C, WG_CODE + 8);
	assert_int_equal(wg_peek64(WG_PAGE_C + 16), 5);
	assert_int_equal(wg_reg(T0), 5);
	assert_int_equal(wg_peek64(WG_PAGE_C), 0);

	wg_set_reg(GDB_REG_PC, WG_CODE + 12); /* past it */
	wg_resume(true);
	assert_true(wg_run());
	check_stop(GDB_STOP_RWATCH, WG_PAGE_C + 8, WG_CODE + 12);
	assert_int_equal(wg_reg(T1), 0);

	/* Without the write watch the page still is the read watch's. */
	assert_int_equal(wg_remove(GDB_WATCH_WRITE, WG_PAGE_C, 8), HV_OK);
	assert_int_equal(wg_perms(WG_PAGE_C), STAGE2_EXEC);
	wg_set_reg(GDB_REG_PC, WG_CODE + 16);
	wg_resume(true);
	assert_false(wg_run()); /* the store is not a read */
	assert_int_equal(wg_peek64(WG_PAGE_C + 8), 5);
	assert_int_equal(wg_stops, 2);
}

static void test_access_watch_reports_both(void **state)
{
	const uint32_t program[] = {
		wg_load(LW, T0, A0, 4),
		wg_store(SB, A1, A0, 7),
		wg_load(LD, T1, A0, 8),
	};

	(void)state;
	wg_program(program, 3);
	wg_v0->arch.gpr[A0] = WG_PAGE_D;
	wg_v0->arch.gpr[A1] = 0x99;
	assert_int_equal(wg_insert(GDB_WATCH_ACCESS, WG_PAGE_D + 6, 2), HV_OK);
	wg_resume(true);
	assert_true(wg_run());
	check_stop(GDB_STOP_AWATCH, WG_PAGE_D + 6, WG_CODE);
	wg_set_reg(GDB_REG_PC, WG_CODE + 4);
	wg_resume(true);
	assert_true(wg_run());
	check_stop(GDB_STOP_AWATCH, WG_PAGE_D + 6, WG_CODE + 4);
	assert_int_equal(wg_peek64(WG_PAGE_D), 0);
	wg_set_reg(GDB_REG_PC, WG_CODE + 8);
	wg_resume(true);
	assert_false(wg_run());
}

/* Loads on a write-watched page never fault. */
static void test_write_watch_leaves_loads_alone(void **state)
{
	const uint32_t program[] = {
		wg_load(LD, T0, A0, 0),
		wg_load(LBU, T1, A0, 8),
		wg_fp_load(3, 2, A0, 16),
	};

	(void)state;
	wg_program(program, 3);
	wg_v0->arch.gpr[A0] = WG_PAGE_B;
	wg_poke64(WG_PAGE_B, 0x1111);
	wg_poke64(WG_PAGE_B + 8, 0xfe);
	wg_poke64(WG_PAGE_B + 16, 0x4004000000000000ULL); /* 2.5 */
	assert_int_equal(wg_insert(GDB_WATCH_WRITE, WG_PAGE_B, 8), HV_OK);
	wg_resume(true);
	assert_false(wg_run());
	assert_int_equal(wg_faults[0], 0);
	wg_interrupt();
	assert_int_equal(wg_reg(T0), 0x1111);
	assert_int_equal(wg_reg(T1), 0xfe);
	assert_int_equal(wg_reg(GDB_REG_F0 + 2), 0x4004000000000000ULL);
}

/* Every access the hypervisor completes on a read-watched page, as the
 * hart would have: widths, sign extension, AMOs, FP (FLW NaN-boxed),
 * compressed forms; decoded from the instruction at sepc, then from
 * htinst. */
static void test_emulated_accesses(void **state)
{
	const uint64_t a1 = 0x1122334455667788ULL;
	const uint32_t program[] = {
		wg_load(LB, S2, A0, 0),
		wg_load(LBU, S3, A0, 0),
		wg_load(LH, S4, A0, 0),
		wg_load(LWU, S5, A0, 0),
		wg_load(LD, S6, A0, 8),
		wg_store(SB, A1, A0, 0x20),
		wg_store(SH, A1, A0, 0x22),
		wg_store(SW, A1, A0, 0x24),
		wg_store(SD, A1, A0, 0x28),
		wg_amo(0, 3, A5, A1, T0),    /* amoadd.d a5, a1, (t0) */
		wg_amo(1, 2, T1, A1, T2),    /* amoswap.w t1, a1, (t2) */
		wg_fp_load(2, 3, A0, 0x10),  /* flw f3 */
		wg_fp_load(3, 4, A0, 8),     /* fld f4 */
		wg_fp_store(2, 4, A0, 0x30), /* fsw f4: its low word */
		wg_fp_store(3, 4, A0, 0x38), /* fsd f4 */
		0x6104U,		     /* c.ld s1, 0(a0) */
		0xe10cU,		     /* c.sd a1, 0(a0) */
	};

	(void)state;
	for (int htinst = 0; htinst <= 1; htinst++) {
		if (htinst)
			wg_setup(NULL);
		wg_htinst = htinst;
		wg_program(program, ARRAY_SIZE(program));
		wg_v0->arch.gpr[A0] = WG_PAGE_D;
		wg_v0->arch.gpr[A1] = a1;
		wg_v0->arch.gpr[T0] = WG_PAGE_D + 0x40;
		wg_v0->arch.gpr[T2] = WG_PAGE_D + 0x48;
		wg_poke64(WG_PAGE_D, 0xffffffffffffff80ULL);
		wg_poke64(WG_PAGE_D + 8, 0x0102030405060708ULL);
		wg_poke64(WG_PAGE_D + 0x10, 0x3fc00000); /* 1.5f */
		wg_poke64(WG_PAGE_D + 0x40, 10);
		wg_poke64(WG_PAGE_D + 0x48, 0x0000000180000000ULL);
		assert_int_equal(
			wg_insert(GDB_WATCH_READ, WG_PAGE_D + 0xff8, 8), HV_OK);
		wg_resume(true);
		assert_false(wg_run());
		assert_int_equal(wg_stops, 0);
		assert_int_equal(wg_faults[0], ARRAY_SIZE(program));
		assert_int_equal(wg_perms(WG_PAGE_D), STAGE2_EXEC);
		wg_interrupt();
		assert_int_equal(wg_reg(S2), 0xffffffffffffff80ULL);
		assert_int_equal(wg_reg(S3), 0x80);
		assert_int_equal(wg_reg(S4), 0xffffffffffffff80ULL);
		assert_int_equal(wg_reg(S5), 0xffffff80ULL);
		assert_int_equal(wg_reg(S6), 0x0102030405060708ULL);
		assert_int_equal(wg_peek64(WG_PAGE_D + 0x20),
				 0x5566778877880088ULL);
		assert_int_equal(wg_peek64(WG_PAGE_D + 0x28), a1);
		assert_int_equal(wg_reg(A5), 10);
		assert_int_equal(wg_peek64(WG_PAGE_D + 0x40), 10 + a1);
		/* amoswap.w: the old word sign-extended, the next one kept */
		assert_int_equal(wg_reg(T1), 0xffffffff80000000ULL);
		assert_int_equal(wg_peek64(WG_PAGE_D + 0x48),
				 0x0000000155667788ULL);
		assert_int_equal(wg_reg(GDB_REG_F0 + 3), 0xffffffff3fc00000ULL);
		assert_int_equal(wg_reg(GDB_REG_F0 + 4), 0x0102030405060708ULL);
		assert_int_equal(wg_peek64(WG_PAGE_D + 0x30), 0x05060708);
		assert_int_equal(wg_peek64(WG_PAGE_D + 0x38),
				 0x0102030405060708ULL);
		assert_int_equal(wg_reg(S1), 0xffffffffffffff80ULL);
		assert_int_equal(wg_peek64(WG_PAGE_D), a1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define TEST(fn) cmocka_unit_test_setup(fn, wg_setup)
		TEST(test_pages_protected_by_kind),
		TEST(test_range_across_pages),
		TEST(test_insert_errors),
		TEST(test_write_watch_stops_before_the_store),
		TEST(test_two_watches_on_one_page),
		TEST(test_access_watch_reports_both),
		TEST(test_write_watch_leaves_loads_alone),
		TEST(test_emulated_accesses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
