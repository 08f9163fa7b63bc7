// SPDX-License-Identifier: MIT
/*
 * The debugged VM as a gdb target (gdbstub/target.c, with run.c's
 * attach): attaching pauses the VM; threads are its vCPUs; registers of
 * every class through gdb's numbers; memory by guest-virtual address
 * (Bare and a Sv39 table whose virtual addresses differ from the
 * physical ones) and, after `monitor phys on`, by guest-physical
 * address; holes and device windows fault, and writes make every vCPU
 * run fence.i.
 */
#include "test_gdbstub_fixture.h"

#define CSR(n) (GDB_REG_CSR_BASE + (n))
#define VA 0xffffffc000000000UL /* Sv39: a kernel address */
#define PA0 0x80020000UL	/* VA's page */
#define PA1 0x80040000UL	/* VA + 4 KiB's page, elsewhere */

static uint64_t reg(unsigned thread, unsigned regno)
{
	uint64_t value = 0xbad;

	assert_int_equal(GT_OPS->read_reg(GT_CTX, thread, regno, &value),
			 HV_OK);
	return value;
}

static void set_reg(unsigned thread, unsigned regno, uint64_t value)
{
	assert_int_equal(GT_OPS->write_reg(GT_CTX, thread, regno, value),
			 HV_OK);
}

static void test_attach_pauses_the_vm(void **state)
{
	(void)state;
	uint64_t value;
	struct gdb_stop stop;

	assert_ptr_equal(cpus[0].loaded, gt_v0); /* the pause unloads it */
	assert_ptr_equal(cpus[1].loaded, gt_v1);
	gdb_target_attach(gt_vm);
	assert_int_equal(gdb_target.state, GDB_DETACHED);
	assert_false(vm_is_paused(gt_vm));
	assert_ptr_equal(gt_vm->debugger, &gdb_target.debugger);
	assert_true(gdb_target.ops.has_fpu);
	assert_true(gdb_target.ops.has_stimecmp); /* the fake has Sstc */
	assert_ptr_equal(gdb_target.ops.read_reg, gdb_vm_target_ops.read_reg);
	/* Detached, nothing is stopped: no registers, no memory. */
	assert_int_equal(GT_OPS->read_reg(GT_CTX, 1, 0, &value), HV_ESTATE);
	assert_int_equal(GT_OPS->write_reg(GT_CTX, 1, 0, 0), HV_ESTATE);
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, GT_IDLE, &value, 4),
			 HV_ESTATE);
	assert_int_equal(GT_OPS->write_mem(GT_CTX, 1, GT_IDLE, &value, 4),
			 HV_ESTATE);

	GT_OPS->attach(GT_CTX);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_true(vm_is_paused(gt_vm));
	assert_int_equal(gdb_run_wait_stopped(), HV_OK);
	for (unsigned i = 0; i < 3; i++)
		assert_true(gt_quiescent(&gt_vm->vcpus[i]));
	assert_null(cpus[0].loaded);
	assert_null(cpus[1].loaded);
	assert_null(fake_step(0));
	assert_null(fake_step(1));
	assert_int_equal(gt_stops, 0); /* gdb asks '?' */
	GT_OPS->current_stop(GT_CTX, &stop);
	assert_int_equal(stop.reason, GDB_STOP_SIGINT);
	assert_int_equal(stop.thread, 1);
	gdb_run_attach_stop(); /* already stopped: no second pause */
	assert_int_equal(gt_vm->pause_count, 1);
	assert_int_equal(reg(1, GDB_REG_PC), GT_IDLE + 4); /* after its ecall */
}

static void test_registers_of_every_class(void **state)
{
	(void)state;
	struct vcpu_arch *arch = &gt_v0->arch;
	const struct {
		unsigned csr;
		unsigned long *field;
	} csrs[] = {
		{0x100, &gt_vm->vcpus[0].arch.vsstatus},
		{0x104, &gt_vm->vcpus[0].arch.vsie},
		{0x105, &gt_vm->vcpus[0].arch.vstvec},
		{0x140, &gt_vm->vcpus[0].arch.vsscratch},
		{0x141, &gt_vm->vcpus[0].arch.vsepc},
		{0x142, &gt_vm->vcpus[0].arch.vscause},
		{0x143, &gt_vm->vcpus[0].arch.vstval},
		{0x180, &gt_vm->vcpus[0].arch.vsatp},
	};

	gt_attach();
	for (unsigned i = 0; i < 32; i++) {
		arch->gpr[i] = 0x1000 + i;
		arch->fp[i] = 0xf000000000000000ULL + i;
	}
	assert_int_equal(reg(1, 0), 0); /* x0, whatever gpr[0] holds */
	for (unsigned i = 1; i < 32; i++)
		assert_int_equal(reg(1, i), 0x1000 + i);
	assert_int_equal(reg(1, GDB_REG_PC), GT_IDLE + 4);
	for (unsigned i = 0; i < 32; i++)
		assert_int_equal(reg(1, GDB_REG_F0 + i),
				 0xf000000000000000ULL + i);
	arch->fcsr = 0xe5;
	assert_int_equal(reg(1, GDB_REG_FFLAGS), 0x05);
	assert_int_equal(reg(1, GDB_REG_FRM), 0x7);
	assert_int_equal(reg(1, GDB_REG_FCSR), 0xe5);
	assert_int_equal(reg(1, GDB_REG_PRIV), 1);
	for (size_t i = 0; i < ARRAY_SIZE(csrs); i++) {
		*csrs[i].field = 0x5000 + i;
		assert_int_equal(reg(1, CSR(csrs[i].csr)), 0x5000 + i);
	}
	arch->virq_injected = VIRQ_TIMER;
	assert_int_equal(reg(1, CSR(0x144)), VIRQ_TIMER);
	arch->vstimecmp = 0x123456789ULL;
	assert_int_equal(reg(1, CSR(0x14d)), 0x123456789ULL);

	/* Writes land in the saved state the vCPU resumes with. */
	set_reg(1, 0, 0x77); /* x0: ignored */
	assert_int_equal(reg(1, 0), 0);
	set_reg(1, 31, 0xabc);
	assert_int_equal(arch->gpr[31], 0xabc);
	set_reg(1, GDB_REG_PC, GT_CODE);
	assert_int_equal(arch->sepc, GT_CODE);
	set_reg(1, GDB_REG_F0 + 9, 0x99);
	assert_int_equal(arch->fp[9], 0x99);
	set_reg(1, GDB_REG_FFLAGS, 0x1a);
	assert_int_equal(arch->fcsr, 0xfa);
	set_reg(1, GDB_REG_FRM, 0x2);
	assert_int_equal(arch->fcsr, 0x5a);
	set_reg(1, GDB_REG_FCSR, 0xfff);
	assert_int_equal(arch->fcsr, 0xff);
	set_reg(1, GDB_REG_PRIV, 0);
	assert_false(vcpu_in_guest_kernel(gt_v0));
	assert_int_equal(GT_OPS->write_reg(GT_CTX, 1, GDB_REG_PRIV, 2),
			 HV_EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(csrs); i++) {
		set_reg(1, CSR(csrs[i].csr), 0x6000 + i);
		assert_int_equal(*csrs[i].field, 0x6000 + i);
	}
	set_reg(1, CSR(0x144), VIRQ_SOFT | VIRQ_EXTERNAL);
	assert_int_equal(arch->virq_injected, VIRQ_TIMER | VIRQ_SOFT);
	set_reg(1, CSR(0x14d), 77);
	assert_int_equal(arch->vstimecmp, 77);
	/* Thread 2 is another vCPU: its own state. */
	assert_int_equal(reg(2, 31), 0);
}

static void test_unknown_registers_threads_and_offline_vcpus(void **state)
{
	(void)state;
	uint64_t value = 0;
	static const unsigned unknown[] = {CSR(0x106),	   CSR(0x14c),
					   CSR(0x181),	   CSR(0x14e),
					   69 + 0x100 - 1, 1000};

	gt_attach();
	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		assert_int_equal(
			GT_OPS->read_reg(GT_CTX, 1, unknown[i], &value),
			HV_EINVAL);
		assert_int_equal(GT_OPS->write_reg(GT_CTX, 1, unknown[i], 1),
				 HV_EINVAL);
	}
	assert_int_equal(GT_OPS->read_reg(GT_CTX, 0, 0, &value), HV_EINVAL);
	assert_int_equal(GT_OPS->read_reg(GT_CTX, 4, 0, &value), HV_EINVAL);
	assert_int_equal(GT_OPS->write_reg(GT_CTX, 4, 0, 0), HV_EINVAL);
	/* vcpu2 was never started: it has no registers. */
	assert_int_equal(GT_OPS->read_reg(GT_CTX, 3, GDB_REG_PC, &value),
			 HV_ESTOPPED);
	assert_int_equal(GT_OPS->write_reg(GT_CTX, 3, 5, 1), HV_ESTOPPED);
	assert_int_equal(GT_OPS->read_reg(GT_CTX, 3, CSR(0x100), &value),
			 HV_ESTOPPED);
}

static void info(unsigned thread, const char *name, unsigned core,
		 const char *extra)
{
	char got_name[40], got_extra[80];
	unsigned got_core = GDB_CORE_NONE;

	GT_OPS->thread_info(GT_CTX, thread, got_name, sizeof(got_name),
			    &got_core, got_extra, sizeof(got_extra));
	assert_string_equal(got_name, name);
	assert_int_equal(got_core, core);
	assert_string_equal(got_extra, extra);
}

static const char *running_extra;

static void guest_asks_thread_info(struct vcpu *vcpu)
{
	static char extra[80];
	char name[40];
	unsigned core = GDB_CORE_NONE;

	GT_OPS->thread_info(GT_CTX, vcpu->id + 1, name, sizeof(name), &core,
			    extra, sizeof(extra));
	running_extra = extra;
	fake_exit_wfi(vcpu); /* and it blocks */
}

static void test_threads_are_vcpus(void **state)
{
	(void)state;
	gdb_target_attach(gt_vm);
	assert_int_equal(GT_OPS->num_threads(GT_CTX), 3);
	assert_false(GT_OPS->thread_alive(GT_CTX, 0));
	for (unsigned t = 1; t <= 3; t++)
		assert_true(GT_OPS->thread_alive(GT_CTX, t));
	assert_false(GT_OPS->thread_alive(GT_CTX, 4));

	fake_guest = guest_asks_thread_info;
	gt_run(1, gt_v1);
	assert_string_equal(running_extra, "running, S-mode");
	gdb_run_attach_stop();
	assert_int_equal(gdb_run_wait_stopped(), HV_OK);
	gt_v0->arch.sstatus = 0; /* it trapped from VU-mode */
	info(1, "dbg/vcpu0", 0, "runnable, U-mode, stopped");
	info(2, "dbg/vcpu1", 1, "blocked in wfi, S-mode, stopped");
	info(3, "dbg/vcpu2", GDB_CORE_NONE, "offline, S-mode, stopped");
	info(4, "?", GDB_CORE_NONE, "no such vCPU");
	gt_v1->block_reason = SCHED_BLOCK_SUSPEND_RETENTIVE;
	info(2, "dbg/vcpu1", 1, "suspended, S-mode, stopped");
	gt_v1->block_reason = SCHED_BLOCK_WFI;
	gt_v2->state = VCPU_DEAD;
	info(3, "dbg/vcpu2", GDB_CORE_NONE, "dead, S-mode, stopped");
	gt_v2->state = VCPU_OFFLINE;
	gdb_target.vm = NULL; /* before any attach */
	assert_int_equal(gdb_vm_target_ops.num_threads(NULL), 0);
	assert_false(gdb_vm_target_ops.thread_alive(NULL, 1));
}

static void test_memory_by_address(void **state)
{
	(void)state;
	uint8_t buf[16], data[16];

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(0xa0 + i);
	gt_attach();
	for (unsigned i = 0; i < 3; i++)
		gt_vm->vcpus[i].requests = 0;
	/* Across a page boundary, by either thread (both Bare). */
	assert_int_equal(GT_OPS->write_mem(GT_CTX, 1, GT_DATA - 8, data, 16),
			 HV_OK);
	assert_int_equal(gt_peek32(GT_DATA - 8), 0xa3a2a1a0);
	assert_int_equal(gt_peek32(GT_DATA + 4), 0xafaeadac);
	for (unsigned i = 0; i < 3; i++)
		assert_int_equal(gt_vm->vcpus[i].requests, VCPU_REQ_FENCE_I);
	memset(buf, 0, sizeof(buf));
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 2, GT_DATA - 8, buf, 16),
			 HV_OK);
	assert_memory_equal(buf, data, 16);

	/* A hole, a device window, past the end of RAM, no such thread:
	 * all E14, and a failed write changes nothing. */
	for (unsigned i = 0; i < 3; i++)
		gt_vm->vcpus[i].requests = 0;
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, 0x1000, buf, 4),
			 HV_EFAULT);
	assert_int_equal(GT_OPS->write_mem(GT_CTX, 1, 0x1000, buf, 4),
			 HV_EFAULT);
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, GUEST_UART_BASE, buf, 1),
			 HV_EFAULT);
	assert_int_equal(GT_OPS->write_mem(GT_CTX, 1, GUEST_PLIC_BASE, buf, 4),
			 HV_EFAULT);
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1,
					  GUEST_RAM_BASE + GT_RAM_SIZE - 2, buf,
					  4),
			 HV_EFAULT);
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 9, GT_DATA, buf, 4),
			 HV_EFAULT);
	assert_int_equal(gt_vm->vcpus[0].requests, 0);
	/* Zero bytes: nothing to fault on. */
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, 0x1000, buf, 0), HV_OK);
}

static void test_memory_through_sv39_and_physical(void **state)
{
	(void)state;
	uint8_t buf[8];
	char out[40];
	static const uint8_t expect[8] = {1, 2, 3, 4, 5, 6, 7, 8};

	gt_attach();
	gt_sv39_map(VA, PA0);
	gt_sv39_map(VA + PAGE_SIZE, PA1);
	set_reg(1, CSR(0x180), gt_sv39_vsatp()); /* thread 2 stays Bare */
	assert_int_equal(gt_v0->arch.vsatp, gt_sv39_vsatp());
	gt_poke32(PA0 + PAGE_SIZE - 4, 0x04030201);
	gt_poke32(PA1, 0x08070605);

	/* Virtual: two pages that are not neighbours in guest RAM. */
	assert_int_equal(
		GT_OPS->read_mem(GT_CTX, 1, VA + PAGE_SIZE - 4, buf, 8), HV_OK);
	assert_memory_equal(buf, expect, 8);
	assert_int_equal(GT_OPS->write_mem(GT_CTX, 1, VA + PAGE_SIZE - 2,
					   "\x11\x22\x33\x44", 4),
			 HV_OK);
	assert_int_equal(gt_peek32(PA0 + PAGE_SIZE - 4), 0x22110201);
	assert_int_equal(gt_peek32(PA1), 0x08074433);
	assert_int_equal(
		GT_OPS->read_mem(GT_CTX, 1, VA + 2 * PAGE_SIZE, buf, 1),
		HV_EFAULT); /* unmapped */
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 2, VA, buf, 1), HV_EFAULT);
	/* An address translates as the thread's own tables say. */
	gpa_t where;

	assert_int_equal(gdb_target_translate(1, VA + 0x123, &where), HV_OK);
	assert_int_equal(where.val, PA0 + 0x123);
	assert_int_equal(gdb_target_translate(2, PA0 + 0x123, &where), HV_OK);
	assert_int_equal(where.val, PA0 + 0x123);
	assert_int_equal(gdb_target_translate(5, PA0, &where), HV_EINVAL);

	/* Physical, after `monitor phys on`, for every thread. */
	assert_int_equal(GT_OPS->monitor(GT_CTX, "phys on", out, sizeof(out)),
			 strlen("addresses are guest-physical\n"));
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, PA1, buf, 4), HV_OK);
	assert_memory_equal(buf, "\x33\x44\x07\x08", 4);
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, VA, buf, 1), HV_EFAULT);
	assert_int_equal(GT_OPS->write_mem(GT_CTX, 1, PA0, "\x5a", 1), HV_OK);
	assert_int_equal(gt_ram[PA0 - GUEST_RAM_BASE], 0x5a);
	assert_int_equal(gdb_target_translate(1, VA, &where), HV_OK);
	assert_int_equal(where.val, VA); /* taken as it is */
	GT_OPS->monitor(GT_CTX, "phys off", out, sizeof(out));
	assert_int_equal(GT_OPS->read_mem(GT_CTX, 1, VA, buf, 1), HV_OK);
	assert_int_equal(buf[0], 0x5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_attach_pauses_the_vm, gt_setup),
		cmocka_unit_test_setup(test_registers_of_every_class, gt_setup),
		cmocka_unit_test_setup(
			test_unknown_registers_threads_and_offline_vcpus,
			gt_setup),
		cmocka_unit_test_setup(test_threads_are_vcpus, gt_setup),
		cmocka_unit_test_setup(test_memory_by_address, gt_setup),
		cmocka_unit_test_setup(test_memory_through_sv39_and_physical,
				       gt_setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
