// SPDX-License-Identifier: MIT
/*
 * The STA record's sequence protocol (hv/sbi/steal_time.c) against a
 * reader running concurrently on another host thread, as another vCPU
 * of the guest would read it: a read is kept only when the sequence was
 * the same even value before and after, and then steal must be exactly
 * the value published with that sequence. Steal is read in two 32-bit
 * halves, as a 32-bit guest does. A writer that let a new steal show
 * under an old even sequence fails this (how often depends on the host's
 * interleaving; the check is exact each time).
 *
 * The same reader also runs from a fast timer signal that interrupts
 * the writer at arbitrary instructions, on one core: it lands inside the
 * update (odd sequence) often enough to be required to, so the order of
 * the writer's stores is checked however busy the host is.
 *
 * Also: a scribbled (odd) sequence is taken up again by the next update,
 * and the conversion to ns neither overflows nor drifts.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/time.h>
#include <cmocka.h>
#include <hv/platform.h>
#include <hv/steal_time.h>
#include <hv/vcpu.h>

#define HZ 10000000ULL /* 10 MHz, as QEMU virt: 100 ns a tick */
#define TICKS_PER_UPDATE 7
/* The writer goes on until the reader has read this often while it
 * wrote (or a bound, should the reader thread never get a core). */
#define READS_WANTED 300000UL
#define MAX_UPDATES 20000000U

struct platform platform = {.timebase_frequency = HZ};

struct record {
	uint32_t sequence, flags;
	uint32_t steal_lo, steal_hi;
	uint8_t preempted, pad[47];
};

static struct record record __attribute__((aligned(64)));
static struct vcpu vcpu;
static bool writer_done;
static unsigned long reads_done;

struct reader_result {
	unsigned long consistent, retried, torn;
	uint32_t first_bad_sequence;
	uint64_t first_bad_steal;
};

static uint32_t load32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void *reader(void *arg)
{
	struct reader_result *result = arg;

	while (!__atomic_load_n(&writer_done, __ATOMIC_ACQUIRE)) {
		uint32_t before = load32(&record.sequence);
		uint32_t lo = load32(&record.steal_lo);
		uint32_t hi = load32(&record.steal_hi);
		uint32_t after = load32(&record.sequence);
		uint64_t steal = (uint64_t)hi << 32 | lo;

		__atomic_fetch_add(&reads_done, 1, __ATOMIC_RELAXED);
		if (before != after || before % 2) {
			result->retried++;
			continue;
		}
		/* Update n publishes sequence 2n and n * 7 ticks. */
		if (steal != before / 2 * TICKS_PER_UPDATE * 100) {
			if (!result->torn++) {
				result->first_bad_sequence = before;
				result->first_bad_steal = steal;
			}
		}
		result->consistent++;
	}
	return NULL;
}

static void test_reader_never_sees_a_torn_steal(void **state)
{
	(void)state;
	struct reader_result result = {0};
	pthread_t thread;

	sbi_sta_enable(&vcpu, gpa(0x80001000), ptr_to_hpa(&record));
	assert_int_equal(pthread_create(&thread, NULL, reader, &result), 0);
	unsigned updates = 0;

	while (updates < MAX_UPDATES &&
	       __atomic_load_n(&reads_done, __ATOMIC_RELAXED) < READS_WANTED) {
		vcpu.stats.wait_ticks += TICKS_PER_UPDATE;
		sbi_sta_switched_in(&vcpu);
		updates++;
	}
	__atomic_store_n(&writer_done, true, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(thread, NULL), 0);
	if (result.torn)
		fail_msg("%lu torn reads, first: sequence %u steal %llu",
			 result.torn, result.first_bad_sequence,
			 (unsigned long long)result.first_bad_steal);
	assert_true(result.consistent > 0);
	assert_int_equal(record.sequence, 2 * updates);
	assert_int_equal(((uint64_t)record.steal_hi << 32 | record.steal_lo),
			 (uint64_t)updates * TICKS_PER_UPDATE * 100);
}

#define SAMPLES_WANTED 5000U
#define SAMPLE_PERIOD_US 20

static volatile unsigned samples, odd_samples, torn_samples;

/* The writer is stopped somewhere: read as a guest would, once. */
static void sample_record(int signal)
{
	(void)signal;
	uint32_t sequence = __atomic_load_n(&record.sequence, __ATOMIC_RELAXED);
	uint64_t steal =
		(uint64_t)__atomic_load_n(&record.steal_hi, __ATOMIC_RELAXED)
			<< 32 |
		__atomic_load_n(&record.steal_lo, __ATOMIC_RELAXED);

	samples++;
	if (sequence % 2)
		odd_samples++;
	else if (steal != sequence / 2 * TICKS_PER_UPDATE * 100)
		torn_samples++;
}

static void test_interrupted_writer_is_never_torn(void **state)
{
	(void)state;
	struct sigaction action = {.sa_handler = sample_record};
	struct itimerval every = {
		.it_interval = {.tv_usec = SAMPLE_PERIOD_US},
		.it_value = {.tv_usec = SAMPLE_PERIOD_US},
	};
	struct itimerval off = {0};
	unsigned updates = 0;

	vcpu.stats.wait_ticks = 0;
	sbi_sta_enable(&vcpu, gpa(0x80001000), ptr_to_hpa(&record));
	sigemptyset(&action.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &action, NULL), 0);
	assert_int_equal(setitimer(ITIMER_REAL, &every, NULL), 0);
	while (samples < SAMPLES_WANTED && updates < MAX_UPDATES * 10) {
		vcpu.stats.wait_ticks += TICKS_PER_UPDATE;
		sbi_sta_switched_in(&vcpu);
		updates++;
	}
	assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
	signal(SIGALRM, SIG_DFL);
	assert_int_equal(torn_samples, 0);
	assert_true(samples >= SAMPLES_WANTED);
	/* Some interruptions fell inside an update (else this proved
	 * nothing about the order of its stores). */
	assert_true(odd_samples > 0);
}

static void test_scribbled_sequence_recovers(void **state)
{
	(void)state;
	sbi_sta_enable(&vcpu, gpa(0x80001000), ptr_to_hpa(&record));
	record.sequence = 41; /* the guest wrote an odd value */
	sbi_sta_switched_in(&vcpu);
	assert_int_equal(record.sequence, 44);
	sbi_sta_switched_in(&vcpu);
	assert_int_equal(record.sequence, 46);
}

/* An hour of waiting at 10 MHz is 3.6e10 ticks: ticks * 1e9 would not
 * fit in 64 bits. */
static void test_long_steal_converts_exactly(void **state)
{
	(void)state;
	const uint64_t hour = 3600 * HZ;

	vcpu.stats.wait_ticks = 5;
	sbi_sta_enable(&vcpu, gpa(0x80001000), ptr_to_hpa(&record));
	vcpu.stats.wait_ticks += hour + 3;
	sbi_sta_switched_in(&vcpu);
	assert_int_equal(((uint64_t)record.steal_hi << 32 | record.steal_lo),
			 3600ULL * 1000000000ULL + 300);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_never_sees_a_torn_steal),
		cmocka_unit_test(test_interrupted_writer_is_never_torn),
		cmocka_unit_test(test_scribbled_sequence_recovers),
		cmocka_unit_test(test_long_steal_converts_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
