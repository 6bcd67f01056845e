// SPDX-License-Identifier: GPL-2.0
/*
 * Reordered dispatch.  With reordering on for a device, each ring's thread
 * still copies, validates and maps every request, but instead of issuing
 * it stages it on the backing disk (disk.c).  The disk's dispatcher thread
 * takes a round of staged requests from all the rings on that disk, in
 * turns (struct reorder_intake), so that no guest starves however busy
 * another is; hands the round to the portable core (reorder.c), which
 * picks elevator order, groups adjacent requests and places fences; and
 * issues the groups in that order.  A group's requests are submitted one
 * after the other under a plug, where the block layer merges their bios
 * into one I/O while each request keeps its own completion and response,
 * which its ring's thread sends as without reordering.
 *
 * At a fence (a flush or a barrier) the dispatcher waits until every
 * request it issued before has ended, issues the fence alone and waits for
 * it too: a flush then covers every write the frontend saw issued before
 * it, and nothing issued after it can overtake it.  The fence holds back
 * every reordering guest on the disk for that time, which costs the others
 * a little and keeps the rule simple.  A ring switching between reordering
 * and direct issue first waits for all its requests (ring.c), so the two
 * never mix.
 */
#include <linux/blkdev.h>
#include <linux/kthread.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>

#include "blkback/common.h"

/*
 * Off by default: the backend then issues requests as they come, which is
 * what Linux's own blkback does and what our figures were measured with.
 * Each device takes this value at probe; its "reorder" attribute in sysfs
 * switches it afterwards.
 */
bool blkback_reorder_default;
module_param_named(reorder, blkback_reorder_default, bool, 0644);
MODULE_PARM_DESC(reorder,
		 "Issue requests in elevator order, merging adjacent ones and taking turns between the guests on one disk, for devices probed from now on (default: off)");

/*
 * What the core needs of a prepared request.  Sectors are the disk's, not
 * the partition's, so that guests on different partitions sort together.
 */
static struct reorder_req sched_describe(const struct blkback_pending *p)
{
	struct reorder_req rreq = {
		.sector = p->sector + get_start_sect(p->ring->be->bdev),
		.nr_sectors = p->nr_sectors,
		.nr_segs = p->nr_segs,
	};

	switch (p->operation) {
	case BLKIF_OP_READ:
		rreq.kind = REORDER_READ;
		break;
	case BLKIF_OP_WRITE:
		rreq.kind = REORDER_WRITE;
		break;
	case BLKIF_OP_DISCARD:
		rreq.kind = REORDER_DISCARD;
		break;
	case BLKIF_OP_WRITE_BARRIER:
		rreq.kind = REORDER_BARRIER;
		break;
	default:		/* BLKIF_OP_FLUSH_DISKCACHE, with data or not */
		rreq.kind = REORDER_FLUSH;
		break;
	}
	return rreq;
}

/*
 * Prepares a validated request and stages it for the dispatcher, which
 * blkback_sched_kick() wakes.  Returns 0, or -errno with nothing mapped:
 * answer it as failed.
 */
int blkback_sched_add(struct blkback_ring *ring,
		      const struct blkback_request *req)
{
	struct blkback_pending *p = blkback_prepare(ring, req);

	if (IS_ERR(p))
		return PTR_ERR(p);
	p->rreq = sched_describe(p);
	blkback_disk_stage(ring, p);
	return 0;
}

/* The dispatcher has work if a ring staged some since it last looked. */
void blkback_sched_kick(struct blkback_dev *be)
{
	if (READ_ONCE(be->disk->nr_staged))
		wake_up(&be->disk->wq);
}

/* Takes a round of staged requests, each ring in its turn. */
static void sched_take(struct blkback_disk *disk)
{
	struct blkback_sched_batch *batch = &disk->batch;
	struct blkback_pending *p;
	struct blkback_ring *ring;
	int src;

	spin_lock(&disk->lock);
	for (batch->nr = 0; batch->nr < BLKBACK_SCHED_BATCH; batch->nr++) {
		src = reorder_intake_next(&disk->intake, disk->staged);
		if (src < 0)
			break;
		ring = disk->sources[src];
		p = list_first_entry(&ring->staged, struct blkback_pending,
				     node);
		list_del_init(&p->node);
		disk->staged[src]--;
		disk->nr_staged--;
		batch->pending[batch->nr] = p;
		batch->rreqs[batch->nr] = p->rreq;
	}
	spin_unlock(&disk->lock);
}

/*
 * Only the requests the dispatcher issued count: a device on the same
 * disk with reordering off never holds up a fence.
 */
static void sched_issue_one(struct blkback_disk *disk,
			    struct blkback_pending *p)
{
	p->dispatched = true;
	atomic_inc(&disk->in_flight);
	blkback_issue(p);
}

static void sched_wait_idle(struct blkback_disk *disk)
{
	wait_event_idle(disk->idle_wq, !atomic_read(&disk->in_flight));
}

/*
 * A fence runs alone: the plug is flushed so that what came before is
 * really under way, then waited for, and the fence too.
 */
static void sched_issue_fence(struct blkback_disk *disk,
			      struct blkback_pending *p, struct blk_plug *plug)
{
	blk_finish_plug(plug);
	sched_wait_idle(disk);
	sched_issue_one(disk, p);
	sched_wait_idle(disk);
	blk_start_plug(plug);
}

static struct reorder_params sched_params(const struct blkback_disk *disk)
{
	struct request_queue *q = disk->gd->queue;

	return (struct reorder_params){
		.reorder = true,
		.merge = true,
		.max_group_sectors = queue_max_sectors(q),
		.max_group_segs = queue_max_segments(q),
	};
}

static void sched_account(struct blkback_disk *disk,
			  const struct reorder_stats *rs)
{
	atomic64_add(rs->batches, &disk->ro_batches);
	atomic64_add(rs->requests, &disk->ro_requests);
	atomic64_add(rs->reordered, &disk->ro_reordered);
	atomic64_add(rs->merges, &disk->ro_merges);
	atomic64_add(rs->seek_arrival, &disk->ro_seek_before);
	atomic64_add(rs->seek_issue, &disk->ro_seek_after);
}

/* Issues the round, group after group, in the order the core chose. */
static void sched_issue(struct blkback_disk *disk)
{
	struct blkback_sched_batch *batch = &disk->batch;
	struct reorder_params params = sched_params(disk);
	struct reorder_out out = {
		.order = batch->order,
		.group_end = batch->group_end,
	};
	struct reorder_stats rs = {};
	unsigned int g, i = 0;
	struct blk_plug plug;

	/* Cannot fail: the round is within REORDER_MAX_BATCH. */
	reorder_batch(batch->rreqs, batch->nr, &disk->head, &params, &out,
		      &rs);
	blk_start_plug(&plug);
	for (g = 0; g < out.nr_groups; g++) {
		unsigned int end = out.group_end[g];

		if (reorder_is_fence(&batch->rreqs[out.order[i]])) {
			sched_issue_fence(disk, batch->pending[out.order[i]],
					  &plug);
			i = end;
			continue;
		}
		for (; i < end; i++)
			sched_issue_one(disk, batch->pending[out.order[i]]);
	}
	blk_finish_plug(&plug);
	sched_account(disk, &rs);
}

/* The disk's dispatcher: stopped only once no ring is left to stage. */
int blkback_sched_thread(void *arg)
{
	struct blkback_disk *disk = arg;

	for (;;) {
		wait_event_idle(disk->wq, kthread_should_stop() ||
					  READ_ONCE(disk->nr_staged));
		if (kthread_should_stop())
			break;
		sched_take(disk);
		sched_issue(disk);
		cond_resched();
	}
	return 0;
}
