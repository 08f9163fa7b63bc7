// SPDX-License-Identifier: MIT
/*
 * Calls from HS-mode into the SBI firmware (SBI calling convention: a7 =
 * extension, a6 = function, a0..a5 arguments, a0/a1 = error/value).
 */
#include "drivers/sbi_client.h"

#define SBI_EXT_TIME 0x54494D45UL
#define SBI_EXT_IPI 0x735049UL
#define SBI_EXT_HSM 0x48534DUL
#define SBI_EXT_SRST 0x53525354UL

struct sbi_client_ret sbi_client_call(unsigned long eid, unsigned long fid,
				      unsigned long a0, unsigned long a1,
				      unsigned long a2)
{
	register unsigned long r_a0 __asm__("a0") = a0;
	register unsigned long r_a1 __asm__("a1") = a1;
	register unsigned long r_a2 __asm__("a2") = a2;
	register unsigned long r_a6 __asm__("a6") = fid;
	register unsigned long r_a7 __asm__("a7") = eid;

	__asm__ __volatile__("ecall"
			     : "+r"(r_a0), "+r"(r_a1)
			     : "r"(r_a2), "r"(r_a6), "r"(r_a7)
			     : "memory");
	return (struct sbi_client_ret){(long)r_a0, (long)r_a1};
}

void sbi_client_set_timer(uint64_t deadline)
{
	sbi_client_call(SBI_EXT_TIME, 0, deadline, 0, 0);
}

int sbi_client_send_ipi(unsigned long hart_mask, unsigned long mask_base)
{
	return (int)sbi_client_call(SBI_EXT_IPI, 0, hart_mask, mask_base, 0)
		.error;
}

int sbi_client_hart_start(unsigned long hartid, unsigned long start_addr,
			  unsigned long opaque)
{
	return (int)sbi_client_call(SBI_EXT_HSM, 0, hartid, start_addr, opaque)
		.error;
}

long sbi_client_hart_status(unsigned long hartid)
{
	struct sbi_client_ret ret =
		sbi_client_call(SBI_EXT_HSM, 2, hartid, 0, 0);

	return ret.error ? ret.error : ret.value;
}

void sbi_client_shutdown(bool failure)
{
	/* SRST shutdown; reason 1 (system failure) makes QEMU exit non-zero. */
	sbi_client_call(SBI_EXT_SRST, 0, 0, failure ? 1 : 0, 0);
	for (;;)
		__asm__ __volatile__("wfi");
}
