/* SPDX-License-Identifier: MIT */
/*
 * Guest time (rdtime at the DTB's timebase) and the two ways to arm the
 * supervisor timer: SBI TIME and Sstc's stimecmp. Arming also unmasks
 * sie.STIE; the interrupt handler masks it again.
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

uint64_t us_to_ticks(uint64_t us);
uint64_t ticks_to_us(uint64_t ticks);
uint64_t deadline_after_us(uint64_t us);
bool time_reached(uint64_t deadline);
void delay_us(uint64_t us);

void timer_arm_sbi(uint64_t at);
void timer_arm_sstc(uint64_t at);
/* Push the timer to "never" (and mask STIE) with whichever mechanism. */
void timer_cancel_sbi(void);
void timer_cancel_sstc(void);

/* Wait until *counter differs from old, up to timeout_us. */
bool wait_counter_change(const unsigned long *counter, unsigned long old,
			 uint64_t timeout_us);
bool wait_flag(const volatile int *flag, uint64_t timeout_us);

#endif
