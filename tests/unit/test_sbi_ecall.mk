# The SBI layer on the fake arch (tests/unit/test_sbi_*.c). SBI_TEST_SRCS
# is what every one of them links: the scripted guest, the SBI dispatch
# and every extension, guest memory with the device windows, and the
# scheduler core (FAKE_CORE_SRCS, from test_sched_core.mk: hence `=`).
SBI_TEST_SRCS = tests/unit/sbi_guest.c hv/sbi/sbi.c hv/sbi/error.c \
	hv/sbi/hart_mask.c $(sort $(wildcard hv/sbi/ext/*.c)) hv/mm/guest_mem.c \
	hv/mm/guest_walk.c $(VDEV_SRCS) hv/mm/guest_protect.c \
	$(FAKE_CORE_SRCS)
UNIT_TESTS += test_sbi_ecall
test_sbi_ecall_SRCS = tests/unit/test_sbi_ecall.c $(SBI_TEST_SRCS)
