# The ChaCha20 block function and the hypervisor's random bytes.
UNIT_TESTS += test_entropy
test_entropy_SRCS := tests/unit/test_entropy.c hv/core/entropy.c \
	hv/core/chacha20.c
