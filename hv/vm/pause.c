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
 */
#include <arch/arch.h>
#include <hv/cpu_msg.h>
#include <hv/errno.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include <hv/vm.h>

static uint64_t deadline_after_ms(uint64_t ms)
{
	return arch_time_now() + platform.timebase_frequency * ms / 1000;
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

int vm_pause(struct vm *vm)
{
	uint64_t deadline = deadline_after_ms(VM_PAUSE_TIMEOUT_MS);
	bool first;

	if (called_from_vm(vm))
		return HV_ESTATE;
	spin_lock(&vm->pause_lock);
	first = vm->pause_count++ == 0;
	spin_unlock(&vm->pause_lock);
	if (first)
		for (unsigned i = 0; i < vm->num_vcpus; i++)
			sched_park(&vm->vcpus[i]);
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

void vm_resume(struct vm *vm)
{
	bool last;

	spin_lock(&vm->pause_lock);
	last = vm->pause_count && --vm->pause_count == 0;
	spin_unlock(&vm->pause_lock);
	if (last)
		for (unsigned i = 0; i < vm->num_vcpus; i++)
			sched_unpark(&vm->vcpus[i]);
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
	for (;;) {
		bool all = true;

		for (unsigned i = 0; i < vm->num_vcpus; i++)
			if (&vm->vcpus[i] != self &&
			    !sched_vcpu_stopped(&vm->vcpus[i]))
				all = false;
		if (all)
			return HV_OK;
		if (arch_time_now() >= deadline)
			return HV_EAGAIN;
		cpu_relax_serving();
	}
}
