UNIT_TESTS += test_platform_harts
test_platform_harts_SRCS := tests/unit/test_platform_harts.c \
	hv/platform/platform.c
test_platform_harts_LIBS := -lfdt
