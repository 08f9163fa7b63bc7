# Building VMs from a boot archive, on the fake machine (SBI_TEST_SRCS is
# test_sbi_ecall.mk's: hence `=`).
UNIT_TESTS += test_vm_create
test_vm_create_SRCS = tests/unit/test_vm_create.c hv/vm/create.c \
	hv/mm/memory.c hv/mm/page_alloc.c hv/mm/stage2.c hv/mm/vmid.c \
	hv/vm/vm_memory.c hv/loader/cpio.c \
	hv/loader/image.c hv/loader/guest_fdt.c hv/loader/vmconfig.c \
	hv/loader/vmconfig_props.c hv/loader/vmconfig_sched.c hv/core/console.c hv/core/errno.c \
	hv/core/entropy.c hv/core/chacha20.c \
	drivers/uart16550.c $(SBI_TEST_SRCS)
test_vm_create_LIBS := -lfdt
