// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness for the guest's device tree (hv/loader/guest_fdt.c):
 * the riscv,isa filter over a host ISA string from the input, then the
 * DTB builder with parameters from the input, into a buffer of a size
 * from the input. Beyond the sanitizers:
 *  - a filtered ISA keeps "rv64", is not much longer than the host's, has
 *    none of the extensions a guest must never see (h, v, q, svpbmt,
 *    svnapot, svinval, zicbo*, sstc unless allowed, vendor x...);
 *  - a tree that builds passes libfdt's header check and the structure
 *    walk of fdt_sanity.h within the buffer,
 *    has one cpu node per vCPU with exactly that riscv,isa, and the
 *    bootargs and memory it was given.
 * Input: 24 parameter bytes, then the host ISA string and the bootargs,
 * separated by a NUL.
 */
#include <stdlib.h>
#include <libfdt.h>
#include <hv/errno.h>
#include <hv/fdt_sanity.h>
#include <hv/guest_fdt.h>
#include "fuzz_check.h"

static const char *const never_for_guests[] = {
	"svpbmt", "svnapot", "svinval",	 "zicbom", "zicboz",
	"zicbop", "zawrs",   "sscofpmf", "smaia",  "ssaia",
	"zihpm",  "zkr",     "zacas",	 "zcb",	   "h",
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Where a trailing version ("2", "2p0") of a name of len bytes starts. */
static size_t version_start(const char *name, size_t len)
{
	size_t end = len;

	while (end && is_digit(name[end - 1]))
		end--;
	if (end >= 2 && end < len && name[end - 1] == 'p' &&
	    is_digit(name[end - 2])) {
		end--;
		while (end && is_digit(name[end - 1]))
			end--;
	}
	return end;
}

static void check_filtered(const char *host, const char *isa, bool sstc)
{
	const char *p = isa + 4;

	check(strncmp(isa, "rv64", 4) == 0);
	/* At most one "_" added per name (glued to the letters in host). */
	check(strlen(isa) <= 2 * strlen(host));
	/* Single letters, then '_'-separated names. */
	for (; *p && *p != '_'; p++)
		check(!strchr("hvqHVQ", *p) && *p != 'x' && *p != 'z');
	while (*p == '_') {
		size_t len = strcspn(p + 1, "_");
		size_t name = version_start(p + 1, len);

		check(len > 0);
		check(p[1] == 'z' || p[1] == 's');
		check(p[1] != 'x' && strncmp(p + 1, "zv", 2) != 0);
		for (size_t i = 0;
		     i < sizeof(never_for_guests) / sizeof(never_for_guests[0]);
		     i++)
			check(strlen(never_for_guests[i]) != name ||
			      strncmp(p + 1, never_for_guests[i], name) != 0);
		if (!sstc)
			check(name != 4 || strncmp(p + 1, "sstc", 4) != 0);
		p += 1 + len;
	}
	check(*p == '\0');
}

static void check_tree(const void *fdt, size_t size,
		       const struct guest_fdt_params *params)
{
	int node, len;
	unsigned cpus = 0;
	const char *value;

	check(fdt_check_header(fdt) == 0 && fdt_structure_is_sane(fdt));
	check(fdt_totalsize(fdt) <= size);
	node = fdt_path_offset(fdt, "/cpus");
	check(node >= 0);
	fdt_for_each_subnode(node, fdt, node)
	{
		value = fdt_getprop(fdt, node, "riscv,isa", &len);
		check(value && len == (int)strlen(params->isa) + 1);
		check(memcmp(value, params->isa, (size_t)len) == 0);
		cpus++;
	}
	check(cpus == params->num_vcpus);
	node = fdt_path_offset(fdt, "/chosen");
	check(node >= 0);
	value = fdt_getprop(fdt, node, "bootargs", &len);
	check(value && strcmp(value, params->bootargs) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size, 0};
	uint8_t flags = (uint8_t)fuzz_take(&in, 1);
	struct guest_fdt_params params = {
		.vm_name = "fuzz",
		.num_vcpus = (unsigned)fuzz_take(&in, 1) % 40,
		.ram_base = fuzz_take(&in, 1) << 28,
		.ram_size = (fuzz_take(&in, 2) + (flags & 0x80 ? 0 : 1)) << 20,
		.timebase_frequency =
			fuzz_take(&in, 4) + (flags & 0x40 ? 0 : 1),
		.mmu_type = "riscv,sv48",
		.plic_base = 0xc000000,
		.plic_size = 0x4000000,
		.plic_num_sources = (unsigned)fuzz_take(&in, 1),
		.uart_base = 0x10000000 + fuzz_take(&in, 2),
		.uart_size = 0x100,
		.uart_irq = (unsigned)fuzz_take(&in, 1),
		.uart_clock_frequency = 3686400,
	};
	size_t buf_size = (size_t)fuzz_take(&in, 2) % 16384;
	char isa[256];
	const char *text = (const char *)data + MIN(in.used, size);
	size_t rest = in.used < size ? size - in.used : 0;
	char *strings = calloc(1, rest + 2);
	bool sstc = flags & 1;
	void *buf;
	int ret;

	check(strings);
	memcpy(strings, text, rest);
	/* host ISA, NUL, bootargs (both terminated by calloc's zeros). */
	params.bootargs = strings + strlen(strings) + 1;
	if (flags & 2) {
		params.initrd_start = params.ram_base + (1 << 20);
		params.initrd_end = params.initrd_start + data[0];
	}
	ret = guest_isa_filter(strings, sstc, isa,
			       flags & 4 ? sizeof(isa) : (flags >> 3) % 8 + 1);
	if (ret != HV_OK) {
		check(ret == HV_EINVAL || ret == HV_ENOMEM);
		free(strings);
		return 0;
	}
	check_filtered(strings, isa, sstc);
	params.isa = isa;
	buf = malloc(buf_size ? buf_size : 1);
	check(buf);
	ret = guest_fdt_build(buf, buf_size, &params);
	check(ret == HV_OK || ret == HV_EINVAL || ret == HV_ENOMEM);
	if (ret == HV_OK)
		check_tree(buf, buf_size, &params);
	free(buf);
	free(strings);
	return 0;
}
