// SPDX-License-Identifier: MIT
/*
 * Host unit tests for host DTB parsing (hv/platform.c) with DTBs built
 * here through libfdt's sequential-write API: a minimal valid machine,
 * then one thing at a time broken or missing. Every broken DTB must give
 * HV_EFORMAT and a reason naming what is wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <hv/errno.h>
#include <hv/platform.h>

/* Defined in hv/boot.c on the target; platform.h declares it extern. */
struct platform platform;

#define MAX_CPUS 12
#define ISA_H "rv64imafdch_zicsr_zifencei_sstc"
#define ISA_NO_H "rv64imafdc_zicsr_zifencei"

struct cpu_desc {
	const char *isa;    /* NULL: no riscv,isa */
	const char *status; /* NULL: no status */
	const char *type;   /* device_type; NULL means "cpu" */
	const char *mmu;    /* NULL: no mmu-type */
	int reg_len;	    /* 0 means 4; -1: no reg */
};

struct machine {
	bool no_cpus, no_memory, no_uart, no_plic, no_pci;
	int timebase_len; /* 4, 8; 0: absent; other: malformed */
	unsigned num_cpus;
	struct cpu_desc cpu[MAX_CPUS];
	int memory_reg_len;	 /* 0 means 16 */
	const char *memory_type; /* NULL: "memory" */
	bool uart_no_irq, plic_sifive_only, pci_io_second;
	int initrd_cells, initrd_end_cells; /* 0: absent */
	unsigned reserved, reserved_without_reg;
};

static char dtb[16384];

#define CHECK(x) assert_int_equal((x), 0)

static void prop_u64s(const char *name, const uint64_t *v, int n, int bytes)
{
	fdt32_t cells[16];

	for (int i = 0; i < n; i++) {
		cells[2 * i] = cpu_to_fdt32((uint32_t)(v[i] >> 32));
		cells[2 * i + 1] = cpu_to_fdt32((uint32_t)v[i]);
	}
	CHECK(fdt_property(dtb, name, cells, bytes));
}

/* value in `cells` big-endian cells (its low bits, zero-extended). */
static void prop_cells(const char *name, uint64_t value, int cells)
{
	fdt32_t v[4];

	for (int i = cells - 1; i >= 0; i--, value >>= 32)
		v[i] = cpu_to_fdt32((uint32_t)value);
	CHECK(fdt_property(dtb, name, v, 4 * cells));
}

static void reg(uint64_t base, uint64_t size, int bytes)
{
	uint64_t v[2] = {base, size};

	prop_u64s("reg", v, 2, bytes);
}

static void build_cpus(const struct machine *m)
{
	CHECK(fdt_begin_node(dtb, "cpus"));
	CHECK(fdt_property_u32(dtb, "#address-cells", 1));
	CHECK(fdt_property_u32(dtb, "#size-cells", 0));
	if (m->timebase_len == 8)
		CHECK(fdt_property_u64(dtb, "timebase-frequency",
				       UINT64_C(0x100000000) + 7));
	else if (m->timebase_len == 4)
		CHECK(fdt_property_u32(dtb, "timebase-frequency", 10000000));
	else if (m->timebase_len)
		CHECK(fdt_property(dtb, "timebase-frequency", "\x01\x02",
				   m->timebase_len));
	/* A QEMU-like cpu-map node: no device_type, must be skipped. */
	CHECK(fdt_begin_node(dtb, "cpu-map"));
	CHECK(fdt_end_node(dtb));
	for (unsigned i = 0; i < m->num_cpus; i++) {
		const struct cpu_desc *c = &m->cpu[i];
		char name[16];
		fdt32_t hartid[2] = {cpu_to_fdt32(i + 10), 0};

		snprintf(name, sizeof(name), "cpu@%u", i);
		CHECK(fdt_begin_node(dtb, name));
		CHECK(fdt_property_string(dtb, "device_type",
					  c->type ? c->type : "cpu"));
		if (c->reg_len >= 0)
			CHECK(fdt_property(dtb, "reg", hartid,
					   c->reg_len ? c->reg_len : 4));
		if (c->status)
			CHECK(fdt_property_string(dtb, "status", c->status));
		if (c->isa)
			CHECK(fdt_property_string(dtb, "riscv,isa", c->isa));
		if (c->mmu)
			CHECK(fdt_property_string(dtb, "mmu-type", c->mmu));
		CHECK(fdt_end_node(dtb));
	}
	CHECK(fdt_end_node(dtb));
}

static void build_soc(const struct machine *m)
{
	CHECK(fdt_begin_node(dtb, "soc"));
	if (!m->no_uart) {
		CHECK(fdt_begin_node(dtb, "serial@10000000"));
		CHECK(fdt_property_string(dtb, "compatible", "ns16550a"));
		reg(0x10000000, 0x100, 16);
		if (!m->uart_no_irq)
			CHECK(fdt_property_u32(dtb, "interrupts", 10));
		CHECK(fdt_end_node(dtb));
	}
	if (!m->no_plic) {
		static const char both[] = "sifive,plic-1.0.0\0riscv,plic0";

		CHECK(fdt_begin_node(dtb, "plic@c000000"));
		if (m->plic_sifive_only)
			CHECK(fdt_property_string(dtb, "compatible",
						  "sifive,plic-1.0.0"));
		else
			CHECK(fdt_property(dtb, "compatible", both,
					   sizeof(both)));
		reg(0x0c000000, 0x600000, 16);
		CHECK(fdt_end_node(dtb));
	}
	if (!m->no_pci) {
		/* (flags, pci hi, lo, cpu hi, lo, size hi, lo) per entry */
		const uint32_t mem[7] = {0x02000000, 0, 0x40000000, 0,
					 0x40000000, 0, 0x40000000};
		const uint32_t io[7] = {0x01000000, 0, 0,      0,
					0x03000000, 0, 0x10000};
		const uint32_t *order[2] = {m->pci_io_second ? mem : io,
					    m->pci_io_second ? io : mem};
		fdt32_t ranges[14];

		for (int e = 0; e < 2; e++)
			for (int i = 0; i < 7; i++)
				ranges[e * 7 + i] = cpu_to_fdt32(order[e][i]);
		CHECK(fdt_begin_node(dtb, "pci@30000000"));
		CHECK(fdt_property_string(dtb, "compatible",
					  "pci-host-ecam-generic"));
		reg(0x30000000, 0x10000000, 16);
		CHECK(fdt_property(dtb, "ranges", ranges, sizeof(ranges)));
		CHECK(fdt_end_node(dtb));
	}
	CHECK(fdt_end_node(dtb));
}

static void build_chosen_and_reserved(const struct machine *m)
{
	uint64_t start = 0x88000000, end = 0x88100000;

	CHECK(fdt_begin_node(dtb, "chosen"));
	if (m->initrd_cells)
		prop_cells("linux,initrd-start", start, m->initrd_cells);
	if (m->initrd_end_cells)
		prop_cells("linux,initrd-end", end, m->initrd_end_cells);
	CHECK(fdt_end_node(dtb));
	if (!m->reserved && !m->reserved_without_reg)
		return;
	CHECK(fdt_begin_node(dtb, "reserved-memory"));
	for (unsigned i = 0; i < m->reserved + m->reserved_without_reg; i++) {
		char name[32];

		snprintf(name, sizeof(name), "region@%u", i);
		CHECK(fdt_begin_node(dtb, name));
		if (i >= m->reserved_without_reg)
			reg(0x80000000 + 0x100000 * (uint64_t)i,
			    0x1000 * (i + 1), 16);
		CHECK(fdt_end_node(dtb));
	}
	CHECK(fdt_end_node(dtb));
}

static void build(const struct machine *m)
{
	CHECK(fdt_create(dtb, sizeof(dtb)));
	CHECK(fdt_finish_reservemap(dtb));
	CHECK(fdt_begin_node(dtb, ""));
	CHECK(fdt_property_u32(dtb, "#address-cells", 2));
	CHECK(fdt_property_u32(dtb, "#size-cells", 2));
	if (!m->no_memory) {
		CHECK(fdt_begin_node(dtb, "memory@80000000"));
		CHECK(fdt_property_string(dtb, "device_type",
					  m->memory_type ? m->memory_type
							 : "memory"));
		reg(0x80000000, 0x40000000,
		    m->memory_reg_len ? m->memory_reg_len : 16);
		CHECK(fdt_end_node(dtb));
	}
	if (!m->no_cpus)
		build_cpus(m);
	build_soc(m);
	build_chosen_and_reserved(m);
	CHECK(fdt_end_node(dtb));
	CHECK(fdt_finish(dtb));
}

/* A machine that parses: two H harts, everything present. */
static struct machine good(void)
{
	struct machine m = {.timebase_len = 4, .num_cpus = 2};

	for (unsigned i = 0; i < MAX_CPUS; i++)
		m.cpu[i] = (struct cpu_desc){
			.isa = ISA_H, .status = "okay", .mmu = "riscv,sv57"};
	return m;
}

static struct platform out;
static char err[128];

static int parse(const struct machine *m)
{
	build(m);
	memset(err, 0, sizeof(err));
	return platform_parse(dtb, &out, err, sizeof(err));
}

static void expect_error(const struct machine *m, const char *reason)
{
	int ret = parse(m);

	if (ret != HV_EFORMAT)
		fail_msg("want HV_EFORMAT (%s), got %d", reason, ret);
	if (!strstr(err, reason))
		fail_msg("reason \"%s\" does not mention \"%s\"", err, reason);
}

static void test_good_machine(void **state)
{
	struct machine m = good();

	(void)state;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_harts, 2);
	assert_int_equal(out.harts[0].hartid, 10);
	assert_int_equal(out.harts[1].hartid, 11);
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

/* The ISA comes from the first enabled H hart; others still count. */
static void test_first_usable_hart(void **state)
{
	struct machine m = good();

	(void)state;
	m.num_cpus = 4;
	m.cpu[0].isa = ISA_NO_H;
	m.cpu[1].status = "disabled";
	m.cpu[2].isa = "rv64imafdch_zicsr";
	m.cpu[2].mmu = NULL;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_harts, 4);
	assert_false(out.harts[0].has_h);
	assert_true(out.harts[0].enabled);
	assert_true(out.harts[1].has_h);
	assert_false(out.harts[1].enabled);
	assert_true(out.harts[2].has_h && out.harts[2].enabled);
	assert_string_equal(out.isa, "rv64imafdch_zicsr");
	assert_string_equal(out.mmu_type, "riscv,sv39"); /* the default */
	assert_false(out.has_sstc);
	/* No status property means enabled. */
	m = good();
	m.cpu[0].status = NULL;
	assert_int_equal(parse(&m), HV_OK);
	assert_true(out.harts[0].enabled);
}

static void test_too_many_harts(void **state)
{
	struct machine m = good();

	(void)state;
	m.num_cpus = MAX_CPUS;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_harts, HV_MAX_HARTS);
	assert_int_equal(out.harts[HV_MAX_HARTS - 1].hartid,
			 10 + HV_MAX_HARTS - 1);
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

static void test_reserved_memory(void **state)
{
	struct machine m = good();

	(void)state;
	m.reserved = 3;
	m.reserved_without_reg = 1;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_reserved, 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(out.reserved_base[i],
				 0x80000000 + 0x100000 * (i + 1));
		assert_int_equal(out.reserved_size[i], 0x1000 * (i + 2));
	}
	m.reserved = PLATFORM_MAX_RESERVED + 3;
	m.reserved_without_reg = 0;
	assert_int_equal(parse(&m), HV_OK);
	assert_int_equal(out.num_reserved, PLATFORM_MAX_RESERVED);
	assert_int_equal(out.reserved_size[PLATFORM_MAX_RESERVED - 1],
			 0x1000 * PLATFORM_MAX_RESERVED);
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
	assert_int_equal(platform_parse(dtb, &out, small, 8), HV_EFORMAT);
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
		cmocka_unit_test(test_reserved_memory),
		cmocka_unit_test(test_short_error_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
