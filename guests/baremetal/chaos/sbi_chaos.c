// SPDX-License-Identifier: MIT
/*
 * Random SBI calls over every extension. Arguments are random, except
 * where a valid call would end the vCPU or the VM (SRST reset types, HSM
 * stop, start and suspend, the legacy shutdown, SUSP): those get values
 * the spec reserves, which must be refused.
 */
#include "chaos.h"
#include "csr.h"
#include "platform.h"
#include "sbi.h"
#include "util.h"

/* What the hypervisor must refuse: reserved SRST types and HSM suspend
 * types (bits 63..32 are ignored: the spec's arguments are uint32_t). */
static unsigned long reserved_type(struct chaos_hart *h, unsigned long lo,
				   unsigned long span)
{
	return (prng_next(&h->rng) & ~0xffffffffUL) |
	       (lo + prng_next(&h->rng) % span);
}

/* A hart id of no vCPU of this VM. */
static unsigned long missing_hart(struct chaos_hart *h)
{
	return platform.num_harts + prng_next(&h->rng) % 1000;
}

void chaos_sbi(struct chaos_hart *h)
{
	static const unsigned long extensions[] = {
		SBI_EXT_BASE,
		SBI_EXT_TIME,
		SBI_EXT_IPI,
		SBI_EXT_RFENCE,
		SBI_EXT_HSM,
		SBI_EXT_SRST,
		SBI_EXT_DBCN,
		SBI_EXT_PMU,
		SBI_EXT_SUSP,
		SBI_EXT_CPPC,
		SBI_EXT_NACL,
		SBI_EXT_STA,
		SBI_EXT_FWFT,
		0,
		1,
		2,
		3,
		4,
		5,
		6,
		7,
	};
	unsigned long pick = prng_next(&h->rng) % (ARRAY_SIZE(extensions) + 2);
	unsigned long eid = pick < ARRAY_SIZE(extensions)
				    ? extensions[pick]
				    : (pick == ARRAY_SIZE(extensions)
					       ? prng_next(&h->rng) & 0xffffffff
					       : prng_next(&h->rng));
	unsigned long fid = prng_next(&h->rng) & 1 ? prng_next(&h->rng) % 8
						   : prng_next(&h->rng);
	unsigned long a[6];

	for (unsigned i = 0; i < 6; i++)
		a[i] = chaos_value(h);
	switch (eid) {
	case SBI_EXT_SRST:
		a[0] = reserved_type(h, 3, 0xeffffffc);
		break;
	case SBI_EXT_HSM:
		if (fid == 0) /* start: a hart that does not exist */
			a[0] = missing_hart(h);
		else if (fid == 1) /* stop: would stop this vCPU */
			fid = 2;
		else if (fid == 3) /* suspend: a reserved type */
			a[0] = reserved_type(h, 1, 0x0fffffff);
		break;
	case SBI_EXT_SUSP: /* system suspend: a reserved sleep type */
		a[0] = reserved_type(h, 1, 0x7fffffff);
		break;
	case 8: /* legacy shutdown: never drawn above, but keep it so */
		return;
	case 1: /* legacy putchar: something printable */
		a[0] = 0x20 + a[0] % 0x5f;
		break;
	case SBI_EXT_STA: /* never into its own code: scratch or outside */
		if (fid == 0 && (a[0] & 1))
			a[0] = (unsigned long)chaos_scratch[current_hartid()];
		else if (fid == 0 && a[0] >= platform.ram_base &&
			 a[0] < ram_end())
			a[0] = ~0UL;
		break;
	case SBI_EXT_DBCN: /* buffers: printable scratch bytes, or outside */
		if ((fid == 0 || fid == 1) && a[1] >= platform.ram_base &&
		    a[1] < ram_end()) {
			uint8_t *buf = chaos_scratch[current_hartid()];

			for (unsigned i = 0; i < 64; i++)
				buf[i] = (uint8_t)(0x20 + i);
			a[0] %= 65;
			a[1] = (unsigned long)buf;
			a[2] = 0;
		} else if (fid == 2) {
			a[0] = 0x20 + a[0] % 0x5f;
		}
		break;
	default:
		break;
	}
	if (eid <= 8)
		sbi_legacy_ecall(eid, a[0], a[1]);
	else
		sbi_ecall(eid, fid, a[0], a[1], a[2], a[3], a[4], a[5]);
}
