/* SPDX-License-Identifier: MIT */
/*
 * Synthetic host DTBs for the platform parser tests
 * (tests/unit/test_platform_synthetic.c, test_platform_harts.c), built
 * through libfdt's sequential-write API: a minimal valid machine that
 * each case changes in one way. Each test program includes this header
 * once.
 */
#ifndef TEST_PLATFORM_DTB_H
#define TEST_PLATFORM_DTB_H

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

#define MAX_CPUS 32
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
	const unsigned *hartids;   /* NULL: cpu i has hart id 10 + i */
	unsigned long boot_hartid; /* the hart that runs the parse */
	int memory_reg_len;	   /* 0 means 16 */
	const char *memory_type;   /* NULL: "memory" */
	bool uart_no_irq, plic_sifive_only, pci_io_second;
	int initrd_cells, initrd_end_cells; /* 0: absent */
	unsigned rng_seed_len;		    /* /chosen/rng-seed; 0: absent */
	/* /reserved-memory: `reserved` nodes with a reg (two entries each
	 * if reserved_two_entries), then reserved_without_reg nodes with
	 * only a "size" (dynamic), or with nothing if reserved_empty. With
	 * reserved_one_cell the node has #address/#size-cells 1. */
	unsigned reserved, reserved_without_reg;
	bool reserved_two_entries, reserved_empty, reserved_one_cell;
	int reserved_reg_len;	 /* 0: the right length */
	uint64_t reserved_size0; /* 0: the usual size of node 0 */
	unsigned memreserve;	 /* /memreserve/ entries */
	/* The PLIC's interrupts-extended: QEMU's (M then S context for
	 * each cpu in DTB order), S contexts only in reverse cpu order,
	 * or none. Cpu i's interrupt controller has phandle 100 + i. */
	enum {
		PLIC_QEMU,
		PLIC_S_ONLY_REVERSED,
		PLIC_NONE
	} plic_layout;
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
		unsigned id = m->hartids ? m->hartids[i] : i + 10;
		fdt32_t hartid[2] = {cpu_to_fdt32(id), 0};

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
		CHECK(fdt_begin_node(dtb, "interrupt-controller"));
		CHECK(fdt_property_string(dtb, "compatible", "riscv,cpu-intc"));
		CHECK(fdt_property_u32(dtb, "phandle", 100 + i));
		CHECK(fdt_end_node(dtb));
		CHECK(fdt_end_node(dtb));
	}
	CHECK(fdt_end_node(dtb));
}

static void plic_contexts(const struct machine *m)
{
	fdt32_t cells[4 * MAX_CPUS];
	unsigned n = 0;

	for (unsigned k = 0; k < m->num_cpus; k++) {
		unsigned i = m->plic_layout == PLIC_S_ONLY_REVERSED
				     ? m->num_cpus - 1 - k
				     : k;

		if (m->plic_layout == PLIC_QEMU) {
			cells[n++] = cpu_to_fdt32(100 + i);
			cells[n++] = cpu_to_fdt32(11); /* M external */
		}
		cells[n++] = cpu_to_fdt32(100 + i);
		cells[n++] = cpu_to_fdt32(9); /* S external */
	}
	if (m->plic_layout != PLIC_NONE)
		CHECK(fdt_property(dtb, "interrupts-extended", cells,
				   (int)(n * sizeof(cells[0]))));
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
		plic_contexts(m);
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
	if (m->rng_seed_len) {
		uint8_t seed[256];

		assert_true(m->rng_seed_len <= sizeof(seed));
		for (unsigned i = 0; i < m->rng_seed_len; i++)
			seed[i] = (uint8_t)(i + 1);
		CHECK(fdt_property(dtb, "rng-seed", seed,
				   (int)m->rng_seed_len));
	}
	CHECK(fdt_end_node(dtb));
	if (!m->reserved && !m->reserved_without_reg)
		return;
	CHECK(fdt_begin_node(dtb, "reserved-memory"));
	if (m->reserved_one_cell) {
		CHECK(fdt_property_u32(dtb, "#address-cells", 1));
		CHECK(fdt_property_u32(dtb, "#size-cells", 1));
	}
	for (unsigned i = 0; i < m->reserved + m->reserved_without_reg; i++) {
		uint64_t base = 0x80000000 + 0x100000 * (uint64_t)i;
		uint64_t size = i == 0 && m->reserved_size0
					? m->reserved_size0
					: 0x1000 * (uint64_t)(i + 1);
		uint64_t v[4] = {base, size, base + 0x10000, 0x2000};
		fdt32_t cells[4];
		char name[32];

		snprintf(name, sizeof(name), "region@%u", i);
		CHECK(fdt_begin_node(dtb, name));
		if (i < m->reserved && m->reserved_one_cell) {
			for (int c = 0; c < 4; c++)
				cells[c] = cpu_to_fdt32((uint32_t)v[c]);
			CHECK(fdt_property(dtb, "reg", cells,
					   m->reserved_reg_len
						   ? m->reserved_reg_len
					   : m->reserved_two_entries ? 16
								     : 8));
		} else if (i < m->reserved) {
			prop_u64s("reg", v, 4,
				  m->reserved_reg_len ? m->reserved_reg_len
				  : m->reserved_two_entries ? 32
							    : 16);
		} else if (!m->reserved_empty) {
			CHECK(fdt_property_u64(dtb, "size", 0x100000));
		}
		CHECK(fdt_end_node(dtb));
	}
	CHECK(fdt_end_node(dtb));
}

static void build(const struct machine *m)
{
	CHECK(fdt_create(dtb, sizeof(dtb)));
	for (unsigned i = 0; i < m->memreserve; i++)
		CHECK(fdt_add_reservemap_entry(dtb, 0x90000000 + 0x10000 * i,
					       0x1000 * (i + 1)));
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
	struct machine m = {
		.timebase_len = 4, .num_cpus = 2, .boot_hartid = 10};

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
	return platform_parse(dtb, m->boot_hartid, &out, err, sizeof(err));
}

static void expect_error(const struct machine *m, const char *reason)
{
	int ret = parse(m);

	if (ret != HV_EFORMAT)
		fail_msg("want HV_EFORMAT (%s), got %d", reason, ret);
	if (!strstr(err, reason))
		fail_msg("reason \"%s\" does not mention \"%s\"", err, reason);
}

#endif
