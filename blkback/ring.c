// SPDX-License-Identifier: GPL-2.0
/*
 * Request intake.  Each ring has a thread, woken by the frontend's events
 * and by finished I/O, that takes requests in batches with the final-check
 * protocol, copies each one once out of the shared ring into private
 * memory - converting from the frontend's layout - and validates only that
 * copy before io.c acts on it.  A request that fails validation is
 * answered at once and never reaches the disk.
 */
#include <linux/kthread.h>
#include <linux/sched.h>

#include "blkback/common.h"

/*
 * A real event follows a push of requests, so the producer index moved
 * since the previous one; one that did not move it found no work, which
 * lets the kernel throttle a frontend that storms us.  req_prod is only a
 * hint here: the thread checks it properly.
 */
irqreturn_t blkback_interrupt(int irq, void *dev_id)
{
	struct blkback_ring *ring = dev_id;
	u32 prod = READ_ONCE(ring->back.sring->req_prod);
	bool found_work = prod != ring->irq_last_prod;

	ring->irq_last_prod = prod;
	if (found_work)
		wake_up(&ring->wq);
	splitio_evtchn_eoi(&ring->evtchn, found_work);
	return IRQ_HANDLED;
}

void blkback_respond(struct blkback_ring *ring, u64 id, u8 operation,
		     s16 status)
{
	u32 idx = ring->back.rsp_prod_pvt++;

	if (status != BLKIF_RSP_OKAY)
		atomic64_inc(&ring->be->stats.errors);
	if (ring->be->abi == BLKBACK_ABI_X86_32) {
		struct blkback_x86_32_response *rsp =
			blkif_x86_32_response_slot(&ring->back, idx);

		rsp->id = id;
		rsp->operation = operation;
		rsp->status = status;
	} else {
		struct blkif_response *rsp =
			blkif_64_response_slot(&ring->back, idx);

		rsp->id = id;
		rsp->operation = operation;
		rsp->status = status;
	}
}

static void ring_push(struct blkback_ring *ring)
{
	if (splitio_back_push_responses(&ring->back))
		splitio_evtchn_notify(&ring->evtchn);
}

/*
 * Both layouts name their fields alike, so one body unpacks either private
 * copy @src into @req, and a direct request's segments into the ring's
 * scratch array.  The id sits at the same place in every variant.
 */
#define RING_UNPACK(ring, req, src)					\
do {									\
	unsigned int __i;						\
									\
	(req)->operation = (src).operation;				\
	(req)->id = (src).u.other.id;					\
	switch ((src).operation) {					\
	case BLKIF_OP_DISCARD:						\
		(req)->sector = (src).u.discard.sector_number;		\
		(req)->nr_sectors = (src).u.discard.nr_sectors;		\
		(req)->secure = (src).u.discard.flag & BLKIF_DISCARD_SECURE; \
		break;							\
	case BLKIF_OP_INDIRECT:						\
		(req)->operation = (src).u.indirect.indirect_op;	\
		(req)->indirect = true;					\
		(req)->nr_segs = (src).u.indirect.nr_segments;		\
		(req)->sector = (src).u.indirect.sector_number;		\
		for (__i = 0; __i < BLKBACK_MAX_INDIRECT_PAGES; __i++)	\
			(req)->indirect_grefs[__i] =			\
				(src).u.indirect.indirect_grefs[__i];	\
		break;							\
	default:							\
		(req)->nr_segs = (src).u.rw.nr_segments;		\
		(req)->sector = (src).u.rw.sector_number;		\
		for (__i = 0; __i < BLKIF_MAX_SEGMENTS_PER_REQUEST; __i++) \
			(ring)->segs[__i] = (src).u.rw.seg[__i];	\
	}								\
} while (0)

/* Reads request @idx from the shared ring exactly once. */
static void ring_copy_request(struct blkback_ring *ring, u32 idx,
			      struct blkback_request *req)
{
	memset(req, 0, sizeof(*req));
	if (ring->be->abi == BLKBACK_ABI_X86_32) {
		struct blkback_x86_32_request src;

		blkif_x86_32_copy_request(&ring->back, idx, &src);
		RING_UNPACK(ring, req, src);
	} else {
		struct blkif_request src;

		blkif_64_copy_request(&ring->back, idx, &src);
		RING_UNPACK(ring, req, src);
	}
}

/*
 * Copies an indirect request's segments out of the frontend's pages, once,
 * into the ring's scratch array.  nr_segs is already known to be in range.
 * With persistent grants the frontend keeps a slot's indirect pages
 * granted for its next request, as it does its data pages: they come from
 * the ring's cache too, mapped writable like everything in it (as Linux's
 * blkback does), and a request costs no map or unmap at all.
 */
static int ring_fetch_indirect(struct blkback_ring *ring,
			       const struct blkback_request *req)
{
	struct splitio_grant_map maps[BLKBACK_MAX_INDIRECT_PAGES];
	struct splitio_pgrant *pgrants[BLKBACK_MAX_INDIRECT_PAGES] = { NULL };
	struct blkback_dev *be = ring->be;
	unsigned int nr_pages = DIV_ROUND_UP(req->nr_segs,
					     BLKBACK_SEGS_PER_INDIRECT_PAGE);
	unsigned int i, n, done = 0;
	struct page *page;
	int fresh, err;

	for (i = 0; i < nr_pages; i++)
		maps[i].ref = req->indirect_grefs[i];
	if (be->persistent) {
		fresh = splitio_pgrant_map(&ring->pgrants, be->xdev->otherend_id,
					   maps, pgrants, nr_pages, ring->fresh,
					   ring->fresh_seg);
		err = min(fresh, 0);
		if (fresh > 0)
			atomic64_add(fresh, &be->stats.indirect_mapped);
	} else {
		err = splitio_grants_map(be->xdev->otherend_id, maps, nr_pages,
					 true);
		if (!err)
			atomic64_add(nr_pages, &be->stats.indirect_mapped);
	}
	for (i = 0; !err && i < nr_pages; i++) {
		n = min_t(unsigned int, req->nr_segs - done,
			  BLKBACK_SEGS_PER_INDIRECT_PAGE);
		page = pgrants[i] ? pgrants[i]->page : maps[i].page;
		memcpy(ring->segs + done, page_address(page),
		       n * sizeof(*ring->segs));
		done += n;
	}
	/* Only read by the memcpy above: nothing else references the pages. */
	splitio_pgrant_release(&ring->pgrants, pgrants, nr_pages);
	splitio_grants_unmap_now(maps, nr_pages);
	return err;
}

static bool ring_in_range(const struct blkback_dev *be, u64 sector, u64 nr)
{
	u64 size = READ_ONCE(be->nr_sectors);	/* a resize may change it */

	return sector <= size && nr <= size - sector;
}

/*
 * The segments of a read or write: each within its page and on logical
 * block boundaries, and together within the device.
 */
static bool ring_segments_valid(struct blkback_ring *ring,
				const struct blkback_request *req)
{
	const struct blkback_dev *be = ring->be;
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < req->nr_segs; i++) {
		const struct blkif_request_segment *seg = &ring->segs[i];

		if (seg->first_sect > seg->last_sect ||
		    seg->last_sect >= BLKBACK_SECTORS_PER_PAGE)
			return false;
		if ((seg->first_sect | (seg->last_sect + 1)) & be->block_mask)
			return false;
		total += seg->last_sect - seg->first_sect + 1;
	}
	return !(req->sector & be->block_mask) &&
	       ring_in_range(be, req->sector, total);
}

static s16 ring_check_discard(struct blkback_ring *ring,
			      const struct blkback_request *req)
{
	const struct blkback_dev *be = ring->be;

	if (!be->discard)
		return BLKIF_RSP_EOPNOTSUPP;
	if ((req->sector | req->nr_sectors) & be->block_mask ||
	    !ring_in_range(be, req->sector, req->nr_sectors))
		return BLKIF_RSP_ERROR;
	return BLKIF_RSP_OKAY;
}

/*
 * Everything the frontend said, checked before anything is done with it.
 * Returns the status to answer with, BLKIF_RSP_OKAY to go ahead.
 */
static s16 ring_check(struct blkback_ring *ring,
		      const struct blkback_request *req)
{
	struct blkback_dev *be = ring->be;
	unsigned int max_segs = req->indirect ? BLKBACK_MAX_INDIRECT_SEGS :
						BLKIF_MAX_SEGMENTS_PER_REQUEST;
	unsigned int min_segs = 1;

	if (req->indirect && req->operation != BLKIF_OP_READ &&
	    req->operation != BLKIF_OP_WRITE)
		return BLKIF_RSP_ERROR;
	switch (req->operation) {
	case BLKIF_OP_READ:
	case BLKIF_OP_WRITE:
		break;
	case BLKIF_OP_FLUSH_DISKCACHE:
	case BLKIF_OP_WRITE_BARRIER:
		min_segs = 0;	/* a pure flush; with data, a flushed write */
		break;
	case BLKIF_OP_DISCARD:
		return ring_check_discard(ring, req);
	default:
		return BLKIF_RSP_EOPNOTSUPP;
	}
	if (req->nr_segs < min_segs || req->nr_segs > max_segs)
		return BLKIF_RSP_ERROR;
	if (req->operation != BLKIF_OP_READ && req->nr_segs && be->readonly)
		return BLKIF_RSP_ERROR;
	if (req->indirect && ring_fetch_indirect(ring, req))
		return BLKIF_RSP_ERROR;
	if (req->nr_segs && !ring_segments_valid(ring, req))
		return BLKIF_RSP_ERROR;
	return BLKIF_RSP_OKAY;
}

/*
 * A barrier orders: whatever the frontend queued before it has ended
 * before it starts, and it has ended before anything queued after it
 * starts.  (With reordering on, the dispatcher sees to that, sched.c.)
 * Sleeping flushes the caller's plug, so the waits see the I/O started.
 */
static int ring_submit_barrier(struct blkback_ring *ring,
			       const struct blkback_request *req)
{
	int err;

	blkback_wait_idle(ring);
	ring_push(ring);	/* what ended need not wait for the barrier */
	err = blkback_submit(ring, req);
	if (!err)
		blkback_wait_idle(ring);
	return err;
}

/*
 * Takes the next request; it is answered now or when its I/O ends.  With
 * @reorder, a valid one is staged for the disk's dispatcher instead.
 */
static void ring_take(struct blkback_ring *ring, bool reorder)
{
	struct blkback_request req;
	int err;
	s16 status;

	ring_copy_request(ring, ring->back.req_cons++, &req);
	status = ring_check(ring, &req);
	if (status == BLKIF_RSP_ERROR)
		dev_warn_ratelimited(&ring->be->xdev->dev,
				     "queue %u: invalid request (op %u, %u segments, sector %llu)\n",
				     ring->index, req.operation, req.nr_segs,
				     req.sector);
	if (status != BLKIF_RSP_OKAY)
		goto respond;
	if (reorder)
		err = blkback_sched_add(ring, &req);
	else if (req.operation == BLKIF_OP_WRITE_BARRIER)
		err = ring_submit_barrier(ring, &req);
	else
		err = blkback_submit(ring, &req);
	if (!err)
		return;
	status = BLKIF_RSP_ERROR;
respond:
	blkback_respond(ring, req.id, req.operation, status);
}

/*
 * The frontend moved req_prod where no request can be: stop taking its
 * requests on every ring and tell the toolstack.  In-flight I/O still
 * completes and is answered, so the grants it maps are released.
 */
static void ring_broken(struct blkback_ring *ring)
{
	struct blkback_dev *be = ring->be;

	if (xchg(&be->broken, true))
		return;
	dev_err_ratelimited(&be->xdev->dev,
			    "queue %u: frontend's request index is impossible, ring stopped\n",
			    ring->index);
	xenbus_dev_fatal(be->xdev, -EIO, "queue %u: bad request producer index",
			 ring->index);
}

/*
 * Event hold-off (splitio_back_check_for_requests): each request in flight
 * wakes this ring's thread when it ends, and the thread looks at the ring
 * then anyway; so while notify_holdoff of them are in flight, the frontend
 * is not asked to notify new ones, which wait for the next to end and are
 * taken in a batch.  Below that depth req_event is armed as usual: a lone
 * request never waits.  Off by default: in the lab's block benchmark it
 * saved few notifications on 4 KiB random I/O and cost it throughput, the
 * wait for a completion costing more than the events it saved (README,
 * "Block benchmark").
 */
static unsigned int blkback_notify_holdoff;
module_param_named(notify_holdoff, blkback_notify_holdoff, uint, 0644);
MODULE_PARM_DESC(notify_holdoff, "Requests in flight from which the frontend is not asked to notify new ones (default 0: always ask)");

/*
 * Takes at most BLKBACK_BATCH requests.  In-flight requests never exceed
 * the pool: each one holds a ring slot until it is answered, and the
 * index check refuses requests beyond the slots that are free.  With
 * reordering on, they are staged and the disk's dispatcher is woken once
 * (sched.c); else each is issued as it comes, under a plug of its own.
 */
static void ring_intake(struct blkback_ring *ring)
{
	bool reorder = READ_ONCE(ring->be->reorder);
	unsigned int budget = BLKBACK_BATCH, n;
	struct blk_plug plug;
	int avail = 0;

	/* A fence staged now must come after what was issued directly. */
	if (reorder != ring->reordering) {
		blkback_wait_idle(ring);
		ring->reordering = reorder;
	}

	for (;;) {
		/*
		 * Once more when the budget is spent: a thread that found the
		 * ring empty must have armed req_event before it sleeps.
		 */
		avail = splitio_back_check_for_requests(&ring->back,
				READ_ONCE(blkback_notify_holdoff));
		if (avail <= 0 || !budget)
			break;
		n = min_t(unsigned int, avail, budget);
		budget -= n;
		while (n--) {
			if (reorder) {
				ring_take(ring, true);
				continue;
			}
			/* Each request's bios start now, as in xen-blkback. */
			blk_start_plug(&plug);
			ring_take(ring, false);
			blk_finish_plug(&plug);
			/* Answer what ended meanwhile: its slot can be reused. */
			if (!list_empty_careful(&ring->done)) {
				blkback_complete(ring);
				ring_push(ring);
			}
		}
	}
	if (reorder)
		blkback_sched_kick(ring->be);
	if (avail < 0)
		ring_broken(ring);
}

static bool ring_has_work(struct blkback_ring *ring)
{
	return kthread_should_stop() || !list_empty(&ring->done) ||
	       (!READ_ONCE(ring->be->broken) &&
		READ_ONCE(ring->back.sring->req_prod) != ring->back.req_cons);
}

/* Waits out the I/O in flight so that its grants are unmapped. */
static void ring_drain(struct blkback_ring *ring)
{
	blkback_wait_idle(ring);
	ring_push(ring);
}

int blkback_ring_thread(void *arg)
{
	struct blkback_ring *ring = arg;

	for (;;) {
		wait_event_idle_timeout(ring->wq, ring_has_work(ring),
					blkback_busy_timeout(ring));
		if (kthread_should_stop())
			break;
		blkback_check_capacity(ring->be);
		blkback_complete(ring);
		ring_push(ring);
		if (!READ_ONCE(ring->be->broken)) {
			ring_intake(ring);
			ring_push(ring);
		}
		cond_resched();
	}
	ring_drain(ring);
	return 0;
}
