// SPDX-License-Identifier: MIT
/*
 * The monitor's shared commands (see hv/include/hv/monitor.h). They run
 * on the console hart (console input) or wherever the gdb stub takes its
 * input, with no lock held: pause asks with vm_pause_begin and does not
 * wait, since the caller may be running on behalf of one of the VM's own
 * vCPUs (its exit handler), which parks once that handler returns.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hv/errno.h>
#include <hv/monitor.h>
#include <hv/percpu.h>
#include <hv/platform.h>
#include <hv/vm.h>
#include <arch/arch.h>

#define MAX_WORDS 4
#define WORD_MAX 32

/* VMs the monitor paused (so resume undoes only its own pause). */
static bool paused_by_monitor[HV_MAX_VMS];

void monitor_reset(void)
{
	memset(paused_by_monitor, 0, sizeof(paused_by_monitor));
}

void monitor_say(struct monitor_output *out, const char *fmt, ...)
{
	va_list ap;

	if (out->used >= out->len)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(out->buf + out->used, out->len - out->used, fmt, ap);

	va_end(ap);
	if (n > 0)
		out->used += MIN((size_t)n, out->len - out->used - 1);
}

const char *monitor_vcpu_state(const struct vcpu *vcpu)
{
	switch (vcpu->state) {
	case VCPU_OFFLINE:
		return "offline";
	case VCPU_RUNNABLE:
		return "runnable";
	case VCPU_RUNNING: {
		/* Read unlocked, as the rest of this view: another hart's. */
		const struct cpu *cpu =
			__atomic_load_n(&vcpu->cpu, __ATOMIC_RELAXED);

		return __atomic_load_n(&cpu->current, __ATOMIC_RELAXED) ==
					       vcpu &&
				       __atomic_load_n(&cpu->waiting_in_place,
						       __ATOMIC_RELAXED)
			       ? "waiting in wfi"
			       : "running";
	}
	case VCPU_BLOCKED:
		return vcpu->block_reason == SCHED_BLOCK_WFI ? "blocked in wfi"
							     : "suspended";
	default:
		return "dead";
	}
}

static const char *vm_state(struct vm *vm)
{
	if (!vm_is_running(vm))
		return "stopped";
	return vm_is_paused(vm) ? "paused" : "running";
}

static void cmd_vms(const struct monitor_view *view, struct monitor_output *o)
{
	for (unsigned i = 0; i < num_vms; i++)
		monitor_say(o, "%c %u %-12s %u vCPU(s), %llu MiB, %s\n",
			    &vms[i] == view->marked ? '*' : ' ', i, vms[i].name,
			    vms[i].num_vcpus,
			    (unsigned long long)(vms[i].ram_size >> 20),
			    vm_state(&vms[i]));
}

static void vcpu_line(const struct monitor_view *view, struct vcpu *v,
		      struct monitor_output *o)
{
	char hart[16] = "-";
	uint64_t run, wait;

	sched_vcpu_times(v, arch_time_now(), &run, &wait);
	if (v->state != VCPU_OFFLINE && v->state != VCPU_DEAD && v->cpu)
		snprintf(hart, sizeof(hart), "%u", v->cpu->hartid);
	monitor_say(o, "%s %u %s/vcpu%u: hart %s, %s, %s-mode%s; ",
		    view->gdb_threads ? "thread" : "vcpu",
		    view->gdb_threads ? v->id + 1 : v->id, v->vm->name, v->id,
		    hart, monitor_vcpu_state(v),
		    vcpu_in_guest_kernel(v) ? "S" : "U",
		    v->parked ? ", stopped" : "");
	monitor_say(o,
		    "run %llu, wait %llu ticks, %llu switches, %llu "
		    "migrations; exits: sbi %llu, wfi blocks %llu, waits in "
		    "place %llu\n",
		    (unsigned long long)run, (unsigned long long)wait,
		    (unsigned long long)v->stats.switches_in,
		    (unsigned long long)v->stats.migrations,
		    (unsigned long long)v->stats.exits[EXC_ECALL_VS],
		    (unsigned long long)v->stats.wfi_blocks,
		    (unsigned long long)v->stats.wfi_waits);
}

static void cmd_vcpus(const struct monitor_view *view, struct vm *only,
		      struct monitor_output *o)
{
	for (unsigned i = 0; i < num_vms; i++) {
		if (only && &vms[i] != only)
			continue;
		for (unsigned k = 0; k < vms[i].num_vcpus; k++)
			vcpu_line(view, &vms[i].vcpus[k], o);
	}
}

static void cmd_sched(struct monitor_output *o)
{
	for (unsigned i = 0; i < HV_MAX_HARTS; i++) {
		struct cpu *cpu = &cpus[i];

		if (!cpu->online)
			continue;
		struct vcpu *current = cpu->current;

		monitor_say(o,
			    "hart %u: %s, %u queued, %u vCPUs owned; running "
			    "%s/%u\n",
			    cpu->hartid, sched_policy_name(cpu),
			    cpu->rq.nr_queued, cpu->rq.nr_members,
			    current ? current->vm->name : "-",
			    current ? current->id : 0);
	}
}

/* Hart time as microseconds. */
static unsigned long long ticks_to_us(uint64_t ticks)
{
	uint64_t hz = platform.timebase_frequency ? platform.timebase_frequency
						  : 1000000;

	return (unsigned long long)(ticks / hz * 1000000 +
				    ticks % hz * 1000000 / hz);
}

static void cmd_stats(struct vm *vm, struct monitor_output *o)
{
	uint64_t now = arch_time_now();

	for (unsigned k = 0; k < vm->num_vcpus; k++) {
		const struct vcpu_stats *s = &vm->vcpus[k].stats;
		const struct sched_latency_histogram *h = &s->wake_latency;
		uint64_t run, wait;

		sched_vcpu_times(&vm->vcpus[k], now, &run, &wait);

		/* Steal time, as SBI STA reports it to a guest, is the time
		 * its vCPU was runnable but not running: the wait. */
		monitor_say(o,
			    "vcpu%u: run %llu us, wait (steal) %llu us, %llu "
			    "preemptions, %llu migrations\n",
			    k, ticks_to_us(run), ticks_to_us(wait),
			    (unsigned long long)s->preemptions,
			    (unsigned long long)s->migrations);
		monitor_say(
			o,
			"  wake-to-run: %llu samples, p50 %llu ns, p99 %llu "
			"ns, max %llu ns\n",
			(unsigned long long)h->total,
			(unsigned long long)sched_latency_percentile_ns(h, 500),
			(unsigned long long)sched_latency_percentile_ns(h, 990),
			(unsigned long long)h->max_ns);
		if (!h->total)
			continue;
		monitor_say(o, "  log2(ns) buckets:");
		for (unsigned b = 0; b < SCHED_LATENCY_BUCKETS; b++)
			if (h->count[b])
				monitor_say(o, " %u:%llu", b,
					    (unsigned long long)h->count[b]);
		monitor_say(o, "\n");
	}
}

static struct vm *find_vm(const char *name, struct monitor_output *o)
{
	for (unsigned i = 0; i < num_vms; i++)
		if (!strcmp(vms[i].name, name))
			return &vms[i];
	monitor_say(o, "no VM named \"%s\"\n", name);
	return NULL;
}

static int parse_number(const char *word, unsigned *value,
			struct monitor_output *o)
{
	char *end;
	unsigned long n = strtoul(word, &end, 10);

	if (end == word || *end || word[0] == '-' || n > 0xffffffffUL) {
		monitor_say(o, "not a number: \"%s\"\n", word);
		return HV_EINVAL;
	}
	*value = (unsigned)n;
	return HV_OK;
}

static unsigned online_harts(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		n += cpus[i].online;
	return n;
}

/* weight VM N, cap VM N. */
static int cmd_set(const char *what, struct vm *vm, const char *number,
		   struct monitor_output *o)
{
	bool weight = !strcmp(what, "weight");
	unsigned value;
	int err = parse_number(number, &value, o);

	if (err)
		return err;
	err = weight ? sched_set_vm_weight(vm, value)
		     : sched_set_vm_cap(vm, value);
	if (err == HV_ERANGE && weight)
		monitor_say(o, "weight must be 1..%u\n", SCHED_WEIGHT_MAX);
	else if (err == HV_ERANGE)
		monitor_say(o, "cap must be 0..%u (%%, 0: no cap)\n",
			    100 * online_harts());
	else if (err)
		monitor_say(o, "cannot set the %s of \"%s\" (error %d)\n", what,
			    vm->name, err);
	else
		monitor_say(o, "%s of \"%s\" is now %u%s\n", what, vm->name,
			    value, weight ? "" : " %");
	return err;
}

static int cmd_pause(bool pause, struct vm *vm, struct monitor_output *o)
{
	bool *mine = &paused_by_monitor[vm->index];

	if (!vm_is_running(vm)) {
		monitor_say(o, "\"%s\" is stopped\n", vm->name);
		return HV_ESTATE;
	}
	if (pause == *mine) {
		monitor_say(o, "\"%s\" is %s paused by the monitor\n", vm->name,
			    pause ? "already" : "not");
		return HV_ESTATE;
	}
	*mine = pause;
	if (pause) {
		/* Asks, does not wait: see the top of the file. */
		vm_pause_begin(vm);
		monitor_say(o, "\"%s\" paused\n", vm->name);
	} else {
		vm_resume(vm);
		monitor_say(o, "\"%s\" resumed%s\n", vm->name,
			    vm_is_paused(vm) ? " (still paused by gdb)" : "");
	}
	return HV_OK;
}

static const char *const usage[] = {
	"vcpus [VM]", "stats VM", "weight VM N",
	"cap VM N",   "pause VM", "resume VM",
};

void monitor_help(const struct monitor_view *view, struct monitor_output *out)
{
	monitor_say(out,
		    "vms               the VMs (* = %s)\n"
		    "vcpus [VM]        state, hart, times and exits of each "
		    "vCPU\n"
		    "sched             the runqueues\n"
		    "stats VM          run, wait (steal) and wake-to-run "
		    "latency of each vCPU\n"
		    "weight VM N       set a VM's weight (1..%u)\n"
		    "cap VM N          cap a VM at N %% of one hart (0: none)\n"
		    "pause VM          stop a VM's vCPUs; resume VM: go on\n",
		    view->marked_means, SCHED_WEIGHT_MAX);
}

/* Split cmd into at most MAX_WORDS words; false if there are more or one
 * is too long. */
static bool split(const char *cmd, char words[MAX_WORDS][WORD_MAX],
		  unsigned *count)
{
	*count = 0;
	while (*cmd) {
		size_t len = strcspn(cmd, " \t");

		if (len) {
			if (*count == MAX_WORDS || len >= WORD_MAX)
				return false;
			memcpy(words[*count], cmd, len);
			words[(*count)++][len] = 0;
		}
		cmd += len;
		cmd += strspn(cmd, " \t");
	}
	return true;
}

static int usage_error(const char *verb, struct monitor_output *o)
{
	for (size_t i = 0; i < ARRAY_SIZE(usage); i++)
		if (!strncmp(usage[i], verb, strlen(verb)) &&
		    usage[i][strlen(verb)] == ' ') {
			monitor_say(o, "usage: %s\n", usage[i]);
			return HV_EINVAL;
		}
	monitor_say(o, "usage: %s\n", verb);
	return HV_EINVAL;
}

int monitor_command(const struct monitor_view *view, const char *cmd,
		    struct monitor_output *o)
{
	char w[MAX_WORDS][WORD_MAX];
	unsigned n;
	struct vm *vm = NULL;

	if (!split(cmd, w, &n) || n == 0)
		return HV_ENOENT;
	bool want_vm = !strcmp(w[0], "stats") || !strcmp(w[0], "pause") ||
		       !strcmp(w[0], "resume");
	bool want_set = !strcmp(w[0], "weight") || !strcmp(w[0], "cap");

	if (!strcmp(w[0], "vms") || !strcmp(w[0], "sched")) {
		if (n != 1)
			return usage_error(w[0], o);
		if (w[0][0] == 'v')
			cmd_vms(view, o);
		else
			cmd_sched(o);
		return HV_OK;
	}
	if (!strcmp(w[0], "vcpus")) {
		if (n > 2)
			return usage_error(w[0], o);
		vm = (struct vm *)view->default_vm;
		if (n == 2 && !(vm = find_vm(w[1], o)))
			return HV_EINVAL;
		cmd_vcpus(view, vm, o);
		return HV_OK;
	}
	if (!want_vm && !want_set)
		return HV_ENOENT;
	if (n != (want_set ? 3u : 2u))
		return usage_error(w[0], o);
	if (!(vm = find_vm(w[1], o)))
		return HV_EINVAL;
	if (want_set)
		return cmd_set(w[0], vm, w[2], o);
	if (!strcmp(w[0], "stats")) {
		cmd_stats(vm, o);
		return HV_OK;
	}
	return cmd_pause(!strcmp(w[0], "pause"), vm, o);
}
