/* SPDX-License-Identifier: MIT */
/*
 * The monitor's commands, shared by the console monitor (Ctrl-] m,
 * hv/core/console_monitor.c) and gdb's `monitor` (gdbstub/monitor.c):
 * text about the VMs, vCPUs and runqueues, and the controls (weight, cap,
 * pause, resume). Output goes to a caller's buffer, cut to its size and
 * always NUL-terminated.
 */
#ifndef HV_MONITOR_H
#define HV_MONITOR_H

#include <hv/types.h>

struct vm;
struct vcpu;

struct monitor_output {
	char *buf;
	size_t len, used;
};

__attribute__((format(printf, 2, 3))) void
monitor_say(struct monitor_output *out, const char *fmt, ...);

/* How a front end shows things: which VM `vms` marks with '*' and what
 * that means, and whether vCPUs are gdb threads (numbered from 1). */
struct monitor_view {
	const struct vm *marked;
	const char *marked_means; /* "the one gdb debugs" */
	bool gdb_threads;
	const struct vm *default_vm; /* `vcpus` without a VM; NULL: all */
};

/*
 * Run one of the shared commands. Returns HV_OK, or an HV_E* error with a
 * one-line reason in out; HV_ENOENT (nothing written) when cmd is not a
 * shared command, so the front end can try its own.
 */
int monitor_command(const struct monitor_view *view, const char *cmd,
		    struct monitor_output *out);
/* The shared commands' help lines. */
void monitor_help(const struct monitor_view *view, struct monitor_output *out);
/* "runnable", "blocked in wfi", ... */
const char *monitor_vcpu_state(const struct vcpu *vcpu);
/* Forget the pauses the monitor made (host tests). */
void monitor_reset(void);

#endif
