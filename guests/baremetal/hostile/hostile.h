/* SPDX-License-Identifier: MIT */
/* The hostile guest's attacks, one file per kind. */
#ifndef HOSTILE_H
#define HOSTILE_H

#include <stdint.h>

void attack_sbi_garbage(uint64_t *rng);
void attack_missing_harts(void);
void attack_unmapped_memory(void);
void attack_privileged_instructions(void);
void attack_ipi_storm(void);
void attack_irq_off_spin(void);
void attack_secret_scan(uint64_t *rng);

#endif
