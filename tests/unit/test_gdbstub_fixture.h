/* SPDX-License-Identifier: MIT */
/*
 * The machine for the host tests of the gdb stub's hartvisor side
 * (tests/unit/test_gdbstub_*.c): gdbstub/target.c, run.c,
 * breakpoints.c, monitor.c, stub.c and step.c on the fake arch, driven
 * through gdb_target.ops as the protocol layer would.
 *
 * The debugged VM "dbg" has three vCPUs (vcpu0 on hart 0, vcpu1 on hart
 * 1, both started at GT_IDLE; vcpu2 on hart 0, offline), 2 MiB of RAM at
 * 0x80000000 and its device windows. vcpu0 and vcpu1 ran once (they
 * yielded at GT_IDLE + 4) and are still loaded on their harts. Its guest is a small RV64
 * interpreter run at each guest entry (gt_guest): it executes the
 * instructions it finds in guest memory through the vCPU's translation,
 * from sepc, until one of them exits: ebreak and c.ebreak (a breakpoint
 * exception at that pc), ecall (a yield: the vCPU goes back to its
 * runqueue at the next instruction) or wfi. A trap loses the lr
 * reservation, as on QEMU. It knows addi, c.addi (c.nop), beq, bne, jal,
 * lr.d and sc.d; anything else fails the test.
 *
 * The transport (gdbstub/transport.c) and the session are played here:
 * reported stops and the bytes the stub hands to the session are
 * recorded.
 */
#ifndef TEST_GDBSTUB_FIXTURE_H
#define TEST_GDBSTUB_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <hv/errno.h>
#include "fake_machine.h"
#include "gdbstub/stub.h"

#define GT_SLICE 1000
#define GT_RAM_SIZE (2UL << 20)
#define GT_IDLE 0x80000000UL /* ecall; j GT_IDLE: yields forever */
#define GT_CODE 0x80001000UL /* where a test puts its program */
#define GT_DATA 0x80008000UL
#define GT_TABLES 0x80100000UL /* gt_sv39_map's page tables */

/* Instructions. */
#define GT_EBREAK 0x00100073U
#define GT_C_EBREAK 0x9002U
#define GT_ECALL 0x00000073U
#define GT_WFI 0x10500073U
#define GT_C_NOP 0x0001U
uint32_t gt_addi(unsigned rd, unsigned rs1, int imm);
uint32_t gt_beq(unsigned rs1, unsigned rs2, int offset);
uint32_t gt_bne(unsigned rs1, unsigned rs2, int offset);
uint32_t gt_jal(unsigned rd, int offset);
uint32_t gt_lr_d(unsigned rd, unsigned rs1);
uint32_t gt_sc_d(unsigned rd, unsigned rs2, unsigned rs1);

enum {
	T0 = 5,
	T1 = 6,
	A0 = 10,
	A1 = 11,
	A2 = 12,
};

extern struct vm *gt_vm;
extern uint8_t *gt_ram;
extern struct vcpu *gt_v0, *gt_v1, *gt_v2;
/* The guest hook (fake_guest), for a test's own hook to call. */
void gt_guest(struct vcpu *vcpu);
/* Guest instructions executed, per vCPU of gt_vm. */
extern unsigned gt_executed[VM_MAX_VCPUS];

/* Stops the stub reported (gdb_transport_report_stop). */
extern unsigned gt_stops;
extern struct gdb_stop gt_last_stop;
extern unsigned gt_stop_hart;	    /* the hart that reported it */
extern bool gt_stop_when_quiescent; /* every vCPU parked and in memory */

/* The session as stub.c sees it. */
extern bool gt_transport_present;
extern bool gt_transport_busy; /* gdb_transport_lock() fails */
extern const struct gdb_target_ops *gt_attached_ops;
extern void *gt_attached_target;
extern char gt_received[2048];
extern size_t gt_received_len;
extern unsigned gt_receive_calls;
extern bool gt_received_on_vcpu; /* a delivery came while a vCPU ran */
extern int gt_receive_wait;	 /* gdb_run_wait_stopped() at the last one */

/* cmocka setup: the machine above, the stub detached and forgotten. */
int gt_setup(void **state);

/* Guest RAM by guest-physical address. */
void gt_poke32(uint64_t gpa, uint32_t value);
uint32_t gt_peek32(uint64_t gpa);
void gt_poke16(uint64_t gpa, uint16_t value);
uint16_t gt_peek16(uint64_t gpa);
void gt_program(uint64_t gpa, const uint32_t *insns, unsigned count);

/* Map a 4 KiB page va -> pa in a Sv39 table built at GT_TABLES; the
 * vsatp that selects it. */
void gt_sv39_map(uint64_t va, uint64_t pa);
uint64_t gt_sv39_vsatp(void);

/* Attach the stub and stop the VM, as a connecting gdb does. */
void gt_attach(void);
/* Resume with one action per thread of gt_vm. */
int gt_resume(enum gdb_resume_action a0, enum gdb_resume_action a1,
	      enum gdb_resume_action a2);
/* One scheduler turn of hart index, which must run vcpu. */
void gt_run(unsigned index, struct vcpu *vcpu);
/* Turns of hart index (at most two) until vcpu ran guest code. */
void gt_run_guest(unsigned index, struct vcpu *vcpu);
/* Is the vCPU parked with its state in memory (no hart holds it)? */
bool gt_quiescent(struct vcpu *vcpu);

/* gdb_target.ops, called as the session calls them. */
#define GT_OPS (&gdb_target.ops)
#define GT_CTX (&gdb_target)

#endif
