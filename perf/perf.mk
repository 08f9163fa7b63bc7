# Benchmarks, always as ratios against a native run in the same invocation,
# native and hartvisor runs interleaved. Included by the top-level Makefile.
# Results (text, CSV, PNG plots) go to $(BUILD)/bench/; see docs/benchmarks.md.
#
#   make bench               every benchmark
#   make bench-quick         a short pass of every benchmark (1 run each)
#   make bench-latency       bare-metal latency guest: time, SBI, timers, IPIs
#   make bench-contention    wake-to-run lateness beside busy VMs, per
#                            policy and time slice
#   make bench-share         CPU-share accuracy of the fair scheduler
#   make bench-sched-cost    policy decision cost on the host
#   make bench-boot          Linux boot to power-off (and exits per boot)
#   make bench-boot-native   its native baseline alone
#   make bench-linux         cyclictest and hackbench (Debian's rt-tests)
#                            in the Linux guest; cyclictest also beside a
#                            busy VM, with and without the latency class
#   make bench-prereqs       build everything the benchmarks run (make
#                            test's bench-smoke stage uses it)
#   BENCH_RUNS=5 make bench  runs per side (default 3; 1 for contention and
#                            Linux unless BENCH_RUNS is given)
# Other knobs (environment), by group:
#   latency     BENCH_SAMPLES (samples per metric and run, 500), BENCH_CLOCKS
#               ("mttcg icount"), HV_ELF (another hartvisor build to run)
#   contention  BENCH_CONTENTION_SAMPLES (50), BENCH_CONTENTION_POLICIES
#               ("round-robin fair fair+lat"), BENCH_SLICES_US ("1000
#               10000"), BENCH_BUSY ("0 1 3 7"), BENCH_CONTENTION_LATENCY_US
#               (fair+lat's latency class, 1000)
#   share       BENCH_SHARE_WINDOWS (10), BENCH_SHARE_SCENARIOS ("weights-1-3
#               weights-1-1 cap-25")
#   sched-cost  BENCH_SCHED_ITERATIONS (20000), BENCH_POLICIES ("round-robin
#               fair")
#   linux       BENCH_CT_DURATION (cyclictest seconds per run, 10),
#               BENCH_HACKBENCH_LOOPS (50), BENCH_CT_SETUPS (cyclictest under
#               hartvisor, "alone busy busy-lc"), BENCH_CT_LATENCY_US
#               (busy-lc's latency class, 500), BENCH_LINUX_TESTS
#               ("cyclictest hackbench")
#   all         BENCH_TIMEOUT (seconds per QEMU run), BENCH_DIR (where the
#               results go, $(BUILD)/bench)

BENCH_RUNS ?= 3
export BENCH_RUNS
# The two long groups, contention (24 set-ups) and Linux (cyclictest in 4
# set-ups, hackbench), take one run unless BENCH_RUNS is given on the
# command line or in the environment, so that make bench fits in about 30
# minutes on a 2-core host; each of their runs has many samples.
BENCH_LONG_RUNS ?= $(if $(filter file,$(origin BENCH_RUNS)),1,$(BENCH_RUNS))

.PHONY: bench-quick bench-latency bench-sched-cost bench-boot bench-boot-native \
	bench-linux bench-prereqs bench-contention bench-share
bench: bench-latency bench-contention bench-share bench-sched-cost bench-boot \
	bench-linux

bench-quick:
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD) BENCH_RUNS=1 \
		BENCH_SAMPLES=100 BENCH_CONTENTION_SAMPLES=20 BENCH_SCHED_ITERATIONS=5000 \
		BENCH_CT_DURATION=5 BENCH_HACKBENCH_LOOPS=20 BENCH_SHARE_WINDOWS=5 \
		BENCH_SLICES_US=10000 bench

# The latency guest (guests/baremetal/latency), built like the test guests.
$(eval $(call guest_rule,latency))

bench-latency: $(BUILD)/guests/latency.img hv
	$(Q)BUILD=$(BUILD) perf/bench-latency.sh

bench-contention: $(BUILD)/guests/latency.img hv
	$(Q)BUILD=$(BUILD) BENCH_RUNS=$(BENCH_LONG_RUNS) perf/bench-contention.sh

bench-share: $(BUILD)/guests/latency.img hv
	$(Q)BUILD=$(BUILD) perf/bench-share.sh

# Decision cost (perf/sched_cost.c): the policy code on the host, -O2,
# with the fake arch like the scheduler's unit tests (FAKE_CORE_SRCS,
# tests/unit/test_sched_core.mk), so every policy the build has links.
PERF_SCHED_COST := $(BUILD)/bench/sched-cost
PERF_HOST_CFLAGS := -std=gnu11 -O2 -g -DHV_HOST_TEST -Ihv/include \
	-Ihv/arch/fake/include -I. -Itests/unit
$(PERF_SCHED_COST): perf/sched_cost.c $(FAKE_CORE_SRCS) \
		$(wildcard sched/*.h hv/include/hv/*.h)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOSTCC) $(PERF_HOST_CFLAGS) $(WARNINGS) -c -o $@.o perf/sched_cost.c
	$(Q)$(HOSTCC) $(PERF_HOST_CFLAGS) -w -o $@ $@.o $(FAKE_CORE_SRCS) -lcmocka

bench-sched-cost: $(PERF_SCHED_COST)
	$(Q)BUILD=$(BUILD) perf/bench-sched-cost.sh

# Linux boot: the same Image, initramfs and bootargs as the native run, in
# one 4-vCPU VM with the 512 MiB the native machine has.
BENCH_BOOT_CONFIG := $(BUILD)/bench/linux-boot
bench-boot: linux-guest hv
	$(Q)guests/linux/make-config.sh $(BENCH_BOOT_CONFIG) 1 4 512 \
		"console=ttyS0 earlycon hvtest=boot"
	$(Q)BUILD=$(BUILD) HV_BENCH_CONFIG=$(BENCH_BOOT_CONFIG)/boot.cpio \
		perf/bench-linux-boot.sh -n $(BENCH_RUNS)

bench-boot-native: linux-guest
	$(Q)BUILD=$(BUILD) perf/bench-linux-boot.sh -n $(BENCH_RUNS) --native-only

# Debian's rt-tests for the Linux guest: an initramfs overlay
# (perf/linux/fetch-rt-tests.sh) appended to the guest's own initramfs.
BENCH_RT_DIR := $(LINUX_DIR)/rt-tests
BENCH_RT_OVERLAY := $(BENCH_RT_DIR)/rt-tests.cpio.gz
$(BENCH_RT_OVERLAY): perf/linux/fetch-rt-tests.sh perf/linux/cyclictest.sh \
		perf/linux/hackbench.sh $(LINUX_FETCH_STAMP)
	@echo "  FETCH   rt-tests libnuma1 libc6 (Debian trixie, riscv64)"
	$(Q)perf/linux/fetch-rt-tests.sh $(LINUX_DIR) $(BENCH_RT_DIR)

# The latency guest is the busy VM beside the cyclictest VM.
bench-linux: linux-guest hv $(BENCH_RT_OVERLAY) $(BUILD)/guests/latency.img
	$(Q)BUILD=$(BUILD) BENCH_RUNS=$(BENCH_LONG_RUNS) perf/bench-linux.sh

bench-prereqs: hv linux-guest $(BUILD)/guests/latency.img $(PERF_SCHED_COST) \
	$(BENCH_RT_OVERLAY)
