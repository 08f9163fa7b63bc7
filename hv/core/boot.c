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
#include <hv/entropy.h>
#include <hv/host_irq.h>
#include <hv/page_alloc.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include <hv/vm.h>
#include "drivers/plic.h"
#include "drivers/sbi_client.h"
#include "drivers/uart16550.h"
#include "gdbstub/gdbstub.h"

#define HART_START_TRIES 3
#define HART_CHECKIN_TIMEOUT_MS 1000
#define HART_SLOW_CHECKIN_MS 10000

struct platform platform;
struct arch_features hv_features;
static struct uart16550 host_uart;
static bool harts_released;
extern unsigned long hv_hart_slots[HV_MAX_HARTS];
extern char __hv_start[], __hv_end[], _secondary_start[];

NORETURN void hv_boot_main(unsigned long hartid, unsigned long dtb);
NORETURN void hv_secondary_main(unsigned long hartid, unsigned long index,
				unsigned long late);

/* Runs on each hart once this_cpu() is set. */
static void hart_common_init(bool console_hart)
{
	struct arch_features features = {.sstc = platform.has_sstc};

	arch_cpu_init(&features);
	if (console_hart)
		hv_features = features;
	sched_init_hart(this_cpu(), 0);
	host_irq_init_hart(console_hart);
}

/* Entered from _secondary_start with the index start_secondary_harts()
 * passed as the HSM opaque; entry.S has bounds-checked it. */
void hv_secondary_main(unsigned long hartid, unsigned long index,
		       unsigned long late)
{
	if (!percpu_init_this_hart(index, hartid)) {
		/* Not checking in makes the boot hart report this hart. */
		hv_info("hart %lu: started as cpu %lu, which is not its own",
			hartid, index);
		arch_halt();
	}
	hart_common_init(false);
	if (late)
		hv_info("hart %lu came in at the boot entry (OpenSBI 1.1's "
			"start race); running it as cpu %lu",
			hartid, index);
	__atomic_store_n(&this_cpu()->online, true, __ATOMIC_RELEASE);
	sbi_client_send_ipi(1UL, cpus[0].hartid); /* the boot hart waits */
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

/*
 * Wait for a started hart, asleep: under emulation every hart is a host
 * thread, and a boot hart spinning here takes host CPU from the very hart
 * it waits for (on a loaded 2-core host, long enough to give up on it).
 * The hart wakes us with an IPI when it checks in; a 1 ms timer bounds
 * each sleep in case the IPI was lost.
 */
static bool wait_for_checkin(struct cpu *cpu, uint64_t ms)
{
	uint64_t tick = platform.timebase_frequency / 1000;
	uint64_t timeout = arch_time_now() + tick * ms;
	bool online;

	while (!(online = __atomic_load_n(&cpu->online, __ATOMIC_ACQUIRE)) &&
	       arch_time_now() < timeout) {
		arch_timer_program(MIN(arch_time_now() + tick, timeout));
		arch_wait_for_interrupt();
		arch_ipi_clear();
	}
	arch_timer_program(UINT64_MAX);
	return online;
}

/* Every cpu but the boot hart's (index 0). The HSM opaque carries the
 * cpu index, from which entry.S picks the stack. */
static void start_secondary_harts(void)
{
	struct cpu *cpu;

	/* For a hart that enters at _start after all (entry.S). */
	for (unsigned i = 1; (cpu = cpu_by_index(i)) != NULL; i++)
		hv_hart_slots[i] = cpu->hartid;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	for (unsigned i = 1; (cpu = cpu_by_index(i)) != NULL; i++) {
		for (unsigned try = 1; try <= HART_START_TRIES; try++) {
			long status = sbi_client_hart_status(cpu->hartid);

			/* 1 = STOPPED: (re)start it. Otherwise a previous
			 * start is still pending; just wait again. */
			if (status == 1)
				sbi_client_hart_start(
					cpu->hartid,
					(unsigned long)_secondary_start,
					cpu->index);
			if (wait_for_checkin(cpu, HART_CHECKIN_TIMEOUT_MS))
				break;
			hv_info("hart %u did not check in (try %u, HSM status "
				"%ld)",
				cpu->hartid, try, status);
		}
		/* HSM says it runs: it is slow (a host thread that got no
		 * CPU), not lost. Give it much longer before going on
		 * without it. */
		if (!cpu->online && sbi_client_hart_status(cpu->hartid) == 0)
			wait_for_checkin(cpu, HART_SLOW_CHECKIN_MS);
		if (!cpu->online)
			hv_info("hart %u never came up; running without it",
				cpu->hartid);
	}
}

static void release_secondary_harts(void)
{
	struct cpu *cpu;

	__atomic_store_n(&harts_released, true, __ATOMIC_RELEASE);
	for (unsigned i = 1; (cpu = cpu_by_index(i)) != NULL; i++)
		if (cpu->online) /* SBI IPIs name physical hart ids */
			sbi_client_send_ipi(1UL, cpu->hartid);
}

static void reserve_boot_memory(unsigned long dtb)
{
	memory_init(platform.ram_base, platform.ram_size);
	memory_reserve((uint64_t)(uintptr_t)__hv_start,
		       (uint64_t)(__hv_end - __hv_start));
	/* As long as the DTB's header says (platform.c read totalsize). */
	memory_reserve(dtb, platform.dtb_size);
	/* Every /memreserve/ and /reserved-memory region (platform_parse
	 * refused the boot if it could not list them all). */
	for (unsigned i = 0; i < platform.num_reserved; i++)
		memory_reserve(platform.reserved_base[i],
			       platform.reserved_size[i]);
	/* OpenSBI's own region, in case the DTB doesn't list it. */
	memory_reserve(platform.ram_base, 2 * MEGAPAGE_SIZE);
	if (platform.initrd_end > platform.initrd_start)
		memory_reserve(platform.initrd_start,
			       platform.initrd_end - platform.initrd_start);
}

/* Harts of the DTB that hartvisor leaves alone, and why. */
static void report_unused_harts(void)
{
	unsigned listed = MIN(platform.num_unused, PLATFORM_MAX_UNUSED);

	for (unsigned i = 0; i < listed; i++)
		hv_info("hart %u: not used, %s", platform.unused[i].hartid,
			platform_hart_unused_reason(platform.unused[i].reason));
	if (platform.num_unused > listed)
		hv_info("%u more harts not used", platform.num_unused - listed);
}

static void print_banner(void)
{
	unsigned online = 0;

	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		online += cpus[i].online;
	hv_info("hartvisor 0.1 on %u hart(s) (booted on hart %u), %llu MiB "
		"RAM at %#llx",
		online, this_cpu()->hartid,
		(unsigned long long)(platform.ram_size >> 20),
		(unsigned long long)platform.ram_base);
	report_unused_harts();
	hv_info("features: %s, stage-2 %s, %u VMID bits, timebase %llu Hz",
		hv_features.sstc ? "sstc" : "no sstc (SBI timer)",
		hv_features.sv39x4 ? "sv39x4" : "sv48x4", hv_features.vmid_bits,
		(unsigned long long)platform.timebase_frequency);
	hv_info("host isa %s", platform.isa);
	if (entropy_available())
		hv_info("entropy: %u bytes of rng-seed from the host DTB; each "
			"VM start gets its own in /chosen/rng-seed",
			platform.rng_seed_len);
	else
		hv_info("entropy: no rng-seed in the host DTB (at least %u "
			"bytes); VMs get none, and their RNG seeds itself "
			"slowly",
			ENTROPY_MIN_SEED_BYTES);
}

void hv_boot_main(unsigned long hartid, unsigned long dtb)
{
	char err[128];
	int ret = platform_parse((const void *)dtb, hartid, &platform, err,
				 sizeof(err));

	/* The UART address comes from the DTB; QEMU virt's is the fallback
	 * so that a DTB error can still be reported. */
	uart16550_init(&host_uart, hpa(ret ? 0x10000000UL : platform.uart_base),
		       0, false);
	console_init(&host_uart);
	if (ret)
		hv_panic("host DTB: %s", err);
	/* The parser put this hart first, so it is cpu 0. */
	percpu_assign_harts(platform.hartids, platform.num_harts);
	if (!percpu_init_this_hart(0, hartid))
		hv_panic("boot hart %lu did not get cpu 0", hartid);
	plic_init(hpa(platform.plic_base));
	/* The host's seed keys the generator, then is gone from here. */
	entropy_seed(platform.rng_seed, platform.rng_seed_len, arch_time_now());
	secret_wipe(platform.rng_seed, sizeof(platform.rng_seed));
	platform_wipe_rng_seed((void *)dtb);
	reserve_boot_memory(dtb);
	hart_common_init(true);
	this_cpu()->online = true;
	start_secondary_harts();
	print_banner();
	uart16550_enable_rx_irq(&host_uart);
	gdb_transport_init();

	vms_create_from_archive(
		platform.initrd_end > platform.initrd_start
			? (const void *)(uintptr_t)platform.initrd_start
			: NULL,
		platform.initrd_end - platform.initrd_start);
	if (!num_vms) {
		hv_info("no VM to run; powering off");
		sbi_client_shutdown(true);
	}
	gdb_stub_init();
	release_secondary_harts();
	sched_run_loop();
}
