/* SPDX-License-Identifier: MIT */
/*
 * Config builder shared by tests/unit/test_vmconfig.c and
 * tests/unit/test_vmconfig_errors.c (the VM config parser, hv/vmconfig.c).
 *
 * Configs are built at run time with libfdt's sequential-write API from a
 * valid baseline plus per-case overrides (replace, add or delete one
 * property), so each error case differs from a known-good blob in exactly
 * the way it means to. Each test program includes this header once; every
 * definition here is used by both.
 */
#ifndef TEST_VMCONFIG_UTIL_H
#define TEST_VMCONFIG_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>

#include <hv/errno.h>
#include <hv/vmconfig.h>

#define BLOB_SIZE 16384
#define NODE_ROOT (-1)
#define NODE_HYPERVISOR (-2)
#define NODE_VMS (-3)
#define DELETE (-1)
#define MAX_OVERRIDES 4

struct prop {
	const char *name;
	const void *value;
	int len; /* DELETE removes the property */
};

struct override {
	int node; /* VM index or NODE_* */
	struct prop prop;
};

struct build {
	int num_vms; /* default 2 */
	bool no_vms_node;
	bool no_hypervisor;
	bool vm_child_node; /* add a child node to VM 0 */
	const char *node_name[HV_MAX_VMS + 2];
	struct override overrides[MAX_OVERRIDES];
};

#define STR(s) s, sizeof(s)
#define BE32(x)                                                 \
	(uint32_t)((((x)&0xffU) << 24) | (((x)&0xff00U) << 8) | \
		   (((x) >> 8) & 0xff00U) | (((x) >> 24) & 0xffU))

static const uint32_t cells_0123[] = {BE32(0), BE32(1), BE32(2), BE32(3)};
static const uint32_t cell_4[] = {BE32(4)};
static const uint32_t cell_1[] = {BE32(1)};
static const uint32_t cell_256[] = {BE32(256)};
static const uint32_t cell_10000[] = {BE32(10000)};

/* VM 0 uses every property; the others only the required ones. */
static const struct prop vm0_props[] = {
	{"name", STR("linux0")},
	{"vcpus", cell_4, 4},
	{"memory-mib", cell_256, 4},
	{"kernel", STR("Image")},
	{"initrd", STR("initramfs.cpio.gz")},
	{"bootargs", STR("console=ttyS0")},
	{"hart-affinity", cells_0123, 16},
	{"sbi-disable", STR("dbcn\0legacy")},
	{"console-focus", "", 0},
	{"background", "", 0},
};

static const struct prop other_vm_props[] = {
	{"vcpus", cell_1, 4},
	{"memory-mib", cell_4, 4},
	{"kernel", STR("hello.bin")},
};

static const struct prop root_props[] = {
	{"compatible", STR("hartvisor,config-v1")},
};

static const struct prop hypervisor_props[] = {
	{"time-slice-us", cell_10000, 4},
};

static const struct override *find_override(const struct build *b, int node,
					    const char *name)
{
	for (int i = 0; i < MAX_OVERRIDES; i++) {
		const struct override *o = &b->overrides[i];

		if (o->prop.name && o->node == node &&
		    strcmp(o->prop.name, name) == 0)
			return o;
	}
	return NULL;
}

/* Default properties with overrides applied, then overrides for new ones. */
static void put_props(void *fdt, const struct build *b, int node,
		      const struct prop *props, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct override *o =
			find_override(b, node, props[i].name);
		const struct prop *p = o ? &o->prop : &props[i];

		if (p->len != DELETE)
			assert_int_equal(
				fdt_property(fdt, p->name, p->value, p->len),
				0);
	}
	for (int i = 0; i < MAX_OVERRIDES; i++) {
		const struct override *o = &b->overrides[i];
		bool is_default = false;

		if (!o->prop.name || o->node != node || o->prop.len == DELETE)
			continue;
		for (size_t j = 0; j < count; j++)
			is_default |= strcmp(props[j].name, o->prop.name) == 0;
		if (!is_default)
			assert_int_equal(fdt_property(fdt, o->prop.name,
						      o->prop.value,
						      o->prop.len),
					 0);
	}
}

static void build_config(void *fdt, const struct build *b)
{
	static const char *default_names[] = {"linux0", "bare1"};
	int num_vms = b->num_vms ? b->num_vms : 2;
	char generated[HV_MAX_VMS + 2][16];

	assert_int_equal(fdt_create(fdt, BLOB_SIZE), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	put_props(fdt, b, NODE_ROOT, root_props, 1);
	if (!b->no_hypervisor) {
		assert_int_equal(fdt_begin_node(fdt, "hypervisor"), 0);
		put_props(fdt, b, NODE_HYPERVISOR, hypervisor_props, 1);
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	if (!b->no_vms_node) {
		assert_int_equal(fdt_begin_node(fdt, "vms"), 0);
		put_props(fdt, b, NODE_VMS, NULL, 0);
		for (int vm = 0; vm < num_vms && num_vms > 0; vm++) {
			const char *name = b->node_name[vm];

			if (!name && vm < 2)
				name = default_names[vm];
			if (!name) {
				snprintf(generated[vm], 16, "vm%d", vm);
				name = generated[vm];
			}
			assert_int_equal(fdt_begin_node(fdt, name), 0);
			if (vm == 0)
				put_props(fdt, b, 0, vm0_props, 10);
			else
				put_props(fdt, b, vm, other_vm_props, 3);
			if (vm == 0 && b->vm_child_node) {
				assert_int_equal(fdt_begin_node(fdt, "x"), 0);
				assert_int_equal(fdt_end_node(fdt), 0);
			}
			assert_int_equal(fdt_end_node(fdt), 0);
		}
		assert_int_equal(fdt_end_node(fdt), 0);
	}
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
}

/* 8-byte aligned, as libfdt requires. */
static uint64_t blob_storage[BLOB_SIZE / 8];
static struct hv_config config;

static int parse_built(const struct build *b, char *err, size_t err_len)
{
	build_config(blob_storage, b);
	return vmconfig_parse(blob_storage, fdt_totalsize(blob_storage),
			      &config, err, err_len);
}

#endif
