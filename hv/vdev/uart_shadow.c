// SPDX-License-Identifier: MIT
/*
 * The virtual UART's read-only shadow page.
 *
 * Linux's console writes a byte by reading LSR until THR is empty, then
 * writing THR. With both trapping, the console's output was three
 * quarters of all exits of a Linux boot (docs/benchmarks.md). But while
 * the UART is quiet (IER 0, nothing received; vuart_quiet_registers) no
 * register read has a side effect and each returns the same value until
 * the next write. Then this page, holding those 8 values, is mapped
 * read-only in stage 2 over the UART's window: reads cost no exit, and
 * writes still fault and are emulated, after which the page is refreshed.
 * Linux's console keeps IER at 0 while it prints, so a boot's LSR polls
 * all hit the page.
 *
 * When the UART stops being quiet (a write enables an interrupt, a byte
 * arrives) the page is unmapped, and every hart that ran the VM flushes
 * its G-stage translations before the access that caused it completes
 * (hv/mm/guest_protect.c): until then a hart could still read an old
 * value (IER 0 after the guest set it, on another vCPU that took the
 * driver's lock next). The flush waits on other harts, so it runs after
 * device_lock is released (uart_shadow_finish); an access that finds
 * such a flush still under way flushes too, so no vCPU goes on before
 * the flush is complete.
 * An unmap costs one flush request to each other hart that ran the VM,
 * and happens once per console message at most (Linux restores IER after
 * printing). A guest that toggles IER in a loop would make every toggle
 * such a round of IPIs to harts other VMs may share: past
 * UART_SHADOW_UNMAP_BUDGET unmaps in UART_SHADOW_WINDOW_MS, the page is
 * not mapped again until the window ends, and its reads trap meanwhile
 * (correct, only slower).
 *
 * What the guest can tell: the page covers 4 KiB, the UART's window
 * 0x100 bytes, so while it is mapped, reads past the registers return 0
 * (instead of an access fault), and wider reads return the bytes
 * (instead of an access fault, as narrow registers may answer).
 *
 * An interrupt is the other way a guest learns of a change: a UART
 * interrupt raised by the access that unmapped the page reaches other
 * vCPUs before its flush may be done. So every device access waits for
 * a flush under way (a PLIC claim), and a hart about to show a vCPU an
 * external interrupt flushes itself first (uart_shadow_settle_here).
 *
 * Locking: device_lock serialises the map, the unmap and the contents.
 * The debugger changes stage-2 permissions of guest RAM only
 * (hv/mm/guest_protect.c), and the page's PTE is in a table of its own
 * (built at attach time), so nothing else writes it, and remapping it
 * never allocates.
 */
#include <string.h>
#include <arch/arch.h>
#include <hv/errno.h>
#include <hv/guest_protect.h>
#include <hv/platform.h>
#include <hv/stage2.h>
#include <hv/uart_shadow.h>
#include <hv/vm.h>

/* Unmaps a VM may cause per window before its page stays unmapped for
 * the rest of it: far more than Linux's console makes (one per message). */
#define UART_SHADOW_UNMAP_BUDGET 16
#define UART_SHADOW_WINDOW_MS 10

static gpa_t uart_page(void)
{
	return gpa(GUEST_UART_BASE);
}

/* May the page be mapped again now? Not while the window's unmaps have
 * used up the budget. */
static bool remap_allowed(struct vm *vm)
{
	return vm->uart_shadow_unmaps < UART_SHADOW_UNMAP_BUDGET ||
	       arch_time_now() >= vm->uart_shadow_window_end;
}

static void count_unmap(struct vm *vm)
{
	uint64_t now = arch_time_now();

	if (now >= vm->uart_shadow_window_end) {
		vm->uart_shadow_window_end =
			now + platform_ticks_from_ms(UART_SHADOW_WINDOW_MS);
		vm->uart_shadow_unmaps = 0;
	}
	vm->uart_shadow_unmaps++;
}

int uart_shadow_attach(struct vm *vm, hpa_t page)
{
	int ret;

	/* Past the 8 registers the window reads 0. */
	memset(hpa_to_ptr(page), 0, PAGE_SIZE);
	ret = stage2_map(&vm->stage2, uart_page(), page, PAGE_SIZE,
			 STAGE2_READ);

	if (ret)
		return ret;
	vm->uart_shadow = page;
	vm->uart_shadow_mapped = true;
	vm->uart_shadow_unmaps = 0;
	vm->uart_shadow_window_end = 0;
	return HV_OK;
}

hpa_t uart_shadow_detach(struct vm *vm)
{
	hpa_t page = vm->uart_shadow;

	vm->uart_shadow = hpa(0);
	vm->uart_shadow_mapped = false;
	return page;
}

bool uart_shadow_sync(struct vm *vm)
{
	uint8_t regs[VUART_QUIET_REGISTERS];

	if (!vm->uart_shadow.val)
		return false;
	if (vuart_quiet_registers(&vm->uart, regs)) {
		/* Mapped: a reader on another hart sees old or new bytes,
		 * as if its read came before or after the write it races
		 * with (which has not completed: its vCPU is here). */
		memcpy(hpa_to_ptr(vm->uart_shadow), regs, sizeof(regs));
		/* stage2_map orders the bytes before the PTE. */
		if (!vm->uart_shadow_mapped && remap_allowed(vm) &&
		    stage2_map(&vm->stage2, uart_page(), vm->uart_shadow,
			       PAGE_SIZE, STAGE2_READ) == HV_OK)
			vm->uart_shadow_mapped = true;
		return false;
	}
	if (!vm->uart_shadow_mapped)
		return false;
	stage2_unmap_page(&vm->stage2, uart_page());
	vm->uart_shadow_mapped = false;
	count_unmap(vm);
	/* Under device_lock: an access that takes the lock after this one
	 * sees the count (uart_shadow_finish). */
	__atomic_fetch_add(&vm->uart_shadow_flushes, 1, __ATOMIC_RELAXED);
	return true;
}

void uart_shadow_finish(struct vm *vm, bool unmapped)
{
	if (unmapped) {
		guest_protect_flush_all(vm);
		/* Release: the flushes are done before the count says so. */
		__atomic_fetch_sub(&vm->uart_shadow_flushes, 1,
				   __ATOMIC_RELEASE);
	} else if (__atomic_load_n(&vm->uart_shadow_flushes,
				   __ATOMIC_ACQUIRE)) {
		guest_protect_flush_all(vm);
	}
}

void uart_shadow_settle_here(struct vm *vm)
{
	/* Acquire: pairs with the release of the interrupt's post (its
	 * sequentially consistent store), which the caller just read; the
	 * unmap's count came before it. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	if (__atomic_load_n(&vm->uart_shadow_flushes, __ATOMIC_RELAXED))
		guest_protect_flush_here(vm);
}
