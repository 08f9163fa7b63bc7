UNIT_TESTS += test_ram_access
test_ram_access_SRCS = tests/unit/test_ram_access.c hv/exit/ram_access.c \
	hv/exit/mmio_decode.c hv/mm/guest_mem.c hv/mm/guest_walk.c \
	$(VDEV_SRCS) hv/mm/guest_protect.c $(FAKE_CORE_SRCS)
