// SPDX-License-Identifier: MIT
/*
 * Host unit tests for host DTB parsing (hv/platform.c) with DTBs built
 * here through libfdt's sequential-write API: a minimal valid machine,
 * then one thing at a time broken or missing. Every broken DTB must give
 * HV_EFORMAT and a reason naming what is wrong.
 */
#include "platform_test_dtb.h"

/* Defined in hv/boot.c on the target; platform.h declares it extern. */
struct platform platform;

static void test_good_machine(void **state)
{
	struct machine m = good();

	(void)state;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_harts, 2);
	assert_int_equal(out.hartids[0], 10);
	assert_int_equal(out.hartids[1], 11);
	assert_int_equal(out.num_unused, 0);
	assert_string_equal(out.isa, ISA_H);
	assert_string_equal(out.mmu_type, "riscv,sv57");
	assert_true(out.has_sstc);
	assert_int_equal(out.timebase_frequency, 10000000);
	assert_int_equal(out.ram_base, 0x80000000);
	assert_int_equal(out.ram_size, 0x40000000);
	assert_int_equal(out.uart_base, 0x10000000);
	assert_int_equal(out.uart_irq, 10);
	assert_int_equal(out.plic_base, 0x0c000000);
	assert_int_equal(out.pci_ecam_base, 0x30000000);
	assert_int_equal(out.pci_io_base, 0x03000000);
	assert_int_equal(out.initrd_start, 0);
	assert_int_equal(out.num_reserved, 0);
}

static void test_missing_pieces(void **state)
{
	struct machine m;

	(void)state;
	m = good(), m.no_cpus = true;
	expect_error(&m, "/cpus");
	m = good(), m.timebase_len = 0;
	expect_error(&m, "timebase-frequency");
	m = good(), m.timebase_len = 2;
	expect_error(&m, "timebase-frequency");
	m = good(), m.num_cpus = 0;
	expect_error(&m, "H extension");
	m = good(), m.no_memory = true;
	expect_error(&m, "memory");
	m = good(), m.memory_reg_len = 8;
	expect_error(&m, "memory");
	m = good(), m.memory_type = "mem";
	expect_error(&m, "memory");
	m = good(), m.no_uart = true;
	expect_error(&m, "UART");
	m = good(), m.no_plic = true;
	expect_error(&m, "PLIC");
}

static void test_no_h_hart(void **state)
{
	struct machine m = good();

	(void)state;
	m.cpu[0].isa = m.cpu[1].isa = ISA_NO_H;
	expect_error(&m, "H extension");
	/* The only H hart is disabled. */
	m = good();
	m.cpu[0].isa = ISA_NO_H;
	m.cpu[1].status = "disabled";
	expect_error(&m, "H extension");
	/* An H hart without riscv,isa, reg or the right type is no hart. */
	m = good();
	m.cpu[0].isa = NULL;
	m.cpu[1].reg_len = -1;
	expect_error(&m, "H extension");
	m.cpu[1].reg_len = 2;
	expect_error(&m, "H extension");
	m.cpu[1].reg_len = 0;
	m.cpu[1].type = "memory";
	expect_error(&m, "H extension");
	assert_int_equal(out.num_harts, 0);
}

/* The ISA comes from the first enabled H hart; the others are listed as
 * unused with their reason. */
static void test_first_usable_hart(void **state)
{
	struct machine m = good();

	(void)state;
	m.num_cpus = 4;
	m.boot_hartid = 12;
	m.cpu[0].isa = ISA_NO_H;
	m.cpu[1].status = "disabled";
	m.cpu[2].isa = "rv64imafdch_zicsr";
	m.cpu[2].mmu = NULL;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_harts, 2);
	assert_int_equal(out.hartids[0], 12);
	assert_int_equal(out.hartids[1], 13);
	assert_int_equal(out.num_unused, 2);
	assert_int_equal(out.unused[0].hartid, 10);
	assert_int_equal(out.unused[0].reason, PLATFORM_HART_NO_H);
	assert_int_equal(out.unused[1].hartid, 11);
	assert_int_equal(out.unused[1].reason, PLATFORM_HART_DISABLED);
	assert_string_equal(out.isa, "rv64imafdch_zicsr");
	assert_string_equal(out.mmu_type, "riscv,sv39"); /* the default */
	assert_false(out.has_sstc);
	/* No status property, or the older "ok", means enabled. */
	m = good();
	m.cpu[0].status = NULL;
	m.cpu[1].status = "ok";
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_harts, 2);
	assert_int_equal(out.num_unused, 0);
}

/* Usable harts past HV_MAX_HARTS get no slot but are counted, not lost
 * (this used to stop at HV_MAX_HARTS and forget the rest). */
static void test_too_many_harts(void **state)
{
	struct machine m = good();

	(void)state;
	m.num_cpus = HV_MAX_HARTS + 4;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_harts, HV_MAX_HARTS);
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		assert_int_equal(out.hartids[i], 10 + i);
	assert_int_equal(out.num_unused, 4);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(out.unused[i].hartid, 10 + HV_MAX_HARTS + i);
		assert_int_equal(out.unused[i].reason, PLATFORM_HART_NO_SLOT);
	}
}

static void test_long_strings_truncated(void **state)
{
	static char isa[PLATFORM_ISA_MAX + 100], mmu[100];
	struct machine m = good();

	(void)state;
	memset(isa, 'x', sizeof(isa) - 1);
	memcpy(isa, "rv64imafdch_", 12);
	memset(mmu, 'm', sizeof(mmu) - 1);
	m.cpu[0].isa = isa;
	m.cpu[0].mmu = mmu;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(strlen(out.isa), PLATFORM_ISA_MAX - 1);
	assert_memory_equal(out.isa, isa, PLATFORM_ISA_MAX - 1);
	assert_int_equal(strlen(out.mmu_type), sizeof(out.mmu_type) - 1);
}

static void test_timebase_64bit(void **state)
{
	struct machine m = good();

	(void)state;
	m.timebase_len = 8;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.timebase_frequency, UINT64_C(0x100000007));
}

static void test_optional_devices(void **state)
{
	struct machine m = good();

	(void)state;
	m.uart_no_irq = true;
	m.plic_sifive_only = true;
	m.no_pci = true;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.uart_irq, 0);
	assert_int_equal(out.plic_base, 0x0c000000);
	assert_int_equal(out.plic_size, 0x600000);
	assert_int_equal(out.pci_ecam_base, 0);
	assert_int_equal(out.pci_io_base, 0);
	/* The I/O window is found whichever entry it is. */
	m = good();
	m.pci_io_second = true;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.pci_io_base, 0x03000000);
}

static void test_initrd(void **state)
{
	struct machine m = good();

	(void)state;
	for (int cells = 1; cells <= 2; cells++) {
		m.initrd_cells = m.initrd_end_cells = cells;
		assert_int_equal(parse(&m), HV_OK);
		assert_int_equal(out.initrd_start, 0x88000000);
		assert_int_equal(out.initrd_end, 0x88100000);
	}
	/* Half a range, odd widths or mismatched widths: ignored. */
	static const int bad[][2] = {{1, 0}, {0, 1}, {3, 3}, {2, 1}, {1, 2}};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		m.initrd_cells = bad[i][0];
		m.initrd_end_cells = bad[i][1];
		assert_int_equal(parse(&m), HV_OK);
		if (out.initrd_start || out.initrd_end)
			fail_msg("cells %d/%d: initrd %#lx-%#lx", bad[i][0],
				 bad[i][1], (unsigned long)out.initrd_start,
				 (unsigned long)out.initrd_end);
	}
}

/* /chosen/rng-seed: copied up to PLATFORM_RNG_SEED_MAX bytes; none
 * when absent. (Each byte here is its index + 1.) */
static void test_rng_seed(void **state)
{
	static const unsigned lengths[] = {
		0,  1, 32, PLATFORM_RNG_SEED_MAX, PLATFORM_RNG_SEED_MAX + 1,
		200};
	struct machine m = good();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(lengths); i++) {
		unsigned want = lengths[i] < PLATFORM_RNG_SEED_MAX
					? lengths[i]
					: PLATFORM_RNG_SEED_MAX;

		m.rng_seed_len = lengths[i];
		assert_int_equal(parse(&m), HV_OK);
		assert_int_equal(out.rng_seed_len, want);
		for (unsigned k = 0; k < want; k++)
			assert_int_equal(out.rng_seed[k], k + 1);
	}
	/* Once used, the DTB's copy is zeroed in place, all of it. */
	m.rng_seed_len = 100;
	assert_int_equal(parse(&m), HV_OK);
	platform_wipe_rng_seed(dtb);
	int len = 0;
	const uint8_t *left = fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"),
					  "rng-seed", &len);

	assert_non_null(left);
	assert_int_equal(len, 100);
	for (int k = 0; k < len; k++)
		assert_int_equal(left[k], 0);
	assert_int_equal(fdt_check_full(dtb, sizeof(dtb)), 0);
	/* A DTB without one is left alone. */
	m.rng_seed_len = 0;
	assert_int_equal(parse(&m), HV_OK);
	platform_wipe_rng_seed(dtb);
	assert_int_equal(fdt_check_full(dtb, sizeof(dtb)), 0);
}

static void test_reserved_memory(void **state)
{
	struct machine m = good();

	(void)state;
	/* Nodes with a reg are kept; a dynamic one (size only) is not. */
	m.reserved = 3;
	m.reserved_without_reg = 1;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_reserved, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(out.reserved_base[i],
				 0x80000000 + 0x100000 * i);
		assert_int_equal(out.reserved_size[i], 0x1000 * (i + 1));
	}
	/* Every reg entry of a node, not just the first. */
	m.reserved = 2;
	m.reserved_two_entries = true;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_reserved, 4);
	assert_int_equal(out.reserved_base[1], 0x80010000);
	assert_int_equal(out.reserved_size[1], 0x2000);
	assert_int_equal(out.reserved_base[3], 0x80110000);
	/* The node's own cells, not the root's. */
	m.reserved_one_cell = true;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_reserved, 4);
	assert_int_equal(out.reserved_base[2], 0x80100000);
	assert_int_equal(out.reserved_size[2], 0x2000);
	assert_int_equal(out.reserved_size[3], 0x2000);
}

/* /memreserve/ entries of the header come first. */
static void test_memreserve_entries(void **state)
{
	struct machine m = good();

	(void)state;
	m.memreserve = 2;
	m.reserved = 1;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_reserved, 3);
	assert_int_equal(out.reserved_base[0], 0x90000000);
	assert_int_equal(out.reserved_size[0], 0x1000);
	assert_int_equal(out.reserved_base[1], 0x90010000);
	assert_int_equal(out.reserved_size[1], 0x2000);
	assert_int_equal(out.reserved_base[2], 0x80000000);
}

/* What cannot be honoured exactly refuses the boot, with a reason. */
static void test_reserved_memory_refused(void **state)
{
	struct machine m = good();

	(void)state;
	m.reserved = PLATFORM_MAX_RESERVED + 1;
	expect_error(&m, "more than 32 reserved memory regions");
	m.reserved = PLATFORM_MAX_RESERVED - 1;
	m.memreserve = 2;
	expect_error(&m, "more than 32 reserved memory regions");
	m.memreserve = 1;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_reserved, PLATFORM_MAX_RESERVED);

	m = good();
	m.reserved = 1;
	m.reserved_without_reg = 1;
	m.reserved_empty = true;
	expect_error(&m, "reserved-memory node region@1 has no reg");
	m = good();
	m.reserved = 1;
	m.reserved_reg_len = 12;
	expect_error(&m, "reserved-memory node region@0: reg of 12 bytes");
	m.reserved_reg_len = 0;
	m.reserved_size0 = UINT64_MAX;
	expect_error(&m, "wraps past the top");
}

/* The DTB is as long as its header says, whatever that is. */
static void test_dtb_size_from_header(void **state)
{
	struct machine m = good();

	(void)state;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.dtb_size, fdt_totalsize(dtb));
	assert_true(out.dtb_size > 0 && out.dtb_size <= sizeof(dtb));
	CHECK(fdt_open_into(dtb, dtb, 12000));
	assert_int_equal(
		platform_parse(dtb, m.boot_hartid, &out, err, sizeof(err)),
		HV_OK);
	assert_int_equal(out.dtb_size, 12000);
}

/* A structure block libfdt would read misaligned is a bad header. */
static void test_misaligned_blocks(void **state)
{
	struct machine m = good();

	(void)state;
	build(&m);
	fdt_set_off_dt_struct(dtb, fdt_off_dt_struct(dtb) + 2);
	assert_int_equal(platform_parse(dtb, 10, &out, err, sizeof(err)),
			 HV_EFORMAT);
	assert_string_equal(err, "bad DTB header");
	build(&m);
	fdt_set_off_mem_rsvmap(dtb, fdt_off_mem_rsvmap(dtb) + 4);
	assert_int_equal(platform_parse(dtb, 10, &out, err, sizeof(err)),
			 HV_EFORMAT);
	assert_string_equal(err, "bad DTB header");
}

/* The S-mode PLIC context of each hart comes from interrupts-extended. */
static void test_plic_contexts(void **state)
{
	struct machine m = good();

	(void)state;
	m.num_cpus = 3;
	m.boot_hartid = 11;
	assert_int_equal(parse(&m), HV_OK);
	/* QEMU's layout: cpu i (hart 10 + i) has S context 2i + 1. */
	assert_int_equal(platform_plic_s_context(&out, 10), 1);
	assert_int_equal(platform_plic_s_context(&out, 11), 3);
	assert_int_equal(platform_plic_s_context(&out, 12), 5);
	assert_int_equal(platform_plic_s_context(&out, 13), -1);
	assert_int_equal(out.plic_s_context[0], 3); /* the boot hart's */

	/* No M contexts, harts listed backwards: not 2h + 1. */
	m.plic_layout = PLIC_S_ONLY_REVERSED;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(platform_plic_s_context(&out, 12), 0);
	assert_int_equal(platform_plic_s_context(&out, 11), 1);
	assert_int_equal(platform_plic_s_context(&out, 10), 2);

	/* A hart without H has no slot, whatever its context. */
	m.plic_layout = PLIC_QEMU;
	m.cpu[2].isa = ISA_NO_H;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(platform_plic_s_context(&out, 12), -1);

	/* Nothing wired to the boot hart: refused, it takes the host's
	 * interrupts. */
	m.plic_layout = PLIC_NONE;
	expect_error(&m, "wires no S-mode context to boot hart 11");
}

/* A string property without its NUL is no string: never read past it. */
static void test_unterminated_strings(void **state)
{
	struct machine m = good();
	int node;

	(void)state;
	build(&m);
	node = fdt_path_offset(dtb, "/cpus/cpu@0");
	assert_true(node >= 0);
	CHECK(fdt_setprop(dtb, node, "riscv,isa", "rv64imafdch", 11));
	node = fdt_path_offset(dtb, "/cpus/cpu@1");
	CHECK(fdt_setprop(dtb, node, "mmu-type", "riscv,sv48", 10));
	assert_int_equal(platform_parse(dtb, 11, &out, err, sizeof(err)),
			 HV_OK);
	assert_int_equal(out.num_harts, 1);
	assert_string_equal(out.mmu_type, "riscv,sv39");
	CHECK(fdt_setprop(dtb, node, "riscv,isa", "rv64imafdch", 11));
	assert_int_equal(platform_parse(dtb, 11, &out, err, sizeof(err)),
			 HV_EFORMAT);
	assert_non_null(strstr(err, "no enabled hart has the H extension"));
}

/* A short error buffer is filled, terminated, and not overrun. */
static void test_short_error_buffer(void **state)
{
	struct machine m = good();
	char small[8 + 4];

	(void)state;
	m.no_cpus = true;
	build(&m);
	memset(small, '#', sizeof(small));
	assert_int_equal(platform_parse(dtb, 10, &out, small, 8), HV_EFORMAT);
	assert_int_equal(strlen(small), 7);
	assert_memory_equal(small + 8, "####", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_machine),
		cmocka_unit_test(test_missing_pieces),
		cmocka_unit_test(test_no_h_hart),
		cmocka_unit_test(test_first_usable_hart),
		cmocka_unit_test(test_too_many_harts),
		cmocka_unit_test(test_long_strings_truncated),
		cmocka_unit_test(test_timebase_64bit),
		cmocka_unit_test(test_optional_devices),
		cmocka_unit_test(test_initrd),
		cmocka_unit_test(test_rng_seed),
		cmocka_unit_test(test_reserved_memory),
		cmocka_unit_test(test_memreserve_entries),
		cmocka_unit_test(test_reserved_memory_refused),
		cmocka_unit_test(test_dtb_size_from_header),
		cmocka_unit_test(test_unterminated_strings),
		cmocka_unit_test(test_misaligned_blocks),
		cmocka_unit_test(test_plic_contexts),
		cmocka_unit_test(test_short_error_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
