// SPDX-License-Identifier: MIT
/*
 * Random loads, stores and AMOs of every width, aligned or not: stores
 * into the vCPU's scratch buffer, loads anywhere in RAM, and everything
 * (AMOs and LR/SC included) outside RAM and the device windows, where
 * each must fault. Device registers get plain integer loads and stores of
 * every width, aligned or not (an AMO or an FP access there stops the VM,
 * by design, so they are left out).
 */
#include "chaos.h"
#include "csr.h"
#include "platform.h"
#include "trap.h"
#include "util.h"

#define PLIC_BASE 0x0c000000UL
#define PLIC_SIZE 0x04000000UL
#define UART_BASE 0x10000000UL
#define UART_SIZE 0x100UL
#define DEVICES_END 0x10010000UL

enum access {
	LOAD,
	STORE,
	AMO_ADD,
	AMO_SWAP,
	LR_SC, /* an lr, then an sc: each may fault on its own */
	ACCESSES,
	SC = ACCESSES,
};

static void access_at(unsigned long addr, unsigned width, enum access op,
		      unsigned long value)
{
	unsigned long out = 0;

	switch (op * 4 + (width == 1   ? 0
			  : width == 2 ? 1
			  : width == 4 ? 2
				       : 3)) {
	case LOAD * 4 + 0:
		asm volatile("lb %0, 0(%1)" : "=r"(out) : "r"(addr) : "memory");
		break;
	case LOAD * 4 + 1:
		asm volatile("lh %0, 0(%1)" : "=r"(out) : "r"(addr) : "memory");
		break;
	case LOAD * 4 + 2:
		asm volatile("lw %0, 0(%1)" : "=r"(out) : "r"(addr) : "memory");
		break;
	case LOAD * 4 + 3:
		asm volatile("ld %0, 0(%1)" : "=r"(out) : "r"(addr) : "memory");
		break;
	case STORE * 4 + 0:
		asm volatile("sb %0, 0(%1)" ::"r"(value), "r"(addr) : "memory");
		break;
	case STORE * 4 + 1:
		asm volatile("sh %0, 0(%1)" ::"r"(value), "r"(addr) : "memory");
		break;
	case STORE * 4 + 2:
		asm volatile("sw %0, 0(%1)" ::"r"(value), "r"(addr) : "memory");
		break;
	case STORE * 4 + 3:
		asm volatile("sd %0, 0(%1)" ::"r"(value), "r"(addr) : "memory");
		break;
	case AMO_ADD * 4 + 2:
		asm volatile("amoadd.w %0, %1, (%2)"
			     : "=r"(out)
			     : "r"(value), "r"(addr)
			     : "memory");
		break;
	case AMO_ADD * 4 + 3:
		asm volatile("amoadd.d %0, %1, (%2)"
			     : "=r"(out)
			     : "r"(value), "r"(addr)
			     : "memory");
		break;
	case AMO_SWAP * 4 + 2:
		asm volatile("amoswap.w %0, %1, (%2)"
			     : "=r"(out)
			     : "r"(value), "r"(addr)
			     : "memory");
		break;
	case AMO_SWAP * 4 + 3:
		asm volatile("amoswap.d %0, %1, (%2)"
			     : "=r"(out)
			     : "r"(value), "r"(addr)
			     : "memory");
		break;
	case LR_SC * 4 + 2:
		asm volatile("lr.w %0, (%1)"
			     : "=r"(out)
			     : "r"(addr)
			     : "memory");
		break;
	case LR_SC * 4 + 3:
		asm volatile("lr.d %0, (%1)"
			     : "=r"(out)
			     : "r"(addr)
			     : "memory");
		break;
	case SC * 4 + 2:
		asm volatile("sc.w %0, %2, (%1)"
			     : "=&r"(out)
			     : "r"(addr), "r"(value)
			     : "memory");
		break;
	case SC * 4 + 3:
		asm volatile("sc.d %0, %2, (%1)"
			     : "=&r"(out)
			     : "r"(addr), "r"(value)
			     : "memory");
		break;
	default: /* no byte or halfword AMOs: a load instead */
		asm volatile("lbu %0, 0(%1)"
			     : "=r"(out)
			     : "r"(addr)
			     : "memory");
		break;
	}
	(void)out;
}

static void guarded(struct chaos_hart *h, unsigned long addr, unsigned width,
		    enum access op, unsigned long value)
{
	trap_expect_begin();
	access_at(addr, width, op, value);
	if (trap_expect_end().trapped)
		h->traps++;
	if (op != LR_SC)
		return;
	trap_expect_begin();
	access_at(addr, width, SC, value);
	if (trap_expect_end().trapped)
		h->traps++;
}

static bool in_devices(unsigned long addr)
{
	return addr >= PLIC_BASE && addr < DEVICES_END;
}

void chaos_memory(struct chaos_hart *h)
{
	uint64_t r = prng_next(&h->rng);
	unsigned width = 1U << (r & 3);
	enum access op = (enum access)((r >> 2) % ACCESSES);
	unsigned long value = chaos_value(h), addr;

	switch ((r >> 8) % 3) {
	case 0: { /* its scratch buffer: anything, misaligned too */
		uint8_t *buf = chaos_scratch[current_hartid()];

		addr = (unsigned long)buf +
		       (r >> 16) % (CHAOS_SCRATCH_SIZE - 8);
		break;
	}
	case 1: /* anywhere in RAM: loads only */
		addr = platform.ram_base + (r >> 16) % (platform.ram_size - 8);
		op = LOAD;
		break;
	default: /* outside RAM and devices: must fault */
		addr = chaos_value(h);
		if ((addr >= platform.ram_base && addr < ram_end()) ||
		    in_devices(addr))
			addr = ram_end() + (addr & 0xfffffff);
		break;
	}
	guarded(h, addr, width, op, value);
}

void chaos_device(struct chaos_hart *h)
{
	uint64_t r = prng_next(&h->rng);
	unsigned width = 1U << (r & 3);
	enum access op = (r >> 2) & 1 ? STORE : LOAD;
	unsigned long addr, value = chaos_value(h);

	if ((r >> 3) & 1) {
		addr = UART_BASE + (r >> 8) % UART_SIZE;
		/* Printable bytes (THR goes to the console). */
		value = 0x2020202020202020UL | (value & 0x5f5f5f5f5f5f5f5fUL);
	} else {
		addr = PLIC_BASE + (r >> 8) % PLIC_SIZE;
	}
	guarded(h, addr, width, op, value);
}
