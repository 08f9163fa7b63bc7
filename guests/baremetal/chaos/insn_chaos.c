// SPDX-License-Identifier: MIT
/*
 * Random CSR instructions over the whole CSR number space, and the
 * instructions a VS-mode guest may not execute (hypervisor loads, stores
 * and fences, mret, dret) or may (sfence.vma, ebreak). Each is built in a
 * small per-vCPU code buffer and called; the trap handler sends a fault
 * there back to the caller. Writes are never made to supervisor-level
 * CSRs (numbers 0x1xx, 0x5xx, 0x9xx, 0xDxx), which are the guest's own
 * live state (satp, stvec, sstatus...): reads of them are.
 */
#include "chaos.h"
#include "console.h"
#include "csr.h"
#include "trap.h"
#include "util.h"

#define A0 10
#define A1 11
#define SYSTEM 0x73

static uint32_t code[GUEST_MAX_HARTS][2] __attribute__((aligned(8)));

/* Run one instruction with a0 = value; returns a1. */
static unsigned long run(struct chaos_hart *h, uint32_t insn,
			 unsigned long value)
{
	uint32_t *buf = code[current_hartid()];
	register unsigned long a0 asm("a0") = value;
	register unsigned long a1 asm("a1") = value ^ 0x5a5a;

	if (chaos_trace)
		printf("chaos: insn 0x%08x a0 0x%lx\n", insn, value);
	buf[0] = insn;
	buf[1] = 0x00008067; /* ret */
	trap_expect_begin();
	asm volatile("fence.i\n\tjalr ra, 0(%2)"
		     : "+r"(a0), "+r"(a1)
		     : "r"(buf)
		     : "ra", "memory");
	if (trap_expect_end().trapped)
		h->traps++;
	return a1;
}

static bool supervisor_level(unsigned csr)
{
	return ((csr >> 8) & 3) == 1;
}

void chaos_csr(struct chaos_hart *h)
{
	uint64_t r = prng_next(&h->rng);
	unsigned csr = r & 0xfff;
	unsigned funct3 = 1 + (unsigned)((r >> 12) % 7); /* 1-3, 5-7 */
	unsigned rs1 = (r >> 16) & 1 ? A0 : (unsigned)((r >> 17) & 31);

	if (funct3 == 4)
		funct3 = 2;
	/* A read only (csrrs/csrrc with x0, or an immediate of 0) is fine
	 * anywhere; anything that may write stays off S-level CSRs. */
	if (supervisor_level(csr)) {
		funct3 = (r >> 22) & 1 ? 2 : 3;
		rs1 = 0;
	}
	run(h, (csr << 20) | (rs1 << 15) | (funct3 << 12) | (A1 << 7) | SYSTEM,
	    chaos_value(h));
}

/* hlv/hlvx/hsv: funct7 and rs2 of each. */
static const struct {
	uint8_t funct7, rs2;
} hypervisor_memory[] = {
	{0x30, 0},  {0x30, 1},	{0x32, 0},  {0x32, 1}, {0x32, 3},
	{0x34, 0},  {0x34, 1},	{0x34, 3},  {0x36, 0}, {0x31, A1},
	{0x33, A1}, {0x35, A1}, {0x37, A1},
};

void chaos_hyp_insn(struct chaos_hart *h)
{
	static const uint32_t fixed[] = {
		0x22000073, /* hfence.vvma */
		0x62000073, /* hfence.gvma */
		0x22b50073, /* hfence.vvma a0, a1 */
		0x62b50073, /* hfence.gvma a0, a1 */
		0x30200073, /* mret */
		0x7b200073, /* dret */
		0x12000073, /* sfence.vma */
		0x00100073, /* ebreak */
	};
	uint64_t r = prng_next(&h->rng);
	uint32_t insn;

	if (r & 1) {
		insn = fixed[(r >> 1) % ARRAY_SIZE(fixed)];
	} else {
		unsigned i =
			(unsigned)((r >> 1) % ARRAY_SIZE(hypervisor_memory));
		unsigned rd = hypervisor_memory[i].rs2 == A1 ? 0 : A1;

		insn = ((uint32_t)hypervisor_memory[i].funct7 << 25) |
		       ((uint32_t)hypervisor_memory[i].rs2 << 20) | (A0 << 15) |
		       (4 << 12) | (rd << 7) | SYSTEM;
	}
	run(h, insn, chaos_value(h));
}
