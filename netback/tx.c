// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's transmit path: its TX ring, consumed by a NAPI poll.
 *
 * A packet is a first request (its size is the whole packet's), optional
 * extra-info slots, then more requests while XEN_NETTXF_more_data is set.
 * Each request is copied once into private memory and only the copy is
 * checked and used.  A packet we cannot parse at all (too many slots, slots
 * past the producer index, a broken ring) marks the vif broken; a packet
 * that parses but is wrong is dropped and answered NETIF_RSP_ERROR.  Every
 * slot consumed gets exactly one response, in ring order: the first
 * request's, NETIF_RSP_NULL per extra-info slot, then each fragment's.
 */
#include <linux/etherdevice.h>
#include <linux/tcp.h>
#include <net/ip6_checksum.h>

#include "netback/common.h"

/* One guest packet, as copied from the ring. */
struct netback_tx_packet {
	struct xen_netif_tx_request slots[NETBACK_TX_MAX_SLOTS];
	unsigned int nr_slots;
	unsigned int nr_extras;		/* extra-info slots consumed */
	/* By type - 1; .type is 0 where none came. */
	struct xen_netif_extra_info extras[NETBACK_MAX_EXTRAS];
	unsigned int first_len;		/* data in slots[0] itself */
	bool bad_extra;			/* an unknown or repeated type */
};

static void netback_tx_respond(struct netback_queue *q,
			       const struct netback_tx_packet *pkt, s16 status)
{
	struct xen_netif_tx_response *rsp;
	unsigned int i;

	rsp = netif_tx_response_slot(&q->tx, q->tx.rsp_prod_pvt++);
	rsp->id = pkt->slots[0].id;
	rsp->status = status;
	for (i = 0; i < pkt->nr_extras; i++) {
		rsp = netif_tx_response_slot(&q->tx, q->tx.rsp_prod_pvt++);
		rsp->status = XEN_NETIF_RSP_NULL;
	}
	for (i = 1; i < pkt->nr_slots; i++) {
		rsp = netif_tx_response_slot(&q->tx, q->tx.rsp_prod_pvt++);
		rsp->id = pkt->slots[i].id;
		rsp->status = status;
	}
}

/*
 * Copies the next packet's slots, @avail requests being ready.  Returns 0,
 * or -EIO (with *why set) when the packet cannot even be delimited.
 */
static int netback_tx_take_packet(struct netback_queue *q,
				  struct netback_tx_packet *pkt,
				  unsigned int avail, const char **why)
{
	u32 idx = q->tx.req_cons, end = idx + avail;
	struct xen_netif_extra_info extra;
	bool more;

	memset(pkt->extras, 0, sizeof(pkt->extras));
	pkt->nr_extras = 0;
	pkt->bad_extra = false;
	netif_tx_copy_request(&q->tx, idx++, &pkt->slots[0]);
	pkt->nr_slots = 1;

	if (pkt->slots[0].flags & XEN_NETTXF_extra_info) {
		do {
			if (idx == end) {
				*why = "extra info past the producer index";
				return -EIO;
			}
			if (pkt->nr_extras == NETBACK_MAX_EXTRAS) {
				*why = "too many extra-info slots";
				return -EIO;
			}
			splitio_back_copy_request(&q->tx, idx++, &extra,
						  sizeof(extra));
			pkt->nr_extras++;
			/* Unknown or repeated types are judged later. */
			if (extra.type > XEN_NETIF_EXTRA_TYPE_NONE &&
			    extra.type <= NETBACK_MAX_EXTRAS &&
			    !pkt->extras[extra.type - 1].type)
				pkt->extras[extra.type - 1] = extra;
			else
				pkt->bad_extra = true;
		} while (extra.flags & XEN_NETIF_EXTRA_FLAG_MORE);
	}

	more = pkt->slots[0].flags & XEN_NETTXF_more_data;
	while (more) {
		if (pkt->nr_slots == NETBACK_TX_MAX_SLOTS) {
			*why = "packet of more than XEN_NETIF_NR_SLOTS_MIN slots";
			return -EIO;
		}
		if (idx == end) {
			*why = "packet past the producer index";
			return -EIO;
		}
		netif_tx_copy_request(&q->tx, idx++,
				      &pkt->slots[pkt->nr_slots]);
		more = pkt->slots[pkt->nr_slots].flags & XEN_NETTXF_more_data;
		pkt->nr_slots++;
	}
	q->tx.req_cons = idx;
	return 0;
}

/* Returns NULL if the packet's geometry is sound, else why not. */
static const char *netback_tx_check(struct netback_queue *q,
				    struct netback_tx_packet *pkt)
{
	const struct xen_netif_extra_info *gso;
	unsigned int i, rest;

	if (pkt->bad_extra)
		return "unknown or repeated extra-info type";
	if (pkt->slots[0].size < ETH_HLEN)
		return "packet shorter than an Ethernet header";

	/* The first size is the packet's; the others must fit inside it. */
	rest = pkt->slots[0].size;
	for (i = 1; i < pkt->nr_slots; i++) {
		if (pkt->slots[i].size > rest)
			return "fragments larger than the packet";
		rest -= pkt->slots[i].size;
	}
	pkt->first_len = rest;
	if (pkt->slots[0].offset + pkt->first_len > XEN_PAGE_SIZE)
		return "first slot crosses its page";
	for (i = 1; i < pkt->nr_slots; i++)
		if (pkt->slots[i].offset + pkt->slots[i].size > XEN_PAGE_SIZE)
			return "fragment crosses its page";

	gso = &pkt->extras[XEN_NETIF_EXTRA_TYPE_GSO - 1];
	if (gso->type) {
		if (!gso->u.gso.size)
			return "GSO with a zero segment size";
		if (gso->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV4 &&
		    gso->u.gso.type != XEN_NETIF_GSO_TYPE_TCPV6)
			return "unknown GSO type";
	}
	return NULL;
}

/* Where byte @pos of the packet goes: the linear area or a fragment. */
static struct page *netback_tx_dest(struct sk_buff *skb, unsigned int linear,
				    unsigned int pos, unsigned int *offset,
				    unsigned int *room)
{
	unsigned int frag_pos;

	if (pos < linear) {
		void *addr = skb->data + pos;

		*offset = offset_in_page(addr);
		*room = min_t(unsigned int, PAGE_SIZE - *offset, linear - pos);
		return virt_to_page(addr);
	}
	frag_pos = pos - linear;
	*offset = frag_pos % PAGE_SIZE;
	*room = PAGE_SIZE - *offset;
	return skb_frag_page(&skb_shinfo(skb)->frags[frag_pos / PAGE_SIZE]);
}

/* Builds the skb the packet describes; NULL if memory ran out. */
static struct sk_buff *netback_tx_alloc_skb(struct netback_queue *q,
					    unsigned int size,
					    unsigned int *linear)
{
	unsigned int rest, i, len;
	struct sk_buff *skb;
	struct page *page;

	*linear = size <= NETBACK_TX_COPYBREAK ? size : NETBACK_TX_HEADER;
	skb = napi_alloc_skb(&q->napi, *linear);
	if (!skb)
		return NULL;
	skb_put(skb, *linear);
	rest = size - *linear;
	for (i = 0; rest; i++, rest -= len) {
		len = min_t(unsigned int, rest, PAGE_SIZE);
		page = alloc_page(GFP_ATOMIC);
		if (!page) {
			kfree_skb(skb);
			return NULL;
		}
		skb_add_rx_frag(skb, i, page, 0, len, PAGE_SIZE);
	}
	return skb;
}

/* Grant-copies every slot's data into @skb; false if a copy failed. */
static bool netback_tx_copy(struct netback_queue *q,
			    const struct netback_tx_packet *pkt,
			    struct sk_buff *skb, unsigned int linear)
{
	struct netback_copy_batch *batch = &q->tx_copy;
	unsigned int i, pos = 0, src_off, src_len, dst_off, room, chunk;
	struct gnttab_copy op;
	struct page *page;

	batch->failed = 0;
	for (i = 0; i < pkt->nr_slots; i++) {
		src_off = pkt->slots[i].offset;
		src_len = i ? pkt->slots[i].size : pkt->first_len;
		while (src_len) {	/* zero-length fragments copy nothing */
			page = netback_tx_dest(skb, linear, pos, &dst_off,
					       &room);
			chunk = min(src_len, room);
			splitio_copy_op_from_peer(&op, q->vif->domid,
						  pkt->slots[i].gref, src_off,
						  page, dst_off, chunk);
			netback_copy_add(batch, i, &op);
			pos += chunk;
			src_off += chunk;
			src_len -= chunk;
		}
	}
	netback_copy_flush(batch);
	return !batch->failed;
}

/*
 * Checksum state from the request's flags.  A GSO packet must be
 * CHECKSUM_PARTIAL; a frontend that forgot to say so gets its partial
 * checksum recomputed rather than its packet dropped.
 */
static int netback_tx_checksum(struct sk_buff *skb, u16 flags)
{
	bool recalculate = false;

	if (flags & XEN_NETTXF_csum_blank)
		skb->ip_summed = CHECKSUM_PARTIAL;
	else if (flags & XEN_NETTXF_data_validated)
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	if (skb->ip_summed != CHECKSUM_PARTIAL && skb_is_gso(skb)) {
		skb->ip_summed = CHECKSUM_PARTIAL;
		recalculate = true;
	}
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	return skb_checksum_setup(skb, recalculate);
}

/* GSO metadata from the extra info, checked against the headers. */
static int netback_tx_gso(struct sk_buff *skb,
			  const struct xen_netif_extra_info *gso)
{
	unsigned int thoff, hdrlen;
	bool v4 = gso->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4;

	if (skb->protocol != htons(v4 ? ETH_P_IP : ETH_P_IPV6))
		return -EINVAL;
	if (skb->csum_offset != offsetof(struct tcphdr, check))
		return -EINVAL;	/* not TCP */
	thoff = skb_transport_offset(skb);
	if (!pskb_may_pull(skb, thoff + sizeof(struct tcphdr)))
		return -EINVAL;
	hdrlen = thoff + tcp_hdrlen(skb);
	if (hdrlen >= skb->len || !pskb_may_pull(skb, hdrlen))
		return -EINVAL;
	skb_shinfo(skb)->gso_segs = DIV_ROUND_UP(skb->len - hdrlen,
						 gso->u.gso.size);
	return 0;
}

static void netback_tx_count_drop(struct netback_queue *q, u64_stats_t *ctr)
{
	u64_stats_update_begin(&q->stats->tx.syncp);
	u64_stats_inc(ctr);
	u64_stats_update_end(&q->stats->tx.syncp);
}

/* Turns a delimited packet into an skb for the stack; returns its status. */
static s16 netback_tx_build(struct netback_queue *q,
			    struct netback_tx_packet *pkt)
{
	struct netback_tx_stats *st = &q->stats->tx;
	struct net_device *dev = q->vif->dev;
	const struct xen_netif_extra_info *gso;
	enum netback_verdict verdict;
	unsigned int linear, len;
	struct sk_buff *skb;
	const char *why;

	/*
	 * Multicast filter changes come alone; we keep no filter (we do not
	 * advertise feature-multicast-control), so there is nothing to do.
	 */
	if (pkt->extras[XEN_NETIF_EXTRA_TYPE_MCAST_ADD - 1].type ||
	    pkt->extras[XEN_NETIF_EXTRA_TYPE_MCAST_DEL - 1].type)
		return XEN_NETIF_RSP_OKAY;

	why = netback_tx_check(q, pkt);
	if (why) {
		if (net_ratelimit())
			netdev_warn(dev, "queue %u: dropping a packet: %s\n",
				    q->id, why);
		netback_tx_count_drop(q, &st->drop_bad_request);
		return XEN_NETIF_RSP_ERROR;
	}

	skb = netback_tx_alloc_skb(q, pkt->slots[0].size, &linear);
	if (!skb) {
		netback_tx_count_drop(q, &st->drop_copy_error);
		return XEN_NETIF_RSP_DROPPED;
	}
	if (!netback_tx_copy(q, pkt, skb, linear)) {
		if (net_ratelimit())
			netdev_warn(dev, "queue %u: grant copy failed\n", q->id);
		kfree_skb(skb);
		netback_tx_count_drop(q, &st->drop_copy_error);
		return XEN_NETIF_RSP_ERROR;
	}

	skb->protocol = eth_type_trans(skb, dev);
	skb_reset_network_header(skb);
	gso = &pkt->extras[XEN_NETIF_EXTRA_TYPE_GSO - 1];
	if (gso->type) {
		skb_shinfo(skb)->gso_size = gso->u.gso.size;
		skb_shinfo(skb)->gso_type =
			(gso->u.gso.type == XEN_NETIF_GSO_TYPE_TCPV4 ?
			 SKB_GSO_TCPV4 : SKB_GSO_TCPV6) | SKB_GSO_DODGY;
		skb_shinfo(skb)->gso_segs = 0;
	}
	if (netback_tx_checksum(skb, pkt->slots[0].flags) ||
	    (gso->type && netback_tx_gso(skb, gso))) {
		if (net_ratelimit())
			netdev_warn(dev, "queue %u: bad checksum or GSO headers\n",
				    q->id);
		kfree_skb(skb);
		netback_tx_count_drop(q, &st->drop_bad_request);
		return XEN_NETIF_RSP_ERROR;
	}

	len = skb->len + ETH_HLEN;
	verdict = netback_vfr_from_guest(q->vif, skb);
	if (verdict == NETBACK_DROP) {
		kfree_skb(skb);
		netback_tx_count_drop(q, &st->drop_filtered);
		return XEN_NETIF_RSP_OKAY;
	}

	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(&st->packets);
	u64_stats_add(&st->bytes, len);
	u64_stats_update_end(&st->syncp);
	if (verdict == NETBACK_PASS)
		napi_gro_receive(&q->napi, skb);
	return XEN_NETIF_RSP_OKAY;
}

bool netback_tx_pending(struct netback_queue *q)
{
	return splitio_back_unconsumed_requests(&q->tx) != 0;
}

static void netback_tx_push(struct netback_queue *q)
{
	if (splitio_back_push_responses(&q->tx))
		splitio_evtchn_notify(&q->tx_evtchn);
}

int netback_tx_poll(struct napi_struct *napi, int budget)
{
	struct netback_queue *q = container_of(napi, struct netback_queue,
					       napi);
	struct netback_tx_packet pkt;
	const char *why = NULL;
	int done = 0, avail;

	while (done < budget && !READ_ONCE(q->vif->broken)) {
		avail = splitio_back_unconsumed_requests(&q->tx);
		if (avail < 0) {
			why = "TX producer index out of range";
			break;
		}
		if (!avail)
			break;
		if (netback_tx_take_packet(q, &pkt, avail, &why))
			break;
		netback_tx_respond(q, &pkt, netback_tx_build(q, &pkt));
		done++;
	}
	netback_tx_push(q);

	if (why || READ_ONCE(q->vif->broken)) {
		if (why)
			netback_mark_broken(q->vif, why);
		napi_complete(napi);
		return 0;
	}
	if (done < budget && napi_complete_done(napi, done) &&
	    splitio_back_final_check_for_requests(&q->tx))
		napi_schedule(napi);
	return done;
}
