/* SPDX-License-Identifier: MIT */
/*
 * steal: the SBI STA (steal-time accounting) guest. One image, two roles
 * chosen by bootargs (guests/configs/steal.dts):
 *   role=measure  2 vCPUs: vCPU 0 shares hart 0 with the busy VM, vCPU 1
 *                 has hart 1 to itself. Registration and its errors, the
 *                 sequence protocol read from the other vCPU, steal that
 *                 grows when shared and stays near zero when not,
 *                 `preempted` seen from the other vCPU, disable, and no
 *                 record after a hart restart.
 *   role=busy     1 vCPU on hart 0 that spins, and checks its own steal.
 */
#ifndef STEAL_H
#define STEAL_H

#include <stdbool.h>
#include <stdint.h>

#include "sbi.h"

#define SBI_STA_SET_SHMEM 0
#define SBI_STA_NUM_FIDS 1
#define STA_SHMEM_DISABLE (~0UL)

/* The record (SBI v2.0): steal is read in two halves, as a 32-bit guest
 * must, so the sequence protocol is what keeps it whole. */
struct sta_record {
	uint32_t sequence;
	uint32_t flags;
	uint32_t steal_lo, steal_hi;
	uint8_t preempted;
	uint8_t pad[47];
} __attribute__((aligned(64)));

/* Loads from another vCPU's stores stay in program order. */
#define read_barrier() asm volatile("fence r, r" ::: "memory")

struct sbiret sta_set_shmem(unsigned long lo, unsigned long hi,
			    unsigned long flags);
/* Register rec (at its physical address). */
struct sbiret sta_register(struct sta_record *rec);
/* The spec's reader: retry while the sequence is odd or changed. False
 * if it never settled (an SBI that leaves it odd). The whole record, or
 * its steal and sequence. */
bool sta_read_record(const struct sta_record *rec, struct sta_record *copy);
bool sta_read_steal(const struct sta_record *rec, uint64_t *steal_ns,
		    uint32_t *sequence);
uint8_t sta_preempted(const struct sta_record *rec);
uint64_t ticks_to_ns(uint64_t ticks);
/* Sleep in wfi until the SBI timer fires, us from now. */
void sleep_wfi_us(uint64_t us);

void test_registration(void);
void test_contention(void);
void test_restart_and_disable(void);
void run_busy(void);

#endif
