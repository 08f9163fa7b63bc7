# Bare-metal test guests: each guests/baremetal/<name>/ directory with C
# files becomes build/guests/<name>.img, a flat RISC-V Image linked at
# 0x80200000 together with the runtime in guests/baremetal/lib/. A guest
# with its own link.ld (debug: linked at virtual addresses, loaded at
# 0x80200000) uses it instead of lib/link.ld. <name>.elf keeps the full
# debug info for gdb.
GUEST_DIR := guests/baremetal
# Every directory but lib (the runtime) and latency (perf/perf.mk builds
# that one, for the benchmarks).
GUEST_NAMES := $(filter-out lib latency,$(patsubst $(GUEST_DIR)/%/,%,\
	$(wildcard $(GUEST_DIR)/*/)))
GUEST_OBJ := $(BUILD)/guests/obj
GUEST_ARCH := -march=rv64imafdc_zicsr_zifencei -mabi=lp64 -mcmodel=medany
GUEST_CFLAGS := $(GUEST_ARCH) -ffreestanding -nostdlib -O2 -g -std=gnu11 \
	-Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
	-fno-common -fno-pic -fno-omit-frame-pointer -I$(GUEST_DIR)/lib -MMD -MP
GUEST_LDFLAGS := $(GUEST_ARCH) -nostdlib -static -Wl,--gc-sections \
	-Wl,--no-warn-rwx-segments

GUEST_LIB_SRCS := $(wildcard $(GUEST_DIR)/lib/*.c $(GUEST_DIR)/lib/*.S)
GUEST_LIB_OBJS := $(patsubst %,$(GUEST_OBJ)/%.o,$(GUEST_LIB_SRCS))
GUEST_IMAGES := $(addprefix $(BUILD)/guests/,$(addsuffix .img,$(GUEST_NAMES)))

guests: $(GUEST_IMAGES)

$(GUEST_OBJ)/%.c.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OBJ)/%.S.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

define guest_rule
$(1)_GUEST_OBJS := $$(patsubst %,$(GUEST_OBJ)/%.o,\
	$$(wildcard $(GUEST_DIR)/$(1)/*.c $(GUEST_DIR)/$(1)/*.S))
$(1)_GUEST_LDS := $$(firstword $$(wildcard $(GUEST_DIR)/$(1)/link.ld) \
	$(GUEST_DIR)/lib/link.ld)
$(BUILD)/guests/$(1).elf: $$($(1)_GUEST_OBJS) $(GUEST_LIB_OBJS) \
		$$($(1)_GUEST_LDS)
	@echo "  LD      $$@"
	$(Q)$(CC) $(GUEST_LDFLAGS) -Wl,-T,$$($(1)_GUEST_LDS) -o $$@ \
		$$($(1)_GUEST_OBJS) $(GUEST_LIB_OBJS) -lgcc
$(BUILD)/guests/$(1).img: $(BUILD)/guests/$(1).elf
	@echo "  OBJCOPY $$@"
	$(Q)$(OBJCOPY) -O binary $$< $$@
endef
$(foreach g,$(GUEST_NAMES),$(eval $(call guest_rule,$(g))))

-include $(shell find $(GUEST_OBJ) -name '*.d' 2>/dev/null)
