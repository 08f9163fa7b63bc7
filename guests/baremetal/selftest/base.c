// SPDX-License-Identifier: MIT
/* BASE, legacy v0.1 and SRST argument checks. */
#include "csr.h"
#include "platform.h"
#include "sbi.h"
#include "selftest.h"
#include "test.h"
#include "util.h"

struct named_ext {
	unsigned long eid;
	const char *name;
};

static const struct named_ext offered[] = {
	{SBI_EXT_BASE, "base"},
	{SBI_EXT_TIME, "time"},
	{SBI_EXT_IPI, "ipi"},
	{SBI_EXT_RFENCE, "rfence"},
	{SBI_EXT_HSM, "hsm"},
	{SBI_EXT_SRST, "srst"},
	{SBI_EXT_DBCN, "dbcn"},
	{SBI_EXT_STA, "sta"},
	{SBI_LEGACY_SET_TIMER, "legacy-set-timer"},
	{SBI_LEGACY_PUTCHAR, "legacy-putchar"},
	{SBI_LEGACY_GETCHAR, "legacy-getchar"},
	{SBI_LEGACY_SHUTDOWN, "legacy-shutdown"},
};

static const struct named_ext not_offered[] = {
	{SBI_EXT_PMU, "pmu"},
	{SBI_EXT_SUSP, "susp"},
	{SBI_EXT_CPPC, "cppc"},
	{SBI_EXT_NACL, "nacl"},
	{SBI_EXT_FWFT, "fwft"},
	{SBI_LEGACY_CLEAR_IPI, "legacy-clear-ipi"},
	{SBI_LEGACY_SEND_IPI, "legacy-send-ipi"},
	{0x05, "legacy-remote-fence-i"},
	{0x06, "legacy-remote-sfence-vma"},
	{0x07, "legacy-remote-sfence-vma-asid"},
	{0x0a000000, "experimental"},
	{0x12345678, "unknown"},
};

/* An extension's first unused function id must be NOT_SUPPORTED. */
static const struct named_ext unknown_fids[] = {
	{SBI_EXT_BASE, "base"}, {SBI_EXT_TIME, "time"},
	{SBI_EXT_IPI, "ipi"},	{SBI_EXT_RFENCE, "rfence"},
	{SBI_EXT_HSM, "hsm"},	{SBI_EXT_SRST, "srst"},
	{SBI_EXT_DBCN, "dbcn"}, {SBI_EXT_STA, "sta"},
};
static const unsigned long first_unused_fid[] = {
	SBI_BASE_NUM_FIDS, 1, 1, SBI_RFENCE_NUM_FIDS, SBI_HSM_NUM_FIDS, 1,
	SBI_DBCN_NUM_FIDS, 1,
};

static struct sbiret base_call(unsigned long fid)
{
	return sbi_ecall(SBI_EXT_BASE, fid, 0, 0, 0, 0, 0, 0);
}

void test_base(bool dbcn_disabled)
{
	struct sbiret ret = base_call(SBI_BASE_GET_SPEC_VERSION);
	char name[64];

	check(!ret.error && ret.value == SBI_SPEC_VERSION_2_0,
	      "base-spec-version", "error=%ld value=0x%lx", ret.error,
	      ret.value);
	ret = base_call(SBI_BASE_GET_IMPL_ID);
	check(!ret.error && ret.value == SBI_IMPL_ID_HARTVISOR, "base-impl-id",
	      "error=%ld value=0x%lx", ret.error, ret.value);
	check_sbi("base-impl-version", base_call(SBI_BASE_GET_IMPL_VERSION), 0);
	check_sbi("base-mvendorid", base_call(SBI_BASE_GET_MVENDORID), 0);
	check_sbi("base-marchid", base_call(SBI_BASE_GET_MARCHID), 0);
	check_sbi("base-mimpid", base_call(SBI_BASE_GET_MIMPID), 0);

	for (unsigned i = 0; i < ARRAY_SIZE(offered); i++) {
		bool expect =
			!(dbcn_disabled && offered[i].eid == SBI_EXT_DBCN);
		ret = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
				offered[i].eid, 0, 0, 0, 0, 0);
		snprintf(name, sizeof(name), "base-probe-%s%s", offered[i].name,
			 expect ? "" : "-disabled");
		check(!ret.error && (ret.value != 0) == expect, name,
		      "error=%ld value=%ld", ret.error, ret.value);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(not_offered); i++) {
		ret = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT,
				not_offered[i].eid, 0, 0, 0, 0, 0);
		snprintf(name, sizeof(name), "base-probe-absent-%s",
			 not_offered[i].name);
		check(!ret.error && ret.value == 0, name, "error=%ld value=%ld",
		      ret.error, ret.value);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(unknown_fids); i++) {
		snprintf(name, sizeof(name), "unknown-fid-%s",
			 unknown_fids[i].name);
		check_sbi(name,
			  sbi_ecall(unknown_fids[i].eid, first_unused_fid[i], 0,
				    0, 0, 0, 0, 0),
			  SBI_ERR_NOT_SUPPORTED);
	}
	check_sbi("unknown-eid", sbi_ecall(0x12345678, 0, 0, 0, 0, 0, 0, 0),
		  SBI_ERR_NOT_SUPPORTED);
	check_sbi("unknown-eid-pmu",
		  sbi_ecall(SBI_EXT_PMU, 0, 0, 0, 0, 0, 0, 0),
		  SBI_ERR_NOT_SUPPORTED);
}

void test_legacy(void)
{
	static const char line[] = "selftest: legacy putchar line\n";
	long worst = 0;

	for (const char *p = line; *p; p++) {
		long r = sbi_legacy_ecall(SBI_LEGACY_PUTCHAR, *p, 0);
		if (r)
			worst = r;
	}
	check(worst == 0, "legacy-putchar", "returned %ld", worst);
	/* The harness gives QEMU no input, so nothing is ever pending. */
	long c = sbi_legacy_ecall(SBI_LEGACY_GETCHAR, 0, 0);
	check(c == -1, "legacy-getchar-empty", "returned %ld", c);
	c = sbi_legacy_ecall(SBI_LEGACY_CLEAR_IPI, 0, 0);
	check(c == SBI_ERR_NOT_SUPPORTED, "legacy-clear-ipi-unsupported",
	      "returned %ld", c);
	c = sbi_legacy_ecall(0x09, 0, 0);
	check(c == SBI_ERR_NOT_SUPPORTED, "legacy-reserved-eid", "returned %ld",
	      c);
}

void test_srst_errors(void)
{
	/* Valid type/reason pairs would end the VM: only errors here. The
	 * final shutdown of test_finish() is the success case. */
	check_sbi("srst-reserved-type", sbi_system_reset(3, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("srst-reserved-type-high", sbi_system_reset(0xefffffffUL, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("srst-reserved-reason", sbi_system_reset(0, 2),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("srst-reserved-reason-high",
		  sbi_system_reset(0, 0xdfffffffUL), SBI_ERR_INVALID_PARAM);
}
