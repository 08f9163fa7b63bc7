/* SPDX-License-Identifier: MIT */
/*
 * Decoding of the guest load/store that caused an MMIO exit. Either from
 * htinst (the transformed instruction the hart reports, when non-zero) or
 * from the instruction bits read at sepc. Pure logic.
 */
#ifndef HV_MMIO_DECODE_H
#define HV_MMIO_DECODE_H

#include <hv/types.h>

struct mmio_insn {
	bool is_store;
	unsigned width;	  /* 1, 2, 4 or 8 bytes */
	bool sign_extend; /* loads only */
	unsigned reg;	  /* rd for loads, rs2 for stores (x0..x31) */
	unsigned length;  /* instruction length: 2 (compressed) or 4 */
};

/*
 * Decode a raw instruction (the low 16 bits alone for a compressed one).
 * Supported: LB LH LW LD LBU LHU LWU SB SH SW SD and the compressed
 * C.LW C.LD C.SW C.SD C.LWSP C.LDSP C.SWSP C.SDSP. Anything else (AMOs,
 * FP loads/stores, non-memory instructions) returns HV_ENOTSUP.
 */
int mmio_decode(uint32_t insn, struct mmio_insn *out);

/*
 * Decode a transformed instruction from htinst. Bit 1 clear means the
 * original was compressed (length 2). Returns HV_ENOTSUP when htinst is 0
 * or not a load/store.
 */
int mmio_decode_htinst(uint64_t htinst, struct mmio_insn *out);

#endif
