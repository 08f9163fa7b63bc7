// SPDX-License-Identifier: MIT
#include "console.h"
#include "platform.h"
#include "sbi.h"
#include "util.h"

static bool use_dbcn;
static struct spinlock console_lock;

void spin_lock(struct spinlock *lock)
{
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		while (READ_ONCE(lock->locked))
			;
}

void spin_unlock(struct spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

void console_init(void)
{
	use_dbcn = sbi_probe(SBI_EXT_DBCN) != 0;
}

bool console_uses_dbcn(void)
{
	return use_dbcn;
}

static void console_write_locked(const char *s, size_t len)
{
	if (use_dbcn) {
		/* DBCN may write fewer bytes than asked; give up on an error
		 * rather than loop forever, and fall back to putchar. */
		while (len) {
			struct sbiret ret =
				sbi_dbcn_write(len, virt_to_phys(s), 0);

			if (ret.error || ret.value <= 0 ||
			    (size_t)ret.value > len)
				break;
			s += ret.value;
			len -= ret.value;
		}
	}
	while (len--)
		sbi_legacy_ecall(SBI_LEGACY_PUTCHAR, (unsigned char)*s++, 0);
}

void console_write(const char *s, size_t len)
{
	spin_lock(&console_lock);
	console_write_locked(s, len);
	spin_unlock(&console_lock);
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_write(buf, strlen(buf));
	return n;
}
