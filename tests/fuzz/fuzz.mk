# Host fuzzing with libFuzzer, under ASan and UBSan (clang).
#
#   make fuzz [FUZZ_SECONDS=60]        every fuzzer, FUZZ_SECONDS each
#   make fuzz-NAME [FUZZ_SECONDS=60]   one of them:
#     gdb        the gdb protocol layer (gdbstub/)
#     mmio       the MMIO instruction decoder (raw and htinst forms)
#     vmconfig   the VM-config parser (a DTB from the boot archive)
#     cpio       the boot archive reader
#     image      the Linux Image header and the boot layout
#     platform   the host DTB parser
#     guest-fdt  the guest's riscv,isa filter and DTB builder
#     vplic      vPLIC register sequences and interrupt lines
#     vuart      vUART register sequences and console input
#     sbi        SBI calls with random eid/fid/arguments on the fake machine
#
# Each fuzzer starts from its seed corpus in tests/fuzz/corpus/NAME/ (read
# only) and keeps what it finds in $(BUILD)/fuzz/corpus-NAME/. A crash, a
# leak, a UB report or a timeout stops it with a non-zero status and
# leaves the input in $(BUILD)/fuzz/crash-* (or leak-*, timeout-*); a
# clean run ends with "fuzz-NAME: ok". Replay one input with
# $(BUILD)/fuzz/fuzz_NAME FILE.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer $(FUZZ_SANITIZE) \
	$(WARNINGS) -Ihv/include -I.
FUZZ_NAMES := gdb mmio vmconfig cpio image platform guest-fdt vplic vuart sbi

# libfdt from the same sources as the target's (tests/tools/libfdt.mk),
# instrumented too, so the fuzzers see (and check) its paths.
FUZZ_LIBFDT := $(BUILD)/fuzz/libfdt.a
FUZZ_FDT_CFLAGS := -I$(LIBFDT_DIR)/src
$(FUZZ_LIBFDT): $(LIBFDT_DIR)/.extracted tests/fuzz/fuzz.mk tests/tools/libfdt.mk
	@mkdir -p $(BUILD)/fuzz/libfdt
	@echo "  FUZZCC  libfdt (host, instrumented)"
	$(Q)set -e; for n in $(LIBFDT_NAMES); do \
		$(FUZZ_CC) -g -O1 -fsanitize=fuzzer-no-link $(FUZZ_SANITIZE) \
			$(LIBFDT_SAFETY) \
			-I$(LIBFDT_DIR)/src -c -o $(BUILD)/fuzz/libfdt/$$n.o \
			$(LIBFDT_DIR)/src/$$n.c; done
	$(Q)ar rcs $@ $(addprefix $(BUILD)/fuzz/libfdt/,$(addsuffix .o,$(LIBFDT_NAMES)))

# Per fuzzer: its sources, extra flags and libraries, the longest input.
fuzz_gdb_SRCS := tests/fuzz/fuzz_gdb_session.c gdbstub/rsp.c \
	gdbstub/session.c $(sort $(wildcard gdbstub/packets_*.c))
fuzz_gdb_MAXLEN := 12288 # longer than a packet (4 KiB): overflows too
fuzz_mmio_SRCS := tests/fuzz/fuzz_mmio.c hv/exit/mmio_decode.c
fuzz_mmio_MAXLEN := 12
fuzz_vmconfig_SRCS := tests/fuzz/fuzz_vmconfig.c hv/loader/vmconfig.c \
	hv/loader/vmconfig_props.c hv/loader/vmconfig_sched.c
fuzz_vmconfig_FLAGS := $(FUZZ_FDT_CFLAGS)
fuzz_vmconfig_LIBS := $(FUZZ_LIBFDT)
fuzz_vmconfig_MAXLEN := 8192
fuzz_cpio_SRCS := tests/fuzz/fuzz_cpio.c hv/loader/cpio.c
fuzz_cpio_MAXLEN := 4096
fuzz_image_SRCS := tests/fuzz/fuzz_image.c hv/loader/image.c
fuzz_image_MAXLEN := 160
fuzz_platform_SRCS := tests/fuzz/fuzz_platform.c hv/platform/platform.c
fuzz_platform_FLAGS := $(FUZZ_FDT_CFLAGS)
fuzz_platform_LIBS := $(FUZZ_LIBFDT)
fuzz_platform_MAXLEN := 16384
fuzz_guest-fdt_SRCS := tests/fuzz/fuzz_guest_fdt.c hv/loader/guest_fdt.c
fuzz_guest-fdt_FLAGS := $(FUZZ_FDT_CFLAGS)
fuzz_guest-fdt_LIBS := $(FUZZ_LIBFDT)
fuzz_guest-fdt_MAXLEN := 1024
fuzz_vplic_SRCS := tests/fuzz/fuzz_vplic.c hv/vdev/vplic.c
fuzz_vplic_MAXLEN := 4096
fuzz_vuart_SRCS := tests/fuzz/fuzz_vuart.c hv/vdev/vuart.c
fuzz_vuart_MAXLEN := 4096
# The SBI layer as the host tests run it (tests/unit/test_sbi_ecall.mk).
fuzz_sbi_SRCS = tests/fuzz/fuzz_sbi.c $(SBI_TEST_SRCS)
fuzz_sbi_FLAGS := -Ihv/arch/fake/include -Itests/unit -DHV_HOST_TEST
fuzz_sbi_LIBS := -lcmocka
fuzz_sbi_MAXLEN := 1024

.PHONY: fuzz fuzz-names $(addprefix fuzz-,$(FUZZ_NAMES))
fuzz: $(addprefix fuzz-,$(FUZZ_NAMES))
# For tests/tools/run-fuzz-short.sh.
fuzz-names:
	@echo $(FUZZ_NAMES)

define fuzz_rules
$(BUILD)/fuzz/fuzz_$(1): $$(fuzz_$(1)_SRCS) $$(filter %.a,$$(fuzz_$(1)_LIBS)) \
		$$(wildcard hv/include/hv/*.h gdbstub/*.h tests/unit/*.h)
	@mkdir -p $$(dir $$@)
	@echo "  FUZZCC  $$@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $$(fuzz_$(1)_FLAGS) $$(fuzz_$(1)_SRCS) \
		$$(fuzz_$(1)_LIBS) -o $$@

fuzz-$(1): $(BUILD)/fuzz/fuzz_$(1)
	@mkdir -p $(BUILD)/fuzz/corpus-$(1)
	$(Q)cd $(BUILD)/fuzz && ./fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) \
		-max_len=$$(fuzz_$(1)_MAXLEN) -timeout=10 -print_final_stats=1 \
		corpus-$(1) $(CURDIR)/tests/fuzz/corpus/$(1) \
		2>fuzz-$(1).log || \
		{ tail -40 fuzz-$(1).log; \
		  echo "fuzz-$(1): FAILED (see $(BUILD)/fuzz/)"; exit 1; }
	$(Q)grep -E '^(Done|stat::number_of_executed_units|#[0-9]+.*DONE)' \
		$(BUILD)/fuzz/fuzz-$(1).log | tail -2; echo "fuzz-$(1): ok"
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call fuzz_rules,$(f))))
