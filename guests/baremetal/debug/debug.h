/* SPDX-License-Identifier: MIT */
/*
 * The debug guest's shared declarations (see main.c for what each symbol
 * is for). The constants above __ASSEMBLY__ are shared with trampoline.S;
 * link.ld repeats DEBUG_VIRT_OFFSET and an ASSERT there keeps the two in
 * step through debug_virt_offset_check.
 */
#ifndef DEBUG_GUEST_H
#define DEBUG_GUEST_H

/* Virtual minus physical address of all of RAM: the image at physical
 * 0x80200000 runs at 0xffffffc080200000 (Sv39's top 256 GiB). */
#define DEBUG_VIRT_OFFSET 0xffffffc000000000
#define DEBUG_RAM_BASE 0x80000000
#define DEBUG_SATP_MODE_SV39 0x8000000000000000
#define DEBUG_MAX_VCPUS 4

#ifndef __ASSEMBLY__

#include <stdint.h>

/* Where vCPU 0 is; gdb prints the names. */
enum debug_phase {
	PHASE_BOOT,	  /* before guest_main */
	PHASE_STARTING,	  /* all of RAM mapped, secondaries starting */
	PHASE_RUNNING,	  /* the main loop */
	PHASE_RENDEZVOUS, /* loop done, waiting for the secondaries */
	PHASE_CHECKING,	  /* the final checks */
	PHASE_DONE,	  /* summary next, then shutdown */
};

/* Functions the gdb tests break on: never inlined, never cloned. */
#define DEBUG_FUNC __attribute__((noinline, noipa))

/* Run control (main.c). */
extern volatile enum debug_phase debug_phase;
extern uint64_t debug_iterations, debug_delay_us, debug_spin, spin_count;
extern uint64_t iterations_done, vcpus_online, rendezvous_arrived;
extern uint64_t code_changes;
extern unsigned long vcpu_satp[DEBUG_MAX_VCPUS];

/* The work (work.c). */
extern uint64_t debug_counter, debug_flags[DEBUG_MAX_VCPUS];
extern uint64_t watch_a, watch_b, watch_neighbor;
extern uint64_t watch_0, watch_1, watch_2, watch_3, watch_4, watch_5;
extern uint64_t watch_read_sum;
extern uint64_t atomic_target, lrsc_adds[DEBUG_MAX_VCPUS],
	lrsc_retries[DEBUG_MAX_VCPUS];
extern double fp_step, fp_result;
extern uint64_t bt_result, level3_calls;

#define WATCH_1_VALUE 0x1111
#define WATCH_4_VALUE 0x4444
#define WATCH_B_VALUE 0xb0b0
#define FP_TERMS 16

void bump_counter(void);
void touch_watch_vars(uint64_t iteration);
unsigned long atomic_add_lrsc(uint64_t delta);
double fp_work(uint64_t iteration);
uint64_t level1(uint64_t x);
uint64_t level2(uint64_t x);
uint64_t level3(uint64_t x);
void vcpu_work(unsigned id);
void spin_forever(void);
void pace(uint64_t us);

/* Sv39 page tables (paging.c). */
typedef uint64_t pte_t;
extern pte_t pt_root[512], pt_high_l1[512], pt_high_l0[512], pt_ident_l1[512],
	pt_ident_l0[512];
/* Called by trampoline.S on the boot hart, at the physical alias. */
unsigned long debug_paging_build(unsigned long dtb_phys);
/* Map RAM up to phys_end; running_offset is the alias the caller runs on. */
void paging_map_ram(unsigned long running_offset, unsigned long phys_end);
unsigned long paging_expected_satp(void);
void guest_enable_paging(void);

#endif /* __ASSEMBLY__ */
#endif
