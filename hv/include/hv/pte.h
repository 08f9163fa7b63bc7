/* SPDX-License-Identifier: MIT */
/*
 * RISC-V page-table entry fields, shared by the G-stage tables we build
 * (hv/mm/stage2.c) and the VS-stage tables we walk (hv/mm/guest_walk.c):
 * both use the same Sv39/Sv48/Sv57 PTE format.
 */
#ifndef HV_PTE_H
#define HV_PTE_H

#include <hv/types.h>

#define PTE_V BIT(0)
#define PTE_R BIT(1)
#define PTE_W BIT(2)
#define PTE_X BIT(3)
#define PTE_U BIT(4)
#define PTE_A BIT(6)
#define PTE_D BIT(7)
#define PTE_PPN_SHIFT 10
#define PTE_PPN_MASK (BIT(44) - 1)
#define PTE_LEAF_MASK (PTE_R | PTE_W | PTE_X)

#endif
