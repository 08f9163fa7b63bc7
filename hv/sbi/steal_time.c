// SPDX-License-Identifier: MIT
/*
 * The SBI STA record of a vCPU (see hv/include/hv/steal_time.h): steal
 * time and the `preempted` byte, written when the scheduler switches the
 * vCPU in and out.
 *
 * Steal time is the time the vCPU was runnable but not running: the
 * scheduler's wait_ticks (hart timer ticks, added when the vCPU is picked)
 * since the record was registered, in nanoseconds. It only grows while
 * the vCPU waits, so publishing it at switch-in is always current while
 * the vCPU runs. A blocked vCPU (wfi, HSM suspend) is idle, not waiting:
 * that time is not steal, and `preempted` stays 0.
 *
 * The record's address was checked against the VM's RAM when it was
 * registered; the RAM is one host block for the VM's lifetime, so the
 * host address stays valid and no device window can be reached.
 */
#include <string.h>
#include <hv/platform.h>
#include <hv/steal_time.h>
#include <hv/vcpu.h>

/* The record is little-endian; so are RISC-V and the hosts of the unit
 * tests, so the fields are stored as they are. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the STA record is little-endian");

struct sta_record {
	uint32_t sequence;
	uint32_t flags;
	uint64_t steal;
	uint8_t preempted;
	uint8_t pad[47];
};
_Static_assert(sizeof(struct sta_record) == STA_RECORD_SIZE,
	       "STA record layout");

#define NSEC_PER_SEC 1000000000ULL

/* Split so that no product overflows: (ticks % hz) * 1e9 < hz * 1e9,
 * which fits in 64 bits for any timebase below 18 GHz. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t hz = platform.timebase_frequency;

	if (!hz)
		return 0;
	return ticks / hz * NSEC_PER_SEC + ticks % hz * NSEC_PER_SEC / hz;
}

static struct sta_record *record_of(struct vcpu *vcpu)
{
	return hpa_to_ptr(vcpu->sta.record);
}

/*
 * The spec's sequence protocol, as a seqlock writer: the sequence is odd
 * while steal is being written, and a reader that sees the same even
 * sequence before and after reading steal has a whole value (a 32-bit
 * guest reads steal in two halves). The guest may have scribbled on the
 * sequence (the spec allows inconsistent data then, not misbehaviour):
 * from an odd value the next odd one is taken, so the protocol holds
 * again from this update on.
 */
static void publish_steal(struct sta_record *record, uint64_t steal_ns)
{
	uint32_t sequence =
		__atomic_load_n(&record->sequence, __ATOMIC_RELAXED);
	uint32_t writing = (sequence + 1) | 1;

	__atomic_store_n(&record->sequence, writing, __ATOMIC_RELAXED);
	/* A reader must not see the new steal with the old, even sequence:
	 * the odd sequence is ordered before the steal store (fence rw,w). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&record->steal, steal_ns, __ATOMIC_RELAXED);
	/* Release: the steal store is visible before the even sequence. */
	__atomic_store_n(&record->sequence, writing + 1, __ATOMIC_RELEASE);
}

void sbi_sta_switched_in(struct vcpu *vcpu)
{
	struct vcpu_sta *sta = &vcpu->sta;

	if (!sta->enabled)
		return;
	publish_steal(record_of(vcpu), ticks_to_ns(vcpu->stats.wait_ticks -
						   sta->wait_at_enable));
	/* The spec's MUST: 0 before the vCPU runs again. */
	__atomic_store_n(&record_of(vcpu)->preempted, 0, __ATOMIC_RELEASE);
	/* And the new sequence is visible before anything the vCPU stores
	 * once it runs: a reader that saw `preempted` set and then the same
	 * sequence again knows the vCPU did not run in between. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void sbi_sta_switched_out(struct vcpu *vcpu, bool preempted)
{
	if (!vcpu->sta.enabled || !preempted)
		return;
	/* Release: what the vCPU stored before it left its hart is visible
	 * before another vCPU sees it preempted, so a reader can rely on a
	 * preempted vCPU having stopped (e.g. a lock holder). */
	__atomic_store_n(&record_of(vcpu)->preempted, 1, __ATOMIC_RELEASE);
}

void sbi_sta_enable(struct vcpu *vcpu, gpa_t shmem, hpa_t record)
{
	/* The spec: every byte is 0 when set_shmem returns. Plain stores:
	 * the caller reads them after its ecall returns, on this hart. */
	memset(hpa_to_ptr(record), 0, STA_RECORD_SIZE);
	vcpu->sta = (struct vcpu_sta){
		.enabled = true,
		.shmem = shmem,
		.record = record,
		.wait_at_enable = vcpu->stats.wait_ticks,
	};
}

void sbi_sta_disable(struct vcpu *vcpu)
{
	vcpu->sta = (struct vcpu_sta){.enabled = false};
}
