// SPDX-License-Identifier: MIT
/*
 * Building VMs from the boot archive (QEMU -initrd): a newc cpio holding
 * config.dtb and the images it names. Any error in one VM's part of the
 * config or its images is reported with the VM's name and the file, and
 * only that VM is left out; the others start.
 *
 * Lock order: reload_lock, then entropy_lock (load_images fills the
 * guest's DTB seeds with entropy_fill) and a VM's device_lock never
 * together with it (vdev_init runs before).
 */
#include <stdio.h>
#include <string.h>
#include <hv/console.h>
#include <hv/cpio.h>
#include <hv/entropy.h>
#include <hv/errno.h>
#include <hv/guest_fdt.h>
#include <hv/guest_mem.h>
#include <hv/image.h>
#include <hv/page_alloc.h>
#include <hv/platform.h>
#include <hv/printk.h>
#include <hv/sbi.h>
#include <hv/vdev.h>
#include <hv/vm.h>
#include <hv/vm_memory.h>
#include <hv/vmid.h>
#include <arch/arch.h>

#define CONFIG_FILE "config.dtb"
#define GUEST_FDT_SIZE (64 * 1024)

extern struct arch_features hv_features;
static struct hv_config config;
/* libfdt wants 8-byte alignment; cpio only gives 4. */
static uint64_t config_blob[64 * 1024 / 8];
static uint8_t fdt_scratch[GUEST_FDT_SIZE] __attribute__((aligned(8)));
static unsigned next_hart; /* round-robin placement of unpinned vCPUs */
/* The boot archive stays in reserved memory: a reboot reloads from it. */
static const void *boot_archive;
static size_t boot_archive_size;
static spinlock_t reload_lock = SPINLOCK_INIT; /* fdt_scratch is shared */

static int resolve_sbi_switches(struct vm *vm, char *err, size_t err_len)
{
	for (unsigned i = 0; i < vm->config->num_sbi_disabled; i++) {
		int index = sbi_extension_index(vm->config->sbi_disabled[i]);

		if (index < 0) {
			snprintf(err, err_len,
				 "sbi-disable: unknown or mandatory extension "
				 "\"%s\"",
				 vm->config->sbi_disabled[i]);
			return HV_EINVAL;
		}
		vm->sbi_disabled |= 1UL << index;
	}
	return HV_OK;
}

static int find_file(const void *archive, size_t size, const char *name,
		     struct cpio_file *file, char *err, size_t err_len)
{
	int ret = cpio_find(archive, size, name, file);

	if (ret)
		snprintf(err, err_len, "file \"%s\": %s in the boot archive",
			 name, ret == HV_ENOENT ? "not found" : "malformed");
	return ret;
}

/* Random bytes for each start of a VM (as many as QEMU's firmware seed,
 * twice over): enough for Linux to count its RNG ready at once. */
#define GUEST_RNG_SEED_BYTES 64

static int build_fdt(struct vm *vm, const struct boot_layout *layout,
		     uint64_t initrd_size, char *err, size_t err_len)
{
	char isa[PLATFORM_ISA_MAX];
	uint8_t seed[GUEST_RNG_SEED_BYTES];
	bool seeded = entropy_fill(seed, sizeof(seed)) == HV_OK;
	struct guest_fdt_params params = {
		.vm_name = vm->name,
		.num_vcpus = vm->num_vcpus,
		.ram_base = vm->ram_base.val,
		.ram_size = vm->ram_size,
		.timebase_frequency = platform.timebase_frequency,
		.isa = isa,
		.mmu_type = platform.mmu_type,
		.bootargs = vm->config->bootargs,
		.initrd_start = initrd_size ? layout->initrd.val : 0,
		.initrd_end =
			initrd_size ? layout->initrd.val + initrd_size : 0,
		.plic_base = GUEST_PLIC_BASE,
		.plic_size = VPLIC_MMIO_SIZE,
		.plic_num_sources = GUEST_PLIC_SOURCES,
		.uart_base = GUEST_UART_BASE,
		.uart_size = VUART_MMIO_SIZE,
		.uart_irq = GUEST_UART_IRQ,
		.uart_clock_frequency = VUART_CLOCK_HZ,
		.boot_count = vm->boots + 1,
		.rng_seed = seeded ? seed : NULL,
		.rng_seed_len = seeded ? sizeof(seed) : 0,
	};
	int ret = HV_OK;

	if (guest_isa_filter(platform.isa, hv_features.sstc, isa,
			     sizeof(isa)) ||
	    guest_fdt_build(fdt_scratch, sizeof(fdt_scratch), &params)) {
		snprintf(err, err_len, "cannot build the guest device tree");
		ret = HV_EFAIL;
	} else if (guest_mem_write(vm, layout->fdt, fdt_scratch,
				   sizeof(fdt_scratch))) {
		/* The layout was planned inside RAM; a failure here is a
		 * bug in the plan, reported rather than leaving the VM half
		 * loaded. */
		snprintf(err, err_len, "the guest device tree is outside RAM");
		ret = HV_ERANGE;
	}
	/* The seed is the guest's alone: no copy stays behind. */
	secret_wipe(seed, sizeof(seed));
	secret_wipe(fdt_scratch, sizeof(fdt_scratch));
	return ret;
}

static int load_images(struct vm *vm, const void *archive, size_t size,
		       gpa_t *entry, gpa_t *fdt, char *err, size_t err_len)
{
	struct cpio_file kernel, initrd = {0};
	struct boot_layout_request req = {0};
	struct boot_layout layout;
	char why[128];
	int ret;

	ret = find_file(archive, size, vm->config->kernel, &kernel, err,
			err_len);
	if (ret)
		return ret;
	if (image_parse_header(kernel.data, kernel.size, &req.kernel, why,
			       sizeof(why))) {
		snprintf(err, err_len, "file \"%s\": %s", vm->config->kernel,
			 why);
		return HV_EFORMAT;
	}
	if (vm->config->initrd[0]) {
		ret = find_file(archive, size, vm->config->initrd, &initrd, err,
				err_len);
		if (ret)
			return ret;
	}
	req.ram_base = vm->ram_base.val;
	req.ram_size = vm->ram_size;
	req.kernel_file_size = kernel.size;
	req.initrd_size = initrd.size;
	req.fdt_size = GUEST_FDT_SIZE;
	if (image_plan_layout(&req, &layout, why, sizeof(why))) {
		snprintf(err, err_len, "file \"%s\": %s", vm->config->kernel,
			 why);
		return HV_ERANGE;
	}
	if (guest_mem_write(vm, layout.kernel, kernel.data, kernel.size) ||
	    (initrd.size &&
	     guest_mem_write(vm, layout.initrd, initrd.data, initrd.size))) {
		snprintf(err, err_len, "file \"%s\": image outside guest RAM",
			 vm->config->kernel);
		return HV_ERANGE;
	}
	*entry = layout.kernel;
	*fdt = layout.fdt;
	return build_fdt(vm, &layout, initrd.size, err, err_len);
}

/* The cpus of the VM's "harts" set (all online ones without it). */
static int allowed_by_vm(struct vm *vm, unsigned long online,
			 unsigned long *allowed, char *err, size_t err_len)
{
	const struct vm_config *vm_config = vm->config;

	*allowed = vm_config->num_harts ? 0 : online;
	for (unsigned i = 0; i < vm_config->num_harts; i++) {
		struct cpu *cpu = cpu_by_hartid(vm_config->harts[i]);

		if (!cpu || !cpu->online) {
			snprintf(err, err_len, "harts: hart %u is not online",
				 vm_config->harts[i]);
			return HV_EINVAL;
		}
		*allowed |= 1UL << cpu->index;
	}
	return HV_OK;
}

/*
 * Where each vCPU may run and where it starts: a vCPU with a hart-affinity
 * is allowed on that hart only; the others may run on every hart of the
 * VM's set and start round-robin over them.
 */
static int place_vcpus(struct vm *vm, char *err, size_t err_len)
{
	unsigned long online = 0, allowed;
	int ret;

	for (unsigned i = 0; i < HV_MAX_HARTS; i++)
		if (cpus[i].online)
			online |= 1UL << i;
	ret = allowed_by_vm(vm, online, &allowed, err, err_len);
	if (ret)
		return ret;
	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		uint32_t want = vm->config->hart_affinity[i];
		struct cpu *cpu;

		if (want != VM_AFFINITY_ANY) {
			cpu = cpu_by_hartid(want);
			if (!cpu || !cpu->online) {
				snprintf(err, err_len,
					 "hart-affinity: hart %u is not online",
					 want);
				return HV_EINVAL;
			}
			vcpu->allowed_cpus = 1UL << cpu->index;
		} else {
			unsigned index;

			do {
				index = next_hart++ % HV_MAX_HARTS;
			} while (!(allowed & (1UL << index)));
			cpu = &cpus[index];
			vcpu->allowed_cpus = allowed;
		}
		vcpu->cpu = cpu;
	}
	vm->sched.weight =
		vm->config->weight ? vm->config->weight : SCHED_WEIGHT_DEFAULT;
	vm->sched.latency_us = vm->config->latency_us;
	if (sched_set_vm_cap(vm, vm->config->cpu_cap_percent)) {
		snprintf(err, err_len,
			 "cpu-cap-percent: %u is more than 100 per online hart",
			 vm->config->cpu_cap_percent);
		return HV_ERANGE;
	}
	return HV_OK;
}

static void init_vcpus(struct vm *vm, gpa_t entry, gpa_t fdt)
{
	for (unsigned i = 0; i < vm->num_vcpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		struct cpu *cpu = vcpu->cpu;

		vcpu->vm = vm;
		vcpu->id = i;
		arch_vcpu_reset(&vcpu->arch, entry.val, i, fdt.val);
		arch_vcpu_set_stage2(&vcpu->arch, vm->hgatp, vm->htimedelta,
				     hv_features.sstc);
		vcpu->timer_deadline = UINT64_MAX;
		vcpu->state = VCPU_OFFLINE;
		sched_attach_vcpu(vcpu, cpu);
	}
	/* gdb-wait: held at the first instruction until gdb attaches (the
	 * stub takes over this pause, or lets it go if it has no UART). */
	if (vm->config->gdb_wait)
		vm_pause_begin(vm);
	/* The boot vCPU starts like an HSM start at the kernel entry. */
	sbi_hsm_hart_start(vm, 0, entry.val, fdt.val);
}

/* vm_ops.reload: the devices as at power-on, the images as at boot. */
static int reload_from_archive(struct vm *vm, gpa_t *entry, gpa_t *fdt,
			       char *err, size_t err_len)
{
	int ret;

	spin_lock(&vm->device_lock);
	vdev_init(vm);
	spin_unlock(&vm->device_lock);
	/* Another VM's reload copies its images (tens of MiB) under the
	 * lock: wait serving this hart's messages and timer, as the reboot
	 * steps do, so that its other vCPUs and other harts keep going. */
	while (!spin_trylock(&reload_lock))
		cpu_relax_serving();
	ret = load_images(vm, boot_archive, boot_archive_size, entry, fdt, err,
			  err_len);
	spin_unlock(&reload_lock);
	return ret;
}

static void release_after_run(struct vm *vm)
{
	vm_memory_release(vm, true);
}

static const struct vm_ops boot_archive_ops = {
	.reload = reload_from_archive,
	.release = release_after_run,
};

/* Not inlined: its helpers' locals would add to its caller's frame
 * (the stack budget, tests/tools/check-stack-usage.py). */
static __attribute__((noinline)) int vm_create(struct vm *vm,
					       const void *archive, size_t size,
					       char *err, size_t err_len)
{
	gpa_t entry, fdt;
	int ret;

	snprintf(vm->name, sizeof(vm->name), "%s", vm->config->name);
	vm->num_vcpus = vm->config->num_vcpus;
	ret = resolve_sbi_switches(vm, err, err_len);
	if (!ret)
		ret = place_vcpus(vm, err, err_len);
	if (!ret)
		ret = vm_memory_setup(vm, err, err_len);
	if (!ret)
		ret = load_images(vm, archive, size, &entry, &fdt, err,
				  err_len);
	if (ret) {
		vm_memory_release(vm, false); /* it never ran */
		return ret;
	}
	vdev_init(vm);
	vm->ops = &boot_archive_ops;
	/* The guest clock starts at 0 when the VM is powered on, after its
	 * images are loaded, as a machine's does at reset. */
	vm->htimedelta = -arch_time_now();
	vm->status = VM_RUNNING;
	init_vcpus(vm, entry, fdt);
	return HV_OK;
}

static bool load_config(const void *archive, size_t size)
{
	struct cpio_file file;
	char err[200];
	int ret = cpio_find(archive, size, CONFIG_FILE, &file);

	if (ret || file.size > sizeof(config_blob)) {
		hv_info("boot archive: %s",
			ret == HV_ENOENT ? "no " CONFIG_FILE " in it"
			: ret		 ? "malformed cpio archive"
					 : CONFIG_FILE " is too large");
		return false;
	}
	memcpy(config_blob, file.data, file.size);
	if (vmconfig_parse(config_blob, file.size, &config, err, sizeof(err))) {
		hv_info("%s: %s", CONFIG_FILE, err);
		return false;
	}
	return true;
}

void vms_create_from_archive(const void *archive, size_t size)
{
	char err[200];

	if (!archive || !load_config(archive, size))
		return;
	boot_archive = archive;
	boot_archive_size = size;
	vmid_init();
	if (sched_configure(config.scheduler,
			    config.time_slice_us * platform.timebase_frequency /
				    1000000)) {
		hv_info("%s: node \"hypervisor\": scheduler \"%s\" is unknown; "
			"no VM started",
			CONFIG_FILE, config.scheduler);
		return;
	}
	/* Before any vCPU runs; read by every hart at each wfi. */
	sched_wait_in_place_enabled = !config.wfi_always_blocks;
	sched_wfi_in_guest_enabled = !config.wfi_always_exits;
	if (config.wfi_always_blocks)
		hv_info("wfi-always-blocks: every wfi blocks its vCPU");
	else if (config.wfi_always_exits)
		hv_info("wfi-always-exits: every wfi exits to the hypervisor");
	hv_info("scheduler: %s, %llu us slices", config.scheduler,
		(unsigned long long)config.time_slice_us);
	for (unsigned i = 0; i < config.num_vms; i++) {
		struct vm *vm = &vms[num_vms];

		memset(vm, 0, sizeof(*vm));
		vm->index = num_vms;
		vm->config = &config.vms[i];
		int ret = vm_create(vm, archive, size, err, sizeof(err));

		if (ret) {
			hv_info("VM \"%s\" not started: %s [%s]",
				config.vms[i].name, err, hv_strerror(ret));
			continue;
		}
		if (vm->config->console_focus)
			console_set_focus(vm->index);
		num_vms++;
		hv_info("VM \"%s\": %u vCPU(s), %llu MiB, kernel \"%s\"%s%s",
			vm->name, vm->num_vcpus,
			(unsigned long long)(vm->ram_size >> 20),
			vm->config->kernel,
			vm->config->initrd[0] ? ", initrd " : "",
			vm->config->initrd);
	}
	console_set_num_vms(num_vms);
}
