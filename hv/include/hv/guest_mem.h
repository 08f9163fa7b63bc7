/* SPDX-License-Identifier: MIT */
/*
 * Guest memory, seen by the hypervisor: the one place that turns guest
 * addresses into host memory.
 *
 * By guest-physical address (hv/mm/guest_mem.c): only the VM's RAM can be
 * reached, never an emulated device (use vdev_access for those). Errors:
 *   HV_EFAULT  a byte of the range is in a hole: neither RAM nor a device
 *              (this includes a range that wraps past 2^64);
 *   HV_EIO     a byte of the range is in an emulated device's MMIO window.
 * When a range is partly RAM, the error describes the first byte that is
 * not. An empty range (len 0) is valid only where a byte would be.
 *
 * By guest-virtual address (hv/mm/guest_walk.c): a walk of the guest's
 * VS-stage tables (Bare, Sv39, Sv48, Sv57), reading PTEs from guest RAM
 * (stage 2 maps exactly the RAM, so a PTE anywhere else is a fault). The
 * access rights and A/D bits are checked only when asked: a debugger wants
 * any valid mapping. Hardware A/D updating (Svadu) is never emulated: a
 * checked walk faults where the spec's no-update scheme (Svade) does.
 */
#ifndef HV_GUEST_MEM_H
#define HV_GUEST_MEM_H

#include <hv/types.h>

struct vm;
struct vcpu;

/* Check that [addr, addr + len) is the VM's RAM; the host address of
 * addr in *host (may be NULL when only the check is wanted). For users
 * that work on guest memory in place (zero-copy). */
int guest_mem_range(struct vm *vm, gpa_t addr, uint64_t len, hpa_t *host);
/* Copy between guest RAM and a hypervisor buffer. Nothing is copied
 * unless the whole range is RAM. */
int guest_mem_read(struct vm *vm, gpa_t addr, void *buf, size_t len);
int guest_mem_write(struct vm *vm, gpa_t addr, const void *buf, size_t len);

enum guest_access {
	GUEST_ACCESS_READ,
	GUEST_ACCESS_WRITE,
	GUEST_ACCESS_EXECUTE,
};

enum guest_priv {
	GUEST_PRIV_USER,       /* VU-mode */
	GUEST_PRIV_SUPERVISOR, /* VS-mode */
};

/* Which checks a walk makes besides the structural ones (V, reserved
 * encodings, leaf found, superpage alignment, canonical address), which
 * are always made because without them there is no mapping at all. */
#define GUEST_WALK_CHECK_PERMISSIONS BIT(0)    /* R/W/X, U vs priv, SUM, MXR */
#define GUEST_WALK_CHECK_ACCESSED_DIRTY BIT(1) /* A = 0, or write and D = 0 */
#define GUEST_WALK_CHECK_ALL \
	(GUEST_WALK_CHECK_PERMISSIONS | GUEST_WALK_CHECK_ACCESSED_DIRTY)

/* The guest state a walk depends on. */
struct guest_walk_params {
	uint64_t vsatp;	   /* MODE (63:60) and root PPN (43:0) */
	uint64_t vsstatus; /* SUM and MXR, used by permission checks */
	enum guest_priv priv;
	unsigned flags; /* GUEST_WALK_CHECK_* */
};

/* Why a walk stopped (every reason but GUEST_WALK_OK is a failure). */
enum guest_walk_fault {
	GUEST_WALK_OK,
	GUEST_WALK_BAD_MODE,	  /* vsatp.MODE is not Bare/Sv39/Sv48/Sv57 */
	GUEST_WALK_NON_CANONICAL, /* va's upper bits are not sign-extended */
	GUEST_WALK_PTE_NOT_RAM,	  /* a PTE address is outside guest RAM */
	GUEST_WALK_INVALID,	  /* V = 0 */
	GUEST_WALK_RESERVED,	  /* W without R, reserved bits or encodings */
	GUEST_WALK_NO_LEAF,	  /* a pointer PTE at the last level */
	GUEST_WALK_MISALIGNED_SUPERPAGE,
	GUEST_WALK_PERMISSION,	   /* R/W/X, U, SUM or MXR forbid the access */
	GUEST_WALK_ACCESSED_DIRTY, /* A = 0, or a write with D = 0 */
};

#define GUEST_WALK_MAX_LEVELS 5 /* Sv57 */

/* What a walk did, for a `monitor translate` listing. step[0] is the root
 * table's entry (level levels - 1), each next one a level lower. */
struct guest_walk_trace {
	unsigned levels; /* of the vsatp mode: 0 (Bare), 3, 4 or 5 */
	unsigned steps;	 /* entries of step[] filled */
	struct {
		gpa_t pte_addr;
		uint64_t pte; /* 0 when pte_addr could not be read */
	} step[GUEST_WALK_MAX_LEVELS];
	uint64_t page_size; /* of the mapping found (4 KiB for Bare) */
	enum guest_walk_fault fault;
};

/* Translate va to a guest-physical address for the given access.
 * HV_OK with *out; HV_EFAULT when there is no translation (the trace
 * says why); HV_EINVAL for a reserved vsatp mode or a bad access/priv
 * value. trace may be NULL; it is filled on every return. */
int guest_translate(struct vm *vm, const struct guest_walk_params *params,
		    gva_t va, enum guest_access access, gpa_t *out,
		    struct guest_walk_trace *trace);
const char *guest_walk_fault_name(enum guest_walk_fault fault);

/* The walk parameters of a vCPU: its saved vsatp and vsstatus, and the
 * privilege it had when it last left the guest. The saved copies are
 * current only while the vCPU is not loaded on a hart (the VS CSRs stay
 * in the hart between arch_vcpu_load and arch_vcpu_put), so the caller
 * must have the vCPU paused or otherwise unloaded. */
void guest_walk_params_from_vcpu(const struct vcpu *vcpu, unsigned flags,
				 struct guest_walk_params *params);
/* guest_translate with guest_walk_params_from_vcpu (same rule). */
int vcpu_translate(struct vcpu *vcpu, gva_t va, enum guest_access access,
		   unsigned flags, gpa_t *out);

/* Copy by guest-virtual address, translating each 4 KiB page on its own
 * (a read as GUEST_ACCESS_READ, a write as GUEST_ACCESS_WRITE, with the
 * checks params->flags asks for). Errors as guest_translate and the
 * guest-physical helpers; on an error, the pages before the failing one
 * may already have been copied. */
int guest_mem_read_virt(struct vm *vm, const struct guest_walk_params *params,
			gva_t va, void *buf, size_t len);
int guest_mem_write_virt(struct vm *vm, const struct guest_walk_params *params,
			 gva_t va, const void *buf, size_t len);

#endif
