/* SPDX-License-Identifier: MIT */
/*
 * The test report: one line per check,
 *   TEST <guest>/<check>: PASS
 *   TEST <guest>/<check>: FAIL <detail>
 * and at the end "GUEST <guest> SUMMARY: passed=N failed=M", followed by an
 * SRST shutdown whose reason is "system failure" when anything failed.
 * Checks may be reported from any hart.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdbool.h>

#include "sbi.h"
#include "trap.h"

void check(bool ok, const char *name, const char *fail_fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An SBI call that must end with want_error. */
void check_sbi(const char *name, struct sbiret ret, long want_error);
/* An access that must trap with cause (and stval, unless ~0UL). */
void check_trap(const char *name, struct trap_record rec, unsigned long cause,
		unsigned long stval);
/* A check name with a hart number appended: "<base>-hart<N>". */
const char *hart_check_name(char *buf, unsigned long size, const char *base,
			    unsigned hart);
unsigned test_failed_count(void);
unsigned test_passed_count(void);

/* Report a failure that makes going on pointless, then finish. */
void test_fatal(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));
void test_finish(void) __attribute__((noreturn));

#endif
