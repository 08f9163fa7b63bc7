// SPDX-License-Identifier: MIT
/*
 * Load balancing of the fair policy in the multi-hart simulation
 * (sched_sim.h): idle harts pull, woken vCPUs find idle harts, pushes
 * even out loads without ping-pong, and no hart idles while a vCPU it may
 * run waits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "sched_sim.h"

#define MS SIM_TICKS_PER_MS
#define US SIM_TICKS_PER_US
#define SLICE (10 * MS)

/* 4 busy vCPUs that all start on hart 0 of 4: each ends up on a hart of
 * its own, at once, and stays there. */
static void test_undercommitted_vcpus_spread_and_stay(void **state)
{
	(void)state;
	sim_start(4, SLICE, "fair");
	sim_first_hart = 0;
	struct vm *vm = sim_vm("a", 4, 256, 0, SIM_BUSY);

	sim_run(100 * MS);
	unsigned long harts = 0;

	for (unsigned i = 0; i < 4; i++)
		harts |= 1UL << vm->vcpus[i].cpu->index;
	assert_int_equal(harts, 0xf);
	uint64_t moved = sim_migrations();

	assert_in_range(moved, 3, 3);
	sim_run(2000 * MS);
	assert_int_equal(sim_migrations(), moved);
	/* Every hart ran a vCPU all the time, once they had spread. */
	assert_in_range(sim_vm_progress(vm), 4 * 2095 * MS, 4 * 2100 * MS);
	assert_int_equal(sim_idle_violation_ticks, 0);
}

/* Round-robin keeps vCPUs where they are: the baseline does not spread. */
static void test_round_robin_does_not_balance(void **state)
{
	(void)state;
	sim_start(4, SLICE, "round-robin");
	sim_first_hart = 0;
	struct vm *vm = sim_vm("a", 4, 256, 0, SIM_BUSY);

	sim_run(100 * MS);
	assert_int_equal(sim_migrations(), 0);
	assert_in_range(sim_vm_progress(vm), 99 * MS, 101 * MS);
}

/* 3 busy vCPUs on 2 harts: the 2:1 split stays (moving one would only
 * swap the sides), so vCPUs do not ping-pong, and no hart idles. */
static void test_no_ping_pong(void **state)
{
	(void)state;
	sim_start(2, SLICE, "fair");
	struct vm *vm = sim_vm("a", 3, 256, 0, SIM_BUSY);

	sim_run(2000 * MS);
	assert_in_range(sim_migrations(), 0, 2);
	assert_in_range(sim_vm_progress(vm), 2 * 1995 * MS, 2 * 2001 * MS);
}

/* 6 busy vCPUs start on one hart of 3: pushes and pulls even it out to
 * 2 per hart, after which nothing moves. */
static void test_overload_evens_out(void **state)
{
	(void)state;
	sim_start(3, SLICE, "fair");
	sim_first_hart = 0;
	struct vm *vm = sim_vm("a", 6, 256, 0, SIM_BUSY);
	unsigned per_hart[3] = {0, 0, 0};

	sim_run(500 * MS);
	for (unsigned i = 0; i < 6; i++)
		per_hart[vm->vcpus[i].cpu->index]++;
	for (unsigned h = 0; h < 3; h++)
		assert_int_equal(per_hart[h], 2);
	uint64_t moved = sim_migrations();

	sim_run(2000 * MS);
	assert_int_equal(sim_migrations(), moved);
}

/* Weights 1:3 with the VMs' vCPUs started badly: all of the heavy VM's
 * on hart 0, all of the light one's on hart 1, of 4 harts. Counting
 * vCPUs, 2 per hart looks even whatever the pairs, yet a hart running
 * two heavy vCPUs and one running two light ones split 50/50 each, and
 * the light VM then gets 37.5 % or 50 %. Weighing the harts' loads by
 * the vCPUs' weights gives each VM its share wherever its vCPUs end up:
 * 25 %/75 %, after which nothing moves. */
static void test_balance_by_weight(void **state)
{
	(void)state;
	sim_start(4, SLICE, "fair");
	sim_first_hart = 0;
	struct vm *heavy = sim_vm("heavy", 4, 768, 0, SIM_BUSY);

	sim_first_hart = 1;
	struct vm *light = sim_vm("light", 4, 256, 0, SIM_BUSY);

	sim_run(1000 * MS);
	uint64_t moved = sim_migrations();
	uint64_t light_before = sim_vm_progress(light);
	uint64_t heavy_before = sim_vm_progress(heavy);

	sim_run(2000 * MS);
	assert_int_equal(sim_migrations(), moved);
	uint64_t l = sim_vm_progress(light) - light_before;
	uint64_t h = sim_vm_progress(heavy) - heavy_before;

	assert_in_range(l * 1000 / (l + h), 245, 255);
	/* No hart idled. */
	assert_in_range(l + h, 4 * 1995 * MS, 4 * 2001 * MS);
}

/* Sleepers that wake at random-looking times beside busy vCPUs: a hart
 * never sleeps while a vCPU it may run waits (beyond the instant an IPI
 * takes), and woken vCPUs use idle harts. */
static void test_no_hart_idles_while_work_waits(void **state)
{
	(void)state;
	sim_start(4, SLICE, "fair");
	struct vm *sleepers = sim_vm("sleepers", 6, 256, 0, SIM_PERIODIC);
	struct vm *busy = sim_vm("busy", 2, 256, 0x3, SIM_BUSY);

	for (unsigned i = 0; i < 6; i++) {
		sim_vcpu(sleepers, i)->period = (700 + 131 * i) * US;
		sim_vcpu(sleepers, i)->work = (300 + 97 * i) * US;
	}
	sim_run(2000 * MS);
	assert_int_equal(sim_idle_violation_ticks, 0);
	assert_in_range(sim_vm_progress(busy), 2 * 1900 * MS, 2 * 2001 * MS);
	for (unsigned i = 0; i < 6; i++)
		assert_true(sim_vcpu(sleepers, i)->wakeups > 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_undercommitted_vcpus_spread_and_stay),
		cmocka_unit_test(test_round_robin_does_not_balance),
		cmocka_unit_test(test_no_ping_pong),
		cmocka_unit_test(test_overload_evens_out),
		cmocka_unit_test(test_balance_by_weight),
		cmocka_unit_test(test_no_hart_idles_while_work_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
