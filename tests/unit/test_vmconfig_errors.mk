UNIT_TESTS += test_vmconfig_errors
test_vmconfig_errors_SRCS := tests/unit/test_vmconfig_errors.c hv/loader/vmconfig.c \
	hv/loader/vmconfig_props.c hv/loader/vmconfig_sched.c
test_vmconfig_errors_LIBS := -lfdt
