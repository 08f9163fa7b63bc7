// SPDX-License-Identifier: MIT
/*
 * Percentiles of a metric's samples, printed as one line the benchmark
 * script parses (perf/bench-latency.sh):
 *   BENCH <name> unit=cycles n=<N> min=<c> p50=<c> p99=<c> max=<c>
 * A metric the machine cannot measure says so instead:
 *   BENCH <name> unavailable <why>
 */
#include "console.h"
#include "latency.h"
#include "test.h"
#include "util.h"

static void sort_samples(uint64_t *v, unsigned n)
{
	/* Shell sort with Ciura's gaps: a few thousand samples at most. */
	static const unsigned gaps[] = {701, 301, 132, 57, 23, 10, 4, 1};

	for (unsigned g = 0; g < ARRAY_SIZE(gaps); g++) {
		unsigned gap = gaps[g];

		for (unsigned i = gap; i < n; i++) {
			uint64_t x = v[i];
			unsigned j = i;

			for (; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
	}
}

/* The nearest-rank percentile of sorted samples. */
static uint64_t percentile(const uint64_t *v, unsigned n, unsigned pct)
{
	unsigned rank = (n * pct + 99) / 100;

	return v[rank ? rank - 1 : 0];
}

void lat_report(const char *name, uint64_t *samples, unsigned n)
{
	char check_name[64];

	snprintf(check_name, sizeof(check_name), "%s-samples", name);
	check(n == lat_samples && n > 0, check_name, "%u of %u samples", n,
	      lat_samples);
	if (!n)
		return;
	sort_samples(samples, n);
	printf("BENCH %s unit=cycles n=%u min=%lu p50=%lu p99=%lu max=%lu\n",
	       name, n, (unsigned long)samples[0],
	       (unsigned long)percentile(samples, n, 50),
	       (unsigned long)percentile(samples, n, 99),
	       (unsigned long)samples[n - 1]);
}

void lat_unavailable(const char *name, const char *why)
{
	printf("BENCH %s unavailable %s\n", name, why);
}
