// SPDX-License-Identifier: MIT
/*
 * Rebooting a VM (SBI SRST cold and warm reboot, hv/vm/reboot.c) on the
 * fake arch. The VM's images are "reloaded" by a test hook (the real one
 * is the boot archive's, tests/unit/test_vm_create.c): at that moment no
 * vCPU of the old instance may be in the guest or switched in anywhere,
 * and the RAM must already be zero. Afterwards vCPU 0 runs at the entry
 * with a1 = the DTB, the others are offline, their timers, posted
 * interrupts and statistics are reset, and the other VM never noticed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include "sbi_guest.h"

#define SLICE 1000
#define PC 0x80000000UL
#define RAM_SIZE (2UL << 20)
#define ENTRY (GUEST_RAM_BASE + 0x1000)
#define FDT (GUEST_RAM_BASE + 0x10000)
#define SECRET_AT 0x80000UL /* an offset into RAM the old instance used */
#define COLD_REBOOT 1UL
#define WARM_REBOOT 2UL

static struct vm *a, *b;
static struct vcpu *a0, *a1, *b0;
static uint8_t *ram;
static unsigned reloads;
static bool ram_zero_at_reload, quiet_at_reload, reload_fails;
static bool stop_during_reload; /* the monitor stops the VM meanwhile */

static bool vm_switched_in_anywhere(struct vm *vm)
{
	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (cpus[i].current && cpus[i].current->vm == vm)
			return true;
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		if (vm->vcpus[i].in_guest || vm->vcpus[i].state == VCPU_RUNNING)
			return true;
	return false;
}

static int reload(struct vm *vm, gpa_t *entry, gpa_t *fdt, char *err,
		  size_t err_len)
{
	static const char kernel[] = "KERNEL";

	reloads++;
	ram_zero_at_reload = true;
	for (size_t i = 0; i < vm->ram_size; i++)
		if (ram[i])
			ram_zero_at_reload = false;
	quiet_at_reload = !vm_switched_in_anywhere(vm);
	if (stop_during_reload) {
		vm_stop(vm, false, "stopped by the monitor");
		assert_false(vm_is_running(vm));    /* not yet stopped either */
		vm_stop(vm, true, "a second stop"); /* the first one wins */
	}
	if (reload_fails) {
		snprintf(err, err_len, "file \"Image\": bad magic");
		return HV_EFORMAT;
	}
	assert_int_equal(
		guest_mem_write(vm, gpa(ENTRY), kernel, sizeof(kernel)), HV_OK);
	*entry = gpa(ENTRY);
	*fdt = gpa(FDT);
	return HV_OK;
}

static const struct vm_ops test_ops = {.reload = reload};

/* VM "a": vCPU 0 on hart 0, vCPU 1 on hart 1, 2 MiB of RAM, images to
 * reload; VM "b": one vCPU on hart 0. a0 and b0 started. */
static int setup(void **state)
{
	(void)state;
	fake_machine_reset(2, SLICE);
	guest_reset();
	a = fake_vm_create("a", 2, 0);
	b = fake_vm_create("b", 1, 0);
	ram = fake_vm_add_ram(a, RAM_SIZE);
	a->ops = &test_ops;
	a0 = &a->vcpus[0];
	a1 = &a->vcpus[1];
	b0 = &b->vcpus[0];
	reloads = 0;
	vm_reboot_clear_step = 4UL << 20; /* RAM_SIZE: one step */
	reload_fails = ram_zero_at_reload = quiet_at_reload = false;
	stop_during_reload = false;
	fake_vcpu_start(a, 0, PC);
	fake_vcpu_start(b, 0, PC);
	guest_run_hart(0);
	return 0;
}

static bool reset(struct vcpu *vcpu, unsigned long type)
{
	return guest_call(vcpu, SBI_EXT_SRST, 0, type, 0).returned;
}

static void assert_other_vm_unharmed(void)
{
	struct guest_sbiret ret = guest_call(b0, SBI_EXT_BASE, 0, 0);

	assert_true(vm_is_running(b));
	assert_true(ret.returned);
	assert_int_equal(ret.error, SBI_SUCCESS);
	assert_int_equal(b->boots, 0);
}

/* vCPU 0 reboots while its sibling is in the guest on the other hart. */
static void test_cold_reboot_restarts_from_the_images(void **state)
{
	(void)state;
	memset(ram + SECRET_AT, 0x5a, 4096);
	fake_vcpu_start(a, 1, PC);
	guest_run_in_other_hart(a1, 1, 2);
	assert_true(a1->in_guest);
	unsigned entries1 = guest_entries(a1);
	unsigned entries0 = guest_entries(a0);

	assert_false(reset(a0, COLD_REBOOT));
	/* The reset point: every vCPU of the old instance was out. */
	assert_int_equal(reloads, 1);
	assert_true(quiet_at_reload);
	assert_true(ram_zero_at_reload);
	assert_int_equal(ram[SECRET_AT], 0);
	assert_memory_equal(ram + (ENTRY - GUEST_RAM_BASE), "KERNEL", 7);
	/* The sibling never ran again and is offline; vCPU 0 started over
	 * at the entry with a0 = its hart id and a1 = the DTB. */
	assert_int_equal(guest_entries(a1), entries1);
	assert_int_equal(a1->state, VCPU_OFFLINE);
	assert_int_equal(a1->stats.switches_in, 0);
	assert_true(vm_is_running(a));
	assert_int_equal(a->boots, 1);
	assert_int_equal(guest_entries(a0), entries0 + 2);
	assert_int_equal(guest_last(a0)->pc, ENTRY);
	assert_int_equal(guest_last(a0)->a0, 0);
	assert_int_equal(guest_last(a0)->a1, FDT);
	assert_non_null(
		strstr(fake_printed, "VM \"a\": cold reboot (reason: none)"));
	assert_non_null(strstr(fake_printed, "VM \"a\" restarted (boot 2)"));
	assert_null(strstr(fake_printed, "stopped"));
	assert_int_equal(fake_shutdowns, 0);
	assert_other_vm_unharmed();
}

/* vCPU 1 reboots from hart 1 while vCPU 0 idles in wfi with an SBI timer
 * armed and an IPI posted: none of that survives into the new instance. */
static void test_warm_reboot_from_a_sibling_resets_every_vcpu(void **state)
{
	(void)state;
	assert_int_equal(guest_call(a0, SBI_EXT_TIME, 0, 1UL << 40).error,
			 SBI_SUCCESS);
	assert_int_not_equal(a0->timer_deadline, UINT64_MAX);
	assert_int_equal(guest_call(a0, SBI_EXT_HSM, 0, 1, PC, 0).error,
			 SBI_SUCCESS);
	guest_run_hart(1);
	assert_true(a0->stats.exits[EXC_ECALL_VS] > 0);
	vcpu_post_ipi(a0);

	assert_false(reset(a1, WARM_REBOOT));
	assert_int_equal(reloads, 1);
	assert_true(quiet_at_reload);
	assert_int_equal(a0->timer_deadline, UINT64_MAX);
	assert_int_equal(a0->ipi_pending, 0);
	assert_int_equal(a0->stats.exits[EXC_ECALL_VS], 0);
	assert_int_equal(a1->state, VCPU_OFFLINE);
	assert_int_equal(a0->state, VCPU_RUNNABLE);
	guest_run_hart(0);
	assert_int_equal(guest_last(a0)->pc, ENTRY);
	assert_int_equal(guest_last(a0)->a1, FDT);
	assert_false(guest_last(a0)->virq & VIRQ_SOFT);
	assert_non_null(
		strstr(fake_printed, "VM \"a\": warm reboot (reason: none)"));
	assert_other_vm_unharmed();

	/* The new instance runs like a new VM: it can boot its sibling. */
	struct guest_sbiret ret =
		guest_call(a0, SBI_EXT_HSM, 0, 1, ENTRY + 0x100, 7);

	assert_int_equal(ret.error, SBI_SUCCESS);
	guest_run_hart(1);
	assert_int_equal(guest_last(a1)->pc, ENTRY + 0x100);
	assert_int_equal(guest_last(a1)->a1, 7);
}

/* Images that no longer load: the VM stops, failed, and says why. */
static void test_failed_reload_stops_the_vm(void **state)
{
	(void)state;
	reload_fails = true;
	assert_false(reset(a0, COLD_REBOOT));
	assert_int_equal(reloads, 1);
	assert_false(vm_is_running(a));
	assert_true(a->failed);
	assert_non_null(strstr(fake_printed, "VM \"a\" stopped: reboot "
					     "failed: file \"Image\": bad "
					     "magic"));
	assert_int_equal(fake_shutdowns, 0); /* b is still on */
	assert_other_vm_unharmed();
}

/* A stop requested while the VM reboots (the console monitor, say) is
 * not lost, nor does the restart undo it: the VM ends stopped. */
static void test_stop_during_reboot_wins(void **state)
{
	(void)state;
	stop_during_reload = true;
	assert_false(reset(a0, COLD_REBOOT));
	assert_int_equal(reloads, 1);
	assert_false(vm_is_running(a));
	assert_false(a->failed);
	assert_int_equal(a0->state, VCPU_DEAD); /* never started again */
	assert_non_null(strstr(fake_printed,
			       "VM \"a\" stopped: stopped by the monitor"));
	assert_null(strstr(fake_printed, "a second stop"));
	assert_null(strstr(fake_printed, "restarted"));
	assert_other_vm_unharmed();
}

/* A VM with nothing to reload is stopped instead, saying so. */
static void test_no_images_stops_the_vm(void **state)
{
	(void)state;
	a->ops = NULL;
	assert_false(reset(a0, WARM_REBOOT));
	assert_false(vm_is_running(a));
	assert_false(a->failed);
	assert_non_null(strstr(fake_printed, "VM \"a\" stopped: warm reboot "
					     "requested (reason: none); the "
					     "VM has no images to reload"));
	assert_other_vm_unharmed();
}

/* Rebooted twice, then shut down: the VM powers the machine off as any
 * VM does once it is the last one. */
static void test_reboots_then_shutdown(void **state)
{
	(void)state;
	jmp_buf power_off;

	((struct vm_config *)b->config)->background = true;
	assert_false(reset(a0, COLD_REBOOT));
	assert_false(reset(a0, WARM_REBOOT));
	assert_int_equal(a->boots, 2);
	assert_non_null(strstr(fake_printed, "VM \"a\" restarted (boot 3)"));
	if (setjmp(power_off) == 0) {
		fake_shutdown_jump = &power_off;
		reset(a0, 0);
		fail_msg("the machine did not power off");
	}
	assert_int_equal(fake_shutdowns, 1);
	assert_false(fake_shutdown_failed);
}

/* A guest that reboots in a loop cannot keep its hart from the other
 * VM's vCPU there: its RAM is cleared a step per turn of the hart (here
 * 4 steps), b0 runs between them, and the new instance starts only once
 * all of it is clear. */
static void test_reboot_clears_ram_between_other_vcpus_turns(void **state)
{
	(void)state;
	vm_reboot_clear_step = RAM_SIZE / 4;
	memset(ram, 0x5a, RAM_SIZE);
	assert_false(reset(a0, COLD_REBOOT));
	assert_int_equal(ram[0], 0); /* the first step, at a0's switch-out */
	assert_int_equal(ram[RAM_SIZE / 4], 0x5a);
	for (unsigned turn = 1; turn < 4; turn++) {
		unsigned entries = guest_entries(b0);

		assert_int_equal(reloads, 0);
		assert_false(vm_is_running(a));
		assert_int_equal(ram[turn * (RAM_SIZE / 4)], 0x5a);
		assert_true(guest_call(b0, SBI_EXT_BASE, 0, 0).returned);
		assert_true(guest_entries(b0) > entries); /* b0 had its turn */
		assert_int_equal(ram[turn * (RAM_SIZE / 4)],
				 0); /* then a step */
	}
	assert_int_equal(reloads, 1);
	assert_true(ram_zero_at_reload);
	assert_true(vm_is_running(a));
	assert_non_null(strstr(fake_printed, "VM \"a\" restarted (boot 2)"));
	assert_other_vm_unharmed();
}

/* Two harts can both give up on a reboot (each timed out waiting for a
 * vCPU to leave): only the first ends it and reports the stop. */
static void test_reboot_ends_once(void **state)
{
	(void)state;
	assert_true(vm_begin_reboot(a));
	assert_false(vm_end_reboot(a, "reboot failed: first"));
	assert_false(vm_is_running(a));
	assert_non_null(strstr(fake_printed, "stopped: reboot failed: first"));
	assert_false(vm_end_reboot(a, "reboot failed: second"));
	assert_null(strstr(fake_printed, "second"));
	assert_true(vm_is_running(b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
			test_cold_reboot_restarts_from_the_images, setup),
		cmocka_unit_test_setup(
			test_warm_reboot_from_a_sibling_resets_every_vcpu,
			setup),
		cmocka_unit_test_setup(test_failed_reload_stops_the_vm, setup),
		cmocka_unit_test_setup(test_reboot_ends_once, setup),
		cmocka_unit_test_setup(test_stop_during_reboot_wins, setup),
		cmocka_unit_test_setup(test_no_images_stops_the_vm, setup),
		cmocka_unit_test_setup(test_reboots_then_shutdown, setup),
		cmocka_unit_test_setup(
			test_reboot_clears_ram_between_other_vcpus_turns,
			setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
