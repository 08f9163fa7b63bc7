// SPDX-License-Identifier: MIT
/*
 * The console monitor: Ctrl-] then m opens a prompt on the hypervisor
 * console; commands are the shared monitor's (hv/core/monitor_commands.c) plus
 * help and quit. Guests keep running while it is open, but their console
 * output waits in their rings (so it does not tear the monitor's lines)
 * and goes out when the monitor closes; a ring that fills meanwhile
 * drops and counts as usual.
 *
 * Runs on the console hart from console_poll_input, with no lock held.
 */
#include <string.h>
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/monitor.h>
#include <hv/vm.h>

#define LINE_MAX 80
#define PROMPT "monitor> "

static bool monitor_open;
static char line[LINE_MAX];
static unsigned line_len;
static char reply[6144];

bool console_monitor_is_open(void)
{
	return monitor_open;
}

static void print(const char *text)
{
	console_write_hypervisor(text, strlen(text));
}

void console_monitor_open(void)
{
	if (monitor_open)
		return;
	monitor_open = true;
	line_len = 0;
	console_hold_vm_output(true);
	print("\nhartvisor monitor: `help` lists the commands, `quit` "
	      "leaves\n" PROMPT);
}

static void close_monitor(void)
{
	monitor_open = false;
	print("hartvisor: monitor closed\n");
	console_hold_vm_output(false);
	console_drain();
}

static void run(const char *cmd)
{
	struct monitor_output out = {.buf = reply, .len = sizeof(reply)};
	const struct monitor_view view = {
		.marked = num_vms ? &vms[console_focus()] : NULL,
		.marked_means = "console input focus",
	};

	reply[0] = 0;
	if (!strcmp(cmd, "quit")) {
		close_monitor();
		return;
	}
	if (!strcmp(cmd, "help")) {
		monitor_say(&out, "help              this text\n"
				  "quit              close the monitor\n");
		monitor_help(&view, &out);
	} else if (cmd[0] && monitor_command(&view, cmd, &out) == HV_ENOENT) {
		monitor_say(&out, "unknown command \"%s\"; try \"help\"\n",
			    cmd);
	}
	console_write_hypervisor(reply, out.used);
	print(PROMPT);
}

void console_monitor_input(uint8_t byte)
{
	char echo[2] = {(char)byte, 0};

	if (byte == '\r' || byte == '\n') {
		line[line_len] = 0;
		line_len = 0;
		print("\n");
		run(line);
	} else if (byte == 0x7f || byte == '\b') {
		if (line_len) {
			line_len--;
			print("\b \b");
		}
	} else if (byte >= ' ' && byte < 0x7f && line_len < LINE_MAX - 1) {
		line[line_len++] = (char)byte;
		print(echo);
	}
}

void console_monitor_reset(void)
{
	monitor_open = false;
	line_len = 0;
	console_hold_vm_output(false);
}
