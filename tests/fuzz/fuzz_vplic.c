// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the vPLIC (hv/vdev/vplic.c): a machine of 2 to
 * 96 sources and 1 to 8 contexts, then a sequence of register reads and
 * writes (any offset and width, mostly inside the register map) and
 * source level changes. Beyond the sanitizers, after every step:
 *  - accesses other than aligned 32-bit ones are refused;
 *  - the interrupt line callback names an existing context and only
 *    reports changes; the lines match what the device last reported;
 *  - no state exists for sources beyond num_sources, priorities and
 *    thresholds stay within 0..7;
 *  - a claim returns 0 or an existing source, and each context's line is
 *    raised exactly when a claim would return a source.
 */
#include <hv/errno.h>
#include <hv/vplic.h>
#include "fuzz_check.h"

static struct vplic plic;
static bool lines[VPLIC_MAX_CONTEXTS];

static void irq_line(void *opaque, unsigned context, bool level)
{
	check(opaque == &plic);
	check(context < plic.num_contexts);
	check(lines[context] != level);
	lines[context] = level;
}

static uint64_t register_offset(uint64_t raw)
{
	switch (raw & 7) {
	case 0: /* priorities */
		return (raw >> 3) % 0x200 * 4;
	case 1: /* pending */
		return VPLIC_PENDING_BASE + (raw >> 3) % 8 * 4;
	case 2: /* enables */
		return VPLIC_ENABLE_BASE +
		       (raw >> 3) % 10 * VPLIC_ENABLE_STRIDE +
		       (raw >> 8) % 8 * 4;
	case 3: /* threshold, claim/complete */
		return VPLIC_CONTEXT_BASE +
		       (raw >> 3) % 10 * VPLIC_CONTEXT_STRIDE +
		       (raw >> 8) % 3 * 4;
	case 4:
		return (raw >> 3) % VPLIC_MMIO_SIZE;
	default:
		return raw >> 3;
	}
}

static void check_state(void)
{
	for (unsigned s = plic.num_sources; s < VPLIC_MAX_SOURCES; s++) {
		uint32_t bit = 1U << (s % 32);

		check(!(plic.pending[s / 32] & bit));
		check(!(plic.claimed[s / 32] & bit));
		for (unsigned c = 0; c < VPLIC_MAX_CONTEXTS; c++)
			check(!(plic.enable[c][s / 32] & bit));
	}
	check(!(plic.pending[0] & 1) && !(plic.enable[0][0] & 1));
	for (unsigned s = 0; s < VPLIC_MAX_SOURCES; s++)
		check(plic.priority[s] <= VPLIC_MAX_PRIORITY);
	for (unsigned c = 0; c < plic.num_contexts; c++) {
		check(plic.threshold[c] <= VPLIC_MAX_PRIORITY);
		check(plic.line[c] == lines[c]);
	}
}

/* Would a claim by context give a source? Read without claiming. */
static bool has_claimable(unsigned context)
{
	for (unsigned s = 1; s < plic.num_sources; s++) {
		uint32_t bit = 1U << (s % 32);

		if ((plic.pending[s / 32] & bit) &&
		    (plic.enable[context][s / 32] & bit) &&
		    !(plic.claimed[s / 32] & bit) &&
		    plic.priority[s] > plic.threshold[context])
			return true;
	}
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	unsigned sources = 2 + (unsigned)fuzz_take(&in, 1) % 95;
	unsigned contexts = 1 + (unsigned)fuzz_take(&in, 1) % 8;

	memset(lines, 0, sizeof(lines));
	vplic_init(&plic, sources, contexts, irq_line, &plic);
	check_state();
	for (unsigned steps = 0; !fuzz_done(&in) && steps < 1000; steps++) {
		uint8_t op = (uint8_t)fuzz_take(&in, 1);
		uint64_t offset = register_offset(fuzz_take(&in, 3));
		unsigned width = op & 0x10 ? 1U << ((op >> 5) & 3) : 4;
		uint64_t value = fuzz_take(&in, 4), read = ~0ULL;
		bool aligned32 = width == 4 && offset % 4 == 0;
		int ret;

		switch (op & 3) {
		case 0:
			ret = vplic_mmio_read(&plic, offset, width, &read);
			check(ret == (aligned32 ? HV_OK : HV_EINVAL));
			if (ret == HV_OK) {
				check(read <= UINT32_MAX);
				check(!(offset >= VPLIC_CONTEXT_BASE &&
					offset % VPLIC_CONTEXT_STRIDE == 4) ||
				      read < sources);
			}
			break;
		case 1:
			ret = vplic_mmio_write(&plic, offset, width, value);
			check(ret == (aligned32 ? HV_OK : HV_EINVAL));
			break;
		default:
			vplic_set_level(&plic, (unsigned)value % 100,
					op & 0x80);
			break;
		}
		check_state();
		for (unsigned c = 0; c < contexts; c++)
			check(lines[c] == has_claimable(c));
	}
	return 0;
}
