// SPDX-License-Identifier: MIT
/*
 * The run loop's entry under a storm of posts (hv/vcpu/run.c) on the fake
 * arch. The loop re-checks the posted fields after it sets in_guest and
 * retries when a post raced with it; a sibling on another hart that
 * posts again at every pass must not keep the vCPU out of its guest. It
 * enters after a bounded number of retries, with nothing lost (the posts
 * made once in_guest is set leave an IPI pending, which makes the guest
 * exit at once to take them), and a request to leave is still honoured.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL
#define STORM_POSTS 1000 /* the sibling gives up after this many */

static struct vm *vm;
static struct vcpu *v0;
static unsigned posts;		  /* by the sibling on hart 1 */
static unsigned posts_at_entry;	  /* when the guest was first entered */
static bool ipi_owed_at_entry;	  /* a post outstanding at the entry ... */
static bool ipi_pending_at_entry; /* ... and hart 0 had an IPI for it */
static unsigned entries;
static unsigned long storm_request; /* also posted with each IPI, or 0 */
static unsigned park_at_post;	    /* post VCPU_REQ_PARK then (0: never) */

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	vm = fake_vm_create("a", 1, 0);
	v0 = &vm->vcpus[0];
	posts = posts_at_entry = entries = park_at_post = 0;
	storm_request = 0;
	ipi_owed_at_entry = ipi_pending_at_entry = false;
	return 0;
}

/* Hart 1 posts an IPI to v0 whenever hart 0's sync reads the guest's
 * vstimecmp (it does with the external line high) after the sync took
 * the IPI posted before: each pass finds a new one outstanding. */
static void sibling_storms(enum fake_probe point)
{
	if (point != FAKE_PROBE_VSTIMECMP || fake_current_hart() != 0 ||
	    cpus[0].current != v0 || cpus[0].rq.lock.locked ||
	    posts >= STORM_POSTS || entries ||
	    __atomic_load_n(&v0->ipi_pending, __ATOMIC_SEQ_CST))
		return;
	posts++;
	fake_set_hart(1);
	vcpu_post_ipi(v0);
	if (storm_request)
		vcpu_make_request(v0, storm_request);
	if (posts == park_at_post)
		vcpu_make_request(v0, VCPU_REQ_PARK);
	fake_set_hart(0);
}

static void guest(struct vcpu *vcpu)
{
	if (entries++ == 0) {
		posts_at_entry = posts;
		ipi_owed_at_entry = vcpu->ipi_pending;
		ipi_pending_at_entry = fake_harts[0].pending & HOST_IRQ_IPI;
	}
	fake_guest_write_sie(vcpu, VIRQ_SOFT);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT;
	fake_exit_wfi(vcpu);
}

static void start_storm(void)
{
	fake_guest = guest;
	fake_vcpu_start(vm, 0, ENTRY);
	vcpu_set_ext_irq(v0, true); /* the sync then reads vstimecmp */
	fake_probe = sibling_storms;
}

static void test_enters_despite_an_ipi_storm(void **state)
{
	(void)state;
	start_storm();
	assert_ptr_equal(fake_step(0), v0);
	assert_true(entries >= 1);
	/* Entered while the sibling still posted, after a bounded number
	 * of passes (one post per pass). */
	assert_true(posts_at_entry < STORM_POSTS);
	assert_true(posts_at_entry <= VCPU_ENTRY_RETRIES + 1);
	/* Nothing lost: what was still posted at the entry has its IPI
	 * pending, so the guest exits at once and the next pass takes it. */
	assert_true(ipi_owed_at_entry);
	assert_true(ipi_pending_at_entry);
}

/* Requests posted in the storm are taken (a TLB flush each time), and it
 * still enters within the bound. */
static void test_enters_despite_a_request_storm(void **state)
{
	(void)state;
	storm_request = VCPU_REQ_TLB_FLUSH;
	start_storm();
	unsigned flushes0 = fake_harts[0].tlb_flushes;

	assert_ptr_equal(fake_step(0), v0);
	assert_true(entries >= 1);
	assert_true(posts_at_entry <= VCPU_ENTRY_RETRIES + 1);
	assert_true(fake_harts[0].tlb_flushes > flushes0);
}

/* A request to leave, posted on the last retry, still wins over the
 * bounded entry: the vCPU leaves without entering. */
static void test_a_park_request_is_still_honoured(void **state)
{
	(void)state;
	park_at_post = VCPU_ENTRY_RETRIES;
	start_storm();
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(entries, 0);
	assert_int_equal(posts, VCPU_ENTRY_RETRIES);
	assert_int_equal(v0->requests & VCPU_REQ_PARK, 0); /* taken */
	assert_ptr_equal(cpus[0].current, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_enters_despite_an_ipi_storm, setup),
		cmocka_unit_test_setup(test_enters_despite_a_request_storm,
				       setup),
		cmocka_unit_test_setup(test_a_park_request_is_still_honoured,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
