/* SPDX-License-Identifier: MIT */
/*
 * The latency guest's trap vector: it reads `cycle` as its third
 * instruction, so a measured latency holds as little of the guest's own
 * path as possible. Interrupts are acknowledged here (timer: sie.STIE
 * masked, software: sip.SSIP cleared) and counted; exceptions go on to the
 * library's vector, which reports them. sscratch points at this hart's
 * struct lat_hart_state (latency.h).
 */
#define ST_SAVE_T0 0
#define ST_SAVE_T1 8
#define ST_IRQ_CYCLE 16
#define ST_TIMER_COUNT 24
#define ST_SOFT_COUNT 32

	.text
	.balign 4
	.globl lat_trap_entry
lat_trap_entry:
	csrrw	sp, sscratch, sp
	sd	t0, ST_SAVE_T0(sp)
	rdcycle	t0
	sd	t1, ST_SAVE_T1(sp)
	csrr	t1, scause
	bgez	t1, exception
	sd	t0, ST_IRQ_CYCLE(sp)
	slli	t1, t1, 1
	srli	t1, t1, 1
	li	t0, 5
	beq	t1, t0, timer
	li	t0, 1
	beq	t1, t0, soft
	/* Anything else: mask it so it cannot storm. */
	li	t0, 1
	sll	t0, t0, t1
	csrc	sie, t0
	j	done
timer:
	li	t0, 0x20
	csrc	sie, t0
	ld	t1, ST_TIMER_COUNT(sp)
	addi	t1, t1, 1
	sd	t1, ST_TIMER_COUNT(sp)
	j	done
soft:
	csrci	sip, 2
	ld	t1, ST_SOFT_COUNT(sp)
	addi	t1, t1, 1
	sd	t1, ST_SOFT_COUNT(sp)
done:
	ld	t0, ST_SAVE_T0(sp)
	ld	t1, ST_SAVE_T1(sp)
	csrrw	sp, sscratch, sp
	sret
exception:
	ld	t0, ST_SAVE_T0(sp)
	ld	t1, ST_SAVE_T1(sp)
	csrrw	sp, sscratch, sp
	j	trap_entry
