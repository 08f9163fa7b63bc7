/* SPDX-License-Identifier: MIT */
/* Hypervisor messages on the host console. */
#ifndef HV_PRINTK_H
#define HV_PRINTK_H

#include <hv/types.h>

__attribute__((format(printf, 1, 2))) void hv_printf(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) NORETURN void hv_panic(const char *fmt,
							     ...);

#define hv_info(fmt, ...) hv_printf("hartvisor: " fmt "\n", ##__VA_ARGS__)

#endif
