// SPDX-License-Identifier: MIT
/*
 * SBI Debug Console (EID "DBCN"). Every guest buffer is checked to lie
 * entirely inside the VM's RAM before a byte is touched. Long writes are
 * cut to DBCN_MAX_CHUNK bytes per call (the spec lets the SBI write
 * fewer bytes and report how many), so a guest can't hold a hart for long;
 * a write also stops short when the VM's console ring is full.
 */
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/guest_mem.h>
#include <hv/sbi.h>
#include <hv/vm.h>

#define DBCN_MAX_CHUNK 4096UL

enum {
	DBCN_WRITE = 0,
	DBCN_READ = 1,
	DBCN_WRITE_BYTE = 2,
};

static int guest_buffer(struct vm *vm, const struct sbi_call *call,
			uint8_t **buf, unsigned long *len)
{
	hpa_t host;

	/* RV64: base_addr_hi must be 0 for the address to be valid. */
	if (call->args[2] != 0)
		return HV_EINVAL;
	*buf = NULL;
	*len = 0;
	if (call->args[0] == 0)
		return HV_OK;
	/* The whole buffer the guest named must be its memory, even if
	 * this call then handles only the first chunk of it. */
	if (guest_mem_range(vm, gpa(call->args[1]), call->args[0], &host))
		return HV_EINVAL; /* the spec's error for bad memory */
	*len = MIN(call->args[0], DBCN_MAX_CHUNK);
	*buf = hpa_to_ptr(host);
	return HV_OK;
}

static int sbi_dbcn_handle(struct vcpu *vcpu, const struct sbi_call *call,
			   struct sbi_result *result)
{
	struct vm *vm = vcpu->vm;
	uint8_t *buf;
	unsigned long len, i;
	int err, byte;

	/* Its next wfi exits: the console shows a prompt at the exit. */
	arch_vcpu_set_wfi_in_guest(&vcpu->arch, false);

	switch (call->fid) {
	case DBCN_WRITE:
		err = guest_buffer(vm, call, &buf, &len);
		if (err)
			return err;
		/* What the console ring cannot take is not written: the
		 * guest sees a partial write and retries the rest. */
		result->value = console_vm_write(vm, buf, len);
		return HV_OK;
	case DBCN_READ:
		err = guest_buffer(vm, call, &buf, &len);
		if (err)
			return err;
		for (i = 0; i < len && (byte = console_vm_getc(vm)) >= 0; i++)
			buf[i] = (uint8_t)byte;
		result->value = i;
		return HV_OK;
	case DBCN_WRITE_BYTE:
		console_vm_putc(vm, (uint8_t)call->args[0]);
		return HV_OK;
	default:
		return HV_ENOTSUP;
	}
}

const struct sbi_extension sbi_extension_dbcn = {
	.name = "dbcn",
	.eid_min = SBI_EXT_DBCN,
	.eid_max = SBI_EXT_DBCN,
	.handle = sbi_dbcn_handle,
};
