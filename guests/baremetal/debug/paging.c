// SPDX-License-Identifier: MIT
/*
 * The debug guest's Sv39 page tables: five static 4 KiB tables.
 *
 *   pt_root[258] -> pt_high_l1: VA 0xffffffc0_80000000.. = PA 0x80000000..
 *       [1] -> pt_high_l0: the image's megapage (PA 0x80200000) in 4 KiB
 *              pages: text R-X, rodata R--, everything else RW-
 *       [n] -> every other megapage of RAM as one 2 MiB RW- leaf
 *   pt_root[2] -> pt_ident_l1[1] -> pt_ident_l0: the trampoline page only,
 *       identity R-X (VA = PA), so the hart can turn satp on from there
 *
 * Nothing else is mapped: a physical RAM address used as a virtual one
 * faults. Every leaf has A and D set (no A/D updates needed), none has U
 * or G.
 *
 * debug_paging_build runs on the boot hart before paging and before crt0
 * cleared bss, at the physical alias: every symbol address it takes is a
 * physical one. So this file must never need an absolute address (no
 * switch jump tables, no pointer initializers), and it only writes the
 * tables (.pagetables, outside bss) and guest_virt_offset (.data).
 */
#include "debug.h"
#include "layout.h"
#include "platform.h"
#include "sv39.h"

#define FDT_MAGIC 0xd00dfeedU

#define PT_TABLE \
	__attribute__((section(".pagetables"), aligned(SV39_PAGE_SIZE)))

pte_t pt_root[SV39_PTES_PER_TABLE] PT_TABLE;
pte_t pt_high_l1[SV39_PTES_PER_TABLE] PT_TABLE;
pte_t pt_high_l0[SV39_PTES_PER_TABLE] PT_TABLE;
pte_t pt_ident_l1[SV39_PTES_PER_TABLE] PT_TABLE;
pte_t pt_ident_l0[SV39_PTES_PER_TABLE] PT_TABLE;

extern char _start[], _etext[], __rodata_start[], __data_start[];
extern char __trampoline_start[], __trampoline_end[];

/* A symbol's physical address, seen from the alias the caller runs on. */
static unsigned long sym_phys(const void *sym, unsigned long running_offset)
{
	return (unsigned long)sym - running_offset;
}

static pte_t table_pte(const pte_t *table, unsigned long running_offset)
{
	return sv39_table_pte(sym_phys(table, running_offset));
}

static pte_t leaf_pte(unsigned long pa, unsigned long perms)
{
	return sv39_leaf_pte(pa, perms);
}

static unsigned long image_page_perms(unsigned long pa,
				      unsigned long running_offset)
{
	if (pa >= sym_phys(_start, running_offset) &&
	    pa < sym_phys(_etext, running_offset))
		return PTE_R | PTE_X;
	if (pa >= sym_phys(__rodata_start, running_offset) &&
	    pa < sym_phys(__data_start, running_offset))
		return PTE_R;
	return PTE_R | PTE_W;
}

void paging_map_ram(unsigned long running_offset, unsigned long phys_end)
{
	unsigned long image_megapage =
		sym_phys(_start, running_offset) & ~(SV39_MEGAPAGE_SIZE - 1);

	/* pt_high_l1 covers one gigapage of RAM. */
	if (phys_end > DEBUG_RAM_BASE + SV39_GIGAPAGE_SIZE)
		phys_end = DEBUG_RAM_BASE + SV39_GIGAPAGE_SIZE;
	for (unsigned long pa = DEBUG_RAM_BASE; pa < phys_end;
	     pa += SV39_MEGAPAGE_SIZE) {
		if (pa != image_megapage) {
			pt_high_l1[sv39_index(pa, 1)] =
				leaf_pte(pa, PTE_R | PTE_W);
			continue;
		}
		for (unsigned i = 0; i < SV39_PTES_PER_TABLE; i++) {
			unsigned long page = pa + i * SV39_PAGE_SIZE;

			pt_high_l0[i] = leaf_pte(
				page, image_page_perms(page, running_offset));
		}
		pt_high_l1[sv39_index(pa, 1)] =
			table_pte(pt_high_l0, running_offset);
	}
}

static uint32_t load_be32(unsigned long addr)
{
	const volatile uint8_t *b = (const volatile uint8_t *)addr;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* The DTB's end if a valid header sits at dtb_phys in the mapped gigapage,
 * else 0. */
static unsigned long dtb_end(unsigned long dtb_phys)
{
	unsigned long end;

	if (dtb_phys < DEBUG_RAM_BASE || dtb_phys % 8 ||
	    dtb_phys >= DEBUG_RAM_BASE + SV39_GIGAPAGE_SIZE - 8 ||
	    load_be32(dtb_phys) != FDT_MAGIC)
		return 0;
	end = dtb_phys + load_be32(dtb_phys + 4);
	return end <= DEBUG_RAM_BASE + SV39_GIGAPAGE_SIZE ? end : 0;
}

static void clear_table(pte_t *table)
{
	for (unsigned i = 0; i < SV39_PTES_PER_TABLE; i++)
		((volatile pte_t *)table)[i] = 0;
}

unsigned long debug_paging_build(unsigned long dtb_phys)
{
	unsigned long tramp = (unsigned long)__trampoline_start;
	unsigned long map_end, fdt_end = dtb_end(dtb_phys);

	clear_table(pt_root);
	clear_table(pt_high_l1);
	clear_table(pt_high_l0);
	clear_table(pt_ident_l1);
	clear_table(pt_ident_l0);

	pt_root[sv39_index(DEBUG_RAM_BASE + DEBUG_VIRT_OFFSET, 2)] =
		table_pte(pt_high_l1, 0);
	pt_root[sv39_index(tramp, 2)] = table_pte(pt_ident_l1, 0);
	pt_ident_l1[sv39_index(tramp, 1)] = table_pte(pt_ident_l0, 0);
	for (unsigned long pa = tramp; pa < (unsigned long)__trampoline_end;
	     pa += SV39_PAGE_SIZE)
		pt_ident_l0[sv39_index(pa, 0)] = leaf_pte(pa, PTE_R | PTE_X);

	/* RAM's size is in the DTB, which C reads only once paging is on:
	 * map up to the DTB for now (hartvisor puts it at the top of RAM);
	 * guest_main maps the rest. */
	map_end = ((unsigned long)_start & ~(SV39_MEGAPAGE_SIZE - 1)) +
		  SV39_MEGAPAGE_SIZE;
	if (fdt_end > map_end)
		map_end = (fdt_end + SV39_MEGAPAGE_SIZE - 1) &
			  ~(SV39_MEGAPAGE_SIZE - 1);
	paging_map_ram(0, map_end);

	guest_virt_offset = DEBUG_VIRT_OFFSET;
	return fdt_end ? dtb_phys + DEBUG_VIRT_OFFSET : 0;
}

unsigned long paging_expected_satp(void)
{
	return DEBUG_SATP_MODE_SV39 | virt_to_phys(pt_root) >> 12;
}
