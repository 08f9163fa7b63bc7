UNIT_TESTS += test_wait_in_place
test_wait_in_place_SRCS := tests/unit/test_wait_in_place.c $(FAKE_CORE_SRCS)
