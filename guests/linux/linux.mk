# The Linux guest: Debian's riscv64 kernel and a busybox-static initramfs.
# Included by the top-level Makefile.
#
#   make linux-guest         build/linux/Image and build/linux/initramfs.cpio.gz
#                            (also as build/guests/linux-Image and
#                            build/guests/linux-initramfs.cpio.gz)
#   make linux-symbols       build/linux/vmlinux: the kernel with debug info,
#                            from its -dbg package (about 1 GB, once)
#   make linux-versions      print the Debian package versions in use
#   make linux-native-shell  boot it natively (no hypervisor) to a shell
#   make linux-native-smp    run the smp test natively and check its output
#
# The packages are downloaded once (build/linux/fetch.stamp); delete
# build/linux to fetch again. See guests/linux/fetch.sh.

LINUX_DIR := $(BUILD)/linux
LINUX_CROSS ?= riscv64-linux-gnu-
LINUX_IMAGE := $(LINUX_DIR)/Image
LINUX_INITRAMFS := $(LINUX_DIR)/initramfs.cpio.gz
LINUX_BUSYBOX := $(LINUX_DIR)/busybox
LINUX_TLBSTORM := $(LINUX_DIR)/tlbstorm
LINUX_FETCH_STAMP := $(LINUX_DIR)/fetch.stamp
LINUX_TESTS := $(wildcard guests/linux/tests/*.sh)
LINUX_GUEST_FILES := $(BUILD)/guests/linux-Image $(BUILD)/guests/linux-initramfs.cpio.gz
# The native baseline machine (see ../shared/notes/linux-guest.md).
LINUX_NATIVE_QEMU := qemu-system-riscv64 -M virt -cpu rv64,h=true -smp 4 -m 512M \
	-nographic -bios default -kernel $(LINUX_IMAGE) -initrd $(LINUX_INITRAMFS)

.PHONY: linux-guest linux-symbols linux-versions linux-native-shell \
	linux-native-smp
LINUX_SYMBOLS := $(LINUX_DIR)/vmlinux

linux-symbols: $(LINUX_SYMBOLS)
$(LINUX_SYMBOLS): $(LINUX_FETCH_STAMP)
	$(Q)guests/linux/fetch.sh $(LINUX_DIR) --symbols

linux-guest: $(LINUX_IMAGE) $(LINUX_INITRAMFS) $(LINUX_GUEST_FILES)

$(LINUX_FETCH_STAMP): guests/linux/fetch.sh
	@echo "  FETCH   linux-image-riscv64 busybox-static (Debian trixie, riscv64)"
	$(Q)guests/linux/fetch.sh $(LINUX_DIR)
	$(Q)touch $@

# Both files come from the fetch; fetch again if one went missing.
$(LINUX_IMAGE) $(LINUX_BUSYBOX): $(LINUX_FETCH_STAMP)
	$(Q)test -f $@ || guests/linux/fetch.sh $(LINUX_DIR)
	$(Q)touch $@

$(LINUX_TLBSTORM): guests/linux/tlbstorm.c
	@mkdir -p $(dir $@)
	@command -v $(LINUX_CROSS)gcc >/dev/null 2>&1 || { echo "$(LINUX_CROSS)gcc" \
		"not found: install gcc-riscv64-linux-gnu and libc6-dev-riscv64-cross" \
		"(make deps)" >&2; exit 1; }
	@echo "  CC      $< (riscv64 Linux, static)"
	$(Q)$(LINUX_CROSS)gcc -O2 -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
		-static -pthread -o $@ $<

$(LINUX_INITRAMFS): guests/linux/mkinitramfs.sh guests/linux/init \
		guests/linux/hvtest-lib.sh $(LINUX_TESTS) \
		$(LINUX_BUSYBOX) $(LINUX_TLBSTORM)
	@echo "  CPIO    $@"
	$(Q)guests/linux/mkinitramfs.sh $(LINUX_BUSYBOX) $(LINUX_TLBSTORM) \
		$(LINUX_DIR)/initramfs $@ >/dev/null

# Copies for the VM-config archives (hard links where possible).
$(BUILD)/guests/linux-Image: $(LINUX_IMAGE)
	@mkdir -p $(dir $@)
	$(Q)ln -f $< $@ 2>/dev/null || cp $< $@
$(BUILD)/guests/linux-initramfs.cpio.gz: $(LINUX_INITRAMFS)
	@mkdir -p $(dir $@)
	$(Q)ln -f $< $@ 2>/dev/null || cp $< $@

linux-versions: $(LINUX_FETCH_STAMP)
	$(Q)cat $(LINUX_DIR)/versions.txt

linux-native-shell: linux-guest
	$(LINUX_NATIVE_QEMU) -append 'console=ttyS0 earlycon'

linux-native-smp: linux-guest
	@echo "  NATIVE  smp test (log: $(LINUX_DIR)/native-smp.log)"
	$(Q)timeout 600 $(LINUX_NATIVE_QEMU) \
		-append 'console=ttyS0 earlycon hvtest=smp hvcpus=4' \
		</dev/null >$(LINUX_DIR)/native-smp.log 2>&1
	$(Q)tests/tools/check-linux-console.sh --test smp $(LINUX_DIR)/native-smp.log

