# hartvisor top-level Makefile.
#
#   make            build build/hartvisor.elf, the test guests and configs
#   make run        install missing packages, build, boot SMP Linux (see README)
#   make test       install missing packages, build, run every test
#   make bench      benchmarks against native QEMU (perf/)
#   make format-check / make format
#
# Host unit tests: every tests/unit/*.mk adds a test; see tests/unit/README.md.

BUILD ?= build
CROSS ?= riscv64-unknown-elf-
CC := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
HOSTCC ?= gcc
V ?= 0
Q := $(if $(filter 1,$(V)),,@)

PICOLIBC_SPECS := /usr/lib/picolibc/riscv64-unknown-elf/picolibc.specs
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes
HV_ARCH := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
CFLAGS := $(HV_ARCH) $(WARNINGS) -std=gnu11 -O2 -g -ffreestanding \
	-fno-common -fno-strict-aliasing \
	-specs=$(PICOLIBC_SPECS) -Ihv/include -Ihv/arch/riscv/include -I. -I$(BUILD)/libfdt/include \
	-MMD -MP
# Debug builds (the default; DEBUG=0 for a release build) check each
# hart's stack guard (hv/include/hv/stack_guard.h).
DEBUG ?= 1
CFLAGS += $(if $(filter 1,$(DEBUG)),-DHV_DEBUG)
# Stack budget, checked at every build of the hypervisor
# (tests/tools/check-stack-usage.py over GCC's call graph): no frame above
# STACK_FRAME_BUDGET bytes (the guard's size, so no frame can step over
# it), no call chain above STACK_DEPTH_BUDGET (a 16 KiB stack, less the
# guard and room for libc/libfdt leaves that have no call graph).
STACK_FRAME_BUDGET ?= 1024
STACK_DEPTH_BUDGET ?= 12288
CFLAGS += -fcallgraph-info=su
# Multilib selection matches plain rv64imac/lp64 (picolibc has no _zicsr dir).
LDFLAGS := -march=rv64imac -mabi=lp64 -mcmodel=medany -specs=$(PICOLIBC_SPECS) -nostartfiles -static \
	-Wl,--gc-sections -T hv/arch/riscv/hartvisor.ld -Wl,--no-warn-rwx-segments

# Generic code (every hv/ folder but arch/), the RISC-V arch, the scheduler,
# drivers and the gdb stub. hv/arch/fake is the host tests' arch.
HV_GENERIC_DIRS := core mm vcpu exit sbi sbi/ext vdev vm loader platform
HV_SRCS := $(wildcard $(addsuffix /*.c,$(addprefix hv/,$(HV_GENERIC_DIRS))) \
	hv/arch/riscv/*.c sched/*.c drivers/*.c gdbstub/*.c) \
	$(wildcard hv/arch/riscv/*.S)
HV_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(HV_SRCS))

.PHONY: all hv deps run gdb test unit integration bench format format-check clean \
	guests configs libfdt
all: hv guests configs

include tests/tools/deps.mk
include tests/tools/libfdt.mk

hv: $(BUILD)/hartvisor.elf $(BUILD)/stack-usage.txt
$(BUILD)/hartvisor.elf: $(HV_OBJS) $(LIBFDT_A) hv/arch/riscv/hartvisor.ld
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $(HV_OBJS) $(LIBFDT_A) -lc -lgcc

# One compile writes both the object and its call graph (-fcallgraph-info).
$(BUILD)/obj/%.c.o $(BUILD)/obj/%.c.ci: %.c | $(LIBFDT_A)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) -c -o $(basename $@).o $<

# The report stays only when the budget holds, so a failure fails again.
HV_CALLGRAPHS = $(patsubst %.c.o,%.c.ci,$(filter %.c.o,$(HV_OBJS)))
$(BUILD)/stack-usage.txt: $(HV_OBJS) $(HV_CALLGRAPHS) \
		tests/tools/check-stack-usage.py
	@echo "  STACK   $@"
	$(Q)tests/tools/check-stack-usage.py $(STACK_FRAME_BUDGET) \
		$(STACK_DEPTH_BUDGET) $@.tmp $(HV_CALLGRAPHS) && mv $@.tmp $@

# memset and memcpy themselves: GCC must not turn their loops back into
# calls to memset and memcpy (hv/core/string.c).
$(BUILD)/obj/hv/core/string.c.o: CFLAGS += -fno-tree-loop-distribute-patterns

# The FP save/restore routines are the only hypervisor code that touches
# FP registers (guest state); they are assembled with D enabled.
$(BUILD)/obj/hv/arch/riscv/fp.S.o: CFLAGS += -march=rv64imafdc_zicsr_zifencei
$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

-include $(HV_OBJS:.o=.d)

# Guests, VM configs, the Linux guest recipe and the tests add their rules.
include guests/baremetal/guests.mk
include guests/configs/configs.mk
include guests/linux/linux.mk
include tests/tools/unit.mk
include tests/fuzz/fuzz.mk
include tests/integration/integration.mk
include perf/perf.mk

# make run: SMP Linux under hartvisor, interactive (see README).
#   VCPUS      vCPUs of each Linux VM (default 4)
#   HARTS      physical harts of the QEMU machine (default 4)
#   VMS        number of Linux VMs (default 1; 2 adds a second VM)
#   MEM        MiB of RAM per VM (default 256)
#   SSTC       0 runs on harts without Sstc (the SBI timer path)
#   BOOTARGS   extra kernel command line
#   SCHEDULER  the scheduling policy (fair, round-robin)
VCPUS ?= 4
HARTS ?= 4
VMS ?= 1
MEM ?= 256
SSTC ?= 1
BOOTARGS ?=
SCHEDULER ?= fair
RUN_DIR := $(BUILD)/run
comma := ,
HV_QEMU_CPU := rv64,h=true$(if $(filter 0,$(SSTC)),$(comma)sstc=false)

run: deps
	$(Q)$(MAKE) --no-print-directory hv linux-guest
	$(Q)SCHEDULER=$(SCHEDULER) guests/linux/make-config.sh $(RUN_DIR) \
		$(VMS) $(VCPUS) $(MEM) "console=ttyS0 $(BOOTARGS)"
	@echo "hartvisor: $(VMS) Linux VM(s) x $(VCPUS) vCPUs on $(HARTS) harts." \
		"Ctrl-] n: next VM's console; Ctrl-A x: quit QEMU."
	$(Q)qemu-system-riscv64 -M virt -cpu $(HV_QEMU_CPU) -smp $(HARTS) -m 2G \
		-nographic -bios default -kernel $(BUILD)/hartvisor.elf \
		-initrd $(RUN_DIR)/boot.cpio

# make gdb: the same Linux VM with the gdb stub on a local TCP port and
# gdb-multiarch attached, with the kernel's symbols (see README).
gdb: deps
	$(Q)$(MAKE) --no-print-directory hv linux-guest linux-symbols
	$(Q)guests/linux/make-config.sh $(BUILD)/gdb-config 1 $(VCPUS) $(MEM) \
		"console=ttyS0 $(BOOTARGS)"
	$(Q)guests/linux/gdb.sh $(BUILD) $(HARTS) $(BUILD)/gdb-config/boot.cpio

test: deps
	$(Q)$(MAKE) --no-print-directory all linux-guest linux-symbols
	$(Q)tests/tools/run-all-tests.sh

# Every C file of the checkout, tracked or not (git ls-files would miss a
# new one); none found is an error, not an empty, passing check.
FORMAT_SRCS = $(shell find $(FORMAT_DIRS) -name '*.[ch]' 2>/dev/null)
FORMAT_DIRS = hv sched gdbstub drivers guests tests perf
format-check:
	$(Q)[ -n "$(strip $(FORMAT_SRCS))" ] || { echo "format: no C files found" >&2; exit 1; }
	$(Q)clang-format --dry-run --Werror $(FORMAT_SRCS) && echo "format: ok"
format:
	$(Q)clang-format -i $(FORMAT_SRCS)

clean:
	rm -rf $(BUILD)/obj $(BUILD)/hartvisor.elf $(BUILD)/unit $(BUILD)/guests $(BUILD)/configs
