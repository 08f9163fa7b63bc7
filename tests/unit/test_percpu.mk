UNIT_TESTS += test_percpu
test_percpu_SRCS := tests/unit/test_percpu.c hv/core/percpu.c
