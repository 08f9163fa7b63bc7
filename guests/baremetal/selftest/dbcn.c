// SPDX-License-Identifier: MIT
/* SBI DBCN: write, read, write_byte and their address checks. */
#include "platform.h"
#include "sbi.h"
#include "selftest.h"
#include "test.h"
#include "util.h"

static void test_dbcn_disabled(void)
{
	char buf[4] = "x\n";

	check(sbi_probe(SBI_EXT_DBCN) == 0, "dbcn-disabled-probe",
	      "probe returned nonzero");
	check_sbi("dbcn-disabled-write",
		  sbi_dbcn_write(2, (unsigned long)buf, 0),
		  SBI_ERR_NOT_SUPPORTED);
	check_sbi("dbcn-disabled-read", sbi_dbcn_read(2, (unsigned long)buf, 0),
		  SBI_ERR_NOT_SUPPORTED);
	check_sbi("dbcn-disabled-write-byte", sbi_dbcn_write_byte('\n'),
		  SBI_ERR_NOT_SUPPORTED);
}

void test_dbcn(bool disabled)
{
	static const char msg[] = "selftest: dbcn write check\n";
	static const char bytes[] = "selftest: dbcn write_byte check\n";
	char buf[16];
	unsigned long end = ram_end();
	struct sbiret ret;
	long worst = 0;

	if (disabled) {
		test_dbcn_disabled();
		return;
	}
	ret = sbi_dbcn_write(sizeof(msg) - 1, (unsigned long)msg, 0);
	check(!ret.error && ret.value > 0 &&
		      (unsigned long)ret.value <= sizeof(msg) - 1,
	      "dbcn-write", "error=%ld value=%ld", ret.error, ret.value);
	for (const char *p = bytes; *p; p++) {
		ret = sbi_dbcn_write_byte((unsigned char)*p);
		if (ret.error)
			worst = ret.error;
	}
	check(worst == 0, "dbcn-write-byte", "error=%ld", worst);
	ret = sbi_dbcn_read(sizeof(buf), (unsigned long)buf, 0);
	check(!ret.error && ret.value >= 0 &&
		      (unsigned long)ret.value <= sizeof(buf),
	      "dbcn-read", "error=%ld value=%ld", ret.error, ret.value);

	check_sbi("dbcn-write-at-0", sbi_dbcn_write(8, 0, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("dbcn-write-past-ram", sbi_dbcn_write(8, end, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("dbcn-write-straddles-ram-end",
		  sbi_dbcn_write(16, end - 8, 0), SBI_ERR_INVALID_PARAM);
	check_sbi("dbcn-write-below-ram",
		  sbi_dbcn_write(16, platform.ram_base - 8, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("dbcn-write-base-hi",
		  sbi_dbcn_write(8, (unsigned long)msg, 1),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("dbcn-write-huge-length",
		  sbi_dbcn_write(~0UL, (unsigned long)msg, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("dbcn-read-at-0", sbi_dbcn_read(8, 0, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("dbcn-read-straddles-ram-end", sbi_dbcn_read(16, end - 8, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("dbcn-read-base-hi", sbi_dbcn_read(8, (unsigned long)buf, 1),
		  SBI_ERR_INVALID_PARAM);
}
