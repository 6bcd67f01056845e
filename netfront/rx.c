// SPDX-License-Identifier: GPL-2.0
/*
 * Packets in.  The rx ring is kept full of pages, each granted writable to
 * the backend, which copies packets into them (or, flipping, offered as a
 * transfer grant: flip.c).  The buffer posted at ring slot i has id i, and
 * the backend answers requests in ring order: the response at index i must
 * carry id i and names that buffer.  An extra-info slot consumes the buffer
 * posted at its index without using it.
 *
 * A packet is its first slot (copied into the skb's linear area, so that
 * page is posted again at once), then its NETRXF_more_data slots, attached
 * as page frags.  Nothing is believed unchecked: ids, statuses, offsets and
 * sizes, slot counts and the GSO extra.  A malformed packet is dropped and
 * counted; only a backend that still maps a buffer it answered for, or
 * that answers with the wrong id, is declared broken.
 */
#include <linux/etherdevice.h>
#include <linux/mm.h>
#include <linux/skbuff.h>

#include "netfront/common.h"

/* Bytes of a packet the stack may need in the linear area. */
#define RX_MAX_BYTES	(NETFRONT_MAX_PACKET + ETH_HLEN)

/* ---- Posting buffers -------------------------------------------------- */

static struct page *rx_get_page(struct netfront_queue *q)
{
	if (q->rx_nr_spare)
		return q->rx_spare[--q->rx_nr_spare];
	return alloc_page(GFP_ATOMIC | __GFP_NOWARN);
}

/* A page we own again: keep it to post, or free it. */
static void rx_put_page(struct netfront_queue *q, struct page *page)
{
	if (q->rx_nr_spare < q->rx.nr_ents)
		q->rx_spare[q->rx_nr_spare++] = page;
	else
		put_page(page);
}

/*
 * Takes back the buffer at ring slot @slot: its page if we may use it
 * again, NULL if the backend still maps it (the kernel frees it later) or,
 * flipping, if no frame could be put under it.  *@filled: the backend
 * could have written into it (flipping: a frame arrived).
 */
static struct page *rx_take_buf(struct netfront_queue *q, u32 slot,
				bool *filled)
{
	struct netfront_rx_buf *buf = &q->rx_bufs[slot];
	struct page *page = buf->page;

	if (q->nf->rx_flip)
		return netfront_flip_take(q, buf, filled);
	*filled = true;
	buf->page = NULL;
	if (!splitio_gref_pool_revoke(&q->rx_pool, buf->gref, page))
		return NULL;
	return page;
}

/*
 * Grants @page to the backend as a buffer; returns the reference, or an
 * error: -EFAULT if flipping left the page without a frame (lost to us).
 */
static int rx_post(struct netfront_queue *q, domid_t domid, struct page *page)
{
	int ref, err;

	if (!q->nf->rx_flip)
		return splitio_gref_pool_grant(&q->rx_pool, domid, page, false);
	ref = splitio_gref_pool_claim(&q->rx_pool);
	if (ref < 0)
		return ref;
	err = netfront_flip_post(q, page, ref);
	if (err) {
		splitio_gref_pool_release(&q->rx_pool, ref);
		return err;
	}
	return ref;
}

/* Posts buffers until the ring is full or memory runs out. */
void netfront_rx_refill(struct netfront_queue *q)
{
	domid_t domid = q->nf->xdev->otherend_id;
	struct xen_netif_rx_request *req;
	unsigned int posted = 0;
	struct page *page;
	u32 slot;
	int ref;

	while (splitio_front_free_requests(&q->rx)) {
		slot = q->rx.req_prod_pvt & (q->rx.nr_ents - 1);
		if (q->rx_bufs[slot].page)
			break;	/* cannot happen: each slot is consumed first */
		page = rx_get_page(q);
		if (!page)
			break;
		ref = rx_post(q, domid, page);
		if (ref < 0) {
			if (ref != -EFAULT)
				rx_put_page(q, page);
			break;
		}
		q->rx_bufs[slot].page = page;
		q->rx_bufs[slot].gref = ref;
		req = netif_rx_request_slot(&q->rx, q->rx.req_prod_pvt++);
		req->id = slot;
		req->pad = 0;
		req->gref = ref;
		posted++;
	}
	if (posted && splitio_front_push_requests(&q->rx))
		splitio_evtchn_notify(q->nf->split_evtchn ? &q->rx_evtchn :
							    &q->tx_evtchn);
	/* An empty ring gets no responses to refill it: try again later. */
	if (splitio_front_free_requests(&q->rx) == q->rx.nr_ents)
		mod_timer(&q->refill_timer, jiffies + HZ / 10);
}

/* ---- Taking packets ----------------------------------------------------- */

/* One packet's slots, copied once from the ring. */
struct rx_packet {
	union netfront_rx_slot slots[NETFRONT_MAX_SLOTS + XEN_NETIF_EXTRA_TYPE_MAX];
	unsigned int nr_slots;		/* all of them, extras included */
	unsigned int first_extra;	/* index of the first extra, or 0 */
	unsigned int nr_extras;
};

/*
 * Copies the next packet's slots, of the @avail ready ones.  Returns its
 * slot count; -EAGAIN if it runs past the last response, its slots so far
 * in pkt->nr_slots; or -E2BIG if it has more slots than any packet may.
 * Nothing is consumed.
 *
 * A backend publishes whole packets (Linux's netback does, and Linux's
 * netfront counts on it), so a packet cut short is dropped rather than
 * waited for: waiting would let a backend keep the poll spinning on it.
 */
static int rx_gather(struct netfront_queue *q, unsigned int avail,
		     struct rx_packet *pkt)
{
	unsigned int n = 0, limit = ARRAY_SIZE(pkt->slots);
	bool more_extras = false, more_data = false;
	union netfront_rx_slot *s;

	pkt->first_extra = 0;
	pkt->nr_extras = 0;
	for (;;) {
		if (n == avail) {
			pkt->nr_slots = n;
			return -EAGAIN;
		}
		if (n == limit)
			return -E2BIG;
		s = &pkt->slots[n];
		splitio_front_copy_response(&q->rx, q->rx.rsp_cons + n, s,
					    sizeof(*s));
		n++;
		if (n == 1) {
			more_extras = s->rsp.flags & XEN_NETRXF_extra_info;
			more_data = s->rsp.flags & XEN_NETRXF_more_data;
			if (more_extras)
				pkt->first_extra = 1;
		} else if (more_extras) {
			more_extras = s->extra.flags & XEN_NETIF_EXTRA_FLAG_MORE;
			pkt->nr_extras++;
		} else {
			more_data = s->rsp.flags & XEN_NETRXF_more_data;
		}
		if (!more_extras && !more_data)
			break;
	}
	pkt->nr_slots = n;
	return n;
}

static bool rx_is_extra(const struct rx_packet *pkt, unsigned int i)
{
	return pkt->nr_extras && i >= pkt->first_extra &&
	       i < pkt->first_extra + pkt->nr_extras;
}

/* Applies the GSO extra, if any; false if an extra is malformed. */
static bool rx_apply_extras(const struct rx_packet *pkt, struct sk_buff *skb)
{
	unsigned int i;

	for (i = 0; i < pkt->nr_extras; i++) {
		const struct xen_netif_extra_info *x =
			&pkt->slots[pkt->first_extra + i].extra;

		if (!x->type || x->type >= XEN_NETIF_EXTRA_TYPE_MAX)
			return false;
		if (x->type != XEN_NETIF_EXTRA_TYPE_GSO)
			continue;	/* nothing we asked for */
		if (!x->u.gso.size)
			return false;
		switch (x->u.gso.type) {
		case XEN_NETIF_GSO_TYPE_TCPV4:
			skb_shinfo(skb)->gso_type = SKB_GSO_TCPV4;
			break;
		case XEN_NETIF_GSO_TYPE_TCPV6:
			skb_shinfo(skb)->gso_type = SKB_GSO_TCPV6;
			break;
		default:
			return false;
		}
		/* The stack recomputes segments; the header is untrusted. */
		skb_shinfo(skb)->gso_type |= SKB_GSO_DODGY;
		skb_shinfo(skb)->gso_size = x->u.gso.size;
		skb_shinfo(skb)->gso_segs = 0;
	}
	return true;
}

/*
 * Takes back every buffer of @pkt (consuming its slots) and checks the
 * data slots; returns the drop reason, or NF_STAT_NR to keep it.  The
 * data slots' pages, ours again, are in @pages; *@broken is set if the
 * backend broke the protocol (the buffers after that slot stay posted).
 */
static int rx_take_slots(struct netfront_queue *q, const struct rx_packet *pkt,
			 struct page **pages, unsigned int *nr_data,
			 const char **broken)
{
	int verdict = NF_STAT_NR;
	unsigned int i, d = 0, total = 0;
	u32 mask = q->rx.nr_ents - 1;

	for (i = 0; i < pkt->nr_slots; i++) {
		u32 slot = (q->rx.rsp_cons + i) & mask;
		const struct xen_netif_rx_response *r = &pkt->slots[i].rsp;
		struct page *page;
		bool filled;

		if (!q->rx_bufs[slot].page) {
			*broken = "rx response for a slot with no buffer";
			break;
		}
		if (!rx_is_extra(pkt, i) && r->id != slot) {
			*broken = "rx response with the wrong id";
			break;
		}
		page = rx_take_buf(q, slot, &filled);
		if (!page) {
			*broken = q->nf->rx_flip ?
				  "no frame for a flipped rx buffer" :
				  "backend still maps an rx buffer it answered for";
			break;
		}
		if (rx_is_extra(pkt, i)) {
			rx_put_page(q, page);
			continue;
		}
		pages[d++] = page;
		if (r->status < 0 || !filled)
			verdict = NF_STAT_RX_ERRORS;
		else if (r->offset + r->status > PAGE_SIZE)
			verdict = NF_STAT_RX_DROP_BAD_SLOT;
		else if (d > NETFRONT_MAX_SLOTS)
			verdict = NF_STAT_RX_DROP_SLOTS;
		else
			total += r->status;
	}
	if (verdict == NF_STAT_NR && (total > RX_MAX_BYTES || !total))
		verdict = NF_STAT_RX_DROP_SLOTS;
	*nr_data = d;
	return verdict;
}

/* The data slot @d of @pkt, counting data slots only. */
static const struct xen_netif_rx_response *
rx_data_slot(const struct rx_packet *pkt, unsigned int d)
{
	unsigned int i;

	for (i = 0; i < pkt->nr_slots; i++)
		if (!rx_is_extra(pkt, i) && !d--)
			return &pkt->slots[i].rsp;
	return NULL;	/* not reached: d < the data slot count */
}

/* Builds the skb from the checked pages, which it takes over. */
static struct sk_buff *rx_build(struct netfront_queue *q,
				const struct rx_packet *pkt,
				struct page **pages, unsigned int nr_data,
				int *verdict)
{
	const struct xen_netif_rx_response *r = rx_data_slot(pkt, 0);
	struct sk_buff *skb;
	unsigned int d;

	skb = napi_alloc_skb(&q->napi, r->status);
	if (!skb) {
		*verdict = NF_STAT_RX_DROP_NOMEM;
		return NULL;
	}
	skb_put_data(skb, page_address(pages[0]) + r->offset, r->status);
	rx_put_page(q, pages[0]);
	pages[0] = NULL;
	for (d = 1; d < nr_data; d++) {
		r = rx_data_slot(pkt, d);
		skb_add_rx_frag(skb, d - 1, pages[d], r->offset, r->status,
				PAGE_SIZE);
		pages[d] = NULL;
	}
	if (!rx_apply_extras(pkt, skb)) {
		*verdict = NF_STAT_RX_DROP_EXTRA;
		goto err_free;
	}
	if (!pskb_may_pull(skb, ETH_HLEN)) {
		*verdict = NF_STAT_RX_DROP_BAD_SLOT;
		goto err_free;
	}
	skb->protocol = eth_type_trans(skb, q->nf->netdev);
	skb_reset_network_header(skb);
	r = rx_data_slot(pkt, 0);
	if ((r->flags & XEN_NETRXF_csum_blank) || skb_is_gso(skb)) {
		/*
		 * Never checksummed: the stack must know where.  A GSO
		 * packet needs that too, to be segmented again if forwarded.
		 */
		if (skb_checksum_setup(skb, true)) {
			*verdict = NF_STAT_RX_DROP_CSUM;
			goto err_free;
		}
	} else if (r->flags & XEN_NETRXF_data_validated) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	}
	return skb;

err_free:
	kfree_skb(skb);
	return NULL;
}

/* One whole packet, if there; <0 if the backend broke the protocol. */
static int rx_take_packet(struct netfront_queue *q, unsigned int avail,
			  const char **broken)
{
	struct page *pages[NETFRONT_MAX_SLOTS + XEN_NETIF_EXTRA_TYPE_MAX];
	struct rx_packet pkt;
	struct sk_buff *skb = NULL;
	unsigned int nr_data = 0, i;
	bool cut_short;
	int n, verdict;

	n = rx_gather(q, avail, &pkt);
	if (n == -E2BIG) {
		*broken = "rx packet with more slots than allowed";
		return -EIO;
	}
	cut_short = n == -EAGAIN;
	if (cut_short)
		n = pkt.nr_slots;
	verdict = rx_take_slots(q, &pkt, pages, &nr_data, broken);
	q->rx.rsp_cons += n;
	if (*broken) {
		for (i = 0; i < nr_data; i++)
			rx_put_page(q, pages[i]);
		return -EIO;
	}
	if (cut_short) {
		if (net_ratelimit())
			netdev_warn(q->nf->netdev,
				    "queue %u: rx packet cut short by the backend\n",
				    q->index);
		verdict = NF_STAT_RX_DROP_SLOTS;
	}
	if (verdict == NF_STAT_NR)
		skb = rx_build(q, &pkt, pages, nr_data, &verdict);
	for (i = 0; i < nr_data; i++)
		if (pages[i])
			rx_put_page(q, pages[i]);
	if (!skb) {
		netfront_stat_add(&q->rx_stats, verdict, 1);
		return n;
	}
	u64_stats_update_begin(&q->rx_stats.syncp);
	q->rx_stats.v[NF_STAT_RX_PACKETS]++;
	q->rx_stats.v[NF_STAT_RX_BYTES] += skb->len + ETH_HLEN;
	u64_stats_update_end(&q->rx_stats.syncp);
	napi_gro_receive(&q->napi, skb);
	return n;
}

/*
 * Up to @budget packets; sets *@found if any response was there.
 * Returns the packets taken, or -EIO if the backend broke the protocol.
 */
int netfront_rx_poll(struct netfront_queue *q, int budget, bool *found)
{
	const char *broken = NULL;
	int done = 0, avail, n;

	while (done < budget) {
		avail = splitio_front_unconsumed_responses(&q->rx);
		if (avail < 0) {
			broken = "more rx responses than requests";
			break;
		}
		if (!avail)
			break;
		*found = true;
		n = rx_take_packet(q, avail, &broken);
		if (n <= 0)
			break;	/* broken, or the rest is not there yet */
		done++;
	}
	if (broken) {
		netfront_broken(q, broken);
		return -EIO;
	}
	netfront_rx_refill(q);
	return done;
}

/* Responses waiting, with rsp_event armed if none; true if broken too. */
bool netfront_rx_pending(struct netfront_queue *q)
{
	return splitio_front_final_check_for_responses(&q->rx) != 0;
}

/* NAPI stopped: take every posted buffer back. */
void netfront_rx_drain(struct netfront_queue *q)
{
	struct page *page;
	bool filled;
	u32 slot;

	if (!q->rx_bufs)
		return;
	for (slot = 0; slot < q->rx.nr_ents; slot++) {
		if (!q->rx_bufs[slot].page)
			continue;
		page = rx_take_buf(q, slot, &filled);
		if (page)
			put_page(page);
	}
	while (q->rx_nr_spare)
		put_page(q->rx_spare[--q->rx_nr_spare]);
}

/* Buffer table, spare pages and grant pool for the ring in q->rx. */
int netfront_rx_alloc(struct netfront_queue *q)
{
	int err = -ENOMEM;

	q->rx_bufs = kvcalloc(q->rx.nr_ents, sizeof(*q->rx_bufs), GFP_KERNEL);
	if (!q->rx_bufs)
		return -ENOMEM;
	q->rx_spare = kvcalloc(q->rx.nr_ents, sizeof(*q->rx_spare),
			       GFP_KERNEL);
	if (!q->rx_spare)
		goto err_free_bufs;
	q->rx_nr_spare = 0;
	err = splitio_gref_pool_init(&q->rx_pool, q->rx.nr_ents);
	if (err)
		goto err_free_spare;
	/* After the pool: the table then holds every reference we post. */
	if (q->nf->rx_flip) {
		err = splitio_transfer_table_map(&q->rx_xfer);
		if (err)
			goto err_uninit_pool;
	}
	return 0;

err_uninit_pool:
	splitio_gref_pool_uninit(&q->rx_pool);
err_free_spare:
	kvfree(q->rx_spare);
	q->rx_spare = NULL;
err_free_bufs:
	kvfree(q->rx_bufs);
	q->rx_bufs = NULL;
	return err;
}

/* After netfront_rx_drain(). */
void netfront_rx_free(struct netfront_queue *q)
{
	if (!q->rx_bufs)
		return;
	splitio_transfer_table_unmap(&q->rx_xfer);
	splitio_gref_pool_uninit(&q->rx_pool);
	kvfree(q->rx_spare);
	q->rx_spare = NULL;
	kvfree(q->rx_bufs);
	q->rx_bufs = NULL;
}
