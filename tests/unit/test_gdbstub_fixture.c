// SPDX-License-Identifier: MIT
/* The gdb stub tests' machine and guest: see test_gdbstub_fixture.h. */
#include <hv/console.h>
#include <hv/guest_mem.h>
#include <hv/vdev.h>
#include "gdbstub/transport.h"
#include "test_gdbstub_fixture.h"

#define GUEST_MAX_INSNS 64 /* per entry: a program that never exits fails */
#define PTE_V 0x1UL
#define PTE_RWX 0xeUL
#define PTE_AD 0xc0UL

struct vm *gt_vm;
uint8_t *gt_ram;
struct vcpu *gt_v0, *gt_v1, *gt_v2;
unsigned gt_executed[VM_MAX_VCPUS];
unsigned gt_stops;
struct gdb_stop gt_last_stop;
unsigned gt_stop_hart;
bool gt_stop_when_quiescent;
bool gt_transport_present;
bool gt_transport_busy;
const struct gdb_target_ops *gt_attached_ops;
void *gt_attached_target;
char gt_received[2048];
size_t gt_received_len;
unsigned gt_receive_calls;
bool gt_received_on_vcpu;
int gt_receive_wait;

static struct gdb_session session;
static uint64_t next_table;
static bool reserved[VM_MAX_VCPUS];
static uint64_t reservation[VM_MAX_VCPUS];

/* --- the transport and the session, as the stub sees them --- */

void gdb_transport_report_stop(const struct gdb_stop *stop)
{
	gt_stops++;
	gt_last_stop = *stop;
	gt_stop_hart = fake_current_hart();
	gt_stop_when_quiescent = true;
	for (unsigned i = 0; i < gdb_target.vm->num_vcpus; i++)
		if (!gt_quiescent(&gdb_target.vm->vcpus[i]))
			gt_stop_when_quiescent = false;
}

bool gdb_transport_present(void)
{
	return gt_transport_present;
}

bool gdb_transport_attach(const struct gdb_target_ops *ops, void *target)
{
	gt_attached_ops = ops;
	gt_attached_target = target;
	return gt_transport_present;
}

bool gdb_transport_lock(void)
{
	return !gt_transport_busy;
}

void gdb_transport_unlock(void)
{
}

struct gdb_session *gdb_transport_session(void)
{
	return &session;
}

void gdb_session_receive(struct gdb_session *s, const char *data, size_t len)
{
	assert_ptr_equal(s, &session);
	assert_true(gt_received_len + len <= sizeof(gt_received));
	memcpy(gt_received + gt_received_len, data, len);
	gt_received_len += len;
	gt_receive_calls++;
	if (this_cpu()->current)
		gt_received_on_vcpu = true;
	/* What a packet that needs the VM stopped would get. */
	gt_receive_wait = gdb_run_wait_stopped();
}

void console_vm_putc(struct vm *vm, uint8_t byte)
{
	(void)vm;
	(void)byte;
}

/* --- instructions (the ISA's encodings) --- */

uint32_t gt_addi(unsigned rd, unsigned rs1, int imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}

static uint32_t branch(unsigned funct3, unsigned rs1, unsigned rs2, int offset)
{
	uint32_t o = (uint32_t)offset;

	return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | funct3 << 12 | ((o >> 1) & 0xf) << 8 |
	       ((o >> 11) & 1) << 7 | 0x63;
}

uint32_t gt_beq(unsigned rs1, unsigned rs2, int offset)
{
	return branch(0, rs1, rs2, offset);
}

uint32_t gt_bne(unsigned rs1, unsigned rs2, int offset)
{
	return branch(1, rs1, rs2, offset);
}

uint32_t gt_jal(unsigned rd, int offset)
{
	uint32_t o = (uint32_t)offset;

	return ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 |
	       ((o >> 11) & 1) << 20 | ((o >> 12) & 0xff) << 12 | rd << 7 |
	       0x6f;
}

uint32_t gt_lr_d(unsigned rd, unsigned rs1)
{
	return 0x1000302fU | rs1 << 15 | rd << 7;
}

uint32_t gt_sc_d(unsigned rd, unsigned rs2, unsigned rs1)
{
	return 0x1800302fU | rs2 << 20 | rs1 << 15 | rd << 7;
}

/* --- the guest: an interpreter for the instructions above --- */

static int64_t sext(uint64_t value, unsigned bits)
{
	return (int64_t)(value << (64 - bits)) >> (64 - bits);
}

static uint64_t field(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((1U << (hi - lo + 1)) - 1);
}

static void access_virt(struct vcpu *vcpu, uint64_t va, void *buf, size_t len,
			bool write)
{
	struct guest_walk_params params;
	int err;

	guest_walk_params_from_vcpu(vcpu, 0, &params);
	err = write ? guest_mem_write_virt(vcpu->vm, &params, gva(va), buf, len)
		    : guest_mem_read_virt(vcpu->vm, &params, gva(va), buf, len);
	if (err)
		fail_msg("vCPU %u: no guest memory at %#lx", vcpu->id,
			 (unsigned long)va);
}

static uint32_t fetch(struct vcpu *vcpu, uint64_t pc)
{
	uint16_t half[2] = {0, 0};

	access_virt(vcpu, pc, &half[0], 2, false);
	if ((half[0] & 3) == 3)
		access_virt(vcpu, pc + 2, &half[1], 2, false);
	return half[0] | (uint32_t)half[1] << 16;
}

static void set_reg(struct vcpu *vcpu, unsigned rd, uint64_t value)
{
	if (rd)
		vcpu->arch.gpr[rd] = value;
}

static void lr_sc(struct vcpu *vcpu, uint32_t insn, unsigned rd, uint64_t rs1,
		  uint64_t rs2)
{
	unsigned id = vcpu->id;
	uint64_t value;

	if (field(insn, 14, 12) != 3 ||
	    (field(insn, 31, 27) != 2 && field(insn, 31, 27) != 3))
		fail_msg("vCPU %u: not lr.d/sc.d: %#x", id, insn);
	if (field(insn, 31, 27) == 2) { /* lr.d */
		access_virt(vcpu, rs1, &value, 8, false);
		set_reg(vcpu, rd, value);
		reserved[id] = true;
		reservation[id] = rs1;
		return;
	}
	if (reserved[id] && reservation[id] == rs1) { /* sc.d */
		access_virt(vcpu, rs1, &rs2, 8, true);
		set_reg(vcpu, rd, 0);
	} else {
		set_reg(vcpu, rd, 1);
	}
	reserved[id] = false;
}

/* Execute one instruction; false when it exits (scause set). */
static bool step(struct vcpu *vcpu)
{
	uint64_t pc = vcpu->arch.sepc;
	uint32_t insn = fetch(vcpu, pc);
	unsigned rd = field(insn, 11, 7);
	uint64_t rs1 = vcpu_gpr(vcpu, field(insn, 19, 15));
	uint64_t rs2 = vcpu_gpr(vcpu, field(insn, 24, 20));
	uint64_t next = pc + ((insn & 3) == 3 ? 4 : 2);

	gt_executed[vcpu->id]++;
	if (insn == GT_EBREAK || insn == GT_C_EBREAK) {
		vcpu->arch.scause = EXC_BREAKPOINT;
		return false;
	}
	if (insn == GT_ECALL || insn == GT_WFI) {
		if (insn == GT_ECALL)
			vcpu->arch.scause = EXC_ECALL_VS;
		else
			fake_exit_wfi(vcpu);
		return false;
	}
	if ((insn & 3) != 3 && (insn & 0xe003) == 0x0001) { /* c.addi */
		set_reg(vcpu, rd,
			vcpu_gpr(vcpu, rd) + sext(field(insn, 12, 12) << 5 |
							  field(insn, 6, 2),
						  6));
	} else if ((insn & 0x707f) == 0x13) { /* addi */
		set_reg(vcpu, rd, rs1 + sext(field(insn, 31, 20), 12));
	} else if ((insn & 0x607f) == 0x63) { /* beq, bne */
		bool taken = field(insn, 12, 12) ? rs1 != rs2 : rs1 == rs2;

		if (taken)
			next = pc + sext(field(insn, 31, 31) << 12 |
						 field(insn, 7, 7) << 11 |
						 field(insn, 30, 25) << 5 |
						 field(insn, 11, 8) << 1,
					 13);
	} else if ((insn & 0x7f) == 0x6f) { /* jal */
		set_reg(vcpu, rd, next);
		next = pc + sext(field(insn, 31, 31) << 20 |
					 field(insn, 19, 12) << 12 |
					 field(insn, 20, 20) << 11 |
					 field(insn, 30, 21) << 1,
				 21);
	} else if ((insn & 0x7f) == 0x2f) {
		lr_sc(vcpu, insn, rd, rs1, rs2);
	} else {
		fail_msg("vCPU %u: unknown instruction %#x at %#lx", vcpu->id,
			 insn, (unsigned long)pc);
	}
	vcpu->arch.sepc = next;
	return true;
}

void gt_guest(struct vcpu *vcpu)
{
	reserved[vcpu->id] = false; /* the trap that left it */
	for (unsigned i = 0; i < GUEST_MAX_INSNS; i++)
		if (!step(vcpu))
			return;
	fail_msg("vCPU %u: %u instructions without an exit", vcpu->id,
		 GUEST_MAX_INSNS);
}

/* ecall: a yield; the vCPU goes on after it at its next turn. */
static enum exit_action yield(struct vcpu *vcpu)
{
	vcpu->arch.sepc += 4;
	return EXIT_RESCHEDULE;
}

/* --- set-up and helpers --- */

int gt_setup(void **state)
{
	static const uint32_t idle[] = {GT_ECALL, 0xffdff06fU /* j -4 */};

	(void)state;
	fake_machine_reset(2, GT_SLICE);
	memset(&gdb_target, 0, sizeof(gdb_target));
	gt_vm = fake_vm_create("dbg", 3, 0);
	gt_ram = fake_vm_add_ram(gt_vm, GT_RAM_SIZE);
	vdev_init(gt_vm);
	gt_v0 = &gt_vm->vcpus[0];
	gt_v1 = &gt_vm->vcpus[1];
	gt_v2 = &gt_vm->vcpus[2];
	memset(gt_executed, 0, sizeof(gt_executed));
	memset(reserved, 0, sizeof(reserved));
	gt_stops = 0;
	gt_last_stop = (struct gdb_stop){0};
	gt_stop_hart = ~0u;
	gt_stop_when_quiescent = false;
	gt_transport_present = true;
	gt_transport_busy = false;
	gt_attached_ops = NULL;
	gt_attached_target = NULL;
	gt_received_len = 0;
	gt_receive_calls = 0;
	gt_received_on_vcpu = false;
	gt_receive_wait = 1;
	next_table = GT_TABLES + PAGE_SIZE;
	fake_guest = gt_guest;
	fake_ecall_handler = yield;
	gt_program(GT_IDLE, idle, 2);
	assert_int_equal(gt_jal(0, -4), idle[1]);
	fake_vcpu_start(gt_vm, 0, GT_IDLE);
	fake_vcpu_start(gt_vm, 1, GT_IDLE);
	/* Each ran once (a booting vCPU's registers are reset at its first
	 * entry) and stays loaded on its hart. */
	gt_run(0, gt_v0);
	gt_run(1, gt_v1);
	return 0;
}

static uint8_t *ram_at(uint64_t gpa, size_t len)
{
	assert_true(gpa >= GUEST_RAM_BASE &&
		    gpa + len <= GUEST_RAM_BASE + GT_RAM_SIZE);
	return gt_ram + (gpa - GUEST_RAM_BASE);
}

void gt_poke32(uint64_t gpa, uint32_t value)
{
	memcpy(ram_at(gpa, 4), &value, 4);
}

uint32_t gt_peek32(uint64_t gpa)
{
	uint32_t value;

	memcpy(&value, ram_at(gpa, 4), 4);
	return value;
}

void gt_poke16(uint64_t gpa, uint16_t value)
{
	memcpy(ram_at(gpa, 2), &value, 2);
}

uint16_t gt_peek16(uint64_t gpa)
{
	uint16_t value;

	memcpy(&value, ram_at(gpa, 2), 2);
	return value;
}

void gt_program(uint64_t gpa, const uint32_t *insns, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		gt_poke32(gpa + 4 * i, insns[i]);
}

static uint64_t *pte_at(uint64_t table, uint64_t va, unsigned level)
{
	unsigned index = (va >> (12 + 9 * level)) & 0x1ff;

	return (uint64_t *)ram_at(table + 8 * index, 8);
}

void gt_sv39_map(uint64_t va, uint64_t pa)
{
	uint64_t table = GT_TABLES;

	for (unsigned level = 2; level > 0; level--) {
		uint64_t *pte = pte_at(table, va, level);

		if (!(*pte & PTE_V)) {
			*pte = (next_table >> 12) << 10 | PTE_V;
			next_table += PAGE_SIZE;
		}
		table = (*pte >> 10) << 12;
	}
	*pte_at(table, va, 0) = (pa >> 12) << 10 | PTE_AD | PTE_RWX | PTE_V;
}

uint64_t gt_sv39_vsatp(void)
{
	return 8UL << 60 | GT_TABLES >> 12;
}

void gt_attach(void)
{
	gdb_target_attach(gt_vm);
	gdb_run_attach_stop();
	assert_int_equal(gdb_run_wait_stopped(), HV_OK);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
}

int gt_resume(enum gdb_resume_action a0, enum gdb_resume_action a1,
	      enum gdb_resume_action a2)
{
	const enum gdb_resume_action actions[3] = {a0, a1, a2};

	return GT_OPS->resume(GT_CTX, actions, 3);
}

void gt_run(unsigned index, struct vcpu *vcpu)
{
	assert_ptr_equal(fake_step(index), vcpu);
}

void gt_run_guest(unsigned index, struct vcpu *vcpu)
{
	unsigned before = gt_executed[vcpu->id];

	/* A stale park request (the vCPU was running when its VM was
	 * paused) sends it back once before it enters the guest again. */
	for (unsigned turn = 0; turn < 2 && gt_executed[vcpu->id] == before;
	     turn++)
		gt_run(index, vcpu);
	assert_true(gt_executed[vcpu->id] > before);
}

bool gt_quiescent(struct vcpu *vcpu)
{
	if (vcpu->state == VCPU_RUNNING || vcpu->cpu->current == vcpu)
		return false;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (cpus[i].loaded == vcpu || cpus[i].fp_owner == vcpu)
			return false;
	return vcpu->parked || vcpu->state == VCPU_OFFLINE;
}

/*
 * The vCPU run loop, hv/vcpu/run.c, is built here, as part of this file:
 * the tests link gdbstub/run.c too, and the coverage notes of a test's
 * sources are named after each one's base name (two run.c would
 * overwrite each other's, and lcov would refuse both).
 */
#include "hv/vcpu/run.c"
