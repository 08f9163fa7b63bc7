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
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/vcpu_state.h>
#include <hv/vm.h>
#include "gdbstub/step.h"
#include "gdbstub/stub.h"

/* Record the first stop since the last resume; later ones are dropped
 * (all-stop reports one). Returns true if this one was recorded. */
static bool record_stop_at(const struct gdb_stop *stop)
{
	bool first;

	spin_lock(&gdb_target.stop_lock);
	first = !gdb_target.stop_pending;
	if (first) {
		gdb_target.stop_pending = true;
		gdb_target.stop = *stop;
	}
	spin_unlock(&gdb_target.stop_lock);
	return first;
}

static bool record_stop(enum gdb_stop_reason reason, unsigned thread)
{
	return record_stop_at(
		&(struct gdb_stop){.reason = reason, .thread = thread});
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

/* vm_debugger.breakpoint: a breakpoint exception on any hart. Return
 * contract: EXIT_RESCHEDULE when it was ours (the vCPU parks), else
 * EXIT_RESUME with the exception given back to the guest. */
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
	bool temporary = false;

	(void)ctx;
	if (guest_translate(vcpu->vm, &params, gva(vcpu->arch.sepc),
			    GUEST_ACCESS_EXECUTE, &where, NULL) ||
	    !gdb_break_at(where, &temporary)) {
		arch_vcpu_inject_exception(vcpu, EXC_BREAKPOINT,
					   vcpu->arch.sepc);
		return EXIT_RESUME;
	}
	/* A step's breakpoint, hit by another vCPU that gdb let run: hold
	 * that vCPU where it is, unreported, until the step is over; it
	 * runs the real instruction once the breakpoint is gone. */
	if (temporary && vcpu->id + 1 != gdb_target.step_thread) {
		sched_park(vcpu);
		return EXIT_RESCHEDULE;
	}
	/* The pc stays at the breakpoint: gdb reports it there and steps
	 * over it itself (removing it first). */
	if (record_stop(temporary ? GDB_STOP_STEP : GDB_STOP_BREAKPOINT,
			vcpu->id + 1))
		stop_everything();
	return EXIT_RESCHEDULE;
}

void gdb_run_stop_for(const struct gdb_stop *stop)
{
	if (record_stop_at(stop))
		stop_everything();
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

	for (unsigned i = 0; !err && i < count; i++) {
		/* The breakpoint must be exactly as long as the instruction
		 * it replaces: a 4-byte ebreak over a 2-byte instruction
		 * would give the next one to other vCPUs half rewritten. */
		uint16_t low;

		err = gdb_target.ops.read_mem(NULL, thread, pcs[i], &low, 2);
		if (!err)
			err = gdb_break_insert_temporary(thread, pcs[i],
							 step_insn_length(low));
	}
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
	(void)ctx;
	if (gdb_target.state != GDB_RUNNING)
		return;
	if (record_stop(GDB_STOP_SIGINT, 1))
		stop_everything();
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
