// SPDX-License-Identifier: MIT
/*
 * Host unit tests for host DTB parsing (hv/platform.c) against DTBs that
 * QEMU 7.2 itself dumped (tests/unit/fixtures/README), and for the
 * riscv,isa helpers. Malformed DTBs are in test_platform_synthetic.c.
 *
 * Expected values are the QEMU virt memory map and the options the
 * fixtures were dumped with; the ISA string is cross-checked by reading
 * the fixture with libfdt directly.
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
#include <hv/platform.h>

/* Defined in hv/boot.c on the target; platform.h declares it extern. */
struct platform platform;

#define MAX_DTB (64 * 1024)

/* Fixtures are found next to this source file, whatever the cwd. */
static void *load_fixture(const char *name)
{
	char path[512];
	const char *slash = strrchr(__FILE__, '/');
	int dir_len = slash ? (int)(slash - __FILE__) : 1;
	void *buf = calloc(1, MAX_DTB);
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%.*s/fixtures/%s", dir_len,
		 slash ? __FILE__ : ".", name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s", path);
	n = fread(buf, 1, MAX_DTB, f);
	fclose(f);
	assert_true(n > 0 && n < MAX_DTB);
	assert_int_equal(fdt_check_header(buf), 0);
	return buf;
}

static struct platform *parse_ok(const char *name, void **dtb_out)
{
	static struct platform p;
	char err[128] = "";
	void *dtb = load_fixture(name);
	int ret = platform_parse(dtb, 0, &p, err, sizeof(err));

	if (ret != HV_OK)
		fail_msg("%s: %d (%s)", name, ret, err);
	*dtb_out = dtb;
	return &p;
}

static const char *cpu_isa(const void *dtb, unsigned hart)
{
	char path[32];

	snprintf(path, sizeof(path), "/cpus/cpu@%u", hart);
	int node = fdt_path_offset(dtb, path);

	assert_true(node >= 0);
	return fdt_getprop(dtb, node, "riscv,isa", NULL);
}

/* Everything the QEMU virt machine puts in the same place every time. */
static void check_virt_common(const struct platform *p, const void *dtb)
{
	assert_int_equal(p->timebase_frequency, 10000000);
	assert_int_equal(p->ram_base, 0x80000000);
	assert_int_equal(p->ram_size, 1UL << 30);
	assert_int_equal(p->uart_base, 0x10000000);
	assert_int_equal(p->uart_irq, 10);
	assert_int_equal(p->plic_base, 0x0c000000);
	assert_int_equal(p->plic_size, 0x600000);
	/* QEMU virt: hart h's S-mode context is 2h + 1. */
	for (unsigned i = 0; i < p->num_harts; i++)
		assert_int_equal(platform_plic_s_context(p, p->hartids[i]),
				 2 * p->hartids[i] + 1);
	assert_int_equal(p->pci_ecam_base, 0x30000000);
	assert_int_equal(p->pci_ecam_size, 0x10000000);
	assert_int_equal(p->pci_io_base, 0x3000000);
	assert_string_equal(p->mmu_type, "riscv,sv48");
	assert_string_equal(p->isa, cpu_isa(dtb, 0));
	assert_true(platform_isa_has_letter(p->isa, 'h'));
	assert_int_equal(p->num_reserved, 0);
	assert_int_equal(p->num_unused, 0);
	for (unsigned i = 0; i < p->num_harts; i++)
		assert_int_equal(p->hartids[i], i);
	/* QEMU's 32 random bytes in /chosen, copied as they are. */
	int len;
	const void *seed = fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"),
				       "rng-seed", &len);

	assert_non_null(seed);
	assert_int_equal(len, 32);
	assert_int_equal(p->rng_seed_len, 32);
	assert_memory_equal(p->rng_seed, seed, 32);
}

static void test_qemu_smp4(void **state)
{
	void *dtb;
	struct platform *p = parse_ok("qemu-virt-smp4.dtb", &dtb);

	(void)state;
	assert_int_equal(p->num_harts, 4);
	check_virt_common(p, dtb);
	assert_true(p->has_sstc);
	assert_int_equal(p->initrd_start, 0);
	assert_int_equal(p->initrd_end, 0);
	free(dtb);
}

static void test_qemu_no_sstc(void **state)
{
	void *dtb;
	struct platform *p = parse_ok("qemu-virt-smp4-nosstc.dtb", &dtb);

	(void)state;
	assert_int_equal(p->num_harts, 4);
	check_virt_common(p, dtb);
	assert_false(p->has_sstc);
	assert_null(strstr(p->isa, "sstc"));
	free(dtb);
}

static void test_qemu_smp2(void **state)
{
	void *dtb;
	struct platform *p = parse_ok("qemu-virt-smp2.dtb", &dtb);

	(void)state;
	assert_int_equal(p->num_harts, 2);
	check_virt_common(p, dtb);
	assert_true(p->has_sstc);
	assert_int_equal(p->hartids[2], 0); /* untouched, zeroed */
	free(dtb);
}

/* QEMU's boot lottery can enter on any hart: that hart becomes index 0
 * and the others keep their DTB order. */
static void test_qemu_boot_on_hart2(void **state)
{
	static const unsigned want[] = {2, 0, 1, 3};
	char err[64] = "";
	struct platform p;
	void *dtb = load_fixture("qemu-virt-smp4.dtb");

	(void)state;
	assert_int_equal(platform_parse(dtb, 2, &p, err, sizeof(err)), HV_OK);
	assert_int_equal(p.num_harts, 4);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(p.hartids[i], want[i]);
	assert_int_equal(p.num_unused, 0);
	free(dtb);
}

static void test_qemu_initrd(void **state)
{
	void *dtb;
	struct platform *p = parse_ok("qemu-virt-smp4-initrd.dtb", &dtb);

	(void)state;
	assert_int_equal(p->num_harts, 4);
	check_virt_common(p, dtb);
	/* QEMU put the 4096-byte file inside RAM, page aligned. */
	assert_int_equal(p->initrd_end - p->initrd_start, 4096);
	assert_true(p->initrd_start >= p->ram_base);
	assert_true(p->initrd_end <= p->ram_base + p->ram_size);
	assert_true(IS_ALIGNED(p->initrd_start, PAGE_SIZE));
	assert_int_equal(p->initrd_start, 0x88200000);
	free(dtb);
}

/* Parsing resets every field: nothing leaks in from a previous parse. */
static void test_parse_clears_output(void **state)
{
	struct platform p;
	char err[64];
	void *dtb = load_fixture("qemu-virt-smp2.dtb");

	(void)state;
	memset(&p, 0xa5, sizeof(p));
	assert_int_equal(platform_parse(dtb, 0, &p, err, sizeof(err)), HV_OK);
	assert_int_equal(p.num_harts, 2);
	assert_int_equal(p.initrd_start, 0);
	assert_int_equal(p.num_reserved, 0);
	assert_int_equal(p.num_unused, 0);
	for (unsigned i = 2; i < HV_MAX_HARTS; i++)
		assert_int_equal(p.hartids[i], 0);
	free(dtb);
}

static void test_bad_header(void **state)
{
	char err[64] = "";
	static uint32_t junk[256];
	struct platform p;
	void *dtb = load_fixture("qemu-virt-smp4.dtb");

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++)
		junk[i] = (uint32_t)i * 2654435761u;
	assert_int_equal(platform_parse(junk, 0, &p, err, sizeof(err)),
			 HV_EFORMAT);
	assert_true(strlen(err) > 0);
	/* A corrupted magic number. */
	((uint8_t *)dtb)[0] ^= 0xff;
	err[0] = 0;
	assert_int_equal(platform_parse(dtb, 0, &p, err, sizeof(err)),
			 HV_EFORMAT);
	assert_non_null(strstr(err, "header"));
	free(dtb);
}

static void test_isa_has_letter(void **state)
{
	const char *qemu = "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_"
			   "zbc_zbs_sstc";

	(void)state;
	for (const char *l = "imafdch"; *l; l++)
		assert_true(platform_isa_has_letter(qemu, *l));
	/* Letters that only appear in multi-letter names don't count. */
	for (const char *l = "sbtzvnepqe"; *l; l++)
		assert_false(platform_isa_has_letter(qemu, *l));
	assert_true(platform_isa_has_letter("rv32imac", 'c'));
	assert_true(platform_isa_has_letter("rv64gch", 'h'));
	assert_false(platform_isa_has_letter("rv64imafdc", 'h'));
	/* The base itself is not a letter list. */
	assert_false(platform_isa_has_letter("rv64", 'v'));
	assert_false(platform_isa_has_letter("rv64imac", '6'));
	assert_false(platform_isa_has_letter("rv64imac", 'r'));
	assert_false(platform_isa_has_letter("rv128ih", 'h'));
	assert_false(platform_isa_has_letter("imafdch", 'h'));
	assert_false(platform_isa_has_letter("", 'h'));
	assert_false(platform_isa_has_letter("rv", 'h'));
	assert_false(platform_isa_has_letter("rv64i_h", 'h'));
}

static void test_isa_has_extension(void **state)
{
	const char *qemu = "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_"
			   "zbc_zbs_sstc";

	(void)state;
	assert_true(platform_isa_has_extension(qemu, "sstc"));
	assert_true(platform_isa_has_extension(qemu, "zicsr"));
	assert_true(platform_isa_has_extension(qemu, "zifencei"));
	assert_true(platform_isa_has_extension(qemu, "zbc"));
	/* Whole names only: no prefixes, no longer names, no letters. */
	assert_false(platform_isa_has_extension(qemu, "zifence"));
	assert_false(platform_isa_has_extension(qemu, "zb"));
	assert_false(platform_isa_has_extension(qemu, "sstcx"));
	assert_false(platform_isa_has_extension(qemu, "sst"));
	assert_false(platform_isa_has_extension(qemu, "h"));
	assert_false(platform_isa_has_extension(qemu, "rv64imafdch"));
	assert_false(platform_isa_has_extension(qemu, "svpbmt"));
	assert_false(platform_isa_has_extension("rv64imafdch", "sstc"));
	assert_false(platform_isa_has_extension("", "sstc"));
	assert_true(platform_isa_has_extension("rv64i_sstc_", "sstc"));
	assert_false(platform_isa_has_extension("rv64i__", "sstc"));
	assert_true(platform_isa_has_extension("rv64i_sstcx_sstc", "sstc"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_smp4),
		cmocka_unit_test(test_qemu_no_sstc),
		cmocka_unit_test(test_qemu_smp2),
		cmocka_unit_test(test_qemu_boot_on_hart2),
		cmocka_unit_test(test_qemu_initrd),
		cmocka_unit_test(test_parse_clears_output),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_isa_has_letter),
		cmocka_unit_test(test_isa_has_extension),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
