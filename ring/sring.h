/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Xen shared I/O ring: the ABI of Xen's public io/ring.h, as typed inline
 * functions usable in the kernel and, through splitio/portable.h, in
 * userspace unit tests.
 *
 * A ring is one or more pages shared by a frontend and a backend domain: a
 * 64-byte header holding four free-running u32 indices, then a power-of-two
 * number of fixed-size entries.  The frontend produces requests and the
 * backend answers each one with a response written into a consumed request
 * slot, so a ring never holds more than nr_ents requests and responses
 * together.  Slot = index & (nr_ents - 1); every index distance is taken
 * modulo 2^32, which makes wrap-around a non-event.
 *
 * Notification hold-off: a consumer about to sleep sets the shared *_event to
 * the producer index that must wake it, its consumer index + 1: the very next
 * entry.  A producer raises an event only if its push moved the producer
 * index onto or past that value; entries pushed while the consumer is busy
 * cost no event.
 *
 * The peer is another domain and may be hostile.  What it writes - its
 * producer index, the entries - is read exactly once into private memory and
 * only that copy is validated and used.  An impossible producer index is
 * reported as -EIO: the caller should stop using the ring.
 */
#ifndef SPLITIO_RING_SRING_H
#define SPLITIO_RING_SRING_H

#include "splitio/portable.h"

/* The shared area; every field but the entries is the ABI's, byte for byte. */
struct splitio_sring {
	u32 req_prod;		/* frontend: requests produced */
	u32 req_event;		/* backend: wake when req_prod reaches this */
	u32 rsp_prod;		/* backend: responses produced */
	u32 rsp_event;		/* frontend: wake when rsp_prod reaches this */
	u8 pad[48];
	u8 entries[];		/* nr_ents entries of ent_size bytes each */
};

#define SPLITIO_SRING_HEADER_SIZE	64

static_assert(offsetof(struct splitio_sring, req_prod) == 0, "req_prod");
static_assert(offsetof(struct splitio_sring, req_event) == 4, "req_event");
static_assert(offsetof(struct splitio_sring, rsp_prod) == 8, "rsp_prod");
static_assert(offsetof(struct splitio_sring, rsp_event) == 12, "rsp_event");
static_assert(offsetof(struct splitio_sring, entries) ==
	      SPLITIO_SRING_HEADER_SIZE, "entries");

/*
 * Real rings are a few pages.  The bound keeps the entry count within a u32
 * and every count these functions return within an int.
 */
#define SPLITIO_RING_MAX_BYTES		(1u << 30)

/* The frontend's private view: it produces requests, consumes responses. */
struct splitio_front_ring {
	struct splitio_sring *sring;
	u32 req_prod_pvt;	/* next request to fill, not yet pushed */
	u32 rsp_cons;		/* next response to consume */
	u32 nr_ents;		/* a power of two */
	u32 ent_size;		/* bytes per entry */
};

/* The backend's private view: it consumes requests, produces responses. */
struct splitio_back_ring {
	struct splitio_sring *sring;
	u32 rsp_prod_pvt;	/* next response to fill, not yet pushed */
	u32 req_cons;		/* next request to consume */
	u32 nr_ents;		/* a power of two */
	u32 ent_size;		/* bytes per entry */
};

/*
 * An entry holds a request or a response: the size of their union, which
 * unlike max(sizeof) includes the padding the stricter alignment needs.
 */
#define SPLITIO_RING_ENTRY_SIZE(req_t, rsp_t) \
	sizeof(union { req_t req; rsp_t rsp; })

/*
 * Largest power of two <= the u32 @x, 0 for 0: copy the top set bit into
 * every lower bit, then keep just the top one.  A constant expression, like
 * SPLITIO_RING_ENTRIES(), so ring sizes can dimension arrays.
 */
#define __SPLITIO_SMEAR(x, shift)	((x) | ((x) >> (shift)))
#define __SPLITIO_FILL_LOW_BITS(x)					\
	__SPLITIO_SMEAR(__SPLITIO_SMEAR(__SPLITIO_SMEAR(		\
		__SPLITIO_SMEAR(__SPLITIO_SMEAR((u32)(x), 1), 2), 4), 8), 16)
#define __SPLITIO_ROUNDDOWN_POW2(x)					\
	(__SPLITIO_FILL_LOW_BITS(x) - (__SPLITIO_FILL_LOW_BITS(x) >> 1))

/*
 * Entries in a ring of @ring_bytes (at most SPLITIO_RING_MAX_BYTES): as many
 * @ent_size (> 0) entries as fit after the header, rounded down to a power
 * of two so that an index maps to its slot with a mask.
 */
#define SPLITIO_RING_ENTRIES(ring_bytes, ent_size)			\
	((ring_bytes) < SPLITIO_SRING_HEADER_SIZE ? 0 :			\
	 __SPLITIO_ROUNDDOWN_POW2(((ring_bytes) - SPLITIO_SRING_HEADER_SIZE) / \
				(ent_size)))

static inline u32 splitio_ring_entries(size_t ring_bytes, size_t ent_size)
{
	return ent_size ? SPLITIO_RING_ENTRIES(ring_bytes, ent_size) : 0;
}

/*
 * Frontend only, before the ring is offered to the backend.  All of it is
 * cleared, not just the header: the backend must not see stale data in
 * slots that are never written.  Both consumers start out asking to be
 * woken by the first entry.
 */
static inline void splitio_sring_init(struct splitio_sring *sring,
				      size_t ring_bytes)
{
	memset(sring, 0, ring_bytes);
	sring->req_event = 1;
	sring->rsp_event = 1;
}

/* nr_ents for a usable ring geometry, 0 for an unusable one. */
static inline u32 __splitio_ring_geometry(size_t ring_bytes, size_t ent_size)
{
	if (ring_bytes > SPLITIO_RING_MAX_BYTES)
		return 0;
	return splitio_ring_entries(ring_bytes, ent_size);
}

/*
 * Attach to a ring through which @start requests and responses have already
 * gone, all consumed: on reconnection, and in tests that start close to the
 * 32-bit wrap.  Returns -EINVAL if not even one entry fits, or if the ring is
 * over SPLITIO_RING_MAX_BYTES.
 */
static inline int splitio_front_attach(struct splitio_front_ring *front,
				       struct splitio_sring *sring,
				       size_t ring_bytes, size_t ent_size,
				       u32 start)
{
	u32 nr_ents = __splitio_ring_geometry(ring_bytes, ent_size);

	if (!nr_ents)
		return -EINVAL;
	front->sring = sring;
	front->req_prod_pvt = start;
	front->rsp_cons = start;
	front->nr_ents = nr_ents;
	front->ent_size = (u32)ent_size;	/* < ring_bytes */
	return 0;
}

static inline int splitio_back_attach(struct splitio_back_ring *back,
				      struct splitio_sring *sring,
				      size_t ring_bytes, size_t ent_size,
				      u32 start)
{
	u32 nr_ents = __splitio_ring_geometry(ring_bytes, ent_size);

	if (!nr_ents)
		return -EINVAL;
	back->sring = sring;
	back->rsp_prod_pvt = start;
	back->req_cons = start;
	back->nr_ents = nr_ents;
	back->ent_size = (u32)ent_size;	/* < ring_bytes */
	return 0;
}

/* A new ring: the frontend initialises the shared area and attaches. */
static inline int splitio_front_init(struct splitio_front_ring *front,
				     struct splitio_sring *sring,
				     size_t ring_bytes, size_t ent_size)
{
	int err = splitio_front_attach(front, sring, ring_bytes, ent_size, 0);

	if (!err)
		splitio_sring_init(sring, ring_bytes);
	return err;
}

/* The backend attaches to a ring the frontend has initialised. */
static inline int splitio_back_init(struct splitio_back_ring *back,
				    struct splitio_sring *sring,
				    size_t ring_bytes, size_t ent_size)
{
	return splitio_back_attach(back, sring, ring_bytes, ent_size, 0);
}

static inline void *__splitio_ring_entry(struct splitio_sring *sring,
					 u32 nr_ents, u32 ent_size, u32 idx)
{
	return sring->entries + (size_t)(idx & (nr_ents - 1)) * ent_size;
}

/*
 * A push moved the producer index from @old_prod to @new_prod; the consumer
 * asked to be woken when it reaches @event.  Modulo 2^32: is @event in
 * (@old_prod, @new_prod]?
 */
static inline bool __splitio_ring_push_crossed(u32 old_prod, u32 new_prod,
					       u32 event)
{
	return (u32)(new_prod - event) < (u32)(new_prod - old_prod);
}

static inline void __splitio_ring_copy(void *dst, const void *entry,
				       size_t len)
{
	memcpy(dst, entry, len);
	splitio_barrier(); /* compiler must not re-read the entry for dst */
}

/* ---- Frontend ---------------------------------------------------------- */

/* Request slots the frontend may still fill without overrunning responses. */
static inline u32
splitio_front_free_requests(const struct splitio_front_ring *front)
{
	return front->nr_ents - (front->req_prod_pvt - front->rsp_cons);
}

/*
 * Where to build request @idx, normally front->req_prod_pvt before
 * incrementing it.  Only valid while splitio_front_free_requests() > 0.
 */
static inline void *
splitio_front_request_slot(const struct splitio_front_ring *front, u32 idx)
{
	return __splitio_ring_entry(front->sring, front->nr_ents,
				    front->ent_size, idx);
}

/*
 * Publish the requests built up to req_prod_pvt.  Returns true if the
 * backend asked to be notified of them.
 */
static inline bool splitio_front_push_requests(struct splitio_front_ring *front)
{
	struct splitio_sring *sring = front->sring;
	/* Ours, but shared: a lying backend only spoils its own wake-up. */
	u32 old_prod = READ_ONCE(sring->req_prod);
	u32 new_prod = front->req_prod_pvt;

	splitio_wmb(); /* backend sees requests before req_prod covers them */
	WRITE_ONCE(sring->req_prod, new_prod);
	splitio_mb(); /* backend sees req_prod before we read req_event */
	return __splitio_ring_push_crossed(old_prod, new_prod,
					   READ_ONCE(sring->req_event));
}

/*
 * Responses ready to be consumed from front->rsp_cons on, or -EIO if the
 * backend claims more than the requests it was given: each response
 * answers one request, which only the frontend's private index counts.
 */
static inline int
splitio_front_unconsumed_responses(const struct splitio_front_ring *front)
{
	u32 prod = READ_ONCE(front->sring->rsp_prod);
	u32 unconsumed = prod - front->rsp_cons;

	splitio_rmb(); /* read responses only after rsp_prod covers them */
	if (unconsumed > front->req_prod_pvt - front->rsp_cons)
		return -EIO;
	return (int)unconsumed;	/* <= nr_ents */
}

/*
 * Call when out of responses, before sleeping.  Returns the responses that
 * arrived meanwhile, or 0 once rsp_event is armed so that the next response
 * will raise an event, or -EIO.
 */
static inline int
splitio_front_final_check_for_responses(struct splitio_front_ring *front)
{
	int unconsumed = splitio_front_unconsumed_responses(front);

	if (unconsumed)
		return unconsumed;
	WRITE_ONCE(front->sring->rsp_event, front->rsp_cons + 1);
	splitio_mb(); /* backend sees rsp_event before we re-read rsp_prod */
	return splitio_front_unconsumed_responses(front);
}

/*
 * Copy response @idx (< rsp_cons + unconsumed) into private memory, reading
 * the shared entry exactly once; @len must not exceed the entry size.
 */
static inline void
splitio_front_copy_response(const struct splitio_front_ring *front, u32 idx,
			    void *dst, size_t len)
{
	__splitio_ring_copy(dst, __splitio_ring_entry(front->sring,
						      front->nr_ents,
						      front->ent_size, idx),
			    len);
}

/* ---- Backend ----------------------------------------------------------- */

/*
 * Requests ready to be consumed from back->req_cons on, or -EIO if req_prod
 * is impossible: ahead of the responses by more than the ring holds, which
 * in modular arithmetic also catches a req_prod moved backwards.
 */
static inline int
splitio_back_unconsumed_requests(const struct splitio_back_ring *back)
{
	u32 prod = READ_ONCE(back->sring->req_prod);
	u32 unconsumed = prod - back->req_cons;
	u32 unanswered = back->req_cons - back->rsp_prod_pvt;

	splitio_rmb(); /* read requests only after req_prod covers them */
	if (unconsumed > back->nr_ents - unanswered)
		return -EIO;
	return (int)unconsumed;	/* <= nr_ents */
}

/*
 * Call when out of requests, before sleeping.  Returns the requests that
 * arrived meanwhile, or 0 once req_event is armed so that the next request
 * will raise an event, or -EIO.
 */
static inline int
splitio_back_final_check_for_requests(struct splitio_back_ring *back)
{
	int unconsumed = splitio_back_unconsumed_requests(back);

	if (unconsumed)
		return unconsumed;
	WRITE_ONCE(back->sring->req_event, back->req_cons + 1);
	splitio_mb(); /* frontend sees req_event before we re-read req_prod */
	return splitio_back_unconsumed_requests(back);
}

/*
 * The final check with event hold-off, for a backend whose every request
 * in flight wakes it when it ends: while @holdoff or more requests are
 * unanswered (taken, no response yet), req_event is left behind, so the
 * frontend pushes more without notifying, and the backend finds them when
 * the next of those ends; below that (or with @holdoff 0) req_event is
 * armed as by the final check.  Returns the same, with 0 meaning "sleep
 * until notified or until something in flight ends".
 */
static inline int
splitio_back_check_for_requests(struct splitio_back_ring *back, u32 holdoff)
{
	u32 unanswered = back->req_cons - back->rsp_prod_pvt;
	int unconsumed = splitio_back_unconsumed_requests(back);

	if (unconsumed || (holdoff && unanswered >= holdoff))
		return unconsumed;
	return splitio_back_final_check_for_requests(back);
}

/*
 * Copy request @idx (< req_cons + unconsumed) into private memory, reading
 * the shared entry exactly once; @len must not exceed the entry size.
 */
static inline void
splitio_back_copy_request(const struct splitio_back_ring *back, u32 idx,
			  void *dst, size_t len)
{
	__splitio_ring_copy(dst, __splitio_ring_entry(back->sring,
						      back->nr_ents,
						      back->ent_size, idx),
			    len);
}

/*
 * Where to build response @idx, normally back->rsp_prod_pvt before
 * incrementing it.  Only valid for a request already consumed.
 */
static inline void *
splitio_back_response_slot(const struct splitio_back_ring *back, u32 idx)
{
	return __splitio_ring_entry(back->sring, back->nr_ents,
				    back->ent_size, idx);
}

/*
 * Publish the responses built up to rsp_prod_pvt.  Returns true if the
 * frontend asked to be notified of them.
 */
static inline bool splitio_back_push_responses(struct splitio_back_ring *back)
{
	struct splitio_sring *sring = back->sring;
	/* Ours, but shared: a lying frontend only spoils its own wake-up. */
	u32 old_prod = READ_ONCE(sring->rsp_prod);
	u32 new_prod = back->rsp_prod_pvt;

	splitio_wmb(); /* frontend sees responses before rsp_prod covers them */
	WRITE_ONCE(sring->rsp_prod, new_prod);
	splitio_mb(); /* frontend sees rsp_prod before we read rsp_event */
	return __splitio_ring_push_crossed(old_prod, new_prod,
					   READ_ONCE(sring->rsp_event));
}

/*
 * Typed wrappers for a protocol's request and response structures, e.g.
 * SPLITIO_RING_TYPED(blkif, struct blkif_request, struct blkif_response)
 * (no semicolon) gives blkif_ring_ent_size() to pass to the init functions,
 * and blkif_request_slot(), blkif_copy_request(), blkif_response_slot(),
 * blkif_copy_response().
 */
#define SPLITIO_RING_TYPED(name, req_t, rsp_t)				\
static inline size_t name##_ring_ent_size(void)				\
{									\
	return SPLITIO_RING_ENTRY_SIZE(req_t, rsp_t);			\
}									\
static inline req_t *							\
name##_request_slot(const struct splitio_front_ring *front, u32 idx)	\
{									\
	return splitio_front_request_slot(front, idx);			\
}									\
static inline void							\
name##_copy_request(const struct splitio_back_ring *back, u32 idx,	\
		    req_t *dst)						\
{									\
	splitio_back_copy_request(back, idx, dst, sizeof(*dst));	\
}									\
static inline rsp_t *							\
name##_response_slot(const struct splitio_back_ring *back, u32 idx)	\
{									\
	return splitio_back_response_slot(back, idx);			\
}									\
static inline void							\
name##_copy_response(const struct splitio_front_ring *front, u32 idx,	\
		     rsp_t *dst)					\
{									\
	splitio_front_copy_response(front, idx, dst, sizeof(*dst));	\
}

#endif /* SPLITIO_RING_SRING_H */
