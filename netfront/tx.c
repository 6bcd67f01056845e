// SPDX-License-Identifier: GPL-2.0
/*
 * Packets out.  An skb's linear part and frags are cut into chunks that
 * never cross a page, each granted read-only to the backend in one ring
 * slot.  The first slot's size is the whole packet; a GSO packet carries
 * an extra-info slot right after the first one.
 *
 * Every data slot takes an id and a reference on the skb, so the packet
 * lives until the backend has answered all of its slots, whatever order
 * it answers them in.  A response is believed only if its id is in
 * flight.  If the backend still maps a page when we end its grant, the
 * skb's memory (which may be slab memory) must never be reused: that
 * reference is leaked on purpose and the backend declared broken.
 */
#include <linux/mm.h>
#include <linux/skbuff.h>

#include "netfront/common.h"

/* A chunk of packet data that lies within one page. */
struct netfront_chunk {
	struct page *page;
	unsigned int offset;
	unsigned int len;
};

/* Cuts @len bytes at @offset in @page into at most @room page chunks. */
static unsigned int chunks_of(struct page *page, unsigned int offset,
			      unsigned int len, struct netfront_chunk *out,
			      unsigned int room)
{
	unsigned int n = 0, size;

	page += offset >> PAGE_SHIFT;
	offset &= ~PAGE_MASK;
	while (len) {
		size = min_t(unsigned int, len, PAGE_SIZE - offset);
		if (n < room) {
			out[n].page = page;
			out[n].offset = offset;
			out[n].len = size;
		}
		n++;
		len -= size;
		page++;
		offset = 0;
	}
	return n;
}

/*
 * Cuts @skb into chunks; returns how many it needs, which may exceed
 * @room (then only the first @room are filled in).
 */
static unsigned int tx_chunks(struct sk_buff *skb, struct netfront_chunk *out,
			      unsigned int room)
{
	unsigned int n, i;

	n = chunks_of(virt_to_page(skb->data), offset_in_page(skb->data),
		      skb_headlen(skb), out, room);
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		n += chunks_of(skb_frag_page(frag), skb_frag_off(frag),
			       skb_frag_size(frag), out + min(n, room),
			       room - min(n, room));
	}
	return n;
}

/* Ends one slot's grant; false if the backend still maps the page. */
static bool tx_revoke(struct netfront_queue *q, struct netfront_tx_shadow *s)
{
	get_page(s->page);	/* for the kernel to drop if it must wait */
	if (!splitio_gref_pool_revoke(&q->tx_pool, s->gref, s->page))
		return false;
	put_page(s->page);
	return true;
}

static void tx_put_id(struct netfront_queue *q, u16 id)
{
	q->tx_shadow[id].skb = NULL;
	q->tx_shadow[id].page = NULL;
	q->tx_shadow[id].next_free = q->tx_free_head;
	q->tx_free_head = id;
	q->tx_free_ids++;
}

/*
 * Frees id @id: false, with the skb reference kept forever, if the
 * backend still maps its page.  tx_lock held.
 */
static bool tx_finish(struct netfront_queue *q, u16 id, bool ok)
{
	struct netfront_tx_shadow *s = &q->tx_shadow[id];

	if (!tx_revoke(q, s)) {
		tx_put_id(q, id);
		return false;
	}
	if (ok)
		dev_consume_skb_any(s->skb);
	else
		dev_kfree_skb_any(s->skb);
	tx_put_id(q, id);
	return true;
}

/* Room for the largest packet: every data slot, one extra, their ids. */
static bool tx_has_room(const struct netfront_queue *q)
{
	return splitio_front_free_requests(&q->tx) >= NETFRONT_MAX_SLOTS + 1 &&
	       q->tx_free_ids >= NETFRONT_MAX_SLOTS;
}

static void tx_drop(struct netfront_queue *q, struct sk_buff *skb,
		    enum netfront_stat why)
{
	netfront_stat_add(&q->tx_stats, why, 1);
	dev_kfree_skb_any(skb);
}

/* The GSO extra slot, or false if the skb's GSO is none we can carry. */
static bool tx_gso_extra(struct sk_buff *skb, struct xen_netif_extra_info *x)
{
	unsigned int type = skb_shinfo(skb)->gso_type;

	memset(x, 0, sizeof(*x));
	x->type = XEN_NETIF_EXTRA_TYPE_GSO;
	x->u.gso.size = skb_shinfo(skb)->gso_size;
	if (type & SKB_GSO_TCPV4)
		x->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
	else if (type & SKB_GSO_TCPV6)
		x->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV6;
	else
		return false;
	return x->u.gso.size != 0;
}

/*
 * Puts the @nr chunks of @skb on the ring.  tx_lock held, room checked.
 * Returns false, with nothing published, if a grant failed.
 */
static bool tx_queue_packet(struct netfront_queue *q, struct sk_buff *skb,
			    const struct netfront_chunk *chunks,
			    unsigned int nr)
{
	domid_t domid = q->nf->xdev->otherend_id;
	struct xen_netif_extra_info gso;
	union netfront_tx_slot slot;
	u32 prod = q->tx.req_prod_pvt;
	bool has_gso = skb_is_gso(skb);
	u16 ids[NETFRONT_MAX_SLOTS];
	unsigned int i;
	int ref;

	if (has_gso && !tx_gso_extra(skb, &gso))
		return false;
	for (i = 0; i < nr; i++) {
		struct netfront_tx_shadow *s;
		u16 id = q->tx_free_head;

		ref = splitio_gref_pool_grant(&q->tx_pool, domid,
					      chunks[i].page, true);
		if (ref < 0)
			goto err_unwind;
		s = &q->tx_shadow[id];
		q->tx_free_head = s->next_free;
		q->tx_free_ids--;
		s->page = chunks[i].page;
		s->gref = ref;
		/* One reference per slot; the caller's is the last slot's. */
		s->skb = i + 1 < nr ? skb_get(skb) : skb;
		ids[i] = id;

		memset(&slot, 0, sizeof(slot));
		slot.req.gref = ref;
		slot.req.offset = chunks[i].offset;
		slot.req.id = id;
		slot.req.size = i ? chunks[i].len : skb->len;
		if (i + 1 < nr)
			slot.req.flags |= XEN_NETTXF_more_data;
		if (!i && skb->ip_summed == CHECKSUM_PARTIAL)
			slot.req.flags |= XEN_NETTXF_csum_blank |
					  XEN_NETTXF_data_validated;
		if (!i && has_gso)
			slot.req.flags |= XEN_NETTXF_extra_info;
		*netif_tx_request_slot(&q->tx, prod++) = slot.req;
		if (!i && has_gso) {
			memset(&slot, 0, sizeof(slot));
			slot.extra = gso;
			*netif_tx_request_slot(&q->tx, prod++) = slot.req;
		}
	}
	q->tx.req_prod_pvt = prod;
	return true;

err_unwind:
	/* Never published: the backend cannot have mapped these. */
	while (i--) {
		struct netfront_tx_shadow *s = &q->tx_shadow[ids[i]];

		splitio_gref_pool_revoke(&q->tx_pool, s->gref, s->page);
		/* Slots before the failed one hold extra references. */
		dev_kfree_skb_any(s->skb);
		tx_put_id(q, ids[i]);
	}
	return false;
}

static int tx_reap(struct netfront_queue *q, const char **why);

netdev_tx_t netfront_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct netfront_dev *nf = netdev_priv(dev);
	u16 qi = skb_get_queue_mapping(skb);
	struct netfront_chunk chunks[NETFRONT_MAX_SLOTS];
	struct netdev_queue *txq;
	struct netfront_queue *q;
	const char *why = NULL;
	unsigned int nr, len;
	unsigned long flags;

	if (unlikely(qi >= NETFRONT_MAX_QUEUES)) {
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	q = &nf->queues[qi];
	txq = netdev_get_tx_queue(dev, qi);

	nr = tx_chunks(skb, chunks, NETFRONT_MAX_SLOTS);
	if (nr > NETFRONT_MAX_SLOTS) {
		/* Fewer, larger chunks; 64 KiB linear still fits 18 pages. */
		if (skb_linearize(skb)) {
			tx_drop(q, skb, NF_STAT_TX_DROP_OTHER);
			return NETDEV_TX_OK;
		}
		nr = tx_chunks(skb, chunks, NETFRONT_MAX_SLOTS);
		if (nr > NETFRONT_MAX_SLOTS) {
			tx_drop(q, skb, NF_STAT_TX_DROP_SLOTS);
			return NETDEV_TX_OK;
		}
	}
	len = skb->len;
	if (unlikely(!nr || len > NETFRONT_MAX_PACKET)) {
		tx_drop(q, skb, NF_STAT_TX_DROP_OTHER);
		return NETDEV_TX_OK;
	}

	spin_lock_irqsave(&q->tx_lock, flags);
	if (unlikely(!q->tx_up)) {
		spin_unlock_irqrestore(&q->tx_lock, flags);
		tx_drop(q, skb, NF_STAT_TX_DROP_DOWN);
		return NETDEV_TX_OK;
	}
	if (unlikely(!tx_has_room(q))) {
		/* We stop early enough for this never to happen. */
		netif_tx_stop_queue(txq);
		spin_unlock_irqrestore(&q->tx_lock, flags);
		return NETDEV_TX_BUSY;
	}
	skb_tx_timestamp(skb);
	if (!tx_queue_packet(q, skb, chunks, nr)) {
		spin_unlock_irqrestore(&q->tx_lock, flags);
		tx_drop(q, skb, NF_STAT_TX_DROP_OTHER);
		return NETDEV_TX_OK;
	}
	u64_stats_update_begin(&q->tx_stats.syncp);
	q->tx_stats.v[NF_STAT_TX_PACKETS]++;
	q->tx_stats.v[NF_STAT_TX_BYTES] += len;
	u64_stats_update_end(&q->tx_stats.syncp);
	if (splitio_front_push_requests(&q->tx))
		splitio_evtchn_notify(&q->tx_evtchn);
	/* Like xen-netfront: answers already there free room without an event. */
	if (!tx_has_room(q) && tx_reap(q, &why) < 0) {
		q->tx_up = false;
		spin_unlock_irqrestore(&q->tx_lock, flags);
		netfront_broken(q, why);
		return NETDEV_TX_OK;
	}
	if (!tx_has_room(q))
		netif_tx_stop_queue(txq);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return NETDEV_TX_OK;
}

/* One response; false if the backend broke the protocol. */
static bool tx_take_response(struct netfront_queue *q, const char **why)
{
	struct xen_netif_tx_response rsp;
	bool ok;

	netif_tx_copy_response(&q->tx, q->tx.rsp_cons++, &rsp);
	if (rsp.status == XEN_NETIF_RSP_NULL)
		return true;	/* answers an extra-info slot */
	if (rsp.id >= q->tx.nr_ents || !q->tx_shadow[rsp.id].skb) {
		*why = "tx response to an id not in flight";
		return false;
	}
	ok = rsp.status == XEN_NETIF_RSP_OKAY;
	if (rsp.status == XEN_NETIF_RSP_DROPPED)
		netfront_stat_add(&q->tx_stats, NF_STAT_TX_BACKEND_DROPS, 1);
	else if (!ok)
		netfront_stat_add(&q->tx_stats, NF_STAT_TX_ERRORS, 1);
	if (!tx_finish(q, rsp.id, ok)) {
		*why = "backend still maps a completed tx slot";
		return false;
	}
	return true;
}

/*
 * Takes every tx response there is and arms rsp_event for the next.
 * tx_lock held.  Returns how many were taken, or -EIO (*why set).
 */
static int tx_reap(struct netfront_queue *q, const char **why)
{
	int avail, taken = 0;

	while ((avail = splitio_front_final_check_for_responses(&q->tx)) > 0) {
		taken += avail;
		while (avail--)
			if (!tx_take_response(q, why))
				return -EIO;
	}
	if (avail < 0) {
		*why = "more tx responses than requests";
		return -EIO;
	}
	return taken;
}

/*
 * tx_reap() for the NAPI poll, which also wakes the queue.  Returns whether
 * any response was found; marks the queue broken on a lie.
 */
bool netfront_tx_complete(struct netfront_queue *q)
{
	struct netdev_queue *txq;
	const char *why = NULL;
	unsigned long flags;
	int taken;

	spin_lock_irqsave(&q->tx_lock, flags);
	if (!q->tx_up) {
		spin_unlock_irqrestore(&q->tx_lock, flags);
		return false;
	}
	taken = tx_reap(q, &why);
	if (taken < 0)
		goto broken;
	txq = netdev_get_tx_queue(q->nf->netdev, q->index);
	if (tx_has_room(q) && netif_running(q->nf->netdev) &&
	    netif_tx_queue_stopped(txq))
		netif_tx_wake_queue(txq);
	spin_unlock_irqrestore(&q->tx_lock, flags);
	return taken > 0;

broken:
	q->tx_up = false;
	spin_unlock_irqrestore(&q->tx_lock, flags);
	netfront_broken(q, why);
	return true;
}

/*
 * Connection gone, NAPI and event channels stopped: fail everything in
 * flight.  Grants the backend still holds keep their skbs forever.
 */
void netfront_tx_drain(struct netfront_queue *q)
{
	unsigned long flags;
	u16 id;

	spin_lock_irqsave(&q->tx_lock, flags);
	q->tx_up = false;
	for (id = 0; id < q->tx.nr_ents; id++)
		if (q->tx_shadow && q->tx_shadow[id].skb)
			tx_finish(q, id, false);
	spin_unlock_irqrestore(&q->tx_lock, flags);
}

/* Shadows and grant pool for a ring just set up in q->tx. */
int netfront_tx_alloc(struct netfront_queue *q)
{
	u32 id;
	int err;

	q->tx_shadow = kvcalloc(q->tx.nr_ents, sizeof(*q->tx_shadow),
				GFP_KERNEL);
	if (!q->tx_shadow)
		return -ENOMEM;
	for (id = 0; id < q->tx.nr_ents; id++)
		q->tx_shadow[id].next_free = id + 1;
	q->tx_free_head = 0;
	q->tx_free_ids = q->tx.nr_ents;
	/* A grant for every id: a packet never waits for one. */
	err = splitio_gref_pool_init(&q->tx_pool, q->tx.nr_ents);
	if (err) {
		kvfree(q->tx_shadow);
		q->tx_shadow = NULL;
	}
	return err;
}

/* After netfront_tx_drain(). */
void netfront_tx_free(struct netfront_queue *q)
{
	if (!q->tx_shadow)
		return;
	splitio_gref_pool_uninit(&q->tx_pool);
	kvfree(q->tx_shadow);
	q->tx_shadow = NULL;
}
