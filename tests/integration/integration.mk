# QEMU integration tests: hartvisor with the bare-metal guests in every
# set-up of tests/integration/run-baremetal.sh (logs in build/test-logs/).
integration: all
	$(Q)BUILD=$(BUILD) tests/integration/run-baremetal.sh
