# QEMU integration tests: hartvisor with the bare-metal guests in every
# set-up of tests/integration/run-baremetal.sh (logs in build/test-logs/).
integration: all
	$(Q)BUILD=$(BUILD) tests/integration/run-baremetal.sh

# The random hostile guest with one seed: make fuzz-guest SEED=N
# [ACTIONS=per-vCPU count] [TRACE=1] (tests/integration/run-chaos.sh).
SEED ?= 1
ACTIONS ?= 50000
.PHONY: fuzz-guest
fuzz-guest: all
	$(Q)BUILD=$(BUILD) tests/integration/run-chaos.sh $(SEED) $(ACTIONS) \
		$(if $(TRACE),trace)
