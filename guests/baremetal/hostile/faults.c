// SPDX-License-Identifier: MIT
/*
 * Memory and instruction attacks: loads, stores, AMOs and fetches at
 * guest-physical addresses the VM does not own must give the guest an
 * access fault with stval = the address; H-extension instructions and
 * hypervisor, VS and M-mode CSRs must be illegal instructions.
 */
#include "csr.h"
#include "harts.h"
#include "hostile.h"
#include "platform.h"
#include "sbi.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define MIB (1UL << 20)

void attack_missing_harts(void)
{
	unsigned long entry = (unsigned long)hart_start_entry;
	unsigned long n = platform.num_harts;
	static const unsigned long extra[] = {8, 63, 64, 1000, 1UL << 32, -1UL};

	check_sbi("start-missing-hart-n", sbi_hart_start(n, entry, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("start-missing-hart-n+1", sbi_hart_start(n + 1, entry, 0),
		  SBI_ERR_INVALID_PARAM);
	unsigned wrong = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(extra); i++)
		wrong += sbi_hart_start(extra[i], entry, 0).error !=
			 SBI_ERR_INVALID_PARAM;
	check(wrong == 0, "start-missing-harts-far", "%u of %u accepted/odd",
	      wrong, (unsigned)ARRAY_SIZE(extra));
}

struct fault_tally {
	unsigned probes, wrong;
	unsigned long first_addr, first_cause, first_stval;
	bool first_trapped;
};

static void tally(struct fault_tally *t, struct trap_record rec,
		  unsigned long addr, unsigned long cause)
{
	t->probes++;
	if (rec.trapped && rec.cause == cause && rec.stval == addr)
		return;
	if (t->wrong++)
		return;
	t->first_addr = addr;
	t->first_trapped = rec.trapped;
	t->first_cause = rec.cause;
	t->first_stval = rec.stval;
}

static void report(const char *name, const struct fault_tally *t)
{
	check(t->wrong == 0 && t->probes > 0, name,
	      "%u/%u wrong, first at 0x%lx: trapped=%d cause=%lu stval=0x%lx",
	      t->wrong, t->probes, t->first_addr, t->first_trapped,
	      t->first_cause, t->first_stval);
}

/* Probe one address every way; fetches only where asked (they are slow
 * to recover from under some hypervisors and a few suffice). */
static void probe_all(const char *name, const unsigned long *addrs,
		      unsigned count, bool fetch)
{
	struct fault_tally load = {0}, store = {0}, amo = {0}, insn = {0};
	char full[64];

	for (unsigned i = 0; i < count; i++) {
		unsigned long a = addrs[i];

		tally(&load, probe_load(a), a, CAUSE_LOAD_ACCESS);
		tally(&store, probe_store(a, 0x6a6a6a6a6a6a6a6aUL), a,
		      CAUSE_STORE_ACCESS);
		tally(&amo, probe_amoadd(a), a, CAUSE_STORE_ACCESS);
		if (fetch)
			tally(&insn, probe_fetch(a), a, CAUSE_FETCH_ACCESS);
	}
	snprintf(full, sizeof(full), "%s-load-faults", name);
	report(full, &load);
	snprintf(full, sizeof(full), "%s-store-faults", name);
	report(full, &store);
	snprintf(full, sizeof(full), "%s-amo-faults", name);
	report(full, &amo);
	if (fetch) {
		snprintf(full, sizeof(full), "%s-fetch-faults", name);
		report(full, &insn);
	}
}

void attack_unmapped_memory(void)
{
	unsigned long end = ram_end(), base = platform.ram_base;
	unsigned long low[] = {0x0,
			       0x1000,
			       0x2000000 /* CLINT */,
			       0x10001000 /* virtio */,
			       0x30000000 /* ECAM */,
			       base - 0x200000,
			       base - 8};
	unsigned long past[] = {end, end + 8, end + 0x1000, end + 2 * MIB};
	unsigned long high[] = {0x100000000UL, 0x4000000000UL, 0x1fffffff000UL,
				0x20000000000UL, 0xfffffffffffff000UL};

	probe_all("below-ram", low, ARRAY_SIZE(low), true);
	probe_all("past-ram-end", past, ARRAY_SIZE(past), true);
	probe_all("high-gpa", high, ARRAY_SIZE(high), true);
}

/* Each probe executes one instruction that must be illegal in (V)S-mode. */
#define ILLEGAL_PROBE(fn, insn)                                                \
	static struct trap_record fn(void)                                     \
	{                                                                      \
		unsigned long scratch = 0;                                     \
		register unsigned long a0 asm("a0") = 0;                       \
		register unsigned long a1 asm("a1") = (unsigned long)&scratch; \
		trap_expect_begin();                                           \
		asm volatile(insn : "+r"(a0) : "r"(a1) : "memory");            \
		return trap_expect_end();                                      \
	}

/* Encoded by hand: the guest's -march has no H extension. */
ILLEGAL_PROBE(hfence_vvma, ".4byte 0x22000073")
ILLEGAL_PROBE(hfence_gvma, ".4byte 0x62000073")
ILLEGAL_PROBE(hlv_d, ".4byte 0x6c05c573") /* hlv.d a0, (a1) */
ILLEGAL_PROBE(hsv_d, ".4byte 0x6ea5c073") /* hsv.d a0, (a1) */
ILLEGAL_PROBE(read_hstatus, "csrr a0, 0x600")
ILLEGAL_PROBE(read_hedeleg, "csrr a0, 0x602")
ILLEGAL_PROBE(read_hgatp, "csrr a0, 0x680")
ILLEGAL_PROBE(write_hgatp, "csrw 0x680, zero")
ILLEGAL_PROBE(read_vsstatus, "csrr a0, 0x200")
ILLEGAL_PROBE(read_vsatp, "csrr a0, 0x280")
ILLEGAL_PROBE(write_vsatp, "csrw 0x280, zero")
ILLEGAL_PROBE(read_mstatus, "csrr a0, mstatus")
ILLEGAL_PROBE(write_mtvec, "csrw mtvec, zero")
ILLEGAL_PROBE(read_mhartid, "csrr a0, mhartid")

static const struct {
	const char *name;
	struct trap_record (*probe)(void);
} illegal[] = {
	{"illegal-hfence-vvma", hfence_vvma},
	{"illegal-hfence-gvma", hfence_gvma},
	{"illegal-hlv-d", hlv_d},
	{"illegal-hsv-d", hsv_d},
	{"illegal-read-hstatus", read_hstatus},
	{"illegal-read-hedeleg", read_hedeleg},
	{"illegal-read-hgatp", read_hgatp},
	{"illegal-write-hgatp", write_hgatp},
	{"illegal-read-vsstatus", read_vsstatus},
	{"illegal-read-vsatp", read_vsatp},
	{"illegal-write-vsatp", write_vsatp},
	{"illegal-read-mstatus", read_mstatus},
	{"illegal-write-mtvec", write_mtvec},
	{"illegal-read-mhartid", read_mhartid},
};

void attack_privileged_instructions(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(illegal); i++)
		check_trap(illegal[i].name, illegal[i].probe(),
			   CAUSE_ILLEGAL_INSN, ~0UL);
}
