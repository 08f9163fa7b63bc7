UNIT_TESTS += test_guest_walk
test_guest_walk_SRCS := tests/unit/test_guest_walk.c hv/mm/guest_walk.c \
	hv/mm/guest_mem.c $(VDEV_SRCS)
