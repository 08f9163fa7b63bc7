/*
 * tlbstorm: a multi-threaded mmap/mprotect/munmap storm for the Linux guest.
 *
 * One thread per CPU, each pinned to its CPU. Every thread owns one region
 * and cycles it through
 *
 *   map (read-write), fill with a pattern unique to (owner, generation)
 *   -> publish writable -> retire, mprotect(PROT_READ) -> publish read-only
 *   -> retire, munmap -> map again at the same address, next generation
 *
 * while all the other threads read the published regions of their peers and
 * check words of every page against the expected pattern (the owner checks
 * every cache line before unmapping). While a region is
 * published read-only, readers also try to write it and must get SIGSEGV.
 * The owner moves on only after a peer has read the current state, so peers
 * hold TLB entries for it when it changes.
 *
 * Every change of a mapping that other CPUs have used needs a remote TLB
 * flush (under a hypervisor: SBI RFENCE plus the hypervisor's own fences).
 * A stale read-write entry lets a probe write through; a stale entry after
 * munmap and re-mmap at the same address shows the previous generation's
 * data. Either is reported and the program exits non-zero.
 *
 * Regions are published with a reader count: a reader increments the count
 * and then loads the pointer; the owner clears the pointer and then waits for
 * the count to reach zero. With sequentially consistent atomics on both
 * sides, either the reader sees NULL or the owner sees the reader (the
 * store-load pattern), so a region is never unmapped under a reader.
 *
 * Usage: tlbstorm [cycles-per-thread [threads]]
 * Prints one summary line; exit status 0 on success, 1 on a detected error,
 * 2 on bad usage or setup failure, 3/4 on an unexpected SIGSEGV/SIGBUS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define MAX_THREADS 256
#define REGION_PAGES 8
#define WORDS_PER_LINE 8	/* 64-byte lines of 8-byte words */
#define SAMPLES_PER_PAGE 4	/* words a reader checks per page */
#define OBSERVE_WAIT_LIMIT 2000 /* loop rounds to wait for a peer's read */

enum region_state {
	REGION_WRITABLE,
	REGION_READONLY
};

struct region {
	_Atomic(uint64_t *) base; /* NULL while the owner changes it */
	_Atomic int readers;
	_Atomic uint64_t generation;
	_Atomic int state;
	_Atomic unsigned long observed; /* peer reads since the last publish */
	char pad[64];
};

struct thread_stats {
	unsigned long reads;	    /* regions of peers fully verified */
	unsigned long probes;	    /* writes tried on read-only regions */
	unsigned long probe_faults; /* ... that faulted, as they must */
	unsigned long cycles;	    /* own map/protect/unmap cycles */
	unsigned long reused;	    /* re-mapped at the previous address */
	unsigned long unobserved;   /* states no peer read in time */
	unsigned long errors;
};

struct thread_arg {
	int index;
	int cpu;
	pthread_t thread;
	struct thread_stats stats;
};

static struct region regions[MAX_THREADS];
static struct thread_arg args[MAX_THREADS];
static int thread_count;
static unsigned long cycles_per_thread;
static size_t page_size;
static size_t region_bytes;
static _Atomic int threads_done;
static _Atomic int threads_ready;

static __thread sigjmp_buf probe_jump;
static __thread volatile sig_atomic_t probing;

static uint64_t pattern(unsigned owner, uint64_t generation, size_t word)
{
	/* splitmix64 finaliser over (owner, generation, word) */
	uint64_t x = ((uint64_t)owner << 56) ^ (generation << 24) ^ word;
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void fault_handler(int sig, siginfo_t *info, void *context)
{
	(void)info;
	(void)context;
	if (probing) {
		probing = 0;
		siglongjmp(probe_jump, 1);
	}
	/* Not an expected probe fault: report (async-signal-safe) and stop. */
	static const char msg[] = "tlbstorm: FAIL unexpected fault\n";
	ssize_t ignored = write(2, msg, sizeof(msg) - 1);
	(void)ignored;
	_exit(sig == SIGSEGV ? 3 : 4);
}

static void report(struct thread_arg *self, const char *what, const void *addr,
		   uint64_t got, uint64_t want)
{
	self->stats.errors++;
	if (self->stats.errors <= 5)
		fprintf(stderr,
			"tlbstorm: thread %d (cpu %d): %s at %p: got %016llx "
			"want %016llx\n",
			self->index, self->cpu, what, addr,
			(unsigned long long)got, (unsigned long long)want);
}

/* Check one word of every line; returns the number of bad lines. */
static unsigned long verify(struct thread_arg *self, const uint64_t *base,
			    unsigned owner, uint64_t generation)
{
	unsigned long bad = 0;
	size_t words = region_bytes / sizeof(uint64_t);
	for (size_t i = 0; i < words; i += WORDS_PER_LINE) {
		/* vary the word inside the line so every word gets checked */
		size_t w = i + (generation + owner + i / WORDS_PER_LINE) %
				       WORDS_PER_LINE;
		uint64_t got = ((const volatile uint64_t *)base)[w];
		uint64_t want = pattern(owner, generation, w);
		if (got != want) {
			if (bad == 0)
				report(self, "stale or corrupt data", &base[w],
				       got, want);
			bad++;
		}
	}
	return bad;
}

/*
 * Readers check a few words of every page (cheap, and enough to hold and use
 * a TLB entry for each page), at offsets that move with the salt.
 */
static unsigned long verify_sample(struct thread_arg *self,
				   const uint64_t *base, unsigned owner,
				   uint64_t generation, uint64_t salt)
{
	unsigned long bad = 0;
	size_t page_words = page_size / sizeof(uint64_t);
	for (size_t page = 0; page < REGION_PAGES; page++) {
		for (unsigned k = 0; k < SAMPLES_PER_PAGE; k++) {
			size_t w = page * page_words +
				   (salt + k * 131 + page * 17) % page_words;
			uint64_t got = ((const volatile uint64_t *)base)[w];
			uint64_t want = pattern(owner, generation, w);
			if (got != want) {
				if (bad == 0)
					report(self, "stale or corrupt data",
					       &base[w], got, want);
				bad++;
			}
		}
	}
	return bad;
}

/* Clear the pointer, then wait until no reader can still hold it. */
static void retire(struct region *r)
{
	atomic_store(&r->base, NULL);
	while (atomic_load(&r->readers) != 0)
		sched_yield();
}

static void publish(struct region *r, uint64_t *base, uint64_t generation,
		    int state)
{
	atomic_store(&r->observed, 0);
	atomic_store(&r->generation, generation);
	atomic_store(&r->state, state);
	atomic_store(&r->base, base);
}

/* Write to a read-only region: must raise SIGSEGV. */
static void probe_write(struct thread_arg *self, uint64_t *base, size_t word)
{
	volatile uint64_t *p = (volatile uint64_t *)&base[word];
	self->stats.probes++;
	if (sigsetjmp(probe_jump, 1) == 0) {
		probing = 1;
		uint64_t v = *p;
		*p = v; /* same value: a stale writable TLB entry corrupts nothing */
		probing = 0;
		report(self, "write to a read-only page did not fault",
		       (const void *)p, v, v);
	} else {
		self->stats.probe_faults++;
	}
}

static void read_peer(struct thread_arg *self, int peer, uint64_t salt)
{
	struct region *r = &regions[peer];
	atomic_fetch_add(&r->readers, 1);
	uint64_t *base = atomic_load(&r->base);
	if (base != NULL) {
		uint64_t generation = atomic_load(&r->generation);
		int state = atomic_load(&r->state);
		verify_sample(self, base, (unsigned)peer, generation, salt);
		self->stats.reads++;
		if (state == REGION_READONLY) {
			size_t page = salt % REGION_PAGES;
			probe_write(self, base,
				    page * (page_size / sizeof(uint64_t)));
		}
		atomic_fetch_add(&r->observed, 1);
	}
	atomic_fetch_sub(&r->readers, 1);
}

static uint64_t *map_region(struct thread_arg *self, uint64_t *hint)
{
	uint64_t *base = MAP_FAILED;
	if (hint != NULL) {
		base = mmap(hint, region_bytes, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			    -1, 0);
		if (base != MAP_FAILED && base != hint) {
			/* an old kernel ignoring MAP_FIXED_NOREPLACE */
			munmap(base, region_bytes);
			base = MAP_FAILED;
		}
		if (base != MAP_FAILED)
			self->stats.reused++;
	}
	if (base == MAP_FAILED)
		base = mmap(NULL, region_bytes, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		fprintf(stderr, "tlbstorm: mmap: %s\n", strerror(errno));
		exit(2);
	}
	return base;
}

static void check_cpu(struct thread_arg *self)
{
	int cpu = sched_getcpu();
	if (cpu != self->cpu)
		report(self, "running on the wrong cpu", NULL, (uint64_t)cpu,
		       (uint64_t)self->cpu);
}

/* One step of the owner's cycle: map+fill, downgrade, unmap. */
static void owner_step(struct thread_arg *self, int *step, uint64_t **base,
		       uint64_t **last, uint64_t *generation)
{
	struct region *own = &regions[self->index];
	size_t words = region_bytes / sizeof(uint64_t);

	switch (*step) {
	case 0: /* new mapping, next generation, published writable */
		(*generation)++;
		*base = map_region(self, *last);
		for (size_t i = 0; i < words; i++)
			(*base)[i] =
				pattern((unsigned)self->index, *generation, i);
		publish(own, *base, *generation, REGION_WRITABLE);
		*step = 1;
		break;
	case 1: /* downgrade while peers may hold writable entries */
		retire(own);
		if (mprotect(*base, region_bytes, PROT_READ) != 0) {
			fprintf(stderr, "tlbstorm: mprotect: %s\n",
				strerror(errno));
			exit(2);
		}
		publish(own, *base, *generation, REGION_READONLY);
		*step = 2;
		break;
	default: /* unmap; the next cycle maps the same address again */
		retire(own);
		verify(self, *base, (unsigned)self->index, *generation);
		if (munmap(*base, region_bytes) != 0) {
			fprintf(stderr, "tlbstorm: munmap: %s\n",
				strerror(errno));
			exit(2);
		}
		*last = *base;
		*base = NULL;
		*step = 0;
		self->stats.cycles++;
		check_cpu(self);
		break;
	}
}

static void *storm_thread(void *opaque)
{
	struct thread_arg *self = opaque;
	struct region *own = &regions[self->index];
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(self->cpu, &set);
	int err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (err != 0) {
		fprintf(stderr, "tlbstorm: pin thread %d to cpu %d: %s\n",
			self->index, self->cpu, strerror(err));
		exit(2);
	}
	sched_yield();
	check_cpu(self);

	/* Start together so the storm actually overlaps. */
	atomic_fetch_add(&threads_ready, 1);
	while (atomic_load(&threads_ready) < thread_count)
		sched_yield();

	uint64_t *base = NULL, *last = NULL;
	uint64_t generation = 0;
	uint64_t salt = (uint64_t)self->index * 0x9e3779b97f4a7c15ull;
	int step = 0, finished = 0;
	unsigned long waited = 0;

	while (atomic_load(&threads_done) < thread_count) {
		/*
		 * Move on only once a peer has read the current state, with a
		 * bound so that a descheduled peer cannot stall the storm.
		 */
		int may_step = !finished;
		if (may_step && step != 0 && thread_count > 1 &&
		    atomic_load(&own->observed) == 0) {
			if (++waited < OBSERVE_WAIT_LIMIT)
				may_step = 0;
			else
				self->stats.unobserved++;
		}
		if (may_step) {
			waited = 0;
			owner_step(self, &step, &base, &last, &generation);
			if (self->stats.cycles == cycles_per_thread) {
				finished = 1;
				atomic_fetch_add(&threads_done, 1);
			}
		}
		/* Touch every peer's region once per round. */
		for (int k = 1; k < thread_count; k++) {
			salt = salt * 6364136223846793005ull +
			       1442695040888963407ull;
			read_peer(self, (self->index + k) % thread_count,
				  salt >> 33);
		}
		/*
		 * Waiting for a peer (or done): sleep briefly instead of
		 * spinning, so that on an oversubscribed host (QEMU TCG, a
		 * hypervisor) the vCPUs with real work get the physical CPU.
		 */
		if (thread_count == 1 || !may_step) {
			struct timespec pause = {0, 50 * 1000};
			nanosleep(&pause, NULL);
		}
	}
	return NULL;
}

static int parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v == 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long threads;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	cycles_per_thread = 200;
	threads = online > 0 ? (unsigned long)online : 1;
	if (argc > 3 ||
	    (argc > 1 && parse_count(argv[1], 1000000, &cycles_per_thread)) ||
	    (argc > 2 && parse_count(argv[2], MAX_THREADS, &threads))) {
		fprintf(stderr,
			"usage: tlbstorm [cycles-per-thread [threads <= %d]]\n",
			MAX_THREADS);
		return 2;
	}
	thread_count = (int)threads;
	page_size = (size_t)sysconf(_SC_PAGESIZE);
	region_bytes = REGION_PAGES * page_size;

	/* The CPUs this process may use, in order; thread i runs on the i-th. */
	cpu_set_t allowed;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
		perror("tlbstorm: sched_getaffinity");
		return 2;
	}
	int cpus[MAX_THREADS], ncpus = 0;
	for (int c = 0; c < CPU_SETSIZE && ncpus < MAX_THREADS; c++)
		if (CPU_ISSET(c, &allowed))
			cpus[ncpus++] = c;
	if (ncpus == 0) {
		fprintf(stderr, "tlbstorm: no usable cpu\n");
		return 2;
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0 ||
	    sigaction(SIGBUS, &sa, NULL) != 0) {
		perror("tlbstorm: sigaction");
		return 2;
	}

	for (int i = 0; i < thread_count; i++) {
		args[i].index = i;
		args[i].cpu = cpus[i % ncpus];
		int err = pthread_create(&args[i].thread, NULL, storm_thread,
					 &args[i]);
		if (err != 0) {
			fprintf(stderr, "tlbstorm: pthread_create: %s\n",
				strerror(err));
			return 2;
		}
	}

	struct thread_stats total = {0};
	int idle_reader = 0;
	for (int i = 0; i < thread_count; i++) {
		pthread_join(args[i].thread, NULL);
		total.reads += args[i].stats.reads;
		total.probes += args[i].stats.probes;
		total.probe_faults += args[i].stats.probe_faults;
		total.cycles += args[i].stats.cycles;
		total.reused += args[i].stats.reused;
		total.unobserved += args[i].stats.unobserved;
		total.errors += args[i].stats.errors;
		if (thread_count > 1 && args[i].stats.reads == 0)
			idle_reader = 1;
	}

	/* The storm must actually have happened, or passing means nothing. */
	int ok = total.errors == 0 && !idle_reader &&
		 total.cycles ==
			 cycles_per_thread * (unsigned long)thread_count &&
		 total.probe_faults == total.probes &&
		 (thread_count == 1 || total.probes > 0);
	printf("tlbstorm: %s threads=%d cpus=%d cycles=%lu reused=%lu "
	       "reads=%lu "
	       "probes=%lu faults=%lu unobserved=%lu errors=%lu%s\n",
	       ok ? "PASS" : "FAIL", thread_count, ncpus, total.cycles,
	       total.reused, total.reads, total.probes, total.probe_faults,
	       total.unobserved, total.errors,
	       idle_reader ? " (a thread never read a peer region)" : "");
	return ok ? 0 : 1;
}
