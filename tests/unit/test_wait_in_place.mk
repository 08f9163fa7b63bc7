UNIT_TESTS += test_wait_in_place
test_wait_in_place_SRCS = tests/unit/test_wait_in_place.c \
	hv/core/monitor_commands.c $(FAKE_CORE_SRCS)
