// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O of validated requests: map the segments' grants in one batch
 * (or find them in the ring's persistent grants), build and submit bios,
 * and once every bio of a request has ended, unmap the grants and answer.  Bios end in interrupt context, where unmapping
 * (which sleeps) is not allowed, so they only hand the request back to
 * the ring's thread, which finishes it in blkback_complete().
 */
#include <linux/bio.h>

#include "blkback/common.h"

/* Queues @p for its thread once its last bio has ended. */
static void io_pending_put(struct blkback_pending *p)
{
	struct blkback_ring *ring = p->ring;
	struct blkback_disk *disk = ring->be->disk;
	unsigned long flags;

	if (!atomic_dec_and_test(&p->bios_left))
		return;
	/* Before @p is handed back: the disk may go once the ring has. */
	if (p->dispatched && atomic_dec_and_test(&disk->in_flight))
		wake_up(&disk->idle_wq);
	spin_lock_irqsave(&ring->done_lock, flags);
	list_add_tail(&p->node, &ring->done);
	/*
	 * Woken under the lock: once the thread has taken the last request
	 * off the done list, the ring may be freed, so it must not be able
	 * to do that before this wake-up is over.
	 */
	wake_up(&ring->wq);
	spin_unlock_irqrestore(&ring->done_lock, flags);
}

static void io_bio_end(struct bio *bio)
{
	struct blkback_pending *p = bio->bi_private;

	if (bio->bi_status)
		WRITE_ONCE(p->status, bio->bi_status);
	bio_put(bio);
	io_pending_put(p);
}

/* Comes from fs_bio_set's mempool: waits for memory rather than fail. */
static struct bio *io_bio_alloc(struct blkback_pending *p,
				struct block_device *bdev, blk_opf_t opf,
				sector_t sector, unsigned int nr_segs)
{
	struct bio *bio;

	/* NOIO: reclaim must not wait for I/O queued behind our own. */
	bio = bio_alloc(bdev, min_t(unsigned int, nr_segs, BIO_MAX_VECS), opf,
			GFP_NOIO);
	bio->bi_iter.bi_sector = sector;
	bio->bi_private = p;
	bio->bi_end_io = io_bio_end;
	atomic_inc(&p->bios_left);
	return bio;
}

static blk_opf_t io_opf(u8 operation)
{
	switch (operation) {
	case BLKIF_OP_READ:
		return REQ_OP_READ;
	case BLKIF_OP_WRITE:
		return REQ_OP_WRITE | REQ_SYNC;
	case BLKIF_OP_WRITE_BARRIER:
		/*
		 * What came before has ended (the caller waited for it) and
		 * is flushed first; the barrier's own data is written through.
		 */
		return REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH | REQ_FUA;
	default:		/* BLKIF_OP_FLUSH_DISKCACHE */
		return REQ_OP_WRITE | REQ_SYNC | REQ_PREFLUSH;
	}
}

/* Where segment @i of @p is mapped: a persistent grant, or its own. */
static struct page *io_seg_page(const struct blkback_pending *p,
				unsigned int i)
{
	if (p->pgrants && p->pgrants[i])
		return p->pgrants[i]->page;
	return p->maps[i].page;
}

/*
 * One bio for as many segments as it takes, contiguous on the disk.  @p
 * may be finished, and its ring gone, once this returns.
 */
static void io_submit_bios(struct block_device *bdev,
			   struct blkback_pending *p)
{
	blk_opf_t opf = io_opf(p->operation);
	sector_t sector = p->sector;
	struct bio *bio = NULL;
	unsigned int i;

	/* Held while submitting, so early completions cannot finish @p. */
	atomic_set(&p->bios_left, 1);
	for (i = 0; i < p->nr_segs; i++) {
		const struct blkif_request_segment *seg = &p->segs[i];
		unsigned int nr = seg->last_sect - seg->first_sect + 1;
		unsigned int len = nr << BLKBACK_SECTOR_SHIFT;
		unsigned int offset = seg->first_sect << BLKBACK_SECTOR_SHIFT;
		struct page *page = io_seg_page(p, i);

		if (!bio || bio_add_page(bio, page, len, offset) != len) {
			if (bio)
				submit_bio(bio);
			bio = io_bio_alloc(p, bdev, opf, sector,
					   p->nr_segs - i);
			__bio_add_page(bio, page, len, offset);
		}
		sector += nr;
	}
	if (!bio)		/* a flush without data: no sector, no FUA */
		bio = io_bio_alloc(p, bdev, opf & ~REQ_FUA, 0, 0);
	submit_bio(bio);
	io_pending_put(p);
}

static void io_account(struct blkback_stats *stats, u8 operation, u64 nr)
{
	switch (operation) {
	case BLKIF_OP_READ:
		atomic64_inc(&stats->rd_req);
		atomic64_add(nr, &stats->rd_sect);
		return;
	case BLKIF_OP_FLUSH_DISKCACHE:
	case BLKIF_OP_WRITE_BARRIER:
		atomic64_inc(operation == BLKIF_OP_FLUSH_DISKCACHE ?
			     &stats->f_req : &stats->br_req);
		if (!nr)
			return;
		fallthrough;
	default:
		atomic64_inc(&stats->wr_req);
		atomic64_add(nr, &stats->wr_sect);
	}
}

static void io_pending_free(struct blkback_ring *ring,
			    struct blkback_pending *p)
{
	list_move(&p->node, &ring->free);
	ring->inflight--;
}

static u64 io_data_sectors(const struct blkback_pending *p)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < p->nr_segs; i++)
		total += p->segs[i].last_sect - p->segs[i].first_sect + 1;
	return total;
}

/* Gives back the persistent grants @p used. */
static void io_put_pgrants(struct blkback_ring *ring,
			   struct blkback_pending *p)
{
	if (p->pgrants)
		splitio_pgrant_release(&ring->pgrants, p->pgrants, p->nr_segs);
}

/*
 * Maps @p's segments: with persistent grants through the ring's cache
 * (splitio_pgrant_map), else each its own mapping, read-only for a write
 * to the disk, which only reads the frontend's pages.
 */
static int io_map(struct blkback_ring *ring, struct blkback_pending *p)
{
	struct blkback_dev *be = ring->be;
	unsigned int i;
	int fresh, err;

	for (i = 0; i < p->nr_segs; i++)
		p->maps[i].ref = p->segs[i].gref;
	if (be->persistent) {
		fresh = splitio_pgrant_map(&ring->pgrants, be->xdev->otherend_id,
					   p->maps, p->pgrants, p->nr_segs,
					   ring->fresh, ring->fresh_seg);
		if (fresh < 0)
			return fresh;
		atomic64_add(fresh, &be->stats.seg_mapped);
		atomic64_add(p->nr_segs - fresh, &be->stats.seg_persistent);
		return 0;
	}
	err = splitio_grants_map(be->xdev->otherend_id, p->maps, p->nr_segs,
				 p->operation != BLKIF_OP_READ);
	if (err) {
		splitio_grants_unmap(p->maps, p->nr_segs);
		return err;
	}
	atomic64_add(p->nr_segs, &be->stats.seg_mapped);
	return 0;
}

/*
 * Takes a pool entry for a validated request - a discard, or a read,
 * write, flush or barrier whose segments are in the ring's scratch array -
 * and maps its grants: everything but the I/O, which blkback_issue()
 * starts, now or after reordering.  Returns the entry, else
 * ERR_PTR(-errno) with nothing left mapped: answer the request as failed.
 */
struct blkback_pending *blkback_prepare(struct blkback_ring *ring,
					const struct blkback_request *req)
{
	struct blkback_dev *be = ring->be;
	struct blkback_pending *p;
	int err;

	/* Never empty here: see ring_intake(). */
	p = list_first_entry(&ring->free, struct blkback_pending, node);
	list_del_init(&p->node);
	ring->inflight++;
	p->id = req->id;
	p->operation = req->operation;
	p->sector = req->sector;
	p->nr_segs = req->nr_segs;
	p->secure = req->secure;
	p->dispatched = false;
	p->status = BLK_STS_OK;
	/* The scratch array is the next request's: keep our own copy. */
	memcpy(p->segs, ring->segs, p->nr_segs * sizeof(*p->segs));
	p->nr_sectors = req->operation == BLKIF_OP_DISCARD ?
			req->nr_sectors : io_data_sectors(p);
	err = io_map(ring, p);
	if (err) {
		dev_warn_ratelimited(&be->xdev->dev,
				     "queue %u: cannot map the grants of a request (%d)\n",
				     ring->index, err);
		io_pending_free(ring, p);
		return ERR_PTR(err);
	}
	return p;
}

/*
 * A discard as bios ending like a request's.  A secure erase has no such
 * interface in this kernel and waits for the device: rare, and Linux's own
 * backend waits for every discard.
 */
static void io_submit_discard(struct blkback_dev *be,
			      struct blkback_pending *p)
{
	struct bio *bio = NULL;
	int err;

	atomic64_inc(&be->stats.ds_req);
	atomic_set(&p->bios_left, 1);
	if (p->secure && be->discard_secure) {
		err = blkdev_issue_secure_erase(be->bdev, p->sector,
						p->nr_sectors, GFP_NOIO);
	} else {
		err = __blkdev_issue_discard(be->bdev, p->sector,
					     p->nr_sectors, GFP_NOIO, &bio);
		if (!err && bio) {
			/* The last of the chain: it ends after all the others. */
			bio->bi_private = p;
			bio->bi_end_io = io_bio_end;
			atomic_inc(&p->bios_left);
			submit_bio(bio);
		}
	}
	if (err)
		p->status = err == -EOPNOTSUPP ? BLK_STS_NOTSUPP :
						 errno_to_blk_status(err);
	io_pending_put(p);
}

/*
 * Starts the I/O of a prepared entry; its ring's thread answers it when
 * that ends.  Counted before it starts: afterwards @p and its device may
 * be gone.
 */
void blkback_issue(struct blkback_pending *p)
{
	struct blkback_dev *be = p->ring->be;

	if (p->operation == BLKIF_OP_DISCARD) {
		io_submit_discard(be, p);
		return;
	}
	io_account(&be->stats, p->operation, p->nr_sectors);
	io_submit_bios(be->bdev, p);
}

/*
 * Starts a validated request at once.  Returns 0 if it is under way, else
 * -errno: answer it as failed.
 */
int blkback_submit(struct blkback_ring *ring,
		   const struct blkback_request *req)
{
	struct blkback_pending *p = blkback_prepare(ring, req);

	if (IS_ERR(p))
		return PTR_ERR(p);
	blkback_issue(p);
	return 0;
}

static s16 io_status(struct blkback_ring *ring, struct blkback_pending *p)
{
	if (p->status == BLK_STS_OK)
		return BLKIF_RSP_OKAY;
	if (p->status == BLK_STS_NOTSUPP)
		return BLKIF_RSP_EOPNOTSUPP;
	dev_warn_ratelimited(&ring->be->xdev->dev,
			     "queue %u: I/O error %d (op %u)\n", ring->index,
			     blk_status_to_errno(p->status), p->operation);
	return BLKIF_RSP_ERROR;
}

/* Waits for a request to end (or a busy one's retry), then finishes them. */
void blkback_wait_complete(struct blkback_ring *ring)
{
	wait_event_idle_timeout(ring->wq, !list_empty(&ring->done),
				blkback_busy_timeout(ring));
	blkback_complete(ring);
}

/* Waits until every request of the ring has ended and is answered. */
void blkback_wait_idle(struct blkback_ring *ring)
{
	while (ring->inflight)
		blkback_wait_complete(ring);
}

/*
 * Finishes the requests whose bios have all ended: grants unmapped before
 * the frontend hears of it, as it may reuse the pages at once.
 */
void blkback_complete(struct blkback_ring *ring)
{
	struct blkback_pending *p, *next;
	LIST_HEAD(done);

	/* Those still referenced last time go first, in their order. */
	list_splice_init(&ring->busy, &done);
	spin_lock_irq(&ring->done_lock);
	list_splice_tail_init(&ring->done, &done);
	spin_unlock_irq(&ring->done_lock);

	list_for_each_entry_safe(p, next, &done, node) {
		/*
		 * A page someone still references cannot be unmapped yet;
		 * waiting for it here (as splitio_grants_unmap() does) would
		 * stall every other request of the ring for 5 ms or more.
		 */
		if (splitio_grants_busy(p->maps, p->nr_segs)) {
			list_move_tail(&p->node, &ring->busy);
			continue;
		}
		splitio_grants_unmap_now(p->maps, p->nr_segs);
		io_put_pgrants(ring, p);
		blkback_respond(ring, p->id, p->operation, io_status(ring, p));
		io_pending_free(ring, p);
	}
}
