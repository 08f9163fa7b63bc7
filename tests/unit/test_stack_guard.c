// SPDX-License-Identifier: MIT
/*
 * The stack guard (hv/include/hv/stack_guard.h) and the build's stack
 * budget check (tests/tools/check-stack-usage.py, run on crafted GCC call
 * graphs): an overflow into the guard is seen however shallow, and the
 * budget check fails on a frame too large or not static, a chain too
 * deep (recursion charged its bound, or with a warning when it has
 * none), and passes what is within.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <hv/stack_guard.h>

/* A stack slot: the guard at its bottom, frames above. */
static uint64_t slot[4 * STACK_GUARD_WORDS];

static void test_intact_guard(void **state)
{
	(void)state;
	memset(slot, 0xa5, sizeof(slot));
	stack_guard_fill(slot);
	assert_int_equal(stack_guard_damage(slot), -1);
	/* Frames above the guard are not its business. */
	memset(slot + STACK_GUARD_WORDS, 0, sizeof(uint64_t) * 8);
	assert_int_equal(stack_guard_damage(slot), -1);
}

/* An overflow comes from above: whatever word it reaches first, and a
 * single byte of it, is seen, and the depth is the highest word hit. */
static void test_overflow_is_seen(void **state)
{
	(void)state;
	for (unsigned word = 0; word < STACK_GUARD_WORDS; word++) {
		for (unsigned byte = 0; byte < 8; byte += 7) {
			stack_guard_fill(slot);
			((uint8_t *)&slot[word])[byte] ^= 1;
			assert_int_equal(stack_guard_damage(slot), (int)word);
		}
	}
	stack_guard_fill(slot);
	slot[3] = 0;
	slot[STACK_GUARD_WORDS - 2] = 0;
	assert_int_equal(stack_guard_damage(slot), STACK_GUARD_WORDS - 2);
	/* A frame of the largest budgeted size cannot step over it. */
	assert_true(STACK_GUARD_BYTES >= 1024);
}

/* The quick check looks at the top words only: it sees damage there and
 * nothing deeper (left to the full check when the hart idles). */
static void test_quick_check_sees_the_top_words(void **state)
{
	(void)state;
	for (unsigned word = 0; word < STACK_GUARD_WORDS; word++) {
		bool in_top =
			word >= STACK_GUARD_WORDS - STACK_GUARD_QUICK_WORDS;

		stack_guard_fill(slot);
		slot[word] = 0;
		assert_int_equal(
			stack_guard_damage_top(slot, STACK_GUARD_QUICK_WORDS),
			in_top ? (int)word : -1);
		/* The arch's branch-free first look agrees, bit by bit. */
		assert_int_equal(stack_guard_quick_intact(slot), !in_top);
		stack_guard_fill(slot);
		((uint8_t *)&slot[word])[7] ^= 0x80;
		assert_int_equal(stack_guard_quick_intact(slot), !in_top);
		assert_int_equal(stack_guard_damage(slot), (int)word);
	}
	stack_guard_fill(slot);
	assert_true(stack_guard_quick_intact(slot));
	stack_guard_fill(slot);
	assert_int_equal(stack_guard_damage_top(slot, 1000), -1);
	slot[0] = 0;
	assert_int_equal(stack_guard_damage_top(slot, 1000), 0);
}

/* The budget check on crafted call graphs. */
static char dir[64];

static void write_ci(const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define NODE(name, file, bytes, qual)                           \
	"node: { title: \"" name "\" label: \"" name "\\n" file \
	":1:1\\n" bytes " bytes (" qual ")\" }\n"
#define CALL(from, to)                                       \
	"edge: { sourcename: \"" from "\" targetname: \"" to \
	"\" label: \"x\" }\n"
#define EXTERN(name) \
	"node: { title: \"" name "\" label: \"" name "\\nx.h:1:1\" }\n"

/* Exit status of the check over the graphs named (space-separated). */
static int check(int frame_budget, int depth_budget, const char *files)
{
	char command[512], list[256] = "";
	char *copy = strdup(files), *save = NULL;
	const char *root = __FILE__; /* .../tests/unit/test_stack_guard.c */
	int root_len = (int)(strstr(root, "tests/unit/") - root);

	for (char *f = strtok_r(copy, " ", &save); f;
	     f = strtok_r(NULL, " ", &save)) {
		strcat(list, " ");
		strcat(list, dir);
		strcat(list, "/");
		strcat(list, f);
	}
	free(copy);
	snprintf(command, sizeof(command),
		 "python3 %.*stests/tools/check-stack-usage.py %d %d %s/report"
		 "%s >%s/out 2>&1",
		 root_len, root, frame_budget, depth_budget, dir, list, dir);
	int status = system(command);

	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static bool output_has(const char *text)
{
	char path[128], buf[4096] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/out", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = '\0';
	fclose(f);
	return strstr(buf, text) != NULL;
}

static void test_budget_check(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/hv-stack-XXXXXX");
	assert_non_null(mkdtemp(dir));

	/* a (100) -> b (200) -> c (300), b -> an indirect call, and a
	 * library function with no graph. */
	write_ci("a.ci",
		 "graph: { title: \"a.c\"\n" NODE("a", "a.c", "100", "static")
			 EXTERN("b") CALL("a", "b") EXTERN("memcpy")
				 CALL("a", "memcpy") "}\n");
	write_ci("b.ci",
		 "graph: { title: \"b.c\"\n" NODE("b", "b.c", "200", "static")
			 EXTERN("c") CALL("b", "c") "}\n");
	write_ci("c.ci", "graph: { title: \"c.c\"\n" NODE("c", "c.c", "300",
							  "static") "}\n");
	/* The chain is 600 bytes. */
	assert_int_equal(check(300, 600, "a.ci b.ci c.ci"), 0);
	assert_true(output_has("deepest chain 600 of 600 bytes"));
	assert_int_equal(check(300, 599, "a.ci b.ci c.ci"), 1);
	assert_true(output_has("deepest call chain 600 bytes"));
	assert_true(output_has("a -> b -> c"));
	assert_int_equal(check(299, 600, "a.ci b.ci c.ci"), 1);
	assert_true(output_has("c: frame of 300 bytes (budget 299)"));

	/* An indirect call is charged the deepest direct chain (600). */
	write_ci("d.ci",
		 "graph: { title: \"d.c\"\n" NODE(
			 "d", "d.c", "50",
			 "static") "node: { title: \"__indirect_call\" "
				   "label: \"Indirect Call "
				   "Placeholder\" }\n" CALL("d", "__indirect_"
								 "call") "}\n");
	assert_int_equal(check(300, 650, "a.ci b.ci c.ci d.ci"), 0);
	assert_int_equal(check(300, 649, "a.ci b.ci c.ci d.ci"), 1);

	/* A dynamic frame (alloca, a VLA) has no bound. */
	write_ci("e.ci", "graph: { title: \"e.c\"\n" NODE("e", "e.c", "16",
							  "dynamic") "}\n");
	assert_int_equal(check(300, 4096, "e.ci"), 1);
	assert_true(output_has("e: dynamic stack frame"));

	/* Recursion with no stated bound: a warning, charged 4 frames
	 * (f: 16 bytes, so 64); a known one (the fair tree's insert, at
	 * most 10 deep) is charged its bound. */
	write_ci("f.ci",
		 "graph: { title: \"f.c\"\n" NODE("f", "f.c", "16", "static")
			 CALL("f", "f") "}\n");
	assert_int_equal(check(300, 64, "f.ci"), 0);
	assert_true(output_has("warning: f.c:1:1: recursion through f (no "
			       "known bound"));
	assert_int_equal(check(300, 63, "f.ci"), 1);
	write_ci("insert.ci", "graph: { title: \"t.c\"\n" NODE(
				      "insert", "sched/fair_tree.c", "48",
				      "static") CALL("insert", "insert") "}\n");
	assert_int_equal(check(300, 480, "insert.ci"), 0);
	assert_int_equal(check(300, 479, "insert.ci"), 1);

	char command[128];

	snprintf(command, sizeof(command), "rm -rf %s", dir);
	assert_int_equal(system(command), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact_guard),
		cmocka_unit_test(test_overflow_is_seen),
		cmocka_unit_test(test_quick_check_sees_the_top_words),
		cmocka_unit_test(test_budget_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
