// SPDX-License-Identifier: MIT
/*
 * VS-stage translation, written from the privileged spec ("Virtual
 * Address Translation Process", Sv39/Sv48/Sv57, and the H extension's
 * "Two-Stage Address Translation"). The tables are the guest's and so are
 * untrusted: every PTE address is checked against guest RAM, and any
 * value a PTE holds ends in a result or a fault, never in a host access
 * outside the VM's RAM.
 *
 * The walk is a software model of the hart's, used while the guest does
 * not run on it (a debugger, an emulated access): it never writes the
 * tables, so A and D are only checked, never set.
 */
#include <hv/errno.h>
#include <hv/pte.h>
#include <hv/guest_mem.h>
#include <hv/vcpu.h>

/* vsatp (same layout as satp for RV64). */
#define VSATP_MODE_SHIFT 60
#define VSATP_PPN_MASK (BIT(44) - 1)
#define VSATP_MODE_BARE 0
#define VSATP_MODE_SV39 8
#define VSATP_MODE_SV48 9
#define VSATP_MODE_SV57 10

/* vsstatus bits that change what a leaf permits. */
#define VSSTATUS_SUM BIT(18) /* VS-mode may load/store U pages */
#define VSSTATUS_MXR BIT(19) /* loads may read execute-only pages */

/* PTE fields. Bits 60:54 are reserved; 62:61 are Svpbmt's memory type
 * (3 is reserved) and 63 is Svnapot's N. */
#define PTE_RESERVED (0x7fUL << 54)
#define PTE_PBMT_SHIFT 61
#define PTE_PBMT (3UL << PTE_PBMT_SHIFT)
#define PTE_PBMT_RESERVED 3
#define PTE_N BIT(63)

#define PTE_SIZE 8
#define VPN_BITS 9
#define VPN_MASK (BIT(VPN_BITS) - 1)
/* Svnapot's only defined size: 64 KiB, 16 4 KiB pages, ppn[3:0] = 1000. */
#define NAPOT_64K_SHIFT 16
#define NAPOT_64K_PPN_LOW 0x8
#define NAPOT_64K_PPN_MASK 0xfUL

static const char *const fault_names[] = {
	[GUEST_WALK_OK] = "ok",
	[GUEST_WALK_BAD_MODE] = "reserved vsatp mode",
	[GUEST_WALK_NON_CANONICAL] = "non-canonical address",
	[GUEST_WALK_PTE_NOT_RAM] = "page table outside guest RAM",
	[GUEST_WALK_INVALID] = "invalid PTE",
	[GUEST_WALK_RESERVED] = "reserved PTE encoding",
	[GUEST_WALK_NO_LEAF] = "no leaf PTE",
	[GUEST_WALK_MISALIGNED_SUPERPAGE] = "misaligned superpage",
	[GUEST_WALK_PERMISSION] = "access not permitted",
	[GUEST_WALK_ACCESSED_DIRTY] = "A or D bit clear",
};

const char *guest_walk_fault_name(enum guest_walk_fault fault)
{
	if ((unsigned)fault >= ARRAY_SIZE(fault_names))
		return "unknown";
	return fault_names[fault];
}

/* Levels of a vsatp mode, or -1 for a reserved one. */
static int mode_levels(uint64_t vsatp)
{
	switch (vsatp >> VSATP_MODE_SHIFT) {
	case VSATP_MODE_BARE:
		return 0;
	case VSATP_MODE_SV39:
		return 3;
	case VSATP_MODE_SV48:
		return 4;
	case VSATP_MODE_SV57:
		return 5;
	default:
		return -1;
	}
}

/* Bits 63 down to the top VA bit must all equal that bit. */
static bool va_is_canonical(uint64_t va, unsigned levels)
{
	unsigned unused_bits = 64 - (PAGE_SHIFT + levels * VPN_BITS);
	int64_t sign_extended = (int64_t)(va << unused_bits) >> unused_bits;

	return (uint64_t)sign_extended == va;
}

static bool pte_is_leaf(uint64_t pte)
{
	return pte & (PTE_R | PTE_X);
}

static uint64_t pte_ppn(uint64_t pte)
{
	return (pte >> PTE_PPN_SHIFT) & PTE_PPN_MASK;
}

/* Encodings the spec reserves (they page-fault rather than map). */
static bool pte_is_reserved(uint64_t pte, unsigned level)
{
	uint64_t pbmt = (pte & PTE_PBMT) >> PTE_PBMT_SHIFT;

	if ((pte & PTE_W) && !(pte & PTE_R))
		return true;
	if ((pte & PTE_RESERVED) || pbmt == PTE_PBMT_RESERVED)
		return true;
	if (!pte_is_leaf(pte))
		/* A pointer's D, A, U, PBMT and N are reserved. */
		return pte & (PTE_D | PTE_A | PTE_U | PTE_PBMT | PTE_N);
	/* N marks a 64 KiB NAPOT 4 KiB-level leaf; anything else with N
	 * set is reserved. */
	return (pte & PTE_N) &&
	       (level != 0 ||
		(pte_ppn(pte) & NAPOT_64K_PPN_MASK) != NAPOT_64K_PPN_LOW);
}

static bool access_permitted(uint64_t pte,
			     const struct guest_walk_params *params,
			     enum guest_access access)
{
	bool user_page = pte & PTE_U;

	if (params->priv == GUEST_PRIV_USER && !user_page)
		return false;
	if (params->priv == GUEST_PRIV_SUPERVISOR && user_page &&
	    (access == GUEST_ACCESS_EXECUTE ||
	     !(params->vsstatus & VSSTATUS_SUM)))
		return false; /* S never executes U pages; loads need SUM */
	switch (access) {
	case GUEST_ACCESS_READ:
		return (pte & PTE_R) ||
		       ((pte & PTE_X) && (params->vsstatus & VSSTATUS_MXR));
	case GUEST_ACCESS_WRITE:
		return pte & PTE_W;
	default:
		return pte & PTE_X;
	}
}

/* A PTE load from guest RAM. One 8-byte atomic load: another vCPU may be
 * rewriting the entry, and a torn value could mix two mappings. */
static bool read_pte(struct vm *vm, gpa_t addr, uint64_t *pte)
{
	hpa_t host;

	if (guest_mem_range(vm, addr, PTE_SIZE, &host))
		return false;
	*pte = __atomic_load_n((uint64_t *)hpa_to_ptr(host), __ATOMIC_RELAXED);
	return true;
}

/* Checks on the leaf found at level, in the spec's order (all of them
 * are page faults, the order only decides which reason a trace shows);
 * GUEST_WALK_OK when it maps va. */
static enum guest_walk_fault check_leaf(uint64_t pte, unsigned level,
					const struct guest_walk_params *params,
					enum guest_access access)
{
	uint64_t level_pages_mask = BIT(level * VPN_BITS) - 1;

	if ((params->flags & GUEST_WALK_CHECK_PERMISSIONS) &&
	    !access_permitted(pte, params, access))
		return GUEST_WALK_PERMISSION;
	if (pte_ppn(pte) & level_pages_mask)
		return GUEST_WALK_MISALIGNED_SUPERPAGE;
	if ((params->flags & GUEST_WALK_CHECK_ACCESSED_DIRTY) &&
	    (!(pte & PTE_A) ||
	     (access == GUEST_ACCESS_WRITE && !(pte & PTE_D))))
		return GUEST_WALK_ACCESSED_DIRTY;
	return GUEST_WALK_OK;
}

/* The multi-level walk; fills trace, and on success *out. */
static enum guest_walk_fault walk(struct vm *vm,
				  const struct guest_walk_params *params,
				  uint64_t va, enum guest_access access,
				  gpa_t *out, struct guest_walk_trace *trace)
{
	uint64_t table = (params->vsatp & VSATP_PPN_MASK) << PAGE_SHIFT;

	if (!va_is_canonical(va, trace->levels))
		return GUEST_WALK_NON_CANONICAL;
	for (int level = (int)trace->levels - 1; level >= 0; level--) {
		unsigned shift = PAGE_SHIFT + (unsigned)level * VPN_BITS;
		gpa_t pte_addr =
			gpa(table + ((va >> shift) & VPN_MASK) * PTE_SIZE);
		uint64_t pte = 0;
		bool readable = read_pte(vm, pte_addr, &pte);

		trace->step[trace->steps].pte_addr = pte_addr;
		trace->step[trace->steps++].pte = pte;
		if (!readable)
			return GUEST_WALK_PTE_NOT_RAM;
		if (!(pte & PTE_V))
			return GUEST_WALK_INVALID;
		if (pte_is_reserved(pte, (unsigned)level))
			return GUEST_WALK_RESERVED;
		if (!pte_is_leaf(pte)) {
			table = pte_ppn(pte) << PAGE_SHIFT;
			continue;
		}
		enum guest_walk_fault fault =
			check_leaf(pte, (unsigned)level, params, access);

		if (fault)
			return fault;
		trace->page_size = BIT(shift);
		if (pte & PTE_N)
			trace->page_size = BIT(NAPOT_64K_SHIFT);
		/* The page's base from the PTE, the offset inside it from
		 * va (a superpage's low PPN bits are zero, checked above;
		 * a NAPOT PTE's low PPN bits are its size encoding). */
		*out = gpa(((pte_ppn(pte) << PAGE_SHIFT) &
			    ~(trace->page_size - 1)) |
			   (va & (trace->page_size - 1)));
		return GUEST_WALK_OK;
	}
	return GUEST_WALK_NO_LEAF;
}

int guest_translate(struct vm *vm, const struct guest_walk_params *params,
		    gva_t va, enum guest_access access, gpa_t *out,
		    struct guest_walk_trace *trace)
{
	struct guest_walk_trace local;
	int levels = mode_levels(params->vsatp);

	if (!trace)
		trace = &local;
	*trace = (struct guest_walk_trace){.fault = GUEST_WALK_OK};
	if (levels < 0) {
		trace->fault = GUEST_WALK_BAD_MODE;
		return HV_EINVAL;
	}
	if ((unsigned)access > GUEST_ACCESS_EXECUTE ||
	    (unsigned)params->priv > GUEST_PRIV_SUPERVISOR)
		return HV_EINVAL;
	trace->levels = (unsigned)levels;
	if (levels == 0) {
		/* Bare: the guest-virtual address is guest-physical, with
		 * no VS-stage checks at all. */
		trace->page_size = PAGE_SIZE;
		*out = gpa(va.val);
		return HV_OK;
	}
	trace->fault = walk(vm, params, va.val, access, out, trace);
	return trace->fault == GUEST_WALK_OK ? HV_OK : HV_EFAULT;
}

void guest_walk_params_from_vcpu(const struct vcpu *vcpu, unsigned flags,
				 struct guest_walk_params *params)
{
	*params = (struct guest_walk_params){
		.vsatp = vcpu->arch.vsatp,
		.vsstatus = vcpu->arch.vsstatus,
		.priv = vcpu_in_guest_kernel(vcpu) ? GUEST_PRIV_SUPERVISOR
						   : GUEST_PRIV_USER,
		.flags = flags,
	};
}

int vcpu_translate(struct vcpu *vcpu, gva_t va, enum guest_access access,
		   unsigned flags, gpa_t *out)
{
	struct guest_walk_params params;

	guest_walk_params_from_vcpu(vcpu, flags, &params);
	return guest_translate(vcpu->vm, &params, va, access, out, NULL);
}
