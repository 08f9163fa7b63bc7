// SPDX-License-Identifier: MIT
/*
 * The debug guest's own checks, after the rendezvous: the layout really is
 * virtual != physical on every vCPU, and every variable has the value the
 * iterations that ran imply (main.c lists them). A debugger that lost,
 * doubled or changed an access shows up here as a FAIL.
 */
#include "csr.h"
#include "debug.h"
#include "layout.h"
#include "platform.h"
#include "test.h"
#include "trap.h"
#include "util.h"

extern char _start[], __trampoline_start[];

void debug_checks(unsigned vcpus);

static void check_layout(unsigned vcpus)
{
	unsigned long want_satp = paging_expected_satp();
	struct trap_record rec;
	char name[48];

	check((unsigned long)_start == GUEST_LOAD_ADDR + DEBUG_VIRT_OFFSET &&
		      virt_to_phys(_start) == GUEST_LOAD_ADDR,
	      "image-virtual", "_start at 0x%lx, offset 0x%lx",
	      (unsigned long)_start, guest_virt_offset);
	for (unsigned h = 0; h < vcpus; h++)
		check(vcpu_satp[h] == want_satp,
		      hart_check_name(name, sizeof(name), "sv39", h),
		      "satp 0x%lx (want 0x%lx)", vcpu_satp[h], want_satp);
	/* A physical address is not a virtual one here... */
	rec = probe_load(virt_to_phys(&debug_counter));
	check_trap("physical-alias-unmapped", rec, CAUSE_LOAD_PAGE,
		   virt_to_phys(&debug_counter));
	/* ...except on the trampoline page. */
	rec = probe_load(virt_to_phys(__trampoline_start));
	check(!rec.trapped, "trampoline-identity", "cause %lu", rec.cause);
}

static void check_work(unsigned vcpus)
{
	uint64_t n = READ_ONCE(iterations_done), lrsc_sum = 0;
	double want_fp = READ_ONCE(fp_step) * (FP_TERMS * (FP_TERMS + 1) / 2) +
			 0.25 * (double)n;
	char name[48];

	check(n >= debug_iterations, "iterations",
	      "%lu done, debug_iterations %lu", (unsigned long)n,
	      (unsigned long)debug_iterations);
	check(debug_counter == n, "counter", "debug_counter %lu (want %lu)",
	      (unsigned long)debug_counter, (unsigned long)n);
	check(debug_flags[0] == n, "flags-hart0", "debug_flags[0] %lu",
	      (unsigned long)debug_flags[0]);
	for (unsigned h = 1; h < vcpus; h++)
		check(debug_flags[h] > 0 && debug_flags[h] == lrsc_adds[h],
		      hart_check_name(name, sizeof(name), "flags", h),
		      "debug_flags[%u] %lu, lrsc_adds %lu", h,
		      (unsigned long)debug_flags[h],
		      (unsigned long)lrsc_adds[h]);
	for (unsigned h = 0; h < vcpus; h++)
		lrsc_sum += lrsc_adds[h];
	check(atomic_target == lrsc_sum, "lrsc-total",
	      "atomic_target %lu (want %lu; %lu sc retries on vCPU 0)",
	      (unsigned long)atomic_target, (unsigned long)lrsc_sum,
	      (unsigned long)lrsc_retries[0]);
	check(fp_result == want_fp, "fp-result", "fp_result*4 %ld (want %ld)",
	      (long)(fp_result * 4), (long)(want_fp * 4));
	check(bt_result == 6 * n + 327 && level3_calls == n, "backtrace-calls",
	      "bt_result %lu level3_calls %lu", (unsigned long)bt_result,
	      (unsigned long)level3_calls);
	check(watch_0 == n && watch_1 == WATCH_1_VALUE && watch_2 == 2 * n &&
		      watch_3 == 3 * n && watch_4 == WATCH_4_VALUE &&
		      watch_5 == n * (n + 1) / 2,
	      "watch-vars", "%lu %lu %lu %lu %lu %lu", (unsigned long)watch_0,
	      (unsigned long)watch_1, (unsigned long)watch_2,
	      (unsigned long)watch_3, (unsigned long)watch_4,
	      (unsigned long)watch_5);
	/* gdb's breakpoints never showed through the guest's own loads. */
	check(code_changes == 0, "code-unchanged",
	      "%lu iterations read other code bytes at level3/bump_counter",
	      (unsigned long)code_changes);
	check(watch_a == n && watch_b == WATCH_B_VALUE &&
		      watch_neighbor == 7 * n &&
		      watch_read_sum == n * (WATCH_1_VALUE + WATCH_4_VALUE +
					     WATCH_B_VALUE),
	      "watch-page", "a %lu b 0x%lx neighbor %lu read_sum 0x%lx",
	      (unsigned long)watch_a, (unsigned long)watch_b,
	      (unsigned long)watch_neighbor, (unsigned long)watch_read_sum);
}

void debug_checks(unsigned vcpus)
{
	check_layout(vcpus);
	check_work(vcpus);
}
