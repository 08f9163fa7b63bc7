// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the VM config parser (hv/vmconfig.c).
 *
 * Configs are built at run time with libfdt's sequential-write API from a
 * valid baseline plus per-case overrides (replace, add or delete one
 * property), so each error case differs from a known-good blob in exactly
 * the way it means to. The example in docs/vm-config.md is compiled with
 * dtc and must parse, which keeps the documentation honest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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

static void test_valid_baseline(void **state)
{
	struct build b = {0};
	char err[160] = "stale";

	(void)state;
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_string_equal(err, "");
	assert_int_equal(config.time_slice_us, 10000);
	assert_int_equal(config.num_vms, 2);

	const struct vm_config *linux0 = &config.vms[0];
	assert_string_equal(linux0->name, "linux0");
	assert_int_equal(linux0->num_vcpus, 4);
	assert_int_equal(linux0->memory_size, 256ULL << 20);
	assert_string_equal(linux0->kernel, "Image");
	assert_string_equal(linux0->initrd, "initramfs.cpio.gz");
	assert_string_equal(linux0->bootargs, "console=ttyS0");
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(linux0->hart_affinity[i], i);
	for (unsigned i = 4; i < VM_MAX_VCPUS; i++)
		assert_int_equal(linux0->hart_affinity[i], VM_AFFINITY_ANY);
	assert_int_equal(linux0->num_sbi_disabled, 2);
	assert_string_equal(linux0->sbi_disabled[0], "dbcn");
	assert_string_equal(linux0->sbi_disabled[1], "legacy");
	assert_true(linux0->console_focus);
	assert_true(linux0->background);

	/* Optional properties absent: defaults. */
	const struct vm_config *bare1 = &config.vms[1];
	assert_string_equal(bare1->name, "bare1");
	assert_int_equal(bare1->num_vcpus, 1);
	assert_int_equal(bare1->memory_size, 4ULL << 20);
	assert_string_equal(bare1->kernel, "hello.bin");
	assert_string_equal(bare1->initrd, "");
	assert_string_equal(bare1->bootargs, "");
	for (unsigned i = 0; i < VM_MAX_VCPUS; i++)
		assert_int_equal(bare1->hart_affinity[i], VM_AFFINITY_ANY);
	assert_int_equal(bare1->num_sbi_disabled, 0);
	assert_false(bare1->console_focus);
	assert_false(bare1->background);
}

static void test_valid_variants(void **state)
{
	static const uint32_t slice_100[] = {BE32(100)};
	static const uint32_t slice_max[] = {BE32(1000000)};
	static const uint32_t cells_8[] = {BE32(8)};
	char err[160];
	struct build b;

	(void)state;
	b = (struct build){.no_hypervisor = true};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_int_equal(config.time_slice_us, HV_DEFAULT_SLICE_US);

	b = (struct build){.overrides = {{NODE_HYPERVISOR,
					  {"time-slice-us", NULL, DELETE}}}};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_int_equal(config.time_slice_us, HV_DEFAULT_SLICE_US);

	b = (struct build){.overrides = {{NODE_HYPERVISOR,
					  {"time-slice-us", slice_100, 4}}}};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_int_equal(config.time_slice_us, 100);
	b.overrides[0].prop.value = slice_max;
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_int_equal(config.time_slice_us, 1000000);

	/* compatible may be a list; node name used when "name" is absent. */
	b = (struct build){.node_name = {"Web_server-2"},
			   .overrides = {{NODE_ROOT,
					  {"compatible",
					   STR("acme,x\0hartvisor,config-v1")}},
					 {0, {"name", NULL, DELETE}},
					 {0, {"vcpus", cells_8, 4}},
					 {0, {"hart-affinity", NULL, DELETE}}}};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_string_equal(config.vms[0].name, "Web_server-2");
	assert_int_equal(config.vms[0].num_vcpus, 8);
	assert_int_equal(config.vms[0].hart_affinity[7], VM_AFFINITY_ANY);

	/* Exactly HV_MAX_VMS VMs. */
	b = (struct build){.num_vms = HV_MAX_VMS};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_int_equal(config.num_vms, HV_MAX_VMS);
	assert_string_equal(config.vms[HV_MAX_VMS - 1].name, "vm7");
}

/* Limits: the longest accepted strings and the fullest sbi-disable. */
static void test_valid_limits(void **state)
{
	char kernel[VM_PATH_MAX], bootargs[VM_BOOTARGS_MAX], name[VM_NAME_MAX];
	char sbi[VM_MAX_SBI_DISABLED * 16];
	char err[160];
	size_t pos = 0;

	(void)state;
	memset(kernel, 'k', sizeof(kernel) - 1);
	kernel[sizeof(kernel) - 1] = '\0';
	memset(bootargs, 'b', sizeof(bootargs) - 1);
	bootargs[sizeof(bootargs) - 1] = '\0';
	memset(name, 'N', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	for (int i = 0; i < VM_MAX_SBI_DISABLED; i++)
		pos += (size_t)sprintf(sbi + pos, "%.*s%c", 14,
				       "abcdefghijklmn", 'a' + i) +
		       1;

	struct build b = {
		.overrides = {{0, {"kernel", kernel, sizeof(kernel)}},
			      {0, {"bootargs", bootargs, sizeof(bootargs)}},
			      {0, {"name", name, sizeof(name)}},
			      {0, {"sbi-disable", sbi, (int)pos}}}};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_string_equal(config.vms[0].kernel, kernel);
	assert_string_equal(config.vms[0].bootargs, bootargs);
	assert_string_equal(config.vms[0].name, name);
	assert_int_equal(config.vms[0].num_sbi_disabled, VM_MAX_SBI_DISABLED);
	assert_string_equal(config.vms[0].sbi_disabled[15], "abcdefghijklmnp");
}

/* Strings just past each limit, filled in by fill_long_strings(). */
static char name_32[VM_NAME_MAX + 1];
static char path_64[VM_PATH_MAX + 1];
static char bootargs_512[VM_BOOTARGS_MAX + 1];
static char node_name_40[41];
static char sbi_17[VM_MAX_SBI_DISABLED + 1][2];

static void fill_long_strings(void)
{
	memset(name_32, 'n', VM_NAME_MAX);
	memset(path_64, 'p', VM_PATH_MAX);
	memset(bootargs_512, 'b', VM_BOOTARGS_MAX);
	memset(node_name_40, 'v', 40);
	for (int i = 0; i <= VM_MAX_SBI_DISABLED; i++)
		sbi_17[i][0] = (char)('a' + i); /* "a\0b\0...q\0" */
}

static const uint32_t cells_2[] = {BE32(0), BE32(1)};
static const uint32_t cell_0[] = {BE32(0)};
static const uint32_t cell_2[] = {BE32(2)};
static const uint32_t cell_5[] = {BE32(5)};
static const uint32_t cell_9[] = {BE32(9)};
static const uint32_t cell_50[] = {BE32(50)};
static const uint32_t cell_big[] = {BE32(1000001)};
static const uint32_t cell_max[] = {BE32(0xffffffffU)};

struct error_case {
	const char *what;
	struct build b;
	int code;
	const char *message; /* the whole line */
};

#define VM0(prop_name, ...)                    \
	{                                      \
		0,                             \
		{                              \
			prop_name, __VA_ARGS__ \
		}                              \
	}
#define VM1(prop_name, ...)                    \
	{                                      \
		1,                             \
		{                              \
			prop_name, __VA_ARGS__ \
		}                              \
	}
#define L0 "vm \"linux0\": "

static const struct error_case error_cases[] = {
	{"wrong compatible",
	 {.overrides = {{NODE_ROOT,
			 {"compatible", STR("hartvisor,config-v2")}}}},
	 HV_EFORMAT,
	 "property \"compatible\": root must be compatible "
	 "with \"hartvisor,config-v1\""},
	{"no compatible",
	 {.overrides = {{NODE_ROOT, {"compatible", NULL, DELETE}}}},
	 HV_EFORMAT,
	 "property \"compatible\": root must be compatible "
	 "with \"hartvisor,config-v1\""},
	{"slice too short",
	 {.overrides = {{NODE_HYPERVISOR, {"time-slice-us", cell_50, 4}}}},
	 HV_ERANGE,
	 "node \"hypervisor\": property \"time-slice-us\": "
	 "must be between 100 and 1000000"},
	{"slice too long",
	 {.overrides = {{NODE_HYPERVISOR, {"time-slice-us", cell_big, 4}}}},
	 HV_ERANGE,
	 "node \"hypervisor\": property \"time-slice-us\": "
	 "must be between 100 and 1000000"},
	{"slice two cells",
	 {.overrides = {{NODE_HYPERVISOR, {"time-slice-us", cells_2, 8}}}},
	 HV_EFORMAT,
	 "node \"hypervisor\": property \"time-slice-us\": "
	 "must be one cell, not 8 bytes"},
	{"hypervisor unknown",
	 {.overrides = {{NODE_HYPERVISOR, {"slice", cell_50, 4}}}},
	 HV_EFORMAT,
	 "node \"hypervisor\": property \"slice\": unknown "
	 "property"},
	{"vms property",
	 {.overrides = {{NODE_VMS, {"count", cell_2, 4}}}},
	 HV_EFORMAT,
	 "node \"vms\": property \"count\": unknown property"},
	{"no vms", {.no_vms_node = true}, HV_EFORMAT, "node \"vms\": missing"},
	{"zero vms",
	 {.num_vms = -1},
	 HV_EFORMAT,
	 "node \"vms\": defines no VM"},
	{"too many vms",
	 {.num_vms = HV_MAX_VMS + 1},
	 HV_ERANGE,
	 "node \"vms\": more than 8 VMs"},
	{"bad name chars",
	 {.overrides = {VM0("name", STR("linux 0"))}},
	 HV_EINVAL,
	 "vm #1: property \"name\": must be 1 to 31 characters "
	 "of [A-Za-z0-9_-]"},
	{"empty name",
	 {.overrides = {VM0("name", STR(""))}},
	 HV_EINVAL,
	 "vm #1: property \"name\": must be 1 to 31 characters "
	 "of [A-Za-z0-9_-]"},
	{"name too long",
	 {.overrides = {VM0("name", name_32, sizeof(name_32))}},
	 HV_ERANGE,
	 "vm #1: property \"name\": longer than 31 characters"},
	{"name unterminated",
	 {.overrides = {VM0("name", "abc", 3)}},
	 HV_EFORMAT,
	 "vm #1: property \"name\": must be a NUL-terminated "
	 "string"},
	{"name empty property",
	 {.overrides = {VM0("name", "", 0)}},
	 HV_EFORMAT,
	 "vm #1: property \"name\": must be a NUL-terminated "
	 "string"},
	{"name list",
	 {.overrides = {VM0("name", STR("a\0b"))}},
	 HV_EFORMAT,
	 "vm #1: property \"name\": must be a single string"},
	{"node name unit address",
	 {.node_name = {"linux@0"}, .overrides = {VM0("name", NULL, DELETE)}},
	 HV_EINVAL,
	 "vm #1: node name must be 1 to 31 characters of "
	 "[A-Za-z0-9_-] (or set \"name\")"},
	{"node name too long",
	 {.node_name = {node_name_40},
	  .overrides = {VM0("name", NULL, DELETE)}},
	 HV_EINVAL,
	 "vm #1: node name must be 1 to 31 characters of "
	 "[A-Za-z0-9_-] (or set \"name\")"},
	{"duplicate name",
	 {.overrides = {VM1("name", STR("linux0"))}},
	 HV_EINVAL,
	 L0 "duplicate VM name"},
	{"vcpus missing",
	 {.overrides = {VM0("vcpus", NULL, DELETE)}},
	 HV_EFORMAT,
	 L0 "property \"vcpus\": missing"},
	{"vcpus zero",
	 {.overrides = {VM0("vcpus", cell_0, 4)}},
	 HV_ERANGE,
	 L0 "property \"vcpus\": must be between 1 and 8"},
	{"vcpus nine",
	 {.overrides = {VM0("vcpus", cell_9, 4)}},
	 HV_ERANGE,
	 L0 "property \"vcpus\": must be between 1 and 8"},
	{"vcpus huge",
	 {.overrides = {VM0("vcpus", cell_max, 4)}},
	 HV_ERANGE,
	 L0 "property \"vcpus\": must be between 1 and 8"},
	{"vcpus short",
	 {.overrides = {VM0("vcpus", cell_4, 2)}},
	 HV_EFORMAT,
	 L0 "property \"vcpus\": must be one cell, not 2 bytes"},
	{"memory missing",
	 {.overrides = {VM0("memory-mib", NULL, DELETE)}},
	 HV_EFORMAT,
	 L0 "property \"memory-mib\": missing"},
	{"memory small",
	 {.overrides = {VM0("memory-mib", cell_2, 4)}},
	 HV_ERANGE,
	 L0 "property \"memory-mib\": must be at least 4"},
	{"memory zero",
	 {.overrides = {VM0("memory-mib", cell_0, 4)}},
	 HV_ERANGE,
	 L0 "property \"memory-mib\": must be at least 4"},
	{"memory odd",
	 {.overrides = {VM0("memory-mib", cell_5, 4)}},
	 HV_EINVAL,
	 L0 "property \"memory-mib\": must be a multiple of 2"},
	{"memory 64-bit",
	 {.overrides = {VM0("memory-mib", cells_2, 8)}},
	 HV_EFORMAT,
	 L0 "property \"memory-mib\": must be one cell, not 8 "
	    "bytes"},
	{"kernel missing",
	 {.overrides = {VM1("kernel", NULL, DELETE)}},
	 HV_EFORMAT,
	 "vm \"bare1\": property \"kernel\": missing"},
	{"kernel empty",
	 {.overrides = {VM0("kernel", STR(""))}},
	 HV_EFORMAT,
	 L0 "property \"kernel\": must not be empty"},
	{"kernel too long",
	 {.overrides = {VM0("kernel", path_64, sizeof(path_64))}},
	 HV_ERANGE,
	 L0 "property \"kernel\": longer than 63 characters"},
	{"kernel unterminated",
	 {.overrides = {VM0("kernel", "Image", 5)}},
	 HV_EFORMAT,
	 L0 "property \"kernel\": must be a NUL-terminated "
	    "string"},
	{"initrd empty",
	 {.overrides = {VM0("initrd", STR(""))}},
	 HV_EFORMAT,
	 L0 "property \"initrd\": must not be empty (leave it "
	    "out instead)"},
	{"initrd too long",
	 {.overrides = {VM0("initrd", path_64, sizeof(path_64))}},
	 HV_ERANGE,
	 L0 "property \"initrd\": longer than 63 characters"},
	{"bootargs too long",
	 {.overrides = {VM0("bootargs", bootargs_512, sizeof(bootargs_512))}},
	 HV_ERANGE,
	 L0 "property \"bootargs\": longer than 511 characters"},
	{"bootargs unterminated",
	 {.overrides = {VM0("bootargs", "ro", 2)}},
	 HV_EFORMAT,
	 L0 "property \"bootargs\": must be a NUL-terminated "
	    "string"},
	{"affinity too few",
	 {.overrides = {VM0("hart-affinity", cells_2, 8)}},
	 HV_EINVAL,
	 L0 "property \"hart-affinity\": has 2 cells, expected 4 "
	    "(one per vCPU)"},
	{"affinity partial cell",
	 {.overrides = {VM0("hart-affinity", cells_0123, 6)}},
	 HV_EFORMAT,
	 L0 "property \"hart-affinity\": must be a list of "
	    "cells, not 6 bytes"},
	{"affinity on 1 vcpu",
	 {.overrides = {VM1("hart-affinity", cells_2, 8)}},
	 HV_EINVAL,
	 "vm \"bare1\": property \"hart-affinity\": has 2 cells, "
	 "expected 1 (one per vCPU)"},
	{"sbi too many",
	 {.overrides = {VM0("sbi-disable", sbi_17, sizeof(sbi_17))}},
	 HV_ERANGE,
	 L0 "property \"sbi-disable\": more than 16 entries"},
	{"sbi upper case",
	 {.overrides = {VM0("sbi-disable", STR("dbcn\0HSM"))}},
	 HV_EINVAL,
	 L0 "property \"sbi-disable\": entry 2 must be 1 to 15 "
	    "characters of [a-z0-9_]"},
	{"sbi empty entry",
	 {.overrides = {VM0("sbi-disable", STR("\0dbcn"))}},
	 HV_EINVAL,
	 L0 "property \"sbi-disable\": entry 1 must be 1 to 15 "
	    "characters of [a-z0-9_]"},
	{"sbi long entry",
	 {.overrides = {VM0("sbi-disable", STR("abcdefghijklmnop"))}},
	 HV_EINVAL,
	 L0 "property \"sbi-disable\": entry 1 must be 1 to 15 "
	    "characters of [a-z0-9_]"},
	{"sbi repeated",
	 {.overrides = {VM0("sbi-disable", STR("hsm\0ipi\0hsm"))}},
	 HV_EINVAL,
	 L0 "property \"sbi-disable\": \"hsm\" listed twice"},
	{"sbi unterminated",
	 {.overrides = {VM0("sbi-disable", "hsm", 3)}},
	 HV_EFORMAT,
	 L0 "property \"sbi-disable\": must be a list of "
	    "NUL-terminated strings"},
	{"sbi empty property",
	 {.overrides = {VM0("sbi-disable", "", 0)}},
	 HV_EFORMAT,
	 L0 "property \"sbi-disable\": must be a list of "
	    "NUL-terminated strings"},
	{"console-focus value",
	 {.overrides = {VM0("console-focus", cell_2, 4)}},
	 HV_EFORMAT,
	 L0 "property \"console-focus\": boolean property takes "
	    "no value"},
	{"background value",
	 {.overrides = {VM0("background", STR("yes"))}},
	 HV_EFORMAT,
	 L0 "property \"background\": boolean property takes "
	    "no value"},
	{"two console-focus",
	 {.overrides = {VM1("console-focus", "", 0)}},
	 HV_EINVAL,
	 "node \"vms\": console-focus is set on 2 VMs, at most "
	 "one may have it"},
	{"typo property",
	 {.overrides = {VM0("memory_mib", cell_4, 4)}},
	 HV_EFORMAT,
	 L0 "property \"memory_mib\": unknown property"},
	{"unprintable property",
	 {.overrides = {VM0("bad\x01name", cell_4, 4)}},
	 HV_EFORMAT,
	 L0 "unknown property"},
	{"vm child node",
	 {.vm_child_node = true},
	 HV_EFORMAT,
	 L0 "unexpected child node"},
};

static void test_error_cases(void **state)
{
	(void)state;
	fill_long_strings();
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]);
	     i++) {
		const struct error_case *c = &error_cases[i];
		char err[256];
		int ret;

		memset(err, 0, sizeof(err));
		ret = parse_built(&c->b, err, sizeof(err));
		if (ret != c->code || strcmp(err, c->message) != 0)
			fail_msg("%s: got %d \"%s\", expected %d \"%s\"",
				 c->what, ret, err, c->code, c->message);
	}
}

static void test_blob_checks(void **state)
{
	struct build b = {0};
	char err[160];
	uint8_t *bytes = (uint8_t *)blob_storage;
	uint32_t total;

	(void)state;
	build_config(blob_storage, &b);
	total = fdt_totalsize(blob_storage);

	assert_int_equal(vmconfig_parse(NULL, 100, &config, err, sizeof(err)),
			 HV_EFORMAT);
	assert_string_equal(err, "config blob of 0 bytes is too small");
	assert_int_equal(
		vmconfig_parse(blob_storage, 39, &config, err, sizeof(err)),
		HV_EFORMAT);
	assert_string_equal(err, "config blob of 39 bytes is too small");

	/* The buffer is shorter than the header says. */
	assert_int_equal(vmconfig_parse(blob_storage, total - 1, &config, err,
					sizeof(err)),
			 HV_EFORMAT);
	assert_non_null(strstr(err, "claims"));

	/* libfdt's header checks: alignment, magic, version, block bounds. */
	memmove(bytes + 4, bytes, total);
	assert_int_equal(
		vmconfig_parse(bytes + 4, total, &config, err, sizeof(err)),
		HV_EFORMAT);
	assert_string_equal(err, "config blob is not 8-byte aligned");

	build_config(blob_storage, &b);
	bytes[0] ^= 1;
	assert_int_equal(
		vmconfig_parse(blob_storage, total, &config, err, sizeof(err)),
		HV_EFORMAT);
	assert_non_null(strstr(err, "FDT_ERR_BADMAGIC"));

	build_config(blob_storage, &b);
	fdt_set_off_dt_strings(blob_storage, total);
	assert_int_equal(
		vmconfig_parse(blob_storage, total, &config, err, sizeof(err)),
		HV_EFORMAT);
	assert_non_null(strstr(err, "config blob: "));
}

/* A short or missing err buffer is never overrun. */
static void test_err_buffer(void **state)
{
	struct build b = {.overrides = {VM0("vcpus", cell_0, 4)}};
	char err[32];

	(void)state;
	memset(err, '#', sizeof(err));
	assert_int_equal(parse_built(&b, err, 10), HV_ERANGE);
	assert_string_equal(err, "vm \"linux");
	assert_int_equal(err[10], '#');
	assert_int_equal(parse_built(&b, err, 20), HV_ERANGE);
	assert_string_equal(err, "vm \"linux0\": proper");
	assert_int_equal(parse_built(&b, NULL, 0), HV_ERANGE);
	memset(err, '#', sizeof(err));
	assert_int_equal(parse_built(&b, err, 0), HV_ERANGE);
	assert_int_equal(err[0], '#');
}

/*
 * Random byte corruption of a valid blob in a buffer of exactly its size:
 * the parser returns OK or an HV_E* code, never reads out of bounds (run
 * under ASan to see it) and always leaves one printable line in err.
 */
static void test_corrupted_blobs(void **state)
{
	struct build b = {0};
	unsigned failures = 0;

	(void)state;
	build_config(blob_storage, &b);
	uint32_t total = fdt_totalsize(blob_storage);
	uint64_t *copy = malloc(total + 8);

	assert_non_null(copy);
	srand(777);
	for (unsigned round = 0; round < 20000; round++) {
		char err[128];
		int ret;

		memcpy(copy, blob_storage, total);
		for (int flips = rand() % 3 + 1; flips > 0; flips--)
			((uint8_t *)copy)[rand() % total] = (uint8_t)rand();
		memset(err, 'x', sizeof(err));
		ret = vmconfig_parse(copy, total, &config, err, sizeof(err));
		assert_true(ret == HV_OK || ret == HV_EFORMAT ||
			    ret == HV_EINVAL || ret == HV_ERANGE);
		assert_non_null(memchr(err, '\0', sizeof(err)));
		for (const char *c = err; *c; c++)
			assert_true(*c >= ' ' && *c <= '~');
		if (ret == HV_OK) {
			assert_string_equal(err, "");
			assert_true(config.num_vms >= 1 &&
				    config.num_vms <= HV_MAX_VMS);
		} else {
			assert_true(err[0] != '\0');
			failures++;
		}
	}
	assert_true(failures > 0);
	free(copy);
}

/* Read the first ```dts block of docs/vm-config.md, found relative to this
 * source file so the test runs from any directory. */
static char *read_docs_example(void)
{
	static const char suffix[] = "tests/unit/test_vmconfig.c";
	char path[4096];
	size_t root_len = strlen(__FILE__) - (sizeof(suffix) - 1);
	static char text[65536];
	char *start, *end;
	FILE *file;
	size_t len;

	assert_string_equal(__FILE__ + root_len, suffix);
	snprintf(path, sizeof(path), "%.*sdocs/vm-config.md", (int)root_len,
		 __FILE__);
	file = fopen(path, "r");
	assert_non_null(file);
	len = fread(text, 1, sizeof(text) - 1, file);
	fclose(file);
	text[len] = '\0';
	start = strstr(text, "```dts\n");
	assert_non_null(start);
	start += strlen("```dts\n");
	end = strstr(start, "```");
	assert_non_null(end);
	*end = '\0';
	return start;
}

static void test_docs_example(void **state)
{
	char dts_path[] = "/tmp/hv-vmconfig-XXXXXX";
	char command[256], dtb_path[64], err[160];
	int fd = mkstemp(dts_path);
	const char *dts = read_docs_example();
	FILE *file;
	size_t size;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, dts, strlen(dts)), (ssize_t)strlen(dts));
	close(fd);
	snprintf(dtb_path, sizeof(dtb_path), "%s.dtb", dts_path);
	snprintf(command, sizeof(command), "dtc -q -I dts -O dtb -o %s %s",
		 dtb_path, dts_path);
	assert_int_equal(system(command), 0);
	file = fopen(dtb_path, "rb");
	assert_non_null(file);
	size = fread(blob_storage, 1, sizeof(blob_storage), file);
	fclose(file);
	unlink(dts_path);
	unlink(dtb_path);

	assert_int_equal(
		vmconfig_parse(blob_storage, size, &config, err, sizeof(err)),
		HV_OK);
	assert_int_equal(config.time_slice_us, 10000);
	assert_int_equal(config.num_vms, 2);
	assert_string_equal(config.vms[0].name, "linux0");
	assert_int_equal(config.vms[0].num_vcpus, 4);
	assert_int_equal(config.vms[0].memory_size, 256ULL << 20);
	assert_string_equal(config.vms[0].initrd, "initramfs.cpio.gz");
	assert_int_equal(config.vms[0].hart_affinity[3], 3);
	assert_string_equal(config.vms[0].sbi_disabled[1], "legacy");
	assert_true(config.vms[0].console_focus);
	assert_string_equal(config.vms[1].name, "bare1");
	assert_string_equal(config.vms[1].kernel, "hello.bin");
	assert_true(config.vms[1].background);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_baseline),
		cmocka_unit_test(test_valid_variants),
		cmocka_unit_test(test_valid_limits),
		cmocka_unit_test(test_error_cases),
		cmocka_unit_test(test_blob_checks),
		cmocka_unit_test(test_err_buffer),
		cmocka_unit_test(test_corrupted_blobs),
		cmocka_unit_test(test_docs_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
