# Host fuzzing with libFuzzer, under ASan and UBSan (clang).
#
#   make fuzz-gdb [FUZZ_SECONDS=60]   the gdb protocol layer (gdbstub/)
#   make fuzz                         every fuzzer
#
# Each fuzzer starts from its seed corpus in tests/fuzz/corpus/NAME/ (read
# only) and keeps what it finds in $(BUILD)/fuzz/corpus-NAME/. A crash
# stops it with a non-zero status and leaves the input in
# $(BUILD)/fuzz/crash-*; a clean run ends with "fuzz-NAME: ok".
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all $(WARNINGS) -Ihv/include -I.

FUZZ_GDB_SRCS := tests/fuzz/fuzz_gdb_session.c gdbstub/rsp.c \
	gdbstub/session.c $(sort $(wildcard gdbstub/packets_*.c))

.PHONY: fuzz fuzz-gdb
fuzz: fuzz-gdb

$(BUILD)/fuzz/fuzz_gdb_session: $(FUZZ_GDB_SRCS) $(wildcard gdbstub/*.h)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_GDB_SRCS) -o $@

# Inputs up to 12 KiB: longer than a packet (4 KiB), so overflows are
# tried too.
fuzz-gdb: $(BUILD)/fuzz/fuzz_gdb_session
	@mkdir -p $(BUILD)/fuzz/corpus-gdb
	$(Q)cd $(BUILD)/fuzz && ./fuzz_gdb_session \
		-max_total_time=$(FUZZ_SECONDS) -max_len=12288 \
		-print_final_stats=1 corpus-gdb \
		$(CURDIR)/tests/fuzz/corpus/gdb 2>fuzz-gdb.log || \
		{ tail -40 fuzz-gdb.log; \
		  echo "fuzz-gdb: FAILED (see $(BUILD)/fuzz/)"; exit 1; }
	$(Q)grep -E '^(Done|stat::number_of_executed_units|#[0-9]+.*DONE)' \
		$(BUILD)/fuzz/fuzz-gdb.log | tail -2; echo "fuzz-gdb: ok"
