UNIT_TESTS += test_platform_synthetic
test_platform_synthetic_SRCS := tests/unit/test_platform_synthetic.c \
	hv/platform/platform.c
test_platform_synthetic_LIBS := -lfdt
