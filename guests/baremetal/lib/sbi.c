// SPDX-License-Identifier: MIT
/* SBI call wrappers: a0..a5 arguments, a6 = function id, a7 = extension. */
#include "sbi.h"

struct sbiret sbi_ecall(unsigned long ext, unsigned long fid, unsigned long a0,
			unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5)
{
	register unsigned long r0 asm("a0") = a0;
	register unsigned long r1 asm("a1") = a1;
	register unsigned long r2 asm("a2") = a2;
	register unsigned long r3 asm("a3") = a3;
	register unsigned long r4 asm("a4") = a4;
	register unsigned long r5 asm("a5") = a5;
	register unsigned long r6 asm("a6") = fid;
	register unsigned long r7 asm("a7") = ext;
	struct sbiret ret;

	asm volatile("ecall"
		     : "+r"(r0), "+r"(r1)
		     : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
		     : "memory");
	ret.error = (long)r0;
	ret.value = (long)r1;
	return ret;
}

long sbi_legacy_ecall(unsigned long ext, unsigned long a0, unsigned long a1)
{
	register unsigned long r0 asm("a0") = a0;
	register unsigned long r1 asm("a1") = a1;
	register unsigned long r7 asm("a7") = ext;

	asm volatile("ecall" : "+r"(r0) : "r"(r1), "r"(r7) : "memory");
	return (long)r0;
}

long sbi_probe(unsigned long ext)
{
	struct sbiret ret =
		sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, ext, 0, 0, 0, 0, 0);

	return ret.error ? 0 : ret.value;
}

struct sbiret sbi_set_timer(uint64_t stime)
{
	return sbi_ecall(SBI_EXT_TIME, 0, stime, 0, 0, 0, 0, 0);
}

struct sbiret sbi_send_ipi(unsigned long mask, unsigned long base)
{
	return sbi_ecall(SBI_EXT_IPI, 0, mask, base, 0, 0, 0, 0);
}

struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start,
			     unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start, opaque,
			 0, 0, 0);
}

struct sbiret sbi_hart_stop(void)
{
	return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_STOP, 0, 0, 0, 0, 0, 0);
}

struct sbiret sbi_hart_get_status(unsigned long hartid)
{
	return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hartid, 0, 0, 0,
			 0, 0);
}

struct sbiret sbi_hart_suspend(unsigned long type, unsigned long resume,
			       unsigned long opaque)
{
	return sbi_ecall(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, type, resume,
			 opaque, 0, 0, 0);
}

struct sbiret sbi_rfence(unsigned long fid, unsigned long mask,
			 unsigned long base, unsigned long start,
			 unsigned long size, unsigned long asid)
{
	return sbi_ecall(SBI_EXT_RFENCE, fid, mask, base, start, size, asid, 0);
}

struct sbiret sbi_dbcn_write(unsigned long len, unsigned long lo,
			     unsigned long hi)
{
	return sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE, len, lo, hi, 0, 0, 0);
}

struct sbiret sbi_dbcn_read(unsigned long len, unsigned long lo,
			    unsigned long hi)
{
	return sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_READ, len, lo, hi, 0, 0, 0);
}

struct sbiret sbi_dbcn_write_byte(unsigned long byte)
{
	return sbi_ecall(SBI_EXT_DBCN, SBI_DBCN_WRITE_BYTE, byte, 0, 0, 0, 0,
			 0);
}

struct sbiret sbi_system_reset(unsigned long type, unsigned long reason)
{
	return sbi_ecall(SBI_EXT_SRST, 0, type, reason, 0, 0, 0, 0);
}
