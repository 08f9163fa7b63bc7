// SPDX-License-Identifier: MIT
/*
 * SBI v0.1 legacy extensions (EIDs 0x00-0x0F): set_timer, console_putchar,
 * console_getchar and shutdown. The rest of the legacy range (IPIs and
 * fences through memory masks) is not offered: NOT_SUPPORTED. Results go
 * in a0 only.
 */
#include <hv/console.h>
#include <hv/errno.h>
#include <hv/sbi.h>
#include <hv/vm.h>

enum {
	LEGACY_SET_TIMER = 0x00,
	LEGACY_CONSOLE_PUTCHAR = 0x01,
	LEGACY_CONSOLE_GETCHAR = 0x02,
	LEGACY_SHUTDOWN = 0x08,
};

static unsigned long sbi_legacy_probe(struct vm *vm, unsigned long eid)
{
	(void)vm;
	return eid == LEGACY_SET_TIMER || eid == LEGACY_CONSOLE_PUTCHAR ||
	       eid == LEGACY_CONSOLE_GETCHAR || eid == LEGACY_SHUTDOWN;
}

static int sbi_legacy_handle(struct vcpu *vcpu, const struct sbi_call *call,
			     struct sbi_result *result)
{
	switch (call->eid) {
	case LEGACY_SET_TIMER:
		vcpu_set_timer(vcpu, call->args[0]);
		result->value = 0;
		return HV_OK;
	case LEGACY_CONSOLE_PUTCHAR:
		/* Its next wfi exits: the console shows a prompt there. */
		arch_vcpu_set_wfi_in_guest(&vcpu->arch, false);
		console_vm_putc(vcpu->vm, (uint8_t)call->args[0]);
		result->value = 0;
		return HV_OK;
	case LEGACY_CONSOLE_GETCHAR:
		result->value = (unsigned long)(long)console_vm_getc(vcpu->vm);
		return HV_OK;
	case LEGACY_SHUTDOWN:
		vm_stop(vcpu->vm, false, "shutdown (legacy SBI)");
		result->no_return = true;
		return HV_OK;
	default:
		return HV_ENOTSUP;
	}
}

const struct sbi_extension sbi_extension_legacy = {
	.name = "legacy",
	.eid_min = SBI_EXT_LEGACY_FIRST,
	.eid_max = SBI_EXT_LEGACY_LAST,
	.probe = sbi_legacy_probe,
	.handle = sbi_legacy_handle,
};
