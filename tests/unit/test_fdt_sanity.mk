UNIT_TESTS += test_fdt_sanity
test_fdt_sanity_SRCS := tests/unit/test_fdt_sanity.c hv/platform/platform.c \
	hv/loader/vmconfig.c hv/loader/vmconfig_props.c hv/loader/vmconfig_sched.c
test_fdt_sanity_LIBS := -lfdt
