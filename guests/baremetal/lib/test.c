// SPDX-License-Identifier: MIT
#include "test.h"
#include "console.h"
#include "csr.h"
#include "platform.h"
#include "util.h"

static unsigned passed, failed;

static void report(bool ok, const char *name, const char *fmt, va_list ap)
{
	char detail[160];

	if (ok) {
		__atomic_fetch_add(&passed, 1, __ATOMIC_RELAXED);
		printf("TEST %s/%s: PASS\n", guest_name, name);
		return;
	}
	__atomic_fetch_add(&failed, 1, __ATOMIC_RELAXED);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	printf("TEST %s/%s: FAIL %s\n", guest_name, name, detail);
}

void check(bool ok, const char *name, const char *fail_fmt, ...)
{
	va_list ap;

	va_start(ap, fail_fmt);
	report(ok, name, fail_fmt, ap);
	va_end(ap);
}

void check_sbi(const char *name, struct sbiret ret, long want_error)
{
	check(ret.error == want_error, name, "error=%ld (want %ld) value=%ld",
	      ret.error, want_error, ret.value);
}

void check_trap(const char *name, struct trap_record rec, unsigned long cause,
		unsigned long stval)
{
	if (!rec.trapped) {
		check(false, name, "no trap (want cause %lu)", cause);
		return;
	}
	check(rec.cause == cause && (stval == ~0UL || rec.stval == stval), name,
	      "cause=%lu stval=0x%lx (want cause %lu stval 0x%lx)", rec.cause,
	      rec.stval, cause, stval);
}

const char *hart_check_name(char *buf, unsigned long size, const char *base,
			    unsigned hart)
{
	snprintf(buf, size, "%s-hart%u", base, hart);
	return buf;
}

unsigned test_failed_count(void)
{
	return __atomic_load_n(&failed, __ATOMIC_RELAXED);
}

unsigned test_passed_count(void)
{
	return __atomic_load_n(&passed, __ATOMIC_RELAXED);
}

void test_fatal(const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(false, name, fmt, ap);
	va_end(ap);
	test_finish();
}

void test_finish(void)
{
	unsigned ok = test_passed_count(), bad = test_failed_count();
	unsigned long reason =
		bad ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE;

	local_irq_disable();
	printf("GUEST %s SUMMARY: passed=%u failed=%u\n", guest_name, ok, bad);
	sbi_system_reset(SBI_SRST_SHUTDOWN, reason);
	/* No SRST (or it failed): try the legacy shutdown, then stay put. */
	sbi_legacy_ecall(SBI_LEGACY_SHUTDOWN, 0, 0);
	printf("GUEST %s: shutdown returned\n", guest_name);
	for (;;)
		wfi();
}
