// SPDX-License-Identifier: MIT
/*
 * Guest accesses to RAM performed by the hypervisor (see
 * hv/include/hv/ram_access.h): what lets a debugger protect a page for a
 * watchpoint while every other access to that page completes unseen.
 *
 * Integer loads and stores are decoded by hv/exit/mmio_decode.c; the FP
 * and atomic forms, which never target a device, are decoded here.
 * Accesses are made on the host mapping of guest RAM with the width the
 * guest used, so a naturally aligned one stays single-copy atomic
 * against the other vCPUs, and AMOs use the host's own atomics.
 */
#include <string.h>
#include <arch/vcpu_arch.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/mmio_decode.h>
#include <hv/ram_access.h>
#include <hv/vcpu.h>
#include <hv/vm.h>

#define OPCODE_LOAD_FP 0x07U
#define OPCODE_STORE_FP 0x27U
#define OPCODE_AMO 0x2fU
#define AMO_FUNCT5_LR 0x02U
#define AMO_FUNCT5_SC 0x03U
#define C_FUNCT3_FLD 1U
#define C_FUNCT3_FSD 5U
#define HTINST_TRANSFORMED 0x1U
#define HTINST_NOT_COMPRESSED 0x2U
#define NAN_BOX_32 0xffffffff00000000ULL

static unsigned bits(uint32_t value, unsigned high, unsigned low)
{
	return (value >> low) & ((1U << (high - low + 1)) - 1);
}

bool ram_access_reads(const struct ram_access *access)
{
	return access->op == RAM_ACCESS_LOAD ||
	       access->op == RAM_ACCESS_FP_LOAD ||
	       access->op == RAM_ACCESS_AMO || access->op == RAM_ACCESS_LR;
}

bool ram_access_writes(const struct ram_access *access)
{
	return access->op == RAM_ACCESS_STORE ||
	       access->op == RAM_ACCESS_FP_STORE ||
	       access->op == RAM_ACCESS_AMO || access->op == RAM_ACCESS_SC;
}

static int set(struct ram_access *out, enum ram_access_op op, unsigned width,
	       unsigned rd, unsigned rs2, unsigned length)
{
	*out = (struct ram_access){.op = op,
				   .width = width,
				   .rd = rd,
				   .rs2 = rs2,
				   .length = length};
	return HV_OK;
}

/* FLW/FLD, FSW/FSD: funct3 2 is a word, 3 a doubleword (the others are
 * half precision or vector). */
static int decode_fp(uint32_t insn, bool store, struct ram_access *out)
{
	unsigned funct3 = bits(insn, 14, 12);

	if (funct3 != 2 && funct3 != 3)
		return HV_ENOTSUP;
	if (store)
		return set(out, RAM_ACCESS_FP_STORE, 1U << funct3, 0,
			   bits(insn, 24, 20), 4);
	return set(out, RAM_ACCESS_FP_LOAD, 1U << funct3, bits(insn, 11, 7), 0,
		   4);
}

static bool known_amo(unsigned funct5)
{
	switch (funct5) {
	case RAM_AMO_ADD:
	case RAM_AMO_SWAP:
	case RAM_AMO_XOR:
	case RAM_AMO_OR:
	case RAM_AMO_AND:
	case RAM_AMO_MIN:
	case RAM_AMO_MAX:
	case RAM_AMO_MINU:
	case RAM_AMO_MAXU:
		return true;
	default:
		return false;
	}
}

/* RV64A: funct3 2 (.W) or 3 (.D); funct5 picks LR, SC or the AMO. */
static int decode_amo(uint32_t insn, struct ram_access *out)
{
	unsigned funct3 = bits(insn, 14, 12), funct5 = bits(insn, 31, 27);
	unsigned rd = bits(insn, 11, 7), rs2 = bits(insn, 24, 20);
	unsigned width = 1U << funct3;

	if (funct3 != 2 && funct3 != 3)
		return HV_ENOTSUP;
	if (funct5 == AMO_FUNCT5_LR)
		return rs2 ? HV_ENOTSUP
			   : set(out, RAM_ACCESS_LR, width, rd, 0, 4);
	if (funct5 == AMO_FUNCT5_SC)
		return set(out, RAM_ACCESS_SC, width, rd, rs2, 4);
	if (!known_amo(funct5))
		return HV_ENOTSUP;
	set(out, RAM_ACCESS_AMO, width, rd, rs2, 4);
	out->amo = (enum ram_amo)funct5;
	return HV_OK;
}

static int decode_32bit(uint32_t insn, struct ram_access *out)
{
	switch (insn & 0x7fU) {
	case OPCODE_LOAD_FP:
		return decode_fp(insn, false, out);
	case OPCODE_STORE_FP:
		return decode_fp(insn, true, out);
	case OPCODE_AMO:
		return decode_amo(insn, out);
	default:
		return HV_ENOTSUP;
	}
}

/* C.FLD/C.FSD (quadrant 0, x8..x15 style f8..f15) and C.FLDSP/C.FSDSP
 * (quadrant 2, any f register): doublewords. */
static int decode_compressed_fp(uint16_t insn, struct ram_access *out)
{
	unsigned funct3 = bits(insn, 15, 13);
	bool quadrant0 = (insn & 3) == 0;

	if ((insn & 3) != 0 && (insn & 3) != 2)
		return HV_ENOTSUP;
	if (funct3 == C_FUNCT3_FLD)
		return set(out, RAM_ACCESS_FP_LOAD, 8,
			   quadrant0 ? bits(insn, 4, 2) + 8 : bits(insn, 11, 7),
			   0, 2);
	if (funct3 == C_FUNCT3_FSD)
		return set(out, RAM_ACCESS_FP_STORE, 8, 0,
			   quadrant0 ? bits(insn, 4, 2) + 8 : bits(insn, 6, 2),
			   2);
	return HV_ENOTSUP;
}

int ram_access_decode(uint32_t insn, struct ram_access *out)
{
	struct mmio_insn integer;

	if (mmio_decode(insn, &integer) == HV_OK) {
		set(out, integer.is_store ? RAM_ACCESS_STORE : RAM_ACCESS_LOAD,
		    integer.width, integer.is_store ? 0 : integer.reg,
		    integer.is_store ? integer.reg : 0, integer.length);
		out->sign_extend = integer.sign_extend;
		return HV_OK;
	}
	if ((insn & 3) == 3)
		return decode_32bit(insn, out);
	return decode_compressed_fp((uint16_t)insn, out);
}

/* A transformed instruction is the 32-bit form with the offset zeroed
 * and rs1 replaced by the Addr. Offset (the faulting address less the
 * access's own, non-zero only for a misaligned access); bit 1 clear marks
 * a compressed original. */
int ram_access_decode_htinst(uint64_t htinst, struct ram_access *out)
{
	uint32_t insn = (uint32_t)htinst;
	int ret;

	if (htinst >> 32 || !(insn & HTINST_TRANSFORMED))
		return HV_ENOTSUP;
	ret = ram_access_decode(insn | HTINST_NOT_COMPRESSED, out);
	if (ret != HV_OK)
		return ret;
	if (!(insn & HTINST_NOT_COMPRESSED))
		out->length = 2;
	out->starts_before = bits(insn, 19, 15);
	return HV_OK;
}

/* The compressed loads and stores (RVC's quadrants 0 and 2): the base is
 * rs1' (x8-x15) or sp, the offset an unsigned immediate scaled by the
 * width, its bits scattered as the spec's tables give them. */
static int compressed_address_operands(uint32_t insn, unsigned *rs1,
				       int64_t *offset)
{
	unsigned funct3 = bits(insn, 15, 13), quadrant = insn & 3;
	bool doubleword = funct3 == 1 || funct3 == 3 || funct3 == 5 ||
			  funct3 == 7; /* C.FLD C.LD C.FSD C.SD, *SP */
	uint64_t uimm;

	if (funct3 == 0 || funct3 == 4 || quadrant == 1)
		return HV_ENOTSUP;
	if (quadrant == 0) {
		*rs1 = 8 + bits(insn, 9, 7);
		uimm = bits(insn, 12, 10) << 3;
		uimm |= doubleword
				? bits(insn, 6, 5) << 6
				: bits(insn, 6, 6) << 2 | bits(insn, 5, 5) << 6;
	} else if (funct3 < 4) { /* C.FLDSP C.LWSP C.LDSP */
		*rs1 = 2;
		uimm = bits(insn, 12, 12) << 5;
		uimm |= doubleword
				? bits(insn, 6, 5) << 3 | bits(insn, 4, 2) << 6
				: bits(insn, 6, 4) << 2 | bits(insn, 3, 2) << 6;
	} else { /* C.FSDSP C.SWSP C.SDSP */
		*rs1 = 2;
		uimm = doubleword
			       ? bits(insn, 12, 10) << 3 | bits(insn, 9, 7) << 6
			       : bits(insn, 12, 9) << 2 | bits(insn, 8, 7) << 6;
	}
	*offset = (int64_t)uimm;
	return HV_OK;
}

int ram_access_address_operands(uint32_t insn, unsigned *rs1, int64_t *offset)
{
	if ((insn & 3) != 3)
		return compressed_address_operands(insn, rs1, offset);
	*rs1 = bits(insn, 19, 15);
	switch (insn & 0x7f) {
	case 0x03: /* LOAD */
	case 0x07: /* LOAD-FP */
		*offset = (int32_t)insn >> 20;
		return HV_OK;
	case 0x23: /* STORE */
	case 0x27: /* STORE-FP */
		*offset =
			((int32_t)insn >> 25) * 32 + (int64_t)bits(insn, 11, 7);
		return HV_OK;
	case 0x2f: /* AMO, LR, SC: no offset */
		*offset = 0;
		return HV_OK;
	default:
		return HV_ENOTSUP;
	}
}

/* Did the access at the guest-virtual stval go to addr? Walked in
 * software through the hart's live vsatp, without permission checks
 * (the hart made them). */
bool guest_fault_is_explicit(struct vcpu *vcpu, gpa_t addr)
{
	struct guest_walk_params params = {
		.vsatp = arch_vcpu_guest_vsatp(vcpu),
		.priv = vcpu_in_guest_kernel(vcpu) ? GUEST_PRIV_SUPERVISOR
						   : GUEST_PRIV_USER,
	};
	gpa_t where;

	return guest_translate(vcpu->vm, &params, gva(vcpu->arch.stval),
			       GUEST_ACCESS_READ, &where, NULL) == HV_OK &&
	       where.val == addr.val;
}

int guest_trapping_insn(struct vcpu *vcpu, uint32_t *insn)
{
	struct guest_walk_params params = {
		.vsatp = arch_vcpu_guest_vsatp(vcpu),
		.priv = vcpu_in_guest_kernel(vcpu) ? GUEST_PRIV_SUPERVISOR
						   : GUEST_PRIV_USER,
	};
	uint64_t pc = vcpu->arch.sepc;
	uint16_t half[2] = {0, 0};
	gpa_t where;

	if (arch_vcpu_read_insn(vcpu, gva(pc), insn) == HV_OK)
		return HV_OK;
	/* Each half on its own: a 4-byte instruction may cross a page. */
	for (unsigned i = 0; i < 2; i++) {
		if (guest_translate(vcpu->vm, &params, gva(pc + 2 * i),
				    GUEST_ACCESS_EXECUTE, &where, NULL) ||
		    guest_mem_read(vcpu->vm, where, &half[i], 2))
			return HV_EFAULT;
		if ((half[0] & 3) != 3)
			break;
	}
	*insn = half[0] | (uint32_t)half[1] << 16;
	return HV_OK;
}

/* The instruction at sepc, and where its access began: the hart
 * reports (stval) the faulting part of an access that crossed pages. */
static int decode_with_start(struct vcpu *vcpu, uint32_t raw,
			     struct ram_access *out)
{
	unsigned rs1;
	int64_t offset;
	int ret = ram_access_decode(raw, out);

	if (ret != HV_OK || ram_access_address_operands(raw, &rs1, &offset))
		return ret;
	uint64_t start = vcpu_gpr(vcpu, rs1) + (uint64_t)offset;
	uint64_t before = vcpu->arch.stval - start;

	if (before && before < out->width)
		out->starts_before = (unsigned)before;
	return HV_OK;
}

int ram_access_from_trap(struct vcpu *vcpu, gpa_t addr, struct ram_access *out)
{
	uint64_t htinst = vcpu->arch.htinst;
	uint32_t raw;

	if (htinst & HTINST_TRANSFORMED)
		return ram_access_decode_htinst(htinst, out);
	if (htinst)
		return HV_ENOENT; /* a pseudo-instruction: page-table walk */
	/* No help from the hart: the fault may as well have come from the
	 * page-table walk of the instruction at sepc, which must then not
	 * be emulated against the page table's address. */
	if (!guest_fault_is_explicit(vcpu, addr))
		return HV_ENOENT;
	if (guest_trapping_insn(vcpu, &raw))
		return HV_EFAULT;
	return decode_with_start(vcpu, raw, out);
}

static uint64_t sign_extend(uint64_t value, unsigned width)
{
	unsigned bits_ = width * 8;

	if (bits_ == 64)
		return value;
	value &= (1ULL << bits_) - 1;
	if (value >> (bits_ - 1))
		value |= ~0ULL << bits_;
	return value;
}

static uint64_t load(void *p, unsigned width)
{
	switch (width) {
	case 1:
		return __atomic_load_n((uint8_t *)p, __ATOMIC_RELAXED);
	case 2:
		return __atomic_load_n((uint16_t *)p, __ATOMIC_RELAXED);
	case 4:
		return __atomic_load_n((uint32_t *)p, __ATOMIC_RELAXED);
	default:
		return __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED);
	}
}

static void store(void *p, unsigned width, uint64_t value)
{
	switch (width) {
	case 1:
		__atomic_store_n((uint8_t *)p, (uint8_t)value,
				 __ATOMIC_RELAXED);
		break;
	case 2:
		__atomic_store_n((uint16_t *)p, (uint16_t)value,
				 __ATOMIC_RELAXED);
		break;
	case 4:
		__atomic_store_n((uint32_t *)p, (uint32_t)value,
				 __ATOMIC_RELAXED);
		break;
	default:
		__atomic_store_n((uint64_t *)p, value, __ATOMIC_RELAXED);
	}
}

/* Misaligned plain accesses (where the hart lets them through) are not
 * atomic on hardware either: copied bytewise. */
static uint64_t load_any(void *p, unsigned width, bool aligned)
{
	uint64_t value = 0;

	if (aligned)
		return load(p, width);
	memcpy(&value, p, width); /* little-endian, as the guest */
	return value;
}

static void store_any(void *p, unsigned width, uint64_t value, bool aligned)
{
	if (aligned)
		store(p, width, value);
	else
		memcpy(p, &value, width);
}

static int64_t as_signed(uint64_t value, unsigned width)
{
	return (int64_t)sign_extend(value, width);
}

static uint64_t amo_result(enum ram_amo amo, uint64_t old, uint64_t src,
			   unsigned width)
{
	uint64_t mask = width == 8 ? ~0ULL : 0xffffffffULL;

	old &= mask;
	src &= mask;
	switch (amo) {
	case RAM_AMO_SWAP:
		return src;
	case RAM_AMO_ADD:
		return (old + src) & mask;
	case RAM_AMO_XOR:
		return old ^ src;
	case RAM_AMO_OR:
		return old | src;
	case RAM_AMO_AND:
		return old & src;
	case RAM_AMO_MIN:
		return as_signed(old, width) < as_signed(src, width) ? old
								     : src;
	case RAM_AMO_MAX:
		return as_signed(old, width) > as_signed(src, width) ? old
								     : src;
	case RAM_AMO_MINU:
		return old < src ? old : src;
	default: /* RAM_AMO_MAXU */
		return old > src ? old : src;
	}
}

/* Compare-and-swap of width bytes; true if it swapped. */
static bool cas(void *p, unsigned width, uint64_t *expected, uint64_t desired)
{
	if (width == 4) {
		uint32_t old = (uint32_t)*expected;
		bool done = __atomic_compare_exchange_n(
			(uint32_t *)p, &old, (uint32_t)desired, false,
			__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);

		*expected = old;
		return done;
	}
	return __atomic_compare_exchange_n((uint64_t *)p, expected, desired,
					   false, __ATOMIC_SEQ_CST,
					   __ATOMIC_SEQ_CST);
}

/* The AMO as one atomic read-modify-write; the old value. */
static uint64_t amo(void *p, const struct ram_access *access, uint64_t src)
{
	uint64_t old = load(p, access->width);

	while (!cas(p, access->width, &old,
		    amo_result(access->amo, old, src, access->width)))
		;
	return old;
}

int ram_access_emulate(struct vcpu *vcpu, gpa_t addr,
		       const struct ram_access *access)
{
	unsigned width = access->width;
	bool aligned = IS_ALIGNED(addr.val, width);
	bool atomic = access->op == RAM_ACCESS_AMO ||
		      access->op == RAM_ACCESS_LR ||
		      access->op == RAM_ACCESS_SC;
	hpa_t host;

	if (access->op == RAM_ACCESS_LR || access->op == RAM_ACCESS_SC)
		return HV_ENOTSUP;
	if (access->starts_before ||
	    (addr.val & (PAGE_SIZE - 1)) + width > PAGE_SIZE ||
	    (atomic && !aligned) ||
	    guest_mem_range(vcpu->vm, addr, width, &host) != HV_OK)
		return HV_EFAULT;
	return ram_access_perform(vcpu, hpa_to_ptr(host), aligned, access);
}

int ram_access_perform(struct vcpu *vcpu, void *p, bool aligned,
		       const struct ram_access *access)
{
	unsigned width = access->width;
	uint64_t src = access->op == RAM_ACCESS_FP_STORE
			       ? arch_vcpu_guest_fp(vcpu, access->rs2)
			       : vcpu_gpr(vcpu, access->rs2);
	uint64_t value;

	switch (access->op) {
	case RAM_ACCESS_LOAD:
		value = load_any(p, width, aligned);
		vcpu_set_gpr(vcpu, access->rd,
			     access->sign_extend ? sign_extend(value, width)
						 : value);
		break;
	case RAM_ACCESS_FP_LOAD:
		value = load_any(p, width, aligned);
		arch_vcpu_set_guest_fp(vcpu, access->rd,
				       width == 4 ? NAN_BOX_32 | value : value);
		break;
	case RAM_ACCESS_STORE:
	case RAM_ACCESS_FP_STORE:
		store_any(p, width, src, aligned);
		break;
	case RAM_ACCESS_AMO:
		vcpu_set_gpr(vcpu, access->rd,
			     sign_extend(amo(p, access, src), width));
		break;
	default: /* LR, SC: no reservation survives the trap */
		return HV_ENOTSUP;
	}
	vcpu->arch.sepc += access->length;
	return HV_OK;
}
