/* SPDX-License-Identifier: GPL-2.0 */
/*
 * splitio_hostile: a test-only frontend that connects to a backend like a
 * real one and then breaks the protocol on purpose, one attack at a time,
 * to show that the backend answers with errors or disconnects the device,
 * and nothing worse.  Never installed; the lab loads it in a guest.
 *
 * main.c is the XenBus side every device class shares: the connection's
 * states and keys, its ring pages and event channel, granted pages, the
 * report.  vbd.c holds the attacks on a block backend, vif.c those on a
 * network backend.
 */
#ifndef SPLITIO_HOSTILE_H
#define SPLITIO_HOSTILE_H

#include <linux/types.h>
#include <linux/wait.h>
#include <xen/grant_table.h>
#include <xen/interface/io/ring.h>
#include <xen/xenbus.h>

#define HOSTILE_MAX_RINGS	2	/* a vif's TX and RX rings */
#define HOSTILE_STATE_MS	20000	/* a state change not seen after this */

/* One connection to a backend: the frontend's half, owned by its thread. */
struct hostile_conn {
	struct xenbus_device *xdev;
	unsigned int nr_rings;		/* ring pages set up */
	void *sring[HOSTILE_MAX_RINGS];	/* the shared ring pages */
	grant_ref_t ring_ref[HOSTILE_MAX_RINGS];
	evtchn_port_t port;		/* our end of the event channel */
	int irq;			/* bound to port, 0 if not bound */
	wait_queue_head_t wq;		/* woken by the backend's events */
	atomic_t events;		/* events the backend sent us */
	unsigned int failures;		/* cases whose outcome was wrong */
};

/* Report lines, one per case: the guest's script reads them from dmesg. */
#define hostile_report(conn, fmt, ...)					\
	pr_info("HOSTILE %s " fmt "\n", dev_name(&(conn)->xdev->dev),	\
		##__VA_ARGS__)

/* A case's outcome: counted as a failure when it is not what we want. */
void hostile_verdict(struct hostile_conn *conn, const char *name, bool ok,
		     const char *fmt, ...) __printf(4, 5);

int hostile_ring_setup(struct hostile_conn *conn, unsigned int nr_rings);
void hostile_ring_teardown(struct hostile_conn *conn);
void hostile_notify(struct hostile_conn *conn);
int hostile_switch(struct hostile_conn *conn, enum xenbus_state state);

/* A page granted to the backend, and ended (and freed) again. */
int hostile_grant_page(struct hostile_conn *conn, bool readonly,
		       struct page **page, grant_ref_t *ref);
void hostile_ungrant_page(struct page **page, grant_ref_t *ref);

/* A XenStore key of the frontend's and its value. */
struct hostile_key {
	const char *key;
	char value[24];
};

/* An xs-NAME attack: the frontend's @key is written as @value. */
struct hostile_xs_case {
	const char *name;
	const char *key;
	const char *value;
};

const struct hostile_xs_case *
hostile_find_xs_case(const struct hostile_xs_case *cases, unsigned int nr,
		     const char *attack);

/*
 * The connection as a frontend makes it: Initialising, the backend's
 * InitWait (hostile_start); the ring keys written, with @garbage's key
 * replaced, then @announce (hostile_connect), which returns the state
 * the backend reacted with: Connected, or Closing/Closed if it refused.
 * hostile_close closes as a frontend should and removes @keys, which a
 * next connection writes again.
 */
int hostile_start(struct hostile_conn *conn);
enum xenbus_state hostile_connect(struct hostile_conn *conn,
				  const struct hostile_key *keys,
				  unsigned int nr_keys,
				  const struct hostile_xs_case *garbage,
				  enum xenbus_state announce);
void hostile_close(struct hostile_conn *conn, const char *const *keys,
		   unsigned int nr_keys);

/*
 * Waits up to @ms for the backend to reach a state in @mask (bits of
 * enum xenbus_state); returns the state it was in when the wait ended.
 */
enum xenbus_state hostile_wait_backend(struct hostile_conn *conn,
				       unsigned int mask, unsigned int ms);
#define HOSTILE_STATE(s)	(1u << (s))

/*
 * Judges how the backend took a connection: an xs-* attack (@garbage)
 * must be refused, any other must be Connected.  True if it is, and the
 * attack goes on.
 */
bool hostile_connected(struct hostile_conn *conn, const char *attack,
		       const struct hostile_xs_case *garbage,
		       enum xenbus_state state);

/*
 * After a ring-breaking attack (@sent says what it was): the backend must
 * close the device without answering, its ring's response index
 * (@rsp_prod, shared) staying at @rsp_cons.
 */
void hostile_expect_closed(struct hostile_conn *conn, const char *name,
			   const char *sent, const RING_IDX *rsp_prod,
			   RING_IDX rsp_cons);

/* @nr events with nothing behind them; judged under "event-storm". */
void hostile_storm(struct hostile_conn *conn, unsigned int nr);

/* The attacks of each class: @attack names one (vbd.c, vif.c list them). */
int hostile_vbd_run(struct hostile_conn *conn, const char *attack);
int hostile_vif_run(struct hostile_conn *conn, const char *attack);

#endif /* SPLITIO_HOSTILE_H */
