UNIT_TESTS += test_platform
test_platform_SRCS := tests/unit/test_platform.c hv/platform/platform.c
test_platform_LIBS := -lfdt
