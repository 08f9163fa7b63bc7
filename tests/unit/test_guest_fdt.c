// SPDX-License-Identifier: MIT
/*
 * Unit tests for the guest device tree builder and the riscv,isa filter.
 * Trees are read back with libfdt and, to catch anything libfdt accepts
 * but dtc would not, decompiled with dtc (which `make deps` installs).
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
#include <hv/guest_fdt.h>

#define BUF_SIZE 16384
#define QEMU_72_ISA \
	"rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc"

static uint8_t tree[BUF_SIZE];

static struct guest_fdt_params default_params(void)
{
	struct guest_fdt_params params = {
		.vm_name = "linux0",
		.num_vcpus = 4,
		.ram_base = 0x80000000,
		.ram_size = 0x20000000,
		.timebase_frequency = 10000000,
		.isa = "rv64imafdc_zicsr_zifencei",
		.mmu_type = "riscv,sv39",
		.bootargs = "console=ttyS0 earlycon",
		.initrd_start = 0x88200000,
		.initrd_end = 0x88400000,
		.plic_base = 0xc000000,
		.plic_size = 0x4000000,
		.plic_num_sources = 96,
		.uart_base = 0x10000000,
		.uart_size = 0x100,
		.uart_irq = 10,
		.uart_clock_frequency = 3686400,
	};
	return params;
}

static void build(const struct guest_fdt_params *params)
{
	memset(tree, 0xa5, sizeof(tree));
	assert_int_equal(guest_fdt_build(tree, sizeof(tree), params), HV_OK);
	assert_int_equal(fdt_check_header(tree), 0);
	assert_int_equal(fdt_check_full(tree, sizeof(tree)), 0);
}

static int node(const char *path)
{
	int offset = fdt_path_offset(tree, path);

	if (offset < 0)
		fail_msg("node %s missing: %s", path, fdt_strerror(offset));
	return offset;
}

static const void *prop(int offset, const char *name, int expected_len)
{
	int len = -1;
	const void *value = fdt_getprop(tree, offset, name, &len);

	if (!value)
		fail_msg("property %s missing", name);
	if (expected_len >= 0 && len != expected_len)
		fail_msg("property %s has length %d, not %d", name, len,
			 expected_len);
	return value;
}

static uint32_t prop_u32(int offset, const char *name)
{
	return fdt32_ld(prop(offset, name, 4));
}

static uint64_t prop_u64(int offset, const char *name)
{
	return fdt64_ld(prop(offset, name, 8));
}

static void assert_prop_string(int offset, const char *name,
			       const char *expected)
{
	assert_string_equal(prop(offset, name, (int)strlen(expected) + 1),
			    expected);
}

static void assert_reg64(int offset, uint64_t base, uint64_t size)
{
	const fdt64_t *reg = prop(offset, "reg", 16);

	assert_int_equal(fdt64_ld(&reg[0]), base);
	assert_int_equal(fdt64_ld(&reg[1]), size);
}

static void assert_absent(int offset, const char *name)
{
	assert_null(fdt_getprop(tree, offset, name, NULL));
}

static void test_root_and_memory(void **state)
{
	struct guest_fdt_params params = default_params();
	int root, memory;

	(void)state;
	build(&params);
	assert_true(fdt_totalsize(tree) <= BUF_SIZE);
	root = node("/");
	assert_int_equal(prop_u32(root, "#address-cells"), 2);
	assert_int_equal(prop_u32(root, "#size-cells"), 2);
	assert_prop_string(root, "compatible", "riscv-virtio");
	assert_prop_string(root, "model", "hartvisor,linux0");
	memory = node("/memory@80000000");
	assert_prop_string(memory, "device_type", "memory");
	assert_reg64(memory, 0x80000000, 0x20000000);
}

static void test_cpus(void **state)
{
	struct guest_fdt_params params = default_params();
	char path[64];
	uint32_t phandles[4];
	unsigned hart, other;
	int cpus, cpu, intc;

	(void)state;
	build(&params);
	cpus = node("/cpus");
	assert_int_equal(prop_u32(cpus, "#address-cells"), 1);
	assert_int_equal(prop_u32(cpus, "#size-cells"), 0);
	assert_int_equal(prop_u32(cpus, "timebase-frequency"), 10000000);
	for (hart = 0; hart < 4; hart++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%x", hart);
		cpu = node(path);
		assert_prop_string(cpu, "device_type", "cpu");
		assert_int_equal(prop_u32(cpu, "reg"), hart);
		assert_prop_string(cpu, "status", "okay");
		assert_prop_string(cpu, "compatible", "riscv");
		assert_prop_string(cpu, "riscv,isa", params.isa);
		assert_prop_string(cpu, "mmu-type", "riscv,sv39");
		snprintf(path, sizeof(path),
			 "/cpus/cpu@%x/interrupt-controller", hart);
		intc = node(path);
		assert_int_equal(fdt_parent_offset(tree, intc), cpu);
		assert_int_equal(prop_u32(intc, "#interrupt-cells"), 1);
		assert_int_equal(prop_u32(intc, "#address-cells"), 0);
		prop(intc, "interrupt-controller", 0);
		assert_prop_string(intc, "compatible", "riscv,cpu-intc");
		phandles[hart] = prop_u32(intc, "phandle");
		assert_int_equal(
			fdt_node_offset_by_phandle(tree, phandles[hart]), intc);
		for (other = 0; other < hart; other++)
			assert_int_not_equal(phandles[other], phandles[hart]);
	}
	/* Exactly num_vcpus cpu nodes. */
	assert_true(fdt_path_offset(tree, "/cpus/cpu@4") < 0);
}

static void test_chosen(void **state)
{
	struct guest_fdt_params params = default_params();
	const char *stdout_path;
	int chosen;

	(void)state;
	build(&params);
	chosen = node("/chosen");
	assert_prop_string(chosen, "bootargs", "console=ttyS0 earlycon");
	assert_int_equal(prop_u64(chosen, "linux,initrd-start"), 0x88200000);
	assert_int_equal(prop_u64(chosen, "linux,initrd-end"), 0x88400000);
	stdout_path = prop(chosen, "stdout-path", -1);
	assert_string_equal(stdout_path, "/soc/serial@10000000");
	assert_prop_string(node(stdout_path), "compatible", "ns16550a");
	/* The VM's start: 1 at power-on (0 in the params means that), then
	 * counted up by reboots. */
	assert_int_equal(prop_u32(chosen, "hartvisor,boot-count"), 1);
	params.boot_count = 3;
	build(&params);
	assert_int_equal(prop_u32(node("/chosen"), "hartvisor,boot-count"), 3);
	/* No seed given: no rng-seed (a guest then seeds its RNG itself). */
	assert_absent(node("/chosen"), "rng-seed");
}

/* The rng-seed property carries the given bytes, whatever they are. */
static void test_chosen_rng_seed(void **state)
{
	struct guest_fdt_params params = default_params();
	uint8_t seed[64];

	(void)state;
	for (unsigned i = 0; i < sizeof(seed); i++)
		seed[i] = (uint8_t)(0xff - i);
	params.rng_seed = seed;
	params.rng_seed_len = sizeof(seed);
	build(&params);
	assert_memory_equal(prop(node("/chosen"), "rng-seed", 64), seed, 64);
	params.rng_seed_len = 1;
	build(&params);
	assert_memory_equal(prop(node("/chosen"), "rng-seed", 1), seed, 1);
}

static void test_chosen_without_initrd_or_bootargs(void **state)
{
	struct guest_fdt_params params = default_params();
	int chosen;

	(void)state;
	params.initrd_start = params.initrd_end = 0;
	params.bootargs = NULL;
	build(&params);
	chosen = node("/chosen");
	assert_absent(chosen, "linux,initrd-start");
	assert_absent(chosen, "linux,initrd-end");
	assert_prop_string(chosen, "bootargs", "");
	params.bootargs = "";
	build(&params);
	assert_prop_string(node("/chosen"), "bootargs", "");
}

static void test_soc_plic_and_uart(void **state)
{
	struct guest_fdt_params params = default_params();
	const fdt32_t *cells;
	int soc, plic, uart, intc, cpu;
	unsigned context;

	(void)state;
	build(&params);
	soc = node("/soc");
	assert_prop_string(soc, "compatible", "simple-bus");
	assert_int_equal(prop_u32(soc, "#address-cells"), 2);
	assert_int_equal(prop_u32(soc, "#size-cells"), 2);
	prop(soc, "ranges", 0);

	plic = node("/soc/plic@c000000");
	assert_int_equal(fdt_stringlist_count(tree, plic, "compatible"), 2);
	assert_int_equal(
		fdt_node_check_compatible(tree, plic, "sifive,plic-1.0.0"), 0);
	assert_int_equal(fdt_node_check_compatible(tree, plic, "riscv,plic0"),
			 0);
	assert_reg64(plic, 0xc000000, 0x4000000);
	assert_int_equal(prop_u32(plic, "#interrupt-cells"), 1);
	assert_int_equal(prop_u32(plic, "#address-cells"), 0);
	prop(plic, "interrupt-controller", 0);
	assert_int_equal(prop_u32(plic, "riscv,ndev"), 95);
	/* Context i is vCPU i's supervisor external interrupt. */
	cells = prop(plic, "interrupts-extended", 4 * 8);
	for (context = 0; context < 4; context++) {
		intc = fdt_node_offset_by_phandle(
			tree, fdt32_ld(&cells[2 * context]));
		assert_true(intc >= 0);
		assert_prop_string(intc, "compatible", "riscv,cpu-intc");
		cpu = fdt_parent_offset(tree, intc);
		assert_int_equal(prop_u32(cpu, "reg"), context);
		assert_int_equal(fdt32_ld(&cells[2 * context + 1]), 9);
	}

	uart = node("/soc/serial@10000000");
	assert_prop_string(uart, "compatible", "ns16550a");
	assert_reg64(uart, 0x10000000, 0x100);
	assert_int_equal(prop_u32(uart, "clock-frequency"), 3686400);
	assert_int_equal(prop_u32(uart, "interrupts"), 10);
	assert_int_equal(fdt_node_offset_by_phandle(
				 tree, prop_u32(uart, "interrupt-parent")),
			 plic);
	assert_int_equal(fdt_get_phandle(tree, plic),
			 prop_u32(uart, "interrupt-parent"));
}

/* Unit addresses are lower-case hex without leading zeros. */
static void test_unit_addresses_and_sizes(void **state)
{
	struct guest_fdt_params params = default_params();
	const fdt32_t *cells;
	int plic;

	(void)state;
	params.vm_name = "a";
	params.num_vcpus = 11;
	params.ram_base = 0x1000000000ULL;
	params.ram_size = 0x100000000ULL;
	params.uart_base = 0xabc000;
	params.plic_base = 0;
	params.plic_num_sources = 33;
	params.uart_irq = 32;
	build(&params);
	assert_prop_string(node("/"), "model", "hartvisor,a");
	assert_reg64(node("/memory@1000000000"), 0x1000000000ULL,
		     0x100000000ULL);
	assert_int_equal(prop_u32(node("/cpus/cpu@a"), "reg"), 10);
	node("/cpus/cpu@a/interrupt-controller");
	assert_string_equal(prop(node("/chosen"), "stdout-path", -1),
			    "/soc/serial@abc000");
	assert_int_equal(prop_u32(node("/soc/serial@abc000"), "interrupts"),
			 32);
	plic = node("/soc/plic@0");
	assert_int_equal(prop_u32(plic, "riscv,ndev"), 32);
	cells = prop(plic, "interrupts-extended", 11 * 8);
	assert_int_equal(fdt_node_offset_by_phandle(tree, fdt32_ld(&cells[20])),
			 node("/cpus/cpu@a/interrupt-controller"));
}

static void test_small_buffers_fail_cleanly(void **state)
{
	struct guest_fdt_params params = default_params();
	static uint8_t small[BUF_SIZE];
	uint32_t needed;
	size_t size;

	(void)state;
	build(&params);
	needed = fdt_totalsize(tree);
	for (size = 0; size < needed; size++)
		if (guest_fdt_build(small, size, &params) != HV_ENOMEM)
			fail_msg("size %zu of %u did not fail", size, needed);
	assert_int_equal(guest_fdt_build(small, needed, &params), HV_OK);
	assert_memory_equal(small, tree, needed);
}

static void test_invalid_params(void **state)
{
	struct guest_fdt_params params;
	char long_name[300];

	(void)state;
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	params = default_params();
	assert_int_equal(guest_fdt_build(NULL, BUF_SIZE, &params), HV_EINVAL);
	assert_int_equal(guest_fdt_build(tree, BUF_SIZE, NULL), HV_EINVAL);
#define EXPECT_INVALID(field, value)                                       \
	do {                                                               \
		params = default_params();                                 \
		params.field = value;                                      \
		assert_int_equal(guest_fdt_build(tree, BUF_SIZE, &params), \
				 HV_EINVAL);                               \
	} while (0)
	EXPECT_INVALID(vm_name, NULL);
	EXPECT_INVALID(vm_name, long_name);
	EXPECT_INVALID(isa, NULL);
	EXPECT_INVALID(isa, "rv32imac");
	EXPECT_INVALID(mmu_type, NULL);
	EXPECT_INVALID(num_vcpus, 0);
	EXPECT_INVALID(num_vcpus, 0x80000000U);
	EXPECT_INVALID(ram_size, 0);
	EXPECT_INVALID(ram_base, UINT64_MAX - 0x1000);
	EXPECT_INVALID(timebase_frequency, 0);
	EXPECT_INVALID(timebase_frequency, 0x100000000ULL);
	EXPECT_INVALID(initrd_end, 0x88200000);
	EXPECT_INVALID(initrd_start, 0x88500000);
	EXPECT_INVALID(plic_num_sources, 1);
	EXPECT_INVALID(uart_irq, 0);
	EXPECT_INVALID(uart_irq, 96);
	EXPECT_INVALID(rng_seed_len, 32); /* and no bytes */
	params = default_params();
	params.rng_seed = (const uint8_t *)long_name;
	params.rng_seed_len = GUEST_FDT_MAX_RNG_SEED + 1;
	assert_int_equal(guest_fdt_build(tree, BUF_SIZE, &params), HV_EINVAL);
#undef EXPECT_INVALID
}

/* Returns the file's contents in a buffer the caller frees. */
static char *read_file(const char *path)
{
	char *contents = calloc(1, 65536);
	FILE *file = fopen(path, "r");

	assert_non_null(contents);
	if (file) {
		fread(contents, 1, 65535, file);
		fclose(file);
	}
	return contents;
}

/* dtc must decompile the tree without a single warning. A missing dtc is
 * a broken setup (`make deps` installs it), so it fails the test. */
static void test_dtc_accepts_tree(void **state)
{
	struct guest_fdt_params params = default_params();
	char dir[] = "/tmp/test_guest_fdt.XXXXXX";
	char dtb[64], dts[64], err[64], command[256];
	char *dts_text, *err_text;
	FILE *file;
	int status;

	(void)state;
	build(&params);
	assert_non_null(mkdtemp(dir));
	snprintf(dtb, sizeof(dtb), "%s/guest.dtb", dir);
	snprintf(dts, sizeof(dts), "%s/guest.dts", dir);
	snprintf(err, sizeof(err), "%s/dtc.err", dir);
	file = fopen(dtb, "wb");
	assert_non_null(file);
	assert_int_equal(fwrite(tree, 1, fdt_totalsize(tree), file),
			 fdt_totalsize(tree));
	fclose(file);
	snprintf(command, sizeof(command), "dtc -I dtb -O dts -o %s %s 2>%s",
		 dts, dtb, err);
	status = system(command);
	dts_text = read_file(dts);
	err_text = read_file(err);
	unlink(dtb);
	unlink(dts);
	unlink(err);
	rmdir(dir);

	if (status != 0)
		fail_msg("dtc failed (status %d): %s", status, err_text);
	assert_string_equal(err_text, "");
	assert_non_null(
		strstr(dts_text, "stdout-path = \"/soc/serial@10000000\";"));
	free(dts_text);
	free(err_text);
}

static void expect_filtered(const char *host, bool allow_sstc,
			    const char *expected)
{
	char out[128];

	memset(out, 'x', sizeof(out));
	assert_int_equal(guest_isa_filter(host, allow_sstc, out, sizeof(out)),
			 HV_OK);
	assert_string_equal(out, expected);
}

static void test_isa_filter(void **state)
{
	(void)state;
	expect_filtered(
		QEMU_72_ISA, false,
		"rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs");
	expect_filtered(
		QEMU_72_ISA, true,
		"rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
	expect_filtered("rv64imah_sstc_zba", false, "rv64ima_zba");
	expect_filtered("rv64gch", false, "rv64gc");
	expect_filtered("rv64imafdc", false, "rv64imafdc");
	expect_filtered("rv64", false, "rv64");
	/* Only the single letter 'h' goes, not an 'h' inside a name;
	 * unknown names (sha, vendor x...) are not on the allow-list. */
	expect_filtered("rv64ih_zihintpause_sha_xhx", false,
			"rv64i_zihintpause");
	/* Only the exact "sstc" is sstc. */
	expect_filtered("rv64i_sstcx_ssstc_sstc", true, "rv64i_sstc");
	/* Multi-letter names glued to the base letters, empty names. */
	expect_filtered("rv64imaczihintpause", false, "rv64imac_zihintpause");
	expect_filtered("rv64imacsstc", false, "rv64imac");
	expect_filtered("rv64imacxhwacha", false, "rv64imac");
	expect_filtered("rv64ima__zba_", false, "rv64ima_zba");
	/* The "su" letters of older QEMU are single letters. */
	expect_filtered("rv64imafdcsuh", false, "rv64imafdcsu");
}

/* A host with extensions the hypervisor does not virtualise: vector
 * (sstatus.VS off), Svpbmt and Zicbo* (henvcfg bits off), Svnapot and
 * Svinval, the counters' overflow interrupt, AIA, and quad FP. */
static void test_isa_filter_drops_what_is_not_virtualised(void **state)
{
	(void)state;
	expect_filtered("rv64imafdcvh_zicbom_zicboz_zicbop_zicsr_zifencei_"
			"zihintpause_zawrs_zba_zbb_zbs_zve64d_zvl128b_"
			"sscofpmf_sstc_svinval_svnapot_svpbmt",
			true,
			"rv64imafdc_zicsr_zifencei_zihintpause_zba_zbb_zbs_"
			"sstc");
	expect_filtered("rv64imafdqcvh_smaia_ssaia_zihpm_zkr_zacas_zcb", false,
			"rv64imafdc");
	expect_filtered("rv64gcvh_svpbmt", false, "rv64gc");
	expect_filtered("rv64gcv", false, "rv64gc");
}

/* Versions stay with what they version, and go with what is dropped. */
static void test_isa_filter_versions(void **state)
{
	(void)state;
	expect_filtered("rv64i2p1m2p0a2p1f2p2d2p2c2p0h1p0v1p0_zicsr2p0_"
			"zifencei2p0_svpbmt1p0_zicbom1p0_sstc1p0",
			false,
			"rv64i2p1m2p0a2p1f2p2d2p2c2p0_zicsr2p0_zifencei2p0");
	expect_filtered("rv64ih1_zba1_zicboz1", false, "rv64i_zba1");
	/* zve32x and zvl128b end in a letter: names with digits. */
	expect_filtered("rv64i_zve32x_zvl128b_zbb", false, "rv64i_zbb");
	/* A stray digit or upper-case letter is not an extension. */
	expect_filtered("rv649iVm", false, "rv64im");
}

static void test_isa_filter_errors(void **state)
{
	static const char expected[] = "rv64imafdc_zicsr_zifencei_zihintpause_"
				       "zba_zbb_zbc_zbs";
	char out[sizeof(expected)];
	size_t len;

	(void)state;
	assert_int_equal(guest_isa_filter(NULL, false, out, sizeof(out)),
			 HV_EINVAL);
	assert_int_equal(guest_isa_filter("", false, out, sizeof(out)),
			 HV_EINVAL);
	assert_int_equal(guest_isa_filter("rv32imac", false, out, sizeof(out)),
			 HV_EINVAL);
	assert_int_equal(guest_isa_filter("RV64IMAC", false, out, sizeof(out)),
			 HV_EINVAL);
	for (len = 0; len < sizeof(expected); len++) {
		out[0] = 'x';
		assert_int_equal(guest_isa_filter(QEMU_72_ISA, false, out, len),
				 HV_ENOMEM);
		if (len)
			assert_int_equal(out[0], '\0');
	}
	assert_int_equal(guest_isa_filter(QEMU_72_ISA, false, out, sizeof(out)),
			 HV_OK);
	assert_string_equal(out, expected);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_memory),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_chosen),
		cmocka_unit_test(test_chosen_rng_seed),
		cmocka_unit_test(test_chosen_without_initrd_or_bootargs),
		cmocka_unit_test(test_soc_plic_and_uart),
		cmocka_unit_test(test_unit_addresses_and_sizes),
		cmocka_unit_test(test_small_buffers_fail_cleanly),
		cmocka_unit_test(test_invalid_params),
		cmocka_unit_test(test_dtc_accepts_tree),
		cmocka_unit_test(test_isa_filter),
		cmocka_unit_test(test_isa_filter_errors),
		cmocka_unit_test(test_isa_filter_drops_what_is_not_virtualised),
		cmocka_unit_test(test_isa_filter_versions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
