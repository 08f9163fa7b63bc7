UNIT_TESTS += test_step_decode
test_step_decode_SRCS := tests/unit/test_step_decode.c gdbstub/step_decode.c
