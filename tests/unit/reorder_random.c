// SPDX-License-Identifier: GPL-2.0
/*
 * Random batches through blkback/reorder.c's reorder_batch(), from a seed
 * that is printed and that REORDER_SEED=n overrides:
 *  - properties, checked against naive reimplementations of reorder.h's
 *    rules: every request issued once, nothing across a fence, conflicting
 *    requests in arrival order, every stage in elevator order, groups that
 *    are one I/O each and as long as allowed, counters and head;
 *  - an oracle: a small in-memory disk on which the issue order must leave
 *    the same data as the arrival order, every read seeing the same data.
 * Sectors are drawn from small ranges so that requests overlap often.
 */
#include <stdio.h>
#include <stdlib.h>

#include "splitio/portable.h"
#include "blkback/reorder.h"
#include "harness.h"

#define DEFAULT_SEED		20241122
#define NR_BATCHES		3000
#define MAX_REQ_SECTORS		16
/* Overlap-free batches give each request a slot of its own. */
#define SLOT_SECTORS		(2 * MAX_REQ_SECTORS)
#define MAX_DISK_SECTORS	(REORDER_MAX_BATCH * SLOT_SECTORS)

static u64 seed = DEFAULT_SEED;
static u64 rng_state;

/* splitmix64: the same sequence from a seed on every libc. */
static u64 rng_next(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static u64 rng_below(u64 bound)
{
	return rng_next() % bound;
}

static bool rng_percent(unsigned int percent)
{
	return rng_below(100) < percent;
}

/* Each test case draws its own sequence, so each repeats on its own. */
static void rng_start(u64 salt)
{
	rng_state = seed ^ salt;
}

struct batch {
	struct reorder_req reqs[REORDER_MAX_BATCH];
	unsigned int n;
	u64 base;		/* sector 0 of the disk the batch is on */
	u64 head;
	struct reorder_params params;
};

static const unsigned int ring_sizes[] = { 32, 256, REORDER_MAX_BATCH };
static const u64 disk_sizes[] = { 16, 64, 256, 4096 };
static const unsigned int fence_percents[] = { 0, 0, 2, 10 };

static struct reorder_req random_fence(u64 sector, u64 nr_sectors)
{
	struct reorder_req r = { .sector = sector, .nr_sectors = nr_sectors,
				 .nr_segs = 1 };

	switch (rng_below(3)) {
	case 0:
		r.kind = REORDER_FLUSH;
		break;
	case 1:
		r.kind = REORDER_BARRIER;
		break;
	default:
		r.kind = REORDER_WRITE;
		r.fua = true;
		return r;
	}
	if (rng_percent(50))
		r.nr_sectors = 0;	/* a pure flush or barrier */
	return r;
}

static struct reorder_req random_req(u64 sector, unsigned int fence_percent)
{
	u64 nr_sectors = 1 + rng_below(MAX_REQ_SECTORS);
	unsigned int kind = rng_below(100);

	if (rng_percent(fence_percent))
		return random_fence(sector, nr_sectors);
	return (struct reorder_req){
		.sector = sector, .nr_sectors = nr_sectors,
		.nr_segs = 1 + rng_below(11),
		.kind = kind < 50 ? REORDER_READ :
			kind < 93 ? REORDER_WRITE : REORDER_DISCARD,
	};
}

/* Crowded: sectors from a small range, often right after the last one. */
static void fill_crowded(struct batch *b, u64 *disk_sectors)
{
	unsigned int fence_percent =
		fence_percents[rng_below(ARRAY_SIZE(fence_percents))];
	u64 next = 0;
	unsigned int i;

	*disk_sectors = disk_sizes[rng_below(ARRAY_SIZE(disk_sizes))];
	for (i = 0; i < b->n; i++) {
		u64 sector = rng_percent(30) && next < *disk_sectors ?
			     next : rng_below(*disk_sectors);

		b->reqs[i] = random_req(b->base + sector, fence_percent);
		next = sector + b->reqs[i].nr_sectors;
	}
}

/* No overlaps and no fences: one request per slot, slots shuffled. */
static void fill_overlap_free(struct batch *b, u64 *disk_sectors)
{
	static u16 slots[REORDER_MAX_BATCH];
	unsigned int i, j;

	for (i = 0; i < b->n; i++) {
		j = rng_below(i + 1);
		slots[i] = slots[j];
		slots[j] = i;
	}
	for (i = 0; i < b->n; i++) {
		u64 offset = rng_below(SLOT_SECTORS - MAX_REQ_SECTORS);

		b->reqs[i] = random_req(b->base + slots[i] * SLOT_SECTORS +
					offset, 0);
	}
	*disk_sectors = b->n * SLOT_SECTORS;
}

/* Mostly near sector 0, sometimes at the top of the 64-bit range. */
static void random_batch(struct batch *b)
{
	u64 disk_sectors;

	b->n = 1 + rng_below(ring_sizes[rng_below(ARRAY_SIZE(ring_sizes))]);
	b->base = rng_percent(10) ? -(u64)(2 * MAX_DISK_SECTORS) : 0;
	if (rng_percent(25))
		fill_overlap_free(b, &disk_sectors);
	else
		fill_crowded(b, &disk_sectors);
	b->head = b->base + (rng_percent(30) ? 0 : rng_below(disk_sectors));
	b->params = (struct reorder_params){
		.reorder = rng_percent(90),
		.merge = rng_percent(80),
		.max_group_sectors = rng_percent(50) ? 2048 : 8 << rng_below(3),
		.max_group_segs = rng_percent(50) ? 256 : 4 << rng_below(3),
	};
}

/* reorder.h's rules, written out again as plainly as possible. */

static bool is_fence(const struct reorder_req *r)
{
	return r->fua || r->kind == REORDER_FLUSH || r->kind == REORDER_BARRIER;
}

static u64 end_of(const struct reorder_req *r)
{
	return r->sector + r->nr_sectors;
}

static bool overlap(const struct reorder_req *a, const struct reorder_req *b)
{
	return a->sector < end_of(b) && b->sector < end_of(a);
}

static bool conflict(const struct reorder_req *a, const struct reorder_req *b)
{
	return overlap(a, b) &&
	       (a->kind != REORDER_READ || b->kind != REORDER_READ);
}

static unsigned int stage_end(const struct batch *b, unsigned int first)
{
	unsigned int end, j;

	if (is_fence(&b->reqs[first]))
		return first + 1;
	for (end = first + 1; end < b->n; end++) {
		if (is_fence(&b->reqs[end]))
			return end;
		for (j = first; j < end; j++)
			if (conflict(&b->reqs[j], &b->reqs[end]))
				return end;
	}
	return end;
}

static bool elevator_ordered(const struct batch *b, u64 head, u16 x, u16 y)
{
	u64 dist_x = b->reqs[x].sector - head;
	u64 dist_y = b->reqs[y].sector - head;

	return dist_x < dist_y || (dist_x == dist_y && x < y);
}

static bool plain(const struct reorder_req *r)
{
	return !r->fua && (r->kind == REORDER_READ || r->kind == REORDER_WRITE);
}

/* Whether @cand may join the group @members[0..@len) of @b. */
static bool can_join(const struct batch *b, const u16 *members,
		     unsigned int len, u16 cand)
{
	const struct reorder_req *c = &b->reqs[cand];
	u64 segs = c->nr_segs;
	unsigned int i;

	if (!b->params.merge || !plain(c) ||
	    c->sector != end_of(&b->reqs[members[len - 1]]) ||
	    end_of(c) - b->reqs[members[0]].sector >
	    b->params.max_group_sectors)
		return false;
	for (i = 0; i < len; i++) {
		const struct reorder_req *m = &b->reqs[members[i]];

		if (!plain(m) || m->kind != c->kind)
			return false;
		segs += m->nr_segs;
	}
	return segs <= b->params.max_group_segs;
}

/* The distance the head seeks to @r, moving it past @r if @r has data. */
static u64 seek_to(u64 *head, const struct reorder_req *r)
{
	u64 dist = r->sector > *head ? r->sector - *head : *head - r->sector;

	if (!r->nr_sectors)
		return 0;
	*head = end_of(r);
	return dist;
}

/* What reorder_batch() said about a batch. */
struct result {
	u16 order[REORDER_MAX_BATCH];
	u16 group_end[REORDER_MAX_BATCH];
	struct reorder_out out;
	u64 head;
	struct reorder_stats stats;
};

static bool run_batch(const struct batch *b, struct result *res)
{
	*res = (struct result){ .head = b->head };
	res->out.order = res->order;
	res->out.group_end = res->group_end;
	return CHECK_EQ(reorder_batch(b->reqs, b->n, &res->head, &b->params,
				      &res->out, &res->stats), 0);
}

static bool check_issued_once(const struct batch *b, const u16 *order)
{
	unsigned int times[REORDER_MAX_BATCH] = { 0 };
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (!CHECK(order[i] < b->n) || !CHECK(!times[order[i]]++))
			return false;
	return true;
}

/* A fence is issued where it came, with all before it before, as it were. */
static void check_fences_hold(const struct batch *b, const u16 *order)
{
	unsigned int fence, i;

	for (fence = 0; fence < b->n; fence++) {
		if (!is_fence(&b->reqs[fence]))
			continue;
		CHECK_EQ(order[fence], fence);
		for (i = 0; i < b->n; i++)
			if (!CHECK_EQ(order[i] < fence, i < fence))
				return;
	}
}

static void check_conflicts_keep_order(const struct batch *b, const u16 *order)
{
	u16 position[REORDER_MAX_BATCH];
	unsigned int i, j;

	for (i = 0; i < b->n; i++)
		position[order[i]] = i;
	for (i = 0; i < b->n; i++)
		for (j = i + 1; j < b->n; j++)
			if (conflict(&b->reqs[i], &b->reqs[j]) &&
			    !CHECK(position[i] < position[j]))
				return;
}

/* Stage after stage, in elevator order from where the last one left. */
static void check_stages_sorted(const struct batch *b, const u16 *order)
{
	u64 head = b->head;
	unsigned int first, end, i;

	for (first = 0; first < b->n; first = end) {
		end = b->params.reorder ? stage_end(b, first) : b->n;
		for (i = first; i < end; i++) {
			if (!b->params.reorder) {
				if (!CHECK_EQ(order[i], i))
					return;
				continue;
			}
			if (!CHECK(order[i] >= first && order[i] < end) ||
			    (i > first &&
			     !CHECK(elevator_ordered(b, head, order[i - 1],
						     order[i]))))
				return;
		}
		for (i = first; i < end; i++)
			seek_to(&head, &b->reqs[order[i]]);
	}
}

/* Each group one I/O, and no group could have taken the next request. */
static void check_groups(const struct batch *b, const struct reorder_out *out)
{
	unsigned int g, i, start = 0, prev_start = 0;

	if (!CHECK(out->nr_groups >= 1 && out->nr_groups <= b->n) ||
	    !CHECK_EQ(out->group_end[out->nr_groups - 1], b->n))
		return;
	for (g = 0; g < out->nr_groups; g++) {
		if (!CHECK(out->group_end[g] > start))
			return;
		for (i = start + 1; i < out->group_end[g]; i++)
			if (!CHECK(can_join(b, &out->order[start], i - start,
					    out->order[i])))
				return;
		if (g && !CHECK(!can_join(b, &out->order[prev_start],
					  start - prev_start,
					  out->order[start])))
			return;
		prev_start = start;
		start = out->group_end[g];
	}
}

static void check_stats(const struct batch *b, const struct result *res)
{
	u64 arrival = 0, issue = 0, arrival_head = b->head, head = b->head;
	unsigned int i, moved = 0;

	for (i = 0; i < b->n; i++) {
		arrival += seek_to(&arrival_head, &b->reqs[i]);
		issue += seek_to(&head, &b->reqs[res->order[i]]);
		moved += res->order[i] != i;
	}
	CHECK_EQ(res->head, head);
	CHECK_EQ(res->stats.batches, 1);
	CHECK_EQ(res->stats.requests, b->n);
	CHECK_EQ(res->stats.reordered, moved);
	CHECK_EQ(res->stats.merges, b->n - res->out.nr_groups);
	CHECK_EQ(res->stats.seek_arrival, arrival);
	CHECK_EQ(res->stats.seek_issue, issue);
}

static bool any_overlap_or_fence(const struct batch *b)
{
	unsigned int i, j;

	for (i = 0; i < b->n; i++) {
		if (is_fence(&b->reqs[i]))
			return true;
		for (j = i + 1; j < b->n; j++)
			if (overlap(&b->reqs[i], &b->reqs[j]))
				return true;
	}
	return false;
}

static bool all_at_or_after_head(const struct batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		if (b->reqs[i].sector < b->head)
			return false;
	return true;
}

/* Seek distances over the batches reordered, for the improvement. */
struct seek_totals {
	u64 arrival, issue;
	unsigned int batches;
};

static void seek_totals_add(struct seek_totals *t, const struct result *res)
{
	t->arrival += res->stats.seek_arrival;
	t->issue += res->stats.seek_issue;
	t->batches++;
}

static void seek_totals_print(const char *what, const struct seek_totals *t)
{
	printf("  %s: %u batches, seek distance %llu in arrival order, %llu in issue order: %.1f%% less\n",
	       what, t->batches, (unsigned long long)t->arrival,
	       (unsigned long long)t->issue,
	       t->arrival ? 100.0 * ((double)t->arrival - (double)t->issue) /
			    (double)t->arrival : 0.0);
}

/*
 * Without overlaps the issue order is one sweep; if no request lies before
 * the head, that sweep is the shortest way to visit them all, since any
 * order must carry the head from where it is to the highest end.  With a
 * wrap or with overlaps, arrival order may happen to be shorter.
 */
static void check_seek(const struct batch *b, const struct result *res,
		       struct seek_totals *crowded,
		       struct seek_totals *overlap_free)
{
	if (!b->params.reorder)
		return;
	if (any_overlap_or_fence(b)) {
		seek_totals_add(crowded, res);
		return;
	}
	seek_totals_add(overlap_free, res);
	if (all_at_or_after_head(b))
		CHECK(res->stats.seek_issue <= res->stats.seek_arrival);
}

static void test_random_batches_keep_the_rules(void)
{
	static struct batch b;
	static struct result res;
	struct seek_totals crowded = { 0 }, overlap_free = { 0 };
	unsigned int i;

	rng_start(1);
	for (i = 0; i < NR_BATCHES; i++) {
		unsigned int failed = harness_failed_checks;

		random_batch(&b);
		if (!run_batch(&b, &res) || !check_issued_once(&b, res.order))
			break;
		check_fences_hold(&b, res.order);
		check_conflicts_keep_order(&b, res.order);
		check_stages_sorted(&b, res.order);
		check_groups(&b, &res.out);
		check_stats(&b, &res);
		check_seek(&b, &res, &crowded, &overlap_free);
		if (harness_failed_checks != failed) {
			printf("  batch %u of seed %llu\n", i,
			       (unsigned long long)seed);
			break;
		}
	}
	seek_totals_print("with overlaps or fences", &crowded);
	seek_totals_print("overlap-free", &overlap_free);
}

/*
 * The oracle's disk.  A write stores a token naming the request and the
 * sector's offset in it, a discard stores 0; a read records what it saw.
 */
struct disk {
	u32 data[MAX_DISK_SECTORS];
	u32 seen[REORDER_MAX_BATCH][MAX_REQ_SECTORS];
};

static void disk_apply(struct disk *d, const struct batch *b, u16 i)
{
	const struct reorder_req *r = &b->reqs[i];
	u64 first = r->sector - b->base, k;

	for (k = 0; k < r->nr_sectors; k++) {
		u32 *sector = &d->data[first + k];

		if (r->kind == REORDER_READ)
			d->seen[i][k] = *sector;
		else if (r->kind == REORDER_DISCARD)
			*sector = 0;
		else
			*sector = (u32)(i + 1) << 8 | (u32)k;
	}
}

static void disk_run(struct disk *d, const struct batch *b, const u16 *order)
{
	unsigned int i;

	memset(d->seen, 0, sizeof(d->seen));
	for (i = 0; i < MAX_DISK_SECTORS; i++)
		d->data[i] = 0x80000000u | i;	/* what was there before */
	for (i = 0; i < b->n; i++)
		disk_apply(d, b, order[i]);
}

/* Whether @order does to the disk what arrival order does. */
static bool same_effect(const struct batch *b, const u16 *order)
{
	static struct disk arrival, issue;
	static u16 identity[REORDER_MAX_BATCH];
	unsigned int i;

	for (i = 0; i < b->n; i++)
		identity[i] = i;
	disk_run(&arrival, b, identity);
	disk_run(&issue, b, order);
	return !memcmp(&arrival, &issue, sizeof(arrival));
}

static void test_oracle_catches_a_bad_order(void)
{
	static struct batch b = {
		.n = 2,
		.reqs = {
			{ .sector = 0, .nr_sectors = 4, .kind = REORDER_WRITE },
			{ .sector = 2, .nr_sectors = 4, .kind = REORDER_READ },
		},
	};

	CHECK(same_effect(&b, (const u16[]){ 0, 1 }));
	CHECK(!same_effect(&b, (const u16[]){ 1, 0 }));
}

static void test_random_batches_have_the_same_effect(void)
{
	static struct batch b;
	static struct result res;
	unsigned int i;

	rng_start(2);
	for (i = 0; i < NR_BATCHES; i++) {
		random_batch(&b);
		if (!run_batch(&b, &res))
			break;
		if (!CHECK(same_effect(&b, res.order))) {
			printf("  batch %u of seed %llu\n", i,
			       (unsigned long long)seed);
			break;
		}
	}
}

static const struct test_case tests[] = {
	TEST(test_random_batches_keep_the_rules),
	TEST(test_oracle_catches_a_bad_order),
	TEST(test_random_batches_have_the_same_effect),
};

int main(void)
{
	const char *env = getenv("REORDER_SEED");

	if (env)
		seed = strtoull(env, NULL, 0);
	printf("seed %llu (REORDER_SEED=n to change)\n",
	       (unsigned long long)seed);
	return run_tests(tests, ARRAY_SIZE(tests));
}
