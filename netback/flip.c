// SPDX-License-Identifier: GPL-2.0
/*
 * The flip RX mode: packets reach the guest by page transfer
 * (GNTTABOP_transfer) instead of grant copy.  The guest posts transfer
 * grants, each standing for a frame it gave back to Xen; we give it a
 * machine frame holding the packet's bytes and take a fresh one from Xen
 * for ourselves, so neither domain's page count moves.
 *
 * A packet's bytes are first copied into pages of the queue's own, one
 * per data slot: a page from the stack may be mapped elsewhere, shared
 * with a clone or granted to another guest, and only a frame we own
 * outright, with no mapping but our direct map, can be given away.  The
 * struct pages stay ours; only the frames under them change.
 *
 * Per data page: its frame is detached (direct-map PTE cleared on every
 * CPU, p2m invalidated), transferred, and replaced from Xen.  A transfer
 * that fails with GNTST_bad_page, or whose hypercall fails, leaves the
 * frame ours and it goes back under the page; any other failure gave it
 * to Xen, and a fresh one replaces it, as after a success.  A failed slot
 * is answered with an error and the packet counted in
 * to_guest_drop_transfer_error.
 */
#include "netback/common.h"

/* Is the flip mode usable here?  PV Dom0 only, and not switched off. */
bool netback_flip_usable(void)
{
	return netback_rx_flip && splitio_frames_usable();
}

/*
 * Is data page @n ready to be filled and flipped?  A page whose frame went
 * to the guest (or to Xen) and that Xen had no replacement for is marked
 * frameless: it is neither used nor freed until a later try gives it a
 * frame (frames_detached counts it meanwhile).  A page Xen refused to take
 * was freed, and a new one is allocated here.
 */
static bool netback_flip_ready(struct netback_queue *q, unsigned int n)
{
	if (!q->flip_pages[n]) {
		q->flip_pages[n] = alloc_page(GFP_KERNEL | __GFP_NOWARN);
		return q->flip_pages[n];
	}
	if (!test_bit(n, &q->flip_frameless))
		return true;
	if (splitio_frame_populate(q->flip_pages[n]))
		return false;
	__clear_bit(n, &q->flip_frameless);
	return true;
}

/*
 * Gives the frame under data page @n to the guest through its transfer
 * entry @ref, and puts a frame of ours back under the page.  Returns true
 * if the guest got the frame.
 */
static bool netback_flip_page(struct netback_queue *q, unsigned int n,
			      grant_ref_t ref)
{
	struct page *page = q->flip_pages[n];
	xen_pfn_t mfn;
	bool kept;
	s16 status;

	if (splitio_frame_detach(page, &mfn))
		return false;
	status = splitio_grant_transfer(mfn, q->vif->domid, ref, &kept);
	if (kept) {
		if (!splitio_frame_attach(page, mfn)) {
			/*
			 * GNTST_bad_page: the frame has another reference
			 * (a mapping we do not know of) and would be refused
			 * every time: use another page from now on.
			 */
			if (status == GNTST_bad_page) {
				__free_page(page);
				q->flip_pages[n] = NULL;
			}
			return false;
		}
		/* Not reached: the frame is ours.  Let Xen have it back. */
		splitio_frame_release(mfn);
	}
	if (splitio_frame_populate(page)) {
		__set_bit(n, &q->flip_frameless);
		if (net_ratelimit())
			netdev_err(q->vif->dev, "queue %u: Xen has no frame to replace a flipped one\n",
				   q->id);
	}
	return status == GNTST_okay;
}

/*
 * The guest gets whole frames: the bytes after the packet are zeroed, so
 * that neither Dom0's memory nor what an earlier owner of a frame from Xen
 * left in it goes along.
 */
static void netback_flip_place(struct netback_rx_packet *pkt,
			       struct sk_buff *skb)
{
	struct netback_queue *q = pkt->q;
	unsigned int n, len, pos = 0;
	void *data;

	for (n = 0; n < pkt->nr_data; n++, pos += len) {
		len = min_t(unsigned int, skb->len - pos, XEN_PAGE_SIZE);
		if (!netback_flip_ready(q, n)) {
			__set_bit(n, &pkt->failed);
			continue;
		}
		data = page_address(q->flip_pages[n]);
		if (skb_copy_bits(skb, pos, data, len)) {
			__set_bit(n, &pkt->failed);
			continue;
		}
		memset(data + len, 0, XEN_PAGE_SIZE - len);
		if (!netback_flip_page(q, n,
				       netback_rx_data_request(pkt, n)->gref))
			__set_bit(n, &pkt->failed);
	}
}

static int netback_flip_deliver(struct netback_queue *q, struct sk_buff *skb)
{
	return netback_rx_deliver(q, skb, netback_flip_place,
				  &q->stats->rx.drop_transfer_error);
}

const struct netback_rx_mode netback_rx_flip_mode = {
	.name = "flip",
	.deliver = netback_flip_deliver,
};

/* The queue's pages to flip through, at connection. */
int netback_flip_alloc(struct netback_queue *q)
{
	unsigned int n;

	q->flip_frameless = 0;
	for (n = 0; n < NETBACK_RX_MAX_SLOTS; n++) {
		q->flip_pages[n] = alloc_page(GFP_KERNEL);
		if (!q->flip_pages[n]) {
			netback_flip_free(q);
			return -ENOMEM;
		}
	}
	return 0;
}

/* At disconnection, when the RX thread has stopped. */
void netback_flip_free(struct netback_queue *q)
{
	unsigned int n;

	for (n = 0; n < NETBACK_RX_MAX_SLOTS; n++) {
		if (!q->flip_pages[n])
			continue;
		if (netback_flip_ready(q, n))
			__free_page(q->flip_pages[n]);
		else	/* never freed without a frame: leaked, and counted */
			netdev_err(q->vif->dev, "queue %u: a page without a frame is leaked\n",
				   q->id);
		q->flip_pages[n] = NULL;
	}
}
