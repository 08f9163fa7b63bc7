// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the round-robin scheduling policy
 * (sched/policy_rr.c). Every test goes through the policy's function
 * table, as the scheduler does, and checks the list links as well as the
 * order, so a corrupted list cannot pass as a short one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sched/policy.h"

#define NR_ENTITIES 8
#define SLICE 12345

static const struct sched_policy *const rr = &sched_policy_round_robin;

struct fixture {
	struct runqueue rq;
	struct sched_entity se[NR_ENTITIES];
};

static int setup(void **state)
{
	static struct fixture f;

	memset(&f, 0xa5, sizeof(f)); /* init must not rely on zeroed memory */
	runqueue_init(&f.rq, rr, SLICE);
	for (int i = 0; i < NR_ENTITIES; i++)
		sched_entity_init(&f.se[i]);
	*state = &f;
	return 0;
}

/* Walk the circular list both ways: it must hold exactly want[0..n). */
static void assert_queue(struct runqueue *rq, struct sched_entity **want,
			 unsigned n)
{
	struct sched_entity *se = rq->head.next;

	assert_int_equal(rq->nr_queued, n);
	for (unsigned i = 0; i < n; i++, se = se->next) {
		assert_ptr_equal(se, want[i]);
		assert_true(se->queued);
		assert_ptr_equal(se->next->prev, se);
	}
	assert_ptr_equal(se, &rq->head);
	se = rq->head.prev;
	for (unsigned i = n; i-- > 0; se = se->prev)
		assert_ptr_equal(se, want[i]);
	assert_ptr_equal(se, &rq->head);
}

static void assert_detached(struct sched_entity *se)
{
	assert_false(se->queued);
	assert_ptr_equal(se->next, se);
	assert_ptr_equal(se->prev, se);
}

static void test_init(void **state)
{
	struct fixture *f = *state;

	assert_ptr_equal(f->rq.policy, rr);
	assert_int_equal(f->rq.time_slice, SLICE);
	assert_int_equal(f->rq.lock.locked, 0);
	assert_queue(&f->rq, NULL, 0);
	assert_string_equal(rr->name, "round-robin");
	for (int i = 0; i < NR_ENTITIES; i++) {
		assert_detached(&f->se[i]);
		assert_int_equal(f->se[i].weight, 1);
		assert_int_equal(f->se[i].vruntime, 0);
		assert_int_equal(f->se[i].ready_since, 0);
	}
}

static void test_pick_empty(void **state)
{
	struct fixture *f = *state;

	assert_null(rr->pick_next(&f->rq));
	assert_int_equal(f->rq.nr_queued, 0);
	/* Still empty after a fill and drain. */
	rr->enqueue(&f->rq, &f->se[0]);
	assert_ptr_equal(rr->pick_next(&f->rq), &f->se[0]);
	assert_null(rr->pick_next(&f->rq));
	assert_queue(&f->rq, NULL, 0);
}

static void test_fifo_order(void **state)
{
	struct fixture *f = *state;
	struct sched_entity *want[NR_ENTITIES];

	for (int i = 0; i < NR_ENTITIES; i++) {
		rr->enqueue(&f->rq, &f->se[i]);
		want[i] = &f->se[i];
		assert_queue(&f->rq, want, (unsigned)i + 1);
	}
	for (int i = 0; i < NR_ENTITIES; i++) {
		struct sched_entity *se = rr->pick_next(&f->rq);

		assert_ptr_equal(se, &f->se[i]);
		assert_detached(se);
		assert_queue(&f->rq, want + i + 1,
			     (unsigned)(NR_ENTITIES - i - 1));
	}
	assert_null(rr->pick_next(&f->rq));
}

/* Preempted entities go to the back: three rounds of A B C. */
static void test_round_robin_rotation(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < 3; i++)
		rr->enqueue(&f->rq, &f->se[i]);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 3; i++) {
			struct sched_entity *se = rr->pick_next(&f->rq);

			assert_ptr_equal(se, &f->se[i]);
			assert_int_equal(f->rq.nr_queued, 2);
			rr->charge(&f->rq, se, 10);
			rr->enqueue(&f->rq, se);
		}
	for (int i = 0; i < 3; i++)
		assert_int_equal(f->se[i].vruntime, 30);
}

static void test_enqueue_idempotent(void **state)
{
	struct fixture *f = *state;
	struct sched_entity *want[] = {&f->se[0], &f->se[1], &f->se[2]};

	for (int i = 0; i < 3; i++)
		rr->enqueue(&f->rq, &f->se[i]);
	/* Already queued: neither moved to the back nor counted twice. */
	rr->enqueue(&f->rq, &f->se[0]);
	rr->enqueue(&f->rq, &f->se[1]);
	rr->enqueue(&f->rq, &f->se[0]);
	assert_queue(&f->rq, want, 3);
}

static void test_dequeue_middle_and_ends(void **state)
{
	struct fixture *f = *state;
	struct sched_entity *s = f->se;

	for (int i = 0; i < 5; i++)
		rr->enqueue(&f->rq, &s[i]);
	rr->dequeue(&f->rq, &s[2]);
	assert_detached(&s[2]);
	assert_queue(&f->rq,
		     (struct sched_entity *[]){&s[0], &s[1], &s[3], &s[4]}, 4);
	rr->dequeue(&f->rq, &s[0]);
	assert_queue(&f->rq, (struct sched_entity *[]){&s[1], &s[3], &s[4]}, 3);
	rr->dequeue(&f->rq, &s[4]);
	assert_queue(&f->rq, (struct sched_entity *[]){&s[1], &s[3]}, 2);
	/* A dequeued entity goes to the back when it comes back. */
	rr->enqueue(&f->rq, &s[2]);
	assert_queue(&f->rq, (struct sched_entity *[]){&s[1], &s[3], &s[2]}, 3);
	rr->dequeue(&f->rq, &s[1]);
	rr->dequeue(&f->rq, &s[3]);
	rr->dequeue(&f->rq, &s[2]);
	assert_queue(&f->rq, NULL, 0);
	assert_null(rr->pick_next(&f->rq));
}

static void test_dequeue_not_queued(void **state)
{
	struct fixture *f = *state;
	struct sched_entity *want[] = {&f->se[0]};

	rr->enqueue(&f->rq, &f->se[0]);
	rr->dequeue(&f->rq, &f->se[1]); /* never queued */
	assert_queue(&f->rq, want, 1);
	assert_detached(&f->se[1]);
	rr->dequeue(&f->rq, &f->se[0]);
	rr->dequeue(&f->rq, &f->se[0]); /* twice */
	assert_queue(&f->rq, NULL, 0);
	assert_detached(&f->se[0]);
}

/* Entities on two runqueues never see each other. */
static void test_two_runqueues(void **state)
{
	struct fixture *f = *state;
	struct runqueue other;
	struct sched_entity *s = f->se;

	runqueue_init(&other, rr, 1);
	rr->enqueue(&f->rq, &s[0]);
	rr->enqueue(&other, &s[1]);
	rr->enqueue(&f->rq, &s[2]);
	assert_queue(&f->rq, (struct sched_entity *[]){&s[0], &s[2]}, 2);
	assert_queue(&other, (struct sched_entity *[]){&s[1]}, 1);
	assert_ptr_equal(rr->pick_next(&other), &s[1]);
	assert_null(rr->pick_next(&other));
	assert_int_equal(f->rq.nr_queued, 2);
}

static void test_charge_accumulates(void **state)
{
	struct fixture *f = *state;
	uint64_t total = 0;

	for (uint64_t ran = 1; ran < 1000; ran *= 3) {
		rr->charge(&f->rq, &f->se[3], ran);
		total += ran;
		assert_int_equal(f->se[3].vruntime, total);
	}
	rr->charge(&f->rq, &f->se[3], 0);
	assert_int_equal(f->se[3].vruntime, total);
	rr->charge(&f->rq, &f->se[4], UINT64_C(1) << 40);
	assert_int_equal(f->se[4].vruntime, UINT64_C(1) << 40);
	/* Charging does not queue or reorder anything. */
	assert_detached(&f->se[3]);
	assert_int_equal(f->rq.nr_queued, 0);
	assert_int_equal(f->se[5].vruntime, 0);
}

/* Random operations against an array-backed FIFO model. */
static void test_random_against_model(void **state)
{
	struct fixture *f = *state;
	struct sched_entity *model[NR_ENTITIES];
	unsigned n = 0;
	uint32_t seed = 12345;

	for (int step = 0; step < 20000; step++) {
		seed = seed * 1103515245 + 12345;
		struct sched_entity *se = &f->se[(seed >> 16) % NR_ENTITIES];
		unsigned op = (seed >> 8) % 3, pos;

		for (pos = 0; pos < n && model[pos] != se; pos++)
			;
		if (op == 0) {
			rr->enqueue(&f->rq, se);
			if (pos == n)
				model[n++] = se;
		} else if (op == 1) {
			rr->dequeue(&f->rq, se);
			if (pos < n) {
				memmove(&model[pos], &model[pos + 1],
					(n - pos - 1) * sizeof(model[0]));
				n--;
			}
		} else {
			struct sched_entity *got = rr->pick_next(&f->rq);

			assert_ptr_equal(got, n ? model[0] : NULL);
			if (n) {
				memmove(&model[0], &model[1],
					(n - 1) * sizeof(model[0]));
				n--;
			}
		}
		assert_queue(&f->rq, model, n);
	}
}

#define TEST(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_init),
		TEST(test_pick_empty),
		TEST(test_fifo_order),
		TEST(test_round_robin_rotation),
		TEST(test_enqueue_idempotent),
		TEST(test_dequeue_middle_and_ends),
		TEST(test_dequeue_not_queued),
		TEST(test_two_runqueues),
		TEST(test_charge_accumulates),
		TEST(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
