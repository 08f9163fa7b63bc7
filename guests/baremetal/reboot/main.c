// SPDX-License-Identifier: MIT
/*
 * reboot: SBI SRST reboots restart this VM from its image, with zeroed
 * RAM, and nothing of the old instance runs after the reset point.
 *
 * Every boot reads which start it is from the DTB (/chosen
 * hartvisor,boot-count): RAM is zeroed at each start, so nothing else
 * survives. Boot 1 starts vCPU 1 writing markers without pause into a
 * region of RAM it owns (a counter tagged with the instance), waits until
 * they flow, and asks for a cold reboot while vCPU 1 still writes. Boot 2
 * checks and asks for a warm reboot the same way; a failure there is
 * fatal (it prints the summary at once). Boot 3 makes the checks with
 * its report and powers off:
 *   - the boot count is the one expected;
 *   - the marker region is zero at boot (the RAM was cleared);
 *   - vCPU 1 is STOPPED (the new instance starts with vCPU 0 only);
 *   - the region stays zero for a while: a vCPU of the old instance that
 *     still ran anywhere would keep writing into it.
 * Only the last boot prints TEST lines, so the report counts match.
 *
 * With bootargs storm=N it is a guest that reboots in a loop instead:
 * boots 1 to N reboot at once (cold), boot N + 1 checks its boot count
 * and that its RAM was cleared, and powers off. Beside a VM that spins
 * on the same hart (guests/configs/reboot-storm.dts), each reboot's RAM
 * clearing must still finish, in steps between the spinner's slices.
 */
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "harts.h"
#include "platform.h"
#include "sbi.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define MARK_OFFSET (4UL << 20) /* into RAM: past the image and stacks */
#define MARK_WORDS (64UL * 1024 / 8)
#define WATCH_US 300000 /* how long the new instance watches the region */
#define LAST_BOOT 3
#define SRST_COLD_REBOOT 1
#define SRST_WARM_REBOOT 2

const char guest_name[] = "reboot";

extern char _end[];

static volatile uint64_t *marks(void)
{
	return (volatile uint64_t *)(uintptr_t)(platform.ram_base +
						MARK_OFFSET);
}

/* The first nonzero word of the marker region, or -1. */
static long first_mark(void)
{
	volatile uint64_t *m = marks();

	for (unsigned long i = 0; i < MARK_WORDS; i++)
		if (m[i])
			return (long)i;
	return -1;
}

/* vCPU 1 of the old instance: writes until the instance is gone. */
static void write_marks(void *arg)
{
	uint64_t tag = (uint64_t)(uintptr_t)arg << 48;
	volatile uint64_t *m = marks();

	for (uint64_t n = 1;; n++)
		m[n % MARK_WORDS] = tag | n;
}

static bool region_is_ours(void)
{
	uintptr_t start = platform.ram_base + MARK_OFFSET;
	uintptr_t end = start + MARK_WORDS * 8;
	uintptr_t dtb = (uintptr_t)platform.dtb;

	return start >= (uintptr_t)_end && (dtb >= end || dtb < start) &&
	       end <= platform.ram_base + platform.ram_size;
}

/* Boot count, RAM zero, sibling stopped, no write from the old instance.
 * report: TEST lines; else a failure is fatal and the rest is silent. */
static void check_restart(unsigned boot, unsigned want, bool report)
{
	long mark = first_mark();
	struct sbiret status = sbi_hart_get_status(1);
	uint64_t until = deadline_after_us(WATCH_US);
	long late = -1;

	while (late < 0 && !time_reached(until))
		late = first_mark();
	if (report) {
		check(boot == want, "boot-count", "boot %u, want %u", boot,
		      want);
		check(mark < 0, "ram-zeroed", "word %ld of the region is %lx",
		      mark, mark < 0 ? 0UL : (unsigned long)marks()[mark]);
		check(!status.error && status.value == SBI_HSM_STOPPED,
		      "sibling-stopped", "hart 1: error %ld, status %ld",
		      status.error, status.value);
		check(late < 0, "no-write-after-reset", "word %ld became %lx",
		      late, late < 0 ? 0UL : (unsigned long)marks()[late]);
		return;
	}
	if (boot != want || mark >= 0 || status.error ||
	    status.value != SBI_HSM_STOPPED || late >= 0)
		test_fatal("restart",
			   "boot %u: count want %u, mark %ld, "
			   "hart 1 status %ld/%ld, late write %ld",
			   boot, want, mark, status.error, status.value, late);
}

/* Start the writer on vCPU 1, see it write, and reboot under it. */
static void reboot_while_writing(unsigned boot, unsigned long type)
{
	long ret = hart_launch(1, write_marks, (void *)(uintptr_t)boot);
	uint64_t until = deadline_after_us(2000000);

	if (ret)
		test_fatal("writer", "hart_start: %ld", ret);
	while (first_mark() < 0 && !time_reached(until))
		;
	if (first_mark() < 0)
		test_fatal("writer", "vCPU 1 wrote nothing");
	printf("REBOOT boot %u: vCPU 1 is writing; %s reboot\n", boot,
	       type == SRST_COLD_REBOOT ? "cold" : "warm");
	struct sbiret r = sbi_system_reset(type, SBI_SRST_REASON_NONE);

	test_fatal("reboot", "system_reset returned %ld", r.error);
}

/* storm=N: reboot at once N times, leaving a mark each time that the
 * next boot must not find. */
static void reboot_storm(unsigned boot, unsigned storm)
{
	long mark = first_mark();

	if (boot <= storm) {
		if (mark >= 0)
			test_fatal("ram-zeroed", "boot %u: word %ld is %lx",
				   boot, mark, (unsigned long)marks()[mark]);
		marks()[boot] = boot;
		struct sbiret r = sbi_system_reset(SRST_COLD_REBOOT,
						   SBI_SRST_REASON_NONE);

		test_fatal("reboot", "system_reset returned %ld", r.error);
	}
	check(boot == storm + 1, "storm-boot-count", "boot %u, want %u", boot,
	      storm + 1);
	check(mark < 0, "storm-ram-zeroed", "word %ld of the region is %lx",
	      mark, mark < 0 ? 0UL : (unsigned long)marks()[mark]);
}

void guest_main(void)
{
	unsigned boot = (unsigned)fdt_get_u64(platform.dtb, "/chosen",
					      "hartvisor,boot-count", 0);
	unsigned storm = (unsigned)bootarg_u64("storm", 0);

	printf("REBOOT boot %u\n", boot);
	if (storm && region_is_ours()) {
		reboot_storm(boot, storm);
		return;
	}
	if (platform.num_harts < 2 || !region_is_ours())
		test_fatal("setup", "needs 2 vCPUs and RAM past 0x%lx",
			   (unsigned long)(platform.ram_base + MARK_OFFSET +
					   MARK_WORDS * 8));
	if (boot == 1) {
		if (first_mark() >= 0)
			test_fatal("ram-zeroed", "RAM not zero at power-on");
		reboot_while_writing(boot, SRST_COLD_REBOOT);
	}
	if (boot < LAST_BOOT) {
		check_restart(boot, boot, false);
		reboot_while_writing(boot, SRST_WARM_REBOOT);
	}
	check_restart(boot, LAST_BOOT, true);
}
