// SPDX-License-Identifier: MIT
/*
 * SBI IPI and RFENCE (hv/sbi/ext/ipi.c, rfence.c) on the fake arch: hart
 * masks (with a base, base -1, invalid harts), software interrupts posted
 * to the targets and blocked targets woken, and remote fences that are
 * requests to each target, where the call returns only once every target
 * running in the guest on another hart has taken its request.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "sbi_guest.h"

#define SLICE 1000
#define PC 0x80000000UL

enum {
	FENCE_I,
	SFENCE_VMA,
	SFENCE_VMA_ASID,
	HFENCE_GVMA_VMID,
	HFENCE_GVMA,
	HFENCE_VVMA_ASID,
	HFENCE_VVMA
};

static struct vm *vm;
static struct vcpu *v0, *v1, *v2;

/* One VM of three vCPUs on three harts (vCPU i on hart i), all started:
 * vCPU 0 is idle in wfi; 1 and 2 are started but have not run yet. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(3, SLICE);
	guest_reset();
	vm = fake_vm_create("a", 3, 0);
	v0 = &vm->vcpus[0];
	v1 = &vm->vcpus[1];
	v2 = &vm->vcpus[2];
	for (unsigned i = 0; i < 3; i++)
		fake_vcpu_start(vm, i, PC);
	guest_run_hart(0);
	return 0;
}

static unsigned ipi_pending(struct vcpu *vcpu)
{
	return __atomic_load_n(&vcpu->ipi_pending, __ATOMIC_SEQ_CST);
}

static long send_ipi(unsigned long mask, unsigned long base)
{
	struct guest_sbiret ret = guest_call(v0, SBI_EXT_IPI, 0, mask, base);

	assert_true(ret.returned);
	assert_int_equal(ret.value, 0);
	return ret.error;
}

/* A target waiting in wfi with SSIE set wakes (its hart is kicked); one
 * with SSIE clear keeps waiting, and finds the interrupt pending later. */
static void test_ipi_posts_and_wakes(void **state)
{
	(void)state;
	guest_write_sie(v1, VIRQ_SOFT);
	guest_run_hart(1);
	guest_run_hart(2);
	unsigned ipis1 = fake_harts[1].ipis_received;
	unsigned ipis2 = fake_harts[2].ipis_received;

	assert_int_equal(send_ipi(0x6, 0), SBI_SUCCESS);
	assert_int_equal(v1->state, VCPU_RUNNABLE);
	assert_int_equal(fake_harts[1].ipis_received, ipis1 + 1);
	assert_int_equal(v2->state, VCPU_BLOCKED);
	assert_int_equal(ipi_pending(v2), 1);
	assert_int_equal(fake_harts[2].ipis_received, ipis2);
	assert_int_equal(ipi_pending(v0), 0);

	guest_run_hart(1);
	assert_int_equal(guest_entries(v1), 2);
	assert_true(guest_last(v1)->virq & VIRQ_SOFT);
	assert_false(guest_entry(v1, 0)->virq & VIRQ_SOFT);
	guest_wake(v2); /* its wfi returns for another reason */
	guest_run_hart(2);
	assert_true(guest_last(v2)->virq & VIRQ_SOFT);
	assert_int_equal(ipi_pending(v2), 0);
}

static void test_ipi_hart_mask_and_base(void **state)
{
	(void)state;
	/* Base -1: every hart, the caller too (the mask is ignored). */
	assert_int_equal(send_ipi(0, -1UL), SBI_SUCCESS);
	assert_true(guest_last(v0)->virq & VIRQ_SOFT); /* at the return */
	assert_int_equal(ipi_pending(v1), 1);
	assert_int_equal(ipi_pending(v2), 1);
	__atomic_store_n(&v1->ipi_pending, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v2->ipi_pending, 0, __ATOMIC_SEQ_CST);

	/* Bit i of the mask is hart base + i. */
	assert_int_equal(send_ipi(0x1, 2), SBI_SUCCESS);
	assert_int_equal(ipi_pending(v1), 0);
	assert_int_equal(ipi_pending(v2), 1);
	__atomic_store_n(&v2->ipi_pending, 0, __ATOMIC_SEQ_CST);
	assert_int_equal(send_ipi(0x3, 1), SBI_SUCCESS);
	assert_int_equal(ipi_pending(v1), 1);
	assert_int_equal(ipi_pending(v2), 1);
	assert_false(guest_last(v0)->virq & VIRQ_SOFT);
}

/* A mask naming a hart the VM does not have is INVALID_PARAM, and then
 * no hart gets the IPI. */
static void test_ipi_invalid_harts(void **state)
{
	(void)state;
	static const unsigned long masks[][2] = {
		{0x9, 0},	  /* harts 0 and 3 */
		{0x1, 3},	  /* hart 3 */
		{0x3, 2},	  /* harts 2 and 3 */
		{0x1, 1UL << 63}, /* far away */
		{1UL << 63, 1},	  /* base + bit wraps */
		{~0UL, 0},
	};
	struct guest_sbiret ret;

	for (unsigned i = 0; i < ARRAY_SIZE(masks); i++) {
		assert_int_equal(send_ipi(masks[i][0], masks[i][1]),
				 SBI_ERR_INVALID_PARAM);
		for (unsigned h = 0; h < 3; h++)
			assert_int_equal(ipi_pending(&vm->vcpus[h]), 0);
	}
	ret = guest_call(v0, SBI_EXT_IPI, 1, 0x2, 0);
	assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	assert_int_equal(ipi_pending(v1), 0);
}

/* A target in the guest on another hart is interrupted by a host IPI
 * and enters again with the software interrupt pending. */
static void test_ipi_reaches_a_running_target(void **state)
{
	(void)state;
	guest_run_in_other_hart(v1, 1, 0);
	assert_true(v1->in_guest);
	unsigned entries = guest_entries(v1);
	unsigned ipis = fake_harts[1].ipis_received;

	assert_int_equal(send_ipi(0x2, 0), SBI_SUCCESS);
	assert_int_equal(fake_harts[1].ipis_received, ipis + 1);
	fake_set_hart(0);
	arch_relax(); /* hart 1 gets to run meanwhile */
	assert_int_equal(guest_entries(v1), entries + 1);
	assert_true(guest_last(v1)->virq & VIRQ_SOFT);
	assert_int_equal(v1->stats.irq_exits[IRQ_CAUSE_SOFT], 1);
}

/* What hart 1 had done when the caller's fence returned to it. */
static unsigned seen_fence_is, seen_tlb_flushes, seen_relax;

static void note_hart1_then_wait(struct vcpu *vcpu)
{
	seen_fence_is = fake_harts[1].fence_is;
	seen_tlb_flushes = fake_harts[1].tlb_flushes;
	seen_relax = guest_relax_count();
	fake_exit_wfi(vcpu);
}

/* The fence waits until the target, in the guest on hart 1 and slow to
 * take the IPI, has taken the request: a stale instruction or
 * translation may be used until then. */
static void test_rfence_waits_for_a_running_target(void **state)
{
	(void)state;
	static const unsigned long fids[] = {FENCE_I, SFENCE_VMA,
					     SFENCE_VMA_ASID};

	guest_run_in_other_hart(v1, 1, 3);
	for (unsigned i = 0; i < ARRAY_SIZE(fids); i++) {
		unsigned fence_is = fake_harts[1].fence_is;
		unsigned flushes = fake_harts[1].tlb_flushes;
		unsigned relax = guest_relax_count();

		guest_ecall(v0, SBI_EXT_RFENCE, fids[i], 0x2, 0, PC, 0x1000, 5);
		guest_do(v0, note_hart1_then_wait);
		guest_wake(v0);
		guest_run_hart(0);
		assert_int_equal(guest_entry(v0, guest_entries(v0) - 1)->a0,
				 SBI_SUCCESS);
		assert_int_equal(seen_fence_is,
				 fence_is + (fids[i] == FENCE_I));
		assert_int_equal(seen_tlb_flushes,
				 flushes + (fids[i] != FENCE_I));
		assert_true(seen_relax >= relax + 4); /* it did wait */
		assert_int_equal(v1->requests, 0);
		assert_true(v1->in_guest);
	}
}

/* Targets that are not in the guest take the request before they next
 * enter it; the call does not wait for them. */
static void test_rfence_to_targets_outside_the_guest(void **state)
{
	(void)state;
	guest_run_hart(2); /* vCPU 2 waits in wfi; vCPU 1 never ran */
	unsigned relax = guest_relax_count();
	struct guest_sbiret ret =
		guest_call(v0, SBI_EXT_RFENCE, FENCE_I, 0x6, 0);

	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(guest_relax_count(), relax);
	assert_int_equal(v2->requests, VCPU_REQ_FENCE_I);
	assert_int_equal(v1->requests, VCPU_REQ_FENCE_I);
	unsigned fence_is = fake_harts[2].fence_is;

	guest_wake(v2);
	guest_run_hart(2);
	assert_int_equal(guest_last(v2)->fence_is, fence_is + 1);
	assert_int_equal(v2->requests, 0);
	guest_run_hart(1);
	assert_int_equal(guest_entry(v1, 0)->fence_is, 1);
}

/* The caller is a target too: its own hart fences before the call
 * returns (base -1 names every hart). */
static void test_rfence_includes_the_caller(void **state)
{
	(void)state;
	guest_run_in_other_hart(v1, 1, 0);
	guest_ecall(v0, SBI_EXT_RFENCE, SFENCE_VMA, 0, -1UL, 0, -1UL);
	guest_wake(v0);
	guest_run_hart(0);
	unsigned n = guest_entries(v0);
	const struct guest_entry *call = guest_entry(v0, n - 2);
	const struct guest_entry *back = guest_entry(v0, n - 1);

	assert_int_equal(back->pc, call->pc + 4);
	assert_int_equal(back->a0, SBI_SUCCESS);
	assert_int_equal(back->tlb_flushes, call->tlb_flushes + 1);
	assert_int_equal(v1->requests, 0);
	assert_int_equal(v2->requests, VCPU_REQ_TLB_FLUSH);
}

/* The HFENCE functions need the H extension, which guests don't have;
 * bad hart masks are INVALID_PARAM. Nothing is posted either way. */
static void test_rfence_unsupported_and_invalid(void **state)
{
	(void)state;
	struct guest_sbiret ret;

	for (unsigned long fid = HFENCE_GVMA_VMID; fid <= HFENCE_VVMA + 1;
	     fid++) {
		ret = guest_call(v0, SBI_EXT_RFENCE, fid, 0x7, 0);
		assert_true(ret.returned);
		assert_int_equal(ret.error, SBI_ERR_NOT_SUPPORTED);
	}
	ret = guest_call(v0, SBI_EXT_RFENCE, FENCE_I, 0x8, 0);
	assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
	ret = guest_call(v0, SBI_EXT_RFENCE, SFENCE_VMA, 0x1, 5, 0, 4096);
	assert_int_equal(ret.error, SBI_ERR_INVALID_PARAM);
	for (unsigned h = 0; h < 3; h++)
		assert_int_equal(vm->vcpus[h].requests, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ipi_posts_and_wakes, setup),
		cmocka_unit_test_setup(test_ipi_hart_mask_and_base, setup),
		cmocka_unit_test_setup(test_ipi_invalid_harts, setup),
		cmocka_unit_test_setup(test_ipi_reaches_a_running_target,
				       setup),
		cmocka_unit_test_setup(test_rfence_waits_for_a_running_target,
				       setup),
		cmocka_unit_test_setup(test_rfence_to_targets_outside_the_guest,
				       setup),
		cmocka_unit_test_setup(test_rfence_includes_the_caller, setup),
		cmocka_unit_test_setup(test_rfence_unsupported_and_invalid,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
