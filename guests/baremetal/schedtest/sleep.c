// SPDX-License-Identifier: MIT
/* Timer sleeps for the schedtest roles (schedtest.h). */
#include "csr.h"
#include "platform.h"
#include "schedtest.h"
#include "timer.h"
#include "trap.h"

void sleep_until(uint64_t deadline)
{
	unsigned hart = (unsigned)current_hartid();
	unsigned long seen = irq_timer_count(hart);

	local_irq_disable();
	if (platform.has_sstc)
		timer_arm_sstc(deadline);
	else
		timer_arm_sbi(deadline);
	/* wfi returns on a pending enabled interrupt even with sstatus.SIE
	 * clear; opening SIE for a moment takes it, with no lost wake-up. */
	while (irq_timer_count(hart) == seen) {
		wfi();
		local_irq_enable();
		local_irq_disable();
	}
}

void sleep_cancel(void)
{
	if (platform.has_sstc)
		timer_cancel_sstc();
	else
		timer_cancel_sbi();
	local_irq_enable();
}
