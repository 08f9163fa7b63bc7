/* SPDX-License-Identifier: MIT */
/*
 * CSR access, trap causes and the few supervisor bits the test guests use.
 * The guests believe they run in S-mode; everything here is S-level.
 */
#ifndef GUEST_CSR_H
#define GUEST_CSR_H

#include <stdint.h>

#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_FS_INITIAL (1UL << 13)

#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define SIE_SSIE (1UL << IRQ_S_SOFT)
#define SIE_STIE (1UL << IRQ_S_TIMER)
#define SIE_SEIE (1UL << IRQ_S_EXT)

#define CAUSE_INTERRUPT (1UL << 63)
#define CAUSE_FETCH_ACCESS 1
#define CAUSE_ILLEGAL_INSN 2
#define CAUSE_BREAKPOINT 3
#define CAUSE_LOAD_ACCESS 5
#define CAUSE_STORE_ACCESS 7
#define CAUSE_ECALL_S 9
#define CAUSE_FETCH_PAGE 12
#define CAUSE_LOAD_PAGE 13
#define CAUSE_STORE_PAGE 15

/* Sstc's stimecmp, by number: older assemblers do not know its name. */
#define CSR_STIMECMP 0x14d

#define __csr_str(x) #x
#define csr_str(x) __csr_str(x)

#define csr_read(csr)                                                         \
	({                                                                    \
		unsigned long __v;                                            \
		asm volatile("csrr %0, " csr_str(csr) : "=r"(__v)::"memory"); \
		__v;                                                          \
	})
#define csr_write(csr, val)                                                  \
	asm volatile("csrw " csr_str(csr) ", %0" ::"r"((unsigned long)(val)) \
		     : "memory")
#define csr_set(csr, val)                                                    \
	asm volatile("csrs " csr_str(csr) ", %0" ::"r"((unsigned long)(val)) \
		     : "memory")
#define csr_clear(csr, val)                                                  \
	asm volatile("csrc " csr_str(csr) ", %0" ::"r"((unsigned long)(val)) \
		     : "memory")

static inline uint64_t read_time(void)
{
	uint64_t t;

	asm volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline unsigned long current_hartid(void)
{
	unsigned long id;

	/* crt0 keeps the hart id in tp for the lifetime of every hart. */
	asm volatile("mv %0, tp" : "=r"(id));
	return id;
}

static inline void local_irq_enable(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

static inline void local_irq_disable(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

static inline void wfi(void)
{
	asm volatile("wfi" ::: "memory");
}

static inline void cpu_relax(void)
{
	/* pause (Zihintpause) encoded as a fence hint: a nop elsewhere. */
	asm volatile(".4byte 0x0100000f" ::: "memory");
}

#endif
