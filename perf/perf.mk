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

bench-linux: linux-guest hv configs
	$(Q)BUILD=$(BUILD) perf/bench-linux-boot.sh -n $(BENCH_RUNS)

bench-linux-native: linux-guest
	$(Q)BUILD=$(BUILD) perf/bench-linux-boot.sh -n $(BENCH_RUNS) --native-only
