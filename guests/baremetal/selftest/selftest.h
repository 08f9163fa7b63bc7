/* SPDX-License-Identifier: MIT */
/* The selftest guest's suites, one file each. */
#ifndef SELFTEST_H
#define SELFTEST_H

#include <stdbool.h>

void test_dtb(void);
void test_base(bool dbcn_disabled);
void test_legacy(void);
void test_srst_errors(void);
void test_dbcn(bool disabled);
void test_timers(void);
void test_wfi_timer(void);
void test_ipi(void);
void test_hsm(void);
/* Last: a wrong SBI could accept the bad call and never come back. */
void test_hsm_errors(void);
void test_rfence(void);
void test_rfence_tlb(void);
void test_fp(void);

/* Secondary-hart checks need at least this many vCPUs. */
bool require_smp(const char *suite);

#endif
