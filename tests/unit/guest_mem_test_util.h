/* SPDX-License-Identifier: MIT */
/*
 * Helpers for tests/unit/test_guest_mem.c and test_guest_walk.c: a fake
 * VM whose RAM is a malloc'd block (host "physical" addresses are
 * pointers), and a VS-stage page-table builder written from the
 * privileged spec, independent of hv/mm/guest_walk.c. Page tables are
 * built in the first MiB of guest RAM, data pages sit above it.
 *
 * The real device windows come from hv/vdev/vdev.c (linked in); the
 * functions it and the walker call that the tests do not exercise are
 * stubbed here.
 */
#ifndef TEST_GUEST_MEM_UTIL_H
#define TEST_GUEST_MEM_UTIL_H

#include <stdlib.h>
#include <string.h>

#include <hv/console.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/guest_protect.h>
#include <hv/platform.h>
#include <hv/vm.h>
#include <arch/arch.h>

#define KIB(n) ((uint64_t)(n) << 10)
#define MIB(n) ((uint64_t)(n) << 20)
#define GIB(n) ((uint64_t)(n) << 30)

#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_G BIT(5)
#define PTE_A BIT(6)
#define PTE_D BIT(7)
#define PTE_PBMT_NC (1UL << 61)
#define PTE_PBMT_RESERVED (3UL << 61)
#define PTE_N BIT(63)

#define MODE_BARE 0
#define MODE_SV39 8
#define MODE_SV48 9
#define MODE_SV57 10

#define VSSTATUS_SUM BIT(18)
#define VSSTATUS_MXR BIT(19)
#define SSTATUS_SPP BIT(8)

#define RAM_BASE GUEST_RAM_BASE
#define RAM_SIZE MIB(8)
#define RAM_END (RAM_BASE + RAM_SIZE)
#define TABLES_END (RAM_BASE + MIB(1))
#define DATA_BASE (RAM_BASE + MIB(4))

static struct vm test_vm;
static uint8_t *test_ram;
static uint64_t next_table;

/* Stubs: vdev.c's device callbacks (never called: no device is
 * initialised) and the arch's privilege query (SPP, as the arch has it). */
void console_vm_putc(struct vm *vm, uint8_t byte)
{
	(void)vm;
	(void)byte;
	fail_msg("console_vm_putc called");
}

void vcpu_set_ext_irq(struct vcpu *vcpu, bool level)
{
	(void)vcpu;
	(void)level;
	fail_msg("vcpu_set_ext_irq called");
}

/* The UART's shadow page is never attached here: nothing to flush. */
void guest_protect_flush_all(struct vm *vm)
{
	(void)vm;
	fail_msg("guest_protect_flush_all called");
}

void guest_protect_flush_here(struct vm *vm)
{
	(void)vm;
	fail_msg("guest_protect_flush_here called");
}

/* vdev.c's transmit pacing reads the time and re-arms the hart timer:
 * neither matters without a device in use. */
struct platform platform;

uint64_t arch_time_now(void)
{
	return 0;
}

void sched_update_timer(void)
{
}

bool vcpu_in_guest_kernel(const struct vcpu *vcpu)
{
	return vcpu->arch.sstatus & SSTATUS_SPP;
}

static int setup_vm(void **state)
{
	(void)state;
	test_ram = aligned_alloc(MIB(2), RAM_SIZE);
	assert_non_null(test_ram);
	memset(test_ram, 0, RAM_SIZE);
	memset(&test_vm, 0, sizeof(test_vm));
	test_vm.ram_base = gpa(RAM_BASE);
	test_vm.ram_size = RAM_SIZE;
	test_vm.ram_host = ptr_to_hpa(test_ram);
	next_table = RAM_BASE;
	return 0;
}

static int teardown_vm(void **state)
{
	(void)state;
	free(test_ram);
	test_ram = NULL;
	return 0;
}

static void *host_of(uint64_t guest_pa)
{
	assert_true(guest_pa >= RAM_BASE && guest_pa < RAM_END);
	return test_ram + (guest_pa - RAM_BASE);
}

static uint64_t new_table(void)
{
	uint64_t table = next_table;

	next_table += PAGE_SIZE;
	assert_true(next_table <= TABLES_END);
	return table;
}

static unsigned vpn(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * level)) & 511;
}

static uint64_t pte_gpa(uint64_t table, unsigned level, uint64_t va)
{
	return table + vpn(va, level) * 8;
}

static uint64_t make_pte(uint64_t pa, uint64_t flags)
{
	return ((pa >> 12) << 10) | flags;
}

/* Map va through a leaf at level (0: 4 KiB) holding pa and flags, making
 * pointer tables below root as needed. Returns the leaf, for tests to
 * rewrite. */
static uint64_t *map_leaf(uint64_t root, unsigned levels, uint64_t va,
			  uint64_t pa, unsigned level, uint64_t flags)
{
	uint64_t table = root;

	for (unsigned l = levels - 1; l > level; l--) {
		uint64_t *pte = host_of(pte_gpa(table, l, va));

		if (!(*pte & PTE_V))
			*pte = make_pte(new_table(), PTE_V);
		assert_int_equal(*pte & (PTE_R | PTE_W | PTE_X), 0);
		table = ((*pte >> 10) & (BIT(44) - 1)) << 12;
	}
	uint64_t *leaf = host_of(pte_gpa(table, level, va));

	*leaf = make_pte(pa, flags);
	return leaf;
}

static uint64_t make_vsatp(unsigned mode, uint64_t root)
{
	return ((uint64_t)mode << 60) | (0x1234UL << 44) /* ASID */ |
	       (root >> 12);
}

static struct guest_walk_params walk_params(unsigned mode, uint64_t root,
					    enum guest_priv priv,
					    uint64_t vsstatus, unsigned flags)
{
	return (struct guest_walk_params){
		.vsatp = make_vsatp(mode, root),
		.vsstatus = vsstatus,
		.priv = priv,
		.flags = flags,
	};
}

#endif
