/* SPDX-License-Identifier: MIT */
/*
 * VM configuration, parsed from a flattened device tree that `dtc`
 * compiled from a .dts file (see docs/vm-config.md). Pure logic over
 * libfdt: builds on the host for unit tests.
 */
#ifndef HV_VMCONFIG_H
#define HV_VMCONFIG_H

#include <hv/types.h>

#define HV_MAX_VMS 8
#define VM_MAX_VCPUS 8
#define VM_NAME_MAX 32
#define VM_PATH_MAX 64
#define VM_BOOTARGS_MAX 512
#define VM_MAX_SBI_DISABLED 16
#define VM_SBI_NAME_MAX 16
#define VM_AFFINITY_ANY 0xffffffffU
#define VM_MAX_HART_SET 64
#define VM_DEFAULT_WEIGHT 256
#define VM_MAX_WEIGHT 65536
#define VM_MIN_LATENCY_US 50
#define VM_MAX_LATENCY_US 1000000
#define HV_DEFAULT_SLICE_US 10000
#define HV_DEFAULT_SCHEDULER "round-robin"
#define HV_SCHEDULER_NAME_MAX 32

struct vm_config {
	char name[VM_NAME_MAX];
	unsigned num_vcpus;
	uint64_t memory_size;	  /* bytes, a multiple of 2 MiB */
	char kernel[VM_PATH_MAX]; /* file name inside the archive */
	char initrd[VM_PATH_MAX]; /* "" when the VM has none */
	char bootargs[VM_BOOTARGS_MAX];
	/* Physical hart id for each vCPU, or VM_AFFINITY_ANY. */
	uint32_t hart_affinity[VM_MAX_VCPUS];
	/* "harts": the physical hart ids every vCPU may use; none = all. */
	unsigned num_harts;
	uint32_t harts[VM_MAX_HART_SET];
	/* Scheduling (sched/sched.h): weight, cap (% of one hart, 0: none)
	 * and the latency class bound (us, 0: none). */
	unsigned weight;
	unsigned cpu_cap_percent;
	unsigned latency_us;
	unsigned num_sbi_disabled;
	char sbi_disabled[VM_MAX_SBI_DISABLED][VM_SBI_NAME_MAX];
	bool console_focus; /* the VM that has console input focus first */
	bool background;    /* the machine may power off while it still runs */
	bool gdb;	    /* the gdb stub debugs this VM */
	bool gdb_wait;	    /* it waits at its first instruction for gdb */
};

struct hv_config {
	uint64_t time_slice_us;
	/* Scheduling policy by name; the scheduler checks that it exists. */
	char scheduler[HV_SCHEDULER_NAME_MAX];
	/* Every wfi blocks its vCPU: no wait in place (hv/vcpu/wait.c). */
	bool wfi_always_blocks;
	/* Every wfi exits: none sleeps in the guest (sched/wfi_in_guest.c). */
	bool wfi_always_exits;
	unsigned num_vms;
	struct vm_config vms[HV_MAX_VMS];
};

/*
 * Parse a config DTB. On error returns HV_EFORMAT (or HV_EINVAL, HV_ERANGE)
 * and writes a one-line human-readable reason naming the VM node and
 * property into err. Never reads outside the blob (checks fdt_check_header
 * and the blob size first).
 */
int vmconfig_parse(const void *dtb, size_t dtb_size, struct hv_config *out,
		   char *err, size_t err_len);

#endif
