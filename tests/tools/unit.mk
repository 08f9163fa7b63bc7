# Host unit tests (cmocka). Each tests/unit/NAME.mk declares one test:
#
#   UNIT_TESTS += test_foo
#   test_foo_SRCS := tests/unit/test_foo.c hv/foo.c
#   test_foo_LIBS := -lfdt            # optional
#
# Code under test is compiled with coverage; `make unit` runs them all and
# reports line coverage over the real denominator (see below).
UNIT_TESTS :=
# The virtual devices, with the UART's shadow page; its flushes
# (hv/mm/guest_protect.c) need the fake machine's harts, or a stub. (A
# file listed twice is built once: the sources are sorted.)
VDEV_SRCS := hv/vdev/vdev.c hv/vdev/vplic.c hv/vdev/vuart.c \
	hv/vdev/uart_shadow.c hv/mm/stage2.c
include $(wildcard tests/unit/*.mk)

UNIT_CFLAGS := -std=gnu11 -O0 -g $(WARNINGS) -Wno-error=unused-function \
	-Ihv/include -Ihv/arch/fake/include -I. -Itests/unit -DHV_HOST_TEST --coverage
UNIT_BINS := $(addprefix $(BUILD)/unit/,$(UNIT_TESTS))

define unit_test_rule
$(BUILD)/unit/$(1): $$($(1)_SRCS) $$(wildcard hv/include/hv/*.h tests/unit/*.h)
	@mkdir -p $(BUILD)/unit/obj-$(1)
	@echo "  HOSTCC  $$@"
	$(Q)cd $(BUILD)/unit/obj-$(1) && $(HOSTCC) $(UNIT_CFLAGS) \
		$$(addprefix -I$(CURDIR)/,hv/include hv/arch/fake/include . tests/unit) \
		$$(addprefix $(CURDIR)/,$$(sort $$($(1)_SRCS))) -o $(CURDIR)/$$@ \
		-lcmocka $$($(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

# Coverage denominator: every C file of the hypervisor, whether a unit
# test builds it or not (found by directory, so a new file counts at once).
# hv/arch/fake is not hypervisor code: it is the host tests' arch, like
# tests/unit/. A file no unit test links is compiled here for its line
# table alone (a .gcno with every line at 0): on the host against the fake
# arch, or for hv/arch/riscv against the RISC-V headers with -S (the
# compiler proper writes the .gcno; only the assembler would reject RISC-V
# inline asm). If the host compiler refuses it (RISC-V register variables,
# say), the cross compiler writes the .gcno, provided it is the same GCC
# version as the host's gcov; otherwise run-unit-tests.sh counts the file's
# lines with a heuristic and names it. The stamp NAME.zero says which way.
UNIT_COV_DIRS := $(wildcard hv sched drivers gdbstub)
UNIT_COV_SRCS := $(sort $(filter-out hv/arch/fake/%,\
	$(shell find $(UNIT_COV_DIRS) -name '*.c' 2>/dev/null)))
UNIT_LINKED_SRCS := $(sort $(foreach t,$(UNIT_TESTS),$($(t)_SRCS)))
UNIT_ZERO_SRCS := $(filter-out $(UNIT_LINKED_SRCS),$(UNIT_COV_SRCS))
UNIT_ZERO_STAMPS := $(patsubst %,$(BUILD)/unit/zero/%.zero,$(UNIT_ZERO_SRCS))
UNIT_ZERO_HOST_FLAGS := -std=gnu11 -O0 -w -DHV_HOST_TEST --coverage \
	$(addprefix -I$(CURDIR)/,hv/include . tests/unit)
UNIT_CROSS_SAME_GCC = $(shell [ "`$(CC) -dumpfullversion 2>/dev/null`" = \
	"`$(HOSTCC) -dumpfullversion 2>/dev/null`" ] && echo yes)

$(BUILD)/unit/zero/%.zero: % $(wildcard hv/include/hv/*.h hv/include/arch/*.h)
	@mkdir -p $(dir $@)
	@echo "  COV0    $<"
	$(Q)out=$(basename $@); rm -f $$out.gcno; \
	case $< in \
	hv/arch/riscv/*) way="-S -I$(CURDIR)/hv/arch/riscv/include -o $$out.s";; \
	*) way="-c -I$(CURDIR)/hv/arch/fake/include -o $$out.o";; \
	esac; \
	if $(HOSTCC) $(UNIT_ZERO_HOST_FLAGS) $$way $(CURDIR)/$< 2>/dev/null; then \
		echo "host $<" >$@; \
	elif [ "$(UNIT_CROSS_SAME_GCC)" = yes ] && $(CC) $(filter-out -MMD -MP,$(CFLAGS)) \
		-w --coverage -S -o $$out.s $(CURDIR)/$< 2>/dev/null; then \
		echo "cross $<" >$@; \
	else \
		rm -f $$out.gcno; echo "lines $<" >$@; \
	fi

unit: $(UNIT_BINS) $(UNIT_ZERO_STAMPS)
	$(Q)UNIT_ZERO_SRCS="$(UNIT_ZERO_SRCS)" \
		tests/tools/run-unit-tests.sh $(BUILD)/unit $(UNIT_TESTS)
