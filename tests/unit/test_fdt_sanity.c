// SPDX-License-Identifier: MIT
/*
 * The DTB structure check (hv/include/hv/fdt_sanity.h) and the two
 * parsers that rely on it: blobs libfdt accepts in its header check but
 * would loop on forever (a property length that walks back onto its own
 * tag) or read misaligned, found by the fuzzers (tests/fuzz/). Each must
 * be refused with a reason, by the host DTB parser and the VM-config
 * parser alike, and a good tree must still pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <libfdt.h>
#include <hv/errno.h>
#include <hv/fdt_sanity.h>
#include <hv/platform.h>
#include <hv/vmconfig.h>

struct platform platform; /* platform.h's global, unused here */
static uint64_t blob_words[1024];
static char *const blob = (char *)blob_words;

/* A small tree: / { compatible; x = <1>; child { }; }. */
static void build(void)
{
	assert_int_equal(fdt_create(blob, sizeof(blob_words)), 0);
	assert_int_equal(fdt_finish_reservemap(blob), 0);
	assert_int_equal(fdt_begin_node(blob, ""), 0);
	assert_int_equal(
		fdt_property_string(blob, "compatible", "hartvisor,config-v1"),
		0);
	assert_int_equal(fdt_property_u32(blob, "x", 1), 0);
	assert_int_equal(fdt_begin_node(blob, "child"), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_end_node(blob), 0);
	assert_int_equal(fdt_finish(blob), 0);
	assert_int_equal(fdt_check_header(blob), 0);
}

/* The length word of property name's first occurrence. */
static fdt32_t *length_of(const char *name)
{
	int len;
	const void *value = fdt_getprop(blob, 0, name, &len);

	assert_non_null(value);
	return (fdt32_t *)value - 2; /* (len, nameoff) precede the value */
}

static void expect_refused(void)
{
	struct hv_config config;
	struct platform out;
	char err[128];

	assert_int_equal(fdt_check_header(blob), 0); /* libfdt is fine */
	assert_false(fdt_structure_is_sane(blob));
	assert_int_equal(platform_parse(blob, 0, &out, err, sizeof(err)),
			 HV_EFORMAT);
	assert_string_equal(err, "bad DTB header");
	assert_int_equal(vmconfig_parse(blob, sizeof(blob_words), &config, err,
					sizeof(err)),
			 HV_EFORMAT);
	assert_string_equal(err, "config blob: bad structure block");
}

static void test_good_tree_passes(void **state)
{
	(void)state;
	build();
	assert_true(fdt_structure_is_sane(blob));
}

/* len = -12: the next tag is computed to be this property's own tag, so
 * fdt_next_node() would never move (the hang the vmconfig fuzzer hit). */
static void test_property_walking_back_is_refused(void **state)
{
	(void)state;
	build();
	*length_of("x") = cpu_to_fdt32(0xfffffff4U);
	expect_refused();
	/* Any length that lands before the tag, too. */
	build();
	*length_of("x") = cpu_to_fdt32(0xffffff00U);
	expect_refused();
}

static void test_misaligned_blocks_are_refused(void **state)
{
	(void)state;
	build();
	fdt_set_off_dt_struct(blob, fdt_off_dt_struct(blob) + 1);
	assert_false(fdt_structure_is_sane(blob));
	build();
	fdt_set_off_mem_rsvmap(blob, fdt_off_mem_rsvmap(blob) + 4);
	assert_false(fdt_structure_is_sane(blob));
}

/* Nesting: an END_NODE too many, or a property before the root. */
static void test_unbalanced_nodes_are_refused(void **state)
{
	fdt32_t *words;
	int offset = 0, next;

	(void)state;
	build();
	/* Turn the child's BEGIN_NODE ... END_NODE into NOPs but keep one
	 * END_NODE: the root then closes twice. */
	while (fdt_next_tag(blob, offset, &next) != FDT_BEGIN_NODE ||
	       offset == 0)
		offset = next;
	words = (fdt32_t *)(blob + fdt_off_dt_struct(blob) + offset);
	for (int i = 0; i < (next - offset) / 4; i++)
		words[i] = cpu_to_fdt32(FDT_NOP);
	expect_refused();
	/* The root's BEGIN_NODE made a NOP: its properties float free. */
	build();
	words = (fdt32_t *)(blob + fdt_off_dt_struct(blob));
	words[0] = cpu_to_fdt32(FDT_NOP);
	words[1] = cpu_to_fdt32(FDT_NOP); /* the empty name */
	assert_false(fdt_structure_is_sane(blob));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_tree_passes),
		cmocka_unit_test(test_property_walking_back_is_refused),
		cmocka_unit_test(test_misaligned_blocks_are_refused),
		cmocka_unit_test(test_unbalanced_nodes_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
