# Benchmarks, always as ratios against a native run in the same invocation.
# Included by the top-level Makefile.
#
#   make bench                 every benchmark
#   make bench-linux           Linux boot time, native vs hartvisor
#   make bench-linux-native    the native baseline alone
#   BENCH_RUNS=5 make bench    more runs per side (default 3)

BENCH_RUNS ?= 3

.PHONY: bench-linux bench-linux-native
bench: bench-linux

# The same Image, initramfs and bootargs as the native run, in one 4-vCPU
# VM with the 512 MiB the native machine has.
BENCH_LINUX_CONFIG := $(BUILD)/bench/linux-boot
bench-linux: linux-guest hv
	$(Q)guests/linux/make-config.sh $(BENCH_LINUX_CONFIG) 1 4 512 \
		"console=ttyS0 earlycon hvtest=boot"
	$(Q)BUILD=$(BUILD) HV_BENCH_CONFIG=$(BENCH_LINUX_CONFIG)/boot.cpio \
		perf/bench-linux-boot.sh -n $(BENCH_RUNS)

bench-linux-native: linux-guest
	$(Q)BUILD=$(BUILD) perf/bench-linux-boot.sh -n $(BENCH_RUNS) --native-only
