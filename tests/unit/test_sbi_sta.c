// SPDX-License-Identifier: MIT
/*
 * SBI Steal-time Accounting (hv/sbi/ext/sta.c, hv/sbi/steal_time.c) on
 * the fake arch: probe and config switch-off, set_shmem (zeroing, every
 * error, a failed call changes nothing, disable), and what two vCPUs
 * sharing one hart see in vCPU 0's record: steal is the time it waited
 * while runnable (not while blocked), in ns; `preempted` is 1 while it
 * is switched out runnable and 0 whenever it runs; the sequence moves by
 * 2 per update. A hart started again has no record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/steal_time.h>
#include "sbi_guest.h"

#define SLICE 1000
#define RAM_SIZE (2UL << 20)
#define RAM_BASE GUEST_RAM_BASE
#define RAM_END (RAM_BASE + RAM_SIZE)
#define RECORD (RAM_BASE + 0x1000)
#define OTHER (RAM_BASE + 0x2000)
#define NS_PER_TICK (1000000000ULL / FAKE_TIMEBASE_HZ)
#define MAX_LOOKS 16

enum {
	SET_SHMEM,
};
enum {
	HSM_HART_STOP = 1,
};

/* The STA record as the guest reads it. */
struct record {
	uint32_t sequence, flags;
	uint64_t steal;
	uint8_t preempted, pad[47];
};

/* What a vCPU saw of vCPU 0's record when it was entered. */
struct look {
	unsigned who;
	enum vcpu_state v0_state;
	struct record seen;
};

static struct vm *vm;
static struct vcpu *v0, *v1;
static uint8_t *ram;
static struct look looks[MAX_LOOKS];
static unsigned nlooks;

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	guest_reset();
	vm = fake_vm_create("a", 2, 0);
	ram = fake_vm_add_ram(vm, RAM_SIZE);
	v0 = &vm->vcpus[0];
	v1 = &vm->vcpus[1];
	fake_vcpu_start(vm, 0, RAM_BASE);
	fake_vcpu_start(vm, 1, RAM_BASE);
	guest_run_hart(0);
	nlooks = 0;
	return 0;
}

static struct record *record_at(unsigned long guest_pa)
{
	return (struct record *)(ram + (guest_pa - RAM_BASE));
}

static long set_shmem(struct vcpu *vcpu, unsigned long lo, unsigned long hi,
		      unsigned long flags)
{
	struct guest_sbiret ret =
		guest_call(vcpu, SBI_EXT_STA, SET_SHMEM, lo, hi, flags);

	assert_true(ret.returned);
	assert_int_equal(ret.value, 0);
	return ret.error;
}

static void test_probe_and_config_switch(void **state)
{
	(void)state;
	struct guest_sbiret ret = guest_call(v0, SBI_EXT_BASE, 3, SBI_EXT_STA);
	int index = sbi_extension_index("sta");

	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(ret.value, 1);
	ret = guest_call(v0, SBI_EXT_STA, 1, 0);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	/* sbi-disable = "sta": absent for the guest. */
	assert_true(index > 0);
	vm->sbi_disabled |= 1UL << index;
	ret = guest_call(v0, SBI_EXT_BASE, 3, SBI_EXT_STA);
	assert_int_equal(ret.value, 0);
	ret = guest_call(v0, SBI_EXT_STA, SET_SHMEM, RECORD, 0, 0);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_false(v0->sta.enabled);
}

static void test_register_zeroes_record(void **state)
{
	(void)state;
	memset(record_at(RECORD), 0xa5, STA_RECORD_SIZE + 1);
	assert_int_equal(set_shmem(v0, RECORD, 0, 0), SBI_SUCCESS);
	for (unsigned i = 0; i < STA_RECORD_SIZE; i++)
		assert_int_equal(((uint8_t *)record_at(RECORD))[i], 0);
	assert_int_equal(((uint8_t *)record_at(RECORD))[STA_RECORD_SIZE], 0xa5);
	assert_true(v0->sta.enabled);
	assert_int_equal(v0->sta.shmem.val, RECORD);
	/* The last 64 bytes of RAM hold a record too. */
	assert_int_equal(set_shmem(v0, RAM_END - 64, 0, 0), SBI_SUCCESS);
	assert_int_equal(v0->sta.shmem.val, RAM_END - 64);
}

/* Each error leaves the earlier registration and the named memory
 * alone. */
static void test_register_errors(void **state)
{
	(void)state;
	static const struct {
		unsigned long lo, hi, flags;
		long error;
	} bad[] = {
		{RECORD, 0, 1, SBI_ERR_INVALID_PARAM},
		{~0UL, ~0UL, 1,
		 SBI_ERR_INVALID_PARAM}, /* flags even to disable */
		{RECORD + 8, 0, 0, SBI_ERR_INVALID_PARAM},
		{RECORD + 32, 0, 0, SBI_ERR_INVALID_PARAM},
		{~0UL, 0, 0, SBI_ERR_INVALID_PARAM}, /* half a disable */
		{RECORD, 1, 0, SBI_ERR_INVALID_ADDRESS},
		{0, ~0UL, 0, SBI_ERR_INVALID_ADDRESS},
		{RAM_END, 0, 0, SBI_ERR_INVALID_ADDRESS},
		{RAM_BASE - 64, 0, 0, SBI_ERR_INVALID_ADDRESS},
		{0, 0, 0, SBI_ERR_INVALID_ADDRESS},
		{GUEST_UART_BASE, 0, 0, SBI_ERR_INVALID_ADDRESS},
		{GUEST_PLIC_BASE, 0, 0, SBI_ERR_INVALID_ADDRESS},
		{~0UL & ~63UL, 0, 0, SBI_ERR_INVALID_ADDRESS},
	};

	assert_int_equal(set_shmem(v0, RECORD, 0, 0), SBI_SUCCESS);
	memset(record_at(OTHER), 0x5a, STA_RECORD_SIZE + 64);
	for (unsigned i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(
			set_shmem(v0, bad[i].lo, bad[i].hi, bad[i].flags),
			bad[i].error);
		assert_true(v0->sta.enabled);
		assert_int_equal(v0->sta.shmem.val, RECORD);
	}
	for (unsigned i = 0; i < STA_RECORD_SIZE + 64; i++)
		assert_int_equal(((uint8_t *)record_at(OTHER))[i], 0x5a);
}

/* Records vCPU 0's record as seen now, then runs until the hart's timer
 * (the slice end, armed when someone waits) or, with none, waits. */
static void look_and_spin(struct vcpu *vcpu)
{
	struct fake_hart *hart = &fake_harts[fake_current_hart()];

	assert_true(nlooks < MAX_LOOKS);
	looks[nlooks++] = (struct look){
		.who = vcpu->id,
		.v0_state = v0->state,
		.seen = *record_at(RECORD),
	};
	if (hart->timer_deadline == UINT64_MAX) {
		fake_exit_wfi(vcpu);
		return;
	}
	if (fake_time < hart->timer_deadline)
		fake_time = hart->timer_deadline;
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
}

static void run_both(unsigned turns_each)
{
	for (unsigned i = 0; i < turns_each; i++) {
		guest_do(v0, look_and_spin);
		guest_do(v1, look_and_spin);
	}
	guest_wake(v0);
	guest_wake(v1);
	guest_run_hart(0);
}

static void test_steal_and_preempted(void **state)
{
	(void)state;
	assert_int_equal(set_shmem(v0, RECORD, 0, 0), SBI_SUCCESS);
	uint64_t waited_before = v0->stats.wait_ticks;
	unsigned v0_looks = 0, v1_saw_preempted = 0;
	uint32_t last_sequence = 0;
	uint64_t last_steal = 0;

	run_both(3);
	assert_int_equal(nlooks, 6);
	for (unsigned i = 0; i < nlooks; i++) {
		const struct record *seen = &looks[i].seen;

		assert_int_equal(seen->sequence % 2, 0);
		assert_int_equal(seen->flags, 0);
		if (looks[i].who == 0) {
			/* Running: not preempted, one more update each time
			 * it is switched in, steal never shrinks. */
			v0_looks++;
			assert_int_equal(seen->preempted, 0);
			assert_int_equal(seen->sequence, last_sequence + 2);
			assert_true(seen->steal >= last_steal);
			last_sequence = seen->sequence;
			last_steal = seen->steal;
		} else if (looks[i].v0_state == VCPU_RUNNABLE) {
			assert_int_equal(seen->preempted, 1);
			v1_saw_preempted++;
		}
	}
	assert_int_equal(v0_looks, 3);
	assert_true(v1_saw_preempted >= 2);
	/* vCPU 0 waited at least two of vCPU 1's slices since it
	 * registered: that is its steal, in ns, exactly. */
	uint64_t waited = v0->stats.wait_ticks - waited_before;

	assert_true(waited >= 2 * SLICE);
	assert_int_equal(record_at(RECORD)->steal, waited * NS_PER_TICK);
	/* Switched in once more after its last look, to find it is done. */
	assert_int_equal(record_at(RECORD)->sequence, last_sequence + 2);
	/* Blocked in wfi at the end: idle, not preempted. */
	assert_int_equal(v0->state, VCPU_BLOCKED);
	assert_int_equal(record_at(RECORD)->preempted, 0);
}

/* Passes time on the hart and then waits. */
static void busy_then_wait(struct vcpu *vcpu)
{
	fake_time += 10 * SLICE;
	look_and_spin(vcpu);
}

/* Time blocked (wfi) is idle time, not steal. */
static void test_blocked_time_is_not_steal(void **state)
{
	(void)state;
	assert_int_equal(set_shmem(v0, RECORD, 0, 0), SBI_SUCCESS);
	uint64_t waited_before = v0->stats.wait_ticks;

	guest_do(v1, busy_then_wait);
	guest_wake(v1);
	guest_run_hart(0);
	assert_int_equal(nlooks, 1);
	assert_int_equal(looks[0].v0_state, VCPU_BLOCKED);
	assert_int_equal(looks[0].seen.preempted, 0);
	/* Woken: switched in at once, with nothing to add. */
	guest_do(v0, look_and_spin);
	guest_wake(v0);
	guest_run_hart(0);
	assert_int_equal(nlooks, 2);
	assert_int_equal(looks[1].seen.sequence, 2);
	assert_true(v0->stats.wait_ticks - waited_before < SLICE);
	assert_int_equal(looks[1].seen.steal,
			 (v0->stats.wait_ticks - waited_before) * NS_PER_TICK);
}

/* After a disable, switches leave the old record alone. */
static void test_disable(void **state)
{
	(void)state;
	assert_int_equal(set_shmem(v0, ~0UL, ~0UL, 0), SBI_SUCCESS);
	assert_int_equal(set_shmem(v0, RECORD, 0, 0), SBI_SUCCESS);
	assert_int_equal(set_shmem(v0, ~0UL, ~0UL, 0), SBI_SUCCESS);
	assert_false(v0->sta.enabled);
	assert_int_equal(set_shmem(v0, ~0UL, ~0UL, 0), SBI_SUCCESS);
	memset(record_at(RECORD), 0x33, STA_RECORD_SIZE);
	run_both(2);
	assert_true(v0->stats.preemptions >= 1);
	for (unsigned i = 0; i < STA_RECORD_SIZE; i++)
		assert_int_equal(((uint8_t *)record_at(RECORD))[i], 0x33);
}

/* A stopped hart is not written for; started again, it has no record
 * (nothing is written where the hart's earlier life asked). */
static void test_hart_start_drops_record(void **state)
{
	(void)state;
	struct guest_sbiret ret;

	assert_int_equal(set_shmem(v0, RECORD, 0, 0), SBI_SUCCESS);
	ret = guest_call(v0, SBI_EXT_HSM, HSM_HART_STOP, 0);
	assert_false(ret.returned);
	assert_int_equal(v0->state, VCPU_OFFLINE);
	memset(record_at(RECORD), 0x77, STA_RECORD_SIZE);
	fake_vcpu_start(vm, 0, RAM_BASE + 0x100);
	run_both(2);
	assert_int_equal(guest_last(v0)->pc, RAM_BASE + 0x100);
	assert_false(v0->sta.enabled);
	assert_true(v0->stats.preemptions >= 1);
	for (unsigned i = 0; i < STA_RECORD_SIZE; i++)
		assert_int_equal(((uint8_t *)record_at(RECORD))[i], 0x77);
	assert_int_equal(set_shmem(v0, RECORD, 0, 0), SBI_SUCCESS);
	assert_int_equal(record_at(RECORD)->sequence, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe_and_config_switch, setup),
		cmocka_unit_test_setup(test_register_zeroes_record, setup),
		cmocka_unit_test_setup(test_register_errors, setup),
		cmocka_unit_test_setup(test_steal_and_preempted, setup),
		cmocka_unit_test_setup(test_blocked_time_is_not_steal, setup),
		cmocka_unit_test_setup(test_disable, setup),
		cmocka_unit_test_setup(test_hart_start_drops_record, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
