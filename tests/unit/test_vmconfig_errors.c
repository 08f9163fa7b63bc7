// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the VM config parser (hv/vmconfig.c): the table of
 * bad configs, each checked for its error code and its whole one-line
 * message, and the handling of short or missing err buffers. Each case is
 * the valid baseline of vmconfig_test_util.h with one to four overrides.
 */
#include "vmconfig_test_util.h"

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
static const uint32_t harts_2_2[] = {BE32(2), BE32(2)};
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
	{"wfi-always-blocks value",
	 {.overrides = {{NODE_HYPERVISOR, {"wfi-always-blocks", cell_50, 4}}}},
	 HV_EFORMAT,
	 "node \"hypervisor\": property \"wfi-always-blocks\": boolean "
	 "property takes no value"},
	{"wfi-always-exits value",
	 {.overrides = {{NODE_HYPERVISOR, {"wfi-always-exits", cell_50, 4}}}},
	 HV_EFORMAT,
	 "node \"hypervisor\": property \"wfi-always-exits\": boolean "
	 "property takes no value"},
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
	{"weight zero",
	 {.overrides = {VM0("weight", cell_0, 4)}},
	 HV_ERANGE,
	 L0 "property \"weight\": must be between 1 and 65536"},
	{"weight too big",
	 {.overrides = {VM0("weight", cell_max, 4)}},
	 HV_ERANGE,
	 L0 "property \"weight\": must be between 1 and 65536"},
	{"cap zero",
	 {.overrides = {VM0("cpu-cap-percent", cell_0, 4)}},
	 HV_ERANGE,
	 L0 "property \"cpu-cap-percent\": must be between 1 and 6400"},
	{"latency too short",
	 {.overrides = {VM0("latency-us", cell_9, 4)}},
	 HV_ERANGE,
	 L0 "property \"latency-us\": must be between 50 and 1000000"},
	{"latency too long",
	 {.overrides = {VM0("latency-us", cell_big, 4)}},
	 HV_ERANGE,
	 L0 "property \"latency-us\": must be between 50 and 1000000"},
	{"harts empty",
	 {.overrides = {VM0("harts", "", 0)}},
	 HV_EFORMAT,
	 L0 "property \"harts\": must be a non-empty list of cells"},
	{"harts partial cell",
	 {.overrides = {VM0("harts", cells_0123, 6)}},
	 HV_EFORMAT,
	 L0 "property \"harts\": must be a non-empty list of cells"},
	{"harts repeated",
	 {.overrides = {VM0("harts", harts_2_2, 8)}},
	 HV_EINVAL,
	 L0 "property \"harts\": names hart 2 twice"},
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_error_cases),
		cmocka_unit_test(test_err_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
