// SPDX-License-Identifier: MIT
/*
 * Building VMs from a boot archive (hv/vm/create.c) on the fake machine:
 * a newc cpio with config.dtb and the images it names, built here, and
 * host memory (hv/mm/memory.c) over a malloc'd block full of garbage.
 * The VMs come out loaded, with the rest of their RAM zero, and their
 * boot vCPU starts at the kernel entry with a0 = 0 and a1 = the device
 * tree, on the fake arch. A fault in one VM's part of the config or its
 * images leaves out that VM only, with its name, the file and the
 * reason, and gives back everything it had taken; a VM that stops gives
 * back its RAM, its stage-2 table and its VMID.
 */
#include <stdlib.h>
#include "vmconfig_test_util.h" /* cmocka, libfdt, the config builder */
#include <hv/entropy.h>
#include <hv/guest_mem.h>
#include <hv/image.h>
#include <hv/page_alloc.h>
#include <hv/platform.h>
#include <hv/vmid.h>
#include "sbi_guest.h"

#define SLICE 1000
#define HOST_RAM (64UL << 20)
#define ARCHIVE_SIZE (64 * 1024)
#define KERNEL_TEXT_OFFSET 0x200000UL
#define RESERVED (3UL << 20) /* at the start of host RAM */

struct arch_features hv_features; /* boot.c's, not linked here */
static uint8_t *host_ram;
static char archive[ARCHIVE_SIZE];
static size_t archive_len;
static uint8_t kernel[4096], small_kernel[256], initrd[3000];

static size_t pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* One newc cpio entry (header fields as "%08x": ino, mode, uid, gid,
 * nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor,
 * namesize, check). */
static void add_file(const char *name, const void *data, size_t size)
{
	size_t name_size = strlen(name) + 1;
	int len = snprintf(archive + archive_len, sizeof(archive) - archive_len,
			   "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x"
			   "%08zx%08x",
			   1, 0100644, 0, 0, 1, 0, size, 0, 0, 0, 0, name_size,
			   0);

	assert_int_equal(len, 110);
	archive_len += 110;
	assert_true(archive_len + pad4(name_size) + pad4(size) <
		    sizeof(archive));
	memcpy(archive + archive_len, name, name_size);
	archive_len = pad4(archive_len + name_size);
	memcpy(archive + archive_len, data, size);
	archive_len = pad4(archive_len + size);
}

static void store_le(uint8_t *at, uint64_t value, unsigned count)
{
	for (unsigned i = 0; i < count; i++)
		at[i] = (uint8_t)(value >> (8 * i));
}

static void make_image(uint8_t *buf, size_t size, uint64_t text_offset,
		       uint64_t image_size)
{
	for (size_t i = 64; i < size; i++)
		buf[i] = (uint8_t)(i * 7);
	memset(buf, 0, 64);
	store_le(buf + 0x08, text_offset, 8);
	store_le(buf + 0x10, image_size, 8);
	store_le(buf + 0x38, RISCV_IMAGE_MAGIC2, 4);
}

/* The default config (tests/unit/vmconfig_test_util.h): "linux0" with 4
 * vCPUs pinned to harts 0-3, kernel "Image" with an initrd, dbcn and
 * legacy SBI off, console focus, background; "bare1" with 1 vCPU and
 * "hello.bin". Memory cut to 8 MiB for linux0 (bare1 has 4). */
static const uint32_t cell_8[] = {BE32(8)};

#define WITH_IMAGE 1U
#define WITH_INITRD 2U
#define WITH_HELLO 4U
#define WITH_ALL 7U

static void build_archive(struct build *b, unsigned files)
{
	uint64_t blob[BLOB_SIZE / 8];
	bool has_memory = false;

	for (int i = 0; i < MAX_OVERRIDES; i++)
		has_memory |= b->overrides[i].prop.name &&
			      b->overrides[i].node == 0 &&
			      !strcmp(b->overrides[i].prop.name, "memory-mib");
	for (int i = 0; !has_memory && i < MAX_OVERRIDES; i++)
		if (!b->overrides[i].prop.name) {
			b->overrides[i] =
				(struct override){0, {"memory-mib", cell_8, 4}};
			break;
		}
	build_config(blob, b);
	archive_len = 0;
	add_file("config.dtb", blob, fdt_totalsize(blob));
	if (files & WITH_IMAGE)
		add_file("Image", kernel, sizeof(kernel));
	if (files & WITH_INITRD)
		add_file("initramfs.cpio.gz", initrd, sizeof(initrd));
	if (files & WITH_HELLO)
		add_file("hello.bin", small_kernel, sizeof(small_kernel));
	add_file("TRAILER!!!", "", 0);
}

static int setup(void **state)
{
	(void)state;
	(void)parse_built; /* the builder's parser helper: not used here */
	fake_machine_reset(4, SLICE);
	guest_reset();
	hv_features = (struct arch_features){
		.sv39x4 = true, .sv48x4 = true, .vmid_bits = 14, .sstc = true};
	snprintf(platform.isa, sizeof(platform.isa), "%s",
		 "rv64imafdch_zicsr_zifencei_sstc");
	snprintf(platform.mmu_type, sizeof(platform.mmu_type), "%s",
		 "riscv,sv48");
	free(host_ram);
	host_ram = aligned_alloc(2UL << 20, HOST_RAM);
	assert_non_null(host_ram);
	/* What a previous owner left (nothing zeroes RAM for us). */
	memset(host_ram, 0xa5, HOST_RAM);
	memory_init((uint64_t)(uintptr_t)host_ram, HOST_RAM);
	/* As boot reserves the hypervisor image: VMs get none of it. */
	memory_reserve((uint64_t)(uintptr_t)host_ram, RESERVED);
	make_image(kernel, sizeof(kernel), KERNEL_TEXT_OFFSET, 0x100000);
	make_image(small_kernel, sizeof(small_kernel), 0, 0x1000);
	memset(initrd, 0x1d, sizeof(initrd));
	return 0;
}

static void *guest_ptr(struct vm *vm, uint64_t addr)
{
	hpa_t host;

	assert_int_equal(guest_mem_range(vm, gpa(addr), 1, &host), HV_OK);
	return hpa_to_ptr(host);
}

static void test_vms_are_built_and_boot(void **state)
{
	(void)state;
	struct build b = {0};

	build_archive(&b, WITH_ALL);
	vms_create_from_archive(archive, archive_len);
	assert_int_equal(num_vms, 2);
	assert_non_null(strstr(fake_printed, "scheduler: round-robin, 10000 "
					     "us slices"));
	assert_non_null(strstr(fake_printed,
			       "VM \"linux0\": 4 vCPU(s), 8 MiB, kernel "
			       "\"Image\", initrd initramfs.cpio.gz"));

	struct vm *linux0 = &vms[0], *bare1 = &vms[1];
	uint64_t entry = GUEST_RAM_BASE + KERNEL_TEXT_OFFSET;

	assert_string_equal(linux0->name, "linux0");
	assert_int_equal(linux0->num_vcpus, 4);
	assert_int_equal(linux0->ram_size, 8UL << 20);
	assert_int_equal(linux0->sbi_disabled,
			 (1UL << sbi_extension_index("dbcn")) |
				 (1UL << sbi_extension_index("legacy")));
	assert_true(linux0->ram_host.val >= (uintptr_t)host_ram + RESERVED);
	assert_true(bare1->ram_host.val >= linux0->ram_host.val + (8UL << 20));
	assert_true(bare1->ram_host.val + (4UL << 20) <=
		    (uintptr_t)host_ram + HOST_RAM);
	assert_int_equal(linux0->vmid, 1);
	assert_int_equal(bare1->vmid, 2);
	for (unsigned i = 0; i < 4; i++) {
		assert_int_equal(linux0->vcpus[i].allowed_cpus, 1UL << i);
		assert_ptr_equal(linux0->vcpus[i].cpu, &cpus[i]);
	}
	assert_int_equal(bare1->vcpus[0].allowed_cpus, 0xf);
	assert_int_equal(cpus[0].rq.time_slice,
			 10000 * FAKE_TIMEBASE_HZ / 1000000);
	/* Loaded: the kernel at its text offset, the initrd and the DTB
	 * where the DTB says, which names the initrd. */
	assert_memory_equal(guest_ptr(linux0, entry), kernel, sizeof(kernel));
	uint64_t fdt_addr = linux0->vcpus[0].boot_opaque;
	const void *fdt = guest_ptr(linux0, fdt_addr);

	assert_int_equal(fdt_check_header(fdt), 0);
	int chosen = fdt_path_offset(fdt, "/chosen");
	int len = 0;
	const fdt64_t *start =
		fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
	const fdt64_t *end = fdt_getprop(fdt, chosen, "linux,initrd-end", NULL);

	assert_int_equal(len, 8);
	assert_non_null(end);
	assert_int_equal(fdt64_to_cpu(*end) - fdt64_to_cpu(*start),
			 sizeof(initrd));
	assert_memory_equal(guest_ptr(linux0, fdt64_to_cpu(*start)), initrd,
			    sizeof(initrd));
	/* No host seed yet (the first test): no rng-seed for the guest. */
	assert_false(entropy_available());
	assert_null(fdt_getprop(fdt, chosen, "rng-seed", NULL));
	/* Only the boot vCPU starts, at the entry with the DTB in a1. */
	assert_int_equal(linux0->vcpus[0].state, VCPU_RUNNABLE);
	assert_int_equal(linux0->vcpus[1].state, VCPU_OFFLINE);
	assert_int_equal(linux0->vcpus[0].boot_addr, entry);
	guest_run_hart(0);
	const struct guest_entry *boot = guest_entry(&linux0->vcpus[0], 0);

	assert_int_equal(boot->pc, entry);
	assert_int_equal(boot->a0, 0);
	assert_int_equal(boot->a1, fdt_addr);
	assert_true(fdt_addr > entry && fdt_addr < GUEST_RAM_BASE + (8 << 20));
	/* The rest of the RAM is zero: nothing of the garbage shows. */
	const uint8_t *last = guest_ptr(linux0, GUEST_RAM_BASE + (8 << 20) - 1);

	assert_int_equal(*last, 0);
	assert_int_equal(*(uint8_t *)guest_ptr(linux0, GUEST_RAM_BASE), 0);
	assert_int_equal(*(uint8_t *)guest_ptr(bare1, GUEST_RAM_BASE + 0x1000),
			 0);
	/* The small VM's kernel sits at the base of its RAM. */
	assert_int_equal(bare1->vcpus[0].boot_addr, GUEST_RAM_BASE);
	assert_memory_equal(guest_ptr(bare1, GUEST_RAM_BASE), small_kernel,
			    sizeof(small_kernel));
}

/* Stop a VM as the console monitor would (not from one of its vCPUs);
 * the last one powers the machine off. */
static void stop_from_outside(struct vm *vm)
{
	jmp_buf power_off;

	if (setjmp(power_off) == 0) {
		fake_shutdown_jump = &power_off;
		vm_stop(vm, false, "test");
	}
	fake_shutdown_jump = NULL;
	assert_false(vm_is_running(vm));
}

/* A bad part of one VM leaves out that VM only, saying why. */
static const uint32_t cell_128[] = {BE32(128)};
static const uint32_t cells_0_1_2_7[] = {BE32(0), BE32(1), BE32(2), BE32(7)};

static void test_a_bad_vm_is_left_out(void **state)
{
	(void)state;
	static const struct {
		struct override override;
		unsigned files;
		const char *message;
	} cases[] = {
		{{0, {0}},
		 WITH_IMAGE | WITH_INITRD,
		 "VM \"bare1\" not started: file \"hello.bin\": not found in "
		 "the boot archive"},
		{{0, {0}},
		 WITH_IMAGE | WITH_HELLO,
		 "VM \"linux0\" not started: file \"initramfs.cpio.gz\": not "
		 "found"},
		{{0, {"sbi-disable", STR("base")}},
		 WITH_ALL,
		 "VM \"linux0\" not started: sbi-disable: unknown or mandatory "
		 "extension \"base\""},
		{{0, {"hart-affinity", cells_0_1_2_7, 16}},
		 WITH_ALL,
		 "VM \"linux0\" not started: hart-affinity: hart 7 is not "
		 "online"},
		{{0, {"memory-mib", cell_128, 4}},
		 WITH_ALL,
		 "VM \"linux0\" not started: not enough host memory for 128 "
		 "MiB"},
		{{1, {"kernel", STR("Image")}}, /* 1 MiB at 2 MiB: no room */
		 WITH_ALL,
		 "VM \"bare1\" not started: file \"Image\": DTB region"},
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		struct build b = {.overrides = {cases[i].override}};

		setup(NULL);
		size_t free_before = memory_free_pages();

		build_archive(&b, cases[i].files);
		vms_create_from_archive(archive, archive_len);
		assert_int_equal(num_vms, 1);
		assert_non_null(strstr(fake_printed, cases[i].message));
		assert_true(vm_is_running(&vms[0]));
		assert_int_equal(vms[0].vcpus[0].state, VCPU_RUNNABLE);
		/* The one left out took nothing with it: once the other has
		 * stopped too, every page is back. */
		stop_from_outside(&vms[0]);
		assert_int_equal(memory_free_pages(), free_before);
	}
}

/* A VM that stops gives back its RAM, tables and VMID; the next owner
 * of its VMID flushes it from every hart first. */
static void test_a_stopped_vm_gives_its_memory_back(void **state)
{
	(void)state;
	struct build b = {0};
	size_t free_before = memory_free_pages();

	build_archive(&b, WITH_ALL);
	vms_create_from_archive(archive, archive_len);
	assert_int_equal(num_vms, 2);
	struct vm *linux0 = &vms[0], *bare1 = &vms[1];
	size_t free_running = memory_free_pages();
	size_t linux0_pages = (8UL << 20) / PAGE_SIZE;

	assert_true(free_before - free_running > linux0_pages + (4UL << 8));
	stop_from_outside(linux0);
	assert_true(memory_free_pages() > free_running + linux0_pages);
	assert_int_equal(linux0->ram_size, 0);
	assert_int_equal(linux0->stage2.root.val, 0);
	assert_int_equal(linux0->vmid, 0);
	assert_int_equal(guest_mem_range(linux0, gpa(GUEST_RAM_BASE), 1, NULL),
			 HV_EFAULT);
	/* The other VM keeps its RAM and VMID 2; VMID 1 comes back, once
	 * the clean ones are gone, flushed on every hart. */
	assert_true(vm_is_running(bare1));
	assert_int_equal(bare1->vmid, 2);
	unsigned vmid;

	for (unsigned want = 3; want < (1U << 14); want++) {
		assert_int_equal(vmid_alloc(14, &vmid), HV_OK);
		assert_int_equal(vmid, want);
	}
	assert_int_equal(fake_harts[1].stage2_flushes, 0);
	assert_int_equal(vmid_alloc(14, &vmid), HV_OK);
	assert_int_equal(vmid, 1);
	for (unsigned i = 0; i < 4; i++)
		assert_int_equal(fake_harts[i].stage2_flushed_vmid, 1);
	stop_from_outside(bare1);
	assert_int_equal(memory_free_pages(), free_before);
}

static void test_bad_images_and_vmids(void **state)
{
	(void)state;
	struct build b = {0};

	/* Not a RISC-V Image. */
	small_kernel[0x38] = 'X';
	build_archive(&b, WITH_ALL);
	vms_create_from_archive(archive, archive_len);
	assert_int_equal(num_vms, 1);
	assert_non_null(strstr(fake_printed,
			       "VM \"bare1\" not started: file \"hello.bin\": "
			       "bad magic: not a RISC-V Image"));

	/* One VMID bit: VMID 1 only (0 is the hypervisor's). */
	setup(NULL);
	hv_features.vmid_bits = 1;
	build_archive(&b, WITH_ALL);
	vms_create_from_archive(archive, archive_len);
	assert_int_equal(num_vms, 1);
	assert_non_null(strstr(fake_printed, "VM \"bare1\" not started: no "
					     "VMID left (the hart has 1 VMID "
					     "bits)"));
}

/* A reboot (not from one of its vCPUs here: at once) reloads the images
 * from the boot archive into zeroed RAM, with a DTB that counts the
 * boot, and starts vCPU 0 at the entry again; the other VM keeps its
 * RAM as it was. */
/* A VM's /chosen/rng-seed, copied out (64 bytes), or fail. */
static void guest_rng_seed(struct vm *vm, uint8_t out[64])
{
	const void *fdt = guest_ptr(vm, vm->vcpus[0].boot_opaque);
	int len = 0;
	const void *seed = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
				       "rng-seed", &len);

	assert_non_null(seed);
	assert_int_equal(len, 64);
	memcpy(out, seed, 64);
}

static void test_reboot_reloads_from_the_archive(void **state)
{
	static const uint8_t host_seed[32] = {1, 2, 3, 4, 5, 6, 7, 8};
	uint8_t seed0[64], seed1[64], seed0_again[64];
	(void)state;
	struct build b = {0};

	assert_true(entropy_seed(host_seed, sizeof(host_seed), 99));
	build_archive(&b, WITH_ALL);
	vms_create_from_archive(archive, archive_len);
	assert_int_equal(num_vms, 2);
	struct vm *linux0 = &vms[0], *bare1 = &vms[1];
	uint64_t entry = GUEST_RAM_BASE + KERNEL_TEXT_OFFSET;
	uint8_t *scribble = guest_ptr(linux0, GUEST_RAM_BASE + 0x1000);
	uint8_t *kernel_copy = guest_ptr(linux0, entry);
	uint8_t *other = guest_ptr(bare1, GUEST_RAM_BASE + 0x1000);
	hpa_t ram = linux0->ram_host;

	/* Each VM its own seed, and each start of a VM a new one. */
	guest_rng_seed(linux0, seed0);
	guest_rng_seed(bare1, seed1);
	assert_memory_not_equal(seed0, seed1, 64);
	memset(scribble, 0x77, 4096);
	memset(kernel_copy, 0x66, 64); /* the old instance changed its text */
	memset(other, 0x55, 16);
	guest_run_hart(0);
	vm_reboot(linux0, "cold reboot", "none");
	/* Its RAM is cleared a step at a time, at hart 0's deferred calls
	 * (hv/vm/reboot.c): the hart's turns, until the VM runs again. */
	unsigned steps = 0;

	while (!vm_is_running(linux0) && steps < 1000) {
		fake_step(0);
		steps++;
	}
	assert_int_equal(steps, (linux0->ram_size - 1) / vm_reboot_clear_step);
	assert_true(vm_is_running(linux0));
	assert_int_equal(linux0->boots, 1);
	assert_int_equal(linux0->ram_host.val, ram.val); /* same block */
	assert_int_equal(scribble[0], 0);
	assert_int_equal(scribble[4095], 0);
	assert_memory_equal(kernel_copy, kernel, sizeof(kernel));
	assert_int_equal(other[15], 0x55);
	assert_int_equal(linux0->vcpus[0].state, VCPU_RUNNABLE);
	assert_int_equal(linux0->vcpus[0].boot_addr, entry);
	for (unsigned i = 1; i < 4; i++)
		assert_int_equal(linux0->vcpus[i].state, VCPU_OFFLINE);
	const void *fdt = guest_ptr(linux0, linux0->vcpus[0].boot_opaque);
	int chosen = fdt_path_offset(fdt, "/chosen");
	const fdt32_t *boot =
		fdt_getprop(fdt, chosen, "hartvisor,boot-count", NULL);

	assert_non_null(boot);
	assert_int_equal(fdt32_to_cpu(*boot), 2);
	guest_rng_seed(linux0, seed0_again);
	assert_memory_not_equal(seed0, seed0_again, 64);
	assert_memory_not_equal(seed1, seed0_again, 64);
	assert_non_null(strstr(fake_printed, "VM \"linux0\" restarted (boot "
					     "2)"));
}

/* Nothing starts without a usable archive, config or scheduler. */
static void test_no_vm_without_a_config(void **state)
{
	(void)state;
	struct build b = {0};
	static const struct override bad_scheduler = {
		NODE_HYPERVISOR, {"scheduler", STR("fastest")}};

	vms_create_from_archive(NULL, 0);
	assert_int_equal(num_vms, 0);
	archive_len = 0;
	add_file("Image", kernel, sizeof(kernel));
	add_file("TRAILER!!!", "", 0);
	vms_create_from_archive(archive, archive_len);
	assert_non_null(strstr(fake_printed, "boot archive: no config.dtb "
					     "in it"));
	vms_create_from_archive("070701zz", 8);
	assert_non_null(strstr(fake_printed, "malformed cpio archive"));
	b.no_vms_node = true;
	build_archive(&b, WITH_ALL);
	vms_create_from_archive(archive, archive_len);
	assert_non_null(strstr(fake_printed, "config.dtb: "));
	b = (struct build){.overrides = {bad_scheduler}};
	build_archive(&b, WITH_ALL);
	vms_create_from_archive(archive, archive_len);
	assert_non_null(strstr(fake_printed, "scheduler \"fastest\" is "
					     "unknown; no VM started"));
	assert_int_equal(num_vms, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vms_are_built_and_boot, setup),
		cmocka_unit_test_setup(test_a_bad_vm_is_left_out, setup),
		cmocka_unit_test_setup(test_bad_images_and_vmids, setup),
		cmocka_unit_test_setup(test_a_stopped_vm_gives_its_memory_back,
				       setup),
		cmocka_unit_test_setup(test_reboot_reloads_from_the_archive,
				       setup),
		cmocka_unit_test_setup(test_no_vm_without_a_config, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
