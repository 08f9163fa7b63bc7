UNIT_TESTS += test_page_alloc
test_page_alloc_SRCS := tests/unit/test_page_alloc.c hv/mm/page_alloc.c
