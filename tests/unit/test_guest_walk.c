// SPDX-License-Identifier: MIT
/*
 * Host unit tests for the VS-stage walker (hv/mm/guest_walk.c): tables
 * for Sv39, Sv48 and Sv57 are built in a fake VM's RAM by
 * guest_mem_test_util.h, and every result is checked against values
 * worked out from the privileged spec, not against the walker.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "guest_mem_test_util.h" /* after cmocka.h: it asserts */

static const struct {
	unsigned mode, levels;
} modes[] = {{MODE_SV39, 3}, {MODE_SV48, 4}, {MODE_SV57, 5}};

static uint64_t pte_at(uint64_t pte_gpa)
{
	return *(uint64_t *)host_of(pte_gpa);
}

/* The pointer PTE at level on va's path (the walk must have made it). */
static uint64_t *pointer_pte(uint64_t root, unsigned levels, uint64_t va,
			     unsigned level)
{
	uint64_t table = root;

	for (unsigned l = levels - 1; l > level; l--)
		table = ((pte_at(pte_gpa(table, l, va)) >> 10) & (BIT(44) - 1))
			<< 12;
	return host_of(pte_gpa(table, level, va));
}

/* A canonical, positive va with a different index at every level. */
static uint64_t test_va(unsigned levels)
{
	uint64_t va = 0xabc;

	for (unsigned l = 0; l < levels; l++)
		va |= (uint64_t)(17 + 41 * l) << (12 + 9 * l);
	return va;
}

/* A target aligned for a leaf at each level (inside RAM up to 1 GiB). */
static const uint64_t leaf_target[] = {DATA_BASE + 0x5000, RAM_BASE + MIB(2),
				       RAM_BASE, 0, 0};

static int translate(const struct guest_walk_params *p, uint64_t va,
		     enum guest_access access, uint64_t *out,
		     struct guest_walk_trace *trace)
{
	gpa_t result = gpa(0xdead);
	int ret = guest_translate(&test_vm, p, gva(va), access, &result, trace);

	*out = result.val;
	return ret;
}

/* Expect a failed walk, stopped for fault after steps PTE reads. */
static void expect_fault(const struct guest_walk_params *p, uint64_t va,
			 enum guest_access access, enum guest_walk_fault fault,
			 unsigned steps)
{
	struct guest_walk_trace trace;
	uint64_t out;

	assert_int_equal(translate(p, va, access, &out, &trace), HV_EFAULT);
	assert_int_equal(trace.fault, fault);
	assert_int_equal(trace.steps, steps);
	assert_int_equal(out, 0xdead); /* untouched on failure */
}

static void expect_gpa(const struct guest_walk_params *p, uint64_t va,
		       enum guest_access access, uint64_t want)
{
	struct guest_walk_trace trace;
	uint64_t out;

	assert_int_equal(translate(p, va, access, &out, &trace), HV_OK);
	assert_int_equal(trace.fault, GUEST_WALK_OK);
	assert_int_equal(out, want);
}

static void test_bare(void **state)
{
	struct guest_walk_params p = walk_params(MODE_BARE, 0, GUEST_PRIV_USER,
						 0, GUEST_WALK_CHECK_ALL);
	struct guest_walk_trace trace;
	uint64_t out;

	(void)state;
	/* Identity, for any address, with no checks to fail. */
	assert_int_equal(translate(&p, 0xffffffff12345678, GUEST_ACCESS_WRITE,
				   &out, &trace),
			 HV_OK);
	assert_int_equal(out, 0xffffffff12345678);
	assert_int_equal(trace.levels, 0);
	assert_int_equal(trace.steps, 0);
	assert_int_equal(trace.page_size, PAGE_SIZE);
	assert_int_equal(trace.fault, GUEST_WALK_OK);
	/* No trace wanted. */
	gpa_t result;

	assert_int_equal(guest_translate(&test_vm, &p, gva(RAM_BASE + 8),
					 GUEST_ACCESS_EXECUTE, &result, NULL),
			 HV_OK);
	assert_int_equal(result.val, RAM_BASE + 8);
}

static void test_bad_arguments(void **state)
{
	static const unsigned reserved_modes[] = {1, 7, 11, 15};
	struct guest_walk_params p;
	struct guest_walk_trace trace;
	uint64_t out;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(reserved_modes); i++) {
		p = walk_params(reserved_modes[i], RAM_BASE, GUEST_PRIV_USER, 0,
				0);
		assert_int_equal(
			translate(&p, 0x1000, GUEST_ACCESS_READ, &out, &trace),
			HV_EINVAL);
		assert_int_equal(trace.fault, GUEST_WALK_BAD_MODE);
		assert_int_equal(trace.steps, 0);
	}
	p = walk_params(MODE_SV39, RAM_BASE, GUEST_PRIV_USER, 0, 0);
	assert_int_equal(
		translate(&p, 0x1000, (enum guest_access)3, &out, NULL),
		HV_EINVAL);
	p.priv = (enum guest_priv)2;
	assert_int_equal(translate(&p, 0x1000, GUEST_ACCESS_READ, &out, NULL),
			 HV_EINVAL);
}

/* A leaf at every level of every mode: 4 KiB, 2 MiB, 1 GiB, 512 GiB and
 * (Sv57) 256 TiB pages, with the trace of each walk. */
static void test_leaf_every_level(void **state)
{
	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		unsigned levels = modes[m].levels;

		for (unsigned level = 0; level < levels; level++) {
			uint64_t root = new_table();
			uint64_t va = test_va(levels);
			uint64_t size = BIT(12 + 9 * level);
			uint64_t *leaf =
				map_leaf(root, levels, va, leaf_target[level],
					 level, PTE_V | PTE_R | PTE_A);
			struct guest_walk_params p = walk_params(
				modes[m].mode, root, GUEST_PRIV_SUPERVISOR, 0,
				GUEST_WALK_CHECK_ALL);
			struct guest_walk_trace trace;
			uint64_t out;

			assert_int_equal(translate(&p, va, GUEST_ACCESS_READ,
						   &out, &trace),
					 HV_OK);
			assert_int_equal(out, leaf_target[level] |
						      (va & (size - 1)));
			assert_int_equal(trace.levels, levels);
			assert_int_equal(trace.steps, levels - level);
			assert_int_equal(trace.page_size, size);
			/* Each step's entry, found by our own walk. */
			uint64_t table = root;

			for (unsigned s = 0; s < trace.steps; s++) {
				uint64_t want =
					pte_gpa(table, levels - 1 - s, va);

				assert_int_equal(trace.step[s].pte_addr.val,
						 want);
				assert_int_equal(trace.step[s].pte,
						 pte_at(want));
				table = (pte_at(want) >> 10) << 12;
			}
			assert_int_equal(trace.step[trace.steps - 1].pte,
					 *leaf);
		}
	}
}

/* Upper-half (negative) addresses, the top and bottom of each half, and
 * the first non-canonical address above and below. */
static void test_canonical(void **state)
{
	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		unsigned levels = modes[m].levels;
		unsigned va_bits = 12 + 9 * levels;
		uint64_t root = new_table();
		uint64_t lowest_negative = ~0UL << (va_bits - 1);
		uint64_t highest_positive = BIT(va_bits - 1) - 1;
		struct guest_walk_params p = walk_params(
			modes[m].mode, root, GUEST_PRIV_SUPERVISOR, 0, 0);

		map_leaf(root, levels, lowest_negative, DATA_BASE, 0,
			 PTE_V | PTE_R);
		map_leaf(root, levels, ~0UL, DATA_BASE + 0x1000, 0,
			 PTE_V | PTE_R);
		map_leaf(root, levels, highest_positive, DATA_BASE + 0x2000, 0,
			 PTE_V | PTE_R);
		expect_gpa(&p, lowest_negative + 5, GUEST_ACCESS_READ,
			   DATA_BASE + 5);
		expect_gpa(&p, ~0UL, GUEST_ACCESS_READ, DATA_BASE + 0x1fff);
		expect_gpa(&p, highest_positive, GUEST_ACCESS_READ,
			   DATA_BASE + 0x2fff);
		expect_fault(&p, highest_positive + 1, GUEST_ACCESS_READ,
			     GUEST_WALK_NON_CANONICAL, 0);
		expect_fault(&p, lowest_negative - 1, GUEST_ACCESS_READ,
			     GUEST_WALK_NON_CANONICAL, 0);
		expect_fault(&p, BIT(63) | 0x1000, GUEST_ACCESS_READ,
			     GUEST_WALK_NON_CANONICAL, 0);
	}
}

static void test_misaligned_superpage(void **state)
{
	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		unsigned levels = modes[m].levels;

		for (unsigned level = 1; level < levels; level++) {
			uint64_t root = new_table();
			uint64_t va = test_va(levels);
			struct guest_walk_params p =
				walk_params(modes[m].mode, root,
					    GUEST_PRIV_SUPERVISOR, 0, 0);

			/* One 4 KiB page off the alignment the level needs;
			 * a debugger's unchecked walk faults too. */
			map_leaf(root, levels, va,
				 leaf_target[level] + PAGE_SIZE, level,
				 PTE_V | PTE_R | PTE_W | PTE_X);
			expect_fault(&p, va, GUEST_ACCESS_READ,
				     GUEST_WALK_MISALIGNED_SUPERPAGE,
				     levels - level);
		}
	}
}

/* V = 0 at the root and at the last level; a pointer at the last level. */
static void test_invalid_and_no_leaf(void **state)
{
	(void)state;
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		unsigned levels = modes[m].levels;
		uint64_t root = new_table();
		uint64_t va = test_va(levels);
		struct guest_walk_params p = walk_params(
			modes[m].mode, root, GUEST_PRIV_SUPERVISOR, 0, 0);

		expect_fault(&p, va, GUEST_ACCESS_READ, GUEST_WALK_INVALID, 1);
		uint64_t *leaf = map_leaf(root, levels, va, DATA_BASE, 0,
					  PTE_R | PTE_W); /* V clear */

		expect_fault(&p, va, GUEST_ACCESS_READ, GUEST_WALK_INVALID,
			     levels);
		*leaf = make_pte(new_table(), PTE_V);
		expect_fault(&p, va, GUEST_ACCESS_READ, GUEST_WALK_NO_LEAF,
			     levels);
	}
}

static void test_reserved_encodings(void **state)
{
	static const uint64_t bad_leaf_bits[] = {
		PTE_W,		 /* W without R */
		PTE_W | PTE_X,	 /* W without R, with X */
		PTE_R | BIT(54), /* reserved bits 60:54 */
		PTE_R | BIT(60), /* ... */
		PTE_R | PTE_PBMT_RESERVED,
	};
	static const uint64_t bad_pointer_bits[] = {
		PTE_A, PTE_D, PTE_U, PTE_PBMT_NC, PTE_N, BIT(57),
	};
	uint64_t root = new_table();
	uint64_t va = test_va(3);
	struct guest_walk_params p =
		walk_params(MODE_SV39, root, GUEST_PRIV_SUPERVISOR, 0, 0);
	uint64_t *leaf = map_leaf(root, 3, va, DATA_BASE, 0, PTE_V | PTE_R);
	uint64_t *pointer = pointer_pte(root, 3, va, 1);
	uint64_t good_pointer = *pointer;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_leaf_bits); i++) {
		*leaf = make_pte(DATA_BASE, PTE_V | bad_leaf_bits[i]);
		expect_fault(&p, va, GUEST_ACCESS_READ, GUEST_WALK_RESERVED, 3);
	}
	/* A memory type other than the reserved one maps (Svpbmt). */
	*leaf = make_pte(DATA_BASE, PTE_V | PTE_R | PTE_PBMT_NC);
	expect_gpa(&p, va, GUEST_ACCESS_READ, DATA_BASE | (va & 0xfff));
	for (size_t i = 0; i < ARRAY_SIZE(bad_pointer_bits); i++) {
		*pointer = good_pointer | bad_pointer_bits[i];
		expect_fault(&p, va, GUEST_ACCESS_READ, GUEST_WALK_RESERVED, 2);
	}
	/* G is allowed on a pointer. */
	*pointer = good_pointer | PTE_G;
	expect_gpa(&p, va, GUEST_ACCESS_READ, DATA_BASE | (va & 0xfff));
}

/* Svnapot: a 64 KiB page from a 4 KiB-level leaf with ppn[3:0] = 1000;
 * N anywhere else is reserved. */
static void test_napot(void **state)
{
	uint64_t root = new_table();
	uint64_t va = test_va(4) | 0xf000;
	uint64_t base = DATA_BASE + KIB(64);
	struct guest_walk_params p =
		walk_params(MODE_SV48, root, GUEST_PRIV_SUPERVISOR, 0,
			    GUEST_WALK_CHECK_ALL);
	uint64_t *leaf = map_leaf(root, 4, va, base, 0, 0);
	struct guest_walk_trace trace;
	uint64_t out;

	(void)state;
	*leaf = make_pte(base | 0x8000, PTE_V | PTE_R | PTE_A | PTE_N);
	assert_int_equal(translate(&p, va, GUEST_ACCESS_READ, &out, &trace),
			 HV_OK);
	assert_int_equal(out, base | (va & 0xffff));
	assert_int_equal(trace.page_size, KIB(64));
	*leaf = make_pte(base | 0x4000, PTE_V | PTE_R | PTE_A | PTE_N);
	expect_fault(&p, va, GUEST_ACCESS_READ, GUEST_WALK_RESERVED, 4);
	/* N on a 2 MiB leaf. */
	uint64_t *big = map_leaf(root, 4, va + MIB(2), RAM_BASE + MIB(2), 1,
				 PTE_V | PTE_R | PTE_A);

	expect_gpa(&p, va + MIB(2), GUEST_ACCESS_READ,
		   RAM_BASE + MIB(2) + ((va + MIB(2)) & (MIB(2) - 1)));
	*big |= PTE_N;
	expect_fault(&p, va + MIB(2), GUEST_ACCESS_READ, GUEST_WALK_RESERVED,
		     3);
}

/* PTE reads go through stage 2, which maps exactly the VM's RAM. */
static void test_pte_outside_ram(void **state)
{
	uint64_t va = test_va(3);
	struct guest_walk_params p;
	struct guest_walk_trace trace;
	uint64_t out;

	(void)state;
	/* Root in a hole, in the PLIC window, just past RAM. */
	static const uint64_t bad_roots[] = {0x1000, GUEST_PLIC_BASE, RAM_END};

	for (size_t i = 0; i < ARRAY_SIZE(bad_roots); i++) {
		p = walk_params(MODE_SV39, bad_roots[i], GUEST_PRIV_USER, 0, 0);
		assert_int_equal(
			translate(&p, va, GUEST_ACCESS_READ, &out, &trace),
			HV_EFAULT);
		assert_int_equal(trace.fault, GUEST_WALK_PTE_NOT_RAM);
		assert_int_equal(trace.steps, 1);
		assert_int_equal(trace.step[0].pte_addr.val,
				 pte_gpa(bad_roots[i], 2, va));
		assert_int_equal(trace.step[0].pte, 0);
	}
	/* The root in RAM's last page, the walk's last read its last 8
	 * bytes (index 511: an upper-half address). */
	uint64_t root = RAM_END - PAGE_SIZE;
	uint64_t top_va = ~0UL;

	p = walk_params(MODE_SV39, root, GUEST_PRIV_USER, 0, 0);
	map_leaf(root, 3, top_va, GIB(1), 2, PTE_V | PTE_R);
	expect_gpa(&p, top_va, GUEST_ACCESS_READ, GIB(2) - 1);
	/* A pointer into a hole, one level down. */
	root = new_table();
	p = walk_params(MODE_SV39, root, GUEST_PRIV_USER, 0, 0);
	*(uint64_t *)host_of(pte_gpa(root, 2, va)) =
		make_pte(0x40000000, PTE_V);
	expect_fault(&p, va, GUEST_ACCESS_READ, GUEST_WALK_PTE_NOT_RAM, 2);
}

struct permission_case {
	uint64_t pte_bits;
	enum guest_priv priv;
	enum guest_access access;
	uint64_t vsstatus;
	bool allowed;
};

#define S GUEST_PRIV_SUPERVISOR
#define U GUEST_PRIV_USER
#define RD GUEST_ACCESS_READ
#define WR GUEST_ACCESS_WRITE
#define EX GUEST_ACCESS_EXECUTE
static const struct permission_case permission_cases[] = {
	{PTE_R, S, RD, 0, true},
	{PTE_R, S, WR, 0, false},
	{PTE_R, S, EX, 0, false},
	{PTE_R | PTE_W, S, WR, 0, true},
	{PTE_X, S, EX, 0, true},
	{PTE_X, S, RD, 0, false},
	{PTE_X, S, RD, VSSTATUS_MXR, true}, /* MXR: execute-only readable */
	{PTE_X, S, WR, VSSTATUS_MXR, false},
	{PTE_R | PTE_X, S, EX, 0, true},
	{PTE_R | PTE_U, S, RD, 0, false}, /* U pages need SUM */
	{PTE_R | PTE_U, S, RD, VSSTATUS_SUM, true},
	{PTE_R | PTE_W | PTE_U, S, WR, VSSTATUS_SUM, true},
	{PTE_X | PTE_U, S, EX, VSSTATUS_SUM, false}, /* never, even so */
	{PTE_R | PTE_X | PTE_U, S, EX, 0, false},
	{PTE_R, U, RD, 0, false}, /* U-mode needs U pages */
	{PTE_R, U, RD, VSSTATUS_SUM, false},
	{PTE_X, U, EX, 0, false},
	{PTE_R | PTE_U, U, RD, 0, true},
	{PTE_R | PTE_U, U, WR, 0, false},
	{PTE_R | PTE_W | PTE_U, U, WR, 0, true},
	{PTE_X | PTE_U, U, EX, 0, true},
	{PTE_X | PTE_U, U, RD, 0, false},
	{PTE_X | PTE_U, U, RD, VSSTATUS_MXR, true},
};

static void test_permissions(void **state)
{
	uint64_t root = new_table();
	uint64_t va = test_va(3);
	uint64_t *leaf = map_leaf(root, 3, va, DATA_BASE, 0, 0);
	uint64_t want = DATA_BASE | (va & 0xfff);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(permission_cases); i++) {
		const struct permission_case *c = &permission_cases[i];
		struct guest_walk_params p =
			walk_params(MODE_SV39, root, c->priv, c->vsstatus,
				    GUEST_WALK_CHECK_PERMISSIONS);

		*leaf = make_pte(DATA_BASE, PTE_V | c->pte_bits);
		if (c->allowed)
			expect_gpa(&p, va, c->access, want);
		else
			expect_fault(&p, va, c->access, GUEST_WALK_PERMISSION,
				     3);
		/* A debugger's walk (no checks) gets the mapping anyway. */
		p.flags = 0;
		expect_gpa(&p, va, c->access, want);
	}
}

static void test_accessed_dirty(void **state)
{
	uint64_t root = new_table();
	uint64_t va = test_va(3);
	uint64_t *leaf = map_leaf(root, 3, va, DATA_BASE, 0, 0);
	uint64_t want = DATA_BASE | (va & 0xfff);
	struct guest_walk_params p = walk_params(
		MODE_SV39, root, S, 0, GUEST_WALK_CHECK_ACCESSED_DIRTY);

	(void)state;
	*leaf = make_pte(DATA_BASE, PTE_V | PTE_R | PTE_W | PTE_X);
	expect_fault(&p, va, RD, GUEST_WALK_ACCESSED_DIRTY, 3);
	expect_fault(&p, va, EX, GUEST_WALK_ACCESSED_DIRTY, 3);
	*leaf |= PTE_D; /* D without A is still unaccessed */
	expect_fault(&p, va, WR, GUEST_WALK_ACCESSED_DIRTY, 3);
	*leaf = make_pte(DATA_BASE, PTE_V | PTE_R | PTE_W | PTE_A);
	expect_gpa(&p, va, RD, want);
	expect_fault(&p, va, WR, GUEST_WALK_ACCESSED_DIRTY, 3);
	*leaf |= PTE_D;
	expect_gpa(&p, va, WR, want);
	/* Without the flag, A and D are not looked at. */
	*leaf = make_pte(DATA_BASE, PTE_V | PTE_R | PTE_W);
	p.flags = GUEST_WALK_CHECK_PERMISSIONS;
	expect_gpa(&p, va, WR, want);
	/* Permissions come first (the spec's order), then alignment. */
	p.flags = GUEST_WALK_CHECK_ALL;
	*leaf = make_pte(DATA_BASE, PTE_V | PTE_R);
	expect_fault(&p, va, WR, GUEST_WALK_PERMISSION, 3);
	uint64_t *big = map_leaf(root, 3, va + MIB(2), RAM_BASE + 0x1000, 1,
				 PTE_V | PTE_R);

	expect_fault(&p, va + MIB(2), WR, GUEST_WALK_PERMISSION, 2);
	*big |= PTE_W;
	expect_fault(&p, va + MIB(2), WR, GUEST_WALK_MISALIGNED_SUPERPAGE, 2);
}

static void test_vcpu_translate(void **state)
{
	static struct vcpu vcpu;
	uint64_t root = new_table();
	uint64_t va = test_va(4);
	struct guest_walk_params p;
	gpa_t out = gpa(0);

	(void)state;
	map_leaf(root, 4, va, DATA_BASE, 0,
		 PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D);
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.vm = &test_vm;
	vcpu.arch.vsatp = make_vsatp(MODE_SV48, root);
	vcpu.arch.vsstatus = VSSTATUS_SUM;
	vcpu.arch.sstatus = SSTATUS_SPP; /* it left the guest in VS-mode */
	guest_walk_params_from_vcpu(&vcpu, GUEST_WALK_CHECK_ALL, &p);
	assert_int_equal(p.vsatp, vcpu.arch.vsatp);
	assert_int_equal(p.vsstatus, VSSTATUS_SUM);
	assert_int_equal(p.priv, GUEST_PRIV_SUPERVISOR);
	assert_int_equal(p.flags, GUEST_WALK_CHECK_ALL);
	assert_int_equal(vcpu_translate(&vcpu, gva(va), GUEST_ACCESS_WRITE,
					GUEST_WALK_CHECK_ALL, &out),
			 HV_OK);
	assert_int_equal(out.val, DATA_BASE | (va & 0xfff));
	/* Without SUM, VS-mode cannot touch the U page... */
	vcpu.arch.vsstatus = 0;
	assert_int_equal(vcpu_translate(&vcpu, gva(va), GUEST_ACCESS_READ,
					GUEST_WALK_CHECK_ALL, &out),
			 HV_EFAULT);
	/* ...unless nothing is checked, */
	assert_int_equal(
		vcpu_translate(&vcpu, gva(va), GUEST_ACCESS_READ, 0, &out),
		HV_OK);
	/* and VU-mode can. */
	vcpu.arch.sstatus = 0;
	guest_walk_params_from_vcpu(&vcpu, 0, &p);
	assert_int_equal(p.priv, GUEST_PRIV_USER);
	assert_int_equal(vcpu_translate(&vcpu, gva(va), GUEST_ACCESS_READ,
					GUEST_WALK_CHECK_ALL, &out),
			 HV_OK);
}

static void test_fault_names(void **state)
{
	(void)state;
	for (int a = GUEST_WALK_OK; a <= GUEST_WALK_ACCESSED_DIRTY; a++) {
		const char *name = guest_walk_fault_name(a);

		assert_non_null(name);
		assert_string_not_equal(name, "unknown");
		for (int b = GUEST_WALK_OK; b < a; b++)
			assert_string_not_equal(name, guest_walk_fault_name(b));
	}
	assert_string_equal(guest_walk_fault_name(GUEST_WALK_OK), "ok");
	assert_string_equal(
		guest_walk_fault_name(GUEST_WALK_ACCESSED_DIRTY + 1),
		"unknown");
	assert_string_equal(guest_walk_fault_name((enum guest_walk_fault) - 1),
			    "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup_vm, teardown_vm)
		T(test_bare),
		T(test_bad_arguments),
		T(test_leaf_every_level),
		T(test_canonical),
		T(test_misaligned_superpage),
		T(test_invalid_and_no_leaf),
		T(test_reserved_encodings),
		T(test_napot),
		T(test_pte_outside_ram),
		T(test_permissions),
		T(test_accessed_dirty),
		T(test_vcpu_translate),
		T(test_fault_names),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
