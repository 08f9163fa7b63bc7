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

# The soak test: two 4-vCPU Linux VMs on 4 harts, watchdog on, for
# SOAK_S seconds each (default 30 min), one VM rebooting midway
# (tests/integration/run-soak.sh); make test runs a 3-minute one.
SOAK_S ?= 1800
.PHONY: soak
soak: all linux-guest
	$(Q)BUILD=$(BUILD) SOAK_S=$(SOAK_S) tests/integration/run-soak.sh
