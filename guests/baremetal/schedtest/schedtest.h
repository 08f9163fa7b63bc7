/* SPDX-License-Identifier: MIT */
/* The roles of the scheduler test guest (see main.c). */
#ifndef SCHEDTEST_H
#define SCHEDTEST_H

#include <stdint.h>
#include "platform.h" /* bootarg_u64 */

/*
 * Sleep in wfi until the timer (Sstc when the guest has it, else SBI
 * TIME) fires at or after deadline; the interrupt's rdtime is then in
 * irq_stats[hart].last_timer_at. Leaves interrupts disabled.
 */
void sleep_until(uint64_t deadline);
/* Disarm the timer and enable interrupts again. */
void sleep_cancel(void);

void role_share(void);
void role_spin(void);
void role_latency(void);

#endif
