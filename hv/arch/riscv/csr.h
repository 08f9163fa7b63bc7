/* SPDX-License-Identifier: MIT */
/*
 * RISC-V CSR numbers and bit fields (privileged spec, H extension).
 * Only hv/arch/ includes this header: generic code goes through the
 * functions declared in <arch/arch.h> and <arch/vcpu_arch.h>.
 */
#ifndef ARCH_CSR_H
#define ARCH_CSR_H

/* Supervisor CSRs */
#define CSR_SSTATUS 0x100
#define CSR_SIE 0x104
#define CSR_STVEC 0x105
#define CSR_SCOUNTEREN 0x106
#define CSR_SENVCFG 0x10a
#define CSR_SSCRATCH 0x140
#define CSR_SEPC 0x141
#define CSR_SCAUSE 0x142
#define CSR_STVAL 0x143
#define CSR_SIP 0x144
#define CSR_STIMECMP 0x14d
#define CSR_SATP 0x180
#define CSR_TIME 0xc01

/* Virtual supervisor CSRs */
#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSTVAL 0x243
#define CSR_VSIP 0x244
#define CSR_VSTIMECMP 0x24d
#define CSR_VSATP 0x280

/* Hypervisor CSRs */
#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HTIMEDELTA 0x605
#define CSR_HCOUNTEREN 0x606
#define CSR_HGEIE 0x607
#define CSR_HENVCFG 0x60a
#define CSR_HTVAL 0x643
#define CSR_HIP 0x644
#define CSR_HVIP 0x645
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680

/* sstatus */
#define SSTATUS_SIE (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP (1UL << 8)
#define SSTATUS_FS_SHIFT 13
#define SSTATUS_FS (3UL << 13)
#define SSTATUS_FS_OFF (0UL << 13)
#define SSTATUS_FS_INITIAL (1UL << 13)
#define SSTATUS_FS_CLEAN (2UL << 13)
#define SSTATUS_FS_DIRTY (3UL << 13)
#define SSTATUS_SUM (1UL << 18)
#define SSTATUS_MXR (1UL << 19)
#define SSTATUS_UXL_64 (2UL << 32)

/* hstatus */
#define HSTATUS_VSBE (1UL << 5)
#define HSTATUS_GVA (1UL << 6)
#define HSTATUS_SPV (1UL << 7)
#define HSTATUS_SPVP (1UL << 8)
#define HSTATUS_HU (1UL << 9)
#define HSTATUS_VTVM (1UL << 20)
#define HSTATUS_VTW (1UL << 21)
#define HSTATUS_VTSR (1UL << 22)
#define HSTATUS_VSXL_64 (2UL << 32)

/* Interrupt bits (sip/sie/hvip/hideleg) */
#define IRQ_S_SOFT 1
#define IRQ_VS_SOFT 2
#define IRQ_S_TIMER 5
#define IRQ_VS_TIMER 6
#define IRQ_S_EXT 9
#define IRQ_VS_EXT 10
#define IRQ_S_GEXT 12
#define MIP_SSIP (1UL << IRQ_S_SOFT)
#define MIP_VSSIP (1UL << IRQ_VS_SOFT)
#define MIP_STIP (1UL << IRQ_S_TIMER)
#define MIP_VSTIP (1UL << IRQ_VS_TIMER)
#define MIP_SEIP (1UL << IRQ_S_EXT)
#define MIP_VSEIP (1UL << IRQ_VS_EXT)

/* henvcfg */
#define HENVCFG_FIOM (1UL << 0)
#define HENVCFG_CBIE (3UL << 4)
#define HENVCFG_CBCFE (1UL << 6)
#define HENVCFG_CBZE (1UL << 7)
#define HENVCFG_PBMTE (1UL << 62)
#define HENVCFG_STCE (1UL << 63)

/* hcounteren */
#define HCOUNTEREN_CY (1UL << 0)
#define HCOUNTEREN_TM (1UL << 1)
#define HCOUNTEREN_IR (1UL << 2)

/* hgatp */
#define HGATP_MODE_SHIFT 60
#define HGATP_MODE_OFF 0UL
#define HGATP_MODE_SV39X4 8UL
#define HGATP_MODE_SV48X4 9UL
#define HGATP_VMID_SHIFT 44
#define HGATP_VMID_MASK 0x3fffUL
#define HGATP_PPN_MASK ((1UL << 44) - 1)

#ifndef __ASSEMBLY__
#define __csr_str(csr) #csr

#define csr_read(csr)                                           \
	({                                                      \
		unsigned long __v;                              \
		__asm__ __volatile__("csrr %0, " __csr_str(csr) \
				     : "=r"(__v)                \
				     :                          \
				     : "memory");               \
		__v;                                            \
	})

/* csrw/csrs/csrc: one shape, the instruction named by op. */
#define __csr_write_op(op, csr, val)                              \
	({                                                        \
		unsigned long __v = (unsigned long)(val);         \
		__asm__ __volatile__(op " " __csr_str(csr) ", %0" \
				     :                            \
				     : "rK"(__v)                  \
				     : "memory");                 \
	})
#define csr_write(csr, val) __csr_write_op("csrw", csr, val)
#define csr_set(csr, val) __csr_write_op("csrs", csr, val)
#define csr_clear(csr, val) __csr_write_op("csrc", csr, val)
#endif

#endif
