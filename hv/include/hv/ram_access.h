/* SPDX-License-Identifier: MIT */
/*
 * A guest load, store or atomic that trapped on guest RAM, performed by
 * the hypervisor in the guest's stead (hv/exit/ram_access.c). For pages a
 * debugger protects (watchpoints): an access to another address on such a
 * page must complete as if nothing were there.
 *
 * Emulated: the integer loads and stores (with their compressed forms),
 * FP loads and stores of words and doublewords (FLW FLD FSW FSD, C.FLD
 * C.FSD C.FLDSP C.FSDSP) and the AMOs of RV64A on words and doublewords.
 * LR and SC are decoded (a debugger must know what they touch) but not
 * emulated: a reservation does not survive the trap (QEMU drops it at
 * every privilege change, and an SC without one fails without even
 * faulting), so an emulated LR would make the guest's retry loop spin
 * forever. Not decoded: everything else (vector, cache-block, Zacas,
 * Zabha, half precision, reserved encodings).
 */
#ifndef HV_RAM_ACCESS_H
#define HV_RAM_ACCESS_H

#include <hv/types.h>

struct vcpu;

enum ram_access_op {
	RAM_ACCESS_LOAD,
	RAM_ACCESS_STORE,
	RAM_ACCESS_FP_LOAD,
	RAM_ACCESS_FP_STORE,
	RAM_ACCESS_AMO, /* read-modify-write: reads and writes */
	RAM_ACCESS_LR,
	RAM_ACCESS_SC,
};

/* AMO operations by their funct5 (bits 31:27). */
enum ram_amo {
	RAM_AMO_ADD = 0x00,
	RAM_AMO_SWAP = 0x01,
	RAM_AMO_XOR = 0x04,
	RAM_AMO_OR = 0x08,
	RAM_AMO_AND = 0x0c,
	RAM_AMO_MIN = 0x10,
	RAM_AMO_MAX = 0x14,
	RAM_AMO_MINU = 0x18,
	RAM_AMO_MAXU = 0x1c,
};

struct ram_access {
	enum ram_access_op op;
	unsigned width;	  /* bytes: 1, 2, 4 or 8 */
	bool sign_extend; /* integer loads narrower than 8 bytes */
	unsigned rd;	  /* destination: x (loads, AMO, LR, SC) or f */
	unsigned rs2;	  /* source: x (stores, AMO, SC) or f (FP stores) */
	enum ram_amo amo; /* RAM_ACCESS_AMO only */
	unsigned length;  /* of the instruction: 2 or 4 */
	/* Bytes of the access before the faulting address: a misaligned
	 * access that crossed into the faulting page from the one before
	 * reports only its part there (htinst's Addr. Offset field). */
	unsigned starts_before;
};

/* Does the access read memory / write it (an AMO does both; an SC
 * counts as a write even when it would fail)? */
bool ram_access_reads(const struct ram_access *access);
bool ram_access_writes(const struct ram_access *access);

/* Decode a raw instruction (a compressed one in the low 16 bits), or a
 * transformed instruction from htinst (bit 0 set; bit 1 clear for a
 * compressed original). HV_ENOTSUP for anything not listed above. Pure. */
int ram_access_decode(uint32_t insn, struct ram_access *out);
int ram_access_decode_htinst(uint64_t htinst, struct ram_access *out);

/* The base register and offset of a load, store or AMO (raw, compressed
 * in the low 16 bits): its address is x[*rs1] + *offset. HV_ENOTSUP for
 * an instruction of no memory opcode; for one ram_access_decode() took,
 * always HV_OK. Pure. */
int ram_access_address_operands(uint32_t insn, unsigned *rs1, int64_t *offset);

/* The explicit access behind the guest-page fault vcpu just took at
 * guest-physical addr: decoded from htinst when the hart transformed it,
 * else from the instruction at sepc, which must then be shown to have
 * accessed addr (its virtual address, stval, translates there through
 * the guest's live vsatp; a fault in the guest's page-table walk does
 * not), its starts_before from its registers. HV_ENOENT when the fault
 * came from the page-table walk (or its origin cannot be told),
 * HV_ENOTSUP for an instruction not emulated, HV_EFAULT when the
 * instruction cannot be read. */
int ram_access_from_trap(struct vcpu *vcpu, gpa_t addr, struct ram_access *out);

/* True if the guest-page fault vcpu just took at addr can only have come
 * from an explicit access: its virtual address (stval) translates to addr
 * through the guest's live vsatp. False when the translation needs a page
 * table outside RAM (the fault was the walk's own access) or goes
 * elsewhere. For when htinst is 0 and the hart did not say. */
bool guest_fault_is_explicit(struct vcpu *vcpu, gpa_t addr);

/*
 * The instruction at the loaded vCPU's sepc, by hlvx (arch_vcpu_read_insn)
 * or, where that faults, by a software walk of the live vsatp and a read
 * of guest RAM. QEMU 7.2's hlvx wants read permission at the G-stage
 * where the spec asks for execute, so it faults on a page a debugger made
 * execute-only (the page of a gdb breakpoint), whose code the guest runs
 * all the same. HV_EFAULT when neither way reads it.
 */
int guest_trapping_insn(struct vcpu *vcpu, uint32_t *insn);

/*
 * Perform the access at addr (the faulting guest-physical address) on the
 * VM's RAM as the hart would have: a loaded value (sign- or zero-
 * extended, FLW's NaN-boxed) in rd, sepc past the instruction. Naturally
 * aligned accesses are single-copy atomic, AMOs atomic (sequentially
 * consistent, which covers any aq/rl). Returns HV_OK; HV_ENOTSUP for LR
 * and SC; HV_EFAULT, nothing done, when the access is not inside one
 * page of RAM (starts_before included) or an AMO is misaligned.
 */
int ram_access_emulate(struct vcpu *vcpu, gpa_t addr,
		       const struct ram_access *access);

/*
 * The same on the access's bytes at p, wherever they are (a debugger's
 * copy of them with its breakpoints hidden, say): aligned says whether
 * p's width-byte access is naturally aligned. The caller checked what
 * ram_access_emulate checks; LR and SC still get HV_ENOTSUP.
 */
int ram_access_perform(struct vcpu *vcpu, void *p, bool aligned,
		       const struct ram_access *access);

#endif
