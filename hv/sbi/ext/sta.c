// SPDX-License-Identifier: MIT
/* SBI Steal-time accounting extension (EID "STA"): not yet implemented. */
#include <hv/steal_time.h>

void sbi_sta_switched_in(struct vcpu *vcpu)
{
	(void)vcpu;
}

void sbi_sta_switched_out(struct vcpu *vcpu, bool preempted)
{
	(void)vcpu;
	(void)preempted;
}
