// SPDX-License-Identifier: MIT
/* wfi with a short timer, and self-IPI storms taken with interrupts on. */
#include "chaos.h"
#include "csr.h"
#include "platform.h"
#include "sbi.h"
#include "timer.h"
#include "util.h"

unsigned long chaos_value(struct chaos_hart *h)
{
	uint64_t r = prng_next(&h->rng);
	uint64_t v = prng_next(&h->rng);

	switch (r % 8) {
	case 0:
		return v % 16;
	case 1:
		return ~0UL - v % 4;
	case 2:
		return platform.ram_base + v % platform.ram_size;
	case 3:
		return 0x0c000000UL + v % 0x04010000UL; /* PLIC, UART */
	case 4:
		return 1UL << (v % 64);
	case 5:
		return v & 0xffffffffUL;
	default:
		return v;
	}
}

void chaos_wfi(struct chaos_hart *h)
{
	uint64_t r = prng_next(&h->rng);

	/* Interrupts off: wfi returns once the timer is pending. */
	sbi_set_timer(read_time() + us_to_ticks(10 + r % 200));
	csr_set(sie, SIE_STIE);
	wfi();
	if (r & 1) { /* take it, too */
		local_irq_enable();
		local_irq_disable();
	}
	csr_clear(sie, SIE_STIE);
	sbi_set_timer(~0UL);
}

void chaos_ipi_storm(struct chaos_hart *h)
{
	unsigned long hart = current_hartid();
	unsigned count = 1 + (unsigned)(prng_next(&h->rng) % 32);

	csr_set(sie, SIE_SSIE);
	local_irq_enable();
	for (unsigned i = 0; i < count; i++)
		sbi_send_ipi(1UL << hart, 0);
	local_irq_disable();
	csr_clear(sie, SIE_SSIE);
	csr_clear(sip, SIE_SSIE);
}
