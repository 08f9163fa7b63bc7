// SPDX-License-Identifier: MIT
/*
 * Pausing and resuming a VM, and the quiesce that stopping a VM shares.
 *
 * Pause parks every vCPU (sched_park: off every runqueue, and a running
 * one is asked to leave the guest with VCPU_REQ_PARK), then waits until
 * none runs and each one's state is in memory. A hart that still holds a
 * parked vCPU's CSRs or FP registers is asked to save them with a
 * per-hart message. The wait serves this hart's own messages, so a hart
 * that needs us meanwhile is not left waiting, and it is bounded.
 *
 * Lock order: vm->pause_lock, then a runqueue lock. The parking and the
 * unparking happen under pause_lock together with the count, so a pause
 * and a resume of the same VM never interleave vCPU by vCPU (which could
 * leave a vCPU running under a completed pause, or parked with none).
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/debug.h>
#include <hv/errno.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include <hv/vm.h>

static uint64_t deadline_after_ms(uint64_t ms)
{
	return arch_time_now() + platform_ticks_from_ms(ms);
}

bool vm_is_paused(struct vm *vm)
{
	return __atomic_load_n(&vm->pause_count, __ATOMIC_ACQUIRE) != 0;
}

static bool called_from_vm(struct vm *vm)
{
	struct vcpu *current = this_cpu()->current;

	return current && current->vm == vm;
}

/* Tell the debugger, once per pause, when every vCPU is in memory. */
static void check_paused(struct vm *vm)
{
	const struct vm_debugger *debugger =
		__atomic_load_n(&vm->debugger, __ATOMIC_ACQUIRE);

	if (!vm_is_paused(vm) ||
	    __atomic_load_n(&vm->pause_reported, __ATOMIC_ACQUIRE))
		return;
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		if (!sched_vcpu_quiescent(&vm->vcpus[i]))
			return;
	if (__atomic_exchange_n(&vm->pause_reported, 1, __ATOMIC_ACQ_REL))
		return;
	if (debugger && debugger->paused)
		debugger->paused(debugger->ctx);
}

void vm_vcpu_parked(struct vcpu *vcpu)
{
	if (vcpu)
		check_paused(vcpu->vm);
}

/* Under pause_lock. */
static void park_locked(struct vm *vm)
{
	__atomic_store_n(&vm->pause_reported, 0, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		sched_park(&vm->vcpus[i]);
}

/* After park_locked, with no lock held (it may wait for a message). */
static void unload_parked(struct vm *vm)
{
	/* The ones that are not running may still be held by a hart; have
	 * them unloaded without waiting, so the pause completes by itself. */
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		sched_unload_parked_async(&vm->vcpus[i]);
	check_paused(vm);
}

void vm_release_vcpu(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->vm->pause_reported, 0, __ATOMIC_RELEASE);
	sched_unpark(vcpu);
}

void vm_pause_again(struct vm *vm)
{
	bool paused;

	spin_lock(&vm->pause_lock);
	paused = vm->pause_count != 0;
	if (paused)
		park_locked(vm);
	spin_unlock(&vm->pause_lock);
	if (paused)
		unload_parked(vm);
}

void vm_pause_begin(struct vm *vm)
{
	bool first;

	spin_lock(&vm->pause_lock);
	first = vm->pause_count++ == 0;
	if (first) {
		vm->paused_at = arch_time_now();
		park_locked(vm);
	}
	spin_unlock(&vm->pause_lock);
	if (first)
		unload_parked(vm);
}

int vm_pause_wait(struct vm *vm)
{
	uint64_t deadline = deadline_after_ms(VM_PAUSE_TIMEOUT_MS);

	if (called_from_vm(vm))
		return HV_ESTATE;
	for (;;) {
		bool all = true;

		for (unsigned i = 0; i < vm->num_vcpus; i++)
			if (!sched_try_quiesce(&vm->vcpus[i]))
				all = false;
		if (all)
			return HV_OK;
		if (arch_time_now() >= deadline)
			return HV_EAGAIN;
		cpu_relax_serving();
	}
}

int vm_pause(struct vm *vm)
{
	if (called_from_vm(vm))
		return HV_ESTATE;
	vm_pause_begin(vm);
	return vm_pause_wait(vm);
}

/*
 * Guest time stands still while the VM is paused, as it would on a
 * stopped machine: a guest held in a debugger for a minute must not
 * find its timers a minute late and report stalls. Shift its clock
 * (htimedelta) back by the paused time, and its SBI timer deadlines
 * (host time) forward; stimecmp is guest time and needs nothing. Only
 * when every vCPU is in memory, which a completed pause guarantees.
 */
static void freeze_guest_time(struct vm *vm, uint64_t paused_for)
{
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		if (!sched_vcpu_quiescent(&vm->vcpus[i]))
			return;
	vm->htimedelta -= paused_for;
	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		vcpu->arch.htimedelta -= paused_for;
		if (vcpu->timer_deadline != UINT64_MAX)
			vcpu->timer_deadline += paused_for;
	}
}

void vm_resume(struct vm *vm)
{
	bool last;

	spin_lock(&vm->pause_lock);
	last = vm->pause_count && --vm->pause_count == 0;
	if (last) {
		freeze_guest_time(vm, arch_time_now() - vm->paused_at);
		__atomic_store_n(&vm->pause_reported, 0, __ATOMIC_RELEASE);
		for (unsigned i = 0; i < vm->num_vcpus; i++)
			sched_unpark(&vm->vcpus[i]);
	}
	spin_unlock(&vm->pause_lock);
}

int vm_quiesce(struct vm *vm)
{
	uint64_t deadline = deadline_after_ms(VM_PAUSE_TIMEOUT_MS);
	struct vcpu *self = this_cpu()->current;

	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		sched_kill(vcpu);
		sched_kick(vcpu); /* a running one exits and sees the stop */
	}
	/* Kicks again after 1, 2, 4, ... ms: a hart held up between its
	 * read of the status and its entry (a host stall under QEMU) still
	 * gets one, without an IPI storm at a hart that will not exit. */
	uint64_t kick_after_ms = 1, next_kick = deadline_after_ms(1);

	for (;;) {
		bool all = true, kick = arch_time_now() >= next_kick;

		for (unsigned i = 0; i < vm->num_vcpus; i++) {
			struct vcpu *vcpu = &vm->vcpus[i];

			if (vcpu == self || sched_vcpu_stopped(vcpu))
				continue;
			all = false;
			/* Its hart may have read the status just before the
			 * stop and entered after the kick above found it not
			 * yet in the guest (hv/vcpu/run.c): kick it again. */
			if (kick)
				sched_kick(vcpu);
		}
		if (all)
			return HV_OK;
		if (arch_time_now() >= deadline)
			return HV_EAGAIN;
		if (kick) {
			kick_after_ms *= 2;
			next_kick = deadline_after_ms(kick_after_ms);
		}
		cpu_relax_serving();
	}
}
