// SPDX-License-Identifier: MIT
/*
 * Host unit tests for drivers/pci.c: ECAM offsets, BAR sizing, the INTx
 * swizzle (checked against the interrupt-map of a DTB QEMU 7.2 dumped),
 * and enumeration and I/O BAR assignment against a fake config space in
 * memory that behaves like PCI functions do (absent functions read
 * all-ones, BARs keep only their writable bits).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <hv/errno.h>
#include "drivers/pci.h"

#define MAX_FUNCTIONS 8

struct fake_function {
	unsigned bus, dev, fn;
	uint8_t config[256];
	uint32_t bar_mask[PCI_NUM_BARS]; /* writable bits; 0: none */
};

struct fake_space {
	struct fake_function fn[MAX_FUNCTIONS];
	unsigned count;
	unsigned highest_bus; /* highest bus any access went to */
	bool sized_while_decoding;
	bool wrote_status;
};

static struct fake_space space;

/* The test's own decoding of an ECAM offset (PCI Express base spec). */
static struct fake_function *lookup(uint64_t offset, unsigned *reg)
{
	unsigned bus = (unsigned)(offset >> 20), dev = (offset >> 15) & 0x1f,
		 fn = (offset >> 12) & 0x7;

	*reg = offset & 0xfff;
	if (bus > space.highest_bus)
		space.highest_bus = bus;
	for (unsigned i = 0; i < space.count; i++)
		if (space.fn[i].bus == bus && space.fn[i].dev == dev &&
		    space.fn[i].fn == fn)
			return &space.fn[i];
	return NULL;
}

static uint32_t fake_read(void *ctx, uint64_t offset, unsigned width)
{
	unsigned reg;
	struct fake_function *f = lookup(offset, &reg);
	uint32_t value = 0;

	assert_ptr_equal(ctx, &space);
	assert_true(width == 1 || width == 2 || width == 4);
	assert_int_equal(reg % width, 0);
	if (!f)
		return width == 4 ? 0xffffffff : (1U << (8 * width)) - 1;
	for (unsigned i = 0; i < width && reg + i < 256; i++)
		value |= (uint32_t)f->config[reg + i] << (8 * i);
	return value;
}

static void fake_write(void *ctx, uint64_t offset, unsigned width,
		       uint32_t value)
{
	unsigned reg;
	struct fake_function *f = lookup(offset, &reg);
	uint16_t command;

	assert_ptr_equal(ctx, &space);
	assert_int_equal(reg % width, 0);
	if (!f || reg >= 256)
		return;
	if (reg <= 0x06 && reg + width > 0x06)
		space.wrote_status = true; /* RW1C bits: must not happen */
	if (reg >= PCI_BAR0 && reg < PCI_BAR0 + 4 * PCI_NUM_BARS) {
		unsigned bar = (reg - PCI_BAR0) / 4;
		uint32_t old, flags;

		assert_int_equal(width, 4);
		memcpy(&old, &f->config[reg], 4);
		flags = old & ((old & PCI_BAR_IO) ? 0x3 : 0xf);
		value = (value & f->bar_mask[bar]) | flags;
		command = (uint16_t)(f->config[4] | f->config[5] << 8);
		if (command & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
			space.sized_while_decoding = true;
	}
	for (unsigned i = 0; i < width; i++)
		f->config[reg + i] = (uint8_t)(value >> (8 * i));
}

static const struct pci_config_ops fake_ops = {
	.read = fake_read,
	.write = fake_write,
};

static struct pci_host host_with_buses(unsigned buses)
{
	return (struct pci_host){&fake_ops, &space, buses};
}

static void put16(struct fake_function *f, unsigned reg, uint16_t v)
{
	f->config[reg] = (uint8_t)v;
	f->config[reg + 1] = (uint8_t)(v >> 8);
}

static void put32(struct fake_function *f, unsigned reg, uint32_t v)
{
	put16(f, reg, (uint16_t)v);
	put16(f, reg + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(const struct fake_function *f, unsigned reg)
{
	uint32_t v;

	memcpy(&v, &f->config[reg], 4);
	return v;
}

static struct fake_function *add(unsigned bus, unsigned dev, unsigned fn,
				 uint16_t vendor, uint16_t device,
				 uint32_t class_code)
{
	struct fake_function *f = &space.fn[space.count++];

	assert_true(space.count <= MAX_FUNCTIONS);
	memset(f, 0, sizeof(*f));
	f->bus = bus;
	f->dev = dev;
	f->fn = fn;
	put16(f, PCI_VENDOR_ID, vendor);
	put16(f, PCI_DEVICE_ID, device);
	put32(f, PCI_CLASS_REVISION, class_code << 8 | 0x01);
	return f;
}

/* QEMU's pci-serial as measured: BAR0 I/O, 8 ports, INTA. */
static struct fake_function *add_serial(unsigned bus, unsigned dev, unsigned fn)
{
	struct fake_function *f = add(bus, dev, fn, 0x1b36, 0x0002, 0x070002);

	put32(f, PCI_BAR0, PCI_BAR_IO);
	f->bar_mask[0] = 0xfffffff8;
	f->config[PCI_INTERRUPT_PIN] = 1;
	return f;
}

static int reset_space(void **state)
{
	(void)state;
	memset(&space, 0, sizeof(space));
	return 0;
}

static void test_ecam_offset(void **state)
{
	(void)state;
	assert_int_equal(pci_ecam_offset((struct pci_bdf){0, 0, 0}, 0), 0);
	assert_int_equal(pci_ecam_offset((struct pci_bdf){0, 1, 0}, 0), 0x8000);
	assert_int_equal(pci_ecam_offset((struct pci_bdf){0, 0, 1}, 0x3d),
			 0x103d);
	assert_int_equal(pci_ecam_offset((struct pci_bdf){1, 0, 0}, 0x10),
			 0x100010);
	assert_int_equal(pci_ecam_offset((struct pci_bdf){255, 31, 7}, 0xffc),
			 0xffffffc);
	/* Out-of-range parts cannot spill into a neighbour's space. */
	assert_int_equal(pci_ecam_offset((struct pci_bdf){0, 33, 9}, 0x1004),
			 0x1000 | 0x8000 | 0x4);
}

static void test_ecam_num_buses(void **state)
{
	(void)state;
	assert_int_equal(pci_ecam_num_buses(0x10000000), 256); /* QEMU virt */
	assert_int_equal(pci_ecam_num_buses(0x100000), 1);
	assert_int_equal(pci_ecam_num_buses(0x1fffff), 1);
	assert_int_equal(pci_ecam_num_buses(0xfffff), 0);
	assert_int_equal(pci_ecam_num_buses(0x40000000), 256);
}

static void test_bar_size(void **state)
{
	(void)state;
	assert_int_equal(pci_bar_size(0xfffffff9), 8);	      /* pci-serial */
	assert_int_equal(pci_bar_size(0x0000fff9), 8);	      /* 16-bit I/O */
	assert_int_equal(pci_bar_size(0xffffff01), 0x100);    /* I/O, 256 */
	assert_int_equal(pci_bar_size(0xfffff000), 0x1000);   /* memory */
	assert_int_equal(pci_bar_size(0xfff00008), 0x100000); /* prefetch */
	assert_int_equal(pci_bar_size(0x00000001), 0);	      /* I/O, no bits */
	assert_int_equal(pci_bar_size(0), 0); /* not implemented */
}

static void test_swizzle(void **state)
{
	(void)state;
	assert_int_equal(pci_virt_intx_plic_source(1, 1), 33); /* measured */
	assert_int_equal(pci_virt_intx_plic_source(0, 1), 32);
	assert_int_equal(pci_virt_intx_plic_source(0, 4), 35);
	assert_int_equal(pci_virt_intx_plic_source(3, 2), 32);
	assert_int_equal(pci_virt_intx_plic_source(31, 4), 34);
	assert_int_equal(pci_virt_intx_plic_source(1, 0), 0); /* no pin */
	assert_int_equal(pci_virt_intx_plic_source(1, 5), 0);
}

/* Every entry of QEMU virt's interrupt-map: (slot << 11, 0, 0, pin) ->
 * (plic phandle, source). The formula must give the same source. */
static void test_swizzle_matches_qemu_dtb(void **state)
{
	const char *slash = strrchr(__FILE__, '/');
	char path[512];
	static char dtb[64 * 1024];
	const fdt32_t *map, *mask;
	int node, len, mask_len;
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%.*s/fixtures/qemu-virt-smp4.dtb",
		 slash ? (int)(slash - __FILE__) : 1, slash ? __FILE__ : ".");
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_true(fread(dtb, 1, sizeof(dtb), f) > 0);
	fclose(f);
	node = fdt_node_offset_by_compatible(dtb, -1, "pci-host-ecam-generic");
	assert_true(node >= 0);
	mask = fdt_getprop(dtb, node, "interrupt-map-mask", &mask_len);
	map = fdt_getprop(dtb, node, "interrupt-map", &len);
	assert_non_null(mask);
	assert_non_null(map);
	assert_int_equal(mask_len, 16);
	assert_int_equal(fdt32_to_cpu(mask[0]), 0x1800); /* slot mod 4 */
	/* 4 child cells + phandle + 1 parent cell per entry */
	assert_int_equal(len, 16 * 6 * 4);
	for (int i = 0; i < 16; i++) {
		const fdt32_t *e = map + 6 * i;
		unsigned slot = fdt32_to_cpu(e[0]) >> 11;
		unsigned pin = fdt32_to_cpu(e[3]);

		assert_int_equal(pci_virt_intx_plic_source(slot, pin),
				 fdt32_to_cpu(e[5]));
		/* The mask means slot and slot + 4 share a routing. */
		assert_int_equal(pci_virt_intx_plic_source(slot + 4, pin),
				 fdt32_to_cpu(e[5]));
	}
}

static void test_find_on_bus0(void **state)
{
	struct pci_host host = host_with_buses(256);
	struct pci_device_info info;

	(void)state;
	add(0, 0, 0, 0x1b36, 0x0008, 0x060000); /* QEMU's host bridge */
	add_serial(0, 1, 0);
	assert_int_equal(pci_find_device(&host, 0x1b36, 0x0002, &info), HV_OK);
	assert_int_equal(info.bdf.bus, 0);
	assert_int_equal(info.bdf.dev, 1);
	assert_int_equal(info.bdf.fn, 0);
	assert_int_equal(info.vendor, 0x1b36);
	assert_int_equal(info.device, 0x0002);
	assert_int_equal(info.class_code, 0x070002);
}

static void test_find_absent(void **state)
{
	struct pci_host host = host_with_buses(256);
	struct pci_device_info info;

	(void)state;
	add(0, 0, 0, 0x1b36, 0x0008, 0x060000);
	assert_int_equal(pci_find_device(&host, 0x1b36, 0x0002, &info),
			 HV_ENOENT);
	/* The whole window was scanned, and nothing past it. */
	assert_int_equal(space.highest_bus, 255);
	/* All-ones is what nothing reads as; never a match. */
	assert_int_equal(pci_find_device(&host, 0xffff, 0xffff, &info),
			 HV_ENOENT);
}

static void test_find_multifunction(void **state)
{
	struct pci_host host = host_with_buses(1);
	struct pci_device_info info;

	(void)state;
	add(0, 2, 0, 0x8086, 0x1234, 0x020000)->config[PCI_HEADER_TYPE] =
		PCI_HEADER_MULTIFUNCTION;
	add_serial(0, 2, 3);
	assert_int_equal(pci_find_device(&host, 0x1b36, 0x0002, &info), HV_OK);
	assert_int_equal(info.bdf.dev, 2);
	assert_int_equal(info.bdf.fn, 3);
}

static void test_find_skips_functions_of_single_function_devices(void **state)
{
	struct pci_host host = host_with_buses(1);
	struct pci_device_info info;

	(void)state;
	/* Function 0 not multi-function: function 3 is not looked at. */
	add(0, 2, 0, 0x8086, 0x1234, 0x020000);
	add_serial(0, 2, 3);
	/* No function 0 at all: the device is absent. */
	add_serial(0, 4, 1);
	assert_int_equal(pci_find_device(&host, 0x1b36, 0x0002, &info),
			 HV_ENOENT);
}

static void test_find_bounded_by_window(void **state)
{
	struct pci_host two = host_with_buses(2), three = host_with_buses(3);
	struct pci_device_info info;

	(void)state;
	add_serial(2, 0, 0);
	assert_int_equal(pci_find_device(&two, 0x1b36, 0x0002, &info),
			 HV_ENOENT);
	assert_int_equal(space.highest_bus, 1);
	assert_int_equal(pci_find_device(&three, 0x1b36, 0x0002, &info), HV_OK);
	assert_int_equal(info.bdf.bus, 2);
}

static void test_assign_io_bar(void **state)
{
	struct pci_host host = host_with_buses(1);
	struct fake_function *f = add_serial(0, 1, 0);
	uint32_t port = 0, size = 0;

	(void)state;
	/* Firmware left I/O decoding on and INTx disabled. */
	put16(f, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_INTX_DISABLE);
	put16(f, 0x06, 0x0010); /* status: capability list */
	assert_int_equal(pci_assign_io_bar(&host, (struct pci_bdf){0, 1, 0}, 0,
					   0x1000, 0x10000, &port, &size),
			 HV_OK);
	assert_int_equal(port, 0x1000);
	assert_int_equal(size, 8);
	assert_int_equal(get32(f, PCI_BAR0), 0x1001);
	assert_int_equal(get32(f, PCI_COMMAND) & 0xffff, PCI_COMMAND_IO);
	assert_false(space.sized_while_decoding);
	assert_false(space.wrote_status);
	assert_int_equal(pci_interrupt_pin(&host, (struct pci_bdf){0, 1, 0}),
			 1);
}

static void test_assign_aligns_and_16bit_bar(void **state)
{
	struct pci_host host = host_with_buses(1);
	struct fake_function *f = add_serial(0, 1, 0);
	uint32_t port, size;

	(void)state;
	f->bar_mask[0] = 0x0000ff00; /* 256 ports, upper bits hardwired */
	assert_int_equal(pci_assign_io_bar(&host, (struct pci_bdf){0, 1, 0}, 0,
					   0x1008, 0x10000, &port, &size),
			 HV_OK);
	assert_int_equal(port, 0x1100);
	assert_int_equal(size, 0x100);
	assert_int_equal(get32(f, PCI_BAR0), 0x1101);
}

static void test_assign_rejects(void **state)
{
	struct pci_host host = host_with_buses(1);
	struct fake_function *mem = add(0, 1, 0, 0x1af4, 0x1000, 0x020000);
	struct fake_function *unimpl = add(0, 2, 0, 0x1af4, 0x1000, 0x020000);
	struct fake_function *bridge = add(0, 3, 0, 0x1b36, 0x0001, 0x060400);
	struct fake_function *big = add_serial(0, 4, 0);
	uint32_t port = 0xdead, size = 0xdead;

	(void)state;
	put32(mem, PCI_BAR0, 0);
	mem->bar_mask[0] = 0xfffff000;
	put16(mem, PCI_COMMAND, PCI_COMMAND_MEMORY);
	assert_int_equal(pci_assign_io_bar(&host, (struct pci_bdf){0, 1, 0}, 0,
					   0x1000, 0x10000, &port, &size),
			 HV_EINVAL);
	assert_int_equal(get32(mem, PCI_COMMAND) & 0xffff, PCI_COMMAND_MEMORY);
	/* An I/O BAR whose address bits are all read-only. */
	put32(unimpl, PCI_BAR0, PCI_BAR_IO);
	assert_int_equal(pci_assign_io_bar(&host, (struct pci_bdf){0, 2, 0}, 0,
					   0x1000, 0x10000, &port, &size),
			 HV_EINVAL);
	bridge->config[PCI_HEADER_TYPE] = 1;
	put32(bridge, PCI_BAR0, PCI_BAR_IO);
	bridge->bar_mask[0] = 0xfffffff8;
	assert_int_equal(pci_assign_io_bar(&host, (struct pci_bdf){0, 3, 0}, 0,
					   0x1000, 0x10000, &port, &size),
			 HV_EINVAL);
	assert_int_equal(pci_assign_io_bar(&host, (struct pci_bdf){0, 4, 0},
					   PCI_NUM_BARS, 0x1000, 0x10000, &port,
					   &size),
			 HV_EINVAL);
	/* Does not fit the window: BAR and command are put back. */
	put32(big, PCI_BAR0, 0x2001);
	put16(big, PCI_COMMAND, PCI_COMMAND_IO);
	big->bar_mask[0] = 0xffffff00;
	assert_int_equal(pci_assign_io_bar(&host, (struct pci_bdf){0, 4, 0}, 0,
					   0xff01, 0x10000, &port, &size),
			 HV_ERANGE);
	assert_int_equal(get32(big, PCI_BAR0), 0x2001);
	assert_int_equal(get32(big, PCI_COMMAND) & 0xffff, PCI_COMMAND_IO);
	assert_int_equal(port, 0xdead);
	assert_int_equal(size, 0xdead);
	assert_false(space.wrote_status);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecam_offset),
		cmocka_unit_test(test_ecam_num_buses),
		cmocka_unit_test(test_bar_size),
		cmocka_unit_test(test_swizzle),
		cmocka_unit_test(test_swizzle_matches_qemu_dtb),
		cmocka_unit_test_setup(test_find_on_bus0, reset_space),
		cmocka_unit_test_setup(test_find_absent, reset_space),
		cmocka_unit_test_setup(test_find_multifunction, reset_space),
		cmocka_unit_test_setup(
			test_find_skips_functions_of_single_function_devices,
			reset_space),
		cmocka_unit_test_setup(test_find_bounded_by_window,
				       reset_space),
		cmocka_unit_test_setup(test_assign_io_bar, reset_space),
		cmocka_unit_test_setup(test_assign_aligns_and_16bit_bar,
				       reset_space),
		cmocka_unit_test_setup(test_assign_rejects, reset_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
