/* SPDX-License-Identifier: MIT */
/* SBI calls, as the SBI v2.0 specification names them. */
#ifndef GUEST_SBI_H
#define GUEST_SBI_H

#include <stdint.h>

struct sbiret {
	long error;
	long value;
};

#define SBI_SUCCESS 0
#define SBI_ERR_FAILED -1
#define SBI_ERR_NOT_SUPPORTED -2
#define SBI_ERR_INVALID_PARAM -3
#define SBI_ERR_DENIED -4
#define SBI_ERR_INVALID_ADDRESS -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED -7
#define SBI_ERR_ALREADY_STOPPED -8

#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434E
/* Extensions hartvisor does not offer: their probe must return 0. */
#define SBI_EXT_PMU 0x504D55
#define SBI_EXT_SUSP 0x53555350
#define SBI_EXT_CPPC 0x43505043
#define SBI_EXT_NACL 0x4E41434C
#define SBI_EXT_STA 0x535441
#define SBI_EXT_FWFT 0x46574654

#define SBI_LEGACY_SET_TIMER 0x00
#define SBI_LEGACY_PUTCHAR 0x01
#define SBI_LEGACY_GETCHAR 0x02
#define SBI_LEGACY_CLEAR_IPI 0x03
#define SBI_LEGACY_SEND_IPI 0x04
#define SBI_LEGACY_SHUTDOWN 0x08

#define SBI_SPEC_VERSION_2_0 0x02000000L
#define SBI_IMPL_ID_HARTVISOR 0x48525456L /* "HRTV" */

enum sbi_base_fid {
	SBI_BASE_GET_SPEC_VERSION,
	SBI_BASE_GET_IMPL_ID,
	SBI_BASE_GET_IMPL_VERSION,
	SBI_BASE_PROBE_EXT,
	SBI_BASE_GET_MVENDORID,
	SBI_BASE_GET_MARCHID,
	SBI_BASE_GET_MIMPID,
	SBI_BASE_NUM_FIDS,
};

enum sbi_rfence_fid {
	SBI_RFENCE_FENCE_I,
	SBI_RFENCE_SFENCE_VMA,
	SBI_RFENCE_SFENCE_VMA_ASID,
	SBI_RFENCE_HFENCE_GVMA_VMID,
	SBI_RFENCE_HFENCE_GVMA,
	SBI_RFENCE_HFENCE_VVMA_ASID,
	SBI_RFENCE_HFENCE_VVMA,
	SBI_RFENCE_NUM_FIDS,
};

enum sbi_hsm_fid {
	SBI_HSM_HART_START,
	SBI_HSM_HART_STOP,
	SBI_HSM_HART_GET_STATUS,
	SBI_HSM_HART_SUSPEND,
	SBI_HSM_NUM_FIDS,
};

enum sbi_hsm_state {
	SBI_HSM_STARTED,
	SBI_HSM_STOPPED,
	SBI_HSM_START_PENDING,
	SBI_HSM_STOP_PENDING,
	SBI_HSM_SUSPENDED,
	SBI_HSM_SUSPEND_PENDING,
	SBI_HSM_RESUME_PENDING,
};

#define SBI_HSM_SUSPEND_RETENTIVE 0x00000000UL
#define SBI_HSM_SUSPEND_NON_RETENTIVE 0x80000000UL

#define SBI_SRST_SHUTDOWN 0
#define SBI_SRST_REASON_NONE 0
#define SBI_SRST_REASON_FAILURE 1

enum sbi_dbcn_fid {
	SBI_DBCN_WRITE,
	SBI_DBCN_READ,
	SBI_DBCN_WRITE_BYTE,
	SBI_DBCN_NUM_FIDS,
};

/* Every hart in "all harts" form of a hart mask. */
#define SBI_HART_MASK_BASE_ALL (-1UL)

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5);
/* v0.1 calls return a single value in a0 and clobber nothing else. */
long sbi_legacy_ecall(unsigned long ext, unsigned long a0, unsigned long a1);

long sbi_probe(unsigned long ext);
struct sbiret sbi_set_timer(uint64_t stime);
struct sbiret sbi_send_ipi(unsigned long mask, unsigned long base);
struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start,
			     unsigned long opaque);
struct sbiret sbi_hart_stop(void);
struct sbiret sbi_hart_get_status(unsigned long hartid);
struct sbiret sbi_hart_suspend(unsigned long type, unsigned long resume,
			       unsigned long opaque);
struct sbiret sbi_rfence(unsigned long fid, unsigned long mask,
			 unsigned long base, unsigned long start,
			 unsigned long size, unsigned long asid);
struct sbiret sbi_dbcn_write(unsigned long len, unsigned long lo,
			     unsigned long hi);
struct sbiret sbi_dbcn_read(unsigned long len, unsigned long lo,
			    unsigned long hi);
struct sbiret sbi_dbcn_write_byte(unsigned long byte);
struct sbiret sbi_system_reset(unsigned long type, unsigned long reason);

#endif
