// SPDX-License-Identifier: GPL-2.0
/*
 * Attacks on a network backend (io/netif.h), on its transmit ring.  Each
 * load of the module runs one of them on a fresh connection:
 *
 *   packets           one connection, one bad packet after another, each
 *                     followed by a good one: every bad one must be
 *                     answered with an error and the vif go on working;
 *                     then an event storm; and no receive buffer is ever
 *                     posted, while Dom0 has frames for us (Dom0 checks
 *                     that the backend noticed the stall)
 *   endless-packet    40 slots, each saying more follows: the backend
 *                     must close the vif
 *   packet-past-prod  a packet whose last published slot says more
 *                     follows: the same
 *   prod-overflow     req_prod one slot beyond the ring: the same
 *   xs-*              garbage in a key (vif_xs_cases): the backend must
 *                     refuse to connect
 *
 * A packet here is a broadcast frame of an unused EtherType, from our
 * MAC: Dom0's stack drops what reaches it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <xen/interface/io/netif.h>
#include <xen/page.h>

#include "hostile.h"

#define VIF_ANSWER_MS		10000
#define VIF_ETHERTYPE		0x88b5	/* IEEE local experimental */
#define VIF_MAX_SLOTS		XEN_NETIF_NR_SLOTS_MIN
#define VIF_MAX_EXTRAS		3
#define VIF_ENDLESS		40
#define VIF_STORM		200000
#define VIF_NO_ANSWER		S16_MIN
#define VIF_BAD_GREF		0x7ffffff0u
#define VIF_RX_IDLE_MS		8000	/* above the lab's rx_stall_ms */

struct vif {
	struct hostile_conn *conn;
	struct xen_netif_tx_front_ring tx;
	struct xen_netif_rx_front_ring rx;	/* never given a buffer */
	struct page *frame;		/* what every packet carries */
	grant_ref_t frame_ref;		/* granted read-only */
	u16 next_id;
	unsigned int sent, answered;	/* slots */
};

/* A packet as we lay it on the ring: first slot, extras, fragments. */
struct vif_packet {
	struct xen_netif_tx_request slots[VIF_MAX_SLOTS + VIF_ENDLESS];
	unsigned int nr_slots;
	struct xen_netif_extra_info extras[VIF_MAX_EXTRAS];
	unsigned int nr_extras;
};

static const struct hostile_xs_case vif_xs_cases[] = {
	{ "tx-ring-ref-text", "tx-ring-ref", "forty-two" },
	{ "rx-ring-ref-beyond", "rx-ring-ref", "2147483632" },
	{ "evtchn-unbound", "event-channel", "4000" },
	{ "rx-copy-text", "request-rx-copy", "please" },
	{ "rx-notify-off", "feature-rx-notify", "0" },
	{ "queues-huge", "multi-queue-num-queues", "4096" },
};

static const char *const vif_keys[] = {
	"tx-ring-ref", "rx-ring-ref", "event-channel", "request-rx-copy",
	"feature-rx-notify", "multi-queue-num-queues",
};

/* The frame: broadcast, from the MAC the toolstack gave us. */
static void vif_fill_frame(struct vif *v)
{
	struct ethhdr *eth = page_address(v->frame);
	char *mac = xenbus_read(XBT_NIL, v->conn->xdev->nodename, "mac", NULL);

	eth_broadcast_addr(eth->h_dest);
	if (IS_ERR(mac) || !mac_pton(mac, eth->h_source))
		eth_random_addr(eth->h_source);
	if (!IS_ERR(mac))
		kfree(mac);
	eth->h_proto = htons(VIF_ETHERTYPE);
}

static enum xenbus_state vif_connect(struct vif *v,
				     const struct hostile_xs_case *garbage)
{
	struct hostile_conn *conn = v->conn;
	struct hostile_key keys[] = {
		{ "tx-ring-ref" }, { "rx-ring-ref" }, { "event-channel" },
		{ "request-rx-copy", "1" }, { "feature-rx-notify", "1" },
	};
	int err;

	err = hostile_ring_setup(conn, 2);
	if (err) {
		hostile_report(conn, "cannot set up the rings: %d", err);
		return XenbusStateUnknown;
	}
	SHARED_RING_INIT((struct xen_netif_tx_sring *)conn->sring[0]);
	FRONT_RING_INIT(&v->tx, (struct xen_netif_tx_sring *)conn->sring[0],
			XEN_PAGE_SIZE);
	SHARED_RING_INIT((struct xen_netif_rx_sring *)conn->sring[1]);
	FRONT_RING_INIT(&v->rx, (struct xen_netif_rx_sring *)conn->sring[1],
			XEN_PAGE_SIZE);
	snprintf(keys[0].value, sizeof(keys[0].value), "%u", conn->ring_ref[0]);
	snprintf(keys[1].value, sizeof(keys[1].value), "%u", conn->ring_ref[1]);
	snprintf(keys[2].value, sizeof(keys[2].value), "%u", conn->port);
	/* netfront announces Connected once its keys are written. */
	return hostile_connect(conn, keys, ARRAY_SIZE(keys), garbage,
			       XenbusStateConnected);
}

static void vif_frame(struct vif *v, struct vif_packet *pkt, u16 size)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->slots[0] = (struct xen_netif_tx_request){
		.gref = v->frame_ref, .size = size,
	};
	pkt->nr_slots = 1;
}

static void vif_add_fragment(struct vif_packet *pkt, u16 offset, u16 size)
{
	pkt->slots[pkt->nr_slots++] = (struct xen_netif_tx_request){
		.gref = pkt->slots[0].gref, .offset = offset, .size = size,
	};
}

static void vif_add_gso(struct vif_packet *pkt, u8 type, u16 gso_size,
			u8 gso_type)
{
	struct xen_netif_extra_info *extra = &pkt->extras[pkt->nr_extras++];

	extra->type = type;
	extra->u.gso.size = gso_size;
	extra->u.gso.type = gso_type;
}

/*
 * Lays @pkt on the ring with the flags that chain it, unless @raw: then
 * the slots' flags are taken as they are.  Publishes it if @push.
 */
static void vif_put(struct vif *v, struct vif_packet *pkt, bool raw,
		    bool push)
{
	RING_IDX idx = v->tx.req_prod_pvt;
	unsigned int i;
	int notify;

	if (!raw) {
		if (pkt->nr_extras)
			pkt->slots[0].flags |= XEN_NETTXF_extra_info;
		for (i = 0; i + 1 < pkt->nr_slots; i++)
			pkt->slots[i].flags |= XEN_NETTXF_more_data;
		for (i = 0; i + 1 < pkt->nr_extras; i++)
			pkt->extras[i].flags |= XEN_NETIF_EXTRA_FLAG_MORE;
	}
	for (i = 0; i < pkt->nr_slots; i++)
		pkt->slots[i].id = v->next_id++;
	*RING_GET_REQUEST(&v->tx, idx++) = pkt->slots[0];
	for (i = 0; i < pkt->nr_extras; i++)
		memcpy(RING_GET_REQUEST(&v->tx, idx++), &pkt->extras[i],
		       sizeof(pkt->extras[i]));
	for (i = 1; i < pkt->nr_slots; i++)
		*RING_GET_REQUEST(&v->tx, idx++) = pkt->slots[i];
	v->sent += idx - v->tx.req_prod_pvt;
	v->tx.req_prod_pvt = idx;
	if (!push)
		return;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->tx, notify);
	if (notify)
		hostile_notify(v->conn);
}

static bool vif_answered(struct vif *v, unsigned int nr)
{
	int more;

	RING_FINAL_CHECK_FOR_RESPONSES(&v->tx, more);
	return more && v->tx.sring->rsp_prod - v->tx.rsp_cons >= nr;
}

/*
 * Sends @pkt and takes its responses, one per slot: returns the first
 * slot's status, or VIF_NO_ANSWER.  Extras must be answered NULL and
 * fragments as the first slot; else the case is wrong.
 */
static s16 vif_send(struct vif *v, struct vif_packet *pkt, const char *name)
{
	unsigned int i, nr = pkt->nr_slots + pkt->nr_extras;
	s16 first = VIF_NO_ANSWER;
	bool consistent = true;

	vif_put(v, pkt, false, true);
	if (!wait_event_timeout(v->conn->wq, vif_answered(v, nr),
				msecs_to_jiffies(VIF_ANSWER_MS)))
		return VIF_NO_ANSWER;
	virt_rmb();	/* the responses after the index that announced them */
	for (i = 0; i < nr; i++) {
		struct xen_netif_tx_response rsp =
			*RING_GET_RESPONSE(&v->tx, v->tx.rsp_cons);

		v->tx.rsp_cons++;
		v->answered++;
		if (!i)
			first = rsp.status;
		else if (i <= pkt->nr_extras)
			consistent &= rsp.status == XEN_NETIF_RSP_NULL;
		else
			consistent &= rsp.status == first;
	}
	if (!consistent)
		hostile_verdict(v->conn, name, false,
				"the slots after the first were answered otherwise");
	return first;
}

static const char *vif_status_name(s16 status)
{
	switch (status) {
	case XEN_NETIF_RSP_OKAY: return "OKAY";
	case XEN_NETIF_RSP_ERROR: return "ERROR";
	case XEN_NETIF_RSP_DROPPED: return "DROPPED";
	case VIF_NO_ANSWER: return "no answer";
	default: return "an unknown status";
	}
}

struct vif_case {
	const char *name;
	void (*build)(struct vif *v, struct vif_packet *pkt);
	s16 want;
};

static void build_good(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
}

static void build_short(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_HLEN - 4);
}

static void build_fragment_larger(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, 100);
	vif_add_fragment(pkt, 0, 200);
}

static void build_first_crosses_page(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
	pkt->slots[0].offset = XEN_PAGE_SIZE - ETH_ZLEN / 2;
}

static void build_fragment_crosses_page(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, 100);
	vif_add_fragment(pkt, XEN_PAGE_SIZE - 20, 60);
}

static void build_bad_gref(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
	pkt->slots[0].gref = VIF_BAD_GREF;
}

static void build_zero_fragment(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
	vif_add_fragment(pkt, 0, 0);
}

static void build_unknown_extra(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
	vif_add_gso(pkt, 15, 0, 0);
}

static void build_repeated_extra(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
	vif_add_gso(pkt, XEN_NETIF_EXTRA_TYPE_GSO, 1400,
		    XEN_NETIF_GSO_TYPE_TCPV4);
	vif_add_gso(pkt, XEN_NETIF_EXTRA_TYPE_GSO, 1400,
		    XEN_NETIF_GSO_TYPE_TCPV4);
}

static void build_gso_zero_size(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
	vif_add_gso(pkt, XEN_NETIF_EXTRA_TYPE_GSO, 0, XEN_NETIF_GSO_TYPE_TCPV4);
}

static void build_gso_unknown_type(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
	vif_add_gso(pkt, XEN_NETIF_EXTRA_TYPE_GSO, 1400, 9);
}

/* GSO claimed for a frame that carries no TCP. */
static void build_gso_not_tcp(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, ETH_ZLEN);
	vif_add_gso(pkt, XEN_NETIF_EXTRA_TYPE_GSO, 1400,
		    XEN_NETIF_GSO_TYPE_TCPV4);
}

/* 65535 bytes in 17 slots: as large as a packet can say it is. */
static void build_largest(struct vif *v, struct vif_packet *pkt)
{
	unsigned int i;

	vif_frame(v, pkt, U16_MAX);
	for (i = 0; i < 16; i++)
		vif_add_fragment(pkt, 0, 4000);
}

static const struct vif_case vif_cases[] = {
	{ "good-frame", build_good, XEN_NETIF_RSP_OKAY },
	{ "shorter-than-header", build_short, XEN_NETIF_RSP_ERROR },
	{ "fragment-larger-than-packet", build_fragment_larger, XEN_NETIF_RSP_ERROR },
	{ "first-crosses-page", build_first_crosses_page, XEN_NETIF_RSP_ERROR },
	{ "fragment-crosses-page", build_fragment_crosses_page, XEN_NETIF_RSP_ERROR },
	{ "bad-gref", build_bad_gref, XEN_NETIF_RSP_ERROR },
	{ "zero-length-fragment", build_zero_fragment, XEN_NETIF_RSP_OKAY },
	{ "unknown-extra-type", build_unknown_extra, XEN_NETIF_RSP_ERROR },
	{ "repeated-extra", build_repeated_extra, XEN_NETIF_RSP_ERROR },
	{ "gso-zero-size", build_gso_zero_size, XEN_NETIF_RSP_ERROR },
	{ "gso-unknown-type", build_gso_unknown_type, XEN_NETIF_RSP_ERROR },
	{ "gso-not-tcp", build_gso_not_tcp, XEN_NETIF_RSP_ERROR },
	{ "largest-packet", build_largest, XEN_NETIF_RSP_OKAY },
};

/* A good frame must still go out: the bad packet harmed only itself. */
static void vif_still_works(struct vif *v, const char *after)
{
	struct vif_packet *pkt = kmalloc(sizeof(*pkt), GFP_KERNEL);
	s16 status;

	if (!pkt)
		return;
	vif_frame(v, pkt, ETH_ZLEN);
	status = vif_send(v, pkt, after);
	if (status != XEN_NETIF_RSP_OKAY)
		hostile_verdict(v->conn, after, false,
				"a good frame afterwards got %s",
				vif_status_name(status));
	kfree(pkt);
}

static void vif_run_case(struct vif *v, struct vif_packet *pkt,
			 const struct vif_case *c)
{
	s16 got;

	c->build(v, pkt);
	got = vif_send(v, pkt, c->name);
	hostile_verdict(v->conn, c->name, got == c->want,
			"sent %u byte(s) in %u slot(s) and %u extra(s); answered %s, want %s",
			pkt->slots[0].size, pkt->nr_slots, pkt->nr_extras,
			vif_status_name(got), vif_status_name(c->want));
	vif_still_works(v, c->name);
}

static void vif_packets(struct vif *v, struct vif_packet *pkt)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vif_cases) && !kthread_should_stop(); i++)
		vif_run_case(v, pkt, &vif_cases[i]);
	hostile_storm(v->conn, VIF_STORM);
	vif_still_works(v, "event-storm");
	hostile_verdict(v->conn, "answers", v->sent == v->answered &&
			v->tx.sring->rsp_prod == v->tx.req_prod_pvt,
			"%u slots sent, %u answered, response index %u for %u slots",
			v->sent, v->answered, v->tx.sring->rsp_prod,
			v->tx.req_prod_pvt);
	/* Dom0 looks for the backend's word on this in its log. */
	msleep_interruptible(VIF_RX_IDLE_MS);
	hostile_report(v->conn, "rx-never-posted: %u ms connected, no receive buffer posted, %u request(s) on the RX ring",
		       VIF_RX_IDLE_MS, v->rx.sring->req_prod);
}

/* The backend must close the vif, having answered nothing of it. */
static void vif_expect_closed(struct vif *v, const char *name,
			      const char *sent)
{
	hostile_expect_closed(v->conn, name, sent, &v->tx.sring->rsp_prod,
			      v->tx.rsp_cons);
}

static void vif_endless(struct vif *v, struct vif_packet *pkt)
{
	unsigned int i;

	vif_frame(v, pkt, U16_MAX);
	for (i = 1; i < VIF_ENDLESS; i++)
		vif_add_fragment(pkt, 0, 100);
	for (i = 0; i < VIF_ENDLESS; i++)
		pkt->slots[i].flags = XEN_NETTXF_more_data;
	vif_put(v, pkt, true, true);
	vif_expect_closed(v, "endless-packet",
			  "40 slots published, each saying more follows");
}

static void vif_past_prod(struct vif *v, struct vif_packet *pkt)
{
	vif_frame(v, pkt, 200);
	vif_add_fragment(pkt, 0, 100);
	pkt->slots[0].flags = XEN_NETTXF_more_data;
	pkt->slots[1].flags = XEN_NETTXF_more_data;
	vif_put(v, pkt, true, true);
	vif_expect_closed(v, "packet-past-prod",
			  "a packet of 2 slots published, the last saying more follows");
}

static void vif_prod_overflow(struct vif *v)
{
	RING_IDX prod = v->tx.req_prod_pvt + RING_SIZE(&v->tx) + 1;
	char sent[64];

	virt_wmb();
	v->tx.sring->req_prod = prod;
	hostile_notify(v->conn);
	snprintf(sent, sizeof(sent), "req_prod %u on a ring of %u", prod,
		 RING_SIZE(&v->tx));
	vif_expect_closed(v, "prod-overflow", sent);
}

int hostile_vif_run(struct hostile_conn *conn, const char *attack)
{
	const struct hostile_xs_case *garbage =
		hostile_find_xs_case(vif_xs_cases, ARRAY_SIZE(vif_xs_cases),
				     attack);
	struct vif v = { .conn = conn };
	struct vif_packet *pkt;
	enum xenbus_state state;
	int err;

	if (!garbage && strcmp(attack, "packets") &&
	    strcmp(attack, "endless-packet") &&
	    strcmp(attack, "packet-past-prod") &&
	    strcmp(attack, "prod-overflow")) {
		hostile_report(conn, "no attack named %s", attack);
		return -EINVAL;
	}
	pkt = kmalloc(sizeof(*pkt), GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	err = hostile_grant_page(conn, true, &v.frame, &v.frame_ref);
	if (err)
		goto out_free_packet;
	vif_fill_frame(&v);
	err = hostile_start(conn);
	if (err)
		goto out_ungrant;
	state = vif_connect(&v, garbage);
	if (hostile_connected(conn, attack, garbage, state)) {
		if (!strcmp(attack, "packets"))
			vif_packets(&v, pkt);
		else if (!strcmp(attack, "endless-packet"))
			vif_endless(&v, pkt);
		else if (!strcmp(attack, "packet-past-prod"))
			vif_past_prod(&v, pkt);
		else
			vif_prod_overflow(&v);
	}
	hostile_close(conn, vif_keys, ARRAY_SIZE(vif_keys));
out_ungrant:
	hostile_ungrant_page(&v.frame, &v.frame_ref);
out_free_packet:
	kfree(pkt);
	return err;
}
