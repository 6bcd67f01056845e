/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal unit-test harness shared by the programs in tests/unit.
 *
 *	static void test_something(void)
 *	{
 *		CHECK(ptr != NULL);
 *		CHECK_EQ(count, 3);
 *	}
 *
 *	static const struct test_case tests[] = {
 *		TEST(test_something),
 *	};
 *
 *	int main(void)
 *	{
 *		return run_tests(tests, ARRAY_SIZE(tests));
 *	}
 *
 * A failed check is reported with file:line and the test goes on, so one run
 * shows every failure.  A test case fails if any of its checks failed.  The
 * last line printed is always "N passed, N failed" (test cases), which
 * tests/unit/run-tests sums over all programs; the exit status is nonzero if
 * any test case failed.
 */
#ifndef SPLITIO_TESTS_HARNESS_H
#define SPLITIO_TESTS_HARNESS_H

#include <stdbool.h>
#include <stdio.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct test_case {
	const char *name;
	void (*run)(void);
};

#define TEST(fn)	{ #fn, fn }

/* Failed checks in the running test case.  Checks are not thread-safe. */
static unsigned int harness_failed_checks;
static const char *harness_current_test;

static inline bool harness_check(bool ok, const char *file, int line,
				 const char *what)
{
	if (!ok) {
		harness_failed_checks++;
		printf("%s:%d: %s: CHECK(%s) failed\n",
		       file, line, harness_current_test, what);
	}
	return ok;
}

static inline bool harness_check_eq(const char *file, int line,
				    const char *a, const char *b,
				    long long a_val, long long b_val)
{
	if (a_val != b_val) {
		harness_failed_checks++;
		printf("%s:%d: %s: CHECK_EQ(%s, %s) failed: "
		       "%lld (%#llx) != %lld (%#llx)\n",
		       file, line, harness_current_test, a, b,
		       a_val, (unsigned long long)a_val,
		       b_val, (unsigned long long)b_val);
	}
	return a_val == b_val;
}

/* Evaluates to whether @cond held, so a test can bail out early. */
#define CHECK(cond)	harness_check((cond), __FILE__, __LINE__, #cond)

/*
 * For integers, compared as long long: evaluates each side once, prints both
 * values on failure and, like CHECK(), evaluates to whether the check held.
 */
#define CHECK_EQ(a, b)							\
	harness_check_eq(__FILE__, __LINE__, #a, #b,			\
			 (long long)(a), (long long)(b))

static inline int run_tests(const struct test_case *tests, size_t n)
{
	unsigned int passed = 0, failed = 0;
	size_t i;

	/* Keep what was printed if a test crashes, even when piped. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < n; i++) {
		harness_current_test = tests[i].name;
		harness_failed_checks = 0;
		tests[i].run();
		if (harness_failed_checks) {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		} else {
			passed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}

#endif /* SPLITIO_TESTS_HARNESS_H */
