// SPDX-License-Identifier: MIT
/* A scripted guest for the SBI host tests: see sbi_guest.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <cmocka.h>
#include <hv/console.h>
#include "sbi_guest.h"
#include "sched/internal.h"

#define WEAK __attribute__((weak))
#define OTHER_HART_STACK (256UL << 10)
/* wfi that returns this often in a row, with nothing left to do, is a
 * test whose guest keeps an enabled interrupt pending: fail, not hang. */
#define IDLE_LOOP_LIMIT 10000
#define RUN_TURN_LIMIT 1000

enum step_kind {
	STEP_ECALL,
	STEP_WFI,
	STEP_SIE,
	STEP_WFI_IN_GUEST,
	STEP_FN,
	STEP_SPIN
};

struct step {
	enum step_kind kind;
	unsigned long eid, fid, args[6];
	unsigned long sie;
	void (*fn)(struct vcpu *vcpu);
	int issued_at; /* entry that ran it, -1 before */
};

struct script {
	struct step steps[GUEST_MAX_STEPS];
	unsigned count, next;
	struct guest_entry log[GUEST_MAX_ENTRIES];
	unsigned entries;
	unsigned idle_loops;
};

/* A hart that runs a vCPU in the guest while the test's hart waits. */
struct other_hart {
	bool active;
	bool take_ipi;
	unsigned latency, waited;
	ucontext_t ctx;
	ucontext_t *back;
	void *stack;
};

struct console {
	char out[GUEST_CONSOLE_SIZE];
	size_t len;
	char in[CONSOLE_INPUT_SIZE];
	size_t in_head, in_len;
};

static struct script scripts[HV_MAX_VMS][VM_MAX_VCPUS];
static struct other_hart others[HV_MAX_HARTS];
static unsigned relax_count;
static struct console consoles[HV_MAX_VMS];

static struct script *script_of(struct vcpu *vcpu)
{
	return &scripts[vcpu->vm->index][vcpu->id];
}

static void other_resume(unsigned index)
{
	struct other_hart *other = &others[index];
	unsigned me = fake_current_hart();
	ucontext_t back;

	other->back = &back;
	fake_set_hart(index);
	swapcontext(&back, &other->ctx);
	fake_set_hart(me);
}

static void other_yield(unsigned index)
{
	swapcontext(&others[index].ctx, others[index].back);
	fake_set_hart(index);
}

/* The other hart's scheduler loop; when it has nothing to run it waits
 * for the test's hart to resume it. */
static void other_main(int index)
{
	for (;;)
		if (!sched_run_once())
			other_yield((unsigned)index);
}

/* In the guest on another hart until an IPI is taken. */
static void spin_in_guest(struct vcpu *vcpu)
{
	unsigned index = fake_current_hart();

	for (;;) {
		if (others[index].take_ipi) {
			others[index].take_ipi = false;
			fake_exit_host_interrupt(vcpu, IRQ_CAUSE_SOFT);
			return;
		}
		other_yield(index);
	}
}

/* The test's hart waits (arch_relax): the other harts make progress. */
static void relax_probe(enum fake_probe point)
{
	if (point != FAKE_PROBE_RELAX)
		return;
	relax_count++;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		struct other_hart *other = &others[i];

		if (!other->active || i == fake_current_hart())
			continue;
		if (!(fake_harts[i].pending & HOST_IRQ_IPI)) {
			other->waited = 0;
			continue;
		}
		if (other->waited++ < other->latency)
			continue;
		other->waited = 0;
		other->take_ipi = true;
		other_resume(i);
		other->take_ipi = false;
	}
}

static void idle(struct vcpu *vcpu, struct script *script)
{
	if (++script->idle_loops > IDLE_LOOP_LIMIT)
		fail_msg("vCPU %u: wfi keeps returning with nothing to do",
			 vcpu->id);
	vcpu->arch.virq_injected &= ~VIRQ_SOFT; /* the handler clears SSIP */
	fake_exit_wfi(vcpu);
}

static void guest_hook(struct vcpu *vcpu)
{
	struct script *script = script_of(vcpu);
	struct fake_hart *hart = &fake_harts[fake_current_hart()];

	if (script->entries == GUEST_MAX_ENTRIES)
		fail_msg("vCPU %u: more than %u guest entries", vcpu->id,
			 GUEST_MAX_ENTRIES);
	script->log[script->entries] = (struct guest_entry){
		.pc = vcpu->arch.sepc,
		.a0 = vcpu->arch.gpr[GPR_A0],
		.a1 = vcpu->arch.gpr[GPR_A1],
		.virq = vcpu->arch.virq_injected,
		.hart = fake_current_hart(),
		.tlb_flushes = hart->tlb_flushes,
		.fence_is = hart->fence_is,
	};
	script->entries++;
	for (;;) {
		if (script->next == script->count) {
			idle(vcpu, script);
			return;
		}
		struct step *step = &script->steps[script->next];

		script->idle_loops = 0;
		if (step->kind != STEP_SPIN) {
			script->next++;
			step->issued_at = (int)script->entries - 1;
		}
		switch (step->kind) {
		case STEP_SIE:
			hart->live.vsie =
				step->sie; /* the vCPU is loaded here */
			continue;
		case STEP_WFI_IN_GUEST:
			arch_vcpu_set_wfi_in_guest(&vcpu->arch, true);
			continue;
		case STEP_ECALL:
			fake_exit_ecall(vcpu, step->eid, step->fid, step->args,
					6);
			return;
		case STEP_WFI:
			fake_exit_wfi(vcpu);
			return;
		case STEP_FN:
			step->fn(vcpu);
			return;
		case STEP_SPIN:
			spin_in_guest(vcpu);
			return;
		}
	}
}

void guest_reset(void)
{
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		/* A coroutine left in the guest is abandoned with its hart. */
		free(others[i].stack);
		memset(&others[i], 0, sizeof(others[i]));
	}
	memset(scripts, 0, sizeof(scripts));
	memset(consoles, 0, sizeof(consoles));
	relax_count = 0;
	fake_probe = NULL;
	fake_guest = guest_hook;
}

static struct step *add_step(struct vcpu *vcpu, enum step_kind kind)
{
	struct script *script = script_of(vcpu);

	if (script->count == GUEST_MAX_STEPS)
		fail_msg("vCPU %u: script too long", vcpu->id);
	struct step *step = &script->steps[script->count++];

	memset(step, 0, sizeof(*step));
	step->kind = kind;
	step->issued_at = -1;
	return step;
}

void guest_ecall_args(struct vcpu *vcpu, unsigned long eid, unsigned long fid,
		      const unsigned long args[6])
{
	struct step *step = add_step(vcpu, STEP_ECALL);

	step->eid = eid;
	step->fid = fid;
	memcpy(step->args, args, sizeof(step->args));
}

void guest_wfi(struct vcpu *vcpu)
{
	add_step(vcpu, STEP_WFI);
}

void guest_write_sie(struct vcpu *vcpu, unsigned long sie)
{
	add_step(vcpu, STEP_SIE)->sie = sie;
}

void guest_mark_wfi_in_guest(struct vcpu *vcpu)
{
	add_step(vcpu, STEP_WFI_IN_GUEST);
}

void guest_do(struct vcpu *vcpu, void (*fn)(struct vcpu *vcpu))
{
	add_step(vcpu, STEP_FN)->fn = fn;
}

unsigned guest_entries(struct vcpu *vcpu)
{
	return script_of(vcpu)->entries;
}

const struct guest_entry *guest_entry(struct vcpu *vcpu, unsigned n)
{
	struct script *script = script_of(vcpu);

	if (n >= script->entries)
		fail_msg("vCPU %u: no entry %u (%u so far)", vcpu->id, n,
			 script->entries);
	return &script->log[n];
}

const struct guest_entry *guest_last(struct vcpu *vcpu)
{
	return guest_entry(vcpu, guest_entries(vcpu) - 1);
}

void guest_wake(struct vcpu *vcpu)
{
	struct runqueue *rq = sched_lock_vcpu(vcpu);

	if (vcpu->state == VCPU_BLOCKED &&
	    vcpu->block_reason == SCHED_BLOCK_WFI)
		sched_make_runnable_locked(vcpu);
	spin_unlock(&rq->lock);
}

unsigned guest_run_hart(unsigned index)
{
	unsigned me = fake_current_hart();
	unsigned turns = 0;

	fake_set_hart(index);
	while (__atomic_load_n(&cpus[index].rq.nr_queued, __ATOMIC_RELAXED)) {
		if (++turns > RUN_TURN_LIMIT)
			fail_msg("hart %u never idles", index);
		sched_run_once();
	}
	fake_set_hart(me);
	return turns;
}

struct guest_sbiret guest_call_args(struct vcpu *vcpu, unsigned long eid,
				    unsigned long fid,
				    const unsigned long args[6])
{
	struct script *script = script_of(vcpu);
	struct guest_sbiret ret = {0};
	unsigned n = script->count;

	guest_ecall_args(vcpu, eid, fid, args);
	guest_wake(vcpu);
	guest_run_hart(cpu_index(vcpu->cpu));
	int at = script->steps[n].issued_at;

	if (at < 0)
		fail_msg("vCPU %u did not run its call", vcpu->id);
	if ((unsigned)at + 1 < script->entries &&
	    script->log[at + 1].pc == script->log[at].pc + 4) {
		ret.returned = true;
		ret.error = (long)script->log[at + 1].a0;
		ret.value = script->log[at + 1].a1;
	}
	return ret;
}

void guest_run_in_other_hart(struct vcpu *vcpu, unsigned index,
			     unsigned latency)
{
	struct other_hart *other = &others[index];

	add_step(vcpu, STEP_SPIN);
	other->stack = malloc(OTHER_HART_STACK);
	assert_non_null(other->stack);
	assert_int_equal(getcontext(&other->ctx), 0);
	other->ctx.uc_stack.ss_sp = other->stack;
	other->ctx.uc_stack.ss_size = OTHER_HART_STACK;
	other->ctx.uc_link = NULL;
	makecontext(&other->ctx, (void (*)(void))other_main, 1, (int)index);
	other->latency = latency;
	other->active = true;
	fake_harts[index].stalled = true;
	fake_probe = relax_probe;
	other_resume(index); /* until the vCPU is in the guest */
}

unsigned guest_relax_count(void)
{
	return relax_count;
}

WEAK void console_vm_putc(struct vm *vm, uint8_t byte)
{
	struct console *console = &consoles[vm->index];

	if (console->len < sizeof(console->out) - 1)
		console->out[console->len++] = (char)byte;
}

WEAK size_t console_vm_write(struct vm *vm, const uint8_t *bytes, size_t len)
{
	for (size_t i = 0; i < len; i++)
		console_vm_putc(vm, bytes[i]);
	return len;
}

WEAK int console_vm_getc(struct vm *vm)
{
	struct console *console = &consoles[vm->index];

	if (!console->in_len)
		return -1;
	console->in_len--;
	return (uint8_t)console->in[console->in_head++ % sizeof(console->in)];
}

const char *guest_console_output(struct vm *vm)
{
	return consoles[vm->index].out;
}

size_t guest_console_length(struct vm *vm)
{
	return consoles[vm->index].len;
}

void guest_console_type(struct vm *vm, const char *text)
{
	struct console *console = &consoles[vm->index];

	for (; *text; text++) {
		assert_true(console->in_len < sizeof(console->in));
		console->in[(console->in_head + console->in_len++) %
			    sizeof(console->in)] = *text;
	}
}
