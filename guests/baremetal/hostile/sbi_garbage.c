// SPDX-License-Identifier: MIT
/*
 * Random values in every SBI argument. Each extension gets a round of
 * calls whose correct answer is known whatever the random values are;
 * calls that could legitimately succeed in a harmful way (shutting the VM
 * down, stopping this hart) are built so they cannot be valid.
 */
#include "csr.h"
#include "hostile.h"
#include "platform.h"
#include "sbi.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define ROUNDS 200

struct garbage_round {
	const char *name;
	unsigned calls, wrong;
	long first_error;
	unsigned long first_args[3];
};

static void record(struct garbage_round *r, bool ok, struct sbiret ret,
		   unsigned long a, unsigned long b, unsigned long c)
{
	r->calls++;
	if (ok || r->wrong++)
		return;
	r->first_error = ret.error;
	r->first_args[0] = a;
	r->first_args[1] = b;
	r->first_args[2] = c;
}

static void report(const struct garbage_round *r)
{
	check(r->wrong == 0 && r->calls > 0, r->name,
	      "%u/%u wrong, first: error=%ld args 0x%lx 0x%lx 0x%lx", r->wrong,
	      r->calls, r->first_error, r->first_args[0], r->first_args[1],
	      r->first_args[2]);
}

/* A nonzero hart mask that names at least one hart past the last one. */
static unsigned long bad_mask(uint64_t *rng)
{
	return prng_next(rng) |
	       1UL << (platform.num_harts +
		       (prng_next(rng) % (64 - platform.num_harts)));
}

/* An address no byte of which is guest RAM. */
static unsigned long outside_ram(uint64_t *rng)
{
	unsigned long a = prng_next(rng);

	if (a >= platform.ram_base && a < ram_end())
		a = ram_end() + (a & 0xffffff);
	return a;
}

static bool is_offered(unsigned long eid)
{
	static const unsigned long offered[] = {
		SBI_EXT_BASE, SBI_EXT_TIME, SBI_EXT_IPI,  SBI_EXT_RFENCE,
		SBI_EXT_HSM,  SBI_EXT_SRST, SBI_EXT_DBCN, SBI_EXT_STA,
	};

	if (eid <= 0x0f) /* the legacy range: exercised separately */
		return true;
	for (unsigned i = 0; i < ARRAY_SIZE(offered); i++)
		if (eid == offered[i])
			return true;
	return false;
}

static void garbage_base_and_unknown(uint64_t *rng)
{
	struct garbage_round fids = {.name = "sbi-garbage-base-unknown-fid"};
	struct garbage_round eids = {.name = "sbi-garbage-unknown-eid"};
	struct garbage_round probe = {.name = "sbi-garbage-probe-unknown"};

	for (unsigned i = 0; i < ROUNDS; i++) {
		unsigned long fid = SBI_BASE_NUM_FIDS + prng_next(rng) % 1000;
		unsigned long eid = prng_next(rng) >> (prng_next(rng) % 64);
		unsigned long a = prng_next(rng), b = prng_next(rng);
		struct sbiret ret;

		if (i & 1)
			fid = prng_next(rng) | 1UL << 63;
		ret = sbi_ecall(SBI_EXT_BASE, fid, a, b, a, b, a, b);
		record(&fids, ret.error == SBI_ERR_NOT_SUPPORTED, ret, fid, a,
		       b);
		if (is_offered(eid))
			eid += 0x1000;
		ret = sbi_ecall(eid, prng_next(rng), a, b, a, b, a, b);
		record(&eids, ret.error == SBI_ERR_NOT_SUPPORTED, ret, eid, a,
		       b);
		ret = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, eid, a, b, 0,
				0, 0);
		record(&probe, !ret.error && ret.value == 0, ret, eid, a, b);
	}
	report(&fids);
	report(&eids);
	report(&probe);
}

static void garbage_masks(uint64_t *rng)
{
	struct garbage_round ipi = {.name = "sbi-garbage-ipi-mask"};
	struct garbage_round base = {.name = "sbi-garbage-ipi-mask-base"};
	struct garbage_round fence = {.name = "sbi-garbage-rfence-mask"};

	for (unsigned i = 0; i < ROUNDS; i++) {
		unsigned long mask = bad_mask(rng);
		unsigned long hbase =
			platform.num_harts + prng_next(rng) % (1UL << 62);
		unsigned long fid = prng_next(rng) % 3;
		struct sbiret ret;

		ret = sbi_send_ipi(mask, 0);
		record(&ipi, ret.error == SBI_ERR_INVALID_PARAM, ret, mask, 0,
		       0);
		ret = sbi_send_ipi(prng_next(rng) | 1, hbase);
		record(&base, ret.error == SBI_ERR_INVALID_PARAM, ret, hbase, 0,
		       0);
		ret = sbi_rfence(fid, mask, 0, prng_next(rng), prng_next(rng),
				 prng_next(rng));
		record(&fence, ret.error == SBI_ERR_INVALID_PARAM, ret, fid,
		       mask, 0);
	}
	report(&ipi);
	report(&base);
	report(&fence);
}

static void garbage_hsm_srst_time(uint64_t *rng)
{
	struct garbage_round start = {.name = "sbi-garbage-hsm-start"};
	struct garbage_round status = {.name = "sbi-garbage-hsm-status"};
	struct garbage_round susp = {.name = "sbi-garbage-hsm-suspend"};
	struct garbage_round srst = {.name = "sbi-garbage-srst"};
	struct garbage_round timer = {.name = "sbi-garbage-set-timer"};

	local_irq_disable();
	for (unsigned i = 0; i < ROUNDS; i++) {
		unsigned long hart = platform.num_harts + prng_next(rng) % 4096;
		unsigned long addr = prng_next(rng), opaque = prng_next(rng);
		/* 32-bit suspend types other than the two defaults. */
		unsigned long type = (prng_next(rng) & 0xffffffffUL) | 1;
		struct sbiret ret;

		if (i & 1)
			hart = prng_next(rng) | 1UL << 63;
		ret = sbi_hart_start(hart, addr, opaque);
		record(&start,
		       ret.error == SBI_ERR_INVALID_PARAM ||
			       ret.error == SBI_ERR_INVALID_ADDRESS,
		       ret, hart, addr, opaque);
		ret = sbi_hart_get_status(hart);
		record(&status, ret.error == SBI_ERR_INVALID_PARAM, ret, hart,
		       0, 0);
		/* If a bad type were accepted as a suspend, this wakes us. */
		timer_arm_sbi(deadline_after_us(20000));
		ret = sbi_hart_suspend(type, addr, opaque);
		record(&susp,
		       ret.error == SBI_ERR_INVALID_PARAM ||
			       ret.error == SBI_ERR_NOT_SUPPORTED,
		       ret, type, addr, opaque);
		/* Reserved types (3..0xefffffff): never a real reset. */
		unsigned long rtype = 3 + prng_next(rng) % 0xeffffffcUL;
		ret = sbi_system_reset(rtype, prng_next(rng));
		record(&srst, ret.error == SBI_ERR_INVALID_PARAM, ret, rtype, 0,
		       0);
		ret = sbi_set_timer(prng_next(rng));
		record(&timer, ret.error == 0, ret, 0, 0, 0);
	}
	timer_cancel_sbi();
	report(&start);
	report(&status);
	report(&susp);
	report(&srst);
	report(&timer);
}

static void garbage_dbcn(uint64_t *rng)
{
	struct garbage_round wr = {.name = "sbi-garbage-dbcn-write"};
	struct garbage_round rd = {.name = "sbi-garbage-dbcn-read"};
	struct garbage_round len = {.name = "sbi-garbage-dbcn-length"};
	bool offered = sbi_probe(SBI_EXT_DBCN) != 0;
	long want = offered ? SBI_ERR_INVALID_PARAM : SBI_ERR_NOT_SUPPORTED;

	for (unsigned i = 0; i < ROUNDS; i++) {
		unsigned long addr = outside_ram(rng);
		unsigned long n = 1 + prng_next(rng) % 4096;
		unsigned long hi = i & 1 ? prng_next(rng) | 1 : 0;
		struct sbiret ret;

		ret = sbi_dbcn_write(n, addr, hi);
		record(&wr, ret.error == want, ret, n, addr, hi);
		ret = sbi_dbcn_read(n, addr, hi);
		record(&rd, ret.error == want, ret, n, addr, hi);
		/* In RAM, but so long it runs past the end. */
		n = ram_end() - platform.ram_base +
		    prng_next(rng) % (1UL << 40);
		ret = sbi_dbcn_write(n, platform.ram_base + 0x200000, 0);
		record(&len, ret.error == want, ret, n, 0, 0);
	}
	report(&wr);
	report(&rd);
	report(&len);
}

void attack_sbi_garbage(uint64_t *rng)
{
	garbage_base_and_unknown(rng);
	garbage_masks(rng);
	garbage_hsm_srst_time(rng);
	garbage_dbcn(rng);
}
