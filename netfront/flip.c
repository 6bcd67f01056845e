// SPDX-License-Identifier: GPL-2.0
/*
 * Page flipping: the rx ring's buffers are posted as transfer grants
 * instead of writable ones.  Posting a buffer gives its machine frame back
 * to Xen (the page stays ours, frameless, its direct-map PTE empty); the
 * backend transfers a frame holding the packet into the grant entry, and
 * that frame goes under the page.  Our page count drops by one per posted
 * buffer and rises by one per packet page received, so it stays where it
 * was while the ring is kept full.
 *
 * A buffer taken back with nothing transferred (an extra-info slot, a
 * failed transfer, a disconnect) gets a fresh frame from Xen: a page is
 * never put back into use, or freed, without one.
 */
#include "netfront/common.h"

/* Can this domain receive by flipping at all? */
bool netfront_flip_possible(void)
{
	return splitio_frames_usable() && splitio_transfer_possible();
}

/*
 * Posts @page through reference @ref: gives its frame up, offers the entry.
 * The page is scrubbed first, as the balloon driver scrubs what it hands
 * back: Xen does not clear a frame a live domain frees, and may give it to
 * anyone.  Returns -EFAULT if the page was left without a frame: it is then
 * lost (frames_detached shows it) and must be forgotten.
 */
int netfront_flip_post(struct netfront_queue *q, struct page *page, int ref)
{
	domid_t domid = q->nf->xdev->otherend_id;
	xen_pfn_t mfn;
	int err;

	clear_page(page_address(page));
	err = splitio_frame_detach(page, &mfn);
	if (err)
		return err;
	err = splitio_frame_release(mfn);
	if (err)
		return splitio_frame_attach(page, mfn) ? -EFAULT : err;
	err = splitio_transfer_offer(&q->rx_xfer, ref, domid,
				     page_to_pfn(page));
	if (err && splitio_frame_populate(page))
		return -EFAULT;
	return err;
}

/*
 * Takes posted buffer @buf back: the page, with the transferred frame
 * under it (*@arrived set) or a fresh one, and its reference back in the
 * pool.  NULL if Xen has no frame for it: the page is then kept out of
 * use for good, and frames_detached shows it.
 */
struct page *netfront_flip_take(struct netfront_queue *q,
				struct netfront_rx_buf *buf, bool *arrived)
{
	struct page *page = buf->page;
	xen_pfn_t mfn;
	int got;

	buf->page = NULL;
	*arrived = false;
	/* After a restore the table is new and empty: nothing arrived. */
	got = splitio_transfer_end(&q->rx_xfer, buf->gref, &mfn);
	if (got < 0)
		return NULL;	/* Xen never completed it: entry kept too */
	splitio_gref_pool_release(&q->rx_pool, buf->gref);
	if (got) {
		if (!splitio_frame_attach(page, mfn)) {
			*arrived = true;
			return page;
		}
		splitio_frame_release(mfn);	/* not reached: it is ours */
	}
	return splitio_frame_populate(page) ? NULL : page;
}
