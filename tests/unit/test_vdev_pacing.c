// SPDX-License-Identifier: MIT
/*
 * The UART's transmit pauses (hv/vdev/vuart.c) wired to the vCPUs: the
 * vCPU whose THR write starts a pause has its hart timer armed for the
 * pause's end, so the THR-empty interrupt comes back even if the guest
 * then computes without an exit; a vCPU that goes idle ends the pause at
 * once. Without that the guest would wait for its next unrelated exit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/vdev.h>
#include "fake_machine.h"

#define SLICE 100000
#define ENTRY 0x80000000UL
#define PAUSE_TICKS (FAKE_TIMEBASE_HZ / 1000) /* vdev.c: 1 ms */
#define UART_IER 1
#define IER_ETBEI 0x02
#define PLIC_ENABLE_CONTEXT0 0x2000
#define PLIC_THRESHOLD_CONTEXT0 0x200000

static struct vm *vm;
static unsigned nentries;
static size_t bytes_out;
static uint64_t pause_end, resumed_at;

void console_vm_putc(struct vm *target, uint8_t byte)
{
	(void)target;
	(void)byte;
	bytes_out++;
}

static void mmio_write(uint64_t addr, unsigned width, uint64_t value)
{
	assert_int_equal(vdev_access(vm, gpa(addr), width, true, &value),
			 HV_OK);
}

static int setup(void **state)
{
	(void)state;
	fake_machine_reset(1, SLICE);
	vm = fake_vm_create("a", 1, 0);
	vdev_init(vm);
	nentries = 0;
	bytes_out = 0;
	pause_end = resumed_at = 0;
	/* The UART's source to vCPU 0, as Linux sets it up. */
	mmio_write(GUEST_PLIC_BASE + 4 * GUEST_UART_IRQ, 4, 1);
	mmio_write(GUEST_PLIC_BASE + PLIC_ENABLE_CONTEXT0, 4,
		   1U << GUEST_UART_IRQ);
	mmio_write(GUEST_PLIC_BASE + PLIC_THRESHOLD_CONTEXT0, 4, 0);
	return 0;
}

/* Entry 1: a burst, as the 8250 handler sends it (MMIO exits, here
 * emulated in a row); entry 2: compute until the hart timer fires;
 * entry 3: the interrupt is back. */
static void guest_bursts_then_computes(struct vcpu *vcpu)
{
	nentries++;
	switch (nentries) {
	case 1:
		fake_guest_write_sie(vcpu, VIRQ_EXTERNAL);
		mmio_write(GUEST_UART_BASE + UART_IER, 1, IER_ETBEI);
		for (unsigned i = 0; i < VUART_TX_BURST; i++)
			mmio_write(GUEST_UART_BASE, 1, 'x');
		pause_end = vdev_next_event(vm);
		fake_exit_ecall(vcpu, 0x54494d45, 0, NULL, 0);
		break;
	case 2:
		assert_false(vcpu->arch.virq_injected & VIRQ_EXTERNAL);
		fake_time = MAX(fake_time, MIN(fake_harts[0].timer_deadline,
					       fake_time + FAKE_TIMEBASE_HZ));
		fake_exit_host_interrupt(vcpu, IRQ_CAUSE_TIMER);
		break;
	default:
		resumed_at = fake_time;
		assert_true(vcpu->arch.virq_injected & VIRQ_EXTERNAL);
		mmio_write(GUEST_UART_BASE + UART_IER, 1, 0); /* done */
		fake_exit_wfi(vcpu);
		break;
	}
}

static enum exit_action ecall_resume(struct vcpu *vcpu)
{
	vcpu->arch.sepc += 4;
	return EXIT_RESUME;
}

static void test_pause_ends_on_the_hart_timer(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0];

	fake_guest = guest_bursts_then_computes;
	fake_ecall_handler = ecall_resume;
	fake_time = 1000;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 3);
	assert_int_equal(bytes_out, VUART_TX_BURST);
	assert_int_not_equal(pause_end, UINT64_MAX);
	assert_true(pause_end - 1000 <= PAUSE_TICKS + 1);
	assert_true(resumed_at >= pause_end);
	assert_true(resumed_at - pause_end < PAUSE_TICKS);
	assert_int_equal(vdev_next_event(vm), UINT64_MAX);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

/* The handler returned and the guest idles: sending resumes at once. */
static void guest_bursts_then_idles(struct vcpu *vcpu)
{
	nentries++;
	if (nentries == 1) {
		fake_guest_write_sie(vcpu, VIRQ_EXTERNAL);
		mmio_write(GUEST_UART_BASE + UART_IER, 1, IER_ETBEI);
		for (unsigned i = 0; i < VUART_TX_BURST; i++)
			mmio_write(GUEST_UART_BASE, 1, 'x');
		pause_end = vdev_next_event(vm);
		fake_exit_wfi(vcpu);
		return;
	}
	resumed_at = fake_time;
	assert_true(vcpu->arch.virq_injected & VIRQ_EXTERNAL);
	mmio_write(GUEST_UART_BASE + UART_IER, 1, 0);
	fake_exit_wfi(vcpu);
}

static void test_idle_guest_ends_the_pause(void **state)
{
	(void)state;
	struct vcpu *v0 = &vm->vcpus[0];

	fake_guest = guest_bursts_then_idles;
	fake_time = 1000;
	fake_vcpu_start(vm, 0, ENTRY);
	assert_ptr_equal(fake_step(0), v0);
	assert_int_equal(nentries, 2);
	assert_int_not_equal(pause_end, UINT64_MAX);
	assert_true(resumed_at < pause_end); /* did not wait for it */
	assert_int_equal(vdev_next_event(vm), UINT64_MAX);
	assert_int_equal(v0->state, VCPU_BLOCKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pause_ends_on_the_hart_timer,
				       setup),
		cmocka_unit_test_setup(test_idle_guest_ends_the_pause, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
