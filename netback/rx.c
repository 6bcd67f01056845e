// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's receive path: ndo_start_xmit queues packets on their queue's
 * bounded list, and the queue's RX thread hands them to the guest through
 * the vif's RX mode: "copy", grant copies into the buffers (one page each)
 * the guest posted on its RX ring, here; or "flip", page transfers
 * (flip.c).  Both take the guest's requests and answer them alike.
 *
 * A guest that stops posting buffers must not pin Dom0 memory: the list is
 * bounded (the stack's queue is stopped when it fills, packets beyond are
 * dropped), and after netback_rx_stall_ms without progress the carrier
 * goes down and the list is purged.  The carrier returns once the guest
 * posts buffers again.
 */
#include <linux/kthread.h>
#include <net/ip.h>

#include "netback/common.h"

static void netback_xmit_count(struct netback_vif *vif, unsigned int index,
			       u64_stats_t *ctr)
{
	struct netback_xmit_stats *st = &vif->stats[index].xmit;

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(ctr);
	u64_stats_update_end(&st->syncp);
}

/* Can the frontend take this GSO packet as it is? */
static bool netback_rx_gso_ok(const struct netback_vif *vif,
			      const struct sk_buff *skb)
{
	unsigned int type = skb_shinfo(skb)->gso_type &
			    ~(SKB_GSO_DODGY | SKB_GSO_TCP_ECN |
			      SKB_GSO_TCP_FIXEDID);

	return vif->fe.sg &&
	       ((type == SKB_GSO_TCPV4 && vif->fe.gso_tcpv4) ||
		(type == SKB_GSO_TCPV6 && vif->fe.gso_tcpv6));
}

/* Can the frontend take this packet with its checksum left blank? */
static bool netback_rx_csum_ok(const struct netback_vif *vif,
			       const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return vif->fe.ip_csum;
	if (skb->protocol == htons(ETH_P_IPV6))
		return vif->fe.ipv6_csum;
	return false;
}

/*
 * A checksum left blank that the frontend cannot take is filled in here.
 * False when that fails.
 */
static bool netback_rx_csum_fixup(const struct netback_vif *vif,
				  struct sk_buff *skb)
{
	return skb->ip_summed != CHECKSUM_PARTIAL || skb_is_gso(skb) ||
	       netback_rx_csum_ok(vif, skb) || !skb_checksum_help(skb);
}

/* For ndo_start_xmit, under the queue's xmit lock. */
static void netback_rx_enqueue(struct netback_queue *q, struct sk_buff *skb)
{
	struct netback_vif *vif = q->vif;
	struct netdev_queue *txq = netdev_get_tx_queue(vif->dev, q->id);

	if (!netback_rx_csum_fixup(vif, skb)) {
		dev_kfree_skb_any(skb);
		netback_xmit_count(vif, q->id,
				   &vif->stats[q->id].xmit.drop_filtered);
		return;
	}
	if (skb_queue_len(&q->rx_queue) >= netback_rx_queue_max) {
		dev_kfree_skb_any(skb);
		netback_xmit_count(vif, q->id,
				   &vif->stats[q->id].xmit.drop_queue_full);
		netif_tx_stop_queue(txq);
		return;
	}
	skb_queue_tail(&q->rx_queue, skb);
	if (skb_queue_len(&q->rx_queue) >= netback_rx_queue_max)
		netif_tx_stop_queue(txq);
}

/*
 * For frames the firewall-router switched here from another guest.  No
 * xmit lock is held (taking one while a stack holds another vif's could
 * deadlock), so the list's own lock bounds it, the stack's queue is left
 * alone and a frame without room is dropped, as a switch drops it.
 */
static void netback_rx_enqueue_forwarded(struct netback_queue *q,
					 struct sk_buff *skb)
{
	unsigned long flags;
	bool room = false;

	if (netback_rx_csum_fixup(q->vif, skb)) {
		spin_lock_irqsave(&q->rx_queue.lock, flags);
		room = skb_queue_len(&q->rx_queue) < netback_rx_queue_max;
		if (room)
			__skb_queue_tail(&q->rx_queue, skb);
		spin_unlock_irqrestore(&q->rx_queue.lock, flags);
	}
	if (!room) {
		dev_kfree_skb_any(skb);
		atomic64_inc(&q->vif->vfr_dropped);
	}
}

/*
 * Puts @skb, data at the MAC header, on @q's list; GSO the frontend cannot
 * take is segmented first.  False when segmenting failed (@skb is freed).
 */
static bool netback_rx_queue_packet(struct netback_queue *q,
				    struct sk_buff *skb,
				    void (*enqueue)(struct netback_queue *q,
						    struct sk_buff *skb))
{
	struct sk_buff *segs, *seg, *next;

	if (!skb_is_gso(skb) || netback_rx_gso_ok(q->vif, skb)) {
		enqueue(q, skb);
		goto wake;
	}
	/* The features should have kept this away; segment it here. */
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		dev_kfree_skb_any(skb);
		return false;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		enqueue(q, seg);
	}
wake:
	wake_up(&q->rx_wq);
	return true;
}

netdev_tx_t netback_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct netback_vif *vif = netback_vif_of(dev);
	unsigned int index = skb_get_queue_mapping(skb);
	u64_stats_t *drop = NULL;

	if (index >= dev->num_tx_queues)
		index = 0;
	if (!smp_load_acquire(&vif->data_connected) ||
	    index >= vif->nr_queues) {
		drop = &vif->stats[index].xmit.drop_not_connected;
		goto drop;
	}
	drop = &vif->stats[index].xmit.drop_filtered;
	if (skb->len < ETH_HLEN)
		goto drop;
	switch (netback_vfr_to_guest(vif, skb)) {
	case NETBACK_PASS:
		break;
	case NETBACK_CONSUMED:
		return NETDEV_TX_OK;
	default:
		goto drop;
	}
	if (!netback_rx_queue_packet(&vif->queues[index], skb,
				     netback_rx_enqueue))
		netback_xmit_count(vif, index, drop);
	return NETDEV_TX_OK;

drop:
	dev_kfree_skb_any(skb);
	netback_xmit_count(vif, index, drop);
	return NETDEV_TX_OK;
}

/*
 * A frame the firewall-router switched to this vif, data at the MAC
 * header.  The caller holds rcu_read_lock(), and netback_vfr_unregister()
 * waits for it before the queues go away.
 */
void netback_rx_forward(struct netback_vif *vif, struct sk_buff *skb)
{
	struct netback_queue *q;
	unsigned int nr = 0;

	if (smp_load_acquire(&vif->data_connected))
		nr = READ_ONCE(vif->nr_queues);
	if (!nr || skb->len < ETH_HLEN) {
		dev_kfree_skb_any(skb);
		atomic64_inc(&vif->vfr_dropped);
		return;
	}
	skb->dev = vif->dev;
	q = &vif->queues[reciprocal_scale(skb_get_hash(skb), nr)];
	if (!netback_rx_queue_packet(q, skb, netback_rx_enqueue_forwarded))
		atomic64_inc(&vif->vfr_dropped);
}

/* Did the guest post buffers we have not consumed yet? */
bool netback_rx_pending(struct netback_queue *q)
{
	return splitio_back_unconsumed_requests(&q->rx) != 0;
}

/* ---- What every RX mode shares ---------------------------------------- */

static void netback_rx_count(struct netback_queue *q, u64_stats_t *ctr,
			     unsigned int bytes)
{
	struct netback_rx_stats *st = &q->stats->rx;

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(ctr);
	if (bytes)
		u64_stats_add(&st->bytes, bytes);
	u64_stats_update_end(&st->syncp);
}

/*
 * Takes the requests @skb needs off the ring, copied once and checked.
 * Returns 0 when they are in @pkt; -EAGAIN when the guest has not posted
 * enough buffers yet (nothing is consumed, the skb is kept); -EMSGSIZE
 * when the packet can never fit the guest (the caller drops it); -EIO on
 * a protocol error.
 */
static int netback_rx_take_requests(struct netback_queue *q,
				    struct sk_buff *skb,
				    struct netback_rx_packet *pkt)
{
	unsigned int nr_slots, n;
	int avail;

	pkt->q = q;
	pkt->failed = 0;
	pkt->gso = skb_is_gso(skb);
	pkt->nr_data = max(1u, DIV_ROUND_UP(skb->len, XEN_PAGE_SIZE));
	if (pkt->nr_data > XEN_NETIF_NR_SLOTS_MIN ||
	    (!q->vif->fe.sg && pkt->nr_data > 1))
		return -EMSGSIZE;
	nr_slots = pkt->nr_data + pkt->gso;

	avail = splitio_back_unconsumed_requests(&q->rx);
	if (avail < 0)
		return -EIO;
	if (avail < nr_slots) {
		q->rx_needed = nr_slots;
		return -EAGAIN;
	}
	q->rx_needed = 1;
	for (n = 0; n < nr_slots; n++) {
		netif_rx_copy_request(&q->rx, q->rx.req_cons + n, &pkt->reqs[n]);
		/* Frontends index their buffers by id: it must fit the ring. */
		if (pkt->reqs[n].id >= q->rx.nr_ents)
			return -EIO;
	}
	q->rx.req_cons += nr_slots;
	return 0;
}

/* Ring slot, from the packet's first, of data slot @n (1: the GSO extra). */
static unsigned int netback_rx_ring_slot(const struct netback_rx_packet *pkt,
					 unsigned int n)
{
	return n && pkt->gso ? n + 1 : n;
}

/* The request of data slot @n. */
const struct xen_netif_rx_request *
netback_rx_data_request(const struct netback_rx_packet *pkt, unsigned int n)
{
	return &pkt->reqs[netback_rx_ring_slot(pkt, n)];
}

/*
 * Answers every request of @pkt, data slot n of @len bytes at offset 0 in
 * its buffer, or an error if bit n of pkt->failed is set; counts the
 * packet as delivered, or as dropped through @drop if any slot failed.
 */
static void netback_rx_respond(struct netback_rx_packet *pkt,
			       const struct sk_buff *skb, u64_stats_t *drop)
{
	struct netback_queue *q = pkt->q;
	struct xen_netif_rx_response *rsp;
	struct xen_netif_extra_info *extra;
	unsigned int n, len, left = skb->len;
	RING_IDX first = q->rx.rsp_prod_pvt;
	u16 flags;

	for (n = 0; n < pkt->nr_data; n++, left -= len) {
		len = min_t(unsigned int, left, XEN_PAGE_SIZE);
		flags = n + 1 < pkt->nr_data ? XEN_NETRXF_more_data : 0;
		if (!n) {
			if (skb->ip_summed == CHECKSUM_PARTIAL)
				flags |= XEN_NETRXF_csum_blank |
					 XEN_NETRXF_data_validated;
			else if (skb->ip_summed == CHECKSUM_UNNECESSARY)
				flags |= XEN_NETRXF_data_validated;
			if (pkt->gso)
				flags |= XEN_NETRXF_extra_info;
		}
		rsp = netif_rx_response_slot(&q->rx,
					     first + netback_rx_ring_slot(pkt, n));
		rsp->id = netback_rx_data_request(pkt, n)->id;
		rsp->offset = 0;
		rsp->flags = flags;
		rsp->status = test_bit(n, &pkt->failed) ? XEN_NETIF_RSP_ERROR :
							   len;
	}
	if (pkt->gso) {
		extra = splitio_back_response_slot(&q->rx, first + 1);
		extra->type = XEN_NETIF_EXTRA_TYPE_GSO;
		extra->flags = 0;
		extra->u.gso.size = skb_shinfo(skb)->gso_size;
		extra->u.gso.type = skb_shinfo(skb)->gso_type & SKB_GSO_TCPV6 ?
				    XEN_NETIF_GSO_TYPE_TCPV6 :
				    XEN_NETIF_GSO_TYPE_TCPV4;
		extra->u.gso.pad = 0;
		extra->u.gso.features = 0;
	}
	q->rx.rsp_prod_pvt += pkt->nr_data + pkt->gso;

	if (pkt->failed)
		netback_rx_count(q, drop, 0);
	else
		netback_rx_count(q, &q->stats->rx.packets, skb->len);
}

/*
 * Delivers @skb through @place, which puts the packet's bytes into the
 * buffers of @pkt and sets pkt->failed; the RX modes differ only there.
 * Returns as netback_rx_mode.deliver does.
 */
int netback_rx_deliver(struct netback_queue *q, struct sk_buff *skb,
		       void (*place)(struct netback_rx_packet *pkt,
				     struct sk_buff *skb),
		       u64_stats_t *drop)
{
	struct netback_rx_packet pkt;
	int err;

	if (skb_has_frag_list(skb) && skb_linearize(skb))
		err = -EMSGSIZE;
	else
		err = netback_rx_take_requests(q, skb, &pkt);
	switch (err) {
	case 0:
		break;
	case -EAGAIN:
		return err;
	case -EMSGSIZE:
		netback_rx_count(q, &q->stats->rx.drop_too_big, 0);
		dev_kfree_skb(skb);
		return 0;
	default:
		dev_kfree_skb(skb);
		return -EIO;
	}
	place(&pkt, skb);
	netback_rx_respond(&pkt, skb, drop);
	if (pkt.failed && net_ratelimit())
		netdev_warn(q->vif->dev, "queue %u: %s to the guest failed\n",
			    q->id, q->vif->rx_mode->name);
	dev_consume_skb_any(skb);
	return 0;
}

/* ---- The copy mode --------------------------------------------------- */

/* Queues grant copies of @len bytes at @page + @offset (contiguous pages). */
static void netback_rx_copy_from(struct netback_rx_packet *pkt,
				 unsigned int *pos, struct page *page,
				 unsigned int offset, unsigned int len)
{
	struct netback_queue *q = pkt->q;
	unsigned int n, dst_off, chunk, src_off;
	struct gnttab_copy op;

	while (len) {
		src_off = offset % PAGE_SIZE;
		n = *pos / XEN_PAGE_SIZE;
		dst_off = *pos % XEN_PAGE_SIZE;
		chunk = min3(len, (unsigned int)(PAGE_SIZE - src_off),
			     (unsigned int)(XEN_PAGE_SIZE - dst_off));
		splitio_copy_op_to_peer(&op, page + offset / PAGE_SIZE,
					src_off, q->vif->domid,
					netback_rx_data_request(pkt, n)->gref,
					dst_off, chunk);
		netback_copy_add(&q->rx_copy, n, &op);
		*pos += chunk;
		offset += chunk;
		len -= chunk;
	}
}

static void netback_rx_copy_place(struct netback_rx_packet *pkt,
				  struct sk_buff *skb)
{
	struct netback_queue *q = pkt->q;
	unsigned int i, pos = 0;

	q->rx_copy.failed = 0;
	netback_rx_copy_from(pkt, &pos, virt_to_page(skb->data),
			     offset_in_page(skb->data), skb_headlen(skb));
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *frag = &skb_shinfo(skb)->frags[i];

		netback_rx_copy_from(pkt, &pos, skb_frag_page(frag),
				     skb_frag_off(frag), skb_frag_size(frag));
	}
	netback_copy_flush(&q->rx_copy);
	pkt->failed = q->rx_copy.failed;
}

static int netback_rx_copy_deliver(struct netback_queue *q,
				   struct sk_buff *skb)
{
	return netback_rx_deliver(q, skb, netback_rx_copy_place,
				  &q->stats->rx.drop_copy_error);
}

const struct netback_rx_mode netback_rx_copy_mode = {
	.name = "copy",
	.deliver = netback_rx_copy_deliver,
};

/* ---- The RX thread --------------------------------------------------- */

/* Packets handed over in one go before the responses are pushed. */
#define NETBACK_RX_BATCH	64

static bool netback_rx_has_work(struct netback_queue *q)
{
	int avail;

	if (kthread_should_stop())
		return true;
	if (test_bit(0, &q->vif->broken))
		return false;
	if (skb_queue_empty(&q->rx_queue) && !q->rx_stalled)
		return false;
	/* Arms req_event, so the guest's next buffer wakes us. */
	avail = splitio_back_final_check_for_requests(&q->rx);
	if (avail < 0 || avail >= q->rx_needed)
		return true;
	/*
	 * Some buffers, not enough for the head packet: ask to be woken
	 * only by the buffer that completes its set, else the guest would
	 * not notify again once req_event lies behind its producer index.
	 */
	WRITE_ONCE(q->rx.sring->req_event, q->rx.req_cons + q->rx_needed);
	virt_mb(); /* the guest sees req_event before we re-read req_prod */
	avail = splitio_back_unconsumed_requests(&q->rx);
	return avail < 0 || avail >= q->rx_needed;
}

static void netback_rx_push(struct netback_queue *q)
{
	if (splitio_back_push_responses(&q->rx))
		splitio_evtchn_notify(q->rx_evtchn.irq ? &q->rx_evtchn :
						      &q->tx_evtchn);
}

static void netback_rx_carrier_on(struct netback_queue *q)
{
	struct netback_vif *vif = q->vif;

	q->rx_stalled = false;
	q->rx_needed = 1;
	if (vif->xdev->state == XenbusStateConnected) {
		netdev_info(vif->dev, "queue %u: the guest posts buffers again\n",
			    q->id);
		netif_carrier_on(vif->dev);
	}
}

/* Without progress for too long: let go of what the guest does not take. */
static void netback_rx_check_stall(struct netback_queue *q)
{
	struct sk_buff *skb;

	if (skb_queue_empty(&q->rx_queue)) {
		q->rx_last_progress = jiffies;
		return;
	}
	if (!time_after(jiffies, q->rx_last_progress +
				 msecs_to_jiffies(netback_rx_stall_ms)))
		return;
	netdev_warn(q->vif->dev, "queue %u: guest took no packet for %u ms, carrier off\n",
		    q->id, netback_rx_stall_ms);
	q->rx_stalled = true;
	q->rx_needed = 1;
	netif_carrier_off(q->vif->dev);
	while ((skb = skb_dequeue(&q->rx_queue))) {
		dev_kfree_skb(skb);
		netback_rx_count(q, &q->stats->rx.drop_stalled, 0);
	}
	q->rx_last_progress = jiffies;
}

static void netback_rx_action(struct netback_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->vif->dev, q->id);
	struct sk_buff *skb;
	unsigned int done = 0;
	int err;

	if (q->rx_stalled) {
		err = splitio_back_unconsumed_requests(&q->rx);
		if (err > 0)
			netback_rx_carrier_on(q);
	}
	while (done < NETBACK_RX_BATCH && (skb = skb_dequeue(&q->rx_queue))) {
		err = q->vif->rx_mode->deliver(q, skb);
		if (err == -EAGAIN) {
			skb_queue_head(&q->rx_queue, skb);
			break;
		}
		if (err) {
			netback_mark_broken(q->vif, "bad RX ring or request");
			break;
		}
		q->rx_last_progress = jiffies;
		done++;
	}
	if (done)
		netback_rx_push(q);
	if (netif_tx_queue_stopped(txq) &&
	    skb_queue_len(&q->rx_queue) < netback_rx_queue_max / 2)
		netif_tx_wake_queue(txq);
}

int netback_rx_thread(void *arg)
{
	struct netback_queue *q = arg;

	q->rx_needed = 1;
	q->rx_last_progress = jiffies;
	while (!kthread_should_stop()) {
		/* Wakes every second at least, to notice a stall. */
		wait_event_interruptible_timeout(q->rx_wq,
						 netback_rx_has_work(q), HZ);
		if (kthread_should_stop())
			break;
		if (!test_bit(0, &q->vif->broken))
			netback_rx_action(q);
		netback_rx_check_stall(q);
		cond_resched();
	}
	return 0;
}
