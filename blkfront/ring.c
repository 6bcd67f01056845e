// SPDX-License-Identifier: GPL-2.0
/*
 * The shared rings: blk-mq requests become blkif requests, responses are
 * matched back to them, and everything in flight fails when the backend
 * goes away or breaks the protocol.
 *
 * Each request takes a slot id from the ring's free list; the backend
 * echoes the id in its response.  A response is believed only if its id
 * names a request in flight and it echoes that request's operation;
 * anything else means the backend cannot be trusted with further I/O.
 *
 * Data pages belong to the block layer, not to us.  If the backend still
 * maps one when we end its grant, the kernel ends the grant later and then
 * drops a page reference: we take that reference first, so the page
 * outlives the mapping whatever its owner does with it.
 *
 * With persistent grants, data is copied through pages of the ring's own
 * that stay granted, read-write, until the ring is freed: the backend
 * maps each once.  Indirect pages then stay granted too.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "blkfront/common.h"

/* Indirect pages a request may need; 0 when none goes indirect. */
static unsigned int ring_indirect_pages(const struct blkfront_dev *dev)
{
	if (!dev->indirect)
		return 0;
	return DIV_ROUND_UP(dev->max_segs, BLKFRONT_SEGS_PER_INDIRECT_PAGE);
}

/* ---- Grants ------------------------------------------------------------ */

/* Ends one grant; false if the backend still maps the page. */
static bool ring_revoke(struct blkfront_ring *ring, grant_ref_t ref,
			struct page *page)
{
	get_page(page);	/* for the kernel to drop if it must wait */
	if (!splitio_gref_pool_revoke(&ring->pool, ref, page))
		return false;
	put_page(page);
	return true;
}

/*
 * A persistent grant for one segment: an unused one, else a new page
 * granted.  Under the ring lock, hence atomic; NULL when out of memory or
 * when the ring has made as many as a backend keeps.
 */
static struct blkfront_pgrant *ring_take_pgrant(struct blkfront_ring *ring)
{
	struct blkfront_pgrant *pgrant;
	int ref;

	pgrant = list_first_entry_or_null(&ring->pgrants_free,
					  struct blkfront_pgrant, node);
	if (pgrant) {
		list_del(&pgrant->node);
		return pgrant;
	}
	if (ring->nr_pgrants >= ring->max_pgrants)
		return NULL;
	pgrant = kmalloc(sizeof(*pgrant), GFP_ATOMIC | __GFP_NOWARN);
	if (!pgrant)
		return NULL;
	/* Zeroed: the backend sees all of it, not only what we copy in. */
	pgrant->page = alloc_page(GFP_ATOMIC | __GFP_NOWARN | __GFP_ZERO);
	if (!pgrant->page)
		goto err_free;
	ref = splitio_gref_pool_grant(&ring->pool,
				      ring->dev->xdev->otherend_id,
				      pgrant->page, false);
	if (ref < 0)
		goto err_free_page;
	pgrant->ref = ref;
	ring->nr_pgrants++;
	return pgrant;

err_free_page:
	__free_page(pgrant->page);
err_free:
	kfree(pgrant);
	return NULL;
}

/* Ends every persistent grant: the ring has nothing in flight. */
static void ring_free_pgrants(struct blkfront_ring *ring)
{
	struct blkfront_pgrant *pgrant, *next;
	struct blkfront_shadow *shadow;
	unsigned int i;
	u32 id;

	list_for_each_entry_safe(pgrant, next, &ring->pgrants_free, node) {
		/* If the backend still maps it, the kernel frees it later. */
		ring_revoke(ring, pgrant->ref, pgrant->page);
		__free_page(pgrant->page);
		kfree(pgrant);
	}
	INIT_LIST_HEAD(&ring->pgrants_free);
	for (id = 0; ring->shadow && id < ring->front.nr_ents; id++) {
		shadow = &ring->shadow[id];
		for (i = 0; i < shadow->nr_indirect_kept; i++)
			ring_revoke(ring, shadow->indirect_grefs[i],
				    shadow->indirect_pages[i]);
		shadow->nr_indirect_kept = 0;
	}
	ring->nr_pgrants = 0;
}

/* A read is over: its data goes from any bounce pages to the request's. */
static void ring_copy_from_bounce(struct blkfront_shadow *shadow)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sg(shadow->sg, sg, shadow->nr_segs, i)
		if (shadow->bounce[i])
			memcpy_to_page(sg_page(sg), sg->offset,
				       page_address(shadow->bounce[i]->page) +
				       sg->offset, sg->length);
}

/*
 * Ends every grant of @shadow but the persistent ones, which go back to
 * the ring; false if the backend still maps a page.
 */
static bool ring_revoke_grants(struct blkfront_ring *ring,
			       struct blkfront_shadow *shadow)
{
	bool all_ended = true;
	unsigned int i;

	for (i = 0; i < shadow->nr_segs; i++) {
		if (shadow->bounce[i]) {
			list_add(&shadow->bounce[i]->node, &ring->pgrants_free);
			shadow->bounce[i] = NULL;
			continue;
		}
		all_ended &= ring_revoke(ring, shadow->grefs[i],
					 sg_page(&shadow->sg[i]));
	}
	for (i = 0; i < shadow->nr_indirect; i++)
		all_ended &= ring_revoke(ring, shadow->indirect_grefs[i],
					 shadow->indirect_pages[i]);
	shadow->nr_segs = 0;
	shadow->nr_indirect = 0;
	return all_ended;
}

/* Segment @i goes in the request itself or in an indirect page. */
static void ring_store_segment(struct blkfront_shadow *shadow,
			       struct blkif_request *req, unsigned int i,
			       struct blkif_request_segment seg)
{
	struct blkif_request_segment *page_segs;

	if (req->operation != BLKIF_OP_INDIRECT) {
		req->u.rw.seg[i] = seg;
		return;
	}
	page_segs = page_address(shadow->indirect_pages[i /
					BLKFRONT_SEGS_PER_INDIRECT_PAGE]);
	page_segs[i % BLKFRONT_SEGS_PER_INDIRECT_PAGE] = seg;
}

/* first_sect and last_sect can only describe whole sectors of one page. */
static bool segment_is_describable(const struct scatterlist *sg)
{
	return !((sg->offset | sg->length) & (SECTOR_SIZE - 1)) &&
	       sg->length && sg->offset + sg->length <= XEN_PAGE_SIZE;
}

/*
 * The grant for segment @i: its own page granted, read-only when the
 * backend only has to read it; or with persistent grants, a page of ours
 * that a write's data is first copied to.  Negative when out of grants or
 * memory.
 */
static int ring_grant_segment(struct blkfront_ring *ring,
			      struct blkfront_shadow *shadow, unsigned int i,
			      bool readonly)
{
	struct scatterlist *sg = &shadow->sg[i];
	struct blkfront_pgrant *pgrant;

	if (!ring->dev->persistent)
		return splitio_gref_pool_grant(&ring->pool,
					       ring->dev->xdev->otherend_id,
					       sg_page(sg), readonly);
	pgrant = ring_take_pgrant(ring);
	if (!pgrant)
		return -ENOMEM;
	shadow->bounce[i] = pgrant;
	if (readonly)
		memcpy_from_page(page_address(pgrant->page) + sg->offset,
				 sg_page(sg), sg->offset, sg->length);
	return pgrant->ref;
}

/*
 * Grants the backend the @nr_segs pages mapped in shadow->sg and
 * describes them in @req.  On failure the caller revokes what was granted.
 */
static blk_status_t ring_grant_segments(struct blkfront_ring *ring,
					struct blkfront_shadow *shadow,
					struct blkif_request *req,
					unsigned int nr_segs, bool readonly)
{
	struct scatterlist *sg;
	unsigned int i;
	int ref;

	for_each_sg(shadow->sg, sg, nr_segs, i) {
		if (!segment_is_describable(sg)) {
			dev_err_ratelimited(&ring->dev->xdev->dev,
					    "segment of %u bytes at %u is not whole sectors\n",
					    sg->length, sg->offset);
			return BLK_STS_IOERR;
		}
		ref = ring_grant_segment(ring, shadow, i, readonly);
		if (ref < 0)
			return BLK_STS_RESOURCE;
		shadow->grefs[i] = ref;
		shadow->nr_segs = i + 1;
		ring_store_segment(shadow, req, i,
				   (struct blkif_request_segment) {
			.gref = ref,
			.first_sect = sg->offset >> SECTOR_SHIFT,
			.last_sect = (sg->offset + sg->length - 1) >>
				     SECTOR_SHIFT,
		});
	}
	return BLK_STS_OK;
}

/*
 * The backend only reads the segment lists: grant them read-only, for
 * this request.  With persistent grants, the backend maps whatever it
 * keeps read-write, and keeps them granted: the slot's next request uses
 * the same pages.
 */
static blk_status_t ring_grant_indirect(struct blkfront_ring *ring,
					struct blkfront_shadow *shadow,
					struct blkif_request *req,
					unsigned int nr_segs)
{
	unsigned int nr_pages = DIV_ROUND_UP(nr_segs,
					     BLKFRONT_SEGS_PER_INDIRECT_PAGE);
	domid_t domid = ring->dev->xdev->otherend_id;
	bool persistent = ring->dev->persistent;
	unsigned int i;
	int ref;

	for (i = 0; i < nr_pages; i++) {
		if (persistent && i < shadow->nr_indirect_kept) {
			req->u.indirect.indirect_grefs[i] =
				shadow->indirect_grefs[i];
			continue;
		}
		ref = splitio_gref_pool_grant(&ring->pool, domid,
					      shadow->indirect_pages[i],
					      !persistent);
		if (ref < 0)
			return BLK_STS_RESOURCE;
		shadow->indirect_grefs[i] = ref;
		if (persistent)
			shadow->nr_indirect_kept = i + 1;
		else
			shadow->nr_indirect = i + 1;
		req->u.indirect.indirect_grefs[i] = ref;
	}
	return BLK_STS_OK;
}

/* ---- Building requests ------------------------------------------------- */

static blk_status_t ring_build_rw(struct blkfront_ring *ring,
				  struct blkfront_shadow *shadow, u32 id,
				  struct request *rq, struct blkif_request *req)
{
	struct blkfront_dev *dev = ring->dev;
	bool write = req_op(rq) == REQ_OP_WRITE;
	u8 op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
	unsigned int nr_segs;
	blk_status_t status;

	/* The queue limits keep this within dev->max_segs single pages. */
	nr_segs = blk_rq_map_sg(rq->q, rq, shadow->sg);
	shadow->operation = op;
	if (nr_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		req->operation = BLKIF_OP_INDIRECT;
		req->u.indirect.indirect_op = op;
		req->u.indirect.nr_segments = nr_segs;
		req->u.indirect.id = id;
		req->u.indirect.sector_number = blk_rq_pos(rq);
		req->u.indirect.handle = dev->handle;
	} else {
		req->operation = op;
		req->u.rw.nr_segments = nr_segs;
		req->u.rw.handle = dev->handle;
		req->u.rw.id = id;
		req->u.rw.sector_number = blk_rq_pos(rq);
	}
	/* A write to disk only reads our pages. */
	status = ring_grant_segments(ring, shadow, req, nr_segs, write);
	if (status || req->operation != BLKIF_OP_INDIRECT)
		return status;
	return ring_grant_indirect(ring, shadow, req, nr_segs);
}

/* Fills @req and @shadow for @rq; the caller revokes grants on failure. */
static blk_status_t ring_build_request(struct blkfront_ring *ring,
				       struct blkfront_shadow *shadow, u32 id,
				       struct request *rq,
				       struct blkif_request *req)
{
	struct blkfront_dev *dev = ring->dev;

	switch (req_op(rq)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		return ring_build_rw(ring, shadow, id, rq, req);
	case REQ_OP_FLUSH:
		if (!dev->flush)
			return BLK_STS_NOTSUPP;
		req->operation = dev->flush_op;
		req->u.rw.handle = dev->handle;
		req->u.rw.id = id;
		shadow->operation = dev->flush_op;
		return BLK_STS_OK;
	case REQ_OP_DISCARD:
		if (!dev->discard)
			return BLK_STS_NOTSUPP;
		req->operation = BLKIF_OP_DISCARD;
		req->u.discard.id = id;
		req->u.discard.sector_number = blk_rq_pos(rq);
		req->u.discard.nr_sectors = blk_rq_sectors(rq);
		shadow->operation = BLKIF_OP_DISCARD;
		return BLK_STS_OK;
	default:
		return BLK_STS_NOTSUPP;
	}
}

/* Puts @rq on the ring, which has room for it.  Lock held. */
static blk_status_t ring_issue(struct blkfront_ring *ring, struct request *rq)
{
	u32 id = ring->free_head;
	struct blkfront_shadow *shadow = &ring->shadow[id];
	struct blkif_request req;
	blk_status_t status;

	/* All of it: the backend must see no stale stack bytes. */
	memset(&req, 0, sizeof(req));
	status = ring_build_request(ring, shadow, id, rq, &req);
	if (status) {
		ring_revoke_grants(ring, shadow);
		return status;
	}
	ring->free_head = shadow->next_free;
	shadow->rq = rq;
	*blkif_request_slot(&ring->front, ring->front.req_prod_pvt++) = req;
	if (splitio_front_push_requests(&ring->front))
		splitio_evtchn_notify(&ring->evtchn);
	return BLK_STS_OK;
}

/*
 * The blk-mq queue depth equals the ring size, so a request always finds
 * room; the check only guards that reasoning.
 */
static bool ring_full(const struct blkfront_ring *ring)
{
	return !splitio_front_free_requests(&ring->front) ||
	       ring->free_head == ring->front.nr_ents;
}

/* Requests are in flight. */
static bool ring_busy(const struct blkfront_ring *ring)
{
	return splitio_front_free_requests(&ring->front) < ring->front.nr_ents;
}

blk_status_t blkfront_ring_queue(struct blkfront_ring *ring,
				 struct blk_mq_hw_ctx *hctx,
				 struct request *rq)
{
	blk_status_t status;
	unsigned long flags;

	spin_lock_irqsave(&ring->lock, flags);
	if (!ring->live)
		status = BLK_STS_IOERR;
	else if (ring_full(ring))
		status = BLK_STS_DEV_RESOURCE;
	else
		status = ring_issue(ring, rq);
	/*
	 * Out of persistent grants for data: those in flight give theirs
	 * back with their responses.  With none in flight every one is free,
	 * so it was memory or grant references, and blk-mq tries again
	 * shortly.
	 */
	if (status == BLK_STS_RESOURCE && ring_busy(ring))
		status = BLK_STS_DEV_RESOURCE;
	/* Restarted by the next response, or when the ring closes. */
	if (status == BLK_STS_DEV_RESOURCE) {
		blk_mq_stop_hw_queue(hctx);
		ring->stopped = hctx;
	}
	spin_unlock_irqrestore(&ring->lock, flags);
	return status;
}

/* ---- Completing requests ----------------------------------------------- */

/* Frees @id, whose grants are ended, and returns its request. */
static struct request *ring_free_id(struct blkfront_ring *ring, u32 id)
{
	struct blkfront_shadow *shadow = &ring->shadow[id];
	struct request *rq = shadow->rq;

	shadow->rq = NULL;
	shadow->next_free = ring->free_head;
	ring->free_head = id;
	return rq;
}

/* Frees @id and queues its request on @done to complete with @status. */
static void ring_finish(struct blkfront_ring *ring, u32 id,
			blk_status_t status, struct list_head *done)
{
	struct request *rq = ring_free_id(ring, id);
	struct blkfront_cmd *cmd = blk_mq_rq_to_pdu(rq);

	cmd->status = status;
	list_add_tail(&rq->queuelist, done);
}

/*
 * Outside the ring lock: completing a request may submit another one, on
 * this very ring, from this very context.
 */
static void ring_complete(struct list_head *done)
{
	struct request *rq, *next;

	list_for_each_entry_safe(rq, next, done, queuelist) {
		list_del_init(&rq->queuelist);
		blk_mq_complete_request(rq);
	}
}

static blk_status_t blkif_status_to_blk(s16 status)
{
	switch (status) {
	case BLKIF_RSP_OKAY:
		return BLK_STS_OK;
	case BLKIF_RSP_EOPNOTSUPP:
		return BLK_STS_NOTSUPP;
	default:
		return BLK_STS_IOERR;
	}
}

/* Matches the next response to its request; -EIO if the backend lied. */
static int ring_take_response(struct blkfront_ring *ring,
			      struct list_head *done)
{
	struct device *ddev = &ring->dev->xdev->dev;
	struct blkfront_shadow *shadow;
	struct blkif_response rsp;
	blk_status_t status;

	blkif_copy_response(&ring->front, ring->front.rsp_cons++, &rsp);
	if (rsp.id >= ring->front.nr_ents || !ring->shadow[rsp.id].rq) {
		dev_err_ratelimited(ddev, "ring %u: response to id %llu, which is not in flight\n",
				    ring->index, rsp.id);
		return -EIO;
	}
	shadow = &ring->shadow[rsp.id];
	if (rsp.operation != shadow->operation) {
		dev_err_ratelimited(ddev, "ring %u: response with operation %u to operation %u\n",
				    ring->index, rsp.operation,
				    shadow->operation);
		return -EIO;
	}
	status = blkif_status_to_blk(rsp.status);
	if (status)
		dev_warn_ratelimited(ddev, "operation %u failed: status %d\n",
				     rsp.operation, rsp.status);
	else if (shadow->operation == BLKIF_OP_READ)
		ring_copy_from_bounce(shadow);
	if (!ring_revoke_grants(ring, shadow)) {
		dev_err_ratelimited(ddev, "ring %u: backend still maps pages of a completed request\n",
				    ring->index);
		ring_finish(ring, rsp.id, BLK_STS_IOERR, done);
		return -EIO;
	}
	ring_finish(ring, rsp.id, status, done);
	return 0;
}

/*
 * Takes every response there is, then arms rsp_event for the next one.
 * Lock held; -EIO if the backend broke the protocol.
 */
static int ring_reap(struct blkfront_ring *ring, struct list_head *done,
		     bool *found_work)
{
	int avail;
	int err;

	while ((avail = splitio_front_final_check_for_responses(&ring->front)) > 0) {
		*found_work = true;
		while (avail--) {
			err = ring_take_response(ring, done);
			if (err)
				return err;
		}
	}
	if (avail)
		dev_err_ratelimited(&ring->dev->xdev->dev,
				    "ring %u: more responses than requests\n",
				    ring->index);
	return avail;
}

/* Slots were freed: a hw queue stopped on a full ring may go again. */
static void ring_restart_queue(struct blkfront_ring *ring)
{
	if (!ring->stopped)
		return;
	blk_mq_start_stopped_hw_queue(ring->stopped, true);
	ring->stopped = NULL;
}

/*
 * Stops @ring for good: requests in flight fail, new ones fail at once,
 * responses are ignored.  A no-op on a ring that is not live, which
 * therefore has nothing in flight.
 */
static void ring_close(struct blkfront_ring *ring)
{
	LIST_HEAD(done);
	unsigned long flags;
	u32 id;

	spin_lock_irqsave(&ring->lock, flags);
	if (ring->live) {
		ring->live = false;
		for (id = 0; id < ring->front.nr_ents; id++) {
			if (!ring->shadow[id].rq)
				continue;
			ring_revoke_grants(ring, &ring->shadow[id]);
			ring_finish(ring, id, BLK_STS_IOERR, &done);
		}
		/* What waits on a stopped queue must come through to fail. */
		ring_restart_queue(ring);
	}
	spin_unlock_irqrestore(&ring->lock, flags);
	ring_complete(&done);
}

void blkfront_rings_close(struct blkfront_dev *dev)
{
	unsigned int i;

	if (!dev->rings)
		return;
	for (i = 0; i < dev->nr_rings; i++)
		ring_close(&dev->rings[i]);
}

/*
 * Stops @ring without failing anything: each request in flight goes on
 * @in_flight, its grants ended, to be issued again on the next rings.
 */
static void ring_suspend(struct blkfront_ring *ring,
			 struct list_head *in_flight)
{
	unsigned long flags;
	u32 id;

	spin_lock_irqsave(&ring->lock, flags);
	ring->live = false;
	ring->stopped = NULL;
	for (id = 0; id < ring->front.nr_ents; id++) {
		if (!ring->shadow[id].rq)
			continue;
		ring_revoke_grants(ring, &ring->shadow[id]);
		list_add_tail(&ring_free_id(ring, id)->queuelist, in_flight);
	}
	spin_unlock_irqrestore(&ring->lock, flags);
}

/*
 * After a restore: the backend that had the rings is gone, with the grant
 * table and the event channels of that domain.  Takes every request in
 * flight off the rings onto @in_flight, and frees the rings.
 */
void blkfront_rings_suspend(struct blkfront_dev *dev,
			    struct list_head *in_flight)
{
	unsigned int i;

	if (!dev->rings)
		return;
	for (i = 0; i < dev->nr_rings; i++)
		ring_suspend(&dev->rings[i], in_flight);
	blkfront_rings_free(dev);
}

static irqreturn_t ring_interrupt(int irq, void *dev_id)
{
	struct blkfront_ring *ring = dev_id;
	bool found_work = false;
	LIST_HEAD(done);
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&ring->lock, flags);
	if (ring->live) {
		err = ring_reap(ring, &done, &found_work);
		if (found_work)
			ring_restart_queue(ring);
	}
	spin_unlock_irqrestore(&ring->lock, flags);
	ring_complete(&done);
	if (err) {
		dev_err_ratelimited(&ring->dev->xdev->dev,
				    "backend broke the protocol: failing all I/O\n");
		blkfront_rings_close(ring->dev);
	}
	splitio_evtchn_eoi(&ring->evtchn, found_work);
	return IRQ_HANDLED;
}

/* ---- Setting rings up and down ----------------------------------------- */

static void ring_free_shadows(struct blkfront_ring *ring)
{
	unsigned int i;
	u32 id;

	for (id = 0; id < ring->front.nr_ents; id++)
		for (i = 0; i < BLKFRONT_MAX_INDIRECT_PAGES; i++)
			if (ring->shadow[id].indirect_pages[i])
				__free_page(ring->shadow[id].indirect_pages[i]);
	kvfree(ring->shadow);
	ring->shadow = NULL;
}

/* Every id starts free, with its own indirect pages if requests need them. */
static int ring_alloc_shadows(struct blkfront_ring *ring)
{
	unsigned int nr_indirect = ring_indirect_pages(ring->dev);
	struct blkfront_shadow *shadow;
	unsigned int i, reserved;
	u32 id;

	ring->shadow = kvcalloc(ring->front.nr_ents, sizeof(*ring->shadow),
				GFP_KERNEL);
	if (!ring->shadow)
		return -ENOMEM;
	for (id = 0; id < ring->front.nr_ents; id++) {
		shadow = &ring->shadow[id];
		shadow->next_free = id + 1;
		sg_init_table(shadow->sg, ring->dev->max_segs);
		for (i = 0; i < nr_indirect; i++) {
			/* Zeroed: the backend reads the whole page. */
			shadow->indirect_pages[i] = alloc_page(GFP_KERNEL |
							       __GFP_ZERO);
			if (!shadow->indirect_pages[i])
				goto err_free_shadows;
		}
	}
	ring->free_head = 0;
	/*
	 * Persistent grants for data: what the slots' indirect pages leave
	 * of the limit, and room for one request whatever the ring's size.
	 */
	reserved = ring->front.nr_ents * nr_indirect;
	if (reserved + ring->dev->max_segs < BLKFRONT_MAX_PGRANTS)
		ring->max_pgrants = BLKFRONT_MAX_PGRANTS - reserved;
	else
		ring->max_pgrants = ring->dev->max_segs;
	return 0;

err_free_shadows:
	ring_free_shadows(ring);
	return -ENOMEM;
}

static int ring_setup(struct blkfront_ring *ring)
{
	struct blkfront_dev *dev = ring->dev;
	unsigned int nr_pages = 1u << dev->ring_order;
	unsigned int grants_per_request;
	int err;

	err = splitio_granted_ring_setup(dev->xdev, &ring->granted, nr_pages);
	if (err)
		return err;
	err = splitio_front_init(&ring->front, ring->granted.vaddr,
				 nr_pages * XEN_PAGE_SIZE,
				 blkif_ring_ent_size());
	if (err)
		goto err_teardown_ring;
	err = ring_alloc_shadows(ring);
	if (err)
		goto err_teardown_ring;
	/* Enough that a request never waits for a grant. */
	grants_per_request = dev->max_segs + ring_indirect_pages(dev);
	err = splitio_gref_pool_init(&ring->pool,
				     ring->front.nr_ents * grants_per_request);
	if (err)
		goto err_free_shadows;
	snprintf(ring->irq_name, sizeof(ring->irq_name), "%s-ring%u",
		 dev->disk_name, ring->index);
	err = splitio_evtchn_front_bind(dev->xdev, &ring->evtchn,
					ring_interrupt, ring->irq_name, ring);
	if (err)
		goto err_uninit_pool;
	spin_lock_irq(&ring->lock);
	ring->live = true;
	spin_unlock_irq(&ring->lock);
	return 0;

err_uninit_pool:
	splitio_gref_pool_uninit(&ring->pool);
err_free_shadows:
	ring_free_shadows(ring);
err_teardown_ring:
	splitio_granted_ring_teardown(&ring->granted);
	return err;
}

/* ring_setup() but the event channel, undone in reverse. */
static void ring_release(struct blkfront_ring *ring)
{
	ring_free_pgrants(ring);
	splitio_gref_pool_uninit(&ring->pool);
	ring_free_shadows(ring);
	splitio_granted_ring_teardown(&ring->granted);
}

/*
 * Frees the first @nr rings, set up and with nothing in flight, and the
 * array.  Every IRQ goes first: a handler that finds the backend lying
 * closes all the rings, so none may be freed while any handler can run.
 */
static void rings_release(struct blkfront_dev *dev, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		splitio_evtchn_unbind(&dev->rings[i].evtchn, &dev->rings[i]);
	for (i = 0; i < nr; i++)
		ring_release(&dev->rings[i]);
	kfree(dev->rings);
	dev->rings = NULL;
}

/* dev->nr_rings rings, live, each with its grants and event channel. */
int blkfront_rings_alloc(struct blkfront_dev *dev)
{
	unsigned int i;
	int err;

	dev->rings = kcalloc(dev->nr_rings, sizeof(*dev->rings), GFP_KERNEL);
	if (!dev->rings)
		return -ENOMEM;
	/* All closable before any is live: see ring_interrupt(). */
	for (i = 0; i < dev->nr_rings; i++) {
		dev->rings[i].dev = dev;
		dev->rings[i].index = i;
		spin_lock_init(&dev->rings[i].lock);
		INIT_LIST_HEAD(&dev->rings[i].pgrants_free);
	}
	for (i = 0; i < dev->nr_rings; i++) {
		err = ring_setup(&dev->rings[i]);
		if (err)
			goto err_release_rings;
	}
	return 0;

err_release_rings:
	rings_release(dev, i);
	return err;
}

/* After blkfront_rings_close(); a no-op without rings. */
void blkfront_rings_free(struct blkfront_dev *dev)
{
	if (dev->rings)
		rings_release(dev, dev->nr_rings);
}
