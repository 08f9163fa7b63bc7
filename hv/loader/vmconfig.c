// SPDX-License-Identifier: MIT
/*
 * VM configuration parser: a "hartvisor,config-v1" DTB (docs/vm-config.md)
 * into struct hv_config.
 *
 * The blob comes from the boot archive, so it is treated as hostile: the
 * header and sizes are checked before libfdt walks it, every property
 * length is checked before its value is read, strings must be terminated
 * inside their property, and names from the blob are only echoed into the
 * error line when they are known to be printable. Unknown properties are
 * rejected so that a typo ("memory_mib") fails loudly instead of silently
 * giving a VM the default.
 *
 * Error codes: HV_EFORMAT for a malformed blob or property (missing,
 * wrong length, unterminated string), HV_ERANGE for a value or count out
 * of range, HV_EINVAL for a well-formed but inconsistent value (bad name
 * characters, duplicates, odd memory size, affinity count mismatch).
 *
 * This file walks the nodes; the property readers and validators it calls
 * are in hv/vmconfig_props.c.
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/fdt_sanity.h>
#include <hv/vmconfig.h>
#include <hv/vmconfig_props.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#define CONFIG_COMPATIBLE "hartvisor,config-v1"
#define MIN_MEMORY_MIB 4
#define MIN_TIME_SLICE_US 100
#define MAX_TIME_SLICE_US 1000000

static const char *const hypervisor_properties[] = {
	"time-slice-us", "scheduler", "wfi-always-blocks", "wfi-always-exits",
	NULL};
static const char *const vm_properties[] = {
	"name",		 "vcpus",	"memory-mib",
	"kernel",	 "initrd",	"bootargs",
	"hart-affinity", "sbi-disable", "console-focus",
	"background",	 "gdb",		"gdb-wait",
	"harts",	 "weight",	"cpu-cap-percent",
	"latency-us",	 NULL,
};

/* The VM's name: the "name" property, or else the node name. */
static int read_vm_name(struct vmconfig_parser *p, int node, unsigned index,
			struct vm_config *vm)
{
	const char *node_name;
	int len, ret;

	snprintf(p->where, sizeof(p->where), "vm #%u: ", index + 1);
	ret = vmconfig_read_string(p, node, "name", false, vm->name,
				   sizeof(vm->name));
	if (ret == HV_OK) {
		if (!vmconfig_is_valid_name(vm->name, strlen(vm->name),
					    VM_NAME_MAX - 1, false))
			return vmconfig_report(p, HV_EINVAL, "name",
					       "must be 1 to %d characters of "
					       "[A-Za-z0-9_-]",
					       VM_NAME_MAX - 1);
	} else if (ret == HV_ENOENT) {
		node_name = fdt_get_name(p->fdt, node, &len);
		if (!node_name || len < 0)
			return vmconfig_report(p, HV_EFORMAT, NULL,
					       "unreadable node name");
		if (!vmconfig_is_valid_name(node_name, (size_t)len,
					    VM_NAME_MAX - 1, false))
			return vmconfig_report(
				p, HV_EINVAL, NULL,
				"node name must be 1 to %d characters "
				"of [A-Za-z0-9_-] (or set \"name\")",
				VM_NAME_MAX - 1);
		memcpy(vm->name, node_name, (size_t)len);
		vm->name[len] = '\0';
	} else {
		return ret;
	}
	snprintf(p->where, sizeof(p->where), "vm \"%s\": ", vm->name);
	return HV_OK;
}

static int parse_vm(struct vmconfig_parser *p, int node,
		    struct hv_config *config)
{
	struct vm_config *vm = &config->vms[config->num_vms];
	uint32_t vcpus, memory_mib;
	int ret;

	ret = read_vm_name(p, node, config->num_vms, vm);
	if (ret)
		return ret;
	for (unsigned i = 0; i < config->num_vms; i++)
		if (strcmp(config->vms[i].name, vm->name) == 0)
			return vmconfig_report(p, HV_EINVAL, NULL,
					       "duplicate VM name");
	ret = vmconfig_check_node_contents(p, node, vm_properties, false);
	if (ret)
		return ret;

	ret = vmconfig_read_u32(p, node, "vcpus", true, &vcpus);
	if (ret)
		return ret;
	if (vcpus < 1 || vcpus > VM_MAX_VCPUS)
		return vmconfig_report(p, HV_ERANGE, "vcpus",
				       "must be between 1 and %d",
				       VM_MAX_VCPUS);
	vm->num_vcpus = vcpus;

	ret = vmconfig_read_u32(p, node, "memory-mib", true, &memory_mib);
	if (ret)
		return ret;
	if (memory_mib < MIN_MEMORY_MIB)
		return vmconfig_report(p, HV_ERANGE, "memory-mib",
				       "must be at least %d", MIN_MEMORY_MIB);
	/* Guest RAM is mapped with 2 MiB stage-2 megapages. */
	if (memory_mib % 2)
		return vmconfig_report(p, HV_EINVAL, "memory-mib",
				       "must be a multiple of 2");
	vm->memory_size = (uint64_t)memory_mib << 20;

	ret = vmconfig_read_string(p, node, "kernel", true, vm->kernel,
				   sizeof(vm->kernel));
	if (!ret && vm->kernel[0] == '\0')
		ret = vmconfig_report(p, HV_EFORMAT, "kernel",
				      "must not be empty");
	if (ret)
		return ret;
	ret = vmconfig_read_string(p, node, "initrd", false, vm->initrd,
				   sizeof(vm->initrd));
	if (!ret && vm->initrd[0] == '\0')
		ret = vmconfig_report(
			p, HV_EFORMAT, "initrd",
			"must not be empty (leave it out instead)");
	if (ret && ret != HV_ENOENT)
		return ret;
	ret = vmconfig_read_string(p, node, "bootargs", false, vm->bootargs,
				   sizeof(vm->bootargs));
	if (ret && ret != HV_ENOENT)
		return ret;

	ret = vmconfig_read_hart_affinity(p, node, vm);
	if (!ret)
		ret = vmconfig_read_sched(p, node, vm);
	if (!ret)
		ret = vmconfig_read_sbi_disable(p, node, vm);
	if (!ret)
		ret = vmconfig_read_bool(p, node, "console-focus",
					 &vm->console_focus);
	if (!ret)
		ret = vmconfig_read_bool(p, node, "background",
					 &vm->background);
	if (!ret)
		ret = vmconfig_read_bool(p, node, "gdb", &vm->gdb);
	if (!ret)
		ret = vmconfig_read_bool(p, node, "gdb-wait", &vm->gdb_wait);
	return ret;
}

static int parse_hypervisor(struct vmconfig_parser *p, struct hv_config *config)
{
	int node = fdt_subnode_offset(p->fdt, 0, "hypervisor");
	uint32_t slice;
	int ret;

	config->time_slice_us = HV_DEFAULT_SLICE_US;
	config->wfi_always_blocks = false;
	config->wfi_always_exits = false;
	snprintf(config->scheduler, sizeof(config->scheduler), "%s",
		 HV_DEFAULT_SCHEDULER);
	if (node == -FDT_ERR_NOTFOUND)
		return HV_OK;
	snprintf(p->where, sizeof(p->where), "node \"hypervisor\": ");
	if (node < 0)
		return vmconfig_report(p, HV_EFORMAT, NULL, "unreadable: %s",
				       fdt_strerror(node));
	ret = vmconfig_check_node_contents(p, node, hypervisor_properties,
					   false);
	if (!ret)
		ret = vmconfig_read_string(p, node, "scheduler", false,
					   config->scheduler,
					   sizeof(config->scheduler));
	if (ret == HV_ENOENT)
		ret = HV_OK;
	if (!ret)
		ret = vmconfig_read_bool(p, node, "wfi-always-blocks",
					 &config->wfi_always_blocks);
	if (!ret)
		ret = vmconfig_read_bool(p, node, "wfi-always-exits",
					 &config->wfi_always_exits);
	if (!ret)
		ret = vmconfig_read_u32(p, node, "time-slice-us", false,
					&slice);
	if (ret == HV_ENOENT)
		return HV_OK;
	if (ret)
		return ret;
	if (slice < MIN_TIME_SLICE_US || slice > MAX_TIME_SLICE_US)
		return vmconfig_report(p, HV_ERANGE, "time-slice-us",
				       "must be between %d and %d",
				       MIN_TIME_SLICE_US, MAX_TIME_SLICE_US);
	config->time_slice_us = slice;
	return HV_OK;
}

static int check_blob(struct vmconfig_parser *p, size_t dtb_size)
{
	int ret;

	if (!p->fdt || dtb_size < sizeof(struct fdt_header))
		return vmconfig_report(p, HV_EFORMAT, NULL,
				       "config blob of %zu bytes is too small",
				       p->fdt ? dtb_size : 0);
	/* libfdt on the target insists on this; checking it here too keeps
	 * host tests and the hypervisor in agreement. */
	if ((uintptr_t)p->fdt & 7)
		return vmconfig_report(p, HV_EFORMAT, NULL,
				       "config blob is not 8-byte aligned");
	ret = fdt_check_header(p->fdt);
	if (ret)
		return vmconfig_report(p, HV_EFORMAT, NULL, "config blob: %s",
				       fdt_strerror(ret));
	if (fdt_totalsize(p->fdt) > dtb_size)
		return vmconfig_report(
			p, HV_EFORMAT, NULL,
			"config blob claims %u bytes but has %zu",
			fdt_totalsize(p->fdt), dtb_size);
	if (!fdt_structure_is_sane(p->fdt))
		return vmconfig_report(p, HV_EFORMAT, NULL,
				       "config blob: bad structure block");
	if (fdt_node_check_compatible(p->fdt, 0, CONFIG_COMPATIBLE) != 0)
		return vmconfig_report(p, HV_EFORMAT, "compatible",
				       "root must be compatible with \"%s\"",
				       CONFIG_COMPATIBLE);
	return HV_OK;
}

int vmconfig_parse(const void *dtb, size_t dtb_size, struct hv_config *out,
		   char *err, size_t err_len)
{
	struct vmconfig_parser p = {.fdt = dtb, .err = err, .err_len = err_len};
	unsigned console_focus = 0;
	int vms, node, ret;

	memset(out, 0, sizeof(*out));
	if (err && err_len)
		err[0] = '\0';
	ret = check_blob(&p, dtb_size);
	if (!ret)
		ret = parse_hypervisor(&p, out);
	if (ret)
		return ret;

	snprintf(p.where, sizeof(p.where), "node \"vms\": ");
	vms = fdt_subnode_offset(dtb, 0, "vms");
	if (vms == -FDT_ERR_NOTFOUND)
		return vmconfig_report(&p, HV_EFORMAT, NULL, "missing");
	if (vms < 0)
		return vmconfig_report(&p, HV_EFORMAT, NULL, "unreadable: %s",
				       fdt_strerror(vms));
	ret = vmconfig_check_node_contents(&p, vms, (const char *const[]){NULL},
					   true);
	if (ret)
		return ret;
	fdt_for_each_subnode(node, dtb, vms)
	{
		if (out->num_vms == HV_MAX_VMS)
			return vmconfig_report(&p, HV_ERANGE, NULL,
					       "more than %d VMs", HV_MAX_VMS);
		ret = parse_vm(&p, node, out);
		if (ret)
			return ret;
		console_focus += out->vms[out->num_vms].console_focus;
		out->num_vms++;
		snprintf(p.where, sizeof(p.where), "node \"vms\": ");
	}
	if (node != -FDT_ERR_NOTFOUND)
		return vmconfig_report(&p, HV_EFORMAT, NULL, "malformed: %s",
				       fdt_strerror(node));
	if (out->num_vms == 0)
		return vmconfig_report(&p, HV_EFORMAT, NULL, "defines no VM");
	if (console_focus > 1)
		return vmconfig_report(
			&p, HV_EINVAL, NULL,
			"console-focus is set on %u VMs, at most one "
			"may have it",
			console_focus);
	return HV_OK;
}