// SPDX-License-Identifier: MIT
/*
 * steal: SBI STA from the guest's side (see steal.h for the roles). This
 * file: the record helpers, registration and its errors, the busy role.
 */
#include "csr.h"
#include "platform.h"
#include "steal.h"
#include "test.h"
#include "timer.h"
#include "util.h"

const char guest_name[] = "steal";

/* How long the busy VM keeps hart 0 busy: well past the measuring VM's
 * contended phases (about 0.7 s), boot skew included. */
#define BUSY_MS 1500
/* The guest's QEMU virt UART, as hartvisor places it: a device window. */
#define GUEST_UART 0x10000000UL

struct sbiret sta_set_shmem(unsigned long lo, unsigned long hi,
			    unsigned long flags)
{
	return sbi_ecall(SBI_EXT_STA, SBI_STA_SET_SHMEM, lo, hi, flags, 0, 0,
			 0);
}

struct sbiret sta_register(struct sta_record *rec)
{
	return sta_set_shmem(virt_to_phys(rec), 0, 0);
}

bool sta_read_record(const struct sta_record *rec, struct sta_record *copy)
{
	for (unsigned tries = 0; tries < 1000000; tries++) {
		uint32_t before = READ_ONCE(rec->sequence);

		read_barrier();
		memcpy(copy, rec, sizeof(*copy));
		read_barrier();
		if (!(before & 1) && READ_ONCE(rec->sequence) == before &&
		    copy->sequence == before)
			return true;
		cpu_relax();
	}
	return false;
}

bool sta_read_steal(const struct sta_record *rec, uint64_t *steal_ns,
		    uint32_t *sequence)
{
	struct sta_record copy;

	if (!sta_read_record(rec, &copy))
		return false;
	*steal_ns = (uint64_t)copy.steal_hi << 32 | copy.steal_lo;
	*sequence = copy.sequence;
	return true;
}

uint8_t sta_preempted(const struct sta_record *rec)
{
	return READ_ONCE(rec->preempted);
}

uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t hz = platform.timebase_hz;

	return ticks / hz * 1000000000ULL + ticks % hz * 1000000000ULL / hz;
}

void sleep_wfi_us(uint64_t us)
{
	uint64_t deadline = deadline_after_us(us);

	/* SIE off, STIE on: wfi wakes on the timer without taking it; a
	 * one-instruction window then lets the handler mask it. */
	local_irq_disable();
	timer_arm_sbi(deadline);
	while (!time_reached(deadline)) {
		wfi();
		local_irq_enable();
		local_irq_disable();
	}
	timer_cancel_sbi();
	local_irq_enable();
}

static bool record_is(const struct sta_record *rec, uint8_t byte)
{
	const volatile uint8_t *bytes = (const volatile uint8_t *)rec;

	for (unsigned i = 0; i < sizeof(*rec); i++)
		if (bytes[i] != byte)
			return false;
	return true;
}

static struct sta_record probe_rec;

/* What registration leaves: the record zeroed, though hartvisor may
 * already have updated it once or more (this vCPU shares hart 0 with the
 * busy VM and can be switched out right after the call): flags, the
 * preempted byte and the padding zero, the sequence even, and steal only
 * after an update. The 0xa5 filler fails every part of it. */
static bool record_fresh(const struct sta_record *rec)
{
	for (unsigned i = 0; i < sizeof(rec->pad); i++)
		if (rec->pad[i])
			return false;
	return rec->flags == 0 && rec->preempted == 0 &&
	       rec->sequence % 2 == 0 && rec->steal_hi == 0 &&
	       (rec->sequence != 0 || rec->steal_lo == 0);
}

void test_registration(void)
{
	unsigned long phys = virt_to_phys(&probe_rec);
	struct sbiret ret;

	ret = sbi_ecall(SBI_EXT_BASE, SBI_BASE_PROBE_EXT, SBI_EXT_STA, 0, 0, 0,
			0, 0);
	check(!ret.error && ret.value == 1, "sta-probe", "error=%ld value=%ld",
	      ret.error, ret.value);
	check_sbi("sta-unknown-fid",
		  sbi_ecall(SBI_EXT_STA, SBI_STA_NUM_FIDS, 0, 0, 0, 0, 0, 0),
		  SBI_ERR_NOT_SUPPORTED);
	check_sbi("sta-disable-unregistered",
		  sta_set_shmem(STA_SHMEM_DISABLE, STA_SHMEM_DISABLE, 0), 0);

	memset(&probe_rec, 0xa5, sizeof(probe_rec));
	check_sbi("sta-misaligned", sta_set_shmem(phys + 8, 0, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("sta-misaligned-32", sta_set_shmem(phys + 32, 0, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("sta-flags-nonzero", sta_set_shmem(phys, 0, 1),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("sta-disable-flags-nonzero",
		  sta_set_shmem(STA_SHMEM_DISABLE, STA_SHMEM_DISABLE, 1),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("sta-half-disable", sta_set_shmem(STA_SHMEM_DISABLE, 0, 0),
		  SBI_ERR_INVALID_PARAM);
	check_sbi("sta-address-hi", sta_set_shmem(phys, 1, 0),
		  SBI_ERR_INVALID_ADDRESS);
	check_sbi("sta-past-ram", sta_set_shmem(ram_end(), 0, 0),
		  SBI_ERR_INVALID_ADDRESS);
	check_sbi("sta-below-ram", sta_set_shmem(platform.ram_base - 64, 0, 0),
		  SBI_ERR_INVALID_ADDRESS);
	check_sbi("sta-device-window", sta_set_shmem(GUEST_UART, 0, 0),
		  SBI_ERR_INVALID_ADDRESS);
	check(record_is(&probe_rec, 0xa5), "sta-errors-write-nothing",
	      "a failed call changed the record");

	check_sbi("sta-register", sta_set_shmem(phys, 0, 0), 0);
	struct sta_record snap;
	/* Read as the spec's reader does: the vCPU shares hart 0 with the
	 * busy VM and can be switched out mid-read, and the update at its
	 * switch-in would then land between two fields. */
	bool settled = sta_read_record(&probe_rec, &snap);

	check(settled && record_fresh(&snap), "sta-register-zeroes",
	      "settled=%u sequence=%u flags=%u steal=%u:%u preempted=%u",
	      settled, snap.sequence, snap.flags, snap.steal_hi, snap.steal_lo,
	      snap.preempted);
	check_sbi("sta-disable",
		  sta_set_shmem(STA_SHMEM_DISABLE, STA_SHMEM_DISABLE, 0), 0);
}

/* Spin on hart 0 beside the measuring VM's vCPU 0, which must show as
 * steal here too; a running vCPU never reads itself preempted. */
void run_busy(void)
{
	static struct sta_record rec;
	uint64_t start_steal = 0, end_steal = 0, start, elapsed;
	uint32_t sequence;
	unsigned long flagged = 0;
	bool read_ok;

	check_sbi("busy-register", sta_register(&rec), 0);
	start = read_time();
	read_ok = sta_read_steal(&rec, &start_steal, &sequence);
	while (!time_reached(start + us_to_ticks(BUSY_MS * 1000ULL)))
		flagged += sta_preempted(&rec) != 0;
	read_ok &= sta_read_steal(&rec, &end_steal, &sequence);
	elapsed = ticks_to_ns(read_time() - start);
	check(read_ok, "busy-read-steal", "the sequence never settled");
	check(flagged == 0, "busy-running-not-preempted",
	      "read itself preempted %lu times", flagged);
	/* It shared hart 0 for the other VM's phases: some steal, never
	 * more than the time that passed. */
	check(end_steal - start_steal >= 10000000ULL &&
		      end_steal - start_steal <= elapsed,
	      "busy-steal-while-shared", "steal %lu us in %lu us",
	      (unsigned long)((end_steal - start_steal) / 1000),
	      (unsigned long)(elapsed / 1000));
}

void guest_main(void)
{
	if (str_has_word(platform.bootargs, "role=busy")) {
		run_busy();
		return;
	}
	if (!str_has_word(platform.bootargs, "role=measure"))
		test_fatal("steal-role", "bootargs \"%s\" name no role",
			   platform.bootargs);
	if (platform.num_harts < 2)
		test_fatal("steal-needs-2-vcpus", "only %u vCPU(s)",
			   platform.num_harts);
	test_registration();
	test_contention();
	test_restart_and_disable();
}
