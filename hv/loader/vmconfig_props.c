// SPDX-License-Identifier: MIT
/*
 * Property readers and validators for the VM config parser (hv/vmconfig.c,
 * docs/vm-config.md); declarations in hv/include/hv/vmconfig_props.h.
 *
 * The blob is hostile (see hv/vmconfig.c): every property length is
 * checked before its value is read, strings must be terminated inside
 * their property, and names from the blob are only echoed into the error
 * line when they are known to be printable.
 */
#include <hv/types.h>
#include <hv/errno.h>
#include <hv/vmconfig.h>
#include <hv/vmconfig_props.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int vmconfig_report(struct vmconfig_parser *p, int code, const char *property,
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
bool vmconfig_is_valid_name(const char *name, size_t len, size_t max_len,
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
static const void *get_property(struct vmconfig_parser *p, int node,
				const char *name, int *len, int *ret)
{
	const void *value = fdt_getprop(p->fdt, node, name, len);

	*ret = HV_OK;
	if (!value && *len != -FDT_ERR_NOTFOUND)
		*ret = vmconfig_report(p, HV_EFORMAT, name, "unreadable: %s",
				       fdt_strerror(*len));
	return value;
}

/* One cell. HV_ENOENT when absent and optional. */
int vmconfig_read_u32(struct vmconfig_parser *p, int node, const char *name,
		      bool required, uint32_t *out)
{
	int len, ret;
	const void *value = get_property(p, node, name, &len, &ret);

	if (ret)
		return ret;
	if (!value)
		return required
			       ? vmconfig_report(p, HV_EFORMAT, name, "missing")
			       : HV_ENOENT;
	if (len != (int)sizeof(uint32_t))
		return vmconfig_report(p, HV_EFORMAT, name,
				       "must be one cell, not %d bytes", len);
	*out = fdt32_ld(value);
	return HV_OK;
}

/* A single NUL-terminated string that fits in out[out_size]. */
int vmconfig_read_string(struct vmconfig_parser *p, int node, const char *name,
			 bool required, char *out, size_t out_size)
{
	int len, ret;
	const char *value = get_property(p, node, name, &len, &ret);

	if (ret)
		return ret;
	if (!value)
		return required
			       ? vmconfig_report(p, HV_EFORMAT, name, "missing")
			       : HV_ENOENT;
	if (len == 0 || value[len - 1] != '\0')
		return vmconfig_report(p, HV_EFORMAT, name,
				       "must be a NUL-terminated string");
	if (strlen(value) != (size_t)len - 1)
		return vmconfig_report(p, HV_EFORMAT, name,
				       "must be a single string");
	if ((size_t)len > out_size)
		return vmconfig_report(p, HV_ERANGE, name,
				       "longer than %zu characters",
				       out_size - 1);
	memcpy(out, value, (size_t)len);
	return HV_OK;
}

int vmconfig_read_bool(struct vmconfig_parser *p, int node, const char *name,
		       bool *out)
{
	int len, ret;
	const void *value = get_property(p, node, name, &len, &ret);

	if (ret)
		return ret;
	*out = value != NULL;
	if (value && len != 0)
		return vmconfig_report(p, HV_EFORMAT, name,
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
int vmconfig_check_node_contents(struct vmconfig_parser *p, int node,
				 const char *const *allowed,
				 bool allow_children)
{
	int property, len;

	fdt_for_each_property_offset(property, p->fdt, node)
	{
		const char *name = NULL;

		if (!fdt_getprop_by_offset(p->fdt, property, &name, &len) ||
		    !name)
			return vmconfig_report(p, HV_EFORMAT, NULL,
					       "unreadable property: %s",
					       fdt_strerror(len));
		if (is_listed(name, allowed))
			continue;
		if (is_printable(name))
			return vmconfig_report(p, HV_EFORMAT, name,
					       "unknown property");
		return vmconfig_report(p, HV_EFORMAT, NULL, "unknown property");
	}
	if (property != -FDT_ERR_NOTFOUND)
		return vmconfig_report(p, HV_EFORMAT, NULL,
				       "malformed node: %s",
				       fdt_strerror(property));
	if (!allow_children && fdt_first_subnode(p->fdt, node) >= 0)
		return vmconfig_report(p, HV_EFORMAT, NULL,
				       "unexpected child node");
	return HV_OK;
}

/* One cell per vCPU; without the property every vCPU may run anywhere. */
int vmconfig_read_hart_affinity(struct vmconfig_parser *p, int node,
				struct vm_config *vm)
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
		return vmconfig_report(p, HV_EFORMAT, name,
				       "must be a list of cells, not %d bytes",
				       len);
	if ((unsigned)len / 4 != vm->num_vcpus)
		return vmconfig_report(
			p, HV_EINVAL, name,
			"has %d cells, expected %u (one per vCPU)", len / 4,
			vm->num_vcpus);
	for (unsigned i = 0; i < vm->num_vcpus; i++)
		vm->hart_affinity[i] =
			fdt32_ld((const fdt32_t *)(value + 4 * i));
	return HV_OK;
}

/* A string list of lower-case SBI extension names. Whether a name is a
 * known extension is for the SBI layer to say, which owns the list. */
int vmconfig_read_sbi_disable(struct vmconfig_parser *p, int node,
			      struct vm_config *vm)
{
	const char *name = "sbi-disable";
	int len, ret;
	const char *value = get_property(p, node, name, &len, &ret);

	if (ret || !value)
		return ret;
	if (len == 0 || value[len - 1] != '\0')
		return vmconfig_report(
			p, HV_EFORMAT, name,
			"must be a list of NUL-terminated strings");
	for (const char *entry = value; entry < value + len;
	     entry += strlen(entry) + 1) {
		size_t entry_len = strlen(entry);
		unsigned index = vm->num_sbi_disabled;

		if (index == VM_MAX_SBI_DISABLED)
			return vmconfig_report(p, HV_ERANGE, name,
					       "more than %d entries",
					       VM_MAX_SBI_DISABLED);
		if (!vmconfig_is_valid_name(entry, entry_len,
					    VM_SBI_NAME_MAX - 1, true))
			return vmconfig_report(
				p, HV_EINVAL, name,
				"entry %u must be 1 to %d characters of "
				"[a-z0-9_]",
				index + 1, VM_SBI_NAME_MAX - 1);
		for (unsigned i = 0; i < index; i++)
			if (strcmp(vm->sbi_disabled[i], entry) == 0)
				return vmconfig_report(p, HV_EINVAL, name,
						       "\"%s\" listed twice",
						       entry);
		memcpy(vm->sbi_disabled[index], entry, entry_len + 1);
		vm->num_sbi_disabled++;
	}
	return HV_OK;
}