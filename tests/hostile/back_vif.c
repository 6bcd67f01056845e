// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_hostile_back: the answers to a network frontend.  The vif it
 * offers goes nowhere: a transmitted packet is answered OKAY and never
 * read, a posted receive buffer is never filled.  It offers receive by
 * copy and nothing else, so the frontend speaks one queue, one event
 * channel and one slot per packet.
 *
 *   honest          every transmit slot answered: the control, under
 *                   which the frontend must not complain
 *   tx-bad-id       the first transmit request answered with an id
 *                   beyond the ring
 *   tx-unsolicited  every transmit request answered, then, with none in
 *                   flight, a response to a request never made
 *   tx-overflow     the transmit response index moved far past anything
 *                   requested
 *   rx-bad-id       the first receive buffer answered with the id of
 *                   another
 *   rx-overflow     the receive response index moved far past the
 *                   buffers posted
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <xen/interface/io/netif.h>
#include <xen/page.h>

#include "back.h"

#define VIF_FIRST_REQUEST_MS	30000	/* the guest brings its link up */
#define VIF_QUIET_MS		2000	/* nothing in flight after this */

enum { VIF_TX, VIF_RX };
static const char *const vif_ring_keys[] = {
	[VIF_TX] = "tx-ring-ref",
	[VIF_RX] = "rx-ring-ref",
};

struct vif_rings {
	struct xen_netif_tx_back_ring tx;
	struct xen_netif_rx_back_ring rx;
};

static int vif_probe_keys(struct hostile_back *hb)
{
	return xenbus_printf(XBT_NIL, hb->xdev->nodename, "feature-rx-copy",
			     "%u", 1);
}

static bool vif_has_tx(struct hostile_back *hb, void *arg)
{
	return hostile_back_has_requests(&((struct vif_rings *)arg)->tx);
}

static bool vif_has_rx(struct hostile_back *hb, void *arg)
{
	return hostile_back_has_requests(&((struct vif_rings *)arg)->rx);
}

/* The next transmit slot, copied off the ring; false if none in @ms. */
static bool vif_take_tx(struct hostile_back *hb, struct vif_rings *rings,
			struct xen_netif_tx_request *req, unsigned int ms)
{
	return hostile_back_take(hb, &rings->tx, vif_has_tx, rings, req, ms);
}

static void vif_answer_tx(struct hostile_back *hb, struct vif_rings *rings,
			  u16 id, s16 status)
{
	struct xen_netif_tx_response *rsp;

	rsp = RING_GET_RESPONSE(&rings->tx, rings->tx.rsp_prod_pvt);
	rsp->id = id;
	rsp->status = status;
	rings->tx.rsp_prod_pvt++;
	RING_PUSH_RESPONSES(&rings->tx);
	hostile_back_notify(hb);
}

/*
 * Answers every transmit slot until none comes for @quiet_ms (0: ever):
 * OKAY to a packet's slots, NULL to the extra-info slots after them.
 */
static unsigned int vif_answer_all_tx(struct hostile_back *hb,
				      struct vif_rings *rings,
				      unsigned int quiet_ms)
{
	union {
		struct xen_netif_tx_request req;
		struct xen_netif_extra_info extra;
	} slot;
	unsigned int answered = 0;
	bool extra_next = false;

	while (!kthread_should_stop() && !hb->gave_up) {
		if (!vif_take_tx(hb, rings, &slot.req,
				 quiet_ms ?: VIF_FIRST_REQUEST_MS)) {
			if (quiet_ms)
				break;
			continue;
		}
		if (extra_next) {
			extra_next = slot.extra.flags & XEN_NETIF_EXTRA_FLAG_MORE;
			vif_answer_tx(hb, rings, 0, XEN_NETIF_RSP_NULL);
			continue;
		}
		extra_next = slot.req.flags & XEN_NETTXF_extra_info;
		vif_answer_tx(hb, rings, slot.req.id, XEN_NETIF_RSP_OKAY);
		answered++;
	}
	return answered;
}

static int vif_run_tx(struct hostile_back *hb, struct vif_rings *rings,
		      const char *attack)
{
	struct xen_netif_tx_request req;
	u16 bad_id = RING_SIZE(&rings->tx) + 7;

	if (!strcmp(attack, "tx-unsolicited")) {
		unsigned int answered = 0;

		/* Quiet, and nothing on the ring as we answer. */
		do {
			answered += vif_answer_all_tx(hb, rings, VIF_QUIET_MS);
		} while (RING_HAS_UNCONSUMED_REQUESTS(&rings->tx) &&
			 !kthread_should_stop() && !hb->gave_up);
		vif_answer_tx(hb, rings, 0, XEN_NETIF_RSP_OKAY);
		hostile_back_report(hb, "tx-unsolicited: sent id 0 after %u answer(s), with none in flight",
				    answered);
		return 0;
	}
	if (!vif_take_tx(hb, rings, &req, VIF_FIRST_REQUEST_MS))
		return -ETIMEDOUT;
	if (!strcmp(attack, "tx-bad-id")) {
		vif_answer_tx(hb, rings, bad_id, XEN_NETIF_RSP_OKAY);
		hostile_back_report(hb, "tx-bad-id: sent id %u for request id %u",
				    bad_id, req.id);
	} else {
		rings->tx.sring->rsp_prod = rings->tx.rsp_prod_pvt +
					    3 * RING_SIZE(&rings->tx);
		hostile_back_notify(hb);
		hostile_back_report(hb, "tx-overflow: sent rsp_prod %u with %u request(s) taken",
				    rings->tx.sring->rsp_prod,
				    rings->tx.req_cons);
	}
	return 0;
}

static int vif_run_rx(struct hostile_back *hb, struct vif_rings *rings,
		      const char *attack)
{
	struct xen_netif_rx_back_ring *rx = &rings->rx;
	struct xen_netif_rx_response *rsp;
	struct xen_netif_rx_request req;

	if (!hostile_back_take(hb, rx, vif_has_rx, rings, &req,
			       VIF_FIRST_REQUEST_MS))
		return -ETIMEDOUT;
	if (!strcmp(attack, "rx-bad-id")) {
		rsp = RING_GET_RESPONSE(rx, rx->rsp_prod_pvt);
		rsp->id = req.id + 1;
		rsp->offset = 0;
		rsp->flags = 0;
		rsp->status = 60;
		rx->rsp_prod_pvt++;
		RING_PUSH_RESPONSES(rx);
		hostile_back_report(hb, "rx-bad-id: sent id %u for buffer id %u",
				    req.id + 1, req.id);
	} else {
		rx->sring->rsp_prod = rx->rsp_prod_pvt + 3 * RING_SIZE(rx);
		hostile_back_report(hb, "rx-overflow: sent rsp_prod %u with %u buffer(s) taken",
				    rx->sring->rsp_prod, rx->req_cons);
	}
	hostile_back_notify(hb);
	return 0;
}

static int vif_run(struct hostile_back *hb, const char *attack)
{
	struct vif_rings rings;

	BACK_RING_INIT(&rings.tx, (struct xen_netif_tx_sring *)hb->ring[VIF_TX],
		       XEN_PAGE_SIZE);
	BACK_RING_INIT(&rings.rx, (struct xen_netif_rx_sring *)hb->ring[VIF_RX],
		       XEN_PAGE_SIZE);
	if (!strcmp(attack, "honest")) {
		hostile_back_report(hb, "honest: answered %u packet(s)",
				    vif_answer_all_tx(hb, &rings, 0));
		return 0;
	}
	if (!strcmp(attack, "tx-bad-id") || !strcmp(attack, "tx-unsolicited") ||
	    !strcmp(attack, "tx-overflow"))
		return vif_run_tx(hb, &rings, attack);
	if (!strcmp(attack, "rx-bad-id") || !strcmp(attack, "rx-overflow"))
		return vif_run_rx(hb, &rings, attack);
	hostile_back_report(hb, "no attack called %s", attack);
	return -EINVAL;
}

const struct hostile_back_class hostile_back_vif = {
	.ring_keys = vif_ring_keys,
	.nr_rings = ARRAY_SIZE(vif_ring_keys),
	.probe_keys = vif_probe_keys,
	.run = vif_run,
};
