// SPDX-License-Identifier: MIT
/*
 * gdb's `monitor` commands (gdbstub/monitor.c), byte for byte: help, the
 * VMs, the vCPUs, the runqueues, the hypervisor's view of each vCPU's
 * CSRs, physical addressing, a page-table walk with its trace, switching
 * to another VM, and the errors.
 */
#include "test_gdbstub_fixture.h"

#define VA 0xffffffc000000000UL
#define PA 0x80020000UL

static struct vm *other;
static char out[2048];

static int setup(void **state)
{
	gt_setup(state);
	other = fake_vm_create("other", 1, 0); /* on hart 0, no RAM */
	gt_attach();
	return 0;
}

static int monitor(const char *cmd)
{
	memset(out, 'x', sizeof(out));
	return GT_OPS->monitor(GT_CTX, cmd, out, sizeof(out));
}

static void expect(const char *cmd, const char *text)
{
	assert_int_equal(monitor(cmd), strlen(text));
	assert_string_equal(out, text);
}

static void test_help_and_unknown_commands(void **state)
{
	(void)state;
	expect("help",
	       "help              this text\n"
	       "vm NAME           debug another VM\n"
	       "phys on|off       memory addresses are guest-physical / "
	       "virtual\n"
	       "translate GVA     walk the guest's page tables for an address\n"
	       "csrs              the hypervisor's view of each vCPU\n"
	       "vms               the VMs (* = the one gdb debugs)\n"
	       "vcpus [VM]        state, hart, times and exits of each vCPU\n"
	       "sched             the runqueues\n"
	       "stats VM          run, wait (steal) and wake-to-run latency of "
	       "each vCPU\n"
	       "weight VM N       set a VM's weight (1..65536)\n"
	       "cap VM N          cap a VM at N % of one hart (0: none)\n"
	       "pause VM          stop a VM's vCPUs; resume VM: go on\n");
	assert_int_equal(monitor("frobnicate"), HV_EINVAL);
	assert_string_equal(out, "unknown command \"frobnicate\"; try "
				 "\"monitor help\"\n");
	assert_int_equal(monitor("phys"), HV_EINVAL);
	assert_int_equal(monitor(""), HV_EINVAL);
	/* Output is cut to the buffer, NUL-terminated. */
	assert_int_equal(GT_OPS->monitor(GT_CTX, "help", out, 8), 7);
	assert_string_equal(out, "help   ");
	assert_int_equal(GT_OPS->monitor(GT_CTX, "help", out, 0), 0);
}

static void test_vms_and_vcpus(void **state)
{
	(void)state;
	expect("vms", "* 0 dbg          3 vCPU(s), 2 MiB, paused\n"
		      "  1 other        1 vCPU(s), 0 MiB, running\n");
	other->status = VM_STOPPED;
	expect("vms", "* 0 dbg          3 vCPU(s), 2 MiB, paused\n"
		      "  1 other        1 vCPU(s), 0 MiB, stopped\n");

	for (unsigned i = 0; i < 3; i++)
		memset(&gt_vm->vcpus[i].stats, 0, sizeof(struct vcpu_stats));
	gt_v0->stats.run_ticks = 10;
	gt_v0->stats.wait_ticks = 20;
	gt_v0->stats.switches_in = 3;
	gt_v0->stats.migrations = 1;
	gt_v0->stats.exits[EXC_ECALL_VS] = 4;
	gt_v0->stats.wfi_blocks = 5;
	gt_v0->stats.wfi_waits = 6;
	/* Waiting since now: no stint under way adds to the totals. */
	for (unsigned i = 0; i < 3; i++)
		gt_vm->vcpus[i].se.ready_since = arch_time_now();
	expect("vcpus",
	       "thread 1 dbg/vcpu0: hart 0, runnable, S-mode, stopped; run 10, "
	       "wait 20 ticks, 3 switches, 1 migrations; exits: sbi 4, wfi "
	       "blocks 5, waits in place 6\n"
	       "thread 2 dbg/vcpu1: hart 1, runnable, S-mode, stopped; run 0, "
	       "wait 0 ticks, 0 switches, 0 migrations; exits: sbi 0, wfi "
	       "blocks 0, waits in place 0\n"
	       "thread 3 dbg/vcpu2: hart -, offline, S-mode, stopped; run 0, "
	       "wait 0 ticks, 0 switches, 0 migrations; exits: sbi 0, wfi "
	       "blocks 0, waits in place 0\n");
}

static void test_csrs(void **state)
{
	(void)state;
	struct vcpu_arch *arch = &gt_v0->arch;

	arch->sepc = 0x80001000;
	arch->vsstatus = 0x22;
	arch->vsie = 0x222;
	arch->vstvec = 0x80002000;
	arch->vsscratch = 5;
	arch->vsepc = 6;
	arch->vscause = 7;
	arch->vstval = 8;
	arch->vstimecmp = 0x1234;
	arch->htimedelta = 0x99;
	arch->hgatp = 0x8000000000001234UL;
	gt_v1->arch.virq_injected = VIRQ_SOFT;
	expect("csrs",
	       "vcpu0: pc 0x80001000 priv 0x1 sstatus 0x22 sie 0x222 stvec "
	       "0x80002000 sscratch 0x5 sepc 0x6 scause 0x7 stval 0x8 sip 0 "
	       "satp 0 stimecmp 0x1234 htimedelta 0x99 hgatp "
	       "0x8000000000001234\n"
	       "vcpu1: pc 0x80000004 priv 0x1 sstatus 0 sie 0 stvec 0 "
	       "sscratch 0 sepc 0 scause 0 stval 0 sip 0x2 satp 0 stimecmp "
	       "0xffffffffffffffff htimedelta 0 hgatp 0\n"
	       "vcpu2: pc 0x80000000 htimedelta 0 hgatp 0\n");
}

/* The monitor while other/0 runs on hart 0 (the stub takes input in any
 * context). */
static void guest_asks_sched(struct vcpu *vcpu)
{
	expect("sched", "hart 0: round-robin, 0 queued, 3 vCPUs owned; "
			"running other/0\n"
			"hart 1: round-robin, 0 queued, 1 vCPUs owned; "
			"running -/0\n");
	vcpu->arch.scause = EXC_ECALL_VS; /* a yield */
}

static void test_sched(void **state)
{
	(void)state;
	fake_vcpu_start(other, 0, GT_IDLE);
	expect("sched", "hart 0: round-robin, 1 queued, 3 vCPUs owned; "
			"running -/0\n"
			"hart 1: round-robin, 0 queued, 1 vCPUs owned; "
			"running -/0\n");
	fake_guest = guest_asks_sched;
	gt_run(0, &other->vcpus[0]);
	cpus[1].online = false;
	expect("sched", "hart 0: round-robin, 1 queued, 3 vCPUs owned; "
			"running -/0\n");
}

static void test_phys_and_translate(void **state)
{
	(void)state;
	expect("phys on", "addresses are guest-physical\n");
	assert_true(gdb_target.phys);
	expect("phys off", "addresses are guest-virtual\n");
	assert_false(gdb_target.phys);

	expect("translate 0x80001234", "vsatp 0, 0 level(s)\n"
				       "gva 0x80001234 -> gpa 0x80001234 "
				       "(page of 4096 bytes)\n");
	gt_sv39_map(VA, PA);
	GT_OPS->write_reg(GT_CTX, 1, GDB_REG_CSR_BASE + 0x180, gt_sv39_vsatp());
	expect("translate 0xffffffc000000234",
	       "vsatp 0x8000000000080100, 3 level(s)\n"
	       "  level 2: pte at gpa 0x80100800 = 0x20040401\n"
	       "  level 1: pte at gpa 0x80101000 = 0x20040801\n"
	       "  level 0: pte at gpa 0x80102000 = 0x200080cf\n"
	       "gva 0xffffffc000000234 -> gpa 0x80020234 (page of 4096 "
	       "bytes)\n");
	expect("translate 18446743798831648768", /* VA + 4 KiB, decimal */
	       "vsatp 0x8000000000080100, 3 level(s)\n"
	       "  level 2: pte at gpa 0x80100800 = 0x20040401\n"
	       "  level 1: pte at gpa 0x80101000 = 0x20040801\n"
	       "  level 0: pte at gpa 0x80102008 = 0\n"
	       "no translation: invalid PTE\n");
	expect("translate 0x4000000000", "vsatp 0x8000000000080100, 3 "
					 "level(s)\n"
					 "no translation: non-canonical "
					 "address\n");
	assert_int_equal(monitor("translate zz"), HV_EINVAL);
	assert_string_equal(out, "usage: translate GVA\n");
	assert_int_equal(monitor("translate 12x"), HV_EINVAL);
	assert_int_equal(monitor("translate "), HV_EINVAL);
}

static void test_switch_to_another_vm(void **state)
{
	(void)state;
	GT_OPS->insert_break(GT_CTX, GDB_BREAK_SOFTWARE, GT_CODE, 4);
	expect("vm dbg", "already debugging \"dbg\"\n");
	assert_int_equal(gt_vm->pause_count, 1);
	assert_int_equal(monitor("vm nosuch"), HV_EINVAL);
	assert_string_equal(out, "no VM named \"nosuch\"\n");

	expect("vm other",
	       "debugging \"other\" (stopped); `info threads` shows its "
	       "vCPUs\n");
	assert_ptr_equal(gdb_target.vm, other);
	assert_int_equal(gdb_target.state, GDB_STOPPED);
	assert_true(vm_is_paused(other));
	assert_ptr_equal(other->debugger, &gdb_target.debugger);
	/* The old VM runs again, without the stub's breakpoints. */
	assert_false(vm_is_paused(gt_vm));
	assert_int_equal(gt_peek32(GT_CODE), 0);
	assert_false(gt_v0->arch.trap_breakpoints);
	assert_int_equal(GT_OPS->num_threads(GT_CTX), 1);
	expect("vms", "  0 dbg          3 vCPU(s), 2 MiB, running\n"
		      "* 1 other        1 vCPU(s), 0 MiB, paused\n");
	gt_run_guest(0, gt_v0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_help_and_unknown_commands, setup),
		cmocka_unit_test_setup(test_vms_and_vcpus, setup),
		cmocka_unit_test_setup(test_csrs, setup),
		cmocka_unit_test_setup(test_sched, setup),
		cmocka_unit_test_setup(test_phys_and_translate, setup),
		cmocka_unit_test_setup(test_switch_to_another_vm, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
