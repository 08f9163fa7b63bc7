// SPDX-License-Identifier: MIT
/*
 * secret: the neighbour of the isolation test. It fills all of its free
 * RAM with secret blocks (lib/secret_block.h, keys from a per-run seed),
 * says so, keeps them there for HOLD_US while the hostile VM beside it
 * scans everything it can address (hostile/secret_scan.c), then checks
 * that every block is still as it was planted: nobody wrote into this
 * VM's RAM either. The harness checks from the log that the hostile scan
 * ran inside the hold (tests/integration/run-baremetal.sh).
 */
#include "console.h"
#include "csr.h"
#include "layout.h"
#include "platform.h"
#include "secret_block.h"
#include "test.h"
#include "timer.h"
#include "trap.h"
#include "util.h"

#define HOLD_US 8000000UL

const char guest_name[] = "secret";

extern char _end[];

struct region {
	uint64_t *from, *to;
};

/* Add [from, to) minus the DTB's [hole_from, hole_to). */
static void add_region(struct region *out, unsigned *n, uint64_t from,
		       uint64_t to, uint64_t hole_from, uint64_t hole_to)
{
	if (hole_from < to && hole_to > from) {
		add_region(out, n, from, hole_from, 0, 0);
		add_region(out, n, hole_to, to, 0, 0);
	} else if (from < to) {
		out[(*n)++] = (struct region){(uint64_t *)from, (uint64_t *)to};
	}
}

/* Free RAM: below the image and above it, except for the DTB. */
static unsigned free_regions(struct region *out)
{
	uint64_t end = ((uint64_t)_end + SECRET_BLOCK_BYTES - 1) &
		       ~(uint64_t)(SECRET_BLOCK_BYTES - 1);
	/* The DTB is at most 64 KiB (the hypervisor builds it). */
	uint64_t dtb = (uint64_t)platform.dtb & ~0xfffUL;
	unsigned n = 0;

	add_region(out, &n, platform.ram_base, GUEST_LOAD_ADDR, dtb,
		   dtb + 0x10000);
	add_region(out, &n, end, ram_end(), dtb, dtb + 0x10000);
	return n;
}

/* Plant (or with verify, compare) every block from one seed. */
static unsigned long walk_blocks(uint64_t seed, bool verify,
				 unsigned long *blocks)
{
	struct region regions[4];
	unsigned count = free_regions(regions);
	uint64_t state = seed;
	unsigned long wrong = 0;

	*blocks = 0;
	for (unsigned r = 0; r < count; r++)
		for (uint64_t *b = regions[r].from;
		     b + SECRET_BLOCK_WORDS <= regions[r].to;
		     b += SECRET_BLOCK_WORDS) {
			uint64_t key = prng_next(&state);
			uint64_t want[SECRET_BLOCK_WORDS];

			(*blocks)++;
			if (!verify) {
				secret_block_fill(b, key);
				continue;
			}
			secret_block_fill(want, key);
			wrong += memcmp(want, b, sizeof(want)) != 0;
		}
	return wrong;
}

static void sleep_until(uint64_t deadline)
{
	unsigned hart = (unsigned)current_hartid();
	unsigned long seen = irq_timer_count(hart);

	local_irq_disable();
	if (platform.has_sstc)
		timer_arm_sstc(deadline);
	else
		timer_arm_sbi(deadline);
	/* wfi returns on a pending enabled interrupt even with sstatus.SIE
	 * clear; opening SIE for a moment takes it, with no lost wake-up. */
	while (irq_timer_count(hart) == seen) {
		wfi();
		local_irq_enable();
		local_irq_disable();
	}
}

void guest_main(void)
{
	/* Per run: the boot time differs, so do all the keys. */
	uint64_t seed = secret_mix(platform.boot_time ^ read_time()) | 1;
	unsigned long planted, kept, wrong;

	walk_blocks(seed, false, &planted);
	asm volatile("fence rw, rw" ::: "memory");
	printf("secret: planted %lu blocks\n", planted);
	check(planted > 0, "secret-planted", "no free RAM to plant in");
	sleep_until(read_time() + us_to_ticks(HOLD_US));
	wrong = walk_blocks(seed, true, &kept);
	printf("secret: hold over\n");
	check(kept == planted && wrong == 0, "secret-intact",
	      "%lu of %lu blocks changed while held", wrong, planted);
}
