// SPDX-License-Identifier: MIT
/*
 * Run control for the debugged VM: attach, resume (all threads or some,
 * continue or step), stops (breakpoints, watchpoints, Ctrl-C) and
 * detach.
 *
 * A stop is decided where it happens (a breakpoint exit on any hart, or
 * Ctrl-C on the stub's hart): the first one records itself under
 * stop_lock and parks every vCPU (vm_pause_begin / vm_pause_again). It is
 * reported when the pause completes (the debugger's paused hook), so gdb
 * never sees a stop reply while a sibling vCPU still runs.
 */
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/vcpu_state.h>
#include <hv/vm.h>
#include "gdbstub/step.h"
#include "gdbstub/stub.h"

/*
 * Decide a stop (stop NULL: a vCPU held unreported) against a detach,
 * under stop_lock: false once gdb_run_detach has marked the session
 * detached (every breakpoint and watchpoint is gone by then: nothing to
 * stop for). Otherwise the first stop since the last resume is recorded
 * (*first; all-stop reports one, later ones are dropped) and the caller
 * does the pause or park it asks for, then calls end_stop(): a detach
 * waits for that (gdbstub/run.c's gdb_run_detach), so it undoes it.
 */
static bool begin_stop(const struct gdb_stop *stop, bool *first)
{
	spin_lock(&gdb_target.stop_lock);
	if (gdb_target.state == GDB_DETACHED) {
		spin_unlock(&gdb_target.stop_lock);
		return false;
	}
	*first = stop && !gdb_target.stop_pending;
	if (*first) {
		gdb_target.stop_pending = true;
		gdb_target.stop = *stop;
	}
	gdb_target.stopping++;
	spin_unlock(&gdb_target.stop_lock);
	return true;
}

static void end_stop(void)
{
	__atomic_fetch_sub(&gdb_target.stopping, 1, __ATOMIC_RELEASE);
}

static void stop_everything(void)
{
	struct vm *vm = gdb_target.vm;

	if (vm_is_paused(vm))
		vm_pause_again(vm); /* some threads were released */
	else
		vm_pause_begin(vm);
}

/* vm_debugger.paused: every vCPU is parked. */
static void vm_paused(void *ctx)
{
	struct gdb_stop stop;

	(void)ctx;
	spin_lock(&gdb_target.stop_lock);
	bool report =
		gdb_target.stop_pending && gdb_target.state == GDB_RUNNING;

	stop = gdb_target.stop;
	if (report)
		gdb_target.state = GDB_STOPPED;
	spin_unlock(&gdb_target.stop_lock);
	if (report)
		gdb_transport_report_stop(&stop);
}

static enum exit_action give_back(struct vcpu *vcpu)
{
	arch_vcpu_inject_exception(vcpu, EXC_BREAKPOINT, vcpu->arch.sepc);
	return EXIT_RESUME;
}

/* Is the instruction at where an ebreak or c.ebreak now? */
static bool ebreak_at(struct vm *vm, gpa_t where)
{
	uint32_t insn = 0;

	if (guest_mem_read(vm, where, &insn, 2))
		return true; /* cannot tell: the guest's */
	if ((insn & 0xffff) == GDB_INSN_C_EBREAK)
		return true;
	return !guest_mem_read(vm, gpa(where.val + 2), (uint8_t *)&insn + 2,
			       2) &&
	       insn == GDB_INSN_EBREAK;
}

/* The vCPU trapped on one of our breakpoints that gdb removed meanwhile
 * (a detach racing with the hit): the original instruction is back, so
 * the vCPU runs it, pc unchanged, once its hart has run fence.i. */
static enum exit_action run_again(struct vcpu *vcpu)
{
	__atomic_fetch_or(&vcpu->requests, VCPU_REQ_FENCE_I, __ATOMIC_SEQ_CST);
	return EXIT_RESUME;
}

/* vm_debugger.breakpoint: a breakpoint exception on any hart. Return
 * contract: EXIT_RESCHEDULE when it was ours (the vCPU parks);
 * EXIT_RESUME with the pc unchanged when it was ours but gdb has gone;
 * else EXIT_RESUME with the exception given back to the guest. */
static enum exit_action vm_breakpoint(void *ctx, struct vcpu *vcpu)
{
	/* The vCPU is loaded on this hart: its live vsatp, not the copy
	 * saved when it last left a hart (the guest may have switched
	 * address spaces since). */
	struct guest_walk_params params = {
		.vsatp = arch_vcpu_guest_vsatp(vcpu),
		.priv = vcpu_in_guest_kernel(vcpu) ? GUEST_PRIV_SUPERVISOR
						   : GUEST_PRIV_USER,
	};
	gpa_t where;
	bool temporary = false, hold, first;

	(void)ctx;
	if (guest_translate(vcpu->vm, &params, gva(vcpu->arch.sepc),
			    GUEST_ACCESS_EXECUTE, &where, NULL))
		return give_back(vcpu);
	if (!gdb_break_at(where, &temporary))
		return ebreak_at(vcpu->vm, where) ? give_back(vcpu)
						  : run_again(vcpu);
	/* A step's breakpoint, hit by another vCPU that gdb let run: hold
	 * that vCPU where it is, unreported, until the step is over; it
	 * runs the real instruction once the breakpoint is gone. */
	hold = temporary && vcpu->id + 1 != gdb_target.step_thread;
	struct gdb_stop stop = {
		.reason = temporary ? GDB_STOP_STEP : GDB_STOP_BREAKPOINT,
		.thread = vcpu->id + 1,
	};

	/* Detached since gdb_break_at: the original is back already. */
	if (!begin_stop(hold ? NULL : &stop, &first))
		return run_again(vcpu);
	/* The pc stays at the breakpoint: gdb reports it there and steps
	 * over it itself (removing it first). */
	if (hold)
		sched_park(vcpu);
	else if (first)
		stop_everything();
	end_stop();
	return EXIT_RESCHEDULE;
}

void gdb_run_stop_for(const struct gdb_stop *stop)
{
	bool first;

	if (!begin_stop(stop, &first))
		return; /* detached: the vCPU retries on an open page */
	if (first)
		stop_everything();
	end_stop();
}

void gdb_target_attach(struct vm *vm)
{
	gdb_target.vm = vm;
	gdb_watch_forget();
	gdb_target.ops = gdb_vm_target_ops;
	gdb_target.ops.has_stimecmp = vm->vcpus[0].arch.sstc;
	gdb_target.debugger = (struct vm_debugger){
		.breakpoint = vm_breakpoint,
		.guest_page_fault = gdb_watch_guest_page_fault,
		.paused = vm_paused,
	};
	__atomic_store_n(&vm->debugger, &gdb_target.debugger, __ATOMIC_RELEASE);
	gdb_target.state = vm_is_paused(vm) ? GDB_STOPPED : GDB_DETACHED;
	gdb_target.stop =
		(struct gdb_stop){.reason = GDB_STOP_SIGINT, .thread = 1};
}

void gdb_run_attach_stop(void)
{
	if (gdb_target.state != GDB_DETACHED)
		return;
	spin_lock(&gdb_target.stop_lock);
	gdb_target.stop_pending = false;
	gdb_target.stop =
		(struct gdb_stop){.reason = GDB_STOP_SIGINT, .thread = 1};
	gdb_target.state = GDB_STOPPED; /* nothing to report: gdb asks '?' */
	spin_unlock(&gdb_target.stop_lock);
	vm_pause_begin(gdb_target.vm);
}

void gdb_run_attach(void *ctx)
{
	(void)ctx;
	gdb_run_attach_stop();
}

/* Wait until the VM is fully stopped (gdb reads state right away). */
int gdb_run_wait_stopped(void)
{
	if (!gdb_target.vm || gdb_target.state != GDB_STOPPED)
		return HV_ESTATE;
	return vm_pause_wait(gdb_target.vm) == HV_OK ? HV_OK : HV_ESTATE;
}

/* The step (if any) is over: no stepping thread, every vCPU takes its
 * interrupts again. */
static void end_step(struct vm *vm)
{
	gdb_target.step_thread = 0;
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		vm->vcpus[i].arch.mask_interrupts = false;
}

static int prepare_step(unsigned thread)
{
	struct vcpu *vcpu = &gdb_target.vm->vcpus[thread - 1];
	uint64_t pcs[2];
	unsigned count = 0;
	int err = gdb_step_targets(vcpu, pcs, &count);

	for (unsigned i = 0; !err && i < count; i++)
		err = gdb_break_insert_temporary(thread, pcs[i]);
	return err;
}

int gdb_run_resume(void *ctx, const enum gdb_resume_action *actions,
		   unsigned count)
{
	struct vm *vm = gdb_target.vm;
	unsigned long run = 0;
	bool all = true;

	(void)ctx;
	if (gdb_target.state != GDB_STOPPED || gdb_run_wait_stopped())
		return HV_ESTATE;
	gdb_break_remove_temporary();
	gdb_watch_resume();
	end_step(vm);
	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		enum gdb_resume_action action =
			i < count ? actions[i] : GDB_RESUME_NONE;

		if (action == GDB_RESUME_STEP) {
			/* One stepping thread at a time (gdb steps one). */
			int err = gdb_target.step_thread ? HV_EINVAL
							 : prepare_step(i + 1);

			if (err)
				return err;
			gdb_target.step_thread = i + 1;
			vm->vcpus[i].arch.mask_interrupts = true;
			/* Held back, no interrupt would end its wfi. */
			arch_vcpu_set_wfi_in_guest(&vm->vcpus[i].arch, false);
		}
		if (action == GDB_RESUME_CONTINUE || action == GDB_RESUME_STEP)
			run |= 1UL << i;
		else
			all = false;
	}
	if (!run)
		return HV_EINVAL;
	spin_lock(&gdb_target.stop_lock);
	gdb_target.stop_pending = false;
	gdb_target.state = GDB_RUNNING;
	spin_unlock(&gdb_target.stop_lock);
	if (all) {
		vm_resume(vm);
		return HV_OK;
	}
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		if (run & (1UL << i))
			vm_release_vcpu(&vm->vcpus[i]);
	return HV_OK;
}

void gdb_run_interrupt(void *ctx)
{
	bool first;

	(void)ctx;
	if (gdb_target.state != GDB_RUNNING ||
	    !begin_stop(
		    &(struct gdb_stop){.reason = GDB_STOP_SIGINT, .thread = 1},
		    &first))
		return;
	if (first)
		stop_everything();
	end_stop();
}

void gdb_run_current_stop(void *ctx, struct gdb_stop *stop)
{
	(void)ctx;
	spin_lock(&gdb_target.stop_lock);
	*stop = gdb_target.stop;
	spin_unlock(&gdb_target.stop_lock);
}

void gdb_run_detach(void *ctx)
{
	(void)ctx;
	if (gdb_target.state == GDB_DETACHED)
		return;
	if (gdb_target.state == GDB_STOPPED)
		gdb_run_wait_stopped();
	gdb_break_remove_all();
	gdb_watch_remove_all();
	end_step(gdb_target.vm);
	spin_lock(&gdb_target.stop_lock);
	bool stopped = gdb_target.state == GDB_STOPPED;

	gdb_target.state = GDB_DETACHED;
	gdb_target.stop_pending = false;
	spin_unlock(&gdb_target.stop_lock);
	gdb_target.phys = false;
	/* A breakpoint hit decided before the session was marked detached
	 * may still be pausing the VM or parking its vCPU: let it finish,
	 * so that what is undone below is all there is. It never waits
	 * (vm_pause_begin and sched_park only ask). */
	while (__atomic_load_n(&gdb_target.stopping, __ATOMIC_ACQUIRE))
		cpu_relax_serving();
	/* Released threads may still run while the pause is in force. */
	if (stopped || vm_is_paused(gdb_target.vm)) {
		vm_resume(gdb_target.vm);
		return;
	}
	/* No pause: a vCPU parked now was held at a step's breakpoint
	 * (vm_breakpoint), which no resume will let go any more. */
	for (unsigned i = 0; i < gdb_target.vm->num_vcpus; i++)
		if (__atomic_load_n(&gdb_target.vm->vcpus[i].parked,
				    __ATOMIC_ACQUIRE))
			sched_unpark(&gdb_target.vm->vcpus[i]);
}
