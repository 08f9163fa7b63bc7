// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for SBI argument checking: a guest makes up to 12
 * ecalls with eid, fid and a0..a5 from the input, on the fake machine
 * (two harts, the VM under test with two vCPUs and 2 MiB of RAM, and a
 * bystander VM), through the real exit dispatch, SBI layer and every
 * extension, as the SBI host tests run them (tests/unit/sbi_guest.c).
 * Beyond the sanitizers:
 *  - a call that returns gives an SBI error code the spec defines, and
 *    advances the guest past its ecall;
 *  - whatever the calls do, the bystander VM keeps running, and only
 *    the VM under test may stop (SRST, or its last vCPU stopping).
 * Input, per call: a selector byte (extension from the list below, or a
 * raw eid), a fid byte, then six argument slots of 9 bytes (a shape byte
 * and a value).
 */
#include <stdio.h>
#include <stdlib.h>
#include <hv/sbi.h>
#include <hv/vdev.h>
#include "fuzz_check.h"
#include "sbi_guest.h"

#define SLICE 1000
#define PC 0x80000000UL
#define RAM_SIZE (2UL << 20)
#define MAX_CALLS 12

static const unsigned long extensions[] = {
	SBI_EXT_BASE,
	SBI_EXT_TIME,
	SBI_EXT_IPI,
	SBI_EXT_RFENCE,
	SBI_EXT_HSM,
	SBI_EXT_SRST,
	SBI_EXT_DBCN,
	SBI_EXT_STA,
	0x00,
	0x01,
	0x02,
	0x03,
	0x04,
	0x05,
	0x06,
	0x07,
	0x08,
	0x504D55UL /* PMU */,
	0x53555350UL /* SUSP */,
	0x43505043UL /* CPPC */,
};

/* Argument values: zero, small, inside RAM, just past it, all ones,
 * 32-bit patterns with junk above, or raw. */
static unsigned long shaped(uint8_t shape, uint64_t raw)
{
	switch (shape % 8) {
	case 0:
		return 0;
	case 1:
		return raw % 16;
	case 2:
		return GUEST_RAM_BASE + raw % RAM_SIZE;
	case 3:
		return GUEST_RAM_BASE + RAM_SIZE - raw % 64;
	case 4:
		return ~0UL - raw % 4;
	case 5:
		return (raw << 32) | (raw % 4);
	default:
		return raw;
	}
}

static bool is_legacy(unsigned long eid)
{
	return eid <= SBI_EXT_LEGACY_LAST;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	struct vm *vm, *bystander;
	struct vcpu *v0;

	fake_machine_reset(2, SLICE);
	guest_reset();
	vm = fake_vm_create("fuzzed", 2, 0);
	fake_vm_add_ram(vm, RAM_SIZE);
	vdev_init(vm);
	bystander = fake_vm_create("bystander", 1, 0);
	fake_vcpu_start(bystander, 0, PC);
	v0 = &vm->vcpus[0];
	fake_vcpu_start(vm, 0, PC);

	for (unsigned n = 0; n < MAX_CALLS && !fuzz_done(&in); n++) {
		uint8_t selector = (uint8_t)fuzz_take(&in, 1);
		unsigned long eid =
			selector < 0xf0
				? extensions[selector % ARRAY_SIZE(extensions)]
				: (unsigned long)fuzz_take(&in, 8);
		unsigned long fid = fuzz_take(&in, 1);
		unsigned long args[6];
		struct guest_sbiret ret;

		if (fid >= 0xf8)
			fid = (unsigned long)fuzz_take(&in, 8);
		for (int i = 0; i < 6; i++) {
			uint8_t shape = (uint8_t)fuzz_take(&in, 1);

			args[i] = shaped(shape, fuzz_take(&in, 8));
		}
		if (v0->state == VCPU_OFFLINE || v0->state == VCPU_DEAD)
			break;
		ret = guest_call_args(v0, eid, fid, args);
		check(vm_is_running(bystander));
		if (!ret.returned)
			break; /* stopped, suspended, or its VM stopped */
		if (!is_legacy(eid))
			check(ret.error <= 0 && ret.error >= -13);
	}
	check(vm_is_running(bystander));
	return 0;
}
