// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_hostile_back: the answers to a block frontend.  The disk it
 * offers is 64 MiB of nothing: reads are answered OKAY without a byte
 * written into the frontend's pages, writes without one read.  Features
 * are left out, so the frontend speaks plain read/write requests on one
 * single-page ring, in the native layout (a 64-bit guest's: the protocol
 * key is not read).
 *
 *   honest         every request answered OKAY: the control, under which
 *                  the frontend must not complain
 *   bad-id         the first request answered with an id beyond the ring
 *   wrong-op       the first request answered with another operation
 *   double         the first request answered twice
 *   unsolicited    every request answered, then, with none in flight, a
 *                  response to a request never made
 *   prod-overflow  the response producer index moved far past anything
 *                  requested
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <xen/interface/io/blkif.h>
#include <xen/page.h>

#include "back.h"

#define VBD_SECTORS		(64 << 11)	/* 64 MiB of 512-byte sectors */
#define VBD_FIRST_REQUEST_MS	30000		/* the partition scan's read */
#define VBD_QUIET_MS		2000		/* nothing in flight after this */

static const char *const vbd_ring_keys[] = { "ring-ref" };

static int vbd_connect_keys(struct hostile_back *hb)
{
	struct xenbus_device *xdev = hb->xdev;
	int err;

	err = xenbus_printf(XBT_NIL, xdev->nodename, "sectors", "%u",
			    VBD_SECTORS);
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename, "info", "%u", 0);
	if (!err)
		err = xenbus_printf(XBT_NIL, xdev->nodename, "sector-size",
				    "%u", 512);
	return err;
}

static bool vbd_has_request(struct hostile_back *hb, void *arg)
{
	return hostile_back_has_requests((struct blkif_back_ring *)arg);
}

/* The next request, copied off the ring; false if none came in @ms. */
static bool vbd_take(struct hostile_back *hb, struct blkif_back_ring *ring,
		     struct blkif_request *req, unsigned int ms)
{
	return hostile_back_take(hb, ring, vbd_has_request, ring, req, ms);
}

static void vbd_answer(struct hostile_back *hb, struct blkif_back_ring *ring,
		       u64 id, u8 operation, s16 status)
{
	struct blkif_response *rsp;

	rsp = RING_GET_RESPONSE(ring, ring->rsp_prod_pvt);
	rsp->id = id;
	rsp->operation = operation;
	rsp->status = status;
	ring->rsp_prod_pvt++;
	RING_PUSH_RESPONSES(ring);
	hostile_back_notify(hb);
}

/* Answers every request OKAY until none comes for @quiet_ms (0: ever). */
static unsigned int vbd_answer_all(struct hostile_back *hb,
				   struct blkif_back_ring *ring,
				   unsigned int quiet_ms)
{
	struct blkif_request req;
	unsigned int answered = 0;

	while (!kthread_should_stop() && !hb->gave_up) {
		if (!vbd_take(hb, ring, &req, quiet_ms ?: VBD_FIRST_REQUEST_MS)) {
			if (quiet_ms)
				break;
			continue;
		}
		vbd_answer(hb, ring, req.u.rw.id, req.operation,
			   BLKIF_RSP_OKAY);
		answered++;
	}
	return answered;
}

static int vbd_run(struct hostile_back *hb, const char *attack)
{
	struct blkif_back_ring ring;
	struct blkif_request req;
	u8 other_op;

	BACK_RING_INIT(&ring, (struct blkif_sring *)hb->ring[0], XEN_PAGE_SIZE);
	if (!strcmp(attack, "honest")) {
		hostile_back_report(hb, "honest: answered %u request(s)",
				    vbd_answer_all(hb, &ring, 0));
		return 0;
	}
	if (!strcmp(attack, "unsolicited")) {
		unsigned int answered = 0;

		/* Quiet, and nothing on the ring as we answer. */
		do {
			answered += vbd_answer_all(hb, &ring, VBD_QUIET_MS);
		} while (RING_HAS_UNCONSUMED_REQUESTS(&ring) &&
			 !kthread_should_stop() && !hb->gave_up);
		vbd_answer(hb, &ring, 0, BLKIF_OP_READ, BLKIF_RSP_OKAY);
		hostile_back_report(hb, "unsolicited: sent id 0 after %u answer(s), with none in flight",
				    answered);
		return 0;
	}
	if (!vbd_take(hb, &ring, &req, VBD_FIRST_REQUEST_MS))
		return -ETIMEDOUT;
	if (!strcmp(attack, "bad-id")) {
		vbd_answer(hb, &ring, RING_SIZE(&ring) + 7, req.operation,
			   BLKIF_RSP_OKAY);
		hostile_back_report(hb, "bad-id: sent id %u for request id %llu",
				    RING_SIZE(&ring) + 7, req.u.rw.id);
	} else if (!strcmp(attack, "wrong-op")) {
		other_op = req.operation == BLKIF_OP_READ ? BLKIF_OP_WRITE :
							    BLKIF_OP_READ;
		vbd_answer(hb, &ring, req.u.rw.id, other_op, BLKIF_RSP_OKAY);
		hostile_back_report(hb, "wrong-op: sent operation %u for request id %llu, operation %u",
				    other_op, req.u.rw.id, req.operation);
	} else if (!strcmp(attack, "double")) {
		vbd_answer(hb, &ring, req.u.rw.id, req.operation,
			   BLKIF_RSP_OKAY);
		vbd_answer(hb, &ring, req.u.rw.id, req.operation,
			   BLKIF_RSP_OKAY);
		hostile_back_report(hb, "double: sent request id %llu twice",
				    req.u.rw.id);
	} else if (!strcmp(attack, "prod-overflow")) {
		ring.sring->rsp_prod = ring.rsp_prod_pvt + 3 * RING_SIZE(&ring);
		hostile_back_notify(hb);
		hostile_back_report(hb, "prod-overflow: sent rsp_prod %u with %u request(s) taken",
				    ring.sring->rsp_prod, ring.req_cons);
	} else {
		hostile_back_report(hb, "no attack called %s", attack);
		return -EINVAL;
	}
	return 0;
}

const struct hostile_back_class hostile_back_vbd = {
	.ring_keys = vbd_ring_keys,
	.nr_rings = ARRAY_SIZE(vbd_ring_keys),
	.connect_keys = vbd_connect_keys,
	.run = vbd_run,
};
