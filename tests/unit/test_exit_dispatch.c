// SPDX-License-Identifier: MIT
/*
 * Exit dispatch on the fake arch (hv/exit/dispatch.c and the handlers of
 * virtual-instruction, breakpoint and host-interrupt exits, hv/core/
 * host_irq.c): every table entry reaches its handler and is counted; a
 * cause out of range or without a handler stops that VM alone; wfi from
 * guest user mode and other virtual instructions become illegal-
 * instruction exceptions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <hv/console.h>
#include <hv/debug.h>
#include <hv/errno.h>
#include <hv/host_irq.h>
#include <hv/platform.h>
#include "drivers/plic.h"
#include "fake_machine.h"

#define SLICE 1000
#define ENTRY 0x80000000UL
#define INSN_WFI 0x10500073U
#define INSN_SRET 0x10200073U
#define STVEC 0x80008000UL

static struct vm *vm, *other;
static struct vcpu *v0;
static unsigned long script[12], script_tval[12]; /* exits, in order */
static uint32_t script_insn[12];
static unsigned nscript, nentries, ecalls, page_faults;
static unsigned long entry_sepc[16];

/* The exits the real handlers would take: recorded here instead. */
static enum exit_action ecall(struct vcpu *vcpu)
{
	ecalls++;
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

enum exit_action exit_handle_guest_page_fault(struct vcpu *vcpu)
{
	(void)vcpu;
	page_faults++;
	return EXIT_RESUME;
}

/* Host PLIC: claims return these sources, then 0. */
static unsigned claims[4], nclaims, completed[4], ncompleted, polls;
static unsigned enabled_source, threshold_hart;

unsigned plic_claim(unsigned hartid)
{
	(void)hartid;
	return nclaims < 4 ? claims[nclaims++] : 0;
}

void plic_complete(unsigned hartid, unsigned source)
{
	(void)hartid;
	if (ncompleted < 4)
		completed[ncompleted++] = source;
}

void plic_enable(unsigned source, unsigned hartid)
{
	(void)hartid;
	enabled_source = source;
}

void plic_set_threshold(unsigned hartid, unsigned threshold)
{
	(void)threshold;
	threshold_hart = hartid;
}

void console_poll_input(void)
{
	polls++;
}

static unsigned messages;

static void count_message(void *arg)
{
	(void)arg;
	messages++;
}

/* v0 makes the scripted exits, one per entry, then waits in wfi with
 * every interrupt disabled (it blocks for good). */
static void guest(struct vcpu *vcpu)
{
	if (vcpu == v0 && nentries < 16)
		entry_sepc[nentries] = vcpu->arch.sepc;
	if (vcpu == v0 && nentries < nscript) {
		fake_harts[fake_current_hart()].live.vstvec = STVEC;
		vcpu->arch.scause = script[nentries];
		vcpu->arch.stval = script_tval[nentries];
		fake_guest_insn = script_insn[nentries];
		nentries++;
		return;
	}
	if (vcpu == v0)
		nentries++;
	fake_guest_insn = INSN_WFI; /* what memory holds at this pc */
	fake_guest_write_sie(vcpu, 0);
	fake_exit_wfi(vcpu);
}

static void reset(void)
{
	fake_machine_reset(2, SLICE);
	vm = fake_vm_create("a", 1, 0x1);
	other = fake_vm_create("b", 1, 0x1);
	v0 = &vm->vcpus[0];
	fake_guest = guest;
	fake_ecall_handler = ecall;
	nscript = nentries = ecalls = page_faults = messages = 0;
	nclaims = ncompleted = polls = 0;
	enabled_source = 0;
	threshold_hart = 99;
	fake_vcpu_start(vm, 0, ENTRY);
	fake_vcpu_start(other, 0, ENTRY);
}

static int setup(void **state)
{
	(void)state;
	reset();
	return 0;
}

/* An exit the guest makes; the instruction memory holds at its pc is
 * fake_guest_insn as it is now (0: unreadable). */
static void add_exit(unsigned long cause, unsigned long tval)
{
	script_insn[nscript] = fake_guest_insn;
	script[nscript] = cause;
	script_tval[nscript++] = tval;
}

static void test_every_table_entry_reaches_its_handler(void **state)
{
	(void)state;
	static unsigned sources[] = {GUEST_UART_IRQ, 7, 0};

	platform.uart_irq = GUEST_UART_IRQ;
	memcpy(claims, sources, sizeof(sources));
	fake_set_hart(1);
	assert_int_equal(cpu_msg_post(&cpus[0], count_message, NULL), HV_OK);
	fake_set_hart(0);
	fake_harts[0].timer_deadline = fake_time; /* fired */
	cpus[0].timer_programmed = fake_time;

	add_exit(EXC_ECALL_VS, 0);
	add_exit(EXC_INST_GUEST_PAGE_FAULT, 0);
	add_exit(EXC_LOAD_GUEST_PAGE_FAULT, 0);
	add_exit(EXC_STORE_GUEST_PAGE_FAULT, 0);
	add_exit(EXC_BREAKPOINT, 0);
	add_exit(CAUSE_INTERRUPT | IRQ_CAUSE_SOFT, 0);
	add_exit(CAUSE_INTERRUPT | IRQ_CAUSE_TIMER, 0);
	add_exit(CAUSE_INTERRUPT | IRQ_CAUSE_EXTERNAL, 0);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, nscript + 1);
	assert_int_equal(v0->stats.exits[EXC_ECALL_VS], 1);
	assert_int_equal(v0->stats.exits[EXC_INST_GUEST_PAGE_FAULT], 1);
	assert_int_equal(v0->stats.exits[EXC_LOAD_GUEST_PAGE_FAULT], 1);
	assert_int_equal(v0->stats.exits[EXC_STORE_GUEST_PAGE_FAULT], 1);
	assert_int_equal(v0->stats.exits[EXC_BREAKPOINT], 1);
	assert_int_equal(v0->stats.exits[EXC_VIRTUAL_INST], 1); /* wfi */
	assert_int_equal(v0->stats.irq_exits[IRQ_CAUSE_SOFT], 1);
	assert_int_equal(v0->stats.irq_exits[IRQ_CAUSE_TIMER], 1);
	assert_int_equal(v0->stats.irq_exits[IRQ_CAUSE_EXTERNAL], 1);
	assert_int_equal(page_faults, 3);
	assert_int_equal(ecalls, 1);
	/* The IPI exit served the message, and took the IPI. */
	assert_int_equal(messages, 1);
	assert_false(fake_harts[0].pending & HOST_IRQ_IPI);
	/* The timer exit re-armed the hart timer: for the slice, since the
	 * other VM's vCPU waits. */
	assert_int_equal(fake_harts[0].timer_deadline, cpus[0].slice_end);
	/* The external exit claimed both sources; the UART's is console
	 * input. */
	assert_int_equal(ncompleted, 2);
	assert_int_equal(completed[0], GUEST_UART_IRQ);
	assert_int_equal(completed[1], 7);
	assert_int_equal(polls, 1);
	/* No debugger: the guest gets its own breakpoint exception. */
	assert_int_equal(entry_sepc[5], STVEC);
	assert_true(vm_is_running(vm));
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* A cause the tables do not cover, or cover with no handler. */
static void check_stops_only_its_vm(unsigned long cause, const char *what)
{
	char expected[96];

	reset();
	add_exit(cause, 0x1234);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 1); /* never entered again */
	assert_false(vm_is_running(vm));
	assert_true(vm->failed);
	assert_int_equal(v0->state, VCPU_DEAD);
	/* An interrupt has no stval: none is printed (it would be stale). */
	snprintf(expected, sizeof(expected),
		 "VM \"a\" stopped: vCPU 0: unhandled %s at pc %#lx%s", what,
		 ENTRY, cause & CAUSE_INTERRUPT ? "\n" : " (stval 0x1234)");
	assert_non_null(strstr(fake_printed, expected));
	assert_int_equal(fake_shutdowns, 0);
	/* The other VM on the same hart goes on. */
	assert_true(vm_is_running(other));
	assert_ptr_equal(fake_step(0), &other->vcpus[0]);
	assert_null(fake_step(0));
}

static void test_unknown_causes_stop_only_that_vm(void **state)
{
	(void)state;
	check_stops_only_its_vm(EXC_COUNT, "exception 24");
	check_stops_only_its_vm(1000, "exception 1000");
	check_stops_only_its_vm(EXC_ILLEGAL_INST, "exception 2");
	assert_int_equal(v0->stats.exits[EXC_ILLEGAL_INST], 1);
	check_stops_only_its_vm(CAUSE_INTERRUPT | 16, "interrupt 16");
	check_stops_only_its_vm(CAUSE_INTERRUPT | 3, "interrupt 3");
	assert_int_equal(v0->stats.irq_exits[3], 1);
}

/* Virtual-instruction exits other than a VS-mode wfi: the guest gets an
 * illegal-instruction exception with the instruction as tval. */
static void guest_vu_wfi(struct vcpu *vcpu)
{
	guest(vcpu);
	if (nentries == 1)
		arch_vcpu_set_guest_kernel(vcpu, false);
}

static void check_illegal(unsigned long expected_tval)
{
	struct fake_live_state *live = &fake_harts[0].live;

	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(live->vscause, EXC_ILLEGAL_INST);
	assert_int_equal(live->vstval, expected_tval);
	assert_int_equal(live->vsepc, ENTRY);
	assert_int_equal(entry_sepc[1], STVEC);
	assert_int_equal(v0->stats.wfi_blocks, 1); /* only the final one */
}

static void test_wfi_from_user_mode_is_illegal(void **state)
{
	(void)state;
	fake_guest = guest_vu_wfi;
	add_exit(EXC_VIRTUAL_INST, INSN_WFI);
	check_illegal(INSN_WFI);
}

static void test_other_virtual_instruction_is_illegal(void **state)
{
	(void)state;
	add_exit(EXC_VIRTUAL_INST, INSN_SRET);
	check_illegal(INSN_SRET);
}

static void test_unreadable_instruction_is_illegal(void **state)
{
	(void)state;
	add_exit(EXC_VIRTUAL_INST, 0); /* no htinst/stval: read it */
	check_illegal(0);
}

/* A stale stval (QEMU 7.2 keeps the last one for an hlv in VS-mode) that
 * says wfi: the instruction in memory decides, and it is illegal. */
#define INSN_HLV_HU 0x641545f3U

static void test_stale_stval_is_not_trusted(void **state)
{
	(void)state;
	fake_guest_insn = INSN_HLV_HU;
	add_exit(EXC_VIRTUAL_INST, INSN_WFI);
	check_illegal(INSN_HLV_HU);
}

static void test_wfi_read_from_memory_blocks(void **state)
{
	(void)state;
	fake_guest_insn = INSN_WFI;
	add_exit(EXC_VIRTUAL_INST, 0);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 1);
	assert_int_equal(v0->stats.wfi_blocks, 1);
	assert_int_equal(v0->arch.sepc, ENTRY + 4);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* A debugger's breakpoint handler decides: stop the vCPU, or resume. */
static enum exit_action debugger_action;
static unsigned debugger_calls;

static enum exit_action on_breakpoint(void *ctx, struct vcpu *vcpu)
{
	(void)ctx;
	(void)vcpu;
	debugger_calls++;
	return debugger_action;
}

static const struct vm_debugger debugger = {.breakpoint = on_breakpoint};

static void test_breakpoint_goes_to_the_debugger(void **state)
{
	(void)state;
	vm->debugger = &debugger;
	debugger_action = EXIT_RESCHEDULE;
	add_exit(EXC_BREAKPOINT, 0);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(debugger_calls, 1);
	assert_int_equal(nentries, 1);
	assert_int_equal(v0->state, VCPU_RUNNABLE); /* left, still runnable */
	assert_int_equal(fake_harts[0].live.vscause, 0); /* not injected */
	debugger_action = EXIT_RESUME;
	nentries = 0;
	assert_ptr_equal(fake_step(0), &other->vcpus[0]);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(debugger_calls, 2);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

static void test_host_irq_setup_and_idle_poll(void **state)
{
	(void)state;
	static unsigned sources[] = {GUEST_UART_IRQ, 0};

	platform.uart_irq = GUEST_UART_IRQ;
	fake_set_hart(1);
	host_irq_init_hart(true);
	assert_true(cpus[1].console_irq);
	assert_int_equal(enabled_source, GUEST_UART_IRQ);
	assert_int_equal(threshold_hart, 1);
	enabled_source = 0;
	fake_set_hart(0);
	host_irq_init_hart(false);
	assert_false(cpus[0].console_irq);
	assert_int_equal(enabled_source, 0);
	assert_int_equal(threshold_hart, 0);
	/* Idle hart 1 with console input pending: claimed and served. */
	memcpy(claims, sources, sizeof(sources));
	fake_harts[1].pending |= HOST_IRQ_EXTERNAL;
	assert_null(fake_step(1));
	assert_int_equal(polls, 1);
	assert_int_equal(ncompleted, 1);
	assert_int_equal(fake_harts[1].waits, 0);
}

/* A second source routed to the console hart (the gdb stub's UART): its
 * handler runs for it; other sources do not reach it. */
static unsigned routed_calls;

static void routed(void)
{
	routed_calls++;
}

static void test_routed_source_reaches_its_handler(void **state)
{
	(void)state;
	static unsigned sources[] = {33, GUEST_UART_IRQ, 7, 0};

	platform.uart_irq = GUEST_UART_IRQ;
	host_irq_route(33, routed);
	assert_int_equal(enabled_source, 33);
	memcpy(claims, sources, sizeof(sources));
	host_irq_external();
	assert_int_equal(routed_calls, 1);
	assert_int_equal(polls, 1);
	assert_int_equal(ncompleted, 3);
	assert_int_equal(completed[0], 33);
	assert_int_equal(completed[2], 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_every_table_entry_reaches_its_handler, setup),
		cmocka_unit_test_setup(test_unknown_causes_stop_only_that_vm,
				       setup),
		cmocka_unit_test_setup(test_wfi_from_user_mode_is_illegal,
				       setup),
		cmocka_unit_test_setup(
			test_other_virtual_instruction_is_illegal, setup),
		cmocka_unit_test_setup(test_unreadable_instruction_is_illegal,
				       setup),
		cmocka_unit_test_setup(test_stale_stval_is_not_trusted, setup),
		cmocka_unit_test_setup(test_wfi_read_from_memory_blocks, setup),
		cmocka_unit_test_setup(test_breakpoint_goes_to_the_debugger,
				       setup),
		cmocka_unit_test_setup(test_host_irq_setup_and_idle_poll,
				       setup),
		cmocka_unit_test_setup(test_routed_source_reaches_its_handler,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
