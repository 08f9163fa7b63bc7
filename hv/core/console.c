// SPDX-License-Identifier: MIT
/*
 * Console output (see hv/include/hv/console.h): one ring per VM and one
 * for the hypervisor, drained to the host UART in bounded passes.
 *
 * Writers never touch the UART: they append under their ring's ticket
 * lock, which is held only for the copy. The single drainer (whoever wins
 * drain_lock with a try-lock) reads the bytes between head and tail
 * without the ring lock: producers only write past tail and never past
 * head + size, and the drainer publishes head with a release store after
 * it has read the bytes, so a producer cannot overwrite a byte still
 * being read. A hart that finds drain_lock taken does not wait: the
 * holder is already moving bytes, and its pass is bounded.
 *
 * Lock order: drain_lock, then a ring lock (both innermost: no other
 * lock is taken under them). Any caller may hold other locks.
 */
#include <string.h>
#include <hv/console.h>
#include <hv/cpu_msg.h>
#include <hv/printk.h>
#include <hv/ticket_lock.h>
#include <hv/vm.h>
#include <hv/platform.h>
#include <arch/arch.h>
#include "drivers/uart16550.h"

#define INTERACTIVE_SECONDS 5
#define NUM_RINGS (1 + HV_MAX_VMS) /* ring 0 is the hypervisor's */
#define EMERGENCY_MS 100

struct out_ring {
	ticket_lock_t lock; /* producers */
	uint32_t head;	    /* next byte to drain; the drainer's (atomic) */
	uint32_t tail;	    /* next free slot; producers' (atomic) */
	uint32_t mask;
	uint8_t *bytes;
	/* Shared console only (drainer's): bytes of the current line on
	 * screen, and whether a partial line may show now (atomic). */
	uint32_t line_shown;
	bool show_partial;
	uint64_t written, dropped; /* dropped: atomic */
	uint64_t input_dropped;	   /* atomic */
};

static struct uart16550 *host_uart;
static unsigned shared_by; /* VMs sharing the console */
static unsigned focus;	   /* index of the VM that gets input */
static uint64_t last_input_time;

static uint8_t hv_ring_bytes[CONSOLE_HV_RING_SIZE];
static uint8_t vm_ring_bytes[HV_MAX_VMS][CONSOLE_RING_SIZE];
static struct out_ring rings[NUM_RINGS];
/* Bit i: ring i may hold bytes (atomic). Set by every append that added
 * some, cleared by the drainer when it empties the ring, so the check
 * every host interrupt makes is one load (nothing_to_do). */
static unsigned long rings_waiting;
_Static_assert(NUM_RINGS <= 8 * sizeof(unsigned long), "one bit per ring");

/* The drainer's state, under drain_lock. */
static ticket_lock_t drain_lock = TICKET_LOCK_INIT;
static unsigned next_ring;		/* where the next pass starts */
static int mid_line_owner = -1;		/* ring whose partial line is shown */
static char stage[8 + 2 * VM_NAME_MAX]; /* bytes on their way to the UART */
static unsigned stage_len, stage_pos;
static unsigned staged_ring; /* the ring byte behind the staged bytes */
static bool staged_byte;
static uint64_t busy_since; /* UART first found busy with bytes waiting */
static bool stalled;	    /* atomic for readers */
static bool hold_vm_output; /* the monitor is open (atomic) */
static bool tx_irq_on;	    /* the UART's THR-empty interrupt is enabled */

void console_init(struct uart16550 *uart)
{
	host_uart = uart;
	memset(rings, 0, sizeof(rings));
	rings[0].bytes = hv_ring_bytes;
	rings[0].mask = CONSOLE_HV_RING_SIZE - 1;
	for (unsigned i = 1; i < NUM_RINGS; i++) {
		rings[i].bytes = vm_ring_bytes[i - 1];
		rings[i].mask = CONSOLE_RING_SIZE - 1;
	}
	next_ring = 0;
	mid_line_owner = -1;
	stage_len = stage_pos = 0;
	staged_byte = false;
	busy_since = 0;
	stalled = false;
	tx_irq_on = false;
	rings_waiting = 0;
}

struct uart16550 *console_host_uart(void)
{
	return host_uart;
}

void console_hold_vm_output(bool hold)
{
	__atomic_store_n(&hold_vm_output, hold, __ATOMIC_RELAXED);
}

void console_set_num_vms(unsigned count)
{
	shared_by = count;
}

void console_set_focus(unsigned vm_index)
{
	focus = vm_index;
}

unsigned console_focus(void)
{
	return focus;
}

void console_note_input(void)
{
	last_input_time = arch_time_now();
}

static struct out_ring *vm_ring(const struct vm *vm)
{
	return &rings[1 + vm->index];
}

static uint32_t ring_pending(struct out_ring *r)
{
	return __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) - r->head;
}

/* The drainer emptied ring `index`: clear its bit, then look again, so
 * that bytes appended in between keep it set (see ring_append). */
static void note_drained(unsigned index)
{
	__atomic_fetch_and(&rings_waiting, ~(1UL << index), __ATOMIC_SEQ_CST);
	if (ring_pending(&rings[index]))
		__atomic_fetch_or(&rings_waiting, 1UL << index,
				  __ATOMIC_SEQ_CST);
}

/* Append what fits; a short append counts the rest as dropped unless the
 * caller takes the shortfall back (DBCN reports a partial write). */
static size_t ring_append(struct out_ring *r, const uint8_t *src, size_t len,
			  bool count_drops)
{
	if (!r->bytes)
		return 0; /* no console yet */
	ticket_lock(&r->lock);
	uint32_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	uint32_t tail = r->tail;
	size_t n = MIN(len, (size_t)(r->mask + 1 - (tail - head)));

	for (size_t i = 0; i < n; i++)
		r->bytes[(tail + i) & r->mask] = src[i];
	__atomic_store_n(&r->tail, tail + (uint32_t)n, __ATOMIC_RELEASE);
	ticket_unlock(&r->lock);
	/* After the tail: a drainer that clears the bit and then finds the
	 * ring empty has not seen these bytes, and this sets it again. */
	if (n)
		__atomic_fetch_or(&rings_waiting, 1UL << (r - rings),
				  __ATOMIC_SEQ_CST);
	if (count_drops && n < len)
		__atomic_fetch_add(&r->dropped, len - n, __ATOMIC_RELAXED);
	return n;
}

static bool stage_flushed(void)
{
	while (stage_pos < stage_len) {
		if (!uart16550_try_putc(host_uart, (uint8_t)stage[stage_pos]))
			return false;
		stage_pos++;
		busy_since = 0;
		__atomic_store_n(&stalled, false, __ATOMIC_RELAXED);
	}
	stage_pos = stage_len = 0;
	if (staged_byte)
		rings[staged_ring].written++;
	staged_byte = false;
	return true;
}

static void stage_text(const char *text, size_t len)
{
	memcpy(stage + stage_len, text, len);
	stage_len += (unsigned)len;
}

static bool ring_vm_stopped(unsigned index)
{
	return index > 0 && !vm_is_running(&vms[index - 1]);
}

/* How many pending bytes of ring `index` may be shown now. On a shared
 * console a VM's bytes wait for the end of their line, unless the line
 * has grown to VM_CONSOLE_LINE_MAX, a prompt may show, or the VM ended.
 * While the monitor is open only the hypervisor's (and a stopped VM's)
 * bytes go out. */
static uint32_t eligible(unsigned index, uint32_t pending)
{
	struct out_ring *r = &rings[index];
	uint32_t room = VM_CONSOLE_LINE_MAX - r->line_shown;

	if (index > 0 && __atomic_load_n(&hold_vm_output, __ATOMIC_RELAXED) &&
	    !ring_vm_stopped(index))
		return 0; /* the monitor is open */
	if (index == 0 || shared_by <= 1 || pending >= room ||
	    __atomic_load_n(&r->show_partial, __ATOMIC_RELAXED) ||
	    ring_vm_stopped(index))
		return pending;
	for (uint32_t k = pending; k > 0; k--)
		if (r->bytes[(r->head + k - 1) & r->mask] == '\n')
			return k;
	return 0;
}

/* Stage one byte of ring `index` with its line decoration. */
static void stage_byte(unsigned index, uint8_t byte)
{
	struct out_ring *r = &rings[index];

	staged_ring = index;
	staged_byte = true;
	if (shared_by <= 1 && index > 0) {
		stage[stage_len++] = (char)byte; /* one VM: unchanged */
		return;
	}
	if (byte == '\r' && index > 0)
		return; /* lines end in \n; \r\n is added below */
	if (shared_by > 1 && mid_line_owner != (int)index) {
		if (mid_line_owner >= 0) {
			stage_text("\r\n", 2);
			rings[mid_line_owner].line_shown = 0;
		}
		if (index > 0) {
			const char *name = vms[index - 1].name;

			stage_text("[", 1);
			stage_text(name, strnlen(name, VM_NAME_MAX - 1));
			stage_text("] ", 2);
		}
		mid_line_owner = (int)index;
	}
	if (byte == '\n') {
		stage_text("\r\n", 2);
		r->line_shown = 0;
		mid_line_owner = -1;
		return;
	}
	stage[stage_len++] = (char)byte;
	if (++r->line_shown == VM_CONSOLE_LINE_MAX)
		r->line_shown = 0; /* a full line's worth shown */
}

/* A turn that stops inside a line would let the next ring's line cut
 * it: stretch `can` (of the `allowed` bytes) to the end of its line, at
 * most VM_CONSOLE_LINE_MAX bytes more. */
static uint32_t line_end(const struct out_ring *r, uint32_t can,
			 uint32_t allowed)
{
	uint32_t limit = MIN(allowed, can + VM_CONSOLE_LINE_MAX);

	while (can > 0 && can < limit &&
	       r->bytes[(r->head + can - 1) & r->mask] != '\n')
		can++;
	return can;
}

/* Move up to `quantum` bytes of one ring, and the rest of the line they
 * end in. Returns the bytes taken from
 * the ring; *blocked tells that the UART took no more. */
static uint32_t serve_ring(unsigned index, uint32_t quantum, bool *blocked)
{
	struct out_ring *r = &rings[index];
	uint32_t pending = ring_pending(r), done = 0;
	uint32_t allowed = eligible(index, pending);
	uint32_t can = line_end(r, MIN(allowed, quantum), allowed);

	if (pending == 0)
		__atomic_store_n(&r->show_partial, false, __ATOMIC_RELAXED);
	while (done < can) {
		if (!stage_flushed()) {
			*blocked = true;
			break;
		}
		stage_byte(index, r->bytes[(r->head + done) & r->mask]);
		done++;
	}
	if (done && !*blocked && !stage_flushed())
		*blocked = true;
	__atomic_store_n(&r->head, r->head + done, __ATOMIC_RELEASE);
	if (pending == done &&
	    (__atomic_load_n(&rings_waiting, __ATOMIC_RELAXED) &
	     (1UL << index)))
		note_drained(index);
	return done;
}

/* The UART has not taken a byte for CONSOLE_STALL_MS: throw away what
 * waits (counted) so that nothing waits for it. */
static void drop_everything(void)
{
	for (unsigned i = 0; i < NUM_RINGS; i++) {
		struct out_ring *r = &rings[i];
		uint32_t pending = ring_pending(r);

		__atomic_fetch_add(&r->dropped, pending, __ATOMIC_RELAXED);
		__atomic_store_n(&r->head, r->head + pending, __ATOMIC_RELEASE);
		note_drained(i);
	}
	if (staged_byte)
		__atomic_fetch_add(&rings[staged_ring].dropped, 1,
				   __ATOMIC_RELAXED);
	staged_byte = false;
	stage_len = stage_pos = 0;
}

static void note_blocked(void)
{
	uint64_t now = arch_time_now();
	uint64_t limit = platform_ticks_from_ms(CONSOLE_STALL_MS);

	if (!busy_since)
		busy_since = now;
	else if (now - busy_since >= limit)
		__atomic_store_n(&stalled, true, __ATOMIC_RELAXED);
	if (__atomic_load_n(&stalled, __ATOMIC_RELAXED))
		drop_everything();
}

/* One pass, drain_lock held: rings in turn from a rotating start, each
 * up to CONSOLE_DRAIN_QUANTUM bytes per turn (and the end of the line
 * they are in), at most CONSOLE_DRAIN_BUDGET bytes in all (and the end
 * of a line), so no ring waits behind a flood and no line is cut. */
static void drain_pass(void)
{
	uint32_t budget = CONSOLE_DRAIN_BUDGET;
	unsigned start = next_ring;
	bool blocked = false, progress = true;

	next_ring = (next_ring + 1) % NUM_RINGS;
	/* A line a busy UART left half shown goes on first: another ring
	 * would cut it with its own. */
	if (mid_line_owner >= 0)
		start = (unsigned)mid_line_owner;
	blocked = !stage_flushed();
	while (budget && progress && !blocked) {
		progress = false;
		for (unsigned k = 0; k < NUM_RINGS && budget && !blocked; k++) {
			uint32_t quantum = MIN(budget, CONSOLE_DRAIN_QUANTUM);
			uint32_t n = serve_ring((start + k) % NUM_RINGS,
						quantum, &blocked);

			budget -= MIN(n, budget); /* a line may overshoot */
			progress |= n > 0;
		}
	}
	if (blocked)
		note_blocked();
	/* Output left behind (the UART was busy, or the budget ran out)
	 * must not wait for the next guest write: the THR-empty interrupt
	 * brings the console hart back for it. Off once nothing that may
	 * be shown waits, so the interrupt cannot storm. */
	bool more = (blocked || budget == 0) && !console_uart_stalled();

	if (more != tx_irq_on) {
		uart16550_set_tx_irq(host_uart, more);
		tx_irq_on = more;
	}
}

/* Nothing waits and the THR-empty interrupt is off: the usual case at
 * the exits and idle turns that call console_drain, kept to a few loads
 * (a full pass cost about 1,200 instructions on every timer exit).
 * Unlocked reads: a byte appended meanwhile is drained by its writer. */
static bool nothing_to_do(void)
{
	return !__atomic_load_n(&tx_irq_on, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&stage_len, __ATOMIC_RELAXED) &&
	       !__atomic_load_n(&rings_waiting, __ATOMIC_ACQUIRE);
}

bool console_idle(void)
{
	return nothing_to_do();
}

void console_drain(void)
{
	if (!host_uart || nothing_to_do() || !ticket_trylock(&drain_lock))
		return;
	drain_pass();
	ticket_unlock(&drain_lock);
}

/* Drain until ring `index` is empty: passes are bounded, and a stalled
 * UART empties every ring, so this ends. */
static void flush_ring(unsigned index)
{
	while (host_uart && ring_pending(&rings[index]))
		console_drain();
}

/* A stopped VM's last output, all of it, before its report. The hart
 * serves other harts' messages and its timer meanwhile: a full ring takes
 * 1.4 s on a 115200-baud UART. Its callers (a VM's stop, its reboot's
 * first step) hold no lock and wait that way anyway. */
static void flush_ring_serving(unsigned index)
{
	while (host_uart && ring_pending(&rings[index])) {
		console_drain();
		cpu_relax_serving();
	}
}

void console_write_hypervisor(const char *text, size_t len)
{
	if (!host_uart)
		return;
	ring_append(&rings[0], (const uint8_t *)text, len, true);
	flush_ring(0);
}

void console_vm_putc(struct vm *vm, uint8_t byte)
{
	ring_append(vm_ring(vm), &byte, 1, true);
	console_drain();
}

size_t console_vm_write(struct vm *vm, const uint8_t *bytes, size_t len)
{
	size_t taken = ring_append(vm_ring(vm), bytes, len, false);

	console_drain();
	return taken;
}

/*
 * A partial line is shown early only for the VM a person is typing to
 * (input in the last few seconds): that makes its prompt and echo appear,
 * while the output of unattended VMs stays in whole, prefixed lines.
 */
void console_vm_flush(struct vm *vm)
{
	uint64_t recent = platform.timebase_frequency * INTERACTIVE_SECONDS;
	struct out_ring *r = vm_ring(vm);
	struct console_stats stats;

	if (vm_is_running(vm)) {
		if (shared_by > 1 && vm->index == focus && last_input_time &&
		    arch_time_now() - last_input_time < recent)
			__atomic_store_n(&r->show_partial, true,
					 __ATOMIC_RELAXED);
		console_drain();
		return;
	}
	flush_ring_serving(1 + vm->index);
	console_get_stats(vm, &stats);
	if (stats.dropped || stats.input_dropped)
		hv_printf("hartvisor: VM \"%s\": the console dropped %llu "
			  "output and %llu input byte(s)\n",
			  vm->name, (unsigned long long)stats.dropped,
			  (unsigned long long)stats.input_dropped);
}

void console_count_input_drop(unsigned vm_index)
{
	__atomic_fetch_add(&rings[1 + vm_index].input_dropped, 1,
			   __ATOMIC_RELAXED);
}

void console_get_stats(const struct vm *vm, struct console_stats *stats)
{
	struct out_ring *r = vm ? vm_ring(vm) : &rings[0];

	stats->written = __atomic_load_n(&r->written, __ATOMIC_RELAXED);
	stats->dropped = __atomic_load_n(&r->dropped, __ATOMIC_RELAXED);
	stats->input_dropped =
		__atomic_load_n(&r->input_dropped, __ATOMIC_RELAXED);
}

bool console_uart_stalled(void)
{
	return __atomic_load_n(&stalled, __ATOMIC_RELAXED);
}

/* The panic path: no lock and no ring (a panicking hart may hold either),
 * and a bounded wait for the UART, so it works whatever state the
 * console is in and cannot hang on a dead UART. */
void console_write_emergency(const char *text, size_t len)
{
	uint64_t deadline =
		arch_time_now() + platform_ticks_from_ms(EMERGENCY_MS);

	for (size_t i = 0; host_uart && i < len; i++) {
		bool crlf = text[i] == '\n';

		for (unsigned part = crlf ? 0 : 1; part < 2; part++) {
			uint8_t byte = part ? (uint8_t)text[i] : '\r';

			while (!uart16550_try_putc(host_uart, byte))
				if (arch_time_now() > deadline)
					return;
		}
	}
}
