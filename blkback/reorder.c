// SPDX-License-Identifier: GPL-2.0
/*
 * reorder.c - the portable core of blkback's request reordering: elevator
 * order within conflict-free stages, merging, fair intake.  The contract
 * and the design are in reorder.h.
 */
#include "splitio/portable.h"
#include "reorder.h"

static u64 req_end(const struct reorder_req *req)
{
	return req->sector + req->nr_sectors;
}

static bool conflict(const struct reorder_req *a, const struct reorder_req *b)
{
	bool overlap = a->sector < req_end(b) && b->sector < req_end(a);

	return overlap && (a->kind != REORDER_READ || b->kind != REORDER_READ);
}

/* Whether @reqs[@i] conflicts with one of @reqs[@first..@i). */
static bool conflicts_with_stage(const struct reorder_req *reqs,
				 unsigned int first, unsigned int i)
{
	unsigned int j;

	for (j = first; j < i; j++)
		if (conflict(&reqs[j], &reqs[i]))
			return true;
	return false;
}

/* The end of the stage that starts at @first: see reorder.h. */
static unsigned int stage_end(const struct reorder_req *reqs, unsigned int n,
			      unsigned int first)
{
	unsigned int i;

	if (reorder_is_fence(&reqs[first]))
		return first + 1;
	for (i = first + 1; i < n; i++)
		if (reorder_is_fence(&reqs[i]) ||
		    conflicts_with_stage(reqs, first, i))
			break;
	return i;
}

/*
 * Moves @*head past @req, if @req moves data: a pure flush does not.
 * Returns the distance the head sought to get there.
 */
static u64 move_head(u64 *head, const struct reorder_req *req)
{
	u64 from = *head;

	if (!req->nr_sectors)
		return 0;
	*head = req_end(req);
	return req->sector >= from ? req->sector - from : from - req->sector;
}

/* What the sort compares: the requests and where the sweep starts. */
struct elevator {
	const struct reorder_req *reqs;
	u64 head;
};

/*
 * One-way elevator order.  The distance a head moving only upwards and
 * wrapping at 2^64 travels to a sector is (sector - head) mod 2^64:
 * ascending from the head, then ascending from 0.  Ties keep arrival order,
 * which also makes the order total, so the unstable heapsort is
 * deterministic.
 */
static bool elevator_before(const struct elevator *elv, u16 a, u16 b)
{
	u64 dist_a = elv->reqs[a].sector - elv->head;
	u64 dist_b = elv->reqs[b].sector - elv->head;

	return dist_a != dist_b ? dist_a < dist_b : a < b;
}

static void swap_u16(u16 *a, u16 *b)
{
	u16 tmp = *a;

	*a = *b;
	*b = tmp;
}

/* Restores the max-heap of @idx[0..@len) below @root. */
static void sift_down(const struct elevator *elv, u16 *idx,
		      unsigned int root, unsigned int len)
{
	unsigned int child;

	while ((child = 2 * root + 1) < len) {
		if (child + 1 < len &&
		    elevator_before(elv, idx[child], idx[child + 1]))
			child++;
		if (!elevator_before(elv, idx[root], idx[child]))
			return;
		swap_u16(&idx[root], &idx[child]);
		root = child;
	}
}

static void elevator_sort(const struct elevator *elv, u16 *idx,
			  unsigned int len)
{
	unsigned int i;

	for (i = len / 2; i-- > 0;)
		sift_down(elv, idx, i, len);
	for (i = len; i-- > 1;) {
		swap_u16(&idx[0], &idx[i]);
		sift_down(elv, idx, 0, i);
	}
}

/* Fills @order: stage after stage, each sorted from where the last left. */
static void plan_order(const struct reorder_req *reqs, unsigned int n,
		       u64 head, bool reorder, u16 *order)
{
	struct elevator elv = { .reqs = reqs, .head = head };
	unsigned int first, end, i;

	for (i = 0; i < n; i++)
		order[i] = i;
	if (!reorder)
		return;
	for (first = 0; first < n; first = end) {
		end = stage_end(reqs, n, first);
		elevator_sort(&elv, &order[first], end - first);
		for (i = first; i < end; i++)
			move_head(&elv.head, &reqs[order[i]]);
	}
}

static bool mergeable(const struct reorder_req *req)
{
	return !req->fua &&
	       (req->kind == REORDER_READ || req->kind == REORDER_WRITE);
}

/* The group being formed: its first and last request, its segments. */
struct group {
	const struct reorder_req *first;
	const struct reorder_req *last;
	u64 nr_segs;
};

static struct group group_of(const struct reorder_req *req)
{
	return (struct group){ .first = req, .last = req,
			       .nr_segs = req->nr_segs };
}

static bool group_can_take(const struct group *grp,
			   const struct reorder_req *req,
			   const struct reorder_params *params)
{
	/* Contiguous and ascending, so the group spans first..req_end(req). */
	return params->merge && mergeable(req) && mergeable(grp->last) &&
	       req->kind == grp->last->kind &&
	       req->sector == req_end(grp->last) &&
	       req_end(req) - grp->first->sector <= params->max_group_sectors &&
	       grp->nr_segs + req->nr_segs <= params->max_group_segs;
}

/* Cuts the issue order of @n >= 1 requests into groups, each maximal. */
static void plan_groups(const struct reorder_req *reqs, unsigned int n,
			const struct reorder_params *params,
			struct reorder_out *out)
{
	struct group grp = group_of(&reqs[out->order[0]]);
	unsigned int i;

	for (i = 1; i < n; i++) {
		const struct reorder_req *req = &reqs[out->order[i]];

		if (group_can_take(&grp, req, params)) {
			grp.last = req;
			grp.nr_segs += req->nr_segs;
			continue;
		}
		out->group_end[out->nr_groups++] = i;
		grp = group_of(req);
	}
	out->group_end[out->nr_groups++] = n;
}

/* Counts what the batch did and leaves @*head at the end of the last I/O. */
static void account(const struct reorder_req *reqs, unsigned int n,
		    const struct reorder_out *out, u64 *head,
		    struct reorder_stats *stats)
{
	u64 arrival_head = *head;
	unsigned int i;

	stats->batches++;
	stats->requests += n;
	stats->merges += n - out->nr_groups;
	for (i = 0; i < n; i++) {
		stats->reordered += out->order[i] != i;
		stats->seek_arrival += move_head(&arrival_head, &reqs[i]);
		stats->seek_issue += move_head(head, &reqs[out->order[i]]);
	}
}

int reorder_batch(const struct reorder_req *reqs, unsigned int n, u64 *head,
		  const struct reorder_params *params, struct reorder_out *out,
		  struct reorder_stats *stats)
{
	if (n > REORDER_MAX_BATCH)
		return -EINVAL;
	out->nr_groups = 0;
	if (!n)
		return 0;
	plan_order(reqs, n, *head, params->reorder, out->order);
	plan_groups(reqs, n, params, out);
	account(reqs, n, out, head, stats);
	return 0;
}

int reorder_intake_init(struct reorder_intake *intake,
			unsigned int nr_sources, unsigned int quota)
{
	if (!nr_sources || !quota)
		return -EINVAL;
	*intake = (struct reorder_intake){ .nr_sources = nr_sources,
					   .quota = quota, .credit = quota };
	return 0;
}

static void next_turn(struct reorder_intake *intake)
{
	intake->turn = (intake->turn + 1) % intake->nr_sources;
	intake->credit = intake->quota;
}

int reorder_intake_next(struct reorder_intake *intake,
			const unsigned int *pending)
{
	unsigned int tries;

	/*
	 * The source in turn with what credit it has left, then every source
	 * with a full quota, itself last.  A source with nothing pending
	 * loses the rest of its turn: credit is not saved up for a burst.
	 */
	for (tries = 0; tries <= intake->nr_sources; tries++) {
		if (intake->credit && pending[intake->turn]) {
			intake->credit--;
			return intake->turn;
		}
		next_turn(intake);
	}
	return -ENODATA;
}
