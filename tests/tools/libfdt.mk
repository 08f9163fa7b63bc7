# libfdt for the target, compiled freestanding from the libfdt sources in
# Debian's linux-source-6.1 tarball. Only the sources are extracted, into
# the build tree; nothing of them is committed.
LINUX_SOURCE_TAR ?= /usr/src/linux-source-6.1.tar.xz
LIBFDT_DIR := $(BUILD)/libfdt
LIBFDT_A := $(LIBFDT_DIR)/libfdt.a
LIBFDT_NAMES := fdt fdt_ro fdt_wip fdt_sw fdt_rw fdt_strerror fdt_empty_tree \
	fdt_addresses fdt_overlay
# -fno-strict-overflow, as the kernel builds libfdt: its offsets are ints,
# and a hostile blob (a property length near 2^31) makes fdt_next_tag's
# sum wrap before its bounds check rejects the result. Wrapping is then
# defined, and the check does its work (tests/fuzz found it).
LIBFDT_SAFETY := -fno-strict-overflow
LIBFDT_CFLAGS := $(HV_ARCH) -O2 -ffreestanding -fno-common -fno-builtin-malloc \
	$(LIBFDT_SAFETY) -specs=$(PICOLIBC_SPECS) -I$(LIBFDT_DIR)/include

$(LIBFDT_DIR)/.extracted: | deps
	@mkdir -p $(LIBFDT_DIR)/src $(LIBFDT_DIR)/include
	@echo "  EXTRACT libfdt from $(LINUX_SOURCE_TAR)"
	$(Q)tar -xJf $(LINUX_SOURCE_TAR) -C $(LIBFDT_DIR)/src --strip-components=4 \
		--wildcards 'linux-source-6.1/scripts/dtc/libfdt/*'
	$(Q)cp $(LIBFDT_DIR)/src/libfdt.h $(LIBFDT_DIR)/src/fdt.h \
		$(LIBFDT_DIR)/src/libfdt_env.h $(LIBFDT_DIR)/include/
	$(Q)touch $@

$(LIBFDT_A): $(LIBFDT_DIR)/.extracted tests/tools/libfdt.mk
	@echo "  CC      libfdt (target)"
	$(Q)set -e; for n in $(LIBFDT_NAMES); do \
		$(CC) $(LIBFDT_CFLAGS) -I$(LIBFDT_DIR)/src -c \
			-o $(LIBFDT_DIR)/$$n.o $(LIBFDT_DIR)/src/$$n.c; done
	$(Q)$(CROSS)ar rcs $@ $(addprefix $(LIBFDT_DIR)/,$(addsuffix .o,$(LIBFDT_NAMES)))

libfdt: $(LIBFDT_A)
