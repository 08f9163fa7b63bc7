// SPDX-License-Identifier: MIT
/* The multi-hart scheduler simulation: see sched_sim.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/sbi.h>
#include "sched/internal.h"
#include "sched/policy.h"
#include "sched_sim.h"

#define SIM_HARTS 8
#define SIM_STACK (256 * 1024)
/* A guest looks for interrupts this often (a real hart: every insn). */
#define SIM_QUANTUM (10 * SIM_TICKS_PER_US)

enum hart_state {
	HART_RUNNING,
	HART_IN_GUEST,
	HART_WAITING
};

static ucontext_t harness_context, hart_context[SIM_HARTS];
static char *stacks[SIM_HARTS];
static enum hart_state state[SIM_HARTS];
static uint64_t resume_at[SIM_HARTS];
static unsigned num_harts;
static struct sim_vcpu sims[HV_MAX_VMS][VM_MAX_VCPUS];
uint64_t sim_idle_violations, sim_idle_violation_ticks;
int sim_first_hart = -1;
uint64_t sim_timer_delay;
static uint64_t violation_since[SIM_HARTS];

static void yield_to_harness(unsigned hart, enum hart_state new_state,
			     uint64_t when)
{
	state[hart] = new_state;
	resume_at[hart] = when;
	swapcontext(&hart_context[hart], &harness_context);
	state[hart] = HART_RUNNING;
}

static void wait_hook(void)
{
	unsigned hart = fake_current_hart();

	yield_to_harness(hart, HART_WAITING, fake_harts[hart].timer_deadline);
}

static void hart_main(int index)
{
	for (;;) {
		fake_set_hart((unsigned)index);
		sched_run_once();
	}
}

struct sim_vcpu *sim_vcpu(struct vm *vm, unsigned index)
{
	return &sims[vm->index][index];
}

/* Compute until an interrupt is pending (or for at most `limit` ticks
 * when limit is nonzero). Returns true if the guest must exit. */
static bool compute(struct vcpu *vcpu, struct sim_vcpu *sim, uint64_t limit)
{
	unsigned hart = fake_current_hart();
	struct fake_hart *h = &fake_harts[hart];
	uint64_t start = fake_time;

	for (;;) {
		uint64_t now = fake_time, next;

		if (h->pending & HOST_IRQ_IPI) {
			fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
			return true;
		}
		uint64_t fires = h->timer_deadline == UINT64_MAX
					 ? UINT64_MAX
					 : h->timer_deadline + sim_timer_delay;

		if (now >= fires) {
			fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
			return true;
		}
		if (limit && now - start >= limit)
			return false;
		next = now + SIM_QUANTUM;
		if (fires < next)
			next = fires;
		if (limit && start + limit < next)
			next = start + limit;
		sim->progress += next - now;
		yield_to_harness(hart, HART_IN_GUEST, next);
		if (fake_time < next)
			fake_time = next;
	}
}

enum {
	PHASE_ARM,
	PHASE_ARMED,
	PHASE_WAIT,
	PHASE_WORK
};

/* The SBI call the periodic guest makes: set_timer(a0). */
static enum exit_action sim_ecall(struct vcpu *vcpu)
{
	vcpu_set_timer(vcpu, vcpu->arch.gpr[10]);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void periodic_guest(struct vcpu *vcpu, struct sim_vcpu *sim)
{
	if (sim->phase == PHASE_WAIT) {
		if (!(vcpu->arch.virq_injected & VIRQ_TIMER)) {
			fake_exit_wfi(vcpu); /* not yet: wait again */
			return;
		}
		uint64_t late = fake_time - sim->deadline;

		sim->wakeups++;
		sim->lateness_sum += late;
		if (late > sim->lateness_max)
			sim->lateness_max = late;
		sim->work_left = sim->work;
		sim->phase = PHASE_WORK;
	}
	if (sim->phase == PHASE_WORK) {
		uint64_t before = sim->progress;

		if (sim->work_left && compute(vcpu, sim, sim->work_left)) {
			sim->work_left -= sim->progress - before;
			return;
		}
		sim->phase = PHASE_ARM;
	}
	if (sim->phase == PHASE_ARM) { /* set the timer (an SBI call) */
		unsigned long deadline = fake_time + sim->period;

		sim->deadline = deadline;
		sim->phase = PHASE_ARMED;
		fake_exit_ecall(vcpu, SBI_EXT_TIME, 0, &deadline, 1);
		return;
	}
	sim->phase = PHASE_WAIT; /* then wait for it */
	fake_guest_write_sie(vcpu, VIRQ_TIMER);
	fake_exit_wfi(vcpu);
}

static void sim_guest(struct vcpu *vcpu)
{
	struct sim_vcpu *sim = sim_vcpu(vcpu->vm, vcpu->id);

	if (sim->behaviour == SIM_BUSY)
		compute(vcpu, sim, 0);
	else
		periodic_guest(vcpu, sim);
}

void sim_start(unsigned harts, uint64_t slice, const char *policy)
{
	fake_machine_reset(harts, slice);
	assert_int_equal(sched_configure(policy, slice), HV_OK);
	memset(sims, 0, sizeof(sims));
	num_harts = harts;
	sim_first_hart = -1;
	sim_timer_delay = 0;
	sim_idle_violations = sim_idle_violation_ticks = 0;
	fake_guest = sim_guest;
	fake_ecall_handler = sim_ecall;
	fake_wait_hook = wait_hook;
	for (unsigned i = 0; i < harts; i++) {
		if (!stacks[i])
			stacks[i] = malloc(SIM_STACK);
		getcontext(&hart_context[i]);
		hart_context[i].uc_stack.ss_sp = stacks[i];
		hart_context[i].uc_stack.ss_size = SIM_STACK;
		hart_context[i].uc_link = NULL;
		makecontext(&hart_context[i], (void (*)(void))hart_main, 1,
			    (int)i);
		state[i] = HART_RUNNING;
		resume_at[i] = fake_time;
		violation_since[i] = 0;
	}
}

struct vm *sim_vm(const char *name, unsigned vcpus, unsigned weight,
		  unsigned long allowed, enum sim_behaviour behaviour)
{
	struct vm *vm = fake_vm_create(name, vcpus, allowed);
	unsigned placed = 0;

	vm->sched.weight = weight;
	for (unsigned i = 0; i < vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		/* Spread over the allowed harts, in order. */
		while (!(vcpu->allowed_cpus & (1UL << (placed % num_harts))))
			placed++;
		fake_vcpu_place(vcpu, sim_first_hart >= 0
					      ? (unsigned)sim_first_hart
					      : placed++ % num_harts);
		sims[vm->index][i].behaviour = behaviour;
		sims[vm->index][i].period = SIM_TICKS_PER_MS;
		sims[vm->index][i].work = 20 * SIM_TICKS_PER_US;
	}
	for (unsigned i = 0; i < vcpus; i++)
		fake_vcpu_start(vm, i, 0x80000000UL);
	return vm;
}

static bool throttled(struct runqueue *rq, struct sched_entity *se)
{
	return rq->policy == &sched_policy_fair && se->next != se;
}

/* Is a vCPU that hart may run waiting in some runqueue? */
static bool work_for(unsigned hart)
{
	for (unsigned j = 0; j < num_harts; j++) {
		struct runqueue *rq = &cpus[j].rq;

		for (struct sched_entity *se = rq->members.member_next;
		     se != &rq->members; se = se->member_next) {
			struct vcpu *vcpu = vcpu_of_entity(se);

			if (vcpu->state == VCPU_RUNNABLE && se->queued &&
			    !throttled(rq, se) && !vcpu->parked &&
			    (vcpu->allowed_cpus & (1UL << hart)))
				return true;
		}
	}
	return false;
}

static void check_idle(uint64_t now)
{
	for (unsigned i = 0; i < num_harts; i++) {
		bool idle = state[i] == HART_WAITING &&
			    !(fake_harts[i].pending & HOST_IRQ_IPI) &&
			    work_for(i);

		if (!idle) {
			violation_since[i] = 0;
			continue;
		}
		sim_idle_violations++;
		if (!violation_since[i])
			violation_since[i] = now;
		else if (now - violation_since[i] > sim_idle_violation_ticks)
			sim_idle_violation_ticks = now - violation_since[i];
	}
}

/* When hart i next has something to do. */
static uint64_t next_event(unsigned i)
{
	bool ipi = fake_harts[i].pending & HOST_IRQ_IPI;

	switch (state[i]) {
	case HART_WAITING:
		if (ipi)
			return fake_time;
		return fake_harts[i].timer_deadline;
	case HART_IN_GUEST:
		return ipi && fake_time < resume_at[i] ? fake_time
						       : resume_at[i];
	default:
		return resume_at[i];
	}
}

void sim_run(uint64_t ticks)
{
	uint64_t end = fake_time + ticks;

	for (;;) {
		unsigned best = 0;
		uint64_t when = UINT64_MAX;

		for (unsigned i = 0; i < num_harts; i++) {
			uint64_t t = next_event(i);

			if (t < when) {
				when = t;
				best = i;
			}
		}
		if (when >= end) {
			if (fake_time < end)
				fake_time = end;
			return;
		}
		if (fake_time < when)
			fake_time = when;
		check_idle(fake_time);
		fake_set_hart(best);
		swapcontext(&harness_context, &hart_context[best]);
	}
}

uint64_t sim_vm_progress(struct vm *vm)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < vm->num_vcpus; i++)
		total += sims[vm->index][i].progress;
	return total;
}

uint64_t sim_migrations(void)
{
	uint64_t total = 0;

	for (unsigned v = 0; v < num_vms; v++)
		for (unsigned i = 0; i < vms[v].num_vcpus; i++)
			total += vms[v].vcpus[i].stats.migrations;
	return total;
}
