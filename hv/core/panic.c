// SPDX-License-Identifier: MIT
/*
 * The end of a hypervisor panic (hv_panic, after its message): stop the
 * whole machine, not just the faulting hart. The panicking hart may hold
 * any lock (a runqueue, a device, the console), so nothing here takes
 * one: the other harts are told to halt by a flag and an IPI
 * (cpu_msg_halt_others), messages go straight to the UART
 * (console_write_emergency, bounded), the wait for the others is bounded
 * and serves nothing, and the machine is powered off through SBI SRST
 * with "system failure" (QEMU then exits non-zero). A hart that never
 * notices (spinning with its IPIs unseen) does not hold the power-off up.
 */
#include <stdio.h>
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/cpu_msg.h>
#include <hv/panic.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include "drivers/sbi_client.h"

static unsigned other_online_harts(void)
{
	unsigned count = 0;

	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (&cpus[i] != this_cpu() &&
		    __atomic_load_n(&cpus[i].online, __ATOMIC_ACQUIRE))
			count++;
	return count;
}

static void emergency_print(const char *text)
{
	size_t len = 0;

	while (text[len])
		len++;
	console_write_emergency(text, len);
}

void panic_stop_machine(void)
{
	static uint32_t panicking;
	unsigned others = other_online_harts(), halted;
	uint64_t deadline = arch_time_now() + platform.timebase_frequency *
						      PANIC_HALT_WAIT_MS / 1000;
	char line[96];

	/* A second hart that panics meanwhile only stops itself: the first
	 * one powers the machine off. */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		arch_halt();
	cpu_msg_halt_others();
	while ((halted = cpu_msg_harts_halted()) < others &&
	       arch_time_now() < deadline)
		arch_relax();
	snprintf(line, sizeof(line),
		 "hartvisor: %u of %u other hart(s) halted; powering off\n",
		 halted, others);
	emergency_print(line);
	sbi_client_shutdown(true);
}
