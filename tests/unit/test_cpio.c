// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the newc cpio reader (hv/cpio.c).
 *
 * Archives come from two sources: a fixture written by GNU cpio
 * (`find . | cpio -o -H newc`, cut after the trailer), so the reader is
 * checked against a real producer and not only against our own idea of the
 * format, and a small in-test builder used to craft every malformed case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/cpio.h>

/* GNU cpio 2.13 output for: ., hello.txt ("hello\n"), sub/, sub/x ("ab"). */
static const char gnu_archive[] =
	"070701"
	"00A720A1000041ED0000000000000000000000036B0115F2"
	"00000000000000FE0000000000000000000000000000000200000000"
	".\000"
	""
	"070701"
	"00A720C1000081A40000000000000000000000016B0115F2"
	"00000006000000FE0000000000000000000000000000000A00000000"
	"hello.txt\000"
	"hello\012\000\000"
	"070701"
	"00A720B1000041ED0000000000000000000000026B0115F2"
	"00000000000000FE0000000000000000000000000000000400000000"
	"sub\000\000\000"
	""
	"070701"
	"00A720D1000081A40000000000000000000000016B0115F2"
	"00000002000000FE0000000000000000000000000000000600000000"
	"sub/x\000"
	"ab\000\000"
	"070701"
	"000000000000000000000000000000000000000100000000"
	"00000000000000000000000000000000000000000000000B00000000"
	"TRAILER!!!\000\000\000\000";
#define GNU_ARCHIVE_SIZE (sizeof(gnu_archive) - 1)

#define HEADER_SIZE 110
#define FIELD_OFFSET(i) (6 + 8 * (i))
#define FIELD_MODE 1
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11
#define MODE_REGULAR 0100644U
#define MODE_DIR 040755U

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* Append one entry at buf + pos; returns the offset after its padding. */
static size_t put_entry(char *buf, size_t pos, const char *name, uint32_t mode,
			const void *data, uint32_t size)
{
	char header[HEADER_SIZE + 1];
	size_t name_size = strlen(name) + 1;

	snprintf(header, sizeof(header),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 1U, mode, 0U, 0U, 1U, 0U, size, 0U, 0U, 0U, 0U,
		 (uint32_t)name_size, 0U);
	memcpy(buf + pos, header, HEADER_SIZE);
	memcpy(buf + pos + HEADER_SIZE, name, name_size);
	pos = pad4(pos + HEADER_SIZE + name_size);
	if (size)
		memcpy(buf + pos, data, size);
	return pad4(pos + size);
}

static size_t put_trailer(char *buf, size_t pos)
{
	return put_entry(buf, pos, "TRAILER!!!", 0, NULL, 0);
}

/* Overwrite header field `index` of the entry at `pos` with 8 characters. */
static void set_field(char *buf, size_t pos, unsigned index, const char *text)
{
	memcpy(buf + pos + FIELD_OFFSET(index), text, 8);
}

static void test_gnu_archive_walk(void **state)
{
	const char *names[] = {".", "hello.txt", "sub", "sub/x"};
	size_t offset = 0, previous;
	struct cpio_file file;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		previous = offset;
		assert_int_equal(cpio_next(gnu_archive, GNU_ARCHIVE_SIZE,
					   &offset, &file),
				 HV_OK);
		assert_int_equal(file.name_len, strlen(names[i]));
		assert_memory_equal(file.name, names[i], file.name_len);
		assert_true(offset > previous);
		assert_int_equal(offset % 4, 0);
	}
	assert_int_equal(file.size, 2);
	assert_memory_equal(file.data, "ab", 2);
	assert_int_equal(file.mode, 0100644);
	previous = offset;
	assert_int_equal(
		cpio_next(gnu_archive, GNU_ARCHIVE_SIZE, &offset, &file),
		HV_ENOENT);
	assert_int_equal(offset, previous);
}

static void test_gnu_archive_find(void **state)
{
	struct cpio_file file;

	(void)state;
	assert_int_equal(
		cpio_find(gnu_archive, GNU_ARCHIVE_SIZE, "hello.txt", &file),
		HV_OK);
	assert_int_equal(file.size, 6);
	assert_memory_equal(file.data, "hello\n", 6);
	assert_ptr_equal(file.data, gnu_archive + 0xe8);
	assert_int_equal(
		cpio_find(gnu_archive, GNU_ARCHIVE_SIZE, "./sub/x", &file),
		HV_OK);
	assert_memory_equal(file.data, "ab", 2);
	/* Directories are not regular files. */
	assert_int_equal(cpio_find(gnu_archive, GNU_ARCHIVE_SIZE, "sub", &file),
			 HV_ENOENT);
	assert_int_equal(
		cpio_find(gnu_archive, GNU_ARCHIVE_SIZE, "missing", &file),
		HV_ENOENT);
	assert_int_equal(cpio_find(gnu_archive, GNU_ARCHIVE_SIZE, "./", &file),
			 HV_ENOENT);
	assert_int_equal(cpio_find(gnu_archive, GNU_ARCHIVE_SIZE, NULL, &file),
			 HV_ENOENT);
}

/* Every combination of name and data length mod 4 lands on the right
 * bytes and the right next offset. */
static void test_padding_combinations(void **state)
{
	static const char *names[] = {"a", "ab", "abc", "abcd"};
	static const char payload[] = "0123456";
	char buf[4096];

	(void)state;
	for (size_t n = 0; n < 4; n++) {
		for (uint32_t size = 0; size <= 7; size++) {
			size_t end = put_entry(buf, 0, names[n], MODE_REGULAR,
					       payload, size);
			size_t total = put_trailer(buf, end);
			size_t offset = 0;
			struct cpio_file file;

			assert_int_equal(cpio_next(buf, total, &offset, &file),
					 HV_OK);
			assert_int_equal(offset, end);
			assert_int_equal(file.size, size);
			assert_memory_equal(file.data, payload, size);
			assert_int_equal(
				(const char *)file.data - buf,
				pad4(HEADER_SIZE + strlen(names[n]) + 1));
			assert_int_equal(cpio_next(buf, total, &offset, &file),
					 HV_ENOENT);
		}
	}
}

static void test_find_dot_slash_both_sides(void **state)
{
	char buf[1024];
	size_t pos = 0;
	struct cpio_file file;

	(void)state;
	pos = put_entry(buf, pos, "./etc", MODE_DIR, NULL, 0);
	pos = put_entry(buf, pos, "./etc/vm.dtb", MODE_REGULAR, "DTB", 3);
	pos = put_entry(buf, pos, "Image", MODE_REGULAR, "KERNEL", 6);
	pos = put_trailer(buf, pos);

	assert_int_equal(cpio_find(buf, pos, "etc/vm.dtb", &file), HV_OK);
	assert_memory_equal(file.data, "DTB", 3);
	assert_int_equal(cpio_find(buf, pos, "././etc/vm.dtb", &file), HV_OK);
	assert_int_equal(cpio_find(buf, pos, "./Image", &file), HV_OK);
	assert_memory_equal(file.data, "KERNEL", 6);
	assert_int_equal(cpio_find(buf, pos, "etc", &file), HV_ENOENT);
	/* A prefix of a name is not a match. */
	assert_int_equal(cpio_find(buf, pos, "Imag", &file), HV_ENOENT);
	assert_int_equal(cpio_find(buf, pos, "Image2", &file), HV_ENOENT);
}

static void test_hex_case_accepted(void **state)
{
	char buf[512];
	size_t pos = put_entry(buf, 0, "f", 0, "xyz", 3);
	size_t total = put_trailer(buf, pos);
	size_t offset = 0;
	struct cpio_file file;

	(void)state;
	set_field(buf, 0, FIELD_MODE, "000081a4");
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_OK);
	assert_int_equal(file.mode, 0100644);
	set_field(buf, 0, FIELD_MODE, "000081A4");
	offset = 0;
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_OK);
	assert_int_equal(file.mode, 0100644);
}

static void test_bad_magic(void **state)
{
	static const char *magics[] = {"070707", "070702", "070700", "170701",
				       "      "};
	char buf[512];
	size_t total = put_trailer(buf, put_entry(buf, 0, "f", 0, "x", 1));
	size_t offset;
	struct cpio_file file;

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		memcpy(buf, magics[i], 6);
		offset = 0;
		assert_int_equal(cpio_next(buf, total, &offset, &file),
				 HV_EFORMAT);
		assert_int_equal(offset, 0);
	}
}

/* A stray non-hex character in any of the 13 fields is rejected. */
static void test_non_hex_fields(void **state)
{
	static const char bad_chars[] = {'g', 'G', ' ', 'x', '-', '\0'};
	char buf[512];
	size_t total;
	struct cpio_file file;

	(void)state;
	for (unsigned field = 0; field < 13; field++) {
		for (size_t c = 0; c < sizeof(bad_chars); c++) {
			size_t offset = 0;

			total = put_trailer(buf,
					    put_entry(buf, 0, "f", 0, "x", 1));
			buf[FIELD_OFFSET(field) + (field % 8)] = bad_chars[c];
			assert_int_equal(cpio_next(buf, total, &offset, &file),
					 HV_EFORMAT);
		}
	}
}

static void test_truncated_header(void **state)
{
	char buf[512];
	size_t total = put_trailer(buf, put_entry(buf, 0, "f", 0, "x", 1));
	struct cpio_file file;

	(void)state;
	assert_true(total > HEADER_SIZE);
	for (size_t size = 0; size < total; size++) {
		size_t offset = 0;
		int ret = cpio_next(buf, size, &offset, &file);

		/* The first entry ends at 116; anything shorter is cut. */
		if (size < 116)
			assert_int_equal(ret, HV_EFORMAT);
		else
			assert_int_equal(ret, HV_OK);
	}
}

static void test_name_size_checks(void **state)
{
	char buf[512];
	size_t total;
	size_t offset;
	struct cpio_file file;

	(void)state;
	total = put_trailer(buf, put_entry(buf, 0, "name", 0, "x", 1));

	/* namesize 0: there is not even room for the NUL. */
	set_field(buf, 0, FIELD_NAMESIZE, "00000000");
	offset = 0;
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_EFORMAT);

	/* Hostile sizes far past the end must not wrap around. */
	set_field(buf, 0, FIELD_NAMESIZE, "FFFFFFFF");
	offset = 0;
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_EFORMAT);

	/* namesize 4 points at 'e', not at the NUL. */
	set_field(buf, 0, FIELD_NAMESIZE, "00000004");
	offset = 0;
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_EFORMAT);

	/* A NUL inside the name. */
	set_field(buf, 0, FIELD_NAMESIZE, "00000005");
	buf[HEADER_SIZE + 1] = '\0';
	offset = 0;
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_EFORMAT);
}

static void test_file_size_checks(void **state)
{
	char buf[512];
	size_t total, offset;
	struct cpio_file file;

	(void)state;
	total = put_trailer(buf, put_entry(buf, 0, "f", 0, "abcd", 4));
	set_field(buf, 0, FIELD_FILESIZE, "FFFFFFFF");
	offset = 0;
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_EFORMAT);

	/* Data that reaches exactly the end of the archive is fine... */
	total = put_entry(buf, 0, "f", 0, "abcd", 4);
	offset = 0;
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_OK);
	assert_int_equal(offset, total);
	/* ...but then there is no trailer. */
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_EFORMAT);
	assert_int_equal(cpio_find(buf, total, "g", &file), HV_EFORMAT);

	/* One byte short of the data. */
	offset = 0;
	assert_int_equal(cpio_next(buf, total - 1, &offset, &file), HV_EFORMAT);

	/* Data of 3 bytes needs one byte of padding inside the archive. */
	total = put_entry(buf, 0, "f", 0, "abc", 3);
	offset = 0;
	assert_int_equal(cpio_next(buf, total - 1, &offset, &file), HV_EFORMAT);
	offset = 0;
	assert_int_equal(cpio_next(buf, total, &offset, &file), HV_OK);
}

static void test_name_padding_must_fit(void **state)
{
	char buf[512];
	struct cpio_file file;
	size_t offset = 0;

	(void)state;
	/* Header + "ab\0" = 113 bytes, padded to 116. */
	put_entry(buf, 0, "ab", 0, NULL, 0);
	assert_int_equal(cpio_next(buf, 113, &offset, &file), HV_EFORMAT);
	assert_int_equal(cpio_next(buf, 115, &offset, &file), HV_EFORMAT);
	assert_int_equal(cpio_next(buf, 116, &offset, &file), HV_OK);
	assert_int_equal(offset, 116);
}

static void test_bad_arguments(void **state)
{
	size_t offset = GNU_ARCHIVE_SIZE + 1;
	struct cpio_file file;

	(void)state;
	assert_int_equal(
		cpio_next(gnu_archive, GNU_ARCHIVE_SIZE, &offset, &file),
		HV_EFORMAT);
	offset = (size_t)-1;
	assert_int_equal(
		cpio_next(gnu_archive, GNU_ARCHIVE_SIZE, &offset, &file),
		HV_EFORMAT);
	offset = 0;
	assert_int_equal(cpio_next(NULL, 100, &offset, &file), HV_EFORMAT);
	assert_int_equal(cpio_find(gnu_archive, 0, "hello.txt", &file),
			 HV_EFORMAT);
}

/*
 * Random corruption of a valid archive, copied into a buffer of exactly
 * archive_size bytes: whatever happens, every returned entry lies inside
 * the archive and the walk always makes progress and terminates.
 */
static void test_mutation_stays_in_bounds(void **state)
{
	char valid[1024];
	size_t pos = 0;

	(void)state;
	pos = put_entry(valid, pos, "./a", MODE_REGULAR, "12345", 5);
	pos = put_entry(valid, pos, "dir", MODE_DIR, NULL, 0);
	pos = put_entry(valid, pos, "bb", MODE_REGULAR, "zz", 2);
	pos = put_trailer(valid, pos);

	srand(12345);
	for (unsigned round = 0; round < 20000; round++) {
		size_t size = (round % 7 == 0) ? (size_t)rand() % pos : pos;
		char *copy = malloc(size ? size : 1);
		size_t offset = 0, steps = 0;
		struct cpio_file file;
		int ret;

		assert_non_null(copy);
		memcpy(copy, valid, size);
		for (int flips = rand() % 4 + 1; flips > 0 && size; flips--)
			copy[rand() % size] =
				"0123456789ABCDEFfg\0\xff"[rand() % 21];

		while ((ret = cpio_next(copy, size, &offset, &file)) == HV_OK) {
			const char *data = file.data;

			assert_true(file.name >= copy);
			assert_true(file.name + file.name_len < copy + size);
			assert_true(data >= copy && data <= copy + size);
			assert_true(file.size <= (size_t)(copy + size - data));
			assert_true(offset <= size);
			assert_true(++steps <= size / HEADER_SIZE);
		}
		assert_true(ret == HV_ENOENT || ret == HV_EFORMAT);
		ret = cpio_find(copy, size, "bb", &file);
		assert_true(ret == HV_OK || ret == HV_ENOENT ||
			    ret == HV_EFORMAT);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gnu_archive_walk),
		cmocka_unit_test(test_gnu_archive_find),
		cmocka_unit_test(test_padding_combinations),
		cmocka_unit_test(test_find_dot_slash_both_sides),
		cmocka_unit_test(test_hex_case_accepted),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_non_hex_fields),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_name_size_checks),
		cmocka_unit_test(test_file_size_checks),
		cmocka_unit_test(test_name_padding_must_fit),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_mutation_stays_in_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
