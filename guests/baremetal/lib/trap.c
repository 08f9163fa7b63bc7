// SPDX-License-Identifier: MIT
#include "trap.h"
#include "csr.h"
#include "test.h"
#include "util.h"

struct trap_expectation {
	bool armed;
	struct trap_record record;
};

extern char _start[], _etext[];

struct hart_irq_stats irq_stats[GUEST_MAX_HARTS];
static struct trap_expectation expectations[GUEST_MAX_HARTS];

static unsigned instruction_length(unsigned long pc)
{
	/* Read 16 bits only: a compressed instruction may end the page. */
	uint16_t low = *(const volatile uint16_t *)pc;

	return (low & 3) == 3 ? 4 : 2;
}

static void handle_interrupt(unsigned long hart, unsigned long cause)
{
	struct hart_irq_stats *stats = &irq_stats[hart];

	switch (cause) {
	case IRQ_S_TIMER:
		csr_clear(sie, SIE_STIE);
		WRITE_ONCE(stats->last_timer_at, read_time());
		__atomic_fetch_add(&stats->timer, 1, __ATOMIC_RELEASE);
		break;
	case IRQ_S_SOFT:
		csr_clear(sip, SIE_SSIE);
		__atomic_fetch_add(&stats->soft, 1, __ATOMIC_RELEASE);
		break;
	case IRQ_S_EXT:
		csr_clear(sie, SIE_SEIE);
		__atomic_fetch_add(&stats->external, 1, __ATOMIC_RELEASE);
		break;
	default:
		csr_clear(sie, 1UL << (cause & 63));
		break;
	}
}

void trap_handle(struct trap_frame *frame)
{
	unsigned long hart = current_hartid();
	struct trap_expectation *exp = &expectations[hart];

	if (frame->scause & CAUSE_INTERRUPT) {
		handle_interrupt(hart, frame->scause & ~CAUSE_INTERRUPT);
		return;
	}
	if (!exp->armed) {
		test_fatal("unexpected-trap",
			   "hart=%lu scause=%lu sepc=0x%lx stval=0x%lx", hart,
			   frame->scause, frame->sepc, frame->stval);
	}
	exp->armed = false;
	exp->record.trapped = true;
	exp->record.cause = frame->scause;
	exp->record.stval = frame->stval;
	exp->record.sepc = frame->sepc;
	/* A fault outside the image can only come from probe_fetch's jalr
	 * (at the target, or further on if the target executed): go back to
	 * the caller. */
	if (frame->scause == CAUSE_FETCH_ACCESS ||
	    frame->scause == CAUSE_FETCH_PAGE ||
	    frame->sepc < (unsigned long)_start ||
	    frame->sepc >= (unsigned long)_etext)
		frame->sepc = frame->regs[1];
	else
		frame->sepc += instruction_length(frame->sepc);
}

void trap_expect_begin(void)
{
	struct trap_expectation *exp = &expectations[current_hartid()];

	memset(&exp->record, 0, sizeof(exp->record));
	barrier();
	exp->armed = true;
	barrier();
}

struct trap_record trap_expect_end(void)
{
	struct trap_expectation *exp = &expectations[current_hartid()];

	barrier();
	exp->armed = false;
	barrier();
	return exp->record;
}

struct trap_record probe_load(unsigned long addr)
{
	unsigned long value;

	trap_expect_begin();
	asm volatile("ld %0, 0(%1)" : "=r"(value) : "r"(addr) : "memory");
	return trap_expect_end();
}

struct trap_record probe_store(unsigned long addr, unsigned long value)
{
	trap_expect_begin();
	asm volatile("sd %0, 0(%1)" ::"r"(value), "r"(addr) : "memory");
	return trap_expect_end();
}

struct trap_record probe_amoadd(unsigned long addr)
{
	unsigned long old;

	trap_expect_begin();
	asm volatile("amoadd.w %0, zero, (%1)"
		     : "=r"(old)
		     : "r"(addr)
		     : "memory");
	return trap_expect_end();
}

struct trap_record probe_fetch(unsigned long addr)
{
	trap_expect_begin();
	/* The handler resumes a failed fetch at ra, right after the jalr.
	 * Should the target hold code (it must not), treat every
	 * caller-saved register as clobbered. */
	register unsigned long target asm("s2") = addr;
	asm volatile("jalr ra, 0(%0)"
		     :
		     : "r"(target)
		     : "ra", "t0", "t1", "t2", "t3", "t4", "t5", "t6", "a0",
		       "a1", "a2", "a3", "a4", "a5", "a6", "a7", "memory");
	return trap_expect_end();
}

unsigned long irq_timer_count(unsigned hart)
{
	return __atomic_load_n(&irq_stats[hart].timer, __ATOMIC_ACQUIRE);
}

unsigned long irq_soft_count(unsigned hart)
{
	return __atomic_load_n(&irq_stats[hart].soft, __ATOMIC_ACQUIRE);
}
