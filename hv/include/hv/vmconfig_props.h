/* SPDX-License-Identifier: MIT */
/*
 * Internal to the VM config parser: the property readers and validators in
 * hv/vmconfig_props.c, shared with the parser in hv/vmconfig.c. Nothing
 * else includes this header; the public API is hv/vmconfig.h.
 *
 * Every reader checks a property's length before reading its value and
 * reports failures through vmconfig_report(), which names the node (from
 * parser->where) and the property in the one-line error.
 */
#ifndef HV_VMCONFIG_PROPS_H
#define HV_VMCONFIG_PROPS_H

#include <hv/types.h>
#include <hv/vmconfig.h>

struct vmconfig_parser {
	const void *fdt;
	char *err;
	size_t err_len;
	char where[VM_NAME_MAX + 16]; /* prefix naming the node at fault */
};

/* Writes `<where>property "<property>": <message>` and returns code. */
int vmconfig_report(struct vmconfig_parser *p, int code, const char *property,
		    const char *format, ...)
	__attribute__((format(printf, 4, 5)));

/* True for 1..max_len characters of [A-Za-z0-9_-] (lower_only: [a-z0-9_]). */
bool vmconfig_is_valid_name(const char *name, size_t len, size_t max_len,
			    bool lower_only);

/* One cell. HV_ENOENT when absent and optional. */
int vmconfig_read_u32(struct vmconfig_parser *p, int node, const char *name,
		      bool required, uint32_t *out);

/* A single NUL-terminated string that fits in out[out_size]. HV_ENOENT
 * when absent and optional. */
int vmconfig_read_string(struct vmconfig_parser *p, int node, const char *name,
			 bool required, char *out, size_t out_size);

/* Present (true) or absent (false); a present one must be empty. */
int vmconfig_read_bool(struct vmconfig_parser *p, int node, const char *name,
		       bool *out);

/* Reject properties outside `allowed` (NULL-terminated) and, unless
 * allow_children, child nodes. */
int vmconfig_check_node_contents(struct vmconfig_parser *p, int node,
				 const char *const *allowed,
				 bool allow_children);

/* "hart-affinity" into vm->hart_affinity; needs vm->num_vcpus set. */
int vmconfig_read_hart_affinity(struct vmconfig_parser *p, int node,
				struct vm_config *vm);

/* "harts", "weight", "cpu-cap-percent" and "latency-us". */
int vmconfig_read_sched(struct vmconfig_parser *p, int node,
			struct vm_config *vm);

/* "sbi-disable" into vm->sbi_disabled and vm->num_sbi_disabled. */
int vmconfig_read_sbi_disable(struct vmconfig_parser *p, int node,
			      struct vm_config *vm);

#endif
