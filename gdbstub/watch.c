// SPDX-License-Identifier: MIT
/*
 * Watchpoints (Z2 write, Z3 read, Z4 access) by stage-2 protection, as
 * many as the tables below hold: no hardware trigger is involved.
 *
 * A watchpoint is kept by gdb's address and length and, for the fault
 * path, as guest-physical segments, one per guest page it covers (each
 * page translated through thread 1, as breakpoints are). Each watched
 * page counts the segments on it: a write watch takes W away from the
 * page, a read or access watch takes R and W (X stays: code on the page
 * still runs). Removing one of two watchpoints on a page leaves the page
 * protected for the other.
 *
 * A guest-page fault on a watched page (hv/exit/guest_page_fault.c calls
 * gdb_watch_guest_page_fault) is decoded (hv/exit/ram_access.c). If the
 * access overlaps a watched range of its kind, the vCPU stops before the
 * access (its pc stays on the instruction) and gdb hears watch:, rwatch:
 * or awatch: with the address gdb gave; gdb then removes the watchpoint,
 * steps that vCPU over the access and inserts it again. Any other access
 * on the page is performed by the hypervisor and the guest goes on past
 * it, none the wiser. What the hypervisor cannot perform (LR/SC, whose
 * reservation no trap keeps; the guest's own page-table walk; vector
 * and other instructions hv/exit/ram_access.c does not emulate) gets the
 * page's permissions back instead: the page is "suspended" until gdb
 * next resumes the VM from a stop (or inserts its watchpoints again), and
 * the hypervisor console says so. The guest is never stuck, but hits on
 * that page go unseen meanwhile.
 *
 * Why LR/SC is not completed for the guest (a non-hit LR/SC on a watched
 * page costs the page its watching until the next resume):
 *  - An emulated LR leaves the hart without a reservation, and QEMU 7.2
 *    fails an SC without one before it checks the store's permission:
 *    no trap, the guest's retry loop emulates its LR again and spins.
 *  - Where only the SC traps (a write watch: LR runs), the trap has
 *    dropped QEMU's reservation and the hypervisor sees no reservation
 *    state: it cannot tell whether another hart stored in between, so it
 *    can neither succeed the SC (atomicity lost) nor fail it (the retry
 *    traps the same way, forever).
 *  - Stepping the sequence with the page open (a hidden breakpoint after
 *    the sc and on every branch out, the vCPU's interrupts masked, then
 *    the page protected again) needs the VM's other vCPUs paused for the
 *    window, or their hits on the page go unseen as now; a pause begun
 *    and ended inside one vCPU's exit, beside gdb's own run control
 *    (its stop reports, its step), is more machinery than the rare LR/SC
 *    on a watched page is worth. tests/unit/test_gdbstub_watch_suspend.c
 *    pins what happens instead.
 *
 * The same table keeps the pages that hold software breakpoints
 * (gdb_watch_break_page, from breakpoints.c): such a page is
 * execute-only, whatever its watchpoints ask, so every guest load and
 * store there faults; one that hits no watchpoint is completed by
 * gdb_break_emulate with the breakpoints' original bytes in place. An
 * access that cannot be completed suspends the page as above (and the
 * guest may then read a planted ebreak until the next resume).
 *
 * Every permission change is followed by a G-stage TLB flush on every
 * hart (hv/mm/guest_protect.c), outside watch_lock.
 *
 * Locking: the session lock (gdb's packets), then watch_lock; the fault
 * path takes watch_lock alone, and run.c's stop_lock only after
 * releasing it.
 */
#include <string.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/guest_protect.h>
#include <hv/printk.h>
#include <hv/ram_access.h>
#include <hv/spinlock.h>
#include <hv/stage2.h>
#include <hv/vm.h>
#include "gdbstub/stub.h"

#define WATCH_MAX_SEGMENTS 256
#define WATCH_MAX_PAGES 256
/* gdb's Z kind is at most 0xffff bytes: 17 pages at worst. */
#define WATCH_MAX_CHUNKS 17

struct watchpoint {
	bool used;
	enum gdb_break_type type;
	uint64_t addr; /* as gdb gave it */
	unsigned len;
};

/* The part of a watchpoint on one guest page. */
struct watch_segment {
	bool used;
	unsigned watch; /* index in watches[] */
	gpa_t start;
	unsigned len;
};

struct watched_page {
	bool used;
	gpa_t page;
	unsigned writes;	/* write segments on the page */
	unsigned reads;		/* read and access segments */
	unsigned breaks;	/* software breakpoints planted on the page */
	unsigned long original; /* stage-2 permissions before any watch */
	bool suspended;		/* permissions back until the next resume */
};

static struct {
	spinlock_t lock;
	struct watchpoint watches[GDB_MAX_WATCHPOINTS];
	struct watch_segment segments[WATCH_MAX_SEGMENTS];
	struct watched_page pages[WATCH_MAX_PAGES];
} watch;

static bool reads_kind(enum gdb_break_type type)
{
	return type == GDB_WATCH_READ || type == GDB_WATCH_ACCESS;
}

static struct watched_page *find_page(gpa_t page)
{
	for (unsigned i = 0; i < WATCH_MAX_PAGES; i++)
		if (watch.pages[i].used && watch.pages[i].page.val == page.val)
			return &watch.pages[i];
	return NULL;
}

static unsigned long wanted_perms(const struct watched_page *pg)
{
	if (pg->suspended)
		return pg->original;
	/* Execute-only (the G-stage allows it): fetches run the planted
	 * ebreak, loads and stores come here to see the original bytes. */
	if (pg->breaks && (pg->original & STAGE2_EXEC))
		return STAGE2_EXEC;
	if (pg->reads)
		return pg->original & ~(STAGE2_READ | STAGE2_WRITE);
	if (pg->writes)
		return pg->original & ~STAGE2_WRITE;
	return pg->original;
}

/* Give the page the permissions its segments ask for; a page no segment
 * uses any more gets its own back and leaves the table. */
static int page_update(struct watched_page *pg)
{
	bool unused = !pg->reads && !pg->writes && !pg->breaks;
	int err = guest_protect_page(gdb_target.vm, pg->page,
				     unused ? pg->original : wanted_perms(pg));

	if (unused)
		*pg = (struct watched_page){0};
	return err;
}

static struct watched_page *get_page(gpa_t page)
{
	struct watched_page *pg = find_page(page);
	unsigned long perms;

	for (unsigned i = 0; i < WATCH_MAX_PAGES && !pg; i++)
		if (!watch.pages[i].used)
			pg = &watch.pages[i];
	if (!pg || pg->used)
		return pg;
	if (guest_protect_perms(gdb_target.vm, page, &perms))
		return NULL;
	*pg = (struct watched_page){
		.used = true, .page = page, .original = perms};
	return pg;
}

static void count_segment(const struct watch_segment *seg, int delta)
{
	struct watched_page *pg =
		find_page(gpa(ALIGN_DOWN(seg->start.val, PAGE_SIZE)));
	enum gdb_break_type type = watch.watches[seg->watch].type;

	if (reads_kind(type))
		pg->reads += (unsigned)delta;
	else
		pg->writes += (unsigned)delta;
}

/* Drop a watchpoint's segments (watch_lock held); the pages they were on
 * get their permissions recomputed. */
static void drop_watch(unsigned w)
{
	for (unsigned i = 0; i < WATCH_MAX_SEGMENTS; i++) {
		struct watch_segment *seg = &watch.segments[i];

		if (!seg->used || seg->watch != w)
			continue;
		count_segment(seg, -1);
		page_update(
			find_page(gpa(ALIGN_DOWN(seg->start.val, PAGE_SIZE))));
		seg->used = false;
	}
	watch.watches[w].used = false;
}

static int find_watch(enum gdb_break_type type, uint64_t addr, unsigned len)
{
	for (unsigned i = 0; i < GDB_MAX_WATCHPOINTS; i++) {
		const struct watchpoint *w = &watch.watches[i];

		if (w->used && w->type == type && w->addr == addr &&
		    w->len == len)
			return (int)i;
	}
	return -1;
}

/* [addr, addr + len) as guest-physical pieces within one page each. */
static int translate_range(uint64_t addr, unsigned len, gpa_t *starts,
			   unsigned *lens, unsigned *count)
{
	*count = 0;
	while (len) {
		unsigned chunk =
			(unsigned)(PAGE_SIZE - (addr & (PAGE_SIZE - 1)));
		gpa_t where;

		if (chunk > len)
			chunk = len;
		if (*count == WATCH_MAX_CHUNKS ||
		    gdb_target_translate(1, addr, &where) ||
		    guest_mem_range(gdb_target.vm, where, chunk, NULL))
			return HV_EFAULT; /* RAM only: devices always trap */
		starts[*count] = where;
		lens[(*count)++] = chunk;
		addr += chunk;
		len -= chunk;
	}
	return HV_OK;
}

/* Room for count more segments and their pages? */
static bool room_for(const gpa_t *starts, unsigned count)
{
	unsigned free_segments = 0, free_pages = 0, new_pages = 0;

	for (unsigned i = 0; i < WATCH_MAX_SEGMENTS; i++)
		free_segments += !watch.segments[i].used;
	for (unsigned i = 0; i < WATCH_MAX_PAGES; i++)
		free_pages += !watch.pages[i].used;
	for (unsigned i = 0; i < count; i++) {
		gpa_t page = gpa(ALIGN_DOWN(starts[i].val, PAGE_SIZE));
		bool seen = find_page(page) != NULL;

		for (unsigned j = 0; j < i && !seen; j++)
			seen = ALIGN_DOWN(starts[j].val, PAGE_SIZE) == page.val;
		new_pages += !seen;
	}
	return free_segments >= count && free_pages >= new_pages;
}

static int add_watch(unsigned w, const gpa_t *starts, const unsigned *lens,
		     unsigned count)
{
	int err = HV_OK;

	for (unsigned i = 0; i < count && !err; i++) {
		struct watch_segment *seg = NULL;
		struct watched_page *pg =
			get_page(gpa(ALIGN_DOWN(starts[i].val, PAGE_SIZE)));

		for (unsigned s = 0; s < WATCH_MAX_SEGMENTS && !seg; s++)
			if (!watch.segments[s].used)
				seg = &watch.segments[s];
		if (!pg || !seg) {
			if (pg && !pg->reads && !pg->writes && !pg->breaks)
				*pg = (struct watched_page){0}; /* just got */
			err = HV_ENOMEM;
			break;
		}
		*seg = (struct watch_segment){.used = true,
					      .watch = w,
					      .start = starts[i],
					      .len = lens[i]};
		count_segment(seg, 1);
		err = page_update(pg);
	}
	if (err)
		drop_watch(w); /* undoes the pages done so far */
	return err;
}

int gdb_watch_insert(enum gdb_break_type type, uint64_t addr, unsigned len)
{
	gpa_t starts[WATCH_MAX_CHUNKS];
	unsigned lens[WATCH_MAX_CHUNKS], count, w;
	int err;

	if (type < GDB_WATCH_WRITE || type > GDB_WATCH_ACCESS || !len)
		return HV_EINVAL;
	if (gdb_run_wait_stopped())
		return HV_ESTATE;
	if (!gdb_target.vm->stage2.root.val)
		return HV_ENOTSUP;
	err = translate_range(addr, len, starts, lens, &count);
	if (err)
		return err;
	spin_lock(&watch.lock);
	if (find_watch(type, addr, len) >= 0) {
		spin_unlock(&watch.lock);
		return HV_OK; /* gdb may insert twice */
	}
	for (w = 0; w < GDB_MAX_WATCHPOINTS; w++)
		if (!watch.watches[w].used)
			break;
	if (w == GDB_MAX_WATCHPOINTS || !room_for(starts, count)) {
		spin_unlock(&watch.lock);
		return HV_ENOMEM;
	}
	watch.watches[w] = (struct watchpoint){
		.used = true, .type = type, .addr = addr, .len = len};
	err = add_watch(w, starts, lens, count);
	spin_unlock(&watch.lock);
	guest_protect_flush_all(gdb_target.vm);
	return err;
}

int gdb_watch_remove(enum gdb_break_type type, uint64_t addr, unsigned len)
{
	int w;

	if (type < GDB_WATCH_WRITE || type > GDB_WATCH_ACCESS)
		return HV_EINVAL;
	if (!gdb_target.vm)
		return HV_ESTATE;
	if (!gdb_target.vm->stage2.root.val)
		return HV_ENOTSUP; /* as inserting */
	spin_lock(&watch.lock);
	w = find_watch(type, addr, len);
	if (w >= 0)
		drop_watch((unsigned)w);
	spin_unlock(&watch.lock);
	if (w >= 0)
		guest_protect_flush_all(gdb_target.vm);
	return HV_OK; /* removing twice is harmless */
}

void gdb_watch_remove_all(void)
{
	bool any = false;

	if (!gdb_target.vm)
		return;
	spin_lock(&watch.lock);
	for (unsigned w = 0; w < GDB_MAX_WATCHPOINTS; w++)
		if (watch.watches[w].used) {
			drop_watch(w);
			any = true;
		}
	spin_unlock(&watch.lock);
	if (any)
		guest_protect_flush_all(gdb_target.vm);
}

void gdb_watch_forget(void)
{
	spin_lock(&watch.lock);
	memset(watch.watches, 0, sizeof(watch.watches));
	memset(watch.segments, 0, sizeof(watch.segments));
	memset(watch.pages, 0, sizeof(watch.pages));
	spin_unlock(&watch.lock);
}

void gdb_watch_resume(void)
{
	bool any = false;

	if (!gdb_target.vm)
		return;
	spin_lock(&watch.lock);
	for (unsigned i = 0; i < WATCH_MAX_PAGES; i++)
		if (watch.pages[i].used && watch.pages[i].suspended) {
			watch.pages[i].suspended = false;
			page_update(&watch.pages[i]);
			any = true;
		}
	spin_unlock(&watch.lock);
	if (any)
		guest_protect_flush_all(gdb_target.vm);
}

int gdb_watch_break_page(gpa_t where, bool planted)
{
	gpa_t page = gpa(ALIGN_DOWN(where.val, PAGE_SIZE));
	struct watched_page *pg;
	int err = HV_OK;

	/* A removal is counted even on a VM whose table is gone (it
	 * stopped): its page must not stay counted for later. */
	if (planted && !gdb_target.vm->stage2.root.val)
		return HV_ENOTSUP;
	spin_lock(&watch.lock);
	pg = planted ? get_page(page) : find_page(page);
	if (!pg)
		err = planted ? HV_ENOMEM : HV_OK;
	else if (planted || pg->breaks) {
		pg->breaks += planted ? 1 : -1U;
		err = page_update(pg);
	}
	spin_unlock(&watch.lock);
	return err;
}

/* The watchpoint an access of [addr, addr + width) hits, or -1: one of
 * the kind the access is (a write watch for a write, a read watch for a
 * read, an access watch for either). */
static int hit(gpa_t addr, unsigned width, bool reads, bool writes)
{
	for (unsigned i = 0; i < WATCH_MAX_SEGMENTS; i++) {
		const struct watch_segment *seg = &watch.segments[i];
		enum gdb_break_type type;

		if (!seg->used || addr.val >= seg->start.val + seg->len ||
		    seg->start.val >= addr.val + width)
			continue;
		type = watch.watches[seg->watch].type;
		if (type == GDB_WATCH_ACCESS ||
		    (type == GDB_WATCH_WRITE && writes) ||
		    (type == GDB_WATCH_READ && reads))
			return (int)seg->watch;
	}
	return -1;
}

static enum gdb_stop_reason stop_reason(enum gdb_break_type type)
{
	return type == GDB_WATCH_WRITE	? GDB_STOP_WATCH
	       : type == GDB_WATCH_READ ? GDB_STOP_RWATCH
					: GDB_STOP_AWATCH;
}

static bool permits(unsigned long perms, enum guest_access access)
{
	return access == GUEST_ACCESS_EXECUTE ? perms & STAGE2_EXEC
	       : access == GUEST_ACCESS_READ  ? perms & STAGE2_READ
					      : perms & STAGE2_WRITE;
}

/* Does the decoded access agree with the fault (the instruction at sepc
 * may have changed since the hart ran it)? */
static bool matches_fault(const struct ram_access *a, enum guest_access access)
{
	if (access == GUEST_ACCESS_READ)
		return ram_access_reads(a) && !ram_access_writes(a);
	return access == GUEST_ACCESS_WRITE && ram_access_writes(a);
}

enum fault_plan {
	PLAN_RETRY,    /* stale translation: flush here, run it again */
	PLAN_STOP,     /* a hit: report it, the access not done */
	PLAN_EMULATE,  /* complete it in the hypervisor */
	PLAN_SUSPEND,  /* cannot perform it: the page unprotected for now */
	PLAN_NOT_OURS, /* normal guest-page fault handling */
};

struct fault {
	struct vcpu *vcpu;
	gpa_t addr;
	enum guest_access access;
	struct ram_access decoded;
	int decode_err; /* HV_ENOENT: page-table walk; other: cannot */
	int watch;	/* the hit, for PLAN_STOP */
	bool flush_all; /* permissions changed: every hart flushes */
	bool breaks;	/* breakpoints on the page: emulate them hidden */
};

/* What to do with the fault (watch_lock held). */
static enum fault_plan plan(struct fault *f)
{
	gpa_t page = gpa(ALIGN_DOWN(f->addr.val, PAGE_SIZE));
	struct watched_page *pg = find_page(page);
	unsigned long perms;
	const struct ram_access *a = &f->decoded;

	if (guest_protect_perms(f->vcpu->vm, page, &perms))
		return PLAN_NOT_OURS;
	if (permits(perms, f->access))
		return PLAN_RETRY; /* changed since this hart cached it */
	if (!pg || f->vcpu->vm != gdb_target.vm)
		return PLAN_NOT_OURS;
	f->breaks = pg->breaks != 0;
	if (f->decode_err == HV_OK && matches_fault(a, f->access)) {
		/* Only the access's part on this page faulted here. */
		f->watch = hit(f->addr, a->width - a->starts_before,
			       ram_access_reads(a), ram_access_writes(a));
		if (f->watch >= 0)
			return PLAN_STOP;
		if (a->op != RAM_ACCESS_LR && a->op != RAM_ACCESS_SC)
			return PLAN_EMULATE;
	} else if (f->decode_err != HV_ENOENT &&
		   f->access != GUEST_ACCESS_EXECUTE) {
		/* An explicit access not decoded: checked as one byte (its
		 * width is unknown). A page-table walk never hits. */
		f->watch = hit(f->addr, 1, f->access == GUEST_ACCESS_READ,
			       f->access == GUEST_ACCESS_WRITE);
		if (f->watch >= 0)
			return PLAN_STOP;
	}
	pg->suspended = true;
	page_update(pg);
	f->flush_all = true;
	return PLAN_SUSPEND;
}

/* vm_debugger.guest_page_fault, on the faulting vCPU's hart. Return
 * contract: false for a fault on no watched page; otherwise true with
 * EXIT_RESCHEDULE for a hit (the VM stops for gdb, the access not
 * performed), else EXIT_RESUME (the access performed, or retried). */
bool gdb_watch_guest_page_fault(void *ctx, struct vcpu *vcpu, gpa_t addr,
				enum guest_access access,
				enum exit_action *action)
{
	struct fault f = {
		.vcpu = vcpu, .addr = addr, .access = access, .watch = -1};
	enum fault_plan what;

	(void)ctx;
	f.decode_err = access == GUEST_ACCESS_EXECUTE
			       ? HV_ENOENT
			       : ram_access_from_trap(vcpu, addr, &f.decoded);
	spin_lock(&watch.lock);
	what = plan(&f);
	struct gdb_stop stop = {
		.thread = vcpu->id + 1,
		.reason = f.watch >= 0
				  ? stop_reason(watch.watches[f.watch].type)
				  : GDB_STOP_NONE,
		.data_addr = f.watch >= 0 ? watch.watches[f.watch].addr : 0,
	};
	spin_unlock(&watch.lock);
	if (f.flush_all)
		guest_protect_flush_all(vcpu->vm);
	*action = EXIT_RESUME;
	switch (what) {
	case PLAN_NOT_OURS:
		return false;
	case PLAN_RETRY:
		guest_protect_flush_here(vcpu->vm);
		return true;
	case PLAN_STOP:
		gdb_run_stop_for(&stop);
		*action = EXIT_RESCHEDULE;
		return true;
	case PLAN_EMULATE:
		if ((f.breaks ? gdb_break_emulate(vcpu, addr, &f.decoded)
			      : ram_access_emulate(vcpu, addr, &f.decoded)) ==
		    HV_OK)
			return true;
		break;
	case PLAN_SUSPEND:
		break;
	}
	/* Emulation refused it after all (a misaligned atomic, an access
	 * leaving the page): unprotect, if not done yet, and retry. */
	if (what != PLAN_SUSPEND) {
		spin_lock(&watch.lock);
		struct watched_page *pg =
			find_page(gpa(ALIGN_DOWN(addr.val, PAGE_SIZE)));

		if (pg) {
			pg->suspended = true;
			page_update(pg);
		}
		spin_unlock(&watch.lock);
		guest_protect_flush_all(vcpu->vm);
	}
	hv_info("gdb: watchpoints on guest page %#lx suspended until the VM "
		"next stops%s: vCPU %u made an access there that cannot be "
		"emulated (pc %#lx)",
		(unsigned long)ALIGN_DOWN(addr.val, PAGE_SIZE),
		f.breaks ? ", its breakpoints visible to the guest" : "",
		vcpu->id, vcpu->arch.sepc);
	return true;
}
