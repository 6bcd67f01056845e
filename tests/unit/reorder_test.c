// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-made cases of blkback/reorder.c's reorder_batch(): elevator order
 * and its wrap, the head position, fences, overlapping requests, merging,
 * the off switch and the counters, with seek distances worked out by hand.
 * Random batches are reorder_random.c's, the intake reorder_intake.c's.
 */
#include <stdio.h>

#include "splitio/portable.h"
#include "blkback/reorder.h"
#include "harness.h"

static struct reorder_req req(u8 kind, u64 sector, u64 nr_sectors)
{
	return (struct reorder_req){ .sector = sector,
				     .nr_sectors = nr_sectors,
				     .nr_segs = 1, .kind = kind };
}

static struct reorder_req rd(u64 sector, u64 nr_sectors)
{
	return req(REORDER_READ, sector, nr_sectors);
}

static struct reorder_req wr(u64 sector, u64 nr_sectors)
{
	return req(REORDER_WRITE, sector, nr_sectors);
}

static struct reorder_req fua_wr(u64 sector, u64 nr_sectors)
{
	struct reorder_req r = wr(sector, nr_sectors);

	r.fua = true;
	return r;
}

/* Merging up to 1 MiB and 256 segments, as blkback would. */
static const struct reorder_params reorder_on = {
	.reorder = true, .merge = true,
	.max_group_sectors = 2048, .max_group_segs = 256,
};

/* A batch's output arrays, the head and the counters, across batches. */
struct run {
	u16 order[REORDER_MAX_BATCH];
	u16 group_end[REORDER_MAX_BATCH];
	struct reorder_out out;
	unsigned int n;		/* requests in the last batch */
	u64 head;
	struct reorder_stats stats;
};

static void run_init(struct run *r, u64 head)
{
	*r = (struct run){ .head = head };
	r->out.order = r->order;
	r->out.group_end = r->group_end;
}

#define RUN(r, params, ...)						\
	run_batch(r, params, (const struct reorder_req[]){ __VA_ARGS__ },\
		  ARRAY_SIZE(((const struct reorder_req[]){ __VA_ARGS__ })))

static void run_batch(struct run *r, const struct reorder_params *params,
		      const struct reorder_req *reqs, unsigned int n)
{
	r->n = n;
	CHECK_EQ(reorder_batch(reqs, n, &r->head, params, &r->out, &r->stats),
		 0);
}

static void print_u16s(const char *what, const u16 *v, unsigned int n)
{
	unsigned int i;

	printf("  %s:", what);
	for (i = 0; i < n; i++)
		printf(" %u", v[i]);
	printf("\n");
}

static bool same_u16s(const u16 *got, unsigned int nr_got,
		      const u16 *want, unsigned int nr_want)
{
	if (nr_got == nr_want && !memcmp(got, want, nr_got * sizeof(*got)))
		return true;
	print_u16s("got ", got, nr_got);
	print_u16s("want", want, nr_want);
	return false;
}

#define U16S(...)	(const u16[]){ __VA_ARGS__ }
#define NR_U16S(...)	ARRAY_SIZE(U16S(__VA_ARGS__))

/* The issue order is exactly the indices listed. */
#define CHECK_ORDER(r, ...)						\
	CHECK(same_u16s((r)->order, (r)->n,		\
			U16S(__VA_ARGS__), NR_U16S(__VA_ARGS__)))

/* The groups end exactly at the positions listed. */
#define CHECK_GROUPS(r, ...)						\
	CHECK(same_u16s((r)->group_end, (r)->out.nr_groups,		\
			U16S(__VA_ARGS__), NR_U16S(__VA_ARGS__)))

static void test_elevator_order_wraps_at_head(void)
{
	struct run r;

	run_init(&r, 100);
	RUN(&r, &reorder_on, rd(150, 1), rd(50, 1), rd(120, 1), rd(10, 1),
	    rd(100, 1));
	CHECK_ORDER(&r, 4, 2, 0, 3, 1);
	CHECK_GROUPS(&r, 1, 2, 3, 4, 5);
}

static void test_equal_sectors_keep_arrival_order(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, rd(10, 4), rd(10, 4), rd(5, 1), rd(10, 4));
	CHECK_ORDER(&r, 2, 0, 1, 3);
}

static void test_head_ends_at_last_io(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, rd(100, 8), rd(20, 8));
	CHECK_ORDER(&r, 1, 0);
	CHECK_EQ(r.head, 108);

	/* The next batch sweeps on from 108. */
	RUN(&r, &reorder_on, rd(50, 8), rd(200, 8));
	CHECK_ORDER(&r, 1, 0);
	CHECK_EQ(r.head, 58);

	/* A pure flush moves no data, so it leaves the head alone. */
	RUN(&r, &reorder_on, rd(300, 8), req(REORDER_FLUSH, 0, 0));
	CHECK_EQ(r.head, 308);
}

static void test_head_follows_arrival_order_when_off(void)
{
	const struct reorder_params off = { .max_group_sectors = 2048,
					    .max_group_segs = 256 };
	struct run r;

	run_init(&r, 0);
	RUN(&r, &off, rd(100, 8), rd(20, 8));
	CHECK_ORDER(&r, 0, 1);
	CHECK_EQ(r.head, 28);
}

/*
 * Both sides of @fence would sort the other way round; nothing moves
 * across it and it is a group of its own.
 */
static void check_fence_not_crossed(struct reorder_req fence)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, rd(50, 1), wr(10, 1), fence, rd(5, 1), wr(1, 1));
	CHECK_ORDER(&r, 1, 0, 2, 4, 3);
	CHECK_GROUPS(&r, 1, 2, 3, 4, 5);
}

static void test_fences_are_not_crossed(void)
{
	check_fence_not_crossed(req(REORDER_BARRIER, 0, 0));
	check_fence_not_crossed(req(REORDER_BARRIER, 30, 8));
	check_fence_not_crossed(req(REORDER_FLUSH, 0, 0));
	check_fence_not_crossed(req(REORDER_FLUSH, 30, 8));
	check_fence_not_crossed(fua_wr(30, 8));
}

static void test_what_is_a_fence(void)
{
	struct reorder_req fua_rd = rd(0, 8);

	fua_rd.fua = true;
	CHECK(!reorder_is_fence(&(struct reorder_req){ .kind = REORDER_READ }));
	CHECK(!reorder_is_fence(&(struct reorder_req){
		.kind = REORDER_WRITE }));
	CHECK(!reorder_is_fence(&(struct reorder_req){
		.kind = REORDER_DISCARD }));
	CHECK(reorder_is_fence(&(struct reorder_req){ .kind = REORDER_FLUSH }));
	CHECK(reorder_is_fence(&(struct reorder_req){
		.kind = REORDER_BARRIER }));
	CHECK(reorder_is_fence(&(struct reorder_req){ .kind = 200 }));
	CHECK(reorder_is_fence(&(struct reorder_req){
		.kind = REORDER_WRITE, .fua = true }));
	/* Not asked for, but harmless: FUA of any kind is a fence. */
	CHECK(reorder_is_fence(&fua_rd));
}

static void test_fence_is_never_merged(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, wr(0, 8), fua_wr(8, 8), wr(16, 8));
	CHECK_GROUPS(&r, 1, 2, 3);
	run_init(&r, 0);
	RUN(&r, &reorder_on, wr(0, 8), req(REORDER_FLUSH, 8, 8), wr(16, 8));
	CHECK_GROUPS(&r, 1, 2, 3);
	run_init(&r, 0);
	RUN(&r, &reorder_on, wr(0, 8), req(REORDER_BARRIER, 0, 0), wr(8, 8));
	CHECK_ORDER(&r, 0, 1, 2);
	CHECK_GROUPS(&r, 1, 2, 3);
}

/* Sorting would swap the two, which overlap on sectors 104..107. */
static void check_overlap_kept(u8 first_kind, u8 second_kind)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, req(first_kind, 104, 8), req(second_kind, 100, 8));
	CHECK_ORDER(&r, 0, 1);
}

static void test_overlap_with_a_write_keeps_order(void)
{
	check_overlap_kept(REORDER_WRITE, REORDER_READ);
	check_overlap_kept(REORDER_READ, REORDER_WRITE);
	check_overlap_kept(REORDER_WRITE, REORDER_WRITE);
	check_overlap_kept(REORDER_DISCARD, REORDER_READ);
	check_overlap_kept(REORDER_READ, REORDER_DISCARD);
}

static void test_overlapping_reads_may_reorder(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, rd(104, 8), rd(100, 8));
	CHECK_ORDER(&r, 1, 0);
}

static void test_touching_ranges_do_not_conflict(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, wr(108, 8), wr(100, 8));
	CHECK_ORDER(&r, 1, 0);
	CHECK_GROUPS(&r, 2);
}

/*
 * Request 2 overlaps the write 0, so it starts a second stage, which is
 * sorted from where the first one left the head: 201, past both of its
 * requests, so both come after the wrap, ascending.
 */
static void test_conflict_starts_a_stage_swept_from_the_head(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, wr(50, 10), rd(200, 1), wr(55, 2), rd(10, 1));
	CHECK_ORDER(&r, 0, 1, 3, 2);
	CHECK_EQ(r.head, 57);
}

static void test_discard_is_never_merged(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, req(REORDER_DISCARD, 0, 8),
	    req(REORDER_DISCARD, 8, 8), wr(16, 8));
	CHECK_GROUPS(&r, 1, 2, 3);
}

static void test_adjacent_requests_merge_in_sector_order(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, wr(16, 8), wr(0, 8), wr(8, 8));
	CHECK_ORDER(&r, 1, 2, 0);
	CHECK_GROUPS(&r, 3);
	CHECK_EQ(r.stats.merges, 2);

	run_init(&r, 0);
	RUN(&r, &reorder_on, rd(8, 8), rd(0, 8), wr(16, 8), wr(24, 8));
	CHECK_ORDER(&r, 1, 0, 2, 3);
	CHECK_GROUPS(&r, 2, 4);
}

static void test_no_merge_across_directions_or_gaps(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, wr(0, 8), rd(8, 8), wr(16, 8));
	CHECK_GROUPS(&r, 1, 2, 3);
	run_init(&r, 0);
	RUN(&r, &reorder_on, wr(0, 8), wr(9, 8));
	CHECK_GROUPS(&r, 1, 2);
	CHECK_EQ(r.stats.merges, 0);
}

static void test_no_merge_past_max_sectors(void)
{
	struct reorder_params params = reorder_on;
	struct run r;

	params.max_group_sectors = 16;
	run_init(&r, 0);
	RUN(&r, &params, wr(0, 8), wr(8, 8), wr(16, 8));
	CHECK_GROUPS(&r, 2, 3);
	/* One request over the limit is still issued, alone. */
	run_init(&r, 0);
	RUN(&r, &params, wr(0, 8), wr(8, 32), wr(40, 8));
	CHECK_GROUPS(&r, 1, 2, 3);
}

static void test_no_merge_past_max_segments(void)
{
	struct reorder_params params = reorder_on;
	struct reorder_req reqs[3] = { rd(0, 8), rd(8, 8), rd(16, 8) };
	struct run r;

	params.max_group_segs = 8;
	reqs[0].nr_segs = reqs[1].nr_segs = reqs[2].nr_segs = 4;
	run_init(&r, 0);
	run_batch(&r, &params, reqs, ARRAY_SIZE(reqs));
	CHECK_GROUPS(&r, 2, 3);
}

static void test_merge_off(void)
{
	struct reorder_params params = reorder_on;
	struct run r;

	params.merge = false;
	run_init(&r, 0);
	RUN(&r, &params, wr(8, 8), wr(0, 8));
	CHECK_ORDER(&r, 1, 0);
	CHECK_GROUPS(&r, 1, 2);
	CHECK_EQ(r.stats.merges, 0);
}

static void test_reorder_off_keeps_arrival_order(void)
{
	struct reorder_params params = reorder_on;
	struct run r;

	params.reorder = false;
	run_init(&r, 0);
	RUN(&r, &params, rd(100, 8), wr(0, 8), wr(8, 8), rd(50, 1));
	CHECK_ORDER(&r, 0, 1, 2, 3);
	CHECK_GROUPS(&r, 1, 3, 4);
	CHECK_EQ(r.stats.reordered, 0);

	params.merge = false;
	run_init(&r, 0);
	RUN(&r, &params, rd(100, 8), wr(0, 8), wr(8, 8), rd(50, 1));
	CHECK_ORDER(&r, 0, 1, 2, 3);
	CHECK_GROUPS(&r, 1, 2, 3, 4);
}

/*
 * From 0, arrival order seeks 100, then 110 back to 0, then 40 up to 50:
 * 250.  Issue order 0, 50, 100 seeks 0 + 40 + 40 = 80.  All three moved.
 */
static void test_counters_by_hand(void)
{
	struct run r;

	run_init(&r, 0);
	RUN(&r, &reorder_on, rd(100, 10), rd(0, 10), rd(50, 10));
	CHECK_ORDER(&r, 1, 2, 0);
	CHECK_EQ(r.stats.batches, 1);
	CHECK_EQ(r.stats.requests, 3);
	CHECK_EQ(r.stats.reordered, 3);
	CHECK_EQ(r.stats.merges, 0);
	CHECK_EQ(r.stats.seek_arrival, 250);
	CHECK_EQ(r.stats.seek_issue, 80);
	CHECK_EQ(r.head, 110);

	/* Sequential from the head: no seek, one merge; totals add up. */
	RUN(&r, &reorder_on, wr(110, 10), wr(120, 10));
	CHECK_EQ(r.stats.batches, 2);
	CHECK_EQ(r.stats.requests, 5);
	CHECK_EQ(r.stats.reordered, 3);
	CHECK_EQ(r.stats.merges, 1);
	CHECK_EQ(r.stats.seek_arrival, 250);
	CHECK_EQ(r.stats.seek_issue, 80);
}

/* 990 down to 10, the flush moves nothing, 15 back from 20 down to 5. */
static void test_counters_with_fence_and_backward_seek(void)
{
	struct run r;

	run_init(&r, 1000);
	RUN(&r, &reorder_on, rd(10, 10), req(REORDER_FLUSH, 0, 0), rd(5, 5));
	CHECK_ORDER(&r, 0, 1, 2);
	CHECK_EQ(r.stats.seek_arrival, 1005);
	CHECK_EQ(r.stats.seek_issue, 1005);
	CHECK_EQ(r.stats.reordered, 0);
	CHECK_EQ(r.head, 10);
}

static void test_empty_and_oversized_batches_change_nothing(void)
{
	static struct reorder_req reqs[REORDER_MAX_BATCH + 1];
	struct run r;

	run_init(&r, 42);
	r.out.nr_groups = 7;
	CHECK_EQ(reorder_batch(reqs, 0, &r.head, &reorder_on, &r.out,
			       &r.stats), 0);
	CHECK_EQ(r.out.nr_groups, 0);
	CHECK_EQ(r.stats.batches, 0);
	CHECK_EQ(r.head, 42);
	CHECK_EQ(reorder_batch(reqs, REORDER_MAX_BATCH + 1, &r.head,
			       &reorder_on, &r.out, &r.stats), -EINVAL);
	CHECK_EQ(r.stats.batches, 0);
	CHECK_EQ(r.head, 42);
}

/* A full batch in descending order comes out ascending, in 1 MiB I/Os. */
static void test_full_batch(void)
{
	static struct reorder_req reqs[REORDER_MAX_BATCH];
	struct run r;
	unsigned int i;

	for (i = 0; i < REORDER_MAX_BATCH; i++)
		reqs[i] = wr(8 * (REORDER_MAX_BATCH - 1 - i), 8);
	run_init(&r, 0);
	run_batch(&r, &reorder_on, reqs, REORDER_MAX_BATCH);
	for (i = 0; i < REORDER_MAX_BATCH; i++)
		if (!CHECK_EQ(r.order[i], REORDER_MAX_BATCH - 1 - i))
			break;
	CHECK_EQ(r.out.nr_groups, REORDER_MAX_BATCH * 8 / 2048);
	CHECK_EQ(r.head, REORDER_MAX_BATCH * 8);
}

static const struct test_case tests[] = {
	TEST(test_elevator_order_wraps_at_head),
	TEST(test_equal_sectors_keep_arrival_order),
	TEST(test_head_ends_at_last_io),
	TEST(test_head_follows_arrival_order_when_off),
	TEST(test_fences_are_not_crossed),
	TEST(test_what_is_a_fence),
	TEST(test_fence_is_never_merged),
	TEST(test_overlap_with_a_write_keeps_order),
	TEST(test_overlapping_reads_may_reorder),
	TEST(test_touching_ranges_do_not_conflict),
	TEST(test_conflict_starts_a_stage_swept_from_the_head),
	TEST(test_discard_is_never_merged),
	TEST(test_adjacent_requests_merge_in_sector_order),
	TEST(test_no_merge_across_directions_or_gaps),
	TEST(test_no_merge_past_max_sectors),
	TEST(test_no_merge_past_max_segments),
	TEST(test_merge_off),
	TEST(test_reorder_off_keeps_arrival_order),
	TEST(test_counters_by_hand),
	TEST(test_counters_with_fence_and_backward_seek),
	TEST(test_empty_and_oversized_batches_change_nothing),
	TEST(test_full_batch),
};

int main(void)
{
	return run_tests(tests, ARRAY_SIZE(tests));
}
