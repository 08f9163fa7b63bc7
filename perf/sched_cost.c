// SPDX-License-Identifier: MIT
/*
 * Decision cost: a host micro-benchmark of the scheduling policies'
 * code (sched/policy.h) at 1, 4, 16, 64 and 256 runnable vCPUs on one
 * runqueue. For every policy name in the list that sched_policy_by_name()
 * knows, each iteration times, one call at a time:
 *   dequeue   a random queued vCPU leaves (it blocks)
 *   enqueue   it comes back (it wakes)
 *   pick      pick_next: the next vCPU to run
 *   charge    the picked vCPU is charged for a slice it ran
 *   requeue   and queued again (it was preempted)
 *   wake      whether a vCPU that wakes preempts the running one
 *             (wakeup_preempts; policies that have the hook)
 * and prints the p50, the p99 and the mean of the calls below the p99 in
 * ns per call, minus the cost of reading the clock. The clock's steps
 * (about 10 ns here) hide the cheapest calls in the percentiles; the
 * trimmed mean still resolves them, and leaves out the host's
 * interruptions. A name the build does not know is reported and skipped: this
 * is a benchmark, not a test.
 *
 *   sched-cost CSV-OUT [ITERATIONS [POLICY...]]
 *
 * Entities live in real struct vcpu of real struct vm (up to 8 vCPUs per
 * VM, as VM_MAX_VCPUS), so a policy that looks at the VM (weights, caps)
 * sees one; VM v has weight SCHED_WEIGHT_DEFAULT << (v % 3).
 */
#include <hv/percpu.h>
#include <hv/vm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fake_machine.h"
#include "sched/policy.h"

#if defined(__x86_64__)
#include <x86intrin.h>
static inline uint64_t clock_ticks(void)
{
	return __rdtsc();
}
#else
static inline uint64_t clock_ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
#endif

#define SLICE_TICKS 100000 /* 10 ms at 10 MHz */
#define MAX_ENTITIES 256
#define NUM_VMS (MAX_ENTITIES / VM_MAX_VCPUS)

enum op {
	OP_DEQUEUE,
	OP_ENQUEUE,
	OP_PICK,
	OP_CHARGE,
	OP_REQUEUE,
	OP_WAKE,
	NUM_OPS
};
static const char *const op_names[NUM_OPS] = {"dequeue", "enqueue", "pick",
					      "charge",	 "requeue", "wake"};
static const unsigned sizes[] = {1, 4, 16, 64, 256};

static struct vm bench_vms[NUM_VMS];
static struct sched_entity *entities[MAX_ENTITIES];
static uint64_t *samples[NUM_OPS];
static unsigned num_samples[NUM_OPS];
static double ns_per_tick = 1.0;
static uint64_t clock_overhead;
static uint64_t random_state = 88172645463325252ull;

static uint64_t next_random(void)
{
	random_state ^= random_state << 13;
	random_state ^= random_state >> 7;
	random_state ^= random_state << 17;
	return random_state;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* ns per clock tick, and the median cost of two back-to-back reads. */
static void calibrate(unsigned iterations)
{
	double t0 = now_ns(), t1;
	uint64_t c0 = clock_ticks(), c1;

	do
		t1 = now_ns();
	while (t1 - t0 < 50e6);
	c1 = clock_ticks();
	ns_per_tick = (t1 - t0) / (double)(c1 - c0);
	for (unsigned i = 0; i < iterations; i++) {
		uint64_t a = clock_ticks();

		samples[0][i] = clock_ticks() - a;
	}
	qsort(samples[0], iterations, sizeof(uint64_t), compare_u64);
	clock_overhead = samples[0][iterations / 2];
}

/*
 * n entities in fresh VMs, all queued on the runqueue. With n = 1 a second
 * one is made and left out of the queue: it is the vCPU that wakes.
 */
static void populate(struct runqueue *rq, unsigned n)
{
	unsigned made = n < 2 ? 2 : n;

	memset(bench_vms, 0, sizeof(bench_vms));
	for (unsigned i = 0; i < made; i++) {
		struct vm *vm = &bench_vms[i / VM_MAX_VCPUS];
		struct vcpu *vcpu = &vm->vcpus[i % VM_MAX_VCPUS];

		vm->index = i / VM_MAX_VCPUS;
		vm->num_vcpus = i % VM_MAX_VCPUS + 1;
		vm->sched.weight = SCHED_WEIGHT_DEFAULT << (vm->index % 3);
		vcpu->vm = vm;
		vcpu->id = i % VM_MAX_VCPUS;
		sched_entity_init(&vcpu->se);
		entities[i] = &vcpu->se;
	}
	for (unsigned i = 0; i < n; i++)
		rq->policy->enqueue(rq, entities[i]);
}

static uint64_t timed_cost(uint64_t start, uint64_t end)
{
	uint64_t spent = end - start;

	return spent > clock_overhead ? spent - clock_overhead : 0;
}

static void record(enum op op, uint64_t start, uint64_t end)
{
	samples[op][num_samples[op]++] = timed_cost(start, end);
}

static void one_round(struct runqueue *rq, unsigned n)
{
	const struct sched_policy *p = rq->policy;
	uint64_t ran = 1000 + next_random() % SLICE_TICKS;
	struct sched_entity *picked, *x;
	uint64_t t0, t1, t2;

	if (n == 1) {
		x = entities[0];
		t0 = clock_ticks();
		p->dequeue(rq, x);
		t1 = clock_ticks();
		p->enqueue(rq, x);
		t2 = clock_ticks();
		record(OP_DEQUEUE, t0, t1);
		record(OP_ENQUEUE, t1, t2);
	}
	t0 = clock_ticks();
	picked = p->pick_next(rq);
	t1 = clock_ticks();
	record(OP_PICK, t0, t1);
	if (!picked) {
		fprintf(stderr, "sched-cost: %s picked nothing from %u\n",
			p->name, n);
		exit(1);
	}
	if (n == 1 && p->wakeup_preempts) {
		/*
		 * The one runnable vCPU runs; another wakes and is queued
		 * (untimed: enqueue is timed above), then the check whether it
		 * preempts, then it blocks again.
		 */
		x = entities[1];
		p->enqueue(rq, x);
		t0 = clock_ticks();
		bool preempts = p->wakeup_preempts(rq, x, picked, ran);
		t1 = clock_ticks();
		record(OP_WAKE, t0, t1);
		asm volatile("" ::"r"(preempts));
		p->dequeue(rq, x);
	}
	if (n > 1) {
		do
			x = entities[next_random() % n];
		while (x == picked);
		t0 = clock_ticks();
		p->dequeue(rq, x);
		t1 = clock_ticks();
		p->enqueue(rq, x);
		t2 = clock_ticks();
		record(OP_DEQUEUE, t0, t1);
		record(OP_ENQUEUE, t1, t2);
		if (p->wakeup_preempts) {
			t0 = clock_ticks();
			bool preempts = p->wakeup_preempts(rq, x, picked, ran);
			t1 = clock_ticks();
			record(OP_WAKE, t0, t1);
			/* Keep the answer alive so the call is not dropped. */
			asm volatile("" ::"r"(preempts));
		}
	}
	t0 = clock_ticks();
	p->charge(rq, picked, ran);
	t1 = clock_ticks();
	p->enqueue(rq, picked);
	t2 = clock_ticks();
	record(OP_CHARGE, t0, t1);
	record(OP_REQUEUE, t1, t2);
}

static void measure(FILE *csv, const char *name, unsigned n,
		    unsigned iterations)
{
	struct runqueue *rq = &cpus[0].rq;

	fake_machine_reset(1, SLICE_TICKS);
	if (sched_configure(name, SLICE_TICKS)) {
		fprintf(stderr, "sched-cost: sched_configure(%s) failed\n",
			name);
		exit(1);
	}
	populate(rq, n);
	memset(num_samples, 0, sizeof(num_samples));
	for (unsigned i = 0; i < iterations / 10; i++) /* warm up */
		one_round(rq, n);
	memset(num_samples, 0, sizeof(num_samples));
	for (unsigned i = 0; i < iterations; i++)
		one_round(rq, n);
	for (unsigned op = 0; op < NUM_OPS; op++) {
		uint64_t *v = samples[op];
		unsigned count = num_samples[op];
		unsigned below_p99 = count * 99 / 100;

		if (!count)
			continue; /* the policy has no wake hook */
		double sum = 0;

		qsort(v, count, sizeof(uint64_t), compare_u64);
		for (unsigned i = 0; i < below_p99; i++)
			sum += (double)v[i];
		double p50 = (double)v[count / 2] * ns_per_tick;
		double p99 = (double)v[below_p99] * ns_per_tick;
		double mean = sum / below_p99 * ns_per_tick;

		printf("sched-cost/%s/n=%u/%s: p50 %.1f ns, p99 %.1f ns, "
		       "mean below p99 %.1f ns\n",
		       name, n, op_names[op], p50, p99, mean);
		fprintf(csv, "%s,%u,%s,%.2f,%.2f,%.2f\n", name, n, op_names[op],
			p50, p99, mean);
	}
}

int main(int argc, char **argv)
{
	static const char *const default_policies[] = {"round-robin", "fair"};
	const char *const *names = default_policies;
	unsigned num_names = 2, iterations = 20000, measured = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CSV-OUT [ITERATIONS [POLICY...]]\n",
			argv[0]);
		return 2;
	}
	if (argc >= 3)
		iterations = (unsigned)strtoul(argv[2], NULL, 10);
	if (iterations < 100) {
		fprintf(stderr, "sched-cost: ITERATIONS must be >= 100\n");
		return 2;
	}
	if (argc >= 4) {
		names = (const char *const *)&argv[3];
		num_names = (unsigned)(argc - 3);
	}
	FILE *csv = fopen(argv[1], "w");

	if (!csv) {
		perror(argv[1]);
		return 1;
	}
	for (unsigned op = 0; op < NUM_OPS; op++)
		samples[op] = calloc(iterations, sizeof(uint64_t));
	calibrate(iterations);
	printf("sched-cost: %u iterations per point, clock read %.1f ns\n",
	       iterations, (double)clock_overhead * ns_per_tick);
	fprintf(csv, "policy,n,op,p50_ns,p99_ns,trimmed_mean_ns\n");
	for (unsigned k = 0; k < num_names; k++) {
		if (!sched_policy_by_name(names[k])) {
			printf("sched-cost: policy \"%s\" is not known to "
			       "sched_policy_by_name in this build: not "
			       "measured\n",
			       names[k]);
			continue;
		}
		for (unsigned s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			measure(csv, names[k], sizes[s], iterations);
		measured++;
	}
	fclose(csv);
	if (!measured) {
		fprintf(stderr, "sched-cost: no policy measured\n");
		return 1;
	}
	return 0;
}
