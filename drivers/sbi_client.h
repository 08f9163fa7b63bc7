/* SPDX-License-Identifier: MIT */
/* The hypervisor's own calls to the SBI firmware below it (OpenSBI). */
#ifndef DRIVERS_SBI_CLIENT_H
#define DRIVERS_SBI_CLIENT_H

#include <hv/types.h>

struct sbi_client_ret {
	long error;
	long value;
};

struct sbi_client_ret sbi_client_call(unsigned long eid, unsigned long fid,
				      unsigned long a0, unsigned long a1,
				      unsigned long a2);
void sbi_client_set_timer(uint64_t deadline);
int sbi_client_send_ipi(unsigned long hart_mask, unsigned long mask_base);
int sbi_client_hart_start(unsigned long hartid, unsigned long start_addr,
			  unsigned long opaque);
long sbi_client_hart_status(unsigned long hartid);
NORETURN void sbi_client_shutdown(bool failure);

#endif
