/* SPDX-License-Identifier: MIT */
/*
 * The machine and guest of the watchpoint host tests
 * (tests/unit/test_gdbstub_watch*.c): the gdb stub's target, run control,
 * breakpoints and watchpoints on the fake arch, with the real guest-page
 * fault exit (hv/exit/guest_page_fault.c) and a VM whose RAM is mapped by
 * a real stage-2 table (hv/mm/stage2.c) with a 2 MiB leaf.
 *
 * The VM "dbg" has two vCPUs (vcpu0 on hart 0, vcpu1 on hart 1), 2 MiB of
 * RAM at 0x80000000 and its device windows. Its guest is a small RV64
 * interpreter run at each entry from sepc, with guest-virtual = guest-
 * physical (vsatp Bare). Every load and store it makes goes through the
 * VM's stage-2 table as the hart's would: one the table forbids becomes a
 * guest-page-fault exit (scause, htval = gpa >> 2, stval = the address,
 * and htinst 0 with the instruction readable at sepc, or the transformed
 * instruction when wg_htinst is set), with the access not performed.
 * It knows the integer loads and stores, addi, bne, jal, ecall (a yield:
 * the vCPU goes back to its runqueue after it), lr.d/sc.d (a reservation
 * that any exit loses, as on QEMU), amoadd/amoswap, flw/fld/fsw/fsd and
 * c.ld/c.sd; anything else fails the test.
 */
#ifndef TEST_GDBSTUB_WATCH_GUEST_H
#define TEST_GDBSTUB_WATCH_GUEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/stage2.h>
#include "fake_machine.h"
#include "gdbstub/stub.h"

#define WG_RAM_SIZE (2UL << 20)
#define WG_IDLE 0x80000000UL /* ecall; j WG_IDLE */
#define WG_CODE 0x80001000UL /* a test's program */
#define WG_PAGE_A 0x80010000UL
#define WG_PAGE_B 0x80011000UL
#define WG_PAGE_C 0x80012000UL
#define WG_PAGE_D 0x80013000UL

enum {
	ZERO = 0,
	T0 = 5,
	T1 = 6,
	T2 = 7,
	S0 = 8,
	S1 = 9,
	A0 = 10,
	A1 = 11,
	A2 = 12,
	A3 = 13,
	A4 = 14,
	A5 = 15,
	S2 = 18,
	S3 = 19,
	S4 = 20,
	S5 = 21,
	S6 = 22,
};

/* Instructions (the ISA's encodings). */
#define WG_ECALL 0x00000073U
#define WG_EBREAK 0x00100073U
uint32_t wg_load(unsigned funct3, unsigned rd, unsigned rs1, int imm);
uint32_t wg_store(unsigned funct3, unsigned rs2, unsigned rs1, int imm);
uint32_t wg_addi(unsigned rd, unsigned rs1, int imm);
uint32_t wg_bne(unsigned rs1, unsigned rs2, int offset);
uint32_t wg_jal(unsigned rd, int offset);
uint32_t wg_lr_d(unsigned rd, unsigned rs1);
uint32_t wg_sc_d(unsigned rd, unsigned rs2, unsigned rs1);
uint32_t wg_amo(unsigned funct5, unsigned funct3, unsigned rd, unsigned rs2,
		unsigned rs1);
uint32_t wg_fp_load(unsigned funct3, unsigned rd, unsigned rs1, int imm);
uint32_t wg_fp_store(unsigned funct3, unsigned rs2, unsigned rs1, int imm);
/* funct3 of the loads and stores */
enum {
	LB,
	LH,
	LW,
	LD,
	LBU,
	LHU,
	LWU
};
enum {
	SB,
	SH,
	SW,
	SD
};

extern struct vm *wg_vm;
extern uint8_t *wg_ram;
extern struct vcpu *wg_v0, *wg_v1;
extern bool wg_htinst; /* report the transformed instruction in htinst */
/* Give the hypervisor no instruction (arch_vcpu_read_insn fails) when
 * the trapping one is on a page stage 2 makes unreadable, as QEMU 7.2's
 * hlvx does. */
extern bool wg_hlvx_needs_read;
/* Set: vCPU 0's next entry is this exit (the hook describes it) instead
 * of the interpreter's; then it is cleared. */
extern void (*wg_next_exit)(struct vcpu *vcpu);
/* Guest-page faults the guest took, per vCPU. */
extern unsigned wg_faults[VM_MAX_VCPUS];

/* Stops the stub reported (gdb_transport_report_stop). */
extern unsigned wg_stops;
extern struct gdb_stop wg_last_stop;

/* cmocka setup: the machine above, the stub attached and the VM stopped
 * (as a connecting gdb leaves it). */
int wg_setup(void **state);

uint64_t wg_peek64(uint64_t gpa);
void wg_poke64(uint64_t gpa, uint64_t value);
/* Put a program at WG_CODE (it ends in ecall; j -4 added here) and make
 * vCPU 0 start it (the VM stopped). */
void wg_program(const uint32_t *insns, unsigned count);
/* The pc of the program's final ecall (reached: the program is done). */
uint64_t wg_program_end(void);
/* The stage-2 permissions of a guest page now. */
unsigned long wg_perms(uint64_t page);

/* gdb's operations, as the session calls them. */
int wg_insert(enum gdb_break_type type, uint64_t addr, unsigned len);
int wg_remove(enum gdb_break_type type, uint64_t addr, unsigned len);
/* Resume all threads (true) or thread 1 alone. */
void wg_resume(bool all);
/* Run both harts until a stop is reported or vCPU 0 is done with its
 * program; true if a stop came. */
bool wg_run(void);
/* Ctrl-C, and run until the VM stopped. */
void wg_interrupt(void);
/* Thread 1's registers, by gdb's numbers (the VM stopped). */
uint64_t wg_reg(unsigned regno);
void wg_set_reg(unsigned regno, uint64_t value);

#endif
