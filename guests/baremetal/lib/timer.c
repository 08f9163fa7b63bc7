// SPDX-License-Identifier: MIT
#include "timer.h"
#include "csr.h"
#include "platform.h"
#include "sbi.h"
#include "util.h"

uint64_t us_to_ticks(uint64_t us)
{
	return us * platform.timebase_hz / 1000000;
}

uint64_t ticks_to_us(uint64_t ticks)
{
	return ticks * 1000000 / platform.timebase_hz;
}

uint64_t deadline_after_us(uint64_t us)
{
	return read_time() + us_to_ticks(us);
}

bool time_reached(uint64_t deadline)
{
	return (int64_t)(read_time() - deadline) >= 0;
}

void delay_us(uint64_t us)
{
	uint64_t deadline = deadline_after_us(us);

	while (!time_reached(deadline))
		cpu_relax();
}

void timer_arm_sbi(uint64_t at)
{
	sbi_set_timer(at);
	csr_set(sie, SIE_STIE);
}

void timer_arm_sstc(uint64_t at)
{
	csr_write(CSR_STIMECMP, at);
	csr_set(sie, SIE_STIE);
}

void timer_cancel_sbi(void)
{
	csr_clear(sie, SIE_STIE);
	sbi_set_timer(UINT64_MAX);
}

void timer_cancel_sstc(void)
{
	csr_clear(sie, SIE_STIE);
	csr_write(CSR_STIMECMP, UINT64_MAX);
}

bool wait_counter_change(const unsigned long *counter, unsigned long old,
			 uint64_t timeout_us)
{
	uint64_t deadline = deadline_after_us(timeout_us);

	while (__atomic_load_n(counter, __ATOMIC_ACQUIRE) == old) {
		if (time_reached(deadline))
			return false;
		cpu_relax();
	}
	return true;
}

bool wait_flag(const volatile int *flag, uint64_t timeout_us)
{
	uint64_t deadline = deadline_after_us(timeout_us);

	while (!*flag) {
		if (time_reached(deadline))
			return false;
		cpu_relax();
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return true;
}
