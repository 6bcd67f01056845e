// SPDX-License-Identifier: GPL-2.0
/*
 * blkback/reorder.c's fair intake from several rings: turns and quotas,
 * turns going on across batches, and two simulations - a trickling source
 * next to a flooding one is served within a bounded wait, and sources that
 * are always busy get equal shares.
 */
#include <stdio.h>

#include "splitio/portable.h"
#include "blkback/reorder.h"
#include "harness.h"

#define BUSY	1000000u	/* pending: a source that never runs dry */

static void test_init_rejects_nothing_to_share(void)
{
	struct reorder_intake intake;

	CHECK_EQ(reorder_intake_init(&intake, 0, 4), -EINVAL);
	CHECK_EQ(reorder_intake_init(&intake, 2, 0), -EINVAL);
	CHECK_EQ(reorder_intake_init(&intake, 1, 1), 0);
}

/* Takes @n requests, writing down whose they were. */
static void take(struct reorder_intake *intake, unsigned int *pending,
		 int *sources, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		sources[i] = reorder_intake_next(intake, pending);
		if (sources[i] >= 0)
			pending[sources[i]]--;
	}
}

#define CHECK_SOURCES(got, ...)						\
	do {								\
		const int want[] = { __VA_ARGS__ };			\
		unsigned int i;						\
									\
		for (i = 0; i < ARRAY_SIZE(want); i++)			\
			if (!CHECK_EQ((got)[i], want[i]))		\
				break;					\
	} while (0)

static void test_sources_take_turns_of_quota(void)
{
	struct reorder_intake intake;
	unsigned int pending[3] = { BUSY, BUSY, BUSY };
	int got[9];

	reorder_intake_init(&intake, 3, 2);
	take(&intake, pending, got, 9);
	CHECK_SOURCES(got, 0, 0, 1, 1, 2, 2, 0, 0, 1);
}

static void test_idle_sources_are_skipped(void)
{
	struct reorder_intake intake;
	unsigned int pending[4] = { 1, 0, 3, 0 };
	int got[5];

	reorder_intake_init(&intake, 4, 2);
	take(&intake, pending, got, 5);
	CHECK_SOURCES(got, 0, 2, 2, 2, -ENODATA);
}

static void test_nothing_pending(void)
{
	struct reorder_intake intake;
	unsigned int pending[2] = { 0, 0 };

	reorder_intake_init(&intake, 2, 8);
	CHECK_EQ(reorder_intake_next(&intake, pending), -ENODATA);
	pending[1] = 1;
	CHECK_EQ(reorder_intake_next(&intake, pending), 1);
}

/* A batch that fills up mid-turn: the next batch finishes that turn. */
static void test_turn_goes_on_across_batches(void)
{
	struct reorder_intake intake;
	unsigned int pending[2] = { BUSY, BUSY };
	int got[4];

	reorder_intake_init(&intake, 2, 4);
	take(&intake, pending, got, 3);
	CHECK_SOURCES(got, 0, 0, 0);
	take(&intake, pending, got, 4);
	CHECK_SOURCES(got, 0, 1, 1, 1);
}

/* A source that runs dry loses its turn; it does not save up credit. */
static void test_dry_source_loses_its_turn(void)
{
	struct reorder_intake intake;
	unsigned int pending[2] = { 1, BUSY };
	int got[6];

	reorder_intake_init(&intake, 2, 4);
	take(&intake, pending, got, 2);
	CHECK_SOURCES(got, 0, 1);
	pending[0] = BUSY;
	take(&intake, pending, got, 6);
	CHECK_SOURCES(got, 1, 1, 1, 0, 0, 0);
}

/* A small deterministic generator: the trickle needs no more. */
static u32 lcg_state = 12345;

static u32 lcg_below(u32 bound)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return (lcg_state >> 16) % bound;
}

/*
 * Source 0 of @nr_sources trickles: a request now and then, at most one
 * pending; the others flood.  No trickled request may wait for more than
 * (nr_sources - 1) * quota requests of the others.  Where one batch ends
 * and the next begins makes no difference: the turn goes on.
 */
static void check_trickle_waits_bounded(unsigned int nr_sources,
					unsigned int quota)
{
	struct reorder_intake intake;
	unsigned int pending[8], i, waited = 0, max_waited = 0, served = 0;
	int src;

	reorder_intake_init(&intake, nr_sources, quota);
	for (i = 0; i < nr_sources; i++)
		pending[i] = i ? BUSY : 0;
	for (i = 0; i < 200000; i++) {
		if (!pending[0] && !lcg_below(50))
			pending[0] = 1;
		src = reorder_intake_next(&intake, pending);
		if (!CHECK(src >= 0))
			return;
		pending[src]--;
		if (src == 0) {
			served++;
			max_waited = max_waited > waited ? max_waited : waited;
			waited = 0;
		} else if (pending[0]) {
			waited++;
		}
	}
	CHECK(served > 1000);
	CHECK(max_waited <= (nr_sources - 1) * quota);
	printf("  %u sources, quota %u: a trickled request waited at most %u requests of others\n",
	       nr_sources, quota, max_waited);
}

static void test_trickling_source_is_not_starved(void)
{
	check_trickle_waits_bounded(2, 1);
	check_trickle_waits_bounded(2, 16);
	check_trickle_waits_bounded(5, 8);
}

/*
 * Sources that always have requests pending: over a long run, each one's
 * share of the requests taken stays within one quota of the others'.
 */
static void check_busy_sources_share_equally(unsigned int nr_sources,
					     unsigned int quota)
{
	struct reorder_intake intake;
	unsigned int pending[8], taken[8] = { 0 }, i, min, max;
	int src;

	reorder_intake_init(&intake, nr_sources, quota);
	for (i = 0; i < nr_sources; i++)
		pending[i] = BUSY;
	for (i = 0; i < 1000000; i++) {
		src = reorder_intake_next(&intake, pending);
		if (!CHECK(src >= 0))
			return;
		taken[src]++;
	}
	min = max = taken[0];
	for (i = 1; i < nr_sources; i++) {
		min = taken[i] < min ? taken[i] : min;
		max = taken[i] > max ? taken[i] : max;
	}
	CHECK(max - min <= quota);
	printf("  %u busy sources, quota %u: shares %u..%u, ratio %.5f\n",
	       nr_sources, quota, min, max, (double)max / min);
}

static void test_busy_sources_share_equally(void)
{
	check_busy_sources_share_equally(2, 1);
	check_busy_sources_share_equally(2, 32);
	check_busy_sources_share_equally(7, 5);
}

static const struct test_case tests[] = {
	TEST(test_init_rejects_nothing_to_share),
	TEST(test_sources_take_turns_of_quota),
	TEST(test_idle_sources_are_skipped),
	TEST(test_nothing_pending),
	TEST(test_turn_goes_on_across_batches),
	TEST(test_dry_source_loses_its_turn),
	TEST(test_trickling_source_is_not_starved),
	TEST(test_busy_sources_share_equally),
};

int main(void)
{
	return run_tests(tests, ARRAY_SIZE(tests));
}
