// SPDX-License-Identifier: MIT
/*
 * The scheduling properties of a VM node: which harts its vCPUs may use,
 * its weight, its cap and its latency class (docs/vm-config.md).
 */
#include <hv/errno.h>
#include <hv/vmconfig_props.h>
#include <libfdt.h>

/* An optional cell within [min, max]; out keeps its default if absent. */
static int read_ranged(struct vmconfig_parser *p, int node, const char *name,
		       uint32_t min, uint32_t max, unsigned *out)
{
	uint32_t value;
	int ret = vmconfig_read_u32(p, node, name, false, &value);

	if (ret == HV_ENOENT)
		return HV_OK;
	if (ret)
		return ret;
	if (value < min || value > max)
		return vmconfig_report(p, HV_ERANGE, name,
				       "must be between %u and %u", min, max);
	*out = value;
	return HV_OK;
}

/* A list of distinct physical hart ids. */
static int read_harts(struct vmconfig_parser *p, int node, struct vm_config *vm)
{
	const char *name = "harts";
	int len;
	const fdt32_t *cells = fdt_getprop(p->fdt, node, name, &len);

	vm->num_harts = 0;
	if (!cells)
		return HV_OK;
	if (len <= 0 || len % 4)
		return vmconfig_report(p, HV_EFORMAT, name,
				       "must be a non-empty list of cells");
	if ((unsigned)len / 4 > VM_MAX_HART_SET)
		return vmconfig_report(p, HV_ERANGE, name,
				       "has more than %d harts",
				       VM_MAX_HART_SET);
	for (int i = 0; i < len / 4; i++) {
		uint32_t hart = fdt32_ld(&cells[i]);

		for (unsigned j = 0; j < vm->num_harts; j++)
			if (vm->harts[j] == hart)
				return vmconfig_report(p, HV_EINVAL, name,
						       "names hart %u twice",
						       hart);
		vm->harts[vm->num_harts++] = hart;
	}
	return HV_OK;
}

int vmconfig_read_sched(struct vmconfig_parser *p, int node,
			struct vm_config *vm)
{
	int ret = read_harts(p, node, vm);

	vm->weight = VM_DEFAULT_WEIGHT;
	vm->cpu_cap_percent = 0;
	vm->latency_us = 0;
	if (!ret)
		ret = read_ranged(p, node, "weight", 1, VM_MAX_WEIGHT,
				  &vm->weight);
	/* A cap is a share of one hart; the upper limit (the number of
	 * online harts) is checked when the VM is created. */
	if (!ret)
		ret = read_ranged(p, node, "cpu-cap-percent", 1, 100 * 64,
				  &vm->cpu_cap_percent);
	if (!ret)
		ret = read_ranged(p, node, "latency-us", VM_MIN_LATENCY_US,
				  VM_MAX_LATENCY_US, &vm->latency_us);
	return ret;
}
