/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - what the parts of splitio_netfront share.
 *
 *   main.c    module, xenbus driver and the backend state machine
 *   xenbus.c  negotiation with the backend through XenStore
 *   queue.c   per-queue rings, event channels and NAPI
 *   tx.c      packets out: skbs become granted slots, completions
 *   rx.c      packets in: posted pages, responses become skbs
 *   flip.c    page flipping: buffers posted as transfer grants
 *   netdev.c  net_device operations, statistics, ethtool
 *
 * Locking: a queue's tx_lock guards its tx ring and shadows; its rx side
 * is only touched from its NAPI poll, or with NAPI disabled.  Connection
 * state changes under the device's mutex, in the xenwatch thread or in
 * remove().
 */
#ifndef SPLITIO_NETFRONT_COMMON_H
#define SPLITIO_NETFRONT_COMMON_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/interface/io/netif.h>

#include "grant/grant.h"
#include "hv/hv.h"
#include "ring/sring.h"

SPLITIO_RING_TYPED(netif_tx, struct xen_netif_tx_request,
		   struct xen_netif_tx_response)
SPLITIO_RING_TYPED(netif_rx, struct xen_netif_rx_request,
		   struct xen_netif_rx_response)

#define NETFRONT_MAX_QUEUES	8
#define NETFRONT_NAPI_WEIGHT	64
/* Data slots of one packet, either way: what every backend must accept. */
#define NETFRONT_MAX_SLOTS	XEN_NETIF_NR_SLOTS_MIN
/* Largest packet the protocol's 16-bit first-slot size can describe. */
#define NETFRONT_MAX_PACKET	65535u

/* A slot is one grant of at most one page, and a grant is one Xen page. */
static_assert(PAGE_SIZE == XEN_PAGE_SIZE);

/* The largest entry in each ring: responses are read as raw entries. */
union netfront_tx_slot {
	struct xen_netif_tx_request req;
	struct xen_netif_extra_info extra;
};

union netfront_rx_slot {
	struct xen_netif_rx_response rsp;
	struct xen_netif_extra_info extra;
};
static_assert(sizeof(union netfront_rx_slot) <=
	      sizeof(struct xen_netif_rx_response));
static_assert(sizeof(union netfront_tx_slot) <=
	      sizeof(struct xen_netif_tx_request));

/* One tx slot id: a granted chunk and a reference on its packet. */
struct netfront_tx_shadow {
	struct sk_buff *skb;		/* in flight; NULL while free */
	struct page *page;		/* the chunk's page */
	grant_ref_t gref;
	u16 next_free;			/* next free id, while free */
};

/* One posted rx buffer, at ring slot (index & mask), which is its id. */
struct netfront_rx_buf {
	struct page *page;		/* NULL while not posted */
	grant_ref_t gref;
};

/* Why packets were dropped or failed; each one an ethtool counter. */
enum netfront_stat {
	NF_STAT_TX_PACKETS,
	NF_STAT_TX_BYTES,
	NF_STAT_TX_ERRORS,		/* backend: NETIF_RSP_ERROR */
	NF_STAT_TX_BACKEND_DROPS,	/* backend: NETIF_RSP_DROPPED */
	NF_STAT_TX_DROP_SLOTS,		/* over NETFRONT_MAX_SLOTS */
	NF_STAT_TX_DROP_DOWN,		/* no connection */
	NF_STAT_TX_DROP_OTHER,		/* unsupported GSO, no grant */
	NF_STAT_RX_PACKETS,
	NF_STAT_RX_BYTES,
	NF_STAT_RX_ERRORS,		/* a slot with a negative status */
	NF_STAT_RX_DROP_SLOTS,		/* too many slots or bytes */
	NF_STAT_RX_DROP_BAD_SLOT,	/* offset + size beyond the page */
	NF_STAT_RX_DROP_EXTRA,		/* malformed extra info */
	NF_STAT_RX_DROP_CSUM,		/* checksum setup failed */
	NF_STAT_RX_DROP_NOMEM,
	NF_STAT_NR
};

struct netfront_stats {
	struct u64_stats_sync syncp;
	u64 v[NF_STAT_NR];
};

struct netfront_dev;

/* One tx ring and one rx ring, their event channel(s) and a NAPI. */
struct netfront_queue {
	struct netfront_dev *nf;
	unsigned int index;			/* N in "queue-N/" */
	struct napi_struct napi;
	bool live;				/* rings set up, NAPI enabled */
	bool broken;				/* backend lied: stop using */
	char tx_irq_name[IFNAMSIZ + 16];	/* outlive their IRQs */
	char rx_irq_name[IFNAMSIZ + 16];
	struct splitio_evtchn tx_evtchn;	/* also rx if not split */
	struct splitio_evtchn rx_evtchn;	/* split channels only */
	unsigned long eoi_pending;		/* NETFRONT_EOI_*, _WORK_* bits */
	bool found_work;			/* since the last EOI */
	u32 tx_irq_prod, rx_irq_prod;		/* rsp_prod at the last event */
	struct timer_list refill_timer;		/* retry rx buffers */

	/* tx: guarded by tx_lock. */
	spinlock_t tx_lock;
	bool tx_up;				/* packets may go out */
	struct splitio_granted_ring tx_granted;
	struct splitio_front_ring tx;
	struct splitio_gref_pool tx_pool;
	struct netfront_tx_shadow *tx_shadow;	/* tx.nr_ents, by id */
	u16 tx_free_head;			/* first free id or nr_ents */
	unsigned int tx_free_ids;

	/* rx: NAPI only. */
	struct splitio_granted_ring rx_granted;
	struct splitio_front_ring rx;
	struct splitio_gref_pool rx_pool;
	struct netfront_rx_buf *rx_bufs;	/* rx.nr_ents, by slot */
	struct page **rx_spare;			/* pages to post again */
	unsigned int rx_nr_spare;
	struct splitio_transfer_table rx_xfer;	/* flip mode only */

	struct netfront_stats tx_stats;		/* tx_lock */
	struct netfront_stats rx_stats;		/* NAPI */
};

#define NETFRONT_EOI_TX	0
#define NETFRONT_EOI_RX	1
/* The channel's pending event followed a push: not spurious. */
#define NETFRONT_WORK_TX	2
#define NETFRONT_WORK_RX	3

/* One virtual interface: the "vif" XenBus device and its net_device. */
struct netfront_dev {
	struct xenbus_device *xdev;
	struct net_device *netdev;
	struct mutex lock;			/* connection state */
	bool removing;				/* remove() owns the device */
	wait_queue_head_t state_wq;		/* backend state changed */
	struct work_struct fatal_work;		/* report a broken backend */

	/* What the backend offers, read when it is in InitWait. */
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool ipv4_csum;
	bool ipv6_csum;
	bool split_evtchn;
	bool rx_flip;				/* page flipping, not copy */

	unsigned int nr_queues;			/* negotiated, 0 if none */
	struct netfront_queue *queues;		/* NETFRONT_MAX_QUEUES */
};

extern unsigned int netfront_max_queues;
extern bool netfront_rx_flip;

static inline void netfront_stat_add(struct netfront_stats *s,
				     enum netfront_stat which, u64 n)
{
	u64_stats_update_begin(&s->syncp);
	s->v[which] += n;
	u64_stats_update_end(&s->syncp);
}

/* main.c */
void netfront_broken(struct netfront_queue *q, const char *why);

/* xenbus.c */
int netfront_negotiate(struct netfront_dev *nf);
int netfront_connect(struct netfront_dev *nf);
void netfront_disconnect(struct netfront_dev *nf);
void netfront_release(struct netfront_dev *nf);

/* queue.c */
void netfront_queues_init(struct netfront_dev *nf);
void netfront_queues_uninit(struct netfront_dev *nf);
int netfront_queues_setup(struct netfront_dev *nf);
void netfront_queues_stop(struct netfront_dev *nf);
void netfront_queues_free(struct netfront_dev *nf);
void netfront_queues_start(struct netfront_dev *nf);
int netfront_poll(struct napi_struct *napi, int budget);

/* tx.c */
int netfront_tx_alloc(struct netfront_queue *q);
void netfront_tx_drain(struct netfront_queue *q);
void netfront_tx_free(struct netfront_queue *q);
netdev_tx_t netfront_start_xmit(struct sk_buff *skb, struct net_device *dev);
bool netfront_tx_complete(struct netfront_queue *q);

/* rx.c */
int netfront_rx_alloc(struct netfront_queue *q);
void netfront_rx_drain(struct netfront_queue *q);
void netfront_rx_free(struct netfront_queue *q);
void netfront_rx_refill(struct netfront_queue *q);
int netfront_rx_poll(struct netfront_queue *q, int budget, bool *found);
bool netfront_rx_pending(struct netfront_queue *q);

/* flip.c */
bool netfront_flip_possible(void);
int netfront_flip_post(struct netfront_queue *q, struct page *page, int ref);
struct page *netfront_flip_take(struct netfront_queue *q,
				struct netfront_rx_buf *buf, bool *arrived);

/* netdev.c */
struct net_device *netfront_netdev_alloc(struct xenbus_device *xdev);

#endif /* SPLITIO_NETFRONT_COMMON_H */
