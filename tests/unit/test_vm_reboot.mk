# SRST reboot of one VM on the fake arch (SBI_TEST_SRCS: test_sbi_ecall.mk).
UNIT_TESTS += test_vm_reboot
test_vm_reboot_SRCS = tests/unit/test_vm_reboot.c $(SBI_TEST_SRCS)
