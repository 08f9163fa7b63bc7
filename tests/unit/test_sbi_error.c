// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the one HV_E* -> SBI_ERR_* translation
 * (hv/sbi/error.c) and for hv_strerror() (hv/errno.c).
 *
 * The expected values come from the SBI v2.0 "Standard SBI Errors" table,
 * written out here independently of the code under test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hv/errno.h>
#include <hv/sbi.h>

struct error_case {
	int hv;
	long sbi;
};

/* Every HV_E* code and the SBI error a guest must see for it. */
static const struct error_case every_code[] = {
	{HV_OK, SBI_SUCCESS},
	{HV_EFAIL, SBI_ERR_FAILED},
	{HV_ENOTSUP, SBI_ERR_NOT_SUPPORTED},
	{HV_EINVAL, SBI_ERR_INVALID_PARAM},
	{HV_EDENIED, SBI_ERR_DENIED},
	{HV_EFAULT, SBI_ERR_INVALID_ADDRESS},
	{HV_EEXIST, SBI_ERR_ALREADY_AVAILABLE},
	{HV_ESTARTED, SBI_ERR_ALREADY_STARTED},
	{HV_ESTOPPED, SBI_ERR_ALREADY_STOPPED},
	{HV_ESTATE, SBI_ERR_INVALID_STATE},
	{HV_ERANGE, SBI_ERR_INVALID_PARAM},
	{HV_EIO, SBI_ERR_FAILED},
	{HV_ENOMEM, SBI_ERR_FAILED},
	{HV_ENOENT, SBI_ERR_FAILED},
	{HV_EAGAIN, SBI_ERR_FAILED},
	{HV_EFORMAT, SBI_ERR_FAILED},
};

static bool in_table(int code)
{
	for (size_t i = 0; i < ARRAY_SIZE(every_code); i++)
		if (every_code[i].hv == code)
			return true;
	return false;
}

static void test_spec_values(void **state)
{
	(void)state;
	/* The SBI constants themselves, as numbered by the spec. */
	assert_int_equal(SBI_SUCCESS, 0);
	assert_int_equal(SBI_ERR_FAILED, -1);
	assert_int_equal(SBI_ERR_NOT_SUPPORTED, -2);
	assert_int_equal(SBI_ERR_INVALID_PARAM, -3);
	assert_int_equal(SBI_ERR_DENIED, -4);
	assert_int_equal(SBI_ERR_INVALID_ADDRESS, -5);
	assert_int_equal(SBI_ERR_ALREADY_AVAILABLE, -6);
	assert_int_equal(SBI_ERR_ALREADY_STARTED, -7);
	assert_int_equal(SBI_ERR_ALREADY_STOPPED, -8);
	assert_int_equal(SBI_ERR_NO_SHMEM, -9);
	assert_int_equal(SBI_ERR_INVALID_STATE, -10);
	assert_int_equal(SBI_ERR_BAD_RANGE, -11);
}

static void test_every_code_maps(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(every_code); i++) {
		long got = sbi_error_from_hv(every_code[i].hv);

		if (got != every_code[i].sbi)
			fail_msg("%s (%d) -> %ld, want %ld",
				 hv_strerror(every_code[i].hv),
				 every_code[i].hv, got, every_code[i].sbi);
	}
}

/* Codes outside the error space still give the guest a defined error. */
static void test_unknown_codes_fail(void **state)
{
	static const int unknown[] = {-9,   -12, -14, -19,	 -24,
				      -100, 1,	 42,  INT32_MIN, INT32_MAX};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++)
		assert_int_equal(sbi_error_from_hv(unknown[i]), SBI_ERR_FAILED);
}

/* The table above must list every code errno.h defines: any integer that
 * hv_strerror() knows must be in it, so a new code cannot go untested. */
static void test_table_is_complete(void **state)
{
	const char *unknown = hv_strerror(12345);

	(void)state;
	for (int code = -64; code <= 64; code++) {
		if (strcmp(hv_strerror(code), unknown) && !in_table(code))
			fail_msg("code %d (%s) missing from the test table",
				 code, hv_strerror(code));
	}
	for (size_t i = 0; i < ARRAY_SIZE(every_code); i++)
		assert_string_not_equal(hv_strerror(every_code[i].hv), unknown);
}

static void test_strerror_distinct(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(every_code); i++) {
		const char *a = hv_strerror(every_code[i].hv);

		assert_non_null(a);
		assert_true(strlen(a) > 0);
		for (size_t j = i + 1; j < ARRAY_SIZE(every_code); j++) {
			const char *b = hv_strerror(every_code[j].hv);

			if (!strcmp(a, b))
				fail_msg("codes %d and %d share \"%s\"",
					 every_code[i].hv, every_code[j].hv, a);
		}
	}
}

static void test_strerror_unknown(void **state)
{
	const char *unknown = hv_strerror(-9);

	(void)state;
	assert_non_null(unknown);
	assert_true(strlen(unknown) > 0);
	assert_string_equal(hv_strerror(7), unknown);
	assert_string_equal(hv_strerror(INT32_MIN), unknown);
	for (size_t i = 0; i < ARRAY_SIZE(every_code); i++)
		assert_string_not_equal(hv_strerror(every_code[i].hv), unknown);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_values),
		cmocka_unit_test(test_every_code_maps),
		cmocka_unit_test(test_unknown_codes_fail),
		cmocka_unit_test(test_table_is_complete),
		cmocka_unit_test(test_strerror_distinct),
		cmocka_unit_test(test_strerror_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
