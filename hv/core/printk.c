// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <hv/console.h>
#include <hv/panic.h>
#include <hv/printk.h>
#include <arch/arch.h>

void hv_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	console_write_hypervisor(buf, MIN((size_t)len, sizeof(buf) - 1));
}

/* The panic message takes the lock-free emergency path: the panicking
 * hart may hold a console lock, or the console may be what broke. Then
 * the whole machine stops (hv/core/panic.c), not only this hart. */
void hv_panic(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write_emergency("hartvisor: PANIC: ", 18);
	if (len > 0)
		console_write_emergency(buf, MIN((size_t)len, sizeof(buf) - 1));
	console_write_emergency("\n", 1);
	panic_stop_machine();
}
