// SPDX-License-Identifier: MIT
/*
 * debug: the guest the gdb stub tests drive (build/guests/debug.elf has the
 * symbols, debug.img is what the VM boots; config guests/configs/debug.dts:
 * 4 vCPUs, 16 MiB). Without a debugger it runs about 2 s and ends with
 * "GUEST debug SUMMARY: passed=N failed=0" and an SRST shutdown.
 *
 * Memory (Sv39, satp = pt_root on every vCPU from its first C instruction):
 *   VA = PA + 0xffffffc000000000 for all of RAM (PA 0x80000000..+16 MiB is
 *   VA 0xffffffc080000000..). The image is loaded at PA 0x80200000 and
 *   linked at VA 0xffffffc080200000 (ELF VMA = virtual, LMA = physical), so
 *   every ELF symbol is virtual. The only other mapping is the identity of
 *   the trampoline page (__trampoline_start, R-X), from where each vCPU
 *   turns paging on: any other physical address used as a virtual one is
 *   unmapped. Image text is R-X, rodata R--, the rest RW- (4 KiB pages in
 *   pt_high_l0); the rest of RAM (the DTB at the top) in 2 MiB RW- pages.
 *   See paging.c and link.ld.
 *
 * Boot: every vCPU enters crt0 at its physical address with satp = Bare;
 * crt0 calls guest_enable_paging (trampoline.S), which on vCPU 0 first
 * builds the tables (debug_paging_build), then writes satp and returns
 * into the virtual alias. So no C code of the guest ever runs at a
 * physical address except debug_paging_build, once. vCPU 0 starts vCPUs
 * 1..3 with SBI HSM at the physical hart_start_entry.
 *
 * Bootargs (the VM config's): "iterations=N", "delay-us=N", "hold" (vCPU 0
 * waits in spin_forever before the first iteration until gdb clears
 * debug_spin). A gdb test config would add "gdb; gdb-wait;" to the VM.
 *
 * Functions (never inlined or cloned, so "break NAME" and "bt" work):
 *   debug_main_loop()     vCPU 0's loop, iteration i = 1..debug_iterations:
 *                           [spin_forever() if debug_spin]
 *                           bump_counter(); touch_watch_vars(i);
 *                           fp_work(i); bt_result = level1(i);
 *                           vcpu_work(0); "DEBUG iteration i" if i % 10 == 0;
 *                           pace(debug_delay_us)
 *   secondary_main()      vCPUs 1..3: vcpu_work(id); pace(debug_delay_us);
 *                           until debug_phase leaves PHASE_RUNNING (at least
 *                           once), then rendezvous and SBI HSM hart_stop
 *   bump_counter()        debug_counter += 1 (vCPU 0 only)
 *   vcpu_work(id)         debug_flags[id] += 1; atomic_add_lrsc(1);
 *                           lrsc_adds[id] += 1 (every vCPU, own slots)
 *   atomic_add_lrsc(d)    atomic_target += d by an lr.d/sc.d retry loop;
 *                           returns the sc failures (summed in lrsc_retries)
 *   fp_work(i)            fp_result = sum(fp_step * k, k = 1..16) + 0.25 * i
 *                           computed in f-registers (fp_step = 1.5)
 *   level1(x) -> level2(2x) -> level3(2x + 2): three frames for bt;
 *                           level1(x) = 6x + 327, level3 counts level3_calls
 *   touch_watch_vars(i)   vCPU 0, exactly this order of single accesses:
 *                           1 write watch_0 = i
 *                           2 read  watch_1                  (0x1111)
 *                           3 read  watch_2, write watch_2 += 2
 *                           4 write watch_3 = 3i
 *                           5 read  watch_4                  (0x4444)
 *                           6 read  watch_5, write watch_5 += i
 *                           7 write watch_neighbor = 7i      (never watched)
 *                           8 write watch_a = i
 *                           9 read  watch_b                  (0xb0b0)
 *                           then watch_read_sum += the three reads
 *   spin_forever()        tight loop (no wfi, no ecall) while debug_spin,
 *                           counting spin_count: for Ctrl-C
 *   pace(us)              wfi until the timer, interrupts off
 *   code_signature()      the first 32 bytes of level3 and bump_counter
 *                           (the gdb tests' breakpoints), read as data:
 *                           compared every iteration with their value
 *                           before the first, counting code_changes (a
 *                           stub breakpoint the guest could see)
 *
 * Variables (uint64_t unless noted; all writable from gdb):
 *   debug_iterations  200  (bootarg iterations=N); read every iteration
 *   debug_delay_us    10000 per iteration (bootarg delay-us=N)
 *   debug_spin        0; vCPU 0 spins in spin_forever while it is non-zero
 *                     (bootarg "hold": 1 before the first iteration)
 *   debug_phase       enum debug_phase, PHASE_BOOT .. PHASE_DONE
 *   iterations_done   completed iterations of vCPU 0
 *   debug_counter, debug_flags[4], atomic_target, lrsc_adds[4],
 *   lrsc_retries[4], bt_result, level3_calls, spin_count,
 *   fp_result, fp_step (double), vcpus_online, rendezvous_arrived,
 *   vcpu_satp[4] (unsigned long: satp each vCPU saw in C)
 *   watch_a, watch_b, watch_neighbor: one page (.watch, page aligned)
 *   watch_0 .. watch_5: one page each, right after it
 *   pt_root, pt_high_l1, pt_high_l0, pt_ident_l1, pt_ident_l0: the tables
 *
 * After N iterations (N = iterations_done): debug_counter = debug_flags[0]
 * = lrsc_adds[0] = level3_calls = N; watch_0 = watch_a = N; watch_2 = 2N;
 * watch_3 = 3N; watch_5 = N(N+1)/2; watch_neighbor = 7N;
 * watch_read_sum = N * 0x10605; bt_result = 6N + 327;
 * fp_result = 204 + N/4; atomic_target = sum of lrsc_adds. The guest checks
 * all of these itself (TEST debug/...) before its summary, so a debugger
 * that disturbed the run (lost or doubled accesses) shows as a failure.
 */
#include "console.h"
#include "csr.h"
#include "debug.h"
#include "harts.h"
#include "platform.h"
#include "test.h"
#include "timer.h"
#include "util.h"

#define ONLINE_TIMEOUT_US 5000000
#define RENDEZVOUS_TIMEOUT_US 10000000
#define PROGRESS_EVERY 10

const char guest_name[] = "debug";

volatile enum debug_phase debug_phase;
uint64_t debug_iterations = 200;
uint64_t debug_delay_us = 10000;
uint64_t debug_spin;
uint64_t spin_count;
uint64_t iterations_done;
uint64_t vcpus_online;
uint64_t rendezvous_arrived;
uint64_t code_changes;
unsigned long vcpu_satp[DEBUG_MAX_VCPUS];

void debug_main_loop(void);
void secondary_main(void *arg);
void debug_checks(unsigned vcpus);

static void vcpu_online(unsigned id)
{
	vcpu_satp[id] = csr_read(satp);
	__atomic_fetch_add(&vcpus_online, 1, __ATOMIC_RELEASE);
}

DEBUG_FUNC void secondary_main(void *arg)
{
	unsigned id = current_hartid();

	(void)arg;
	vcpu_online(id);
	/* At least one round, so every vCPU has been through vcpu_work. */
	do {
		vcpu_work(id);
		pace(READ_ONCE(debug_delay_us));
	} while (debug_phase == PHASE_RUNNING);
	__atomic_fetch_add(&rendezvous_arrived, 1, __ATOMIC_RELEASE);
	/* Returning stops this vCPU with SBI HSM (harts.c). */
}

/* The first 32 bytes (gdb breaks after the prologue), by halfword loads:
 * a function may start at any 2-byte boundary. */
static uint64_t code_bytes(const void *func)
{
	const volatile uint16_t *half = func;
	uint64_t sum = 0;

	for (unsigned i = 0; i < 16; i++)
		sum = sum * 31 + half[i];
	return sum;
}

static uint64_t code_signature(void)
{
	return code_bytes((const void *)level3) * 3 +
	       code_bytes((const void *)bump_counter);
}

DEBUG_FUNC void debug_main_loop(void)
{
	uint64_t i, code = code_signature();

	for (i = 1; i <= READ_ONCE(debug_iterations); i++) {
		if (READ_ONCE(debug_spin))
			spin_forever();
		if (code_signature() != code)
			WRITE_ONCE(code_changes, code_changes + 1);
		bump_counter();
		touch_watch_vars(i);
		fp_work(i);
		WRITE_ONCE(bt_result, level1(i));
		vcpu_work(0);
		WRITE_ONCE(iterations_done, i);
		if (i % PROGRESS_EVERY == 0)
			printf("DEBUG iteration %lu\n", (unsigned long)i);
		pace(READ_ONCE(debug_delay_us));
	}
}

static unsigned start_secondaries(unsigned vcpus)
{
	char name[48];
	unsigned started = 0;

	for (unsigned h = 1; h < vcpus; h++) {
		long err = hart_launch(h, secondary_main, NULL);

		check(!err,
		      hart_check_name(name, sizeof(name), "hart-start", h),
		      "sbi_hart_start error %ld", err);
		started += !err;
	}
	return started;
}

static bool wait_online(uint64_t want)
{
	uint64_t deadline = deadline_after_us(ONLINE_TIMEOUT_US);

	while (__atomic_load_n(&vcpus_online, __ATOMIC_ACQUIRE) < want)
		if (time_reached(deadline))
			return false;
	return true;
}

static void rendezvous(unsigned vcpus, unsigned started)
{
	unsigned long failed = 0;

	debug_phase = PHASE_RENDEZVOUS;
	for (unsigned h = 1; h < vcpus; h++)
		if (!hart_wait_stopped(h, RENDEZVOUS_TIMEOUT_US))
			failed |= 1UL << h;
	check(!failed && READ_ONCE(rendezvous_arrived) == started, "rendezvous",
	      "arrived=%lu of %u, not stopped: mask 0x%lx",
	      (unsigned long)READ_ONCE(rendezvous_arrived), started, failed);
	printf("DEBUG rendezvous: %lu vCPU(s) joined vCPU 0\n",
	       (unsigned long)READ_ONCE(rendezvous_arrived));
}

void guest_main(void)
{
	unsigned vcpus = platform.num_harts;
	unsigned started;

	if (vcpus > DEBUG_MAX_VCPUS)
		vcpus = DEBUG_MAX_VCPUS;
	debug_iterations = bootarg_u64("iterations", debug_iterations);
	debug_delay_us = bootarg_u64("delay-us", debug_delay_us);
	if (str_has_word(platform.bootargs, "hold"))
		debug_spin = 1;
	/* Map the rest of RAM now that the DTB told its size. */
	paging_map_ram(DEBUG_VIRT_OFFSET, ram_end());
	asm volatile("sfence.vma" ::: "memory");

	debug_phase = PHASE_STARTING;
	vcpu_online(0);
	started = start_secondaries(vcpus);
	check(wait_online(1 + started), "vcpus-online", "%lu of %u online",
	      (unsigned long)READ_ONCE(vcpus_online), 1 + started);
	printf("DEBUG running: %u vCPUs, iterations=%lu delay-us=%lu%s\n",
	       vcpus, (unsigned long)debug_iterations,
	       (unsigned long)debug_delay_us,
	       debug_spin ? ", holding in spin_forever" : "");

	debug_phase = PHASE_RUNNING;
	debug_main_loop();
	rendezvous(vcpus, started);

	debug_phase = PHASE_CHECKING;
	debug_checks(vcpus);
	debug_phase = PHASE_DONE;
}
