// SPDX-License-Identifier: MIT
/* The watchpoint tests' machine and guest: see test_gdbstub_watch_guest.h. */
#include <stdlib.h>
#include <hv/console.h>
#include <hv/guest_mem.h>
#include <hv/vdev.h>
#include "test_gdbstub_watch_guest.h"

#define SLICE 1000
#define MAX_INSNS 256 /* per entry: a program that never exits fails */
#define MAX_TURNS 64

struct vm *wg_vm;
uint8_t *wg_ram;
struct vcpu *wg_v0, *wg_v1;
bool wg_htinst;
bool wg_hlvx_needs_read;
unsigned wg_faults[VM_MAX_VCPUS];
unsigned wg_stops;
struct gdb_stop wg_last_stop;

static unsigned program_len;
static bool reserved[VM_MAX_VCPUS];
static uint64_t reservation[VM_MAX_VCPUS];
static void *tables[64];
static unsigned num_tables;

/* --- the transport, as the stub sees it --- */

void gdb_transport_report_stop(const struct gdb_stop *stop)
{
	wg_stops++;
	wg_last_stop = *stop;
}

void console_vm_putc(struct vm *vm, uint8_t byte)
{
	(void)vm;
	(void)byte;
}

/* --- encodings --- */

uint32_t wg_load(unsigned funct3, unsigned rd, unsigned rs1, int imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | funct3 << 12 |
	       rd << 7 | 0x03;
}

uint32_t wg_store(unsigned funct3, unsigned rs2, unsigned rs1, int imm)
{
	uint32_t i = (uint32_t)imm & 0xfff;

	return (i >> 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 |
	       (i & 0x1f) << 7 | 0x23;
}

uint32_t wg_addi(unsigned rd, unsigned rs1, int imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | rd << 7 | 0x13;
}

uint32_t wg_bne(unsigned rs1, unsigned rs2, int offset)
{
	uint32_t o = (uint32_t)offset;

	return ((o >> 12) & 1) << 31 | ((o >> 5) & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | 1U << 12 | ((o >> 1) & 0xf) << 8 |
	       ((o >> 11) & 1) << 7 | 0x63;
}

uint32_t wg_jal(unsigned rd, int offset)
{
	uint32_t o = (uint32_t)offset;

	return ((o >> 20) & 1) << 31 | ((o >> 1) & 0x3ff) << 21 |
	       ((o >> 11) & 1) << 20 | ((o >> 12) & 0xff) << 12 | rd << 7 |
	       0x6f;
}

uint32_t wg_amo(unsigned funct5, unsigned funct3, unsigned rd, unsigned rs2,
		unsigned rs1)
{
	return funct5 << 27 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 |
	       0x2f;
}

uint32_t wg_lr_d(unsigned rd, unsigned rs1)
{
	return wg_amo(2, 3, rd, 0, rs1);
}

uint32_t wg_sc_d(unsigned rd, unsigned rs2, unsigned rs1)
{
	return wg_amo(3, 3, rd, rs2, rs1);
}

uint32_t wg_fp_load(unsigned funct3, unsigned rd, unsigned rs1, int imm)
{
	return (wg_load(funct3, rd, rs1, imm) & ~0x7fU) | 0x07;
}

uint32_t wg_fp_store(unsigned funct3, unsigned rs2, unsigned rs1, int imm)
{
	return (wg_store(funct3, rs2, rs1, imm) & ~0x7fU) | 0x27;
}

/* --- the guest --- */

static uint64_t field(uint32_t insn, unsigned hi, unsigned lo)
{
	return (insn >> lo) & ((1U << (hi - lo + 1)) - 1);
}

static int64_t sext(uint64_t value, unsigned bits)
{
	return (int64_t)(value << (64 - bits)) >> (64 - bits);
}

static void set_reg(struct vcpu *vcpu, unsigned rd, uint64_t value)
{
	if (rd)
		vcpu->arch.gpr[rd] = value;
}

/* What htinst shows for a trapping access: rs1 and the offset zeroed;
 * a compressed original as its 32-bit form with bit 1 clear. */
static uint32_t transformed(uint32_t insn)
{
	if ((insn & 3) != 3) { /* c.ld / c.sd */
		unsigned reg = (unsigned)field(insn, 4, 2) + 8;

		return field(insn, 15, 13) == 3 ? (0x3003U | reg << 7) & ~2U
						: (0x3023U | reg << 20) & ~2U;
	}
	switch (insn & 0x7f) {
	case 0x03:
	case 0x07:
		return insn & 0x00007fffU;
	case 0x23:
	case 0x27:
		return insn & 0x01f0707fU;
	default: /* AMO */
		return insn & ~(0x1fU << 15);
	}
}

/* Make a guest access as the hart would: through stage 2. False (the
 * exit described) when stage 2 forbids it. */
static bool access(struct vcpu *vcpu, uint32_t insn, uint64_t addr, void *buf,
		   unsigned len, bool write)
{
	hpa_t host;
	unsigned long perms;

	if (stage2_translate(&vcpu->vm->stage2, gpa(addr), &host, &perms))
		fail_msg("guest access to unmapped %#lx", (unsigned long)addr);
	if (!(perms & (write ? STAGE2_WRITE : STAGE2_READ))) {
		vcpu->arch.scause = write ? EXC_STORE_GUEST_PAGE_FAULT
					  : EXC_LOAD_GUEST_PAGE_FAULT;
		vcpu->arch.htval = addr >> 2;
		vcpu->arch.stval = addr;
		vcpu->arch.htinst = wg_htinst ? transformed(insn) : 0;
		fake_guest_insn = insn;
		/* QEMU 7.2's hlvx: no read permission, no instruction. */
		if (wg_hlvx_needs_read &&
		    (stage2_translate(&vcpu->vm->stage2,
				      gpa(vcpu->arch.sepc & ~0xfffUL), &host,
				      &perms) ||
		     !(perms & STAGE2_READ)))
			fake_guest_insn = 0;
		wg_faults[vcpu->id]++;
		return false;
	}
	if (write)
		memcpy(hpa_to_ptr(host), buf, len);
	else
		memcpy(buf, hpa_to_ptr(host), len);
	return true;
}

static uint32_t fetch(uint64_t pc)
{
	uint32_t insn;

	assert_true(pc >= GUEST_RAM_BASE &&
		    pc + 4 <= GUEST_RAM_BASE + WG_RAM_SIZE);
	memcpy(&insn, wg_ram + (pc - GUEST_RAM_BASE), 4);
	return (insn & 3) == 3 ? insn : insn & 0xffff;
}

static bool load_store(struct vcpu *vcpu, uint32_t insn, uint64_t rs1,
		       uint64_t rs2)
{
	unsigned funct3 = (unsigned)field(insn, 14, 12);
	unsigned rd = (unsigned)field(insn, 11, 7), width = 1U << (funct3 & 3);
	uint64_t value = 0;

	switch (insn & 0x7f) {
	case 0x03:
		if (!access(vcpu, insn, rs1 + sext(field(insn, 31, 20), 12),
			    &value, width, false))
			return false;
		set_reg(vcpu, rd,
			funct3 & 4 || width == 8
				? value
				: (uint64_t)sext(value, width * 8));
		return true;
	case 0x07:
		if (!access(vcpu, insn, rs1 + sext(field(insn, 31, 20), 12),
			    &value, width, false))
			return false;
		fake_guest_write_fp(vcpu, rd,
				    width == 4 ? 0xffffffff00000000ULL | value
					       : value);
		return true;
	case 0x23:
	case 0x27:
		value = (insn & 0x7f) == 0x27
				? fake_guest_read_fp(
					  vcpu, (unsigned)field(insn, 24, 20))
				: rs2;
		return access(vcpu, insn,
			      rs1 + sext(field(insn, 31, 25) << 5 |
						 field(insn, 11, 7),
					 12),
			      &value, width, true);
	}
	fail_msg("not a load or store: %#x", insn);
	return false;
}

static bool atomic(struct vcpu *vcpu, uint32_t insn, uint64_t rs1, uint64_t rs2)
{
	unsigned funct5 = (unsigned)field(insn, 31, 27), id = vcpu->id;
	unsigned rd = (unsigned)field(insn, 11, 7);
	unsigned width = field(insn, 14, 12) == 3 ? 8 : 4;
	uint64_t old = 0, new;

	if (funct5 == 2) { /* lr */
		if (!access(vcpu, insn, rs1, &old, width, false))
			return false;
		set_reg(vcpu, rd, width == 4 ? (uint64_t)sext(old, 32) : old);
		reserved[id] = true;
		reservation[id] = rs1;
		return true;
	}
	if (funct5 == 3) { /* sc: as QEMU, no access at all without the
			      reservation */
		bool held = reserved[id] && reservation[id] == rs1;

		if (held && !access(vcpu, insn, rs1, &rs2, width, true))
			return false;
		set_reg(vcpu, rd, held ? 0 : 1);
		reserved[id] = false;
		return true;
	}
	if (funct5 != 0 && funct5 != 1)
		fail_msg("unknown AMO %#x", insn);
	/* An AMO needs write permission (and R, which W implies). */
	if (!access(vcpu, insn, rs1, &old, 0, true) ||
	    !access(vcpu, insn, rs1, &old, width, false))
		return false;
	new = funct5 ? rs2 : old + rs2;
	access(vcpu, insn, rs1, &new, width, true);
	set_reg(vcpu, rd, width == 4 ? (uint64_t)sext(old, 32) : old);
	return true;
}

/* c.ld / c.sd with offset 0 only. */
static bool compressed(struct vcpu *vcpu, uint32_t insn)
{
	unsigned low = (unsigned)field(insn, 4, 2) + 8;
	uint64_t base = vcpu_gpr(vcpu, (unsigned)field(insn, 9, 7) + 8), value;

	if ((insn & 0x1c63) != 0 || (field(insn, 15, 13) | 4) != 7)
		fail_msg("unknown compressed instruction %#x", insn);
	if (field(insn, 15, 13) == 3) {
		if (!access(vcpu, insn, base, &value, 8, false))
			return false;
		set_reg(vcpu, low, value);
		return true;
	}
	value = vcpu_gpr(vcpu, low);
	return access(vcpu, insn, base, &value, 8, true);
}

/* Execute one instruction; false when it exits (scause set). */
static bool step(struct vcpu *vcpu)
{
	uint64_t pc = vcpu->arch.sepc;
	uint32_t insn = fetch(pc);
	unsigned rd = (unsigned)field(insn, 11, 7);
	uint64_t rs1 = vcpu_gpr(vcpu, (unsigned)field(insn, 19, 15));
	uint64_t rs2 = vcpu_gpr(vcpu, (unsigned)field(insn, 24, 20));
	uint64_t next = pc + ((insn & 3) == 3 ? 4 : 2);
	bool done = true;

	if (insn == WG_ECALL) {
		vcpu->arch.scause = EXC_ECALL_VS;
		return false;
	}
	if (insn == WG_EBREAK) {
		vcpu->arch.scause = EXC_BREAKPOINT;
		return false;
	}
	switch ((insn & 3) != 3 ? 0 : insn & 0x7f) {
	case 0:
		done = compressed(vcpu, insn);
		break;
	case 0x13:
		set_reg(vcpu, rd, rs1 + sext(field(insn, 31, 20), 12));
		break;
	case 0x63: /* bne */
		if (rs1 != rs2)
			next = pc + sext(field(insn, 31, 31) << 12 |
						 field(insn, 7, 7) << 11 |
						 field(insn, 30, 25) << 5 |
						 field(insn, 11, 8) << 1,
					 13);
		break;
	case 0x6f: /* jal */
		set_reg(vcpu, rd, next);
		next = pc + sext(field(insn, 31, 31) << 20 |
					 field(insn, 19, 12) << 12 |
					 field(insn, 20, 20) << 11 |
					 field(insn, 30, 21) << 1,
				 21);
		break;
	case 0x2f:
		done = atomic(vcpu, insn, rs1, rs2);
		break;
	default:
		done = load_store(vcpu, insn, rs1, rs2);
	}
	if (done)
		vcpu->arch.sepc = next;
	return done;
}

void (*wg_next_exit)(struct vcpu *vcpu);

static void guest(struct vcpu *vcpu)
{
	void (*exit_now)(struct vcpu * vcpu) = wg_next_exit;

	reserved[vcpu->id] = false; /* the trap that left it */
	if (exit_now && vcpu == wg_v0) {
		wg_next_exit = NULL;
		exit_now(vcpu);
		return;
	}
	for (unsigned i = 0; i < MAX_INSNS; i++)
		if (!step(vcpu))
			return;
	fail_msg("vCPU %u: %u instructions without an exit", vcpu->id,
		 MAX_INSNS);
}

/* ecall: a yield; the vCPU goes on after it at its next turn. */
static enum exit_action yield(struct vcpu *vcpu)
{
	vcpu->arch.sepc += 4;
	return EXIT_RESCHEDULE;
}

/* --- set-up --- */

static hpa_t alloc_table(size_t npages, size_t align_pages)
{
	void *p = aligned_alloc(align_pages * PAGE_SIZE, npages * PAGE_SIZE);

	assert_non_null(p);
	assert_true(num_tables < ARRAY_SIZE(tables));
	tables[num_tables++] = p;
	memset(p, 0, npages * PAGE_SIZE);
	return ptr_to_hpa(p);
}

static void put32(uint64_t gpa, uint32_t value)
{
	memcpy(wg_ram + (gpa - GUEST_RAM_BASE), &value, 4);
}

int wg_setup(void **state)
{
	(void)state;
	while (num_tables)
		free(tables[--num_tables]);
	fake_machine_reset(2, SLICE);
	memset(&gdb_target, 0, sizeof(gdb_target));
	wg_vm = fake_vm_create("dbg", 2, 0);
	wg_ram = fake_vm_add_ram(wg_vm, WG_RAM_SIZE);
	vdev_init(wg_vm);
	assert_int_equal(stage2_init(&wg_vm->stage2, 3, alloc_table), HV_OK);
	assert_int_equal(stage2_map(&wg_vm->stage2, gpa(GUEST_RAM_BASE),
				    wg_vm->ram_host, WG_RAM_SIZE, STAGE2_RWX),
			 HV_OK);
	wg_v0 = &wg_vm->vcpus[0];
	wg_v1 = &wg_vm->vcpus[1];
	wg_htinst = false;
	wg_hlvx_needs_read = false;
	wg_next_exit = NULL;
	memset(wg_faults, 0, sizeof(wg_faults));
	memset(reserved, 0, sizeof(reserved));
	wg_stops = 0;
	wg_last_stop = (struct gdb_stop){0};
	program_len = 0;
	fake_guest = guest;
	fake_ecall_handler = yield;
	put32(WG_IDLE, WG_ECALL);
	put32(WG_IDLE + 4, wg_jal(0, -4));
	fake_vcpu_start(wg_vm, 0, WG_IDLE);
	fake_vcpu_start(wg_vm, 1, WG_IDLE);
	assert_ptr_equal(fake_step(0), wg_v0);
	assert_ptr_equal(fake_step(1), wg_v1);
	gdb_target_attach(wg_vm);
	gdb_run_attach_stop();
	assert_int_equal(gdb_run_wait_stopped(), HV_OK);
	return 0;
}

uint64_t wg_peek64(uint64_t gpa)
{
	uint64_t value;

	memcpy(&value, wg_ram + (gpa - GUEST_RAM_BASE), 8);
	return value;
}

void wg_poke64(uint64_t gpa, uint64_t value)
{
	memcpy(wg_ram + (gpa - GUEST_RAM_BASE), &value, 8);
}

void wg_program(const uint32_t *insns, unsigned count)
{
	uint64_t pc = WG_CODE;

	for (unsigned i = 0; i < count; i++) {
		put32(pc, insns[i]);
		pc += (insns[i] & 3) == 3 ? 4 : 2;
	}
	put32(pc, WG_ECALL);
	put32(pc + 4, wg_jal(0, -4));
	program_len = (unsigned)(pc - WG_CODE);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	wg_v0->arch.sepc = WG_CODE;
}

uint64_t wg_program_end(void)
{
	return WG_CODE + program_len;
}

unsigned long wg_perms(uint64_t page)
{
	hpa_t host;
	unsigned long perms = 0;

	assert_int_equal(
		stage2_translate(&wg_vm->stage2, gpa(page), &host, &perms),
		HV_OK);
	assert_int_equal(host.val, wg_vm->ram_host.val + page - GUEST_RAM_BASE);
	return perms;
}

int wg_insert(enum gdb_break_type type, uint64_t addr, unsigned len)
{
	return gdb_target.ops.insert_break(&gdb_target, type, addr, len);
}

int wg_remove(enum gdb_break_type type, uint64_t addr, unsigned len)
{
	return gdb_target.ops.remove_break(&gdb_target, type, addr, len);
}

void wg_resume(bool all)
{
	enum gdb_resume_action actions[2] = {GDB_RESUME_CONTINUE,
					     all ? GDB_RESUME_CONTINUE
						 : GDB_RESUME_NONE};

	assert_int_equal(gdb_target.ops.resume(&gdb_target, actions, 2), HV_OK);
}

void wg_interrupt(void)
{
	gdb_target.ops.interrupt(&gdb_target);
	assert_true(wg_run());
	assert_int_equal(wg_last_stop.reason, GDB_STOP_SIGINT);
}

uint64_t wg_reg(unsigned regno)
{
	uint64_t value = 0;

	assert_int_equal(gdb_target.ops.read_reg(&gdb_target, 1, regno, &value),
			 HV_OK);
	return value;
}

void wg_set_reg(unsigned regno, uint64_t value)
{
	assert_int_equal(gdb_target.ops.write_reg(&gdb_target, 1, regno, value),
			 HV_OK);
}

bool wg_run(void)
{
	unsigned stops = wg_stops;

	for (unsigned turn = 0; turn < MAX_TURNS; turn++) {
		fake_step(0);
		fake_step(1);
		if (wg_stops != stops)
			return true;
		if (wg_v0->arch.sepc == wg_program_end() + 4)
			return false; /* past its final ecall */
	}
	fail_msg("neither a stop nor the program's end (pc %#lx)",
		 wg_v0->arch.sepc);
	return false;
}
