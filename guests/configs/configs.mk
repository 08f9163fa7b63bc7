# VM config archives: guests/configs/NAME.dts -> build/configs/NAME.cpio,
# a newc cpio with config.dtb and the images the config names (looked up
# in build/guests/), for the hypervisor's -initrd. See docs/vm-config.md.
CONFIG_DIR := guests/configs
CONFIG_DTS := $(wildcard $(CONFIG_DIR)/*.dts)
CONFIG_CPIOS := $(patsubst $(CONFIG_DIR)/%.dts,$(BUILD)/configs/%.cpio,\
	$(CONFIG_DTS))

# The files a .dts names in kernel/initrd properties, as build/guests/ paths,
# so make builds (or a recipe elsewhere provides) them first.
config_files = $(addprefix $(BUILD)/guests/,$(shell sed -n \
	's/^[[:space:]]*\(kernel\|initrd\)[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\2/p' \
	$(1)))

configs: $(CONFIG_CPIOS)

define config_rule
$(BUILD)/configs/$(1).cpio: $(CONFIG_DIR)/$(1).dts $(CONFIG_DIR)/pack.sh \
		$(call config_files,$(CONFIG_DIR)/$(1).dts)
	@echo "  PACK    $$@"
	$(Q)$(CONFIG_DIR)/pack.sh $$< $$@ $(BUILD)/guests
endef
$(foreach c,$(patsubst $(CONFIG_DIR)/%.dts,%,$(CONFIG_DTS)),\
	$(eval $(call config_rule,$(c))))
