// SPDX-License-Identifier: MIT
/*
 * Guest-page-fault exits (hv/exit/guest_page_fault.c) through the run
 * loop on the fake arch: loads and stores to the VM's device windows are
 * emulated (decoded from htinst or from the instruction at sepc, with
 * sign extension and the instruction's length), and every other fault is
 * an access fault for the guest, or stops the VM when the access cannot
 * be emulated. Instruction encodings are the RISC-V ISA's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include <hv/vdev.h>
#include "sbi_guest.h"

#define SLICE 1000
#define PC 0x80000000UL
#define UART_LSR (GUEST_UART_BASE + 5)
#define UART_SCR (GUEST_UART_BASE + 7)
#define PLIC_PRIORITY_10 (GUEST_PLIC_BASE + 4 * 10)
#define HOLE 0x20000000UL

/* Loads into a0 (x10), stores from a1 (x11); rs1 = a2 in raw forms. */
#define LB_A0 0x00000503U  /* lb a0, 0(x0) as htinst shows it */
#define LBU_A0 0x00004503U /* lbu a0 */
#define LW_A0 0x00002503U  /* lw a0 */
#define SB_A1 0x00b00023U  /* sb a1 */
#define RS1_A2 (12U << 15)
#define COMPRESSED(insn) ((insn) & ~2U) /* htinst: bit 1 clear */
#define PSEUDO_PTE_READ 0x3000U		/* htinst pseudo-instruction */

enum {
	A0 = 10,
	A1 = 11
};

struct access {
	unsigned long cause, addr;
	uint32_t htinst;  /* 0: none, the instruction is read at sepc */
	uint32_t raw;	  /* what the read at sepc finds (0: it faults) */
	unsigned long a1; /* the store's source */
};

/* vsatp and the access's guest-virtual address (access_mapped); with both
 * 0, vsatp is Bare and stval is addr, as on hardware. */
static unsigned long next_vsatp, next_gva;

static struct access next_access;
static struct vm *vm;
static struct vcpu *v0;

static void fault(struct vcpu *vcpu)
{
	vcpu->arch.scause = next_access.cause;
	vcpu->arch.htval = next_access.addr >> 2;
	vcpu->arch.stval = next_gva ? next_gva : next_access.addr;
	vcpu->arch.htinst = next_access.htinst;
	fake_harts[0].live.vsatp = next_vsatp;
	vcpu->arch.gpr[A1] = next_access.a1;
	fake_guest_insn = next_access.raw;
}

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	guest_reset();
	vm = fake_vm_create("a", 1, 0);
	vdev_init(vm);
	v0 = &vm->vcpus[0];
	fake_vcpu_start(vm, 0, PC);
	guest_run_hart(0);
	return 0;
}

/* The guest's idle wfi after the access. The hypervisor reads a trapping
 * instruction from guest memory (fake_guest_insn), which must then hold
 * the wfi, not the access's instruction. */
static void idle_wfi(struct vcpu *vcpu)
{
	fake_guest_insn = 0x10500073U; /* wfi */
	fake_exit_wfi(vcpu);
}

/* The guest makes the access; the entry that follows. */
static const struct guest_entry *access(struct access what)
{
	next_access = what;
	guest_do(v0, fault);
	guest_do(v0, idle_wfi);
	guest_wake(v0);
	guest_run_hart(0);
	return guest_last(v0);
}

/* The same, by a guest with vsatp whose access was at gva. */
static const struct guest_entry *
access_mapped(struct access what, unsigned long vsatp, unsigned long gva)
{
	const struct guest_entry *after;

	next_vsatp = vsatp;
	next_gva = gva;
	after = access(what);
	next_vsatp = next_gva = 0;
	return after;
}

static void test_loads_and_stores_are_emulated(void **state)
{
	(void)state;
	const struct guest_entry *after;
	unsigned long pc;

	after = access((struct access){EXC_LOAD_GUEST_PAGE_FAULT, UART_LSR,
				       LBU_A0, 0, 0});
	assert_int_equal(after->a0, 0x60); /* THR empty, transmitter idle */
	pc = after->pc;
	assert_int_equal(guest_entry(v0, guest_entries(v0) - 2)->pc + 4, pc);

	/* A byte with its top bit set: lb sign-extends, lbu does not. */
	after = access((struct access){EXC_STORE_GUEST_PAGE_FAULT, UART_SCR,
				       SB_A1, 0, 0x1c0});
	after = access((struct access){EXC_LOAD_GUEST_PAGE_FAULT, UART_SCR,
				       LB_A0, 0, 0});
	assert_int_equal(after->a0, 0xffffffffffffffc0UL);
	after = access((struct access){EXC_LOAD_GUEST_PAGE_FAULT, UART_SCR, 0,
				       LBU_A0 | RS1_A2, 0});
	assert_int_equal(after->a0, 0xc0);

	/* Decoded from the instruction itself when htinst is 0; a store to
	 * the transmitter is console output. */
	access((struct access){EXC_STORE_GUEST_PAGE_FAULT, GUEST_UART_BASE, 0,
			       SB_A1 | RS1_A2, 'k'});
	assert_string_equal(guest_console_output(vm), "k");

	/* A compressed instruction (htinst bit 1 clear) is 2 bytes long. */
	pc = guest_last(v0)->pc;
	vm->plic.priority[10] = 5;
	after = access((struct access){EXC_LOAD_GUEST_PAGE_FAULT,
				       PLIC_PRIORITY_10, COMPRESSED(LW_A0), 0,
				       0});
	assert_int_equal(after->a0, 5);
	assert_int_equal(after->pc, pc + 4 /* the idle wfi */ + 2);
	assert_true(vm_is_running(vm));
}

/* A device access by a vCPU whose wfi sleeps in the guest turns the trap
 * back on: at its next wfi exit the console shows a prompt and a paused
 * transmission resumes (the fake arch aborts on a wfi exit that would
 * have stayed in the guest). */
static void test_device_access_turns_the_wfi_trap_on(void **state)
{
	(void)state;
	guest_mark_wfi_in_guest(v0);
	access((struct access){EXC_STORE_GUEST_PAGE_FAULT, GUEST_UART_BASE, 0,
			       SB_A1 | RS1_A2, '>'});
	assert_string_equal(guest_console_output(vm), ">");
	assert_false(v0->arch.wfi_in_guest);
}

/* Everything that is not an emulated device access is an access fault
 * the guest takes (at its vstvec, with vscause and vstval set). */
static void test_other_faults_are_access_faults(void **state)
{
	(void)state;
	static const struct {
		struct access what;
		unsigned long vscause;
	} cases[] = {
		{{EXC_LOAD_GUEST_PAGE_FAULT, HOLE, LW_A0, 0, 0},
		 EXC_LOAD_ACCESS},
		{{EXC_STORE_GUEST_PAGE_FAULT, HOLE, SB_A1, 0, 0},
		 EXC_STORE_ACCESS},
		/* Code in a device window is no code. */
		{{EXC_INST_GUEST_PAGE_FAULT, GUEST_UART_BASE, 0, 0, 0},
		 EXC_INST_ACCESS},
		/* The guest's page-table walk read a device window. */
		{{EXC_LOAD_GUEST_PAGE_FAULT, GUEST_UART_BASE, PSEUDO_PTE_READ,
		  0, 0},
		 EXC_LOAD_ACCESS},
		/* The device refuses the width (the PLIC takes words). */
		{{EXC_LOAD_GUEST_PAGE_FAULT, PLIC_PRIORITY_10, LBU_A0, 0, 0},
		 EXC_LOAD_ACCESS},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fake_live_state *live = &fake_harts[0].live;

		live->vstvec = 0x80001000UL + 0x100 * i;
		live->vscause = 0;
		unsigned long pc = guest_last(v0)->pc + 4; /* the idle wfi */
		const struct guest_entry *after = access(cases[i].what);

		assert_int_equal(live->vscause, cases[i].vscause);
		assert_int_equal(live->vsepc, pc);
		assert_int_equal(live->vstval & 0xfff,
				 cases[i].what.addr & 0xfff);
		assert_int_equal(after->pc, 0x80001000UL + 0x100 * i);
		assert_true(vm_is_running(vm));
	}
}

/*
 * htinst 0 and an Sv39 guest whose page tables are in RAM, except one
 * that points its next-level table into the UART's window. The hart
 * reports a guest-page fault at the device address either way; only the
 * access whose virtual address really maps to the device is emulated. The
 * page-table walk's own access gets an access fault and never reaches the
 * device (which would have printed a byte).
 */
#define SV39_ROOT GUEST_RAM_BASE
#define SV39_MID (GUEST_RAM_BASE + 0x1000)
#define SV39_LEAF (GUEST_RAM_BASE + 0x2000)
#define GVA_DEVICE 0x40000000UL	   /* -> the UART page */
#define GVA_BAD_TABLE 0x80000000UL /* its table is the UART page */
#define PTE_TABLE(pa) ((((pa) >> 12) << 10) | 1U)
#define PTE_LEAF_RW(pa) ((((pa) >> 12) << 10) | 0xc7U) /* V R W A D */

static void test_page_table_in_a_device_window(void **state)
{
	(void)state;
	uint64_t *ram = (uint64_t *)fake_vm_add_ram(vm, 2UL << 20);
	unsigned long vsatp = (8UL << 60) | (SV39_ROOT >> 12);
	struct fake_live_state *live = &fake_harts[0].live;
	const struct guest_entry *after;

	ram[(GVA_DEVICE >> 30) & 511] = PTE_TABLE(SV39_MID);
	ram[0x1000 / 8 + ((GVA_DEVICE >> 21) & 511)] = PTE_TABLE(SV39_LEAF);
	ram[0x2000 / 8 + ((GVA_DEVICE >> 12) & 511)] =
		PTE_LEAF_RW(GUEST_UART_BASE);
	ram[(GVA_BAD_TABLE >> 30) & 511] = PTE_TABLE(GUEST_UART_BASE);

	/* The explicit store through a good mapping is emulated. */
	access_mapped((struct access){EXC_STORE_GUEST_PAGE_FAULT,
				      GUEST_UART_BASE, 0, SB_A1 | RS1_A2, 'k'},
		      vsatp, GVA_DEVICE);
	assert_string_equal(guest_console_output(vm), "k");
	after = access_mapped((struct access){EXC_LOAD_GUEST_PAGE_FAULT,
					      UART_LSR, 0, LBU_A0 | RS1_A2, 0},
			      vsatp, GVA_DEVICE + 5);
	assert_int_equal(after->a0, 0x60);

	/* The walk for GVA_BAD_TABLE reads its level-1 PTE at the UART's
	 * offset 0 (vpn[1] = 0): the transmitter. The instruction at sepc is
	 * a store all the same; it must not print. */
	live->vstvec = 0x80003000UL;
	live->vscause = 0;
	after = access_mapped((struct access){EXC_STORE_GUEST_PAGE_FAULT,
					      GUEST_UART_BASE, 0,
					      SB_A1 | RS1_A2, 'X'},
			      vsatp, GVA_BAD_TABLE);
	assert_string_equal(guest_console_output(vm), "k");
	assert_int_equal(live->vscause, EXC_STORE_ACCESS);
	assert_int_equal(live->vstval, GVA_BAD_TABLE);
	assert_int_equal(after->pc, 0x80003000UL);

	/* A load whose walk hits the UART's receive buffer: no byte taken. */
	live->vscause = 0;
	access_mapped((struct access){EXC_LOAD_GUEST_PAGE_FAULT,
				      GUEST_UART_BASE, 0, LBU_A0 | RS1_A2, 0},
		      vsatp, GVA_BAD_TABLE);
	assert_int_equal(live->vscause, EXC_LOAD_ACCESS);

	/* A translation that leads elsewhere (the tables changed since the
	 * fault) is not emulated either. */
	live->vscause = 0;
	access_mapped((struct access){EXC_STORE_GUEST_PAGE_FAULT, UART_SCR, 0,
				      SB_A1 | RS1_A2, 'Y'},
		      vsatp, GVA_DEVICE + 0x100);
	assert_int_equal(live->vscause, EXC_STORE_ACCESS);

	/* The hart's own word wins when it gives one: a PTE-write
	 * pseudo-instruction is implicit even where the walk agrees. */
	live->vscause = 0;
	access_mapped((struct access){EXC_STORE_GUEST_PAGE_FAULT,
				      GUEST_UART_BASE, 0x3020, SB_A1 | RS1_A2,
				      'Z'},
		      vsatp, GVA_DEVICE);
	assert_int_equal(live->vscause, EXC_STORE_ACCESS);
	assert_string_equal(guest_console_output(vm), "k");
	assert_true(vm_is_running(vm));
}

/* An access the hypervisor cannot decode stops that VM (only). */
static void test_undecodable_access_stops_the_vm(void **state)
{
	(void)state;
	static const struct access cases[] = {
		/* No htinst, and the instruction cannot be read. */
		{EXC_LOAD_GUEST_PAGE_FAULT, UART_LSR, 0, 0, 0},
		/* Not a load or store (an addi). */
		{EXC_LOAD_GUEST_PAGE_FAULT, UART_LSR, 0, 0x00150513U, 0},
		/* A store where the hart reported a load fault. */
		{EXC_LOAD_GUEST_PAGE_FAULT, UART_LSR, SB_A1, 0, 0},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		setup(NULL);
		struct vm *other = fake_vm_create("b", 1, 0);

		fake_vcpu_start(other, 0, PC);
		access(cases[i]);
		assert_false(vm_is_running(vm));
		assert_true(vm->failed);
		assert_non_null(strstr(fake_printed, "cannot emulate the MMIO "
						     "access at 0x10000005"));
		assert_true(vm_is_running(other));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_loads_and_stores_are_emulated,
				       setup),
		cmocka_unit_test_setup(test_device_access_turns_the_wfi_trap_on,
				       setup),
		cmocka_unit_test_setup(test_other_faults_are_access_faults,
				       setup),
		cmocka_unit_test_setup(test_page_table_in_a_device_window,
				       setup),
		cmocka_unit_test_setup(test_undecodable_access_stops_the_vm,
				       setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
