// SPDX-License-Identifier: GPL-2.0
/*
 * Reordered dispatch.  With reordering on for a device, each ring's thread
 * takes a batch of requests - each copied once, validated and its grants
 * mapped, nothing issued - hands it to the portable core (reorder.c),
 * which picks elevator order, groups adjacent requests and places fences,
 * and issues the groups in that order.  A group's requests are submitted
 * one after the other under a plug, where the block layer merges their
 * bios into one I/O while each request keeps its own completion and
 * response.  At a fence (a flush) the thread waits for everything issued
 * before it, issues the fence alone and waits for it too: a flush then
 * covers every write the frontend saw issued before it, and nothing
 * issued after it can overtake it.
 *
 * The order holds among one ring's requests; a device's rings are served
 * by their own threads, as without reordering, so a fence on one queue
 * does not wait for another queue's I/O (blkfront never relies on that:
 * it flushes per queue).
 */
#include <linux/blkdev.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>

#include "blkback/common.h"

static_assert(BLKBACK_BATCH <= REORDER_MAX_BATCH);

/*
 * Off by default: the backend then issues requests as they come, which is
 * what Linux's own blkback does and what our figures were measured with.
 * Each device takes this value at probe; its "reorder" attribute in sysfs
 * switches it afterwards.
 */
bool blkback_reorder_default;
module_param_named(reorder, blkback_reorder_default, bool, 0644);
MODULE_PARM_DESC(reorder,
		 "Issue each batch of requests in elevator order, merging adjacent ones, for devices probed from now on (default: off)");

static u64 sched_data_sectors(const struct blkback_pending *p)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < p->nr_segs; i++)
		total += p->segs[i].last_sect - p->segs[i].first_sect + 1;
	return total;
}

/* What the core needs of a validated request; @p is NULL for a discard. */
static struct reorder_req sched_describe(const struct blkback_request *req,
					 const struct blkback_pending *p)
{
	struct reorder_req rreq = {
		.sector = req->sector,
		.nr_segs = req->nr_segs,
	};

	switch (req->operation) {
	case BLKIF_OP_READ:
		rreq.kind = REORDER_READ;
		break;
	case BLKIF_OP_WRITE:
		rreq.kind = REORDER_WRITE;
		break;
	case BLKIF_OP_DISCARD:
		rreq.kind = REORDER_DISCARD;
		rreq.nr_sectors = req->nr_sectors;
		rreq.nr_segs = 0;
		return rreq;
	default:		/* BLKIF_OP_FLUSH_DISKCACHE, with data or not */
		rreq.kind = REORDER_FLUSH;
		break;
	}
	rreq.nr_sectors = sched_data_sectors(p);
	return rreq;
}

/*
 * Adds a validated request to the ring's batch, its grants mapped.
 * Returns 0, or -errno with nothing mapped: answer it as failed.
 */
int blkback_batch_add(struct blkback_ring *ring,
		      const struct blkback_request *req)
{
	struct blkback_batch *batch = &ring->batch;
	struct blkback_pending *p = NULL;
	unsigned int i;

	/* ring_intake() takes no more than a batch; stay safe if it did. */
	if (batch->nr == BLKBACK_BATCH)
		blkback_batch_issue(ring);
	if (req->operation != BLKIF_OP_DISCARD) {
		p = blkback_prepare_rw(ring, req);
		if (IS_ERR(p))
			return PTR_ERR(p);
		batch->unissued++;
	}
	i = batch->nr++;
	batch->reqs[i] = *req;
	batch->pending[i] = p;
	batch->rreqs[i] = sched_describe(req, p);
	return 0;
}

/*
 * Waits until everything issued has ended, and answers it; what is in
 * the batch, prepared but not issued, stays.
 */
static void sched_wait_issued(struct blkback_ring *ring)
{
	while (ring->inflight > ring->batch.unissued) {
		blkback_wait_complete(ring);
	}
}

static void sched_issue_one(struct blkback_ring *ring, unsigned int i)
{
	struct blkback_batch *batch = &ring->batch;
	const struct blkback_request *req = &batch->reqs[i];

	if (!batch->pending[i]) {	/* a discard: waits for the device */
		blkback_respond(ring, req->id, req->operation,
				blkback_discard(ring, req));
		return;
	}
	batch->unissued--;
	blkback_issue_rw(ring, batch->pending[i]);
}

/*
 * A fence runs alone: the plug is flushed so that what came before is
 * really under way, then waited for, and the fence too.
 */
static void sched_issue_fence(struct blkback_ring *ring, unsigned int i,
			      struct blk_plug *plug)
{
	blk_finish_plug(plug);
	sched_wait_issued(ring);
	sched_issue_one(ring, i);
	sched_wait_issued(ring);
	blk_start_plug(plug);
}

static struct reorder_params sched_params(const struct blkback_dev *be)
{
	struct request_queue *q = bdev_get_queue(be->bdev);

	return (struct reorder_params){
		.reorder = true,
		.merge = true,
		.max_group_sectors = queue_max_sectors(q),
		.max_group_segs = queue_max_segments(q),
	};
}

static void sched_account(struct blkback_stats *stats,
			  const struct reorder_stats *rs)
{
	atomic64_add(rs->batches, &stats->ro_batches);
	atomic64_add(rs->requests, &stats->ro_requests);
	atomic64_add(rs->reordered, &stats->ro_reordered);
	atomic64_add(rs->merges, &stats->ro_merges);
	atomic64_add(rs->seek_arrival, &stats->ro_seek_before);
	atomic64_add(rs->seek_issue, &stats->ro_seek_after);
}

/* Issues the ring's batch, group after group, and empties it. */
void blkback_batch_issue(struct blkback_ring *ring)
{
	struct blkback_batch *batch = &ring->batch;
	struct reorder_params params = sched_params(ring->be);
	struct reorder_out out = {
		.order = batch->order,
		.group_end = batch->group_end,
	};
	struct reorder_stats rs = {};
	unsigned int g, i = 0;
	struct blk_plug plug;

	if (!batch->nr)
		return;
	/* Cannot fail, see the assertion above; else arrival order. */
	if (reorder_batch(batch->rreqs, batch->nr, &batch->head, &params,
			  &out, &rs)) {
		for (i = 0; i < batch->nr; i++) {
			batch->order[i] = i;
			batch->group_end[i] = i + 1;
		}
		out.nr_groups = batch->nr;
		i = 0;
	}
	blk_start_plug(&plug);
	for (g = 0; g < out.nr_groups; g++) {
		unsigned int end = batch->group_end[g];

		if (reorder_is_fence(&batch->rreqs[batch->order[i]])) {
			sched_issue_fence(ring, batch->order[i], &plug);
			i = end;
			continue;
		}
		for (; i < end; i++)
			sched_issue_one(ring, batch->order[i]);
	}
	blk_finish_plug(&plug);
	batch->nr = 0;
	sched_account(&ring->be->stats, &rs);
}
