// SPDX-License-Identifier: MIT
/*
 * The fake arch, host side: simulated harts, time, timers and IPIs
 * (see hv/arch/fake/fake.h).
 */
#include <stdlib.h>
#include <string.h>
#include <hv/cpu_msg.h>
#include <hv/vcpu.h>
#include "hv/arch/fake/fake.h"

struct cpu *fake_current_cpu;
struct fake_hart fake_harts[HV_MAX_HARTS];
uint64_t fake_time;
fake_guest_fn fake_guest;
fake_probe_fn fake_probe;
void (*fake_wait_hook)(void);
uint32_t fake_guest_insn;

static struct fake_hart *hart(void)
{
	return &fake_harts[fake_current_cpu - cpus];
}

void fake_set_hart(unsigned index)
{
	fake_current_cpu = &cpus[index];
}

unsigned fake_current_hart(void)
{
	return (unsigned)(fake_current_cpu - cpus);
}

void fake_advance_time(uint64_t ticks)
{
	fake_time += ticks;
}

void fake_probe_point(enum fake_probe point)
{
	static bool busy;

	if (!fake_probe || busy)
		return;
	busy = true;
	fake_probe(point);
	busy = false;
}

void fake_machine_init(unsigned num_harts, uint64_t time_slice)
{
	memset(cpus, 0, sizeof(struct cpu) * HV_MAX_HARTS);
	memset(fake_harts, 0, sizeof(fake_harts));
	fake_time = 1000;
	fake_guest = NULL;
	fake_probe = NULL;
	fake_wait_hook = NULL;
	fake_vs_timer_ends_wfi = true;
	fake_guest_insn = 0;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		fake_harts[i].timer_deadline = UINT64_MAX;
	for (unsigned i = 0; i < num_harts && i < HV_MAX_HARTS; i++) {
		cpus[i].index = i;
		cpus[i].hartid = i;
		cpus[i].present = true;
		cpus[i].online = true;
		fake_set_hart(i);
		sched_init_hart(&cpus[i], time_slice);
	}
	fake_set_hart(0);
}

void fake_serve_hart(unsigned index)
{
	unsigned me = fake_current_hart();

	fake_set_hart(index);
	if (fake_harts[index].pending & HOST_IRQ_IPI) {
		fake_harts[index].pending &= ~HOST_IRQ_IPI;
		cpu_msg_serve();
	}
	fake_set_hart(me);
}

void arch_cpu_init(struct arch_features *features)
{
	features->sv39x4 = true;
	features->sv48x4 = true;
	features->vmid_bits = 14;
}

uint64_t arch_time_now(void)
{
	fake_probe_point(FAKE_PROBE_TIME);
	return fake_time;
}

void arch_timer_program(uint64_t deadline)
{
	hart()->timer_deadline = deadline;
	hart()->timer_programs++;
}

unsigned long arch_pending_host_irqs(void)
{
	unsigned long pending = hart()->pending;

	if (fake_time >= hart()->timer_deadline)
		pending |= HOST_IRQ_TIMER;
	return pending;
}

void arch_ipi_clear(void)
{
	hart()->pending &= ~HOST_IRQ_IPI;
}

void arch_ipi_send(struct cpu *cpu)
{
	fake_harts[cpu - cpus].pending |= HOST_IRQ_IPI;
	fake_harts[cpu - cpus].ipis_received++;
	fake_probe_point(FAKE_PROBE_IPI_SENT);
}

/* When the hart's Sstc timer ends a wfi, in host time: VSTIP pending
 * and enabled (vsie.STIE is hie.VSTIE) ends it, as the privileged spec
 * says, from whatever VS CSRs the hart holds, loaded vCPU or not (a put
 * leaves them). UINT64_MAX: it cannot. */
static uint64_t vs_timer_wakes_at(void)
{
	const struct fake_live_state *live = &hart()->live;

	if (!live->stce || !(live->vsie & VIRQ_TIMER) ||
	    live->vstimecmp == UINT64_MAX)
		return UINT64_MAX;
	return live->vstimecmp - live->htimedelta;
}

/* Sleep until an interrupt: time jumps to the timer, or to the loaded
 * vCPU's enabled Sstc deadline, if nothing else is pending (an idle hart
 * with neither would sleep forever; it returns, and the test sees it
 * idle). A test may stop VSTIP from ending it (a host that would not). */
bool fake_vs_timer_ends_wfi = true;

void arch_wait_for_interrupt(void)
{
	uint64_t wake = hart()->timer_deadline, vs = vs_timer_wakes_at();

	hart()->waits++;
	/* A VS interrupt left pending in hvip wakes the hart at once (as on
	 * QEMU): the idle loop would spin instead of sleeping. */
	if (hart()->hvip && !hart()->pending &&
	    fake_time < hart()->timer_deadline) {
		hart()->spurious_wakeups++;
		return;
	}
	if (fake_wait_hook) {
		fake_wait_hook();
		return;
	}
	/* The same for the Sstc timer already due with no vCPU switched in
	 * to take it (in a wait in place, the vCPU's own wakeup). */
	if (fake_vs_timer_ends_wfi && vs <= fake_time && !hart()->pending &&
	    !fake_current_cpu->current) {
		hart()->spurious_wakeups++;
		return;
	}
	if (fake_vs_timer_ends_wfi && vs < wake)
		wake = vs;
	if (!hart()->pending && wake != UINT64_MAX && fake_time < wake)
		fake_time = wake;
}

/* The other harts run concurrently on real hardware: let them serve the
 * messages this hart may be waiting for, and let time pass. */
void arch_relax(void)
{
	fake_probe_point(FAKE_PROBE_RELAX);
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (cpus[i].online && &cpus[i] != fake_current_cpu &&
		    !fake_harts[i].stalled &&
		    (fake_harts[i].pending & HOST_IRQ_IPI))
			fake_serve_hart(i);
	fake_time++;
}

unsigned long arch_stage2_root(unsigned levels, unsigned vmid, hpa_t root)
{
	return ((unsigned long)(levels == 3 ? 8 : 9) << 60) |
	       ((unsigned long)vmid << 44) | (root.val >> PAGE_SHIFT);
}

void arch_stage2_flush_all(void)
{
}

void arch_stage2_flush_vmid(unsigned vmid)
{
	hart()->stage2_flushes++;
	hart()->stage2_flushed_vmid = vmid;
}

void arch_halt(void)
{
	abort();
}
