// SPDX-License-Identifier: MIT
#include "platform.h"
#include "console.h"
#include "csr.h"
#include "fdt.h"
#include "test.h"
#include "util.h"

#define DEFAULT_TIMEBASE_HZ 10000000

struct platform platform;

static void read_memory(const void *dtb)
{
	int len;
	const uint8_t *reg = fdt_get_prop(dtb, "/memory", "reg", &len);
	/* The guest DTB uses #address-cells = #size-cells = 2. */
	if (reg && len >= 16) {
		platform.ram_base =
			(uint64_t)fdt_be32(reg) << 32 | fdt_be32(reg + 4);
		platform.ram_size =
			(uint64_t)fdt_be32(reg + 8) << 32 | fdt_be32(reg + 12);
	}
}

static void read_dtb(const void *dtb)
{
	platform.dtb_valid = dtb && fdt_valid(dtb);
	platform.isa = "";
	platform.bootargs = "";
	platform.timebase_hz = DEFAULT_TIMEBASE_HZ;
	/* Until the DTB says otherwise, assume the RAM the image sits in. */
	platform.ram_base = 0x80000000UL;
	platform.ram_size = 16UL << 20;
	platform.num_harts = 1;
	if (!platform.dtb_valid)
		return;

	const char *s = fdt_get_string(dtb, "/chosen", "bootargs");

	platform.has_bootargs = s != NULL;
	if (s)
		platform.bootargs = s;
	s = fdt_get_string(dtb, "/cpus/cpu@0", "riscv,isa");
	if (s)
		platform.isa = s;
	platform.timebase_hz = fdt_get_u64(dtb, "/cpus", "timebase-frequency",
					   DEFAULT_TIMEBASE_HZ);
	platform.num_harts = fdt_count_children(dtb, "/cpus", "cpu@");
	if (platform.num_harts > GUEST_MAX_HARTS)
		platform.num_harts = GUEST_MAX_HARTS;
	read_memory(dtb);
	/* Multi-letter extensions follow '_' in riscv,isa. */
	platform.has_sstc = str_contains(platform.isa, "_sstc");
}

void guest_boot(unsigned long hartid, const void *dtb)
{
	platform.boot_hart = hartid;
	platform.dtb = dtb;
	platform.boot_time = read_time();
	console_init();
	read_dtb(dtb);
	printf("%s: boot hart %lu, %u harts, RAM 0x%lx+0x%lx, isa %s, "
	       "bootargs \"%s\", console %s\n",
	       guest_name, hartid, platform.num_harts,
	       (unsigned long)platform.ram_base,
	       (unsigned long)platform.ram_size, platform.isa,
	       platform.bootargs, console_uses_dbcn() ? "dbcn" : "legacy");
	guest_main();
	test_finish();
}

uint64_t bootarg_u64(const char *key, uint64_t fallback)
{
	size_t key_len = strlen(key);
	const char *p = platform.bootargs;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, key_len) && p[key_len] == '=') {
			const char *digit = p + key_len + 1;
			uint64_t value = 0;

			for (; *digit >= '0' && *digit <= '9'; digit++)
				value = value * 10 + (uint64_t)(*digit - '0');
			if (digit > p + key_len + 1 &&
			    (*digit == ' ' || !*digit))
				return value;
		}
		while (*p && *p != ' ')
			p++;
	}
	return fallback;
}
