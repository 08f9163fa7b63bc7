// SPDX-License-Identifier: MIT
/*
 * gdb's `monitor` commands (qRcmd): the shared monitor's (hv/core/monitor_commands.c:
 * vms, vcpus, sched, stats, weight, cap, pause, resume) and gdb's own
 * (vm, phys, translate, csrs). Output goes back through O packets.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/monitor.h>
#include <hv/percpu.h>
#include <hv/vcpu_state.h>
#include <hv/vm.h>
#include "gdbstub/stub.h"

static int cmd_vm(struct monitor_output *o, const char *name)
{
	for (unsigned i = 0; i < num_vms; i++) {
		if (strcmp(vms[i].name, name))
			continue;
		if (&vms[i] == gdb_target.vm) {
			monitor_say(o, "already debugging \"%s\"\n", name);
			return HV_OK;
		}
		/* Let the old VM go, and stop the new one for gdb. */
		gdb_run_detach(NULL);
		gdb_target_attach(&vms[i]);
		gdb_run_attach_stop();
		gdb_run_wait_stopped();
		monitor_say(
			o,
			"debugging \"%s\" (stopped); `info threads` shows its "
			"vCPUs\n",
			name);
		return HV_OK;
	}
	monitor_say(o, "no VM named \"%s\"\n", name);
	return HV_EINVAL;
}

static int cmd_translate(struct monitor_output *o, const char *arg)
{
	struct vcpu *vcpu = &gdb_target.vm->vcpus[0];
	struct guest_walk_params params;
	struct guest_walk_trace trace;
	char *end;
	uint64_t va = strtoull(arg, &end, 0);
	gpa_t out;

	if (end == arg || *end) {
		monitor_say(o, "usage: translate GVA\n");
		return HV_EINVAL;
	}
	guest_walk_params_from_vcpu(vcpu, 0, &params);
	int err = guest_translate(gdb_target.vm, &params, gva(va),
				  GUEST_ACCESS_READ, &out, &trace);

	monitor_say(o, "vsatp %#llx, %u level(s)\n",
		    (unsigned long long)params.vsatp, trace.levels);
	for (unsigned i = 0; i < trace.steps; i++)
		monitor_say(o, "  level %u: pte at gpa %#llx = %#llx\n",
			    trace.levels - 1 - i,
			    (unsigned long long)trace.step[i].pte_addr.val,
			    (unsigned long long)trace.step[i].pte);
	if (err)
		monitor_say(o, "no translation: %s\n",
			    guest_walk_fault_name(trace.fault));
	else
		monitor_say(o, "gva %#llx -> gpa %#llx (page of %llu bytes)\n",
			    (unsigned long long)va, (unsigned long long)out.val,
			    (unsigned long long)trace.page_size);
	return HV_OK;
}

static void cmd_csrs(struct monitor_output *o)
{
	static const enum vcpu_reg regs[] = {
		VCPU_REG_PRIV,	 VCPU_REG_SSTATUS,  VCPU_REG_SIE,
		VCPU_REG_STVEC,	 VCPU_REG_SSCRATCH, VCPU_REG_SEPC,
		VCPU_REG_SCAUSE, VCPU_REG_STVAL,    VCPU_REG_SIP,
		VCPU_REG_SATP,	 VCPU_REG_STIMECMP,
	};
	struct vm *vm = gdb_target.vm;

	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		monitor_say(o, "vcpu%u: pc %#llx", i,
			    (unsigned long long)vm->vcpus[i].arch.sepc);
		for (size_t r = 0; r < ARRAY_SIZE(regs); r++) {
			uint64_t value;

			if (!vcpu_state_read(&vm->vcpus[i], regs[r], &value))
				monitor_say(o, " %s %#llx",
					    vcpu_reg_name(regs[r]),
					    (unsigned long long)value);
		}
		monitor_say(o, " htimedelta %#llx hgatp %#lx\n",
			    (unsigned long long)vm->vcpus[i].arch.htimedelta,
			    vm->vcpus[i].arch.hgatp);
	}
}

static const char help[] =
	"help              this text\n"
	"vm NAME           debug another VM\n"
	"phys on|off       memory addresses are guest-physical / virtual\n"
	"translate GVA     walk the guest's page tables for an address\n"
	"csrs              the hypervisor's view of each vCPU\n";

int gdb_monitor(void *ctx, const char *cmd, char *out, size_t out_len)
{
	struct monitor_output o = {.buf = out, .len = out_len, .used = 0};
	const struct monitor_view view = {
		.marked = gdb_target.vm,
		.marked_means = "the one gdb debugs",
		.gdb_threads = true,
		.default_vm = gdb_target.vm,
	};
	int err = HV_OK;

	(void)ctx;
	if (out_len)
		out[0] = 0;
	if (!strcmp(cmd, "help")) {
		monitor_say(&o, "%s", help);
		monitor_help(&view, &o);
	} else if (!strncmp(cmd, "vm ", 3))
		err = cmd_vm(&o, cmd + 3);
	else if (!strcmp(cmd, "phys on") || !strcmp(cmd, "phys off")) {
		gdb_target.phys = !strcmp(cmd, "phys on");
		monitor_say(&o, "addresses are guest-%s\n",
			    gdb_target.phys ? "physical" : "virtual");
	} else if (!strncmp(cmd, "translate ", 10))
		err = cmd_translate(&o, cmd + 10);
	else if (!strcmp(cmd, "csrs"))
		cmd_csrs(&o);
	else if ((err = monitor_command(&view, cmd, &o)) == HV_ENOENT) {
		monitor_say(&o,
			    "unknown command \"%s\"; try \"monitor help\"\n",
			    cmd);
		err = HV_EINVAL;
	}
	return err ? err : (int)o.used;
}
