// SPDX-License-Identifier: MIT
/*
 * SBI ecall dispatch for guests: the one list of extensions and the
 * register convention. The one HV_E* -> SBI_ERR_* translation lives in
 * hv/sbi/error.c, so it is unit-tested on the host.
 */
#include <string.h>
#include <hv/errno.h>
#include <hv/exit.h>
#include <hv/sbi.h>
#include <hv/vm.h>

/* Every extension hartvisor offers. A VM config switches one off by
 * name (vm->sbi_disabled has one bit per entry). */
static const struct sbi_extension *const sbi_extensions[] = {
	&sbi_extension_base, &sbi_extension_legacy, &sbi_extension_time,
	&sbi_extension_ipi,  &sbi_extension_rfence, &sbi_extension_hsm,
	&sbi_extension_srst, &sbi_extension_dbcn,   &sbi_extension_sta,
};

int sbi_extension_index(const char *name)
{
	for (unsigned i = 0; i < ARRAY_SIZE(sbi_extensions); i++)
		if (!strcmp(sbi_extensions[i]->name, name))
			return sbi_extensions[i] == &sbi_extension_base
				       ? -1
				       : (int)i;
	return -1;
}

const struct sbi_extension *sbi_find_extension(struct vm *vm, unsigned long eid)
{
	for (unsigned i = 0; i < ARRAY_SIZE(sbi_extensions); i++) {
		const struct sbi_extension *ext = sbi_extensions[i];

		if (eid >= ext->eid_min && eid <= ext->eid_max)
			return (vm->sbi_disabled & (1UL << i)) ? NULL : ext;
	}
	return NULL;
}

/* Return contract: EXIT_RESUME, or EXIT_RESCHEDULE when the call blocked
 * or stopped the vCPU (HSM stop/suspend, SRST, a stopped VM). */
enum exit_action exit_handle_ecall(struct vcpu *vcpu)
{
	struct vcpu_arch *arch = &vcpu->arch;
	/* The arguments are read where they are saved, not copied: every
	 * SBI call pays for this path (about 40 instructions). */
	struct sbi_call call = {
		.eid = arch->gpr[GPR_A7],
		.fid = arch->gpr[GPR_A6],
		.args = &arch->gpr[GPR_A0],
	};
	struct sbi_result result = {0};
	const struct sbi_extension *ext =
		sbi_find_extension(vcpu->vm, call.eid);
	int err;

	result.legacy = call.eid <= SBI_EXT_LEGACY_LAST;
	err = ext ? ext->handle(vcpu, &call, &result) : HV_ENOTSUP;
	if (result.no_return)
		return EXIT_RESCHEDULE;
	if (result.legacy) {
		arch->gpr[GPR_A0] = err ? (unsigned long)sbi_error_from_hv(err)
					: result.value;
	} else if (!err) { /* the common case, without the translation */
		arch->gpr[GPR_A0] = SBI_SUCCESS;
		arch->gpr[GPR_A1] = result.value;
	} else {
		arch->gpr[GPR_A0] = (unsigned long)sbi_error_from_hv(err);
		arch->gpr[GPR_A1] = 0;
	}
	arch->sepc += 4;
	return result.reschedule ? EXIT_RESCHEDULE : EXIT_RESUME;
}
