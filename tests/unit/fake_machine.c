// SPDX-License-Identifier: MIT
/* Host-test machine on the fake arch: see fake_machine.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <hv/console.h>
#include <hv/exit.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include <hv/uart_shadow.h>
#include "drivers/plic.h"
#include "drivers/sbi_client.h"
#include <hv/vdev.h>
#include "fake_machine.h"
#include "sched/internal.h"
#include "sched/policy.h"

#define WEAK __attribute__((weak))

struct platform platform;
unsigned fake_shutdowns;
bool fake_shutdown_failed;
char fake_printed[8192];
jmp_buf *fake_shutdown_jump;
enum exit_action (*fake_ecall_handler)(struct vcpu *vcpu);

static void record(const char *fmt, va_list ap)
{
	size_t used = strlen(fake_printed);

	if (used < sizeof(fake_printed) - 1)
		vsnprintf(fake_printed + used, sizeof(fake_printed) - used, fmt,
			  ap);
}

WEAK void hv_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(fmt, ap);
	va_end(ap);
}

WEAK void console_vm_flush(struct vm *vm)
{
	(void)vm;
}

/* The machine powers off: a test that expects it sets fake_shutdown_jump
 * and gets control back there; anything else is a test failure. */
WEAK void sbi_client_shutdown(bool failure)
{
	fake_shutdowns++;
	fake_shutdown_failed = failure;
	if (fake_shutdown_jump)
		longjmp(*fake_shutdown_jump, 1);
	abort();
}

WEAK enum exit_action exit_handle_ecall(struct vcpu *vcpu)
{
	if (fake_ecall_handler)
		return fake_ecall_handler(vcpu);
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

WEAK enum exit_action exit_handle_guest_page_fault(struct vcpu *vcpu)
{
	(void)vcpu;
	return EXIT_RESUME;
}

WEAK void console_poll_input(void)
{
}

WEAK void console_drain(void)
{
}

bool fake_console_busy;

WEAK bool console_idle(void)
{
	return !fake_console_busy;
}

uint64_t fake_vdev_event = UINT64_MAX;

WEAK uint64_t vdev_next_event(struct vm *vm)
{
	(void)vm;
	return fake_vdev_event;
}

WEAK void vdev_poll(struct vm *vm, uint64_t now)
{
	(void)vm;
	(void)now;
}

WEAK void vdev_vcpu_idle(struct vm *vm)
{
	(void)vm;
}

/* No shadow page without hv/vdev/uart_shadow.c: nothing to flush. */
WEAK void uart_shadow_settle_here(struct vm *vm)
{
	(void)vm;
}

WEAK unsigned plic_claim(unsigned hartid)
{
	(void)hartid;
	return 0;
}

WEAK void plic_complete(unsigned hartid, unsigned source)
{
	(void)hartid;
	(void)source;
}

WEAK void plic_set_threshold(unsigned hartid, unsigned threshold)
{
	(void)hartid;
	(void)threshold;
}

WEAK void plic_enable(unsigned source, unsigned hartid)
{
	(void)source;
	(void)hartid;
}

void fake_machine_reset(unsigned num_harts, uint64_t time_slice)
{
	/* The platform first: each hart's scheduler derives its times
	 * (ticks per ms) from the timebase. */
	memset(&platform, 0, sizeof(platform));
	platform.timebase_frequency = FAKE_TIMEBASE_HZ;
	fake_machine_init(num_harts, time_slice);
	memset(vms, 0, sizeof(vms));
	num_vms = 0;
	fake_shutdowns = 0;
	fake_shutdown_failed = false;
	fake_printed[0] = 0;
	fake_shutdown_jump = NULL;
	fake_ecall_handler = NULL;
	/* The tests of blocking and waking through the runqueue: a lone
	 * vCPU's wfi blocks. test_wait_in_place turns waiting in place on. */
	sched_wait_in_place_enabled = false;
	/* Nor does a wfi stay in the guest (test_wfi_in_guest turns it on);
	 * no hart is left marked from an earlier test. */
	sched_wfi_in_guest_enabled = false;
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		sched_wfi_in_guest_end(&cpus[i]);
	/* Nor does the hart timer check on the Sstc interrupt, a QEMU
	 * workaround that would add its period to every exact timer
	 * expectation (test_vcpu_timer turns it on). */
	sched_sstc_check_enabled = false;
	fake_console_busy = false;
	fake_vdev_event = UINT64_MAX;
}

struct vm *fake_vm_create(const char *name, unsigned num_vcpus,
			  unsigned long allowed)
{
	static struct vm_config configs[HV_MAX_VMS];
	struct vm *vm = &vms[num_vms];
	unsigned harts = 0;

	while (harts < HV_MAX_HARTS && cpus[harts].online)
		harts++;
	memset(&configs[num_vms], 0, sizeof(configs[0]));
	snprintf(configs[num_vms].name, VM_NAME_MAX, "%s", name);
	configs[num_vms].num_vcpus = num_vcpus;
	vm->config = &configs[num_vms];
	vm->index = num_vms++;
	snprintf(vm->name, sizeof(vm->name), "%s", name);
	vm->num_vcpus = num_vcpus;
	vm->vmid = vm->index + 1;
	vm->status = VM_RUNNING;
	for (unsigned i = 0; i < num_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];

		vcpu->vm = vm;
		vcpu->id = i;
		arch_vcpu_set_stage2(&vcpu->arch, 0, 0, true);
		arch_vcpu_reset(&vcpu->arch, 0x80000000UL, i, 0);
		vcpu->timer_deadline = UINT64_MAX;
		vcpu->state = VCPU_OFFLINE;
		vcpu->allowed_cpus = allowed ? allowed : (1UL << harts) - 1;
		sched_attach_vcpu(vcpu, &cpus[i % harts]);
	}
	return vm;
}

#define FAKE_RAM_ALIGN (2UL << 20)

uint8_t *fake_vm_add_ram(struct vm *vm, uint64_t size)
{
	static uint8_t *blocks[HV_MAX_VMS];
	uint8_t **block = &blocks[vm->index];

	free(*block);
	*block = size && size % FAKE_RAM_ALIGN == 0
			 ? aligned_alloc(FAKE_RAM_ALIGN, size)
			 : NULL;
	if (!*block)
		abort();
	memset(*block, 0, size);
	vm->ram_base = gpa(GUEST_RAM_BASE);
	vm->ram_size = size;
	vm->ram_host = ptr_to_hpa(*block);
	return *block;
}

void fake_vcpu_start(struct vm *vm, unsigned i, unsigned long pc)
{
	sched_start_vcpu(&vm->vcpus[i], pc, 0);
}

void fake_vcpu_place(struct vcpu *vcpu, unsigned index)
{
	struct cpu *from = vcpu->cpu, *to = &cpus[index];

	sched_lock_two(from, to);
	sched_member_remove(&from->rq, &vcpu->se);
	sched_member_add(&to->rq, &vcpu->se);
	vcpu->cpu = to;
	sched_unlock_two(from, to);
}

struct vcpu *fake_step(unsigned index)
{
	unsigned me = fake_current_hart();
	struct vcpu *ran;

	fake_set_hart(index);
	ran = sched_run_once();
	fake_set_hart(me);
	return ran;
}
