// SPDX-License-Identifier: MIT
/*
 * selftest: a well-behaved guest that exercises every SBI function
 * hartvisor offers (and each documented error), timers through SBI and
 * Sstc, IPIs, HSM, remote fences, WFI and FP state across vCPU switches,
 * on all of its vCPUs.
 *
 * bootargs: "expect-disabled=dbcn" when the VM config switched DBCN off.
 */
#include "csr.h"
#include "platform.h"
#include "selftest.h"
#include "test.h"
#include "util.h"

const char guest_name[] = "selftest";

bool require_smp(const char *suite)
{
	char name[48];

	snprintf(name, sizeof(name), "%s-needs-smp", suite);
	/* Never skip silently: a single-vCPU VM fails the SMP suites. */
	check(platform.num_harts >= 2, name, "only %u vCPU(s)",
	      platform.num_harts);
	return platform.num_harts >= 2;
}

void test_dtb(void)
{
	unsigned long dtb = (unsigned long)platform.dtb;
	const char *isa = platform.isa;
	bool base_has_h = false;

	check(platform.boot_hart == 0, "boot-hart-is-0", "a0=%u",
	      platform.boot_hart);
	check(platform.dtb_valid && dtb >= platform.ram_base && dtb < ram_end(),
	      "dtb-in-ram", "a1=0x%lx valid=%d", dtb, platform.dtb_valid);
	check(platform.has_bootargs, "dtb-bootargs", "no /chosen/bootargs");
	check(!strncmp(isa, "rv64", 4), "dtb-isa", "riscv,isa=\"%s\"", isa);
	/* Single-letter extensions run up to the first '_'. */
	for (const char *p = isa + 4; *p && *p != '_'; p++)
		base_has_h |= *p == 'h';
	check(!base_has_h, "dtb-isa-no-h", "guest sees H: \"%s\"", isa);
	check(platform.num_harts >= 1 && platform.num_harts <= 8,
	      "dtb-cpu-count", "%u cpu nodes", platform.num_harts);
	check(platform.timebase_hz >= 1000000, "dtb-timebase",
	      "timebase-frequency=%lu", (unsigned long)platform.timebase_hz);
	check(platform.ram_base == 0x80000000UL && platform.ram_size >= 4 << 20,
	      "dtb-memory", "memory 0x%lx+0x%lx",
	      (unsigned long)platform.ram_base,
	      (unsigned long)platform.ram_size);
}

void guest_main(void)
{
	bool dbcn_disabled =
		str_has_word(platform.bootargs, "expect-disabled=dbcn");

	test_dtb();
	test_base(dbcn_disabled);
	test_legacy();
	test_srst_errors();
	test_dbcn(dbcn_disabled);
	test_timers();
	test_wfi_timer();
	test_ipi();
	test_hsm();
	test_rfence();
	test_rfence_tlb();
	test_fp();
	test_hsm_errors();
}
