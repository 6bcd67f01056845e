/* SPDX-License-Identifier: GPL-2.0 */
/*
 * splitio_hostile_back: the other way round from splitio_hostile, and
 * smaller.  A test-only backend in Dom0 that takes a frontend's rings like
 * a real one and then answers wrongly on command: ids that were never
 * issued, responses to requests never made, a response producer index
 * beyond the ring.  The frontend must declare the device broken, fail its
 * I/O or disconnect, and the guest must live on.  Never installed; the
 * lab loads it in Dom0 in place of the real backends.
 *
 * back.c is the XenBus side both classes share: keys, states, the mapped
 * rings and event channel, the thread an attack runs in.  back_vbd.c
 * holds the answers to a block frontend, back_vif.c to a network one.
 */
#ifndef SPLITIO_HOSTILE_BACK_H
#define SPLITIO_HOSTILE_BACK_H

#include <linux/types.h>
#include <linux/wait.h>
#include <xen/interface/io/ring.h>
#include <xen/xenbus.h>

#define HOSTILE_BACK_MAX_RINGS	2	/* a vif's TX and RX rings */

struct hostile_back;

/* What differs between a vbd and a vif backend. */
struct hostile_back_class {
	const char *const *ring_keys;		/* the frontend's ring refs */
	unsigned int nr_rings;
	/* Keys for the frontend, at probe and just before Connected; or NULL. */
	int (*probe_keys)(struct hostile_back *hb);
	int (*connect_keys)(struct hostile_back *hb);
	/* The attack: runs until it is done or the thread is stopped. */
	int (*run)(struct hostile_back *hb, const char *attack);
};

/* One device: the backend's half, its rings owned by the attack thread. */
struct hostile_back {
	struct xenbus_device *xdev;
	const struct hostile_back_class *class;
	void *ring[HOSTILE_BACK_MAX_RINGS];	/* mapped, 0 if not */
	int irq;				/* 0 if not bound */
	struct task_struct *thread;		/* NULL if not connected */
	wait_queue_head_t wq;			/* woken by the frontend's events */
	atomic_t events;
	bool gave_up;		/* the frontend's index was impossible */
};

/* Report lines in Dom0's log, one per thing sent; the lab greps them. */
#define hostile_back_report(hb, fmt, ...)				\
	pr_info("HOSTILE-BACK %s " fmt "\n", dev_name(&(hb)->xdev->dev),	\
		##__VA_ARGS__)

/*
 * Waits up to @ms for @ready(@hb, @arg) to be true, woken by the
 * frontend's events; false if it never was, or the thread must stop, or
 * gave up on the frontend.
 */
bool hostile_back_wait(struct hostile_back *hb,
		       bool (*ready)(struct hostile_back *hb, void *arg),
		       void *arg, unsigned int ms);
void hostile_back_notify(struct hostile_back *hb);

/*
 * A back ring's @ready for hostile_back_wait: true if requests wait, else
 * req_event is armed, so that the next one is notified.
 */
#define hostile_back_has_requests(ring) ({				\
	int more_;							\
									\
	RING_FINAL_CHECK_FOR_REQUESTS(ring, more_);			\
	more_ != 0;							\
})

/*
 * The next request on back ring @ring, copied into *@req, once
 * @ready(@hb, @arg) says there is one; false if none came in @ms, or the
 * frontend's producer index is impossible (then for good: gave_up).  A
 * macro: the rings' types differ, their macros are generic.
 */
#define hostile_back_take(hb, ring, ready, arg, req, ms) ({		\
	bool taken_ = hostile_back_wait(hb, ready, arg, ms);		\
									\
	if (taken_ && RING_REQUEST_PROD_OVERFLOW(ring,			\
						 (ring)->sring->req_prod)) { \
		hostile_back_report(hb, "the frontend's request index is impossible"); \
		(hb)->gave_up = true;					\
		taken_ = false;						\
	}								\
	if (taken_) {							\
		virt_rmb();	/* the request after its index */	\
		RING_COPY_REQUEST(ring, (ring)->req_cons, req);		\
		(ring)->req_cons++;					\
	}								\
	taken_;								\
})


extern const struct hostile_back_class hostile_back_vbd;
extern const struct hostile_back_class hostile_back_vif;

#endif /* SPLITIO_HOSTILE_BACK_H */
