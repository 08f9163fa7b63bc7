UNIT_TESTS += test_pci
test_pci_SRCS := tests/unit/test_pci.c drivers/pci.c
test_pci_LIBS := -lfdt
