// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the RISC-V Image header checks and the boot layout
 * planner (hv/image.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/image.h>

#define MiB (1ULL << 20)

/* The Debian 6.12 kernel from shared/notes/linux-guest.md. */
#define DEBIAN_TEXT_OFFSET 0x200000ULL
#define DEBIAN_IMAGE_SIZE 0x1e6b000ULL
#define DEBIAN_FILE_SIZE 31165952ULL

static void store_le(uint8_t *at, uint64_t value, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		at[i] = (uint8_t)(value >> (8 * i));
}

static void make_header(uint8_t *buf, uint64_t text_offset, uint64_t image_size,
			uint64_t flags)
{
	memset(buf, 0, RISCV_IMAGE_HEADER_SIZE);
	buf[0] = 'M'; /* code0 of an EFI-stub kernel starts with "MZ" */
	buf[1] = 'Z';
	store_le(buf + 8, text_offset, 8);
	store_le(buf + 16, image_size, 8);
	store_le(buf + 24, flags, 8);
	store_le(buf + 32, 2, 4); /* version 0.2 */
	memcpy(buf + 48, "RISCV\0\0\0", 8);
	memcpy(buf + 56, "RSC\x05", 4);
}

static int parse(const uint8_t *buf, size_t size, struct riscv_image_info *info,
		 char *err)
{
	return image_parse_header(buf, size, info, err, 128);
}

static void test_header_valid(void **state)
{
	uint8_t buf[RISCV_IMAGE_HEADER_SIZE];
	struct riscv_image_info info = {0, 0};
	char err[128] = "stale";

	(void)state;
	make_header(buf, DEBIAN_TEXT_OFFSET, DEBIAN_IMAGE_SIZE, 0);
	assert_int_equal(parse(buf, DEBIAN_FILE_SIZE, &info, err), HV_OK);
	assert_int_equal(info.text_offset, DEBIAN_TEXT_OFFSET);
	assert_int_equal(info.image_size, DEBIAN_IMAGE_SIZE);
	assert_string_equal(err, "");

	/* The deprecated "RISCV" magic is not required. */
	memset(buf + 48, 0, 8);
	assert_int_equal(parse(buf, DEBIAN_FILE_SIZE, &info, err), HV_OK);

	/* image_size equal to the file size (no bss) is fine. */
	make_header(buf, 0, 64, 0);
	assert_int_equal(parse(buf, 64, &info, NULL), HV_OK);
	assert_int_equal(info.text_offset, 0);
	assert_int_equal(info.image_size, 64);
}

static void test_header_unaligned_buffer(void **state)
{
	uint8_t storage[RISCV_IMAGE_HEADER_SIZE + 8];
	struct riscv_image_info info;
	char err[128];

	(void)state;
	for (unsigned shift = 1; shift < 8; shift++) {
		make_header(storage + shift, 0x400000, 0x123000, 0);
		assert_int_equal(parse(storage + shift, 0x1000, &info, err),
				 HV_OK);
		assert_int_equal(info.text_offset, 0x400000);
		assert_int_equal(info.image_size, 0x123000);
	}
}

static void test_header_truncated(void **state)
{
	uint8_t buf[RISCV_IMAGE_HEADER_SIZE];
	struct riscv_image_info info;
	char err[128];

	(void)state;
	make_header(buf, DEBIAN_TEXT_OFFSET, DEBIAN_IMAGE_SIZE, 0);
	for (size_t size = 0; size < RISCV_IMAGE_HEADER_SIZE; size++) {
		err[0] = '\0';
		assert_int_equal(parse(buf, size, &info, err), HV_EFORMAT);
		assert_non_null(strstr(err, "truncated"));
	}
	assert_int_equal(parse(NULL, 4096, &info, err), HV_EFORMAT);
}

static void test_header_bad_magic(void **state)
{
	uint8_t buf[RISCV_IMAGE_HEADER_SIZE];
	struct riscv_image_info info;
	char err[128];

	(void)state;
	for (unsigned byte = 0; byte < 4; byte++) {
		make_header(buf, DEBIAN_TEXT_OFFSET, DEBIAN_IMAGE_SIZE, 0);
		buf[0x38 + byte] ^= 0x20;
		assert_int_equal(parse(buf, 4096, &info, err), HV_EFORMAT);
		assert_non_null(strstr(err, "bad magic"));
	}
	/* magic2 in big-endian byte order is wrong too. */
	make_header(buf, DEBIAN_TEXT_OFFSET, DEBIAN_IMAGE_SIZE, 0);
	memcpy(buf + 0x38,
	       "\x05"
	       "CSR",
	       4);
	assert_int_equal(parse(buf, 4096, &info, err), HV_EFORMAT);
}

static void test_header_field_checks(void **state)
{
	static const struct {
		uint64_t text_offset, image_size, flags, file_size;
		const char *reason;
	} bad[] = {
		{0x200000, 0x1000000, 1, 4096, "big-endian"},
		{0x200001, 0x1000000, 0, 4096, "text_offset"},
		{0x800, 0x1000000, 0, 4096, "text_offset"},
		{0x200000, 0, 0, 4096, "image_size is 0"},
		{0x200000, 0x1000, 0, 0x1001, "smaller than the file"},
		{0xfffffffffffff000ULL, 0x2000, 0, 4096, "overflows"},
	};
	uint8_t buf[RISCV_IMAGE_HEADER_SIZE];
	struct riscv_image_info info;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		make_header(buf, bad[i].text_offset, bad[i].image_size,
			    bad[i].flags);
		err[0] = '\0';
		assert_int_equal(parse(buf, bad[i].file_size, &info, err),
				 HV_EFORMAT);
		if (!strstr(err, bad[i].reason))
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err,
				 bad[i].reason);
	}
}

/* A short err buffer is truncated, never overrun. */
static void test_header_short_err_buffer(void **state)
{
	uint8_t buf[RISCV_IMAGE_HEADER_SIZE];
	struct riscv_image_info info;
	char err[16];

	(void)state;
	make_header(buf, 1, DEBIAN_IMAGE_SIZE, 0);
	memset(err, '#', sizeof(err));
	assert_int_equal(image_parse_header(buf, 4096, &info, err, 8),
			 HV_EFORMAT);
	assert_int_equal(strlen(err), 7);
	assert_int_equal(err[8], '#');
	assert_int_equal(image_parse_header(buf, 4096, &info, err, 0),
			 HV_EFORMAT);
	assert_int_equal(image_parse_header(buf, 4096, &info, NULL, 0),
			 HV_EFORMAT);
}

static struct boot_layout_request debian_request(uint64_t ram_size)
{
	struct boot_layout_request req = {
		.ram_base = 0x80000000ULL,
		.ram_size = ram_size,
		.kernel = {DEBIAN_TEXT_OFFSET, DEBIAN_IMAGE_SIZE},
		.kernel_file_size = DEBIAN_FILE_SIZE,
		.initrd_size = 0,
		.fdt_size = 0x10000,
	};
	return req;
}

/* 512 MiB: the DTB lands where QEMU puts it (shared/notes/linux-guest.md:
 * 0x9fe00000), the initrd right below it. */
static void test_layout_qemu_like(void **state)
{
	struct boot_layout_request req = debian_request(512 * MiB);
	struct boot_layout out;
	char err[160] = "stale";

	(void)state;
	req.initrd_size = 0x12345;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_OK);
	assert_string_equal(err, "");
	assert_int_equal(out.kernel.val, 0x80200000ULL);
	assert_int_equal(out.fdt.val, 0x9fe00000ULL);
	assert_int_equal(out.initrd.val, 0x9fded000ULL);

	req.initrd_size = 0;
	assert_int_equal(image_plan_layout(&req, &out, NULL, 0), HV_OK);
	assert_int_equal(out.initrd.val, 0);
	assert_int_equal(out.fdt.val, 0x9fe00000ULL);

	/* A DTB of exactly 2 MiB takes one megapage, one byte more two. */
	req.fdt_size = 2 * MiB;
	assert_int_equal(image_plan_layout(&req, &out, NULL, 0), HV_OK);
	assert_int_equal(out.fdt.val, 0x9fe00000ULL);
	req.fdt_size = 2 * MiB + 1;
	assert_int_equal(image_plan_layout(&req, &out, NULL, 0), HV_OK);
	assert_int_equal(out.fdt.val, 0x9fc00000ULL);
}

static void test_layout_kernel_too_big(void **state)
{
	struct boot_layout_request req = debian_request(16 * MiB);
	struct boot_layout out;
	char err[160];

	(void)state;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_ERANGE);
	assert_string_equal(err, "kernel image_size 0x1e6b000 at offset "
				 "0x200000 does not fit in 0x1000000 bytes "
				 "of RAM");
	/* text_offset alone beyond RAM, without wrapping around. */
	req = debian_request(512 * MiB);
	req.kernel.text_offset = 0xfffffffffff00000ULL;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_ERANGE);
	assert_non_null(strstr(err, "does not fit"));
}

static void test_layout_fdt_does_not_fit(void **state)
{
	struct boot_layout_request req = debian_request(64 * MiB);
	struct boot_layout out;
	char err[160];

	(void)state;
	/* Kernel ends 1 MiB + 1 byte below the top: no 2 MiB region left. */
	req.kernel.image_size = 64 * MiB - DEBIAN_TEXT_OFFSET - MiB - 1;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_ERANGE);
	assert_non_null(strstr(err, "DTB region"));

	/* Exactly 2 MiB left: fits. */
	req.kernel.image_size = 64 * MiB - DEBIAN_TEXT_OFFSET - 2 * MiB;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_OK);
	assert_int_equal(out.fdt.val, 0x80000000ULL + 62 * MiB);

	req = debian_request(64 * MiB);
	req.fdt_size = 0;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_ERANGE);
	req.fdt_size = UINT64_MAX;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_ERANGE);
	req.fdt_size = UINT64_MAX - MiB;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_ERANGE);
}

static void test_layout_initrd_boundary(void **state)
{
	struct boot_layout_request req = debian_request(64 * MiB);
	struct boot_layout out;
	char err[160];
	uint64_t kernel_end_page =
		(DEBIAN_TEXT_OFFSET + DEBIAN_IMAGE_SIZE + 0xfff) & ~0xfffULL;
	uint64_t room = 62 * MiB - kernel_end_page;

	(void)state;
	req.initrd_size = room;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_OK);
	assert_int_equal(out.initrd.val, 0x80000000ULL + kernel_end_page);

	req.initrd_size = room + 1;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_ERANGE);
	assert_non_null(strstr(err, "initrd of 0x"));
	req.initrd_size = UINT64_MAX;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_ERANGE);
}

static void test_layout_invalid_requests(void **state)
{
	struct boot_layout_request req;
	struct boot_layout out;
	char err[160];

	(void)state;
	req = debian_request(512 * MiB);
	req.ram_base += 0x1000;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_EINVAL);
	assert_non_null(strstr(err, "2 MiB"));
	req = debian_request(512 * MiB + 0x1000);
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_EINVAL);
	req = debian_request(0);
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_EINVAL);
	req = debian_request(512 * MiB);
	req.ram_base = 0xffffffffffe00000ULL;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_EINVAL);

	req = debian_request(512 * MiB);
	req.kernel.text_offset = 0x200800;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_EINVAL);
	req = debian_request(512 * MiB);
	req.kernel.image_size = DEBIAN_FILE_SIZE - 1;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_EINVAL);
	req.kernel.image_size = 0;
	req.kernel_file_size = 0;
	assert_int_equal(image_plan_layout(&req, &out, err, sizeof(err)),
			 HV_EINVAL);
}

static uint64_t random64(void)
{
	return ((uint64_t)rand() << 40) ^ ((uint64_t)rand() << 20) ^
	       (uint64_t)rand();
}

/*
 * Random requests: a layout is accepted exactly when the regions fit, as
 * computed here in 128-bit arithmetic, and an accepted layout never
 * overlaps or leaves RAM.
 */
static void test_layout_random_invariants(void **state)
{
	unsigned accepted = 0, rejected = 0;

	(void)state;
	srand(4242);
	for (unsigned i = 0; i < 200000; i++) {
		struct boot_layout_request req = {
			.ram_base = 0x80000000ULL,
			.ram_size = (uint64_t)(rand() % 64 + 1) * 2 * MiB,
			.kernel = {(uint64_t)(rand() % 8) * 0x100000,
				   random64() % (96 * MiB) + 1},
			.kernel_file_size = 0,
			.initrd_size = rand() % 2 ? random64() % (64 * MiB) : 0,
			.fdt_size = random64() % (5 * MiB) + 1,
		};
		unsigned __int128 kernel_end =
			(unsigned __int128)req.kernel.text_offset +
			req.kernel.image_size;
		unsigned __int128 fdt_region =
			(req.fdt_size + 2 * MiB - 1) / (2 * MiB) * (2 * MiB);
		unsigned __int128 page_end = (kernel_end + 4095) / 4096 * 4096;
		bool fits =
			kernel_end + fdt_region <= req.ram_size &&
			page_end + req.initrd_size + fdt_region <= req.ram_size;
		struct boot_layout out;
		int ret = image_plan_layout(&req, &out, NULL, 0);
		uint64_t ram_end = req.ram_base + req.ram_size;

		if (!fits) {
			assert_int_equal(ret, HV_ERANGE);
			rejected++;
			continue;
		}
		assert_int_equal(ret, HV_OK);
		accepted++;
		assert_int_equal(out.kernel.val,
				 req.ram_base + req.kernel.text_offset);
		assert_int_equal(out.fdt.val % (2 * MiB), 0);
		assert_true(out.fdt.val + req.fdt_size <= ram_end);
		assert_true(out.fdt.val >=
			    out.kernel.val + req.kernel.image_size);
		if (req.initrd_size) {
			assert_int_equal(out.initrd.val % 4096, 0);
			assert_true(out.initrd.val >=
				    out.kernel.val + req.kernel.image_size);
			assert_true(out.initrd.val + req.initrd_size <=
				    out.fdt.val);
		}
	}
	/* Both outcomes must actually have been exercised. */
	assert_true(accepted > 1000 && rejected > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_valid),
		cmocka_unit_test(test_header_unaligned_buffer),
		cmocka_unit_test(test_header_truncated),
		cmocka_unit_test(test_header_bad_magic),
		cmocka_unit_test(test_header_field_checks),
		cmocka_unit_test(test_header_short_err_buffer),
		cmocka_unit_test(test_layout_qemu_like),
		cmocka_unit_test(test_layout_kernel_too_big),
		cmocka_unit_test(test_layout_fdt_does_not_fit),
		cmocka_unit_test(test_layout_initrd_boundary),
		cmocka_unit_test(test_layout_invalid_requests),
		cmocka_unit_test(test_layout_random_invariants),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
