UNIT_TESTS += test_sta_sequence
test_sta_sequence_SRCS := tests/unit/test_sta_sequence.c hv/sbi/steal_time.c
test_sta_sequence_LIBS := -pthread
