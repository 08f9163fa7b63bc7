// SPDX-License-Identifier: MIT
/*
 * The resume side of a pause and what a debugger uses, on the fake arch
 * (hv/vm/pause.c): guest time frozen while paused, the paused hook called
 * once per pause, one vCPU released and everything parked again, a resume
 * after a pause that timed out, a pause whose unload meets a full message
 * queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/debug.h>
#include <hv/errno.h>
#include <hv/platform.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL
#define SLOW_TIMEBASE_HZ 10000ULL /* a 10000-tick pause timeout */

static struct vm *vm;
static struct vcpu *v0, *v1;
static unsigned nentries[2];
static int pause_result;

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

/* Takes a pending software interrupt, then waits in wfi (SSIE on). */
static void guest_wfi(struct vcpu *vcpu)
{
	nentries[vcpu->id & 1]++;
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

/* Guest time stands still while paused: the clock offset and the SBI
 * deadlines move by the paused time. */
static void test_resume_shifts_guest_time(void **state)
{
	(void)state;
	start_both_queued();
	fake_step(0);
	v0->timer_deadline = fake_time + 100; /* as set_timer would */
	uint64_t deadline = v0->timer_deadline;
	uint64_t delta = v0->arch.htimedelta;
	uint64_t vm_delta = vm->htimedelta;

	assert_int_equal(vm_pause(vm), HV_OK);
	uint64_t paused_at = vm->paused_at;

	fake_advance_time(5000);
	uint64_t paused_for = fake_time - paused_at;

	vm_resume(vm);
	assert_true(paused_for >= 5000);
	assert_int_equal(v0->timer_deadline, deadline + paused_for);
	assert_int_equal(v0->arch.htimedelta, delta - paused_for);
	assert_int_equal(vm->htimedelta, vm_delta - paused_for);
	assert_int_equal(v1->timer_deadline, UINT64_MAX); /* none: none */
}

/* A debugger hears once per pause that it completed; it may let one vCPU
 * run while the others stay parked, and park everything again. */
static unsigned paused_calls;

static void on_paused(void *ctx)
{
	(void)ctx;
	paused_calls++;
}

static const struct vm_debugger debugger = {.paused = on_paused};

static void test_debugger_release_and_pause_again(void **state)
{
	(void)state;
	start_both_queued();
	vm->debugger = &debugger;
	vm_pause_begin(vm);
	assert_int_equal(paused_calls, 1); /* none was running: complete */
	assert_int_equal(vm_pause(vm), HV_OK);
	assert_int_equal(paused_calls, 1);
	vm_resume(vm);
	vm_release_vcpu(v0);
	assert_ptr_equal(fake_step(0), v0); /* runs, blocks, stays loaded */
	assert_null(fake_step(1));	    /* v1 stays parked */
	assert_ptr_equal(cpus[0].loaded, v0);
	fake_set_hart(1);
	vm_pause_again(vm);
	assert_int_equal(paused_calls, 1); /* hart 0 still holds v0 */
	fake_serve_hart(0);		   /* it saves v0 and reports */
	assert_int_equal(paused_calls, 2);
	assert_null(cpus[0].loaded);
	vm_resume(vm);
	vm_pause_again(vm); /* not paused: nothing */
	assert_false(v0->parked);
	vm_vcpu_parked(NULL);
	assert_int_equal(paused_calls, 2);
}

/* A pause that timed out is resumed while its vCPU still runs: nothing
 * was saved, so guest time is not shifted, and the vCPU's stale park
 * request only makes it leave once: it is queued again, not parked. */
static uint64_t saved_deadline;

static void guest_pause_then_resume(struct vcpu *vcpu)
{
	if (vcpu != v0 || nentries[0]) {
		guest_wfi(vcpu);
		return;
	}
	nentries[0]++;
	vcpu->timer_deadline = fake_time + 50000; /* as set_timer would */
	saved_deadline = vcpu->timer_deadline;
	fake_set_hart(1);
	pause_result = vm_pause(vm);
	vm_resume(vm);
	fake_set_hart(0);
	vcpu->arch.sepc += 4;
	fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
}

static void test_resume_after_timed_out_pause(void **state)
{
	(void)state;
	platform.timebase_frequency = SLOW_TIMEBASE_HZ;
	uint64_t delta = v0->arch.htimedelta;

	fake_guest = guest_pause_then_resume;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(pause_result, HV_EAGAIN);
	assert_false(v0->parked);
	assert_int_equal(v0->arch.htimedelta, delta);
	assert_int_equal(v0->timer_deadline, saved_deadline);
	/* It left at the stale request and went back to its queue. */
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	assert_true(v0->se.queued);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries[0], 2);
}

/* The hart that holds a parked vCPU has a full message queue: the pause
 * waits for room instead of dropping the unload. */
static unsigned fillers;

static void filler(void *arg)
{
	(void)arg;
	fillers++;
}

static void test_pause_with_holder_queue_full(void **state)
{
	(void)state;
	start_both_queued();
	assert_ptr_equal(fake_step(0), v0); /* held by hart 0 */
	fake_set_hart(1);
	for (unsigned i = 0; i < CPU_MSG_SLOTS; i++)
		assert_int_equal(cpu_msg_post(&cpus[0], filler, NULL), HV_OK);
	assert_int_equal(vm_pause(vm), HV_OK);
	assert_int_equal(fillers, CPU_MSG_SLOTS);
	assert_null(cpus[0].loaded);
	assert_true(sched_vcpu_quiescent(v0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_resume_shifts_guest_time, setup),
		cmocka_unit_test_setup(test_debugger_release_and_pause_again,
				       setup),
		cmocka_unit_test_setup(test_resume_after_timed_out_pause,
				       setup),
		cmocka_unit_test_setup(test_pause_with_holder_queue_full,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
