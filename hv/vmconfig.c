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
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/vmconfig.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define CONFIG_COMPATIBLE "hartvisor,config-v1"
#define MIN_MEMORY_MIB 4
#define MIN_TIME_SLICE_US 100
#define MAX_TIME_SLICE_US 1000000

struct parser {
	const void *fdt;
	char *err;
	size_t err_len;
	char where[VM_NAME_MAX + 16]; /* prefix naming the node at fault */
};

static const char *const hypervisor_properties[] = {"time-slice-us", NULL};
static const char *const vm_properties[] = {
	"name",		 "vcpus",	"memory-mib",
	"kernel",	 "initrd",	"bootargs",
	"hart-affinity", "sbi-disable", "console-focus",
	"background",	 NULL,
};

/* Writes `<where>property "<property>": <message>` and returns code. */
static int report(struct parser *p, int code, const char *property,
		  const char *format, ...)
	__attribute__((format(printf, 4, 5)));

static int report(struct parser *p, int code, const char *property,
		  const char *format, ...)
{
	va_list args;
	int used;

	if (!p->err || p->err_len == 0)
		return code;
	if (property)
		used = snprintf(p->err, p->err_len,
				"%sproperty \"%s\": ", p->where, property);
	else
		used = snprintf(p->err, p->err_len, "%s", p->where);
	if (used < 0 || (size_t)used >= p->err_len)
		return code;
	va_start(args, format);
	vsnprintf(p->err + used, p->err_len - (size_t)used, format, args);
	va_end(args);
	return code;
}

/* True for 1..max_len characters of [A-Za-z0-9_-] (lower_only: [a-z0-9_]). */
static bool is_valid_name(const char *name, size_t len, size_t max_len,
			  bool lower_only)
{
	if (len == 0 || len > max_len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  c == '_';

		if (!lower_only)
			ok = ok || (c >= 'A' && c <= 'Z') || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

/* Returns the property value, or NULL with *len = -FDT_ERR_NOTFOUND when
 * it is absent; any other libfdt failure is reported as malformed. */
static const void *get_property(struct parser *p, int node, const char *name,
				int *len, int *ret)
{
	const void *value = fdt_getprop(p->fdt, node, name, len);

	*ret = HV_OK;
	if (!value && *len != -FDT_ERR_NOTFOUND)
		*ret = report(p, HV_EFORMAT, name, "unreadable: %s",
			      fdt_strerror(*len));
	return value;
}

/* One cell. HV_ENOENT when absent and optional. */
static int read_u32(struct parser *p, int node, const char *name, bool required,
		    uint32_t *out)
{
	int len, ret;
	const void *value = get_property(p, node, name, &len, &ret);

	if (ret)
		return ret;
	if (!value)
		return required ? report(p, HV_EFORMAT, name, "missing")
				: HV_ENOENT;
	if (len != (int)sizeof(uint32_t))
		return report(p, HV_EFORMAT, name,
			      "must be one cell, not %d bytes", len);
	*out = fdt32_ld(value);
	return HV_OK;
}

/* A single NUL-terminated string that fits in out[out_size]. */
static int read_string(struct parser *p, int node, const char *name,
		       bool required, char *out, size_t out_size)
{
	int len, ret;
	const char *value = get_property(p, node, name, &len, &ret);

	if (ret)
		return ret;
	if (!value)
		return required ? report(p, HV_EFORMAT, name, "missing")
				: HV_ENOENT;
	if (len == 0 || value[len - 1] != '\0')
		return report(p, HV_EFORMAT, name,
			      "must be a NUL-terminated string");
	if (strlen(value) != (size_t)len - 1)
		return report(p, HV_EFORMAT, name, "must be a single string");
	if ((size_t)len > out_size)
		return report(p, HV_ERANGE, name, "longer than %zu characters",
			      out_size - 1);
	memcpy(out, value, (size_t)len);
	return HV_OK;
}

static int read_bool(struct parser *p, int node, const char *name, bool *out)
{
	int len, ret;
	const void *value = get_property(p, node, name, &len, &ret);

	if (ret)
		return ret;
	*out = value != NULL;
	if (value && len != 0)
		return report(p, HV_EFORMAT, name,
			      "boolean property takes no value");
	return HV_OK;
}

/* Safe to quote in the one-line error: short, visible ASCII, no quote. */
static bool is_printable(const char *text)
{
	size_t len = strnlen(text, VM_NAME_MAX);

	if (len == 0 || len == VM_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (text[i] <= ' ' || text[i] > '~' || text[i] == '"')
			return false;
	return true;
}

static bool is_listed(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

/* Reject properties outside `allowed` and, unless allowed, child nodes. */
static int check_node_contents(struct parser *p, int node,
			       const char *const *allowed, bool allow_children)
{
	int property, len;

	fdt_for_each_property_offset(property, p->fdt, node)
	{
		const char *name = NULL;

		if (!fdt_getprop_by_offset(p->fdt, property, &name, &len) ||
		    !name)
			return report(p, HV_EFORMAT, NULL,
				      "unreadable property: %s",
				      fdt_strerror(len));
		if (is_listed(name, allowed))
			continue;
		if (is_printable(name))
			return report(p, HV_EFORMAT, name, "unknown property");
		return report(p, HV_EFORMAT, NULL, "unknown property");
	}
	if (property != -FDT_ERR_NOTFOUND)
		return report(p, HV_EFORMAT, NULL, "malformed node: %s",
			      fdt_strerror(property));
	if (!allow_children && fdt_first_subnode(p->fdt, node) >= 0)
		return report(p, HV_EFORMAT, NULL, "unexpected child node");
	return HV_OK;
}

/* One cell per vCPU; without the property every vCPU may run anywhere. */
static int read_hart_affinity(struct parser *p, int node, struct vm_config *vm)
{
	const char *name = "hart-affinity";
	int len, ret;
	const uint8_t *value = get_property(p, node, name, &len, &ret);

	if (ret)
		return ret;
	for (unsigned i = 0; i < VM_MAX_VCPUS; i++)
		vm->hart_affinity[i] = VM_AFFINITY_ANY;
	if (!value)
		return HV_OK;
	if (len % 4)
		return report(p, HV_EFORMAT, name,
			      "must be a list of cells, not %d bytes", len);
	if ((unsigned)len / 4 != vm->num_vcpus)
		return report(p, HV_EINVAL, name,
			      "has %d cells, expected %u (one per vCPU)",
			      len / 4, vm->num_vcpus);
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		vm->hart_affinity[i] =
			fdt32_ld((const fdt32_t *)(value + 4 * i));
	return HV_OK;
}

/* A string list of lower-case SBI extension names. Whether a name is a
 * known extension is for the SBI layer to say, which owns the list. */
static int read_sbi_disable(struct parser *p, int node, struct vm_config *vm)
{
	const char *name = "sbi-disable";
	int len, ret;
	const char *value = get_property(p, node, name, &len, &ret);

	if (ret || !value)
		return ret;
	if (len == 0 || value[len - 1] != '\0')
		return report(p, HV_EFORMAT, name,
			      "must be a list of NUL-terminated strings");
	for (const char *entry = value; entry < value + len;
	     entry += strlen(entry) + 1) {
		size_t entry_len = strlen(entry);
		unsigned index = vm->num_sbi_disabled;

		if (index == VM_MAX_SBI_DISABLED)
			return report(p, HV_ERANGE, name,
				      "more than %d entries",
				      VM_MAX_SBI_DISABLED);
		if (!is_valid_name(entry, entry_len, VM_SBI_NAME_MAX - 1, true))
			return report(p, HV_EINVAL, name,
				      "entry %u must be 1 to %d characters of "
				      "[a-z0-9_]",
				      index + 1, VM_SBI_NAME_MAX - 1);
		for (unsigned i = 0; i < index; i++)
			if (strcmp(vm->sbi_disabled[i], entry) == 0)
				return report(p, HV_EINVAL, name,
					      "\"%s\" listed twice", entry);
		memcpy(vm->sbi_disabled[index], entry, entry_len + 1);
		vm->num_sbi_disabled++;
	}
	return HV_OK;
}

/* The VM's name: the "name" property, or else the node name. */
static int read_vm_name(struct parser *p, int node, unsigned index,
			struct vm_config *vm)
{
	const char *node_name;
	int len, ret;

	snprintf(p->where, sizeof(p->where), "vm #%u: ", index + 1);
	ret = read_string(p, node, "name", false, vm->name, sizeof(vm->name));
	if (ret == HV_OK) {
		if (!is_valid_name(vm->name, strlen(vm->name), VM_NAME_MAX - 1,
				   false))
			return report(p, HV_EINVAL, "name",
				      "must be 1 to %d characters of "
				      "[A-Za-z0-9_-]",
				      VM_NAME_MAX - 1);
	} else if (ret == HV_ENOENT) {
		node_name = fdt_get_name(p->fdt, node, &len);
		if (!node_name || len < 0)
			return report(p, HV_EFORMAT, NULL,
				      "unreadable node name");
		if (!is_valid_name(node_name, (size_t)len, VM_NAME_MAX - 1,
				   false))
			return report(p, HV_EINVAL, NULL,
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

static int parse_vm(struct parser *p, int node, struct hv_config *config)
{
	struct vm_config *vm = &config->vms[config->num_vms];
	uint32_t vcpus, memory_mib;
	int ret;

	ret = read_vm_name(p, node, config->num_vms, vm);
	if (ret)
		return ret;
	for (unsigned i = 0; i < config->num_vms; i++)
		if (strcmp(config->vms[i].name, vm->name) == 0)
			return report(p, HV_EINVAL, NULL, "duplicate VM name");
	ret = check_node_contents(p, node, vm_properties, false);
	if (ret)
		return ret;

	ret = read_u32(p, node, "vcpus", true, &vcpus);
	if (ret)
		return ret;
	if (vcpus < 1 || vcpus > VM_MAX_VCPUS)
		return report(p, HV_ERANGE, "vcpus", "must be between 1 and %d",
			      VM_MAX_VCPUS);
	vm->num_vcpus = vcpus;

	ret = read_u32(p, node, "memory-mib", true, &memory_mib);
	if (ret)
		return ret;
	if (memory_mib < MIN_MEMORY_MIB)
		return report(p, HV_ERANGE, "memory-mib", "must be at least %d",
			      MIN_MEMORY_MIB);
	/* Guest RAM is mapped with 2 MiB stage-2 megapages. */
	if (memory_mib % 2)
		return report(p, HV_EINVAL, "memory-mib",
			      "must be a multiple of 2");
	vm->memory_size = (uint64_t)memory_mib << 20;

	ret = read_string(p, node, "kernel", true, vm->kernel,
			  sizeof(vm->kernel));
	if (!ret && vm->kernel[0] == '\0')
		ret = report(p, HV_EFORMAT, "kernel", "must not be empty");
	if (ret)
		return ret;
	ret = read_string(p, node, "initrd", false, vm->initrd,
			  sizeof(vm->initrd));
	if (!ret && vm->initrd[0] == '\0')
		ret = report(p, HV_EFORMAT, "initrd",
			     "must not be empty (leave it out instead)");
	if (ret && ret != HV_ENOENT)
		return ret;
	ret = read_string(p, node, "bootargs", false, vm->bootargs,
			  sizeof(vm->bootargs));
	if (ret && ret != HV_ENOENT)
		return ret;

	ret = read_hart_affinity(p, node, vm);
	if (!ret)
		ret = read_sbi_disable(p, node, vm);
	if (!ret)
		ret = read_bool(p, node, "console-focus", &vm->console_focus);
	if (!ret)
		ret = read_bool(p, node, "background", &vm->background);
	return ret;
}

static int parse_hypervisor(struct parser *p, struct hv_config *config)
{
	int node = fdt_subnode_offset(p->fdt, 0, "hypervisor");
	uint32_t slice;
	int ret;

	config->time_slice_us = HV_DEFAULT_SLICE_US;
	if (node == -FDT_ERR_NOTFOUND)
		return HV_OK;
	snprintf(p->where, sizeof(p->where), "node \"hypervisor\": ");
	if (node < 0)
		return report(p, HV_EFORMAT, NULL, "unreadable: %s",
			      fdt_strerror(node));
	ret = check_node_contents(p, node, hypervisor_properties, false);
	if (!ret)
		ret = read_u32(p, node, "time-slice-us", false, &slice);
	if (ret == HV_ENOENT)
		return HV_OK;
	if (ret)
		return ret;
	if (slice < MIN_TIME_SLICE_US || slice > MAX_TIME_SLICE_US)
		return report(p, HV_ERANGE, "time-slice-us",
			      "must be between %d and %d", MIN_TIME_SLICE_US,
			      MAX_TIME_SLICE_US);
	config->time_slice_us = slice;
	return HV_OK;
}

static int check_blob(struct parser *p, size_t dtb_size)
{
	int ret;

	if (!p->fdt || dtb_size < sizeof(struct fdt_header))
		return report(p, HV_EFORMAT, NULL,
			      "config blob of %zu bytes is too small",
			      p->fdt ? dtb_size : 0);
	/* libfdt on the target insists on this; checking it here too keeps
	 * host tests and the hypervisor in agreement. */
	if ((uintptr_t)p->fdt & 7)
		return report(p, HV_EFORMAT, NULL,
			      "config blob is not 8-byte aligned");
	ret = fdt_check_header(p->fdt);
	if (ret)
		return report(p, HV_EFORMAT, NULL, "config blob: %s",
			      fdt_strerror(ret));
	if (fdt_totalsize(p->fdt) > dtb_size)
		return report(p, HV_EFORMAT, NULL,
			      "config blob claims %u bytes but has %zu",
			      fdt_totalsize(p->fdt), dtb_size);
	if (fdt_node_check_compatible(p->fdt, 0, CONFIG_COMPATIBLE) != 0)
		return report(p, HV_EFORMAT, "compatible",
			      "root must be compatible with \"%s\"",
			      CONFIG_COMPATIBLE);
	return HV_OK;
}

int vmconfig_parse(const void *dtb, size_t dtb_size, struct hv_config *out,
		   char *err, size_t err_len)
{
	struct parser p = {.fdt = dtb, .err = err, .err_len = err_len};
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
		return report(&p, HV_EFORMAT, NULL, "missing");
	if (vms < 0)
		return report(&p, HV_EFORMAT, NULL, "unreadable: %s",
			      fdt_strerror(vms));
	ret = check_node_contents(&p, vms, (const char *const[]){NULL}, true);
	if (ret)
		return ret;
	fdt_for_each_subnode(node, dtb, vms)
	{
		if (out->num_vms == HV_MAX_VMS)
			return report(&p, HV_ERANGE, NULL, "more than %d VMs",
				      HV_MAX_VMS);
		ret = parse_vm(&p, node, out);
		if (ret)
			return ret;
		console_focus += out->vms[out->num_vms].console_focus;
		out->num_vms++;
		snprintf(p.where, sizeof(p.where), "node \"vms\": ");
	}
	if (node != -FDT_ERR_NOTFOUND)
		return report(&p, HV_EFORMAT, NULL, "malformed: %s",
			      fdt_strerror(node));
	if (out->num_vms == 0)
		return report(&p, HV_EFORMAT, NULL, "defines no VM");
	if (console_focus > 1)
		return report(&p, HV_EINVAL, NULL,
			      "console-focus is set on %u VMs, at most one "
			      "may have it",
			      console_focus);
	return HV_OK;
}
