// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the VM-config parser (hv/loader/vmconfig*.c): the
 * input is the config DTB as the boot archive would hold it, in a buffer
 * of exactly its size. A parse that succeeds must give a configuration
 * within the documented limits (docs/vm-config.md): names terminated and
 * non-empty, vCPU and VM counts in range, memory a non-zero multiple of
 * 2 MiB, strings terminated in their fields. A failure must say why.
 */
#include <stdlib.h>
#include <hv/errno.h>
#include <hv/vmconfig.h>
#include "fuzz_check.h"

static bool terminated(const char *field, size_t size)
{
	return memchr(field, '\0', size) != NULL;
}

static void check_vm(const struct vm_config *vm)
{
	check(terminated(vm->name, sizeof(vm->name)) && vm->name[0]);
	check(vm->num_vcpus >= 1 && vm->num_vcpus <= VM_MAX_VCPUS);
	check(vm->memory_size && vm->memory_size % (2ULL << 20) == 0);
	check(terminated(vm->kernel, sizeof(vm->kernel)) && vm->kernel[0]);
	check(terminated(vm->initrd, sizeof(vm->initrd)));
	check(terminated(vm->bootargs, sizeof(vm->bootargs)));
	check(vm->num_harts <= VM_MAX_HART_SET);
	check(vm->num_sbi_disabled <= VM_MAX_SBI_DISABLED);
	for (unsigned i = 0; i < vm->num_sbi_disabled; i++)
		check(terminated(vm->sbi_disabled[i], VM_SBI_NAME_MAX));
	check(vm->weight >= 1 && vm->weight <= VM_MAX_WEIGHT);
	check(vm->cpu_cap_percent <= 100 * 64); /* harts, checked later */
	check(!vm->latency_us || (vm->latency_us >= VM_MIN_LATENCY_US &&
				  vm->latency_us <= VM_MAX_LATENCY_US));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hv_config config;
	uint8_t *blob;
	char err[128];
	int ret;

	blob = malloc(size ? size : 1);
	check(blob);
	memcpy(blob, data, size);
	memset(err, 0, sizeof(err));
	ret = vmconfig_parse(blob, size, &config, err, sizeof(err));
	if (ret == HV_OK) {
		check(config.num_vms >= 1 && config.num_vms <= HV_MAX_VMS);
		check(terminated(config.scheduler, sizeof(config.scheduler)));
		check(config.time_slice_us > 0);
		for (unsigned i = 0; i < config.num_vms; i++)
			check_vm(&config.vms[i]);
	} else {
		check(ret == HV_EFORMAT || ret == HV_ERANGE ||
		      ret == HV_EINVAL);
		check(terminated(err, sizeof(err)) && err[0]);
	}
	free(blob);
	return 0;
}
