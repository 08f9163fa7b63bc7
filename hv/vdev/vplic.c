// SPDX-License-Identifier: MIT
/*
 * Virtual PLIC: the RISC-V PLIC programming model for one VM.
 *
 * Every source is level-triggered. The gateway keeps at most one request
 * per source in flight: a source is pending while its line is high and it
 * has not been claimed; once claimed it stays out of the pending set until
 * the guest completes it. Because pending is derived from the line, a
 * device that lowers its line before the guest claims also withdraws the
 * request, which spares the guest a claim that would find nothing to do.
 *
 * After every state change each context's output (the vCPU's VSEIP) is
 * recomputed, and irq_line() is only called when that level changes.
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/vplic.h>
#include <string.h>

/* Priorities and thresholds are masked, so the maximum must be 2^n - 1. */
_Static_assert((VPLIC_MAX_PRIORITY & (VPLIC_MAX_PRIORITY + 1)) == 0,
	       "VPLIC_MAX_PRIORITY must be a bit mask");

#define VPLIC_PENDING_END (VPLIC_PENDING_BASE + 4 * VPLIC_WORDS)
#define VPLIC_ENABLE_END \
	(VPLIC_ENABLE_BASE + VPLIC_ENABLE_STRIDE * VPLIC_MAX_CONTEXTS)
#define VPLIC_CONTEXT_END \
	(VPLIC_CONTEXT_BASE + VPLIC_CONTEXT_STRIDE * VPLIC_MAX_CONTEXTS)
#define VPLIC_THRESHOLD_OFFSET 0x0
#define VPLIC_CLAIM_OFFSET 0x4

static bool source_bit(const uint32_t *bits, unsigned source)
{
	return (bits[source / 32] >> (source % 32)) & 1;
}

static void set_source_bit(uint32_t *bits, unsigned source, bool value)
{
	uint32_t mask = 1U << (source % 32);

	if (value)
		bits[source / 32] |= mask;
	else
		bits[source / 32] &= ~mask;
}

/* Bits of word `word` that name implemented sources (never source 0). */
static uint32_t implemented_sources_mask(const struct vplic *plic,
					 unsigned word)
{
	uint32_t mask = 0;
	unsigned bit;

	for (bit = 0; bit < 32; bit++) {
		unsigned source = word * 32 + bit;

		if (source != 0 && source < plic->num_sources)
			mask |= 1U << bit;
	}
	return mask;
}

/* Highest-priority pending source enabled for `context` whose priority is
 * above the threshold; ties go to the lowest id. 0 means none. */
static unsigned best_pending_source(const struct vplic *plic, unsigned context)
{
	unsigned best = 0, source;
	uint32_t best_priority = plic->threshold[context];

	for (source = 1; source < plic->num_sources; source++) {
		if (!source_bit(plic->pending, source) ||
		    !source_bit(plic->enable[context], source))
			continue;
		if (plic->priority[source] > best_priority) {
			best = source;
			best_priority = plic->priority[source];
		}
	}
	return best;
}

/* Re-derive pending from the lines and push changed output levels out. */
static void vplic_update(struct vplic *plic)
{
	unsigned word, context;

	for (word = 0; word < VPLIC_WORDS; word++)
		plic->pending[word] = plic->level[word] & ~plic->claimed[word] &
				      implemented_sources_mask(plic, word);

	for (context = 0; context < plic->num_contexts; context++) {
		bool level = best_pending_source(plic, context) != 0;

		if (level == plic->line[context])
			continue;
		plic->line[context] = level;
		if (plic->irq_line)
			plic->irq_line(plic->opaque, context, level);
	}
}

void vplic_init(struct vplic *plic, unsigned num_sources, unsigned num_contexts,
		vplic_irq_line_fn irq_line, void *opaque)
{
	memset(plic, 0, sizeof(*plic));
	plic->num_sources = MIN(num_sources, (unsigned)VPLIC_MAX_SOURCES);
	plic->num_contexts = MIN(num_contexts, (unsigned)VPLIC_MAX_CONTEXTS);
	plic->irq_line = irq_line;
	plic->opaque = opaque;
}

void vplic_set_level(struct vplic *plic, unsigned source, bool level)
{
	if (source == 0 || source >= plic->num_sources)
		return;
	set_source_bit(plic->level, source, level);
	vplic_update(plic);
}

static uint32_t vplic_claim(struct vplic *plic, unsigned context)
{
	unsigned source = best_pending_source(plic, context);

	if (source != 0) {
		set_source_bit(plic->claimed, source, true);
		vplic_update(plic);
	}
	return source;
}

/* The specification ignores completions for sources that are not enabled
 * for the completing context; ids that were never claimed are ignored too,
 * so a confused guest cannot unlock a source another context holds. */
static void vplic_complete(struct vplic *plic, unsigned context,
			   uint64_t source)
{
	if (source == 0 || source >= plic->num_sources ||
	    !source_bit(plic->claimed, source) ||
	    !source_bit(plic->enable[context], source))
		return;
	set_source_bit(plic->claimed, source, false);
}

static bool access_is_valid(uint64_t offset, unsigned width)
{
	return width == 4 && IS_ALIGNED(offset, 4) && offset < VPLIC_MMIO_SIZE;
}

enum vplic_register {
	VPLIC_REG_NONE, /* a hole, or a source/context/word not present */
	VPLIC_REG_PRIORITY,
	VPLIC_REG_PENDING,
	VPLIC_REG_ENABLE,
	VPLIC_REG_THRESHOLD,
	VPLIC_REG_CLAIM,
};

struct vplic_register_ref {
	enum vplic_register kind;
	unsigned context;
	unsigned index; /* source (priority) or 32-bit word (pending, enable) */
};

/* Which register an offset names: one decoder for reads and writes. */
static struct vplic_register_ref decode_register(const struct vplic *plic,
						 uint64_t offset)
{
	struct vplic_register_ref reg = {VPLIC_REG_NONE, 0, 0};

	if (offset < VPLIC_PENDING_BASE) {
		reg.index = (unsigned)(offset / 4);
		if (reg.index < plic->num_sources)
			reg.kind = VPLIC_REG_PRIORITY;
	} else if (offset < VPLIC_PENDING_END) {
		reg.index = (unsigned)((offset - VPLIC_PENDING_BASE) / 4);
		reg.kind = VPLIC_REG_PENDING;
	} else if (offset >= VPLIC_ENABLE_BASE && offset < VPLIC_ENABLE_END) {
		reg.context = (unsigned)((offset - VPLIC_ENABLE_BASE) /
					 VPLIC_ENABLE_STRIDE);
		reg.index = (unsigned)((offset - VPLIC_ENABLE_BASE) %
				       VPLIC_ENABLE_STRIDE / 4);
		if (reg.context < plic->num_contexts && reg.index < VPLIC_WORDS)
			reg.kind = VPLIC_REG_ENABLE;
	} else if (offset >= VPLIC_CONTEXT_BASE && offset < VPLIC_CONTEXT_END) {
		uint64_t within =
			(offset - VPLIC_CONTEXT_BASE) % VPLIC_CONTEXT_STRIDE;

		reg.context = (unsigned)((offset - VPLIC_CONTEXT_BASE) /
					 VPLIC_CONTEXT_STRIDE);
		if (reg.context >= plic->num_contexts)
			return reg;
		if (within == VPLIC_THRESHOLD_OFFSET)
			reg.kind = VPLIC_REG_THRESHOLD;
		else if (within == VPLIC_CLAIM_OFFSET)
			reg.kind = VPLIC_REG_CLAIM;
	}
	return reg;
}

int vplic_mmio_read(struct vplic *plic, uint64_t offset, unsigned width,
		    uint64_t *value)
{
	if (!access_is_valid(offset, width))
		return HV_EINVAL;
	struct vplic_register_ref reg = decode_register(plic, offset);

	switch (reg.kind) {
	case VPLIC_REG_PRIORITY:
		*value = plic->priority[reg.index];
		break;
	case VPLIC_REG_PENDING:
		*value = plic->pending[reg.index];
		break;
	case VPLIC_REG_ENABLE:
		*value = plic->enable[reg.context][reg.index];
		break;
	case VPLIC_REG_THRESHOLD:
		*value = plic->threshold[reg.context];
		break;
	case VPLIC_REG_CLAIM:
		*value = vplic_claim(plic, reg.context);
		break;
	default:
		*value = 0;
		break;
	}
	return HV_OK;
}

int vplic_mmio_write(struct vplic *plic, uint64_t offset, unsigned width,
		     uint64_t value)
{
	if (!access_is_valid(offset, width))
		return HV_EINVAL;
	struct vplic_register_ref reg = decode_register(plic, offset);

	value &= 0xffffffffU;
	switch (reg.kind) {
	case VPLIC_REG_PRIORITY:
		/* Source 0 is reserved: its priority is hardwired to 0. */
		if (reg.index == 0)
			return HV_OK;
		plic->priority[reg.index] = value & VPLIC_MAX_PRIORITY;
		break;
	case VPLIC_REG_ENABLE:
		plic->enable[reg.context][reg.index] =
			value & implemented_sources_mask(plic, reg.index);
		break;
	case VPLIC_REG_THRESHOLD:
		plic->threshold[reg.context] = value & VPLIC_MAX_PRIORITY;
		break;
	case VPLIC_REG_CLAIM:
		vplic_complete(plic, reg.context, value); /* may re-pend */
		break;
	default:
		/* Pending bits are read-only; everything else is a hole. */
		return HV_OK;
	}
	vplic_update(plic);
	return HV_OK;
}
