// SPDX-License-Identifier: MIT
/*
 * Boot: whichever hart OpenSBI entered first parses the DTB, sets up the
 * console and memory, starts every other H-capable hart with SBI HSM and
 * checks that each one checks in (OpenSBI 1.1 can, rarely, lose a start:
 * retry, then report), creates the VMs, and releases all harts into their
 * scheduler loops.
 */
#include <string.h>
#include <arch/arch.h>
#include <hv/console.h>
#include <hv/host_irq.h>
#include <hv/page_alloc.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include <hv/vm.h>
#include "drivers/plic.h"
#include "drivers/sbi_client.h"
#include "drivers/uart16550.h"

#define HART_START_TRIES 3
#define HART_CHECKIN_TIMEOUT_MS 200

struct platform platform;
struct arch_features hv_features;
static struct uart16550 host_uart;
static bool harts_released;
extern char __hv_start[], __hv_end[], _secondary_start[];

NORETURN void hv_boot_main(unsigned long hartid, unsigned long dtb);
NORETURN void hv_secondary_main(unsigned long hartid);

static void hart_common_init(unsigned long hartid, bool console_hart)
{
	struct arch_features features = {.sstc = platform.has_sstc};

	percpu_init_this_hart(hartid);
	arch_cpu_init(&features);
	if (console_hart)
		hv_features = features;
	sched_init_hart(&this_cpu()->rq, 0);
	this_cpu()->timer_programmed = UINT64_MAX;
	host_irq_init_hart(console_hart);
}

void hv_secondary_main(unsigned long hartid)
{
	hart_common_init(hartid, false);
	__atomic_store_n(&this_cpu()->online, true, __ATOMIC_RELEASE);
	/*
	 * Sleep, don't spin, while the boot hart builds the VMs: that takes
	 * seconds under emulation, and spinning harts take host CPU from it
	 * (on QEMU TCG, pause even ends the translation block each time).
	 * release_secondary_harts() sends an IPI; it stays pending if it
	 * comes before the wfi, so it cannot be missed. Earlier IPIs (VM
	 * creation kicks harts) are cleared before the flag is checked, so
	 * they cannot keep the wfi from sleeping.
	 */
	for (;;) {
		arch_ipi_clear();
		if (__atomic_load_n(&harts_released, __ATOMIC_ACQUIRE))
			break;
		arch_wait_for_interrupt();
	}
	sched_run_loop();
}

static bool wait_for_checkin(struct cpu *cpu)
{
	uint64_t timeout = arch_time_now() + platform.timebase_frequency *
						     HART_CHECKIN_TIMEOUT_MS /
						     1000;

	while (arch_time_now() < timeout)
		if (__atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

static void start_secondary_harts(unsigned boot_hartid)
{
	for (unsigned i = 0; i < platform.num_harts; i++) {
		const struct platform_hart *hart = &platform.harts[i];
		struct cpu *cpu = &cpus[hart->hartid];

		if (hart->hartid == boot_hartid || !cpu->present)
			continue;
		for (unsigned try = 1; try <= HART_START_TRIES; try++) {
			long status = sbi_client_hart_status(hart->hartid);

			/* 1 = STOPPED: (re)start it. Otherwise a previous
			 * start is still pending; just wait again. */
			if (status == 1)
				sbi_client_hart_start(
					hart->hartid,
					(unsigned long)_secondary_start, 0);
			if (wait_for_checkin(cpu))
				break;
			hv_info("hart %u did not check in (try %u, HSM status "
				"%ld)",
				hart->hartid, try, status);
		}
		if (!cpu->online)
			hv_info("hart %u never came up; running without it",
				hart->hartid);
	}
}

static void release_secondary_harts(unsigned boot_hartid)
{
	__atomic_store_n(&harts_released, true, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (i != boot_hartid && cpus[i].online)
			sbi_client_send_ipi(1UL, i);
}

static void reserve_boot_memory(unsigned long dtb)
{
	memory_init(platform.ram_base, platform.ram_size);
	memory_reserve((uint64_t)(uintptr_t)__hv_start,
		       (uint64_t)(__hv_end - __hv_start));
	memory_reserve(dtb, 2 * MEGAPAGE_SIZE);
	for (unsigned i = 0; i < platform.num_reserved; i++)
		memory_reserve(platform.reserved_base[i],
			       platform.reserved_size[i]);
	/* OpenSBI's own region, in case the DTB doesn't list it. */
	memory_reserve(platform.ram_base, 2 * MEGAPAGE_SIZE);
	if (platform.initrd_end > platform.initrd_start)
		memory_reserve(platform.initrd_start,
			       platform.initrd_end - platform.initrd_start);
}

static void print_banner(unsigned boot_hartid)
{
	unsigned online = 0;

	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		online += cpus[i].online;
	hv_info("hartvisor 0.1 on %u hart(s) (booted on hart %u), %llu MiB "
		"RAM at %#llx",
		online, boot_hartid,
		(unsigned long long)(platform.ram_size >> 20),
		(unsigned long long)platform.ram_base);
	hv_info("features: %s, stage-2 %s, %u VMID bits, timebase %llu Hz",
		hv_features.sstc ? "sstc" : "no sstc (SBI timer)",
		hv_features.sv39x4 ? "sv39x4" : "sv48x4", hv_features.vmid_bits,
		(unsigned long long)platform.timebase_frequency);
	hv_info("host isa %s", platform.isa);
}

void hv_boot_main(unsigned long hartid, unsigned long dtb)
{
	char err[128];
	int ret =
		platform_parse((const void *)dtb, &platform, err, sizeof(err));

	/* The UART address comes from the DTB; QEMU virt's is the fallback
	 * so that a DTB error can still be reported. */
	uart16550_init(&host_uart, hpa(ret ? 0x10000000UL : platform.uart_base),
		       0, false);
	console_init(&host_uart);
	if (ret)
		hv_panic("host DTB: %s", err);
	for (unsigned i = 0; i < platform.num_harts; i++)
		if (platform.harts[i].has_h && platform.harts[i].enabled)
			cpus[platform.harts[i].hartid].present = true;
	if (!cpus[hartid].present)
		hv_panic("boot hart %lu lacks the H extension", hartid);
	plic_init(hpa(platform.plic_base));
	reserve_boot_memory(dtb);
	hart_common_init(hartid, true);
	cpus[hartid].online = true;
	start_secondary_harts((unsigned)hartid);
	print_banner((unsigned)hartid);
	uart16550_enable_rx_irq(&host_uart);

	vms_create_from_archive(
		platform.initrd_end > platform.initrd_start
			? (const void *)(uintptr_t)platform.initrd_start
			: NULL,
		platform.initrd_end - platform.initrd_start);
	if (!num_vms) {
		hv_info("no VM to run; powering off");
		sbi_client_shutdown(true);
	}
	release_secondary_harts((unsigned)hartid);
	sched_run_loop();
}
