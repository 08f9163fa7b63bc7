UNIT_TESTS += test_wfi_in_guest
test_wfi_in_guest_SRCS = tests/unit/test_wfi_in_guest.c $(FAKE_CORE_SRCS)
