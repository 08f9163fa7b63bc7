// SPDX-License-Identifier: MIT
/*
 * Pausing and resuming a VM on the fake arch (hv/vm/pause.c and the
 * scheduler's park/unpark): a vCPU that is queued, blocked with its state
 * on another hart, offline, running in the guest, or inside an exit
 * handler; nested pauses; the bounded wait; wakeups while paused; other
 * VMs on the same harts; a pause that races with a resume. The resume
 * side and what a debugger uses: test_pause_resume.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/platform.h>
#include <hv/vcpu_state.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL
/* A short pause timeout (VM_PAUSE_TIMEOUT_MS of this clock), so that the
 * tests that wait it out stay fast. */
#define SLOW_TIMEBASE_HZ 10000ULL
#define TIMEOUT_TICKS (SLOW_TIMEBASE_HZ * VM_PAUSE_TIMEOUT_MS / 1000)

static struct vm *vm;
static struct vcpu *v0, *v1;
static unsigned nentries[2];
static unsigned long last_virq[2];

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(3, SLICE);
	vm = fake_vm_create("a", 2, 0x3); /* v0 on hart 0, v1 on hart 1 */
	v0 = &vm->vcpus[0];
	v1 = &vm->vcpus[1];
	nentries[0] = nentries[1] = 0;
	return 0;
}

/* First entry: writes f7 and sscratch. Every entry: takes a pending
 * software interrupt, then waits in wfi with SSIE enabled. */
static void guest_wfi(struct vcpu *vcpu)
{
	unsigned id = vcpu->id & 1;

	if (vcpu->vm == vm) {
		if (++nentries[id] == 1) {
			fake_guest_write_fp(vcpu, 7, 0x7700 + id);
			fake_harts[fake_current_hart()].live.vsscratch =
				0x5500 + id;
		}
		last_virq[id] = vcpu->arch.virq_injected;
	}
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

static void start_both_queued(void)
{
	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, ENTRY);
	fake_vcpu_start(vm, 1, ENTRY);
}

static void test_pause_queued_vcpus(void **state)
{
	(void)state;
	start_both_queued();
	assert_int_equal(vm_pause(vm), HV_OK);
	assert_true(vm_is_paused(vm));
	assert_true(v0->parked && v1->parked);
	assert_int_equal(cpus[0].rq.nr_queued + cpus[1].rq.nr_queued, 0);
	assert_null(fake_step(0));
	assert_null(fake_step(1));
	unsigned ipis1 = fake_harts[1].ipis_received;

	vm_resume(vm);
	assert_false(vm_is_paused(vm));
	assert_false(v0->parked || v1->parked);
	assert_int_equal(fake_harts[1].ipis_received, ipis1 + 1);
	assert_ptr_equal(fake_step(0), v0);
	assert_ptr_equal(fake_step(1), v1);
	vm_resume(vm); /* unbalanced: no effect */
	assert_int_equal(vm->pause_count, 0);
}

/* Blocked in wfi on hart 0, which still holds its CSRs and FP registers:
 * hart 0 saves them (a message), and a wakeup while paused does not run
 * it; after the resume it runs and sees the interrupt and its state. */
/* A pause is not steal: a vCPU runnable when its VM is paused counts the
 * wait before the pause and after the resume, not the pause itself, in
 * its wait (steal) time and in a live reading meanwhile. */
static void test_pause_is_not_wait(void **state)
{
	uint64_t run, wait;

	(void)state;
	start_both_queued();
	fake_advance_time(100);
	assert_int_equal(vm_pause(vm), HV_OK);
	fake_advance_time(1000000);
	sched_vcpu_times(v0, fake_time, &run, &wait);
	assert_int_equal(wait, 100);
	vm_resume(vm);
	fake_advance_time(50);
	sched_vcpu_times(v0, fake_time, &run, &wait);
	assert_int_equal(wait, 150);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(v0->stats.wait_ticks, 150);
}

static void test_pause_blocked_vcpu_held_by_its_hart(void **state)
{
	(void)state;
	uint64_t value;

	start_both_queued();
	assert_ptr_equal(fake_step(0), v0);
	assert_ptr_equal(cpus[0].loaded, v0);
	assert_ptr_equal(cpus[0].fp_owner, v0);
	unsigned puts = fake_harts[0].puts, saves = fake_harts[0].fp_saves;

	fake_set_hart(1);
	assert_int_equal(vm_pause(vm), HV_OK);
	assert_null(cpus[0].loaded);
	assert_null(cpus[0].fp_owner);
	assert_int_equal(fake_harts[0].puts, puts + 1);
	assert_int_equal(fake_harts[0].fp_saves, saves + 1);
	assert_true(sched_vcpu_quiescent(v0));
	assert_int_equal(vcpu_state_read(v0, VCPU_REG_F0 + 7, &value), HV_OK);
	assert_int_equal(value, 0x7700);
	assert_int_equal(vcpu_state_read(v0, VCPU_REG_SSCRATCH, &value), HV_OK);
	assert_int_equal(value, 0x5500);

	vcpu_post_ipi(v0); /* woken while paused: runnable, not queued */
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_false(v0->se.queued);
	assert_null(fake_step(0));
	assert_int_equal(vcpu_state_write(v0, VCPU_REG_F0 + 7, 0x7777), HV_OK);
	vm_resume(vm);
	assert_true(v0->se.queued);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries[0], 2);
	assert_true(last_virq[0] & VIRQ_SOFT);
	fake_set_hart(0);
	assert_int_equal(fake_guest_read_fp(v0, 7), 0x7777);
	assert_int_equal(fake_harts[0].live.vsscratch, 0x5500);
}

static void test_pause_offline_vcpu(void **state)
{
	(void)state;
	uint64_t value;

	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, ENTRY);
	fake_step(0);
	assert_int_equal(vm_pause(vm), HV_OK);
	assert_int_equal(vcpu_state_read(v1, VCPU_REG_PC, &value), HV_ESTOPPED);
	assert_int_equal(vcpu_state_write(v1, VCPU_REG_PC, 0), HV_ESTOPPED);
	vm_resume(vm);
	assert_int_equal(v1->state, VCPU_OFFLINE);
	assert_false(v1->se.queued);
	assert_null(fake_step(1));
}

/* The guest runs on hart 0 and its hart never takes the IPI: a pause
 * from hart 1 asks it to park (a request and a kick), and gives up after
 * its bounded wait. When the hart finally handles the IPI, the vCPU
 * parks before entering again; then a second (nested) pause completes. */
static int pause_result;
static uint64_t pause_waited;
static unsigned long requests_seen;

static void guest_paused_while_running(struct vcpu *vcpu)
{
	if (vcpu != v0 || nentries[0]) {
		guest_wfi(vcpu);
		return;
	}
	nentries[0]++;
	unsigned ipis0 = fake_harts[0].ipis_received;
	uint64_t begin = fake_time;

	fake_harts[0].stalled = true;
	fake_set_hart(1);
	pause_result = vm_pause(vm);
	pause_waited = fake_time - begin;
	requests_seen = v0->requests;
	assert_int_equal(fake_harts[0].ipis_received, ipis0 + 1);
	assert_int_equal(vcpu_state_write(v0, VCPU_REG_X0 + 5, 1), HV_ESTATE);
	fake_set_hart(0);
	fake_harts[0].stalled = false;
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
}

static void test_pause_running_vcpu_times_out_then_parks(void **state)
{
	(void)state;
	platform.timebase_frequency = SLOW_TIMEBASE_HZ;
	fake_guest = guest_paused_while_running;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(pause_result, HV_EAGAIN);
	assert_true(pause_waited >= TIMEOUT_TICKS);
	assert_true(pause_waited < TIMEOUT_TICKS + 10);
	assert_true(requests_seen & VCPU_REQ_PARK);
	/* It left at its next entry, and was not entered again. */
	assert_int_equal(nentries[0], 1);
	assert_int_equal(fake_harts[0].entries, 1);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_false(v0->se.queued);
	assert_null(cpus[0].loaded);
	assert_int_equal(vm->pause_count, 1);
	assert_int_equal(vm_pause(vm), HV_OK); /* nested: count 2 */
	assert_int_equal(vm->pause_count, 2);
	vm_resume(vm);
	assert_true(vm_is_paused(vm));
	assert_null(fake_step(0));
	vm_resume(vm);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries[0], 2);
}

/* A pause that arrives while hart 0 is in v0's exit handler: no IPI (it
 * is not in the guest); it parks before its next entry. The handler's
 * own vCPU cannot wait for its VM's pause, but may ask for one. */
static bool pause_self;

static enum exit_action ecall_pause(struct vcpu *vcpu)
{
	unsigned ipis0 = fake_harts[0].ipis_received;

	vcpu->arch.sepc += 4;
	assert_int_equal(vm_pause(vcpu->vm), HV_ESTATE);
	assert_int_equal(vm_pause_wait(vcpu->vm), HV_ESTATE);
	assert_int_equal(vcpu->vm->pause_count, 0);
	if (pause_self) {
		vm_pause_begin(vcpu->vm);
	} else {
		fake_set_hart(1);
		pause_result = vm_pause(vcpu->vm);
		fake_set_hart(0);
	}
	assert_true(vcpu->requests & VCPU_REQ_PARK);
	assert_int_equal(fake_harts[0].ipis_received, ipis0);
	return EXIT_RESUME;
}

static void guest_ecall_once(struct vcpu *vcpu)
{
	if (vcpu == v0 && nentries[0] == 0) {
		nentries[0]++;
		fake_exit_ecall(vcpu, 0x10, 0, NULL, 0);
		return;
	}
	guest_wfi(vcpu);
}

static void run_pause_mid_exit(void)
{
	platform.timebase_frequency = SLOW_TIMEBASE_HZ;
	fake_guest = guest_ecall_once;
	fake_ecall_handler = ecall_pause;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries[0], 1);
	assert_int_equal(fake_harts[0].entries, 1);
	assert_true(v0->parked);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_int_equal(v0->arch.sepc, ENTRY + 4);
	assert_int_equal(vm->pause_count, 1);
	fake_set_hart(1);
	assert_int_equal(vm_pause_wait(vm), HV_OK);
	vm_resume(vm);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries[0], 2);
}

static void test_pause_mid_exit(void **state)
{
	(void)state;
	run_pause_mid_exit();
	assert_int_equal(pause_result, HV_EAGAIN);
}

static void test_pause_begun_by_own_vcpu(void **state)
{
	(void)state;
	pause_self = true;
	run_pause_mid_exit();
	pause_self = false;
}

/* Another VM on the same harts keeps running while one is paused. */
static void test_other_vm_runs_while_one_is_paused(void **state)
{
	(void)state;
	struct vm *other = fake_vm_create("b", 1, 0x1);

	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, ENTRY);
	fake_vcpu_start(other, 0, ENTRY);
	assert_int_equal(vm_pause(vm), HV_OK);
	assert_ptr_equal(fake_step(0), &other->vcpus[0]);
	vcpu_post_ipi(&other->vcpus[0]);
	vcpu_post_ipi(v0);
	assert_ptr_equal(fake_step(0), &other->vcpus[0]);
	assert_null(fake_step(0));
	vm_resume(vm);
	assert_ptr_equal(fake_step(0), v0);
}

/*
 * A pause that begins while a resume is still letting the vCPUs go (on
 * another hart, at the IPI the resume sends for v0). The pause must win
 * over the vCPUs the resume had not reached yet: once vm_pause returned
 * HV_OK, no vCPU of the VM may run. A pauser that finds the pause lock
 * taken waits for it, as a hart spinning on it would (it runs after).
 */
static bool race_fired, race_deferred;
static int race_result;

static void pause_from_hart2(void)
{
	unsigned me = fake_current_hart();

	fake_set_hart(2);
	race_result = vm_pause(vm);
	fake_set_hart(me);
}

static void probe_pause_during_resume(enum fake_probe point)
{
	if (point != FAKE_PROBE_IPI_SENT || race_fired)
		return;
	race_fired = true;
	if (__atomic_load_n(&vm->pause_lock.locked, __ATOMIC_RELAXED))
		race_deferred = true;
	else
		pause_from_hart2();
}

static void test_pause_racing_with_resume_wins(void **state)
{
	(void)state;
	start_both_queued();
	assert_int_equal(vm_pause(vm), HV_OK);
	fake_set_hart(1); /* resume from hart 1: v0's unpark IPIs hart 0 */
	fake_probe = probe_pause_during_resume;
	vm_resume(vm);
	fake_probe = NULL;
	assert_true(race_fired);
	if (race_deferred)
		pause_from_hart2();
	assert_int_equal(race_result, HV_OK);
	assert_int_equal(vm->pause_count, 1);
	assert_true(v0->parked && v1->parked);
	assert_false(v0->se.queued || v1->se.queued);
	assert_null(fake_step(0));
	assert_null(fake_step(1));
	vm_resume(vm);
	assert_ptr_equal(fake_step(0), v0);
	assert_ptr_equal(fake_step(1), v1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pause_queued_vcpus, setup),
		cmocka_unit_test_setup(test_pause_is_not_wait, setup),
		cmocka_unit_test_setup(test_pause_blocked_vcpu_held_by_its_hart,
				       setup),
		cmocka_unit_test_setup(test_pause_offline_vcpu, setup),
		cmocka_unit_test_setup(
			test_pause_running_vcpu_times_out_then_parks, setup),
		cmocka_unit_test_setup(test_pause_mid_exit, setup),
		cmocka_unit_test_setup(test_pause_begun_by_own_vcpu, setup),
		cmocka_unit_test_setup(test_other_vm_runs_while_one_is_paused,
				       setup),
		cmocka_unit_test_setup(test_pause_racing_with_resume_wins,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
