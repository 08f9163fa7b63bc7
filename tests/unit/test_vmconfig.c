// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the VM config parser (hv/vmconfig.c): valid configs
 * and limits, blob-level checks, random corruption, and the example in
 * docs/vm-config.md, which is compiled with dtc and must parse so that the
 * documentation stays honest. The error table is in test_vmconfig_errors.c;
 * the config builder in vmconfig_test_util.h.
 */
#include <stdlib.h>
#include <unistd.h>

#include "vmconfig_test_util.h"

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

	assert_false(config.wfi_always_blocks);
	b = (struct build){
		.overrides = {{NODE_HYPERVISOR, {"wfi-always-blocks", "", 0}}}};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_true(config.wfi_always_blocks);
	assert_int_equal(config.time_slice_us, HV_DEFAULT_SLICE_US);
	assert_false(config.wfi_always_exits);
	b = (struct build){
		.overrides = {{NODE_HYPERVISOR, {"wfi-always-exits", "", 0}}}};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_true(config.wfi_always_exits);
	assert_false(config.wfi_always_blocks);

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

	/* Scheduling: defaults, then every property set. */
	b = (struct build){0};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_int_equal(config.vms[0].weight, VM_DEFAULT_WEIGHT);
	assert_int_equal(config.vms[0].cpu_cap_percent, 0);
	assert_int_equal(config.vms[0].latency_us, 0);
	assert_int_equal(config.vms[0].num_harts, 0);
	static const uint32_t weight_768[] = {BE32(768)};
	static const uint32_t cap_150[] = {BE32(150)};
	static const uint32_t latency_500[] = {BE32(500)};
	static const uint32_t harts_1_3[] = {BE32(1), BE32(3)};

	b = (struct build){.overrides = {{0, {"weight", weight_768, 4}},
					 {0, {"cpu-cap-percent", cap_150, 4}},
					 {0, {"latency-us", latency_500, 4}},
					 {0, {"harts", harts_1_3, 8}}}};
	assert_int_equal(parse_built(&b, err, sizeof(err)), HV_OK);
	assert_int_equal(config.vms[0].weight, 768);
	assert_int_equal(config.vms[0].cpu_cap_percent, 150);
	assert_int_equal(config.vms[0].latency_us, 500);
	assert_int_equal(config.vms[0].num_harts, 2);
	assert_int_equal(config.vms[0].harts[1], 3);
	assert_int_equal(config.vms[1].weight, VM_DEFAULT_WEIGHT);

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
		cmocka_unit_test(test_blob_checks),
		cmocka_unit_test(test_corrupted_blobs),
		cmocka_unit_test(test_docs_example),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
