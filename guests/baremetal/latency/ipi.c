// SPDX-License-Identifier: MIT
/*
 * Two-hart metrics. The boot hart sends an SBI IPI to a partner hart,
 * which answers with an IPI back. Measured, in cycles from just before the
 * send: the partner's trap entry (one-way wake-up) and the boot hart's
 * trap entry for the answer (round trip). In the idle series both harts
 * wait in wfi; in the spin series both spin with interrupts on. `cycle`
 * is the host's counter under MTTCG, the same on every hart.
 */
#include "csr.h"
#include "harts.h"
#include "latency.h"
#include "platform.h"
#include "sbi.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define WAIT_US 1000000

struct ipi_exchange {
	bool idle;
	unsigned caller;
	volatile unsigned long ready; /* the round the partner waits for */
	volatile int failed;
};

static struct ipi_exchange exchange;
static uint64_t round_trip[LAT_MAX_SAMPLES], one_way[LAT_MAX_SAMPLES];

static void partner(void *arg)
{
	struct ipi_exchange *ex = arg;
	struct lat_hart_state *st = &lat_state[current_hartid()];

	lat_vector_install();
	csr_set(sie, SIE_SSIE);
	for (unsigned long round = 1; round <= lat_samples; round++) {
		unsigned long old = st->soft_count;
		bool ok;

		__atomic_store_n(&ex->ready, round, __ATOMIC_RELEASE);
		ok = ex->idle ? lat_wait_idle(&st->soft_count, old, WAIT_US)
			      : lat_wait_spin(&st->soft_count, old, WAIT_US);
		if (!ok) {
			ex->failed = 1;
			break;
		}
		/* irq_cycle must be visible before the caller sees the
		 * answer. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		sbi_send_ipi(1UL << ex->caller, 0);
	}
	csr_clear(sie, SIE_SSIE);
	lat_vector_remove();
}

static void ipi_series(const char *rt_name, const char *ow_name, bool idle,
		       unsigned target)
{
	struct lat_hart_state *me = &lat_state[current_hartid()];
	struct lat_hart_state *peer = &lat_state[target];
	unsigned i = 0;
	char name[64];

	memset(&exchange, 0, sizeof(exchange));
	exchange.idle = idle;
	exchange.caller = current_hartid();
	if (hart_launch(target, partner, &exchange)) {
		snprintf(name, sizeof(name), "%s-partner-start", rt_name);
		check(false, name, "hart %u did not start", target);
		return;
	}
	csr_set(sie, SIE_SSIE);
	for (; i < lat_samples; i++) {
		if (!wait_counter_change((const unsigned long *)&exchange.ready,
					 i, WAIT_US))
			break;
		/* Give the partner time to reach its wfi (or spin). */
		delay_us(idle ? 200 : 20);
		unsigned long old = me->soft_count;
		uint64_t sent = read_cycle();

		sbi_send_ipi(1UL << target, 0);
		bool ok = idle ? lat_wait_idle(&me->soft_count, old, WAIT_US)
			       : lat_wait_spin(&me->soft_count, old, WAIT_US);
		if (!ok || exchange.failed)
			break;
		round_trip[i] = me->irq_cycle - sent;
		one_way[i] = peer->irq_cycle - sent;
	}
	csr_clear(sie, SIE_SSIE);
	snprintf(name, sizeof(name), "%s-partner-stop", rt_name);
	check(hart_wait_stopped(target, WAIT_US), name,
	      "hart %u did not finish", target);
	lat_report(rt_name, round_trip, i);
	lat_report(ow_name, one_way, i);
}

void lat_measure_ipi(bool idle_only)
{
	unsigned target = platform.boot_hart == 0 ? 1 : 0;

	if (platform.num_harts < 2) {
		lat_unavailable("ipi-idle-roundtrip", "one hart");
		lat_unavailable("ipi-idle-oneway", "one hart");
		if (!idle_only) {
			lat_unavailable("ipi-spin-roundtrip", "one hart");
			lat_unavailable("ipi-spin-oneway", "one hart");
		}
		return;
	}
	ipi_series("ipi-idle-roundtrip", "ipi-idle-oneway", true, target);
	if (!idle_only)
		ipi_series("ipi-spin-roundtrip", "ipi-spin-oneway", false,
			   target);
}
