// SPDX-License-Identifier: MIT
/*
 * hostile: a guest that attacks the hypervisor. Garbage in every SBI
 * argument, harts that do not exist, unmapped guest-physical memory
 * guest-physical memory, H-extension and M-mode instructions, an IPI
 * storm, a long spin with interrupts off, and a scan of everything it can
 * address for the secret another VM planted. Each
 * attack is a check of the outcome the contract promises.
 *
 * bootargs "mode=fatal": finish with an AMO on the UART, which the
 * hypervisor must answer by stopping this VM.
 */
#include "console.h"
#include "csr.h"
#include "hostile.h"
#include "platform.h"
#include "sbi.h"
#include "test.h"
#include "util.h"

#define UART_BASE 0x10000000UL

const char guest_name[] = "hostile";

static void fatal_attempt(void)
{
	unsigned ok = test_passed_count(), bad = test_failed_count();
	unsigned long uart = UART_BASE;
	unsigned old;

	printf("GUEST %s SUMMARY: passed=%u failed=%u\n", guest_name, ok, bad);
	printf("HOSTILE FATAL ATTEMPT\n");
	asm volatile("amoadd.w %0, zero, (%1)"
		     : "=r"(old)
		     : "r"(uart)
		     : "memory");
	/* Still here: the hypervisor let an MMIO AMO through. */
	printf("HOSTILE FATAL SURVIVED\n");
	sbi_system_reset(SBI_SRST_SHUTDOWN, SBI_SRST_REASON_FAILURE);
	for (;;)
		wfi();
}

void guest_main(void)
{
	uint64_t rng = platform.boot_time | 1;

	printf("hostile: prng seed 0x%lx\n", (unsigned long)rng);
	attack_sbi_garbage(&rng);
	attack_missing_harts();
	attack_unmapped_memory();
	attack_privileged_instructions();
	attack_ipi_storm();
	attack_irq_off_spin();
	attack_secret_scan(&rng);
	if (str_has_word(platform.bootargs, "mode=fatal"))
		fatal_attempt();
}
