# Host unit tests (cmocka). Each tests/unit/NAME.mk declares one test:
#
#   UNIT_TESTS += test_foo
#   test_foo_SRCS := tests/unit/test_foo.c hv/foo.c
#   test_foo_LIBS := -lfdt            # optional
#
# Code under test is compiled with coverage; `make unit` runs them all.
UNIT_TESTS :=
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
		$$(addprefix $(CURDIR)/,$$($(1)_SRCS)) -o $(CURDIR)/$$@ \
		-lcmocka $$($(1)_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_test_rule,$(t))))

unit: $(UNIT_BINS)
	$(Q)tests/tools/run-unit-tests.sh $(BUILD)/unit $(UNIT_TESTS)
