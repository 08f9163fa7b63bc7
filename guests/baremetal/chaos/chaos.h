/* SPDX-License-Identifier: MIT */
/*
 * chaos: a seeded random hostile guest (issue 7, fuzzing from inside).
 * Every vCPU performs random actions drawn from one PRNG per vCPU: SBI
 * calls with random arguments over every extension, CSR instructions over
 * the whole CSR number space, hypervisor instructions, loads, stores and
 * AMOs anywhere in guest-physical space, device registers, wfi and
 * interrupt storms. The same seed replays the same actions.
 *
 * What it may not do is end itself, since the point is to run them all:
 * valid shutdowns, hart stops and suspends are never issued, AMOs and FP
 * accesses never go to device windows (the hypervisor stops a VM for
 * those, by design), and stores to RAM stay inside its scratch buffer.
 */
#ifndef CHAOS_H
#define CHAOS_H

#include <stdbool.h>
#include <stdint.h>

enum chaos_kind {
	CHAOS_SBI,
	CHAOS_CSR,
	CHAOS_HYP_INSN,
	CHAOS_MEMORY,
	CHAOS_DEVICE,
	CHAOS_WFI,
	CHAOS_IPI_STORM,
	CHAOS_KINDS,
};

struct chaos_hart {
	uint64_t rng;
	unsigned long done[CHAOS_KINDS];
	unsigned long traps; /* exceptions the actions caused */
};

/* bootargs "trace": each action is printed before it is made. */
extern bool chaos_trace;

/* Scratch memory the actions may write (RAM the guest owns). */
#define CHAOS_SCRATCH_SIZE 4096
extern uint8_t chaos_scratch[][CHAOS_SCRATCH_SIZE];

void chaos_sbi(struct chaos_hart *h);
void chaos_csr(struct chaos_hart *h);
void chaos_hyp_insn(struct chaos_hart *h);
void chaos_memory(struct chaos_hart *h);
void chaos_device(struct chaos_hart *h);
void chaos_wfi(struct chaos_hart *h);
void chaos_ipi_storm(struct chaos_hart *h);

/* A random value shaped to be interesting: small, all-ones, a RAM or
 * device address, a power of two, or anything. */
unsigned long chaos_value(struct chaos_hart *h);

#endif
