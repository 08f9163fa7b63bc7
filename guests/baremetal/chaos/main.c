// SPDX-License-Identifier: MIT
/*
 * chaos: see chaos.h. bootargs: "seed=N actions=M" (M per vCPU). Passes
 * if every vCPU completed its actions and the guest's own code is intact;
 * what the test harness checks besides is that the hypervisor and a
 * well-behaved VM next to it were not disturbed.
 */
#include "chaos.h"
#include "console.h"
#include "csr.h"
#include "harts.h"
#include "platform.h"
#include "test.h"
#include "util.h"

const char guest_name[] = "chaos";

uint8_t chaos_scratch[GUEST_MAX_HARTS][CHAOS_SCRATCH_SIZE]
	__attribute__((aligned(4096)));
static struct chaos_hart harts[GUEST_MAX_HARTS];
static unsigned long actions_per_hart;
bool chaos_trace; /* bootargs "trace": print every action first */
static const char *const kind_names[CHAOS_KINDS] = {
	"sbi", "csr", "hyp-insn", "memory", "device", "wfi", "ipi-storm",
};

extern char _start[], _etext[];

static unsigned long arg_value(const char *key, unsigned long fallback)
{
	const char *p = platform.bootargs;
	size_t len = strlen(key);

	for (; *p; p++) {
		if ((p == platform.bootargs || p[-1] == ' ') &&
		    !strncmp(p, key, len) && p[len] == '=') {
			unsigned long v = 0;

			for (p += len + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (unsigned long)(*p - '0');
			return v;
		}
	}
	return fallback;
}

static uint64_t checksum(const char *from, const char *to)
{
	uint64_t sum = 0;

	for (const char *p = from; p < to; p++)
		sum = sum * 31 + (uint8_t)*p;
	return sum;
}

static void run_actions(void *arg)
{
	struct chaos_hart *h = &harts[current_hartid()];

	(void)arg;
	for (unsigned long i = 0; i < actions_per_hart; i++) {
		enum chaos_kind kind =
			(enum chaos_kind)(prng_next(&h->rng) % CHAOS_KINDS);

		if (chaos_trace)
			printf("chaos: vCPU %lu action %lu: %s rng 0x%lx\n",
			       current_hartid(), i, kind_names[kind],
			       (unsigned long)h->rng);
		switch (kind) {
		case CHAOS_SBI:
			chaos_sbi(h);
			break;
		case CHAOS_CSR:
			chaos_csr(h);
			break;
		case CHAOS_HYP_INSN:
			chaos_hyp_insn(h);
			break;
		case CHAOS_MEMORY:
			chaos_memory(h);
			break;
		case CHAOS_DEVICE:
			chaos_device(h);
			break;
		case CHAOS_WFI:
			chaos_wfi(h);
			break;
		default:
			chaos_ipi_storm(h);
			break;
		}
		h->done[kind]++;
	}
}

void guest_main(void)
{
	unsigned long seed = arg_value("seed", 1);
	uint64_t code_before = checksum(_start, _etext);
	unsigned long failed;
	char name[32];

	actions_per_hart = arg_value("actions", 1000);
	chaos_trace = str_has_word(platform.bootargs, "trace");
	for (unsigned i = 0; i < platform.num_harts; i++)
		harts[i].rng = (seed * 0x9e3779b97f4a7c15ULL) ^ (i + 1);
	printf("chaos: seed %lu, %lu actions on each of %u vCPUs\n", seed,
	       actions_per_hart, platform.num_harts);
	failed = harts_run_all(run_actions, NULL, true, 600 * 1000000UL);
	/* The console may hold random bytes the actions wrote to the UART,
	 * with no newline: the report starts on a line of its own. */
	printf("\n");
	check(failed == 0, "all-harts-finished", "harts 0x%lx did not", failed);
	for (unsigned i = 0; i < platform.num_harts; i++) {
		unsigned long total = 0;

		for (unsigned k = 0; k < CHAOS_KINDS; k++)
			total += harts[i].done[k];
		printf("chaos: vCPU %u: %lu actions, %lu traps:", i, total,
		       harts[i].traps);
		for (unsigned k = 0; k < CHAOS_KINDS; k++)
			printf(" %s %lu", kind_names[k], harts[i].done[k]);
		printf("\n");
		check(total == actions_per_hart,
		      hart_check_name(name, sizeof(name), "actions", i),
		      "%lu of %lu", total, actions_per_hart);
	}
	check(checksum(_start, _etext) == code_before, "code-intact",
	      "the guest's code changed under it");
}
