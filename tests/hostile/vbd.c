// SPDX-License-Identifier: GPL-2.0
/*
 * Attacks on a block backend (io/blkif.h).  Each loads of the module runs
 * one of them on a fresh connection:
 *
 *   requests       one connection, one bad request after another, each
 *                  followed by a good read: every bad one must get an
 *                  error status and the device must go on working; then
 *                  requests rewritten while the backend reads them, an
 *                  event storm, and a last good read
 *   prod-overflow  req_prod published one slot beyond the ring: the
 *                  backend must take nothing and close the device
 *   flap           20 connections opened, used and closed in a row
 *   abi32          not an attack: the x86_32 layout of requests, which a
 *                  32-bit guest uses, written and read back
 *   xs-*           a connection whose XenStore keys carry garbage (the
 *                  table vbd_xs_cases): the backend must refuse to connect
 *
 * Every line reports what was sent and what the backend did.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/protocols.h>
#include <xen/page.h>

#include "hostile.h"

#define VBD_ANSWER_MS		10000	/* a request unanswered after this hangs */
#define VBD_NO_ANSWER		S16_MIN
#define VBD_BAD_GREF		0x7ffffff0u	/* beyond any grant table */
#define VBD_SECTORS_PER_PAGE	(XEN_PAGE_SIZE >> 9)
#define VBD_SEGS_PER_INDIRECT	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
#define VBD_FLAPS		20
#define VBD_RACES		500
#define VBD_STORM		200000

struct vbd {
	struct hostile_conn *conn;
	struct blkif_front_ring ring;
	u64 sectors;			/* the disk's size, from the backend */
	unsigned int max_indirect;	/* feature-max-indirect-segments */
	bool discard;			/* feature-discard */
	bool abi32;			/* requests as a 32-bit x86 guest lays them */
	u64 next_id;			/* ids of requests, never reused */
	struct page *data;		/* granted read-write: reads land here */
	grant_ref_t data_ref;
	struct page *rodata;		/* granted read-only */
	grant_ref_t ro_ref;
	struct page *indirect;		/* segments of indirect requests */
	grant_ref_t indirect_ref;
	unsigned int sent, answered;
};

static void vbd_free_pages(struct vbd *v)
{
	hostile_ungrant_page(&v->indirect, &v->indirect_ref);
	hostile_ungrant_page(&v->rodata, &v->ro_ref);
	hostile_ungrant_page(&v->data, &v->data_ref);
}

/* The indirect page is only read by the backend. */
static int vbd_alloc_pages(struct vbd *v)
{
	int err;

	err = hostile_grant_page(v->conn, false, &v->data, &v->data_ref);
	if (!err)
		err = hostile_grant_page(v->conn, true, &v->rodata, &v->ro_ref);
	if (!err)
		err = hostile_grant_page(v->conn, true, &v->indirect,
					 &v->indirect_ref);
	if (err)
		vbd_free_pages(v);
	return err;
}

/* Each is an xs-NAME attack: the key is written with the value. */
static const struct hostile_xs_case vbd_xs_cases[] = {
	{ "ring-ref-text", "ring-ref", "forty-two" },
	{ "ring-ref-beyond", "ring-ref", "2147483632" },
	{ "ring-ref-negative", "ring-ref", "-1" },
	{ "evtchn-text", "event-channel", "channel" },
	{ "evtchn-unbound", "event-channel", "4000" },
	{ "order-huge", "ring-page-order", "31" },
	{ "queues-huge", "multi-queue-num-queues", "4096" },
	{ "queues-zero", "multi-queue-num-queues", "0" },
	{ "protocol", "protocol", "x86_65-abi" },
	{ "persistent-text", "feature-persistent", "yes please" },
};

/* Everything a connection of ours may write, for closing it. */
static const char *const vbd_keys[] = {
	"ring-ref", "event-channel", "protocol", "ring-page-order",
	"multi-queue-num-queues", "feature-persistent",
};

/* One ring page, in v->abi32's layout; @garbage replaces a key. */
static enum xenbus_state vbd_connect(struct vbd *v,
				     const struct hostile_xs_case *garbage)
{
	struct hostile_conn *conn = v->conn;
	struct hostile_key keys[] = {
		{ "ring-ref" }, { "event-channel" }, { "protocol" },
	};
	enum xenbus_state state;
	int err;

	strscpy(keys[2].value, v->abi32 ? XEN_IO_PROTO_ABI_X86_32 :
					  XEN_IO_PROTO_ABI_NATIVE,
		sizeof(keys[2].value));
	err = hostile_ring_setup(conn, 1);
	if (err) {
		hostile_report(conn, "cannot set up a ring: %d", err);
		return XenbusStateUnknown;
	}
	SHARED_RING_INIT((struct blkif_sring *)conn->sring[0]);
	FRONT_RING_INIT(&v->ring, (struct blkif_sring *)conn->sring[0],
			XEN_PAGE_SIZE);
	snprintf(keys[0].value, sizeof(keys[0].value), "%u",
		 conn->ring_ref[0]);
	snprintf(keys[1].value, sizeof(keys[1].value), "%u", conn->port);
	state = hostile_connect(conn, keys, ARRAY_SIZE(keys), garbage,
				XenbusStateInitialised);
	if (state == XenbusStateConnected &&
	    xenbus_scanf(XBT_NIL, conn->xdev->otherend, "sectors", "%llu",
			 &v->sectors) != 1)
		v->sectors = 0;
	return state;
}

static void vbd_close(struct vbd *v)
{
	hostile_close(v->conn, vbd_keys, ARRAY_SIZE(vbd_keys));
}

/* From Initialising to the backend's InitWait, and what it offers there. */
static int vbd_start(struct vbd *v)
{
	int err = hostile_start(v->conn);

	v->max_indirect = xenbus_read_unsigned(v->conn->xdev->otherend,
					       "feature-max-indirect-segments",
					       0);
	return err;
}

static bool vbd_answered(struct vbd *v)
{
	int more;

	RING_FINAL_CHECK_FOR_RESPONSES(&v->ring, more);
	return more;
}

/* Publishes the requests put on the ring since the last push. */
static void vbd_push(struct vbd *v)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&v->ring, notify);
	if (notify)
		hostile_notify(v->conn);
}

/*
 * Takes the next response, copied once; its status, or VBD_NO_ANSWER if
 * none came in time.  A response for another id is counted as wrong,
 * unless @id is 0: the double-fetch case scribbles over the slot the
 * response shares with its request, and may hit the id (not the status).
 */
static s16 vbd_response(struct vbd *v, u64 id)
{
	struct blkif_response rsp;

	if (!wait_event_timeout(v->conn->wq, vbd_answered(v),
				msecs_to_jiffies(VBD_ANSWER_MS)))
		return VBD_NO_ANSWER;
	virt_rmb();	/* the response after the index that announced it */
	rsp = *RING_GET_RESPONSE(&v->ring, v->ring.rsp_cons);
	v->ring.rsp_cons++;
	v->answered++;
	if (id && rsp.id != id)
		hostile_verdict(v->conn, "response", false,
				"id %llu answered, %llu expected", rsp.id, id);
	return rsp.status;
}

/* Puts @req on the ring under a new id, publishes it, returns its status. */
static s16 vbd_submit(struct vbd *v, struct blkif_request *req)
{
	req->u.rw.id = ++v->next_id;	/* the same place in every variant */
	*RING_GET_REQUEST(&v->ring, v->ring.req_prod_pvt) = *req;
	v->ring.req_prod_pvt++;
	v->sent++;
	vbd_push(v);
	return vbd_response(v, req->u.rw.id);
}

static void vbd_read_page(struct vbd *v, struct blkif_request *req,
			  u64 sector)
{
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_READ;
	req->u.rw.nr_segments = 1;
	req->u.rw.sector_number = sector;
	req->u.rw.seg[0].gref = v->data_ref;
	req->u.rw.seg[0].last_sect = VBD_SECTORS_PER_PAGE - 1;
}

/* An indirect read of @nr one-page segments, listed in our indirect page. */
static void vbd_indirect(struct vbd *v, struct blkif_request *req,
			 unsigned int nr)
{
	struct blkif_request_segment *segs = page_address(v->indirect);
	unsigned int i;

	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_INDIRECT;
	req->u.indirect.indirect_op = BLKIF_OP_READ;
	req->u.indirect.nr_segments = nr;
	req->u.indirect.indirect_grefs[0] = v->indirect_ref;
	for (i = 0; i < min_t(unsigned int, nr, VBD_SEGS_PER_INDIRECT); i++)
		segs[i] = (struct blkif_request_segment){
			.gref = v->data_ref,
			.last_sect = VBD_SECTORS_PER_PAGE - 1,
		};
}

static const char *vbd_status_name(s16 status)
{
	switch (status) {
	case BLKIF_RSP_OKAY: return "OKAY";
	case BLKIF_RSP_ERROR: return "ERROR";
	case BLKIF_RSP_EOPNOTSUPP: return "EOPNOTSUPP";
	case VBD_NO_ANSWER: return "no answer";
	default: return "an unknown status";
	}
}

/* A bad request: how to make it, and the status it must get. */
struct vbd_case {
	const char *name;
	void (*build)(struct vbd *v, struct blkif_request *req);
	s16 want;
};

static void build_unknown_op(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, 0);
	req->operation = 0x55;
}

static void build_no_segments(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, 0);
	req->u.rw.nr_segments = 0;
}

static void build_too_many_segments(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, 0);
	req->u.rw.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
}

static void build_first_after_last(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, 0);
	req->u.rw.seg[0].first_sect = 4;
	req->u.rw.seg[0].last_sect = 2;
}

static void build_beyond_page(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, 0);
	req->u.rw.seg[0].last_sect = VBD_SECTORS_PER_PAGE;
}

static void build_beyond_disk(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, v->sectors - VBD_SECTORS_PER_PAGE / 2);
}

static void build_sector_wraps(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, U64_MAX - 3);
}

static void build_bad_gref(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, 0);
	req->u.rw.seg[0].gref = VBD_BAD_GREF;
}

static void build_read_into_readonly(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, 0);
	req->u.rw.seg[0].gref = v->ro_ref;
}

/* The backend only reads the page: a read-only grant is right for it. */
static void build_write_from_readonly(struct vbd *v, struct blkif_request *req)
{
	vbd_read_page(v, req, VBD_SECTORS_PER_PAGE);
	req->operation = BLKIF_OP_WRITE;
	req->u.rw.seg[0].gref = v->ro_ref;
}

static void build_indirect_valid(struct vbd *v, struct blkif_request *req)
{
	vbd_indirect(v, req, BLKIF_MAX_SEGMENTS_PER_REQUEST + 5);
}

static void build_indirect_too_many(struct vbd *v, struct blkif_request *req)
{
	vbd_indirect(v, req, v->max_indirect + 1);
}

static void build_indirect_bad_page(struct vbd *v, struct blkif_request *req)
{
	vbd_indirect(v, req, BLKIF_MAX_SEGMENTS_PER_REQUEST + 5);
	req->u.indirect.indirect_grefs[0] = VBD_BAD_GREF;
}

static void build_indirect_bad_segment(struct vbd *v, struct blkif_request *req)
{
	struct blkif_request_segment *segs = page_address(v->indirect);

	vbd_indirect(v, req, BLKIF_MAX_SEGMENTS_PER_REQUEST + 5);
	segs[7].last_sect = VBD_SECTORS_PER_PAGE + 1;
}

static void build_indirect_flush(struct vbd *v, struct blkif_request *req)
{
	vbd_indirect(v, req, BLKIF_MAX_SEGMENTS_PER_REQUEST + 5);
	req->u.indirect.indirect_op = BLKIF_OP_FLUSH_DISKCACHE;
}

static void build_discard_beyond(struct vbd *v, struct blkif_request *req)
{
	memset(req, 0, sizeof(*req));
	req->operation = BLKIF_OP_DISCARD;
	req->u.discard.sector_number = v->sectors - VBD_SECTORS_PER_PAGE;
	req->u.discard.nr_sectors = 2 * VBD_SECTORS_PER_PAGE;
}

static const struct vbd_case vbd_cases[] = {
	{ "unknown-op", build_unknown_op, BLKIF_RSP_EOPNOTSUPP },
	{ "no-segments", build_no_segments, BLKIF_RSP_ERROR },
	{ "too-many-segments", build_too_many_segments, BLKIF_RSP_ERROR },
	{ "first-after-last", build_first_after_last, BLKIF_RSP_ERROR },
	{ "beyond-page", build_beyond_page, BLKIF_RSP_ERROR },
	{ "beyond-disk", build_beyond_disk, BLKIF_RSP_ERROR },
	{ "sector-wraps", build_sector_wraps, BLKIF_RSP_ERROR },
	{ "bad-gref", build_bad_gref, BLKIF_RSP_ERROR },
	{ "read-into-readonly-grant", build_read_into_readonly, BLKIF_RSP_ERROR },
	{ "write-from-readonly-grant", build_write_from_readonly, BLKIF_RSP_OKAY },
	{ "indirect-valid", build_indirect_valid, BLKIF_RSP_OKAY },
	{ "indirect-too-many", build_indirect_too_many, BLKIF_RSP_ERROR },
	{ "indirect-bad-page", build_indirect_bad_page, BLKIF_RSP_ERROR },
	{ "indirect-bad-segment", build_indirect_bad_segment, BLKIF_RSP_ERROR },
	{ "indirect-flush", build_indirect_flush, BLKIF_RSP_ERROR },
	{ "discard-beyond-disk", build_discard_beyond, BLKIF_RSP_ERROR },
};

/* A good read must still work: the bad request harmed only itself. */
static void vbd_still_works(struct vbd *v, const char *after)
{
	struct blkif_request req;
	s16 status;

	vbd_read_page(v, &req, 0);
	status = vbd_submit(v, &req);
	if (status != BLKIF_RSP_OKAY)
		hostile_verdict(v->conn, after, false,
				"a good read afterwards got %s",
				vbd_status_name(status));
}

static void vbd_run_case(struct vbd *v, const struct vbd_case *c)
{
	struct blkif_request req;
	s16 want = c->want, got;

	c->build(v, &req);
	/* Without feature-discard every discard is unsupported. */
	if (req.operation == BLKIF_OP_DISCARD && !v->discard)
		want = BLKIF_RSP_EOPNOTSUPP;
	got = vbd_submit(v, &req);
	hostile_verdict(v->conn, c->name, got == want,
			"sent op %u, %u segment(s), sector %llu; answered %s, want %s",
			req.operation, req.operation == BLKIF_OP_INDIRECT ?
			req.u.indirect.nr_segments : req.u.rw.nr_segments,
			req.u.rw.sector_number, vbd_status_name(got),
			vbd_status_name(want));
	vbd_still_works(v, c->name);
}

/* A grant ended before the request that names it is sent. */
static void vbd_revoked_gref(struct vbd *v)
{
	struct blkif_request req;
	struct page *page;
	grant_ref_t ref;
	s16 got;

	if (hostile_grant_page(v->conn, false, &page, &ref)) {
		hostile_verdict(v->conn, "revoked-gref", false, "no page to grant");
		return;
	}
	if (!gnttab_end_foreign_access_ref(ref)) {
		hostile_verdict(v->conn, "revoked-gref", false, "grant still in use");
		return;		/* the page stays granted: leak it, not use it */
	}
	vbd_read_page(v, &req, 0);
	req.u.rw.seg[0].gref = ref;
	got = vbd_submit(v, &req);
	hostile_verdict(v->conn, "revoked-gref", got == BLKIF_RSP_ERROR,
			"read into grant %u, ended before sending; answered %s, want ERROR",
			ref, vbd_status_name(got));
	/* Even if it was wrongly mapped, the read has ended by now. */
	gnttab_free_grant_reference(ref);
	__free_page(page);
	vbd_still_works(v, "revoked-gref");
}

/*
 * Double fetch: after publishing a good read, keep rewriting its fields
 * into bad ones and back until the answer comes.  A backend that reads
 * the ring twice validates one version and uses another; ours copies
 * once, so each answer is OKAY or ERROR (or EOPNOTSUPP for the op) and
 * nothing else happens.
 */
static void vbd_race(struct vbd *v)
{
	unsigned int i, counts[3] = { 0 }, other = 0;
	unsigned long flips = 0, deadline;

	for (i = 0; i < VBD_RACES && !kthread_should_stop(); i++) {
		struct blkif_request req, *slot;
		s16 got;

		vbd_read_page(v, &req, 0);
		req.u.rw.id = ++v->next_id;
		slot = RING_GET_REQUEST(&v->ring, v->ring.req_prod_pvt);
		*slot = req;
		v->ring.req_prod_pvt++;
		v->sent++;
		vbd_push(v);
		deadline = jiffies + msecs_to_jiffies(VBD_ANSWER_MS);
		while (!vbd_answered(v) && time_before(jiffies, deadline) &&
		       !kthread_should_stop()) {
			bool bad = flips++ & 1;

			WRITE_ONCE(slot->operation, bad ? 0x55 : BLKIF_OP_READ);
			WRITE_ONCE(slot->u.rw.nr_segments, bad ? 200 : 1);
			WRITE_ONCE(slot->u.rw.sector_number,
				   bad ? U64_MAX - 1 : 0);
			WRITE_ONCE(slot->u.rw.seg[0].last_sect,
				   bad ? 30 : VBD_SECTORS_PER_PAGE - 1);
			if (!(flips & 1023))
				cond_resched();
		}
		got = vbd_response(v, 0);
		if (got == BLKIF_RSP_OKAY)
			counts[0]++;
		else if (got == BLKIF_RSP_ERROR)
			counts[1]++;
		else if (got == BLKIF_RSP_EOPNOTSUPP)
			counts[2]++;
		else
			other++;
		if (got == VBD_NO_ANSWER)
			break;	/* a silent backend: one wait is enough */
	}
	hostile_verdict(v->conn, "double-fetch", i == VBD_RACES && !other,
			"%u reads rewritten %lu times while in flight; answered OKAY %u, ERROR %u, EOPNOTSUPP %u, otherwise %u",
			i, flips, counts[0], counts[1], counts[2], other);
	vbd_still_works(v, "double-fetch");
}

static void vbd_requests(struct vbd *v)
{
	unsigned int i;

	v->discard = xenbus_read_unsigned(v->conn->xdev->otherend,
					  "feature-discard", 0);
	for (i = 0; i < ARRAY_SIZE(vbd_cases) && !kthread_should_stop(); i++)
		vbd_run_case(v, &vbd_cases[i]);
	vbd_revoked_gref(v);
	vbd_race(v);
	/* Events with nothing behind them: the backend must keep serving. */
	hostile_storm(v->conn, VBD_STORM);
	vbd_still_works(v, "event-storm");
	/* Nothing more may come: every request was answered once. */
	hostile_verdict(v->conn, "answers", v->sent == v->answered &&
			v->ring.sring->rsp_prod == v->ring.req_prod_pvt,
			"%u requests sent, %u answered, response index %u for %u requests",
			v->sent, v->answered, v->ring.sring->rsp_prod,
			v->ring.req_prod_pvt);
}

/* req_prod one beyond what the ring can hold: nothing may be taken. */
static void vbd_prod_overflow(struct vbd *v)
{
	RING_IDX prod = v->ring.req_prod_pvt + RING_SIZE(&v->ring) + 1;
	char sent[64];

	virt_wmb();
	v->ring.sring->req_prod = prod;
	hostile_notify(v->conn);
	snprintf(sent, sizeof(sent), "req_prod %u on a ring of %u", prod,
		 RING_SIZE(&v->ring));
	hostile_expect_closed(v->conn, "prod-overflow", sent,
			      &v->ring.sring->rsp_prod, v->ring.rsp_cons);
}

/*
 * The x86_32 ABI, as a 32-bit guest's compiler lays out blkif.h: a u64
 * is 4-byte aligned there, so the id sits at 4 and the request is 108
 * bytes; a ring slot is a request's size.  The backend must take this
 * layout when the protocol key says so (blkif.h: "protocol").
 */
struct vbd_x86_32_request {
	u8 operation;
	u8 nr_segments;
	blkif_vdev_t handle;
	u64 id;
	blkif_sector_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
} __packed;

struct vbd_x86_32_response {
	u64 id;
	u8 operation;
	u8 pad;
	s16 status;
} __packed __aligned(4);

static_assert(sizeof(struct vbd_x86_32_request) == 108);
static_assert(sizeof(struct vbd_x86_32_response) == 12);

#define VBD_X86_32_SLOTS	32	/* (4096 - 64) / 108, to a power of 2 */
#define VBD_X86_32_ID		0x8765432100000000ull	/* high half must survive */

static void *vbd_x86_32_slot(struct vbd *v, RING_IDX idx)
{
	return (u8 *)v->ring.sring->ring +
	       (idx % VBD_X86_32_SLOTS) * sizeof(struct vbd_x86_32_request);
}

static bool vbd_x86_32_answered(struct vbd *v)
{
	v->ring.sring->rsp_event = v->ring.rsp_cons + 1;
	virt_mb();	/* the backend sees rsp_event before we look again */
	return v->ring.sring->rsp_prod != v->ring.rsp_cons;
}

/* Sends a read or write of one page at @sector; returns its status. */
static s16 vbd_x86_32_rw(struct vbd *v, u8 op, u64 sector, u8 first,
			 u8 last)
{
	struct vbd_x86_32_request req = {
		.operation = op, .nr_segments = 1, .sector_number = sector,
		.id = VBD_X86_32_ID + ++v->next_id,
		.seg[0] = { .gref = v->data_ref, .first_sect = first,
			    .last_sect = last },
	};
	struct vbd_x86_32_response rsp;

	memcpy(vbd_x86_32_slot(v, v->ring.req_prod_pvt++), &req, sizeof(req));
	v->sent++;
	virt_wmb();	/* the request before the index that announces it */
	v->ring.sring->req_prod = v->ring.req_prod_pvt;
	hostile_notify(v->conn);
	if (!wait_event_timeout(v->conn->wq, vbd_x86_32_answered(v),
				msecs_to_jiffies(VBD_ANSWER_MS)))
		return VBD_NO_ANSWER;
	virt_rmb();
	memcpy(&rsp, vbd_x86_32_slot(v, v->ring.rsp_cons++), sizeof(rsp));
	v->answered++;
	if (rsp.id != req.id || rsp.operation != op)
		hostile_verdict(v->conn, "abi32-response", false,
				"id %#llx op %u answered, %#llx op %u expected",
				rsp.id, rsp.operation, req.id, op);
	return rsp.status;
}

/* A page written and read back through the 32-bit layout, and a bad one. */
static void vbd_abi32(struct vbd *v)
{
	u8 *data = page_address(v->data);
	u64 sector = 16 * VBD_SECTORS_PER_PAGE;
	unsigned int i;
	s16 wrote, read;
	bool same = true;

	for (i = 0; i < XEN_PAGE_SIZE; i++)
		data[i] = i * 7 + 13;
	wrote = vbd_x86_32_rw(v, BLKIF_OP_WRITE, sector, 0,
			      VBD_SECTORS_PER_PAGE - 1);
	memset(data, 0, XEN_PAGE_SIZE);
	read = vbd_x86_32_rw(v, BLKIF_OP_READ, sector, 0,
			     VBD_SECTORS_PER_PAGE - 1);
	for (i = 0; i < XEN_PAGE_SIZE; i++)
		same &= data[i] == (u8)(i * 7 + 13);
	hostile_verdict(v->conn, "abi32-write-read",
			wrote == BLKIF_RSP_OKAY && read == BLKIF_RSP_OKAY && same,
			"a page written at sector %llu answered %s, read back answered %s, %s",
			sector, vbd_status_name(wrote), vbd_status_name(read),
			same ? "the same bytes" : "other bytes");
	read = vbd_x86_32_rw(v, BLKIF_OP_READ, sector, 4, 2);
	hostile_verdict(v->conn, "abi32-first-after-last",
			read == BLKIF_RSP_ERROR,
			"a read with first_sect 4, last_sect 2 answered %s, want ERROR",
			vbd_status_name(read));
}

/* Connects, reads once, closes: again and again. */
static void vbd_flap(struct vbd *v)
{
	unsigned int i, good = 0;

	for (i = 0; i < VBD_FLAPS && !kthread_should_stop(); i++) {
		struct blkif_request req;

		if (i && vbd_start(v))
			break;
		v->sent = v->answered = 0;
		if (vbd_connect(v, NULL) == XenbusStateConnected) {
			vbd_read_page(v, &req, 0);
			good += vbd_submit(v, &req) == BLKIF_RSP_OKAY;
		}
		vbd_close(v);
	}
	hostile_verdict(v->conn, "flap", good == VBD_FLAPS,
			"%u connections opened, read from and closed; %u of %u worked",
			i, good, VBD_FLAPS);
}

int hostile_vbd_run(struct hostile_conn *conn, const char *attack)
{
	const struct hostile_xs_case *garbage =
		hostile_find_xs_case(vbd_xs_cases, ARRAY_SIZE(vbd_xs_cases),
				     attack);
	struct vbd v = { .conn = conn };
	enum xenbus_state state;
	int err;

	if (!garbage && strcmp(attack, "requests") &&
	    strcmp(attack, "prod-overflow") && strcmp(attack, "flap") &&
	    strcmp(attack, "abi32")) {
		hostile_report(conn, "no attack named %s", attack);
		return -EINVAL;
	}
	v.abi32 = !strcmp(attack, "abi32");
	err = vbd_alloc_pages(&v);
	if (err)
		return err;
	err = vbd_start(&v);
	if (err)
		goto out_free;
	if (!strcmp(attack, "flap")) {
		vbd_flap(&v);
		goto out_free;
	}
	state = vbd_connect(&v, garbage);
	if (hostile_connected(conn, attack, garbage, state)) {
		if (!strcmp(attack, "requests"))
			vbd_requests(&v);
		else if (v.abi32)
			vbd_abi32(&v);
		else
			vbd_prod_overflow(&v);
	}
	vbd_close(&v);
out_free:
	vbd_free_pages(&v);
	return err;
}
