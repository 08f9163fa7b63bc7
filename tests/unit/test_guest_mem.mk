UNIT_TESTS += test_guest_mem
test_guest_mem_SRCS := tests/unit/test_guest_mem.c hv/mm/guest_mem.c \
	hv/mm/guest_walk.c $(VDEV_SRCS)
