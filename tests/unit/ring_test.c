// SPDX-License-Identifier: GPL-2.0
/*
 * Single-threaded tests of ring/sring.h: index arithmetic, notification
 * hold-off, the final check, peer overflow detection, 32-bit wrap-around,
 * ring geometry and the copy-once accessors.  Concurrency is ring_stress.c's.
 */
#include "splitio/portable.h"
#include "ring/sring.h"
#include "harness.h"

struct test_req {
	u32 seq;
	u32 tag;
	u64 payload;
};

struct test_rsp {
	u32 seq;
	u32 status;
};

SPLITIO_RING_TYPED(msg, struct test_req, struct test_rsp)

#define ENT_SIZE	16
#define PAGE_BYTES	4096
#define GUARD		0xa5	/* poison for memory the ring must not touch */

static_assert(SPLITIO_RING_ENTRY_SIZE(struct test_req, struct test_rsp) ==
	      ENT_SIZE, "test entry size");
/* (4096 - 64) / 16 = 252 entries fit: the tests' page rings hold 128. */
static_assert(SPLITIO_RING_ENTRIES(PAGE_BYTES, ENT_SIZE) == 128,
	      "page ring size");

/* The ABI's header layout, independently of sring.h's own asserts. */
static_assert(offsetof(struct splitio_sring, req_prod) == 0, "req_prod");
static_assert(offsetof(struct splitio_sring, req_event) == 4, "req_event");
static_assert(offsetof(struct splitio_sring, rsp_prod) == 8, "rsp_prod");
static_assert(offsetof(struct splitio_sring, rsp_event) == 12, "rsp_event");
static_assert(offsetof(struct splitio_sring, entries) == 64, "entries");
static_assert(sizeof(struct splitio_sring) == 64, "header size");

/* Room for the largest ring any test uses, plus a poisoned tail. */
static u8 shared[4 * PAGE_BYTES] __attribute__((aligned(PAGE_BYTES)));

struct ring_pair {
	struct splitio_sring *sring;
	struct splitio_front_ring front;
	struct splitio_back_ring back;
};

/* A fresh ring of @ring_bytes over poisoned memory, both ends attached. */
static void ring_pair_init(struct ring_pair *rp, size_t ring_bytes)
{
	memset(shared, GUARD, sizeof(shared));
	rp->sring = (struct splitio_sring *)shared;
	CHECK_EQ(splitio_front_init(&rp->front, rp->sring, ring_bytes,
				    msg_ring_ent_size()), 0);
	CHECK_EQ(splitio_back_init(&rp->back, rp->sring, ring_bytes,
				   msg_ring_ent_size()), 0);
}

/* As ring_pair_init(), but as if @start entries had already gone round. */
static void ring_pair_init_at(struct ring_pair *rp, size_t ring_bytes,
			      u32 start)
{
	ring_pair_init(rp, ring_bytes);
	rp->sring->req_prod = start;
	rp->sring->rsp_prod = start;
	rp->sring->req_event = start + 1;
	rp->sring->rsp_event = start + 1;
	CHECK_EQ(splitio_front_attach(&rp->front, rp->sring, ring_bytes,
				      msg_ring_ent_size(), start), 0);
	CHECK_EQ(splitio_back_attach(&rp->back, rp->sring, ring_bytes,
				     msg_ring_ent_size(), start), 0);
}

/* Each request carries its own index, each response that of its request. */
static void produce_requests(struct ring_pair *rp, u32 n)
{
	while (n--) {
		u32 idx = rp->front.req_prod_pvt++;
		struct test_req *req = msg_request_slot(&rp->front, idx);

		req->seq = idx;
		req->tag = ~idx;
		req->payload = 0;
	}
}

/* Consumes and answers @n requests, checking each is the expected one. */
static void answer_requests(struct ring_pair *rp, u32 n)
{
	while (n--) {
		u32 idx = rp->back.req_cons++;
		struct test_req req;
		struct test_rsp *rsp;

		msg_copy_request(&rp->back, idx, &req);
		CHECK_EQ(req.seq, idx);
		CHECK_EQ(req.tag, ~idx);
		rsp = msg_response_slot(&rp->back, rp->back.rsp_prod_pvt++);
		rsp->seq = req.seq;
		rsp->status = 0;
	}
}

static void consume_responses(struct ring_pair *rp, u32 n)
{
	while (n--) {
		u32 idx = rp->front.rsp_cons++;
		struct test_rsp rsp;

		msg_copy_response(&rp->front, idx, &rsp);
		CHECK_EQ(rsp.seq, idx);
	}
}

/* ---- Geometry ---------------------------------------------------------- */

static void test_init_writes_abi_header(void)
{
	struct ring_pair rp;
	const size_t ring_bytes = 2 * PAGE_BYTES;
	u32 word;
	size_t i;

	ring_pair_init(&rp, ring_bytes);
	memcpy(&word, shared + 0, 4);
	CHECK_EQ(word, 0);		/* req_prod */
	memcpy(&word, shared + 4, 4);
	CHECK_EQ(word, 1);		/* req_event */
	memcpy(&word, shared + 8, 4);
	CHECK_EQ(word, 0);		/* rsp_prod */
	memcpy(&word, shared + 12, 4);
	CHECK_EQ(word, 1);		/* rsp_event */
	for (i = 16; i < ring_bytes; i++)
		if (!CHECK_EQ(shared[i], 0))
			break;
	for (i = ring_bytes; i < sizeof(shared); i++)
		if (!CHECK_EQ(shared[i], GUARD))
			break;
}

static void test_entry_size_is_the_union_size(void)
{
	struct u64_req { u64 v; };
	struct twelve_byte_rsp { u8 b[12]; };

	/* max(8, 12) = 12, but the union is 8-byte aligned, as is the ABI. */
	CHECK_EQ(SPLITIO_RING_ENTRY_SIZE(struct u64_req,
					 struct twelve_byte_rsp), 16);
	CHECK_EQ(SPLITIO_RING_ENTRY_SIZE(struct test_rsp, struct test_rsp), 8);
	CHECK_EQ(msg_ring_ent_size(), ENT_SIZE);
}

static void test_entries_known_sizes(void)
{
	static const struct {
		size_t ring_bytes, ent_size;
		u32 entries;
	} cases[] = {
		{ 4096, 1, 2048 },	/* 4032 fit */
		{ 4096, 3, 1024 },	/* 1344 */
		{ 4096, 8, 256 },	/* 504: netif rx */
		{ 4096, 12, 256 },	/* 336: netif tx */
		{ 4096, 16, 128 },	/* 252 */
		{ 4096, 63, 64 },	/* exactly 64 */
		{ 4096, 64, 32 },	/* 63 */
		{ 4096, 112, 32 },	/* 36: blkif */
		{ 4096, 2016, 2 },
		{ 4096, 2017, 1 },
		{ 4096, 4032, 1 },
		{ 4096, 4033, 0 },
		{ 64 + 16, 16, 1 },
		{ 64 + 15, 16, 0 },
		{ 64, 1, 0 },
		{ 63, 1, 0 },
		{ 0, 1, 0 },
		{ 4096, 0, 0 },
		{ 2 * 4096, 112, 64 },	/* 72 */
		{ 4 * 4096, 112, 128 },	/* 145 */
		{ 8 * 4096, 112, 256 },	/* 292 */
		{ 16 * 4096, 112, 512 },	/* 584 */
		{ 16 * 4096, 1, 32768 },	/* 65472 */
		{ SPLITIO_RING_MAX_BYTES, 1, 1u << 29 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		CHECK_EQ(splitio_ring_entries(cases[i].ring_bytes,
					      cases[i].ent_size),
			 cases[i].entries);
}

/* The largest power of two that fits, for every entry size and page count. */
static void test_entries_sweep(void)
{
	size_t pages, ent;

	for (pages = 1; pages <= 16; pages++) {
		for (ent = 1; ent <= 1024; ent++) {
			size_t room = pages * PAGE_BYTES - 64;
			u32 n = splitio_ring_entries(pages * PAGE_BYTES, ent);

			if (!CHECK(n && (n & (n - 1)) == 0) ||
			    !CHECK(n * ent <= room) ||
			    !CHECK(2 * n * ent > room))
				return;
		}
	}
}

static void test_entries_is_a_constant_expression(void)
{
	static const u8 sized_by_ring[SPLITIO_RING_ENTRIES(4096, 112)];

	CHECK_EQ(sizeof(sized_by_ring), 32);
}

static void test_attach_rejects_unusable_geometry(void)
{
	struct splitio_front_ring front;
	struct splitio_back_ring back;
	struct splitio_sring *sring = (struct splitio_sring *)shared;

	memset(shared, GUARD, sizeof(shared));
	CHECK_EQ(splitio_front_init(&front, sring, 64 + 15, 16), -EINVAL);
	CHECK_EQ(shared[0], GUARD);	/* nothing written on failure */
	CHECK_EQ(splitio_front_attach(&front, sring, 4096, 0, 0), -EINVAL);
	CHECK_EQ(splitio_back_init(&back, sring, 63, 1), -EINVAL);
	CHECK_EQ(splitio_back_attach(&back, sring,
				     (size_t)SPLITIO_RING_MAX_BYTES + 1, 16, 0),
		 -EINVAL);
	CHECK_EQ(splitio_front_init(&front, sring, 64 + 16, 16), 0);
	CHECK_EQ(front.nr_ents, 1);
	CHECK_EQ(splitio_back_init(&back, sring, 64 + 16, 16), 0);
	CHECK_EQ(back.nr_ents, 1);
}

/* Slots are indices masked by the ring size, requests and responses alike. */
static void test_slot_addresses(void)
{
	struct ring_pair rp;
	u32 idx;

	ring_pair_init(&rp, PAGE_BYTES);
	for (idx = 0; idx < 3 * 128; idx += 7) {
		u8 *expect = rp.sring->entries + (idx % 128) * ENT_SIZE;

		CHECK((u8 *)splitio_front_request_slot(&rp.front, idx) ==
		      expect);
		CHECK((u8 *)splitio_back_response_slot(&rp.back, idx) ==
		      expect);
		CHECK((void *)msg_request_slot(&rp.front, idx) ==
		      splitio_front_request_slot(&rp.front, idx));
		CHECK((void *)msg_response_slot(&rp.back, idx) ==
		      splitio_back_response_slot(&rp.back, idx));
	}
	CHECK((u8 *)splitio_front_request_slot(&rp.front, 0xffffffff) ==
	      rp.sring->entries + 127 * ENT_SIZE);
}

/* ---- Counting ---------------------------------------------------------- */

static void test_empty_ring(void)
{
	struct ring_pair rp;

	ring_pair_init(&rp, PAGE_BYTES);
	CHECK_EQ(rp.front.nr_ents, 128);
	CHECK_EQ(rp.back.nr_ents, 128);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 128);
	CHECK_EQ(splitio_back_unconsumed_requests(&rp.back), 0);
	CHECK_EQ(splitio_front_unconsumed_responses(&rp.front), 0);
}

static void test_full_ring(void)
{
	struct ring_pair rp;

	ring_pair_init(&rp, PAGE_BYTES);
	produce_requests(&rp, 128);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 0);
	splitio_front_push_requests(&rp.front);
	CHECK_EQ(splitio_back_unconsumed_requests(&rp.back), 128);

	answer_requests(&rp, 128);
	CHECK_EQ(splitio_back_unconsumed_requests(&rp.back), 0);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 0);
	splitio_back_push_responses(&rp.back);
	CHECK_EQ(splitio_front_unconsumed_responses(&rp.front), 128);

	consume_responses(&rp, 128);
	CHECK_EQ(splitio_front_unconsumed_responses(&rp.front), 0);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 128);
}

/* A request slot is free again only once its response was consumed. */
static void test_free_requests(void)
{
	struct ring_pair rp;

	ring_pair_init(&rp, PAGE_BYTES);
	produce_requests(&rp, 5);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 123);
	splitio_front_push_requests(&rp.front);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 123);
	answer_requests(&rp, 3);
	splitio_back_push_responses(&rp.back);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 123);
	consume_responses(&rp, 2);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 125);
	consume_responses(&rp, 1);
	CHECK_EQ(splitio_front_free_requests(&rp.front), 126);
}

/* Only pushed entries are visible to the consumer, and each only once. */
static void test_unconsumed_counts(void)
{
	struct ring_pair rp;

	ring_pair_init(&rp, PAGE_BYTES);
	produce_requests(&rp, 10);
	CHECK_EQ(splitio_back_unconsumed_requests(&rp.back), 0);
	splitio_front_push_requests(&rp.front);
	CHECK_EQ(splitio_back_unconsumed_requests(&rp.back), 10);
	answer_requests(&rp, 4);
	CHECK_EQ(splitio_back_unconsumed_requests(&rp.back), 6);

	CHECK_EQ(splitio_front_unconsumed_responses(&rp.front), 0);
	splitio_back_push_responses(&rp.back);
	CHECK_EQ(splitio_front_unconsumed_responses(&rp.front), 4);
	consume_responses(&rp, 3);
	CHECK_EQ(splitio_front_unconsumed_responses(&rp.front), 1);
}

/* ---- Notification hold-off --------------------------------------------- */

/*
 * Pushes @count new requests after @start with req_event at @event, and
 * likewise for responses with rsp_event; both must agree on whether to
 * notify.
 */
static bool push_notifies(u32 start, u32 count, u32 event)
{
	struct ring_pair rp;
	bool req_notify, rsp_notify;

	ring_pair_init_at(&rp, PAGE_BYTES, start);
	produce_requests(&rp, count);
	rp.sring->req_event = event;
	req_notify = splitio_front_push_requests(&rp.front);
	CHECK_EQ(rp.sring->req_prod, start + count);

	answer_requests(&rp, count);
	rp.sring->rsp_event = event;
	rsp_notify = splitio_back_push_responses(&rp.back);
	CHECK_EQ(rp.sring->rsp_prod, start + count);

	CHECK_EQ(req_notify, rsp_notify);
	return req_notify;
}

static void check_push_notify_positions(u32 start)
{
	/* Pushing 4 entries moves the producer index to start + 4. */
	CHECK(!push_notifies(start, 4, start - 100));	/* long behind */
	CHECK(!push_notifies(start, 4, start));		/* already due */
	CHECK(push_notifies(start, 4, start + 1));	/* first new entry */
	CHECK(push_notifies(start, 4, start + 2));	/* inside */
	CHECK(push_notifies(start, 4, start + 4));	/* last new entry */
	CHECK(!push_notifies(start, 4, start + 5));	/* not yet */
	CHECK(!push_notifies(start, 4, start + 0x80000000));
	CHECK(!push_notifies(start, 0, start + 1));	/* empty push */
	CHECK(!push_notifies(start, 0, start));
}

static void test_push_notify(void)
{
	check_push_notify_positions(0);
	check_push_notify_positions(1000);
}

static void test_push_notify_across_wrap(void)
{
	check_push_notify_positions(0xfffffffe);	/* to 2 */
	check_push_notify_positions(0xfffffffc);	/* to 0 */
	check_push_notify_positions(0xffffffff);	/* to 3 */
}

/* A consumer that is not sleeping gets no event for more entries. */
static void test_holdoff_until_rearmed(void)
{
	struct ring_pair rp;

	ring_pair_init(&rp, PAGE_BYTES);
	produce_requests(&rp, 1);
	CHECK(splitio_front_push_requests(&rp.front));
	produce_requests(&rp, 3);
	CHECK(!splitio_front_push_requests(&rp.front));

	CHECK_EQ(splitio_back_final_check_for_requests(&rp.back), 4);
	answer_requests(&rp, 4);
	CHECK(splitio_back_push_responses(&rp.back));
	CHECK_EQ(splitio_back_final_check_for_requests(&rp.back), 0);
	produce_requests(&rp, 2);
	CHECK(splitio_front_push_requests(&rp.front));
	produce_requests(&rp, 1);
	CHECK(!splitio_front_push_requests(&rp.front));

	consume_responses(&rp, 4);
	answer_requests(&rp, 1);
	CHECK(!splitio_back_push_responses(&rp.back));
	CHECK_EQ(splitio_front_final_check_for_responses(&rp.front), 1);
	consume_responses(&rp, 1);
	CHECK_EQ(splitio_front_final_check_for_responses(&rp.front), 0);
	answer_requests(&rp, 1);
	CHECK(splitio_back_push_responses(&rp.back));
}

/* ---- Final check ------------------------------------------------------- */

static void test_final_check_requests(void)
{
	struct ring_pair rp;

	ring_pair_init_at(&rp, PAGE_BYTES, 500);

	/* No work: arm req_event for the very next request. */
	rp.sring->req_event = 7;
	CHECK_EQ(splitio_back_final_check_for_requests(&rp.back), 0);
	CHECK_EQ(rp.sring->req_event, 501);
	produce_requests(&rp, 1);
	CHECK(splitio_front_push_requests(&rp.front));

	/* Work: report it, leave req_event alone. */
	rp.sring->req_event = 7;
	CHECK_EQ(splitio_back_final_check_for_requests(&rp.back), 1);
	CHECK_EQ(rp.sring->req_event, 7);

	answer_requests(&rp, 1);
	CHECK_EQ(splitio_back_final_check_for_requests(&rp.back), 0);
	CHECK_EQ(rp.sring->req_event, 502);
}

/*
 * With @holdoff requests unanswered, the check leaves req_event behind and
 * the frontend's next pushes go unsignalled; one answer below it, the
 * check arms req_event like the final check.
 */
static void test_check_requests_holdoff(void)
{
	struct ring_pair rp;

	ring_pair_init_at(&rp, PAGE_BYTES, 500);
	produce_requests(&rp, 4);
	CHECK(splitio_front_push_requests(&rp.front));
	rp.back.req_cons += 4;		/* taken, in flight, unanswered */

	CHECK_EQ(splitio_back_check_for_requests(&rp.back, 4), 0);
	CHECK_EQ(rp.sring->req_event, 501);
	produce_requests(&rp, 2);
	CHECK(!splitio_front_push_requests(&rp.front));
	CHECK_EQ(splitio_back_check_for_requests(&rp.back, 4), 2);
	rp.back.req_cons += 2;

	/* 6 in flight; 3 end: below 4, req_event is armed. */
	rp.back.rsp_prod_pvt += 3;
	CHECK_EQ(splitio_back_check_for_requests(&rp.back, 4), 0);
	CHECK_EQ(rp.sring->req_event, 507);
	produce_requests(&rp, 1);
	CHECK(splitio_front_push_requests(&rp.front));

	/* Hold-off 0: armed whatever is in flight. */
	rp.back.req_cons += 1;
	rp.sring->req_event = 7;
	CHECK_EQ(splitio_back_check_for_requests(&rp.back, 0), 0);
	CHECK_EQ(rp.sring->req_event, 508);

	/* 4 in flight, held off: an impossible req_prod is still reported. */
	rp.sring->req_prod = rp.back.req_cons + rp.back.nr_ents;
	CHECK_EQ(splitio_back_check_for_requests(&rp.back, 4), -EIO);
}

static void test_final_check_responses(void)
{
	struct ring_pair rp;

	ring_pair_init_at(&rp, PAGE_BYTES, 500);
	produce_requests(&rp, 2);
	splitio_front_push_requests(&rp.front);

	rp.sring->rsp_event = 7;
	CHECK_EQ(splitio_front_final_check_for_responses(&rp.front), 0);
	CHECK_EQ(rp.sring->rsp_event, 501);
	answer_requests(&rp, 2);
	CHECK(splitio_back_push_responses(&rp.back));

	rp.sring->rsp_event = 7;
	CHECK_EQ(splitio_front_final_check_for_responses(&rp.front), 2);
	CHECK_EQ(rp.sring->rsp_event, 7);

	consume_responses(&rp, 2);
	CHECK_EQ(splitio_front_final_check_for_responses(&rp.front), 0);
	CHECK_EQ(rp.sring->rsp_event, 503);
}

/*
 * The re-check after arming the event: work that was published between the
 * first look and the arming (the producer saw the stale event and did not
 * notify) must be found, or the consumer would sleep on it.
 */
static void test_final_check_catches_unnotified_work(void)
{
	struct ring_pair rp;

	ring_pair_init(&rp, PAGE_BYTES);
	produce_requests(&rp, 1);
	CHECK(splitio_front_push_requests(&rp.front));
	answer_requests(&rp, 1);
	produce_requests(&rp, 1);
	CHECK(!splitio_front_push_requests(&rp.front));	/* event stale */
	CHECK_EQ(splitio_back_final_check_for_requests(&rp.back), 1);
}

/* ---- A broken peer ----------------------------------------------------- */

static void check_request_overflow(u32 start)
{
	struct ring_pair rp;
	struct splitio_back_ring *back = &rp.back;

	ring_pair_init_at(&rp, PAGE_BYTES, start);
	rp.sring->req_prod = start + 128;		/* a full ring */
	CHECK_EQ(splitio_back_unconsumed_requests(back), 128);
	rp.sring->req_prod = start + 129;
	CHECK_EQ(splitio_back_unconsumed_requests(back), -EIO);
	CHECK_EQ(splitio_back_final_check_for_requests(back), -EIO);
	rp.sring->req_prod = start + 0x80000000;
	CHECK_EQ(splitio_back_unconsumed_requests(back), -EIO);
	rp.sring->req_prod = start - 1;			/* moved backwards */
	CHECK_EQ(splitio_back_unconsumed_requests(back), -EIO);

	/* Three consumed but unanswered: the limit is still rsp_prod + 128. */
	back->req_cons += 3;
	rp.sring->req_prod = start + 128;
	CHECK_EQ(splitio_back_unconsumed_requests(back), 125);
	rp.sring->req_prod = start + 129;
	CHECK_EQ(splitio_back_unconsumed_requests(back), -EIO);
	rp.sring->req_prod = start + 2;			/* behind req_cons */
	CHECK_EQ(splitio_back_unconsumed_requests(back), -EIO);
	CHECK_EQ(splitio_back_final_check_for_requests(back), -EIO);
}

static void test_request_overflow(void)
{
	check_request_overflow(0);
	check_request_overflow(0xfffffff0);
}

static void check_response_overflow(u32 start)
{
	struct ring_pair rp;
	struct splitio_front_ring *front = &rp.front;

	ring_pair_init_at(&rp, PAGE_BYTES, start);
	rp.sring->rsp_prod = start + 1;			/* nothing asked */
	CHECK_EQ(splitio_front_unconsumed_responses(front), -EIO);
	CHECK_EQ(splitio_front_final_check_for_responses(front), -EIO);

	produce_requests(&rp, 5);
	splitio_front_push_requests(front);
	rp.sring->rsp_prod = start + 5;			/* all answered */
	CHECK_EQ(splitio_front_unconsumed_responses(front), 5);
	rp.sring->rsp_prod = start + 6;
	CHECK_EQ(splitio_front_unconsumed_responses(front), -EIO);
	rp.sring->rsp_prod = start + 128;		/* fits the ring... */
	CHECK_EQ(splitio_front_unconsumed_responses(front), -EIO);
	rp.sring->rsp_prod = start + 0x80000000;
	CHECK_EQ(splitio_front_unconsumed_responses(front), -EIO);

	front->rsp_cons += 2;			/* two consumed */
	rp.sring->rsp_prod = start + 1;			/* moved backwards */
	CHECK_EQ(splitio_front_unconsumed_responses(front), -EIO);
	CHECK_EQ(splitio_front_final_check_for_responses(front), -EIO);
	rp.sring->rsp_prod = start + 5;
	CHECK_EQ(splitio_front_unconsumed_responses(front), 3);
}

static void test_response_overflow(void)
{
	check_response_overflow(0);
	check_response_overflow(0xfffffffd);
}

/* ---- Wrap-around ------------------------------------------------------- */

/*
 * Batches of every size through a small ring whose indices pass 2^32:
 * counts, slots and contents stay right, and the events keep working.
 */
static void test_wraparound(void)
{
	const size_t ring_bytes = 64 + 8 * ENT_SIZE;
	const u32 start = 0xfffffff0;
	struct ring_pair rp;
	u32 round;

	ring_pair_init_at(&rp, ring_bytes, start);
	CHECK_EQ(rp.front.nr_ents, 8);
	for (round = 0; round < 40; round++) {
		u32 batch = round % 8 + 1;

		CHECK_EQ(splitio_back_final_check_for_requests(&rp.back), 0);
		produce_requests(&rp, batch);
		CHECK_EQ(splitio_front_free_requests(&rp.front), 8 - batch);
		CHECK(splitio_front_push_requests(&rp.front));
		CHECK_EQ(splitio_back_unconsumed_requests(&rp.back), batch);
		answer_requests(&rp, batch);

		CHECK_EQ(splitio_front_final_check_for_responses(&rp.front), 0);
		CHECK(splitio_back_push_responses(&rp.back));
		CHECK_EQ(splitio_front_unconsumed_responses(&rp.front), batch);
		consume_responses(&rp, batch);
		CHECK_EQ(splitio_front_free_requests(&rp.front), 8);
	}
	/* 40 rounds of 4.5 on average: the indices went past 0. */
	CHECK_EQ(rp.front.req_prod_pvt, start + 180);
	CHECK(rp.front.req_prod_pvt < start);
	CHECK_EQ(rp.back.req_cons, rp.front.req_prod_pvt);
	CHECK_EQ(rp.back.rsp_prod_pvt, rp.front.rsp_cons);
}

/* ---- Copy-once accessors ----------------------------------------------- */

static void test_copy_request(void)
{
	struct ring_pair rp;
	u8 dst[2 * ENT_SIZE];
	u8 *slot;
	size_t i;

	ring_pair_init(&rp, PAGE_BYTES);
	slot = splitio_front_request_slot(&rp.front, 130);
	for (i = 0; i < ENT_SIZE; i++)
		slot[i] = i + 1;
	memset(dst, GUARD, sizeof(dst));
	splitio_back_copy_request(&rp.back, 130, dst, ENT_SIZE);
	for (i = 0; i < ENT_SIZE; i++)
		CHECK_EQ(dst[i], i + 1);
	for (; i < sizeof(dst); i++)
		CHECK_EQ(dst[i], GUARD);
}

static void test_copy_response(void)
{
	struct ring_pair rp;
	struct test_rsp rsp[2];
	struct test_rsp *slot;

	ring_pair_init(&rp, PAGE_BYTES);
	slot = msg_response_slot(&rp.back, 5);
	slot->seq = 0x12345678;
	slot->status = 0x9abcdef0;
	memset(rsp, GUARD, sizeof(rsp));
	msg_copy_response(&rp.front, 5, &rsp[0]);
	CHECK_EQ(rsp[0].seq, 0x12345678);
	CHECK_EQ(rsp[0].status, 0x9abcdef0);
	/* sizeof(struct test_rsp), not the 16-byte entry, was copied. */
	CHECK_EQ(rsp[1].seq, 0xa5a5a5a5);
}

/* ---- Against Xen's own header, when it is around ----------------------- */

#ifdef XEN_PUBLIC_RING_H
#include XEN_PUBLIC_RING_H

struct three_bytes { u8 b[3]; };
struct twelve_bytes { u8 b[12]; };
struct eight_aligned { u64 v; };
struct huge { u8 b[3000]; };

DEFINE_RING_TYPES(xen_t16, struct test_req, struct test_rsp);
DEFINE_RING_TYPES(xen_t3, struct three_bytes, struct three_bytes);
DEFINE_RING_TYPES(xen_t16a, struct eight_aligned, struct twelve_bytes);
DEFINE_RING_TYPES(xen_huge, struct huge, struct three_bytes);

#define SAME_OFFSET(tag, field)						\
	static_assert(offsetof(struct tag##_sring, field) ==		\
		      offsetof(struct splitio_sring, field), #tag #field)

#define SAME_GEOMETRY(tag, req_t, rsp_t, bytes)				\
	static_assert(SPLITIO_RING_ENTRY_SIZE(req_t, rsp_t) ==		\
		      sizeof(union tag##_sring_entry), #tag " entry");	\
	static_assert(SPLITIO_RING_ENTRIES(bytes,			\
			sizeof(union tag##_sring_entry)) ==		\
		      __CONST_RING_SIZE(tag, bytes), #tag " size")

SAME_OFFSET(xen_t16, req_prod);
SAME_OFFSET(xen_t16, req_event);
SAME_OFFSET(xen_t16, rsp_prod);
SAME_OFFSET(xen_t16, rsp_event);
static_assert(offsetof(struct xen_t16_sring, ring) ==
	      offsetof(struct splitio_sring, entries), "entries");

SAME_GEOMETRY(xen_t16, struct test_req, struct test_rsp, 4096);
SAME_GEOMETRY(xen_t16, struct test_req, struct test_rsp, 16 * 4096);
SAME_GEOMETRY(xen_t3, struct three_bytes, struct three_bytes, 4096);
SAME_GEOMETRY(xen_t3, struct three_bytes, struct three_bytes, 3 * 4096);
SAME_GEOMETRY(xen_t16a, struct eight_aligned, struct twelve_bytes, 4096);
SAME_GEOMETRY(xen_huge, struct huge, struct three_bytes, 4096);
SAME_GEOMETRY(xen_huge, struct huge, struct three_bytes, 2 * 4096);

/* Every ring size, byte by byte, against __RING_SIZE() at run time. */
static void test_matches_xen_ring_size(void)
{
	struct xen_t16_sring *t16 = (struct xen_t16_sring *)shared;
	struct xen_t3_sring *t3 = (struct xen_t3_sring *)shared;
	struct xen_huge_sring *huge = (struct xen_huge_sring *)shared;
	size_t bytes;

	for (bytes = 64; bytes <= 16 * 4096; bytes++) {
		if (!CHECK_EQ(splitio_ring_entries(bytes, sizeof(t16->ring[0])),
			      __RING_SIZE(t16, bytes)) ||
		    !CHECK_EQ(splitio_ring_entries(bytes, sizeof(t3->ring[0])),
			      __RING_SIZE(t3, bytes)) ||
		    !CHECK_EQ(splitio_ring_entries(bytes,
						   sizeof(huge->ring[0])),
			      __RING_SIZE(huge, bytes)))
			return;
	}
}
#endif /* XEN_PUBLIC_RING_H */

static const struct test_case tests[] = {
	TEST(test_init_writes_abi_header),
	TEST(test_entry_size_is_the_union_size),
	TEST(test_entries_known_sizes),
	TEST(test_entries_sweep),
	TEST(test_entries_is_a_constant_expression),
	TEST(test_attach_rejects_unusable_geometry),
	TEST(test_slot_addresses),
	TEST(test_empty_ring),
	TEST(test_full_ring),
	TEST(test_free_requests),
	TEST(test_unconsumed_counts),
	TEST(test_push_notify),
	TEST(test_push_notify_across_wrap),
	TEST(test_holdoff_until_rearmed),
	TEST(test_final_check_requests),
	TEST(test_check_requests_holdoff),
	TEST(test_final_check_responses),
	TEST(test_final_check_catches_unnotified_work),
	TEST(test_request_overflow),
	TEST(test_response_overflow),
	TEST(test_wraparound),
	TEST(test_copy_request),
	TEST(test_copy_response),
#ifdef XEN_PUBLIC_RING_H
	TEST(test_matches_xen_ring_size),
#endif
};

int main(void)
{
	return run_tests(tests, ARRAY_SIZE(tests));
}
