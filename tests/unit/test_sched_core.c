// SPDX-License-Identifier: MIT
/*
 * The scheduler core and the vCPU run loop on the fake arch: start, run,
 * block and wake, pause and resume, migration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/vcpu_state.h>
#include "fake_machine.h"

#define SLICE 1000

/* Guest: takes and acknowledges a pending software interrupt (clears
 * sip.SSIP, as a handler does), then waits in wfi. */
static void guest_wfi(struct vcpu *vcpu)
{
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

static void test_start_runs_on_its_hart(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	struct vm *vm = fake_vm_create("a", 2, 0);

	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 1, 0x80001000UL); /* vCPU 1 lives on hart 1 */
	assert_int_equal(vm->vcpus[1].state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[1].ipis_received, 1); /* hart 1 kicked */
	fake_set_hart(1);
	assert_ptr_equal(sched_run_once(), &vm->vcpus[1]);
	/* It entered at its start address, then blocked in wfi. */
	assert_int_equal(fake_harts[1].entries, 1);
	assert_int_equal(vm->vcpus[1].state, VCPU_BLOCKED);
	assert_int_equal(vm->vcpus[1].arch.sepc, 0x80001000UL + 4);
}

/* Pausing parks every vCPU with its state in memory, from any hart; a
 * write through the state API takes effect when the VM resumes. */
static void test_pause_saves_state_and_resume_applies_writes(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	struct vm *vm = fake_vm_create("a", 2, 0);
	struct vcpu *v0 = &vm->vcpus[0];
	uint64_t value;

	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, 0x80000000UL);
	fake_set_hart(0);
	sched_run_once(); /* v0 ran, blocked; its CSRs stay on hart 0 */
	fake_harts[0].live.vsscratch = 0x1234; /* the guest wrote sscratch */
	assert_ptr_equal(cpus[0].loaded, v0);

	/* The state API refuses while the VM runs. */
	assert_int_equal(vcpu_state_read(v0, VCPU_REG_SSCRATCH, &value),
			 HV_ESTATE);
	fake_set_hart(1); /* pause from the other hart */
	assert_int_equal(vm_pause(vm), HV_OK);
	assert_null(cpus[0].loaded); /* hart 0 saved it (a message) */
	assert_int_equal(vcpu_state_read(v0, VCPU_REG_SSCRATCH, &value), HV_OK);
	assert_int_equal(value, 0x1234);
	/* vCPU 1 never started: it has no registers to show. */
	assert_int_equal(vcpu_state_read(&vm->vcpus[1], VCPU_REG_PC, &value),
			 HV_ESTOPPED);
	assert_int_equal(vcpu_state_write(v0, VCPU_REG_X0 + 5, 77), HV_OK);
	vm_resume(vm);
	assert_false(vm_is_paused(vm));
	assert_int_equal(v0->arch.gpr[5], 77);
}

/* A vCPU blocked on hart 0 moves to hart 1 and takes its FP registers
 * and CSRs along; hart 1 flushes VS translations at its first entry. */
static void test_migrate_blocked_vcpu_keeps_state(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	struct vm *vm = fake_vm_create("a", 1, 0);
	struct vcpu *v0 = &vm->vcpus[0];

	fake_guest = guest_wfi;
	fake_vcpu_start(vm, 0, 0x80000000UL);
	fake_set_hart(0);
	sched_run_once();
	fake_guest_write_fp(v0, 3, 0xf00d);
	fake_harts[0].live.vsscratch = 0xabc;
	assert_int_equal(sched_migrate(v0, &cpus[1]), HV_OK);
	assert_ptr_equal(v0->cpu, &cpus[1]);
	assert_int_equal(v0->stats.migrations, 1);
	assert_int_equal(v0->arch.fp[3], 0xf00d);
	assert_int_equal(v0->arch.vsscratch, 0xabc);
	/* Wake it (an IPI), run it on hart 1. */
	v0->arch.vsie = VIRQ_SOFT;
	vcpu_post_ipi(v0);
	assert_int_equal(v0->state, VCPU_RUNNABLE);
	fake_set_hart(1);
	unsigned flushes = fake_harts[1].tlb_flushes;

	assert_ptr_equal(sched_run_once(), v0);
	assert_int_equal(fake_harts[1].tlb_flushes, flushes + 1);
	assert_int_equal(fake_guest_read_fp(v0, 3), 0xf00d);
	assert_int_equal(fake_harts[1].live.vsscratch, 0xabc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_runs_on_its_hart),
		cmocka_unit_test(
			test_pause_saves_state_and_resume_applies_writes),
		cmocka_unit_test(test_migrate_blocked_vcpu_keeps_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
