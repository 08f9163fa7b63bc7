// SPDX-License-Identifier: MIT
/*
 * Isolation from another VM: the "secret" VM beside this one fills its
 * RAM with secret blocks (lib/secret_block.h, random per run). This VM
 * reads everything it can address and must never find one:
 *   - all of its own RAM, word by word (a neighbour's page mapped into it,
 *     or handed over unscrubbed, would show here), where exactly one block
 *     must be found: the control this VM plants itself, which proves the
 *     detector works;
 *   - guest-physical space outside its RAM, where every load must give an
 *     access fault at the address: densely next to RAM, where a stage-2
 *     map one size too large would reach, sparsely below RAM, above it up
 *     to the 41 bits of Sv39x4 and beyond. The emulated PLIC and UART
 *     windows are left out (their reads have side effects, and the device
 *     tests cover them). Any page that does read is scanned too.
 * The harness checks from the log that the scan ran while the secret VM
 * held its blocks (tests/integration/run-baremetal.sh).
 */
#include "console.h"
#include "csr.h"
#include "hostile.h"
#include "platform.h"
#include "secret_block.h"
#include "test.h"
#include "trap.h"
#include "util.h"

#define PAGE 0x1000UL
#define MIB (1UL << 20)
#define GIB (1UL << 30)
#define PLIC_BASE 0x0c000000UL
#define PLIC_END 0x10000000UL
#define UART_BASE 0x10000000UL

struct outside_scan {
	unsigned long probes, readable, wrong_fault, found;
	unsigned long first_readable, first_wrong, first_found;
};

static uint64_t control_block[SECRET_BLOCK_WORDS]
	__attribute__((aligned(SECRET_BLOCK_BYTES)));

static struct trap_record load_word(unsigned long addr, uint64_t *value)
{
	uint64_t v = 0;

	trap_expect_begin();
	asm volatile("ld %0, 0(%1)" : "+r"(v) : "r"(addr) : "memory");
	*value = v;
	return trap_expect_end();
}

static bool is_device_window(unsigned long addr)
{
	return (addr >= PLIC_BASE && addr < PLIC_END) ||
	       (addr >= UART_BASE && addr < UART_BASE + PAGE);
}

/* A page outside RAM that did not fault: look for blocks in all of it. */
static void scan_readable_page(struct outside_scan *s, unsigned long page)
{
	uint64_t words[SECRET_BLOCK_WORDS];

	for (unsigned long a = page; a < page + PAGE; a += SECRET_BLOCK_BYTES) {
		bool faulted = false;

		for (unsigned w = 0; w < SECRET_BLOCK_WORDS; w++)
			faulted |= load_word(a + 8 * w, &words[w]).trapped;
		if (!faulted && secret_block_matches(words) && !s->found++)
			s->first_found = a;
	}
}

static void probe_outside(struct outside_scan *s, unsigned long addr)
{
	uint64_t value;
	struct trap_record rec;

	if (is_device_window(addr))
		return;
	s->probes++;
	rec = load_word(addr, &value);
	if (!rec.trapped) {
		if (!s->readable++)
			s->first_readable = addr;
		scan_readable_page(s, addr & ~(PAGE - 1));
	} else if (rec.cause != CAUSE_LOAD_ACCESS || rec.stval != addr) {
		if (!s->wrong_fault++)
			s->first_wrong = addr;
	}
}

static void probe_range(struct outside_scan *s, unsigned long from,
			unsigned long to, unsigned long stride)
{
	for (unsigned long a = from; a < to && a >= from; a += stride)
		probe_outside(s, a);
}

static void scan_outside_ram(struct outside_scan *s)
{
	unsigned long base = platform.ram_base, end = ram_end();

	probe_range(s, 0, base - 2 * MIB, MIB);
	probe_range(s, base - 2 * MIB, base, PAGE);
	probe_range(s, end, end + 32 * MIB, PAGE);
	probe_range(s, end + 32 * MIB, 1UL << 32, 16 * MIB);
	probe_range(s, 1UL << 32, 1UL << 41, GIB);
	/* Beyond the guest-physical width, up to the top. */
	for (unsigned bit = 41; bit < 64; bit++)
		probe_outside(s, (1UL << bit) | 0x1238);
	probe_outside(s, ~0UL & ~7UL);
}

static unsigned long scan_own_ram(unsigned long *controls,
				  unsigned long *first_found)
{
	unsigned long found = 0;

	*controls = 0;
	for (uint64_t *b = (uint64_t *)platform.ram_base;
	     b < (uint64_t *)ram_end(); b += SECRET_BLOCK_WORDS) {
		if (!secret_block_matches(b))
			continue;
		if (b == control_block)
			(*controls)++;
		else if (!found++)
			*first_found = (unsigned long)b;
	}
	return found;
}

void attack_secret_scan(uint64_t *rng)
{
	struct outside_scan out = {0};
	unsigned long controls, own_found, first_own = 0;

	secret_block_fill(control_block, prng_next(rng));
	printf("hostile: secret scan begins\n");
	own_found = scan_own_ram(&controls, &first_own);
	scan_outside_ram(&out);
	printf("hostile: secret scan done: %lu probes outside RAM, %lu MiB "
	       "of RAM\n",
	       out.probes, (unsigned long)(platform.ram_size / MIB));
	check(controls == 1, "secret-scan-finds-control",
	      "own control block found %lu times", controls);
	check(own_found == 0, "secret-not-in-own-ram",
	      "%lu secret blocks in own RAM, first at 0x%lx", own_found,
	      first_own);
	check(out.probes > 0 && out.readable == 0 && out.wrong_fault == 0,
	      "secret-scan-outside-ram-faults",
	      "%lu of %lu loads read (first 0x%lx), %lu faulted wrongly "
	      "(first 0x%lx)",
	      out.readable, out.probes, out.first_readable, out.wrong_fault,
	      out.first_wrong);
	check(out.found == 0, "secret-not-outside-ram",
	      "%lu secret blocks outside RAM, first at 0x%lx", out.found,
	      out.first_found);
}
