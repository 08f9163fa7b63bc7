UNIT_TESTS += test_vmconfig
test_vmconfig_SRCS := tests/unit/test_vmconfig.c hv/loader/vmconfig.c hv/loader/vmconfig_props.c hv/loader/vmconfig_sched.c
test_vmconfig_LIBS := -lfdt
