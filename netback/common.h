/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - splitio_netback's shared definitions: the vif (one net_device
 * per guest interface), its queues (a TX and an RX ring each, their event
 * channels, a NAPI context and an RX thread), the statistics, and the
 * functions the XenBus side (xenbus.c, connect.c), the net_device
 * (interface.c) and the two data paths (tx.c, rx.c, with the flip RX mode
 * in flip.c) call in each other.
 *
 * Directions are the guest's: "tx" is what the guest transmits (its TX
 * ring, our NAPI poll, netif_receive_skb), "rx" is what the guest receives
 * (our ndo_start_xmit, the RX thread, its RX ring).
 *
 * Who touches what: the XenBus callbacks run one at a time in the xenwatch
 * thread and alone create and destroy queues; a queue's TX ring belongs to
 * its NAPI poll, its RX ring to its RX thread; ndo_start_xmit only hands
 * packets to the thread through the queue's bounded list.
 */
#ifndef SPLITIO_NETBACK_COMMON_H
#define SPLITIO_NETBACK_COMMON_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
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

/* netif has no multi-page rings: each ring is one page. */
#define NETBACK_RING_BYTES	XEN_PAGE_SIZE

#define NETBACK_MAX_QUEUES	8

/*
 * A guest packet takes at most this many data slots: the minimum every
 * backend must accept, and all we accept (more is a protocol error).
 */
#define NETBACK_TX_MAX_SLOTS	XEN_NETIF_NR_SLOTS_MIN
/* Extra-info slots of one packet: one per type at most. */
#define NETBACK_MAX_EXTRAS	(XEN_NETIF_EXTRA_TYPE_MAX - 1)

/*
 * Bytes of a guest packet copied into the skb's linear area: a small
 * packet whole, else enough for the protocol headers; the rest goes into
 * page fragments.
 */
#define NETBACK_TX_COPYBREAK	256
#define NETBACK_TX_HEADER	128

/* The RX slots of one packet: the data pages plus a GSO extra-info slot. */
#define NETBACK_RX_MAX_SLOTS	(XEN_NETIF_NR_SLOTS_MIN + 1)

/* Grant copies handed to Xen in one hypercall. */
#define NETBACK_COPY_BATCH	64

/* Packets the NAPI poll takes per call. */
#define NETBACK_NAPI_WEIGHT	64

enum netback_dir {
	NETBACK_FROM_GUEST,	/* the guest's TX ring */
	NETBACK_TO_GUEST,	/* the guest's RX ring */
};

/* What the firewall-router (vfr.c) decided for a packet. */
enum netback_verdict {
	NETBACK_PASS,		/* on its way, as without the VFR */
	NETBACK_DROP,		/* the caller frees and counts it */
	NETBACK_CONSUMED,	/* the VFR sent it elsewhere */
};

/*
 * Per-queue counters.  Each group has one writer: the NAPI poll (tx), the
 * RX thread (rx) and ndo_start_xmit under the queue's xmit lock (xmit).
 * They live in the vif, not the queue, so they survive reconnection.
 */
struct netback_tx_stats {
	struct u64_stats_sync syncp;
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drop_bad_request;
	u64_stats_t drop_copy_error;
	u64_stats_t drop_filtered;
};

struct netback_rx_stats {
	struct u64_stats_sync syncp;
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drop_copy_error;
	u64_stats_t drop_stalled;
	u64_stats_t drop_too_big;
	u64_stats_t drop_transfer_error;
};

struct netback_xmit_stats {
	struct u64_stats_sync syncp;
	u64_stats_t drop_queue_full;
	u64_stats_t drop_filtered;
	u64_stats_t drop_not_connected;
};

struct netback_queue_stats {
	struct netback_tx_stats tx;
	struct netback_rx_stats rx;
	struct netback_xmit_stats xmit;
};

/* Grant copies collected for one hypercall, each tagged with its slot. */
struct netback_copy_batch {
	struct gnttab_copy ops[NETBACK_COPY_BATCH];
	u8 slot[NETBACK_COPY_BATCH];
	unsigned int nr;
	unsigned long failed;	/* bit n: a copy of slot n failed */
};

/* One packet on its way into the guest's posted buffers (rx.c). */
struct netback_rx_packet {
	struct netback_queue *q;
	struct xen_netif_rx_request reqs[NETBACK_RX_MAX_SLOTS];
	unsigned int nr_data;	/* data slots */
	bool gso;		/* ring slot 1 carries the GSO extra info */
	unsigned long failed;	/* bit n: data slot n could not be filled */
};

static_assert(NETBACK_RX_MAX_SLOTS <= BITS_PER_LONG);
static_assert(NETBACK_TX_MAX_SLOTS <= BITS_PER_LONG);

struct netback_vif;

struct netback_queue {
	struct netback_vif *vif;
	struct netback_queue_stats *stats;
	unsigned int id;
	char tx_irq_name[IFNAMSIZ + 8];
	char rx_irq_name[IFNAMSIZ + 8];

	/* Guest TX: owned by the NAPI poll. */
	void *tx_vaddr;
	struct splitio_back_ring tx;
	struct splitio_evtchn tx_evtchn;
	u32 tx_irq_prod;		/* req_prod at the last event: IRQ only */
	struct napi_struct napi;
	bool napi_added;
	struct netback_copy_batch tx_copy;

	/*
	 * Guest RX: owned by the RX thread.  With a single event channel
	 * rx_evtchn is unused and tx_evtchn serves both rings.
	 */
	void *rx_vaddr;
	struct splitio_back_ring rx;
	struct splitio_evtchn rx_evtchn;
	struct task_struct *rx_thread;
	wait_queue_head_t rx_wq;
	struct sk_buff_head rx_queue;	/* bounded by rx_queue_max */
	unsigned long rx_last_progress;	/* jiffies */
	bool rx_stalled;
	unsigned int rx_needed;		/* free requests the head packet needs */
	struct netback_copy_batch rx_copy;
	/* Flip mode (flip.c): a page per data slot; bit n: page n frameless. */
	struct page *flip_pages[NETBACK_RX_MAX_SLOTS];
	unsigned long flip_frameless;
};

/* What the frontend wrote it can do. */
struct netback_frontend_features {
	bool sg;
	bool gso_tcpv4;
	bool gso_tcpv6;
	bool ip_csum;
	bool ipv6_csum;
};

struct netback_vif {
	struct xenbus_device *xdev;
	struct net_device *dev;
	domid_t domid;
	unsigned int handle;
	u8 guest_mac[ETH_ALEN];

	/* On the firewall-router (vfr.c): its id, registry and drops. */
	u32 vfr_id;
	struct hlist_node vfr_id_node;
	struct hlist_node vfr_mac_node;
	atomic64_t vfr_filtered;	/* switched here, egress rules said no */
	atomic64_t vfr_dropped;		/* switched here, no room or no queue */

	struct xenbus_watch hotplug_watch;
	bool hotplug_watch_added;

	/* Set while queues exist; read by ndo_start_xmit. */
	bool data_connected;
	struct netback_frontend_features fe;
	const struct netback_rx_mode *rx_mode;	/* what the frontend chose */
	unsigned int nr_queues;
	struct netback_queue *queues;

	/* Bit 0: a data path found a protocol error; broken_work reports it. */
	unsigned long broken;
	struct work_struct broken_work;
	const char *broken_reason;

	unsigned int max_queues;
	struct netback_queue_stats stats[NETBACK_MAX_QUEUES];
};

/*
 * How a packet reaches the guest's memory: "copy" (grant copies into
 * buffers the guest posted) or "flip" (page transfers into the transfer
 * grants it posted), as the frontend's request-rx-copy chose.  deliver
 * returns 0 when the skb was sent or dropped (and freed), -EAGAIN when the
 * guest has not posted enough buffers yet (the skb is kept), and -EIO on a
 * protocol error.
 */
struct netback_rx_mode {
	const char *name;
	int (*deliver)(struct netback_queue *q, struct sk_buff *skb);
};

extern const struct netback_rx_mode netback_rx_copy_mode;
extern const struct netback_rx_mode netback_rx_flip_mode;

/* Module parameters (main.c). */
extern unsigned int netback_max_queues;
extern unsigned int netback_rx_queue_max;
extern unsigned int netback_rx_stall_ms;
extern bool netback_rx_flip;

/* vfr.c */
u32 netback_vfr_id(domid_t domid, unsigned int handle);
void netback_vfr_register(struct netback_vif *vif);
void netback_vfr_unregister(struct netback_vif *vif);
enum netback_verdict netback_vfr_from_guest(struct netback_vif *vif,
					    struct sk_buff *skb);
enum netback_verdict netback_vfr_to_guest(struct netback_vif *vif,
					  struct sk_buff *skb);

/* xenbus.c */
extern struct xenbus_driver netback_driver;

/* interface.c */
struct net_device *netback_netdev_alloc(struct xenbus_device *xdev,
					domid_t domid, unsigned int handle);
void netback_netdev_apply_frontend(struct netback_vif *vif);
void netback_mark_broken(struct netback_vif *vif, const char *reason);

/* connect.c */
int netback_queues_connect(struct netback_vif *vif);
void netback_queues_disconnect(struct netback_vif *vif);

/* tx.c */
int netback_tx_poll(struct napi_struct *napi, int budget);
bool netback_tx_pending(struct netback_queue *q);

/* rx.c */
netdev_tx_t netback_start_xmit(struct sk_buff *skb, struct net_device *dev);
void netback_rx_forward(struct netback_vif *vif, struct sk_buff *skb);
int netback_rx_thread(void *arg);
bool netback_rx_pending(struct netback_queue *q);
const struct xen_netif_rx_request *
netback_rx_data_request(const struct netback_rx_packet *pkt, unsigned int n);
int netback_rx_deliver(struct netback_queue *q, struct sk_buff *skb,
		       void (*place)(struct netback_rx_packet *pkt,
				     struct sk_buff *skb),
		       u64_stats_t *drop);

/* flip.c */
bool netback_flip_usable(void);
int netback_flip_alloc(struct netback_queue *q);
void netback_flip_free(struct netback_queue *q);

/* copy.c */
int netback_copy_flush(struct netback_copy_batch *batch);
int netback_copy_add(struct netback_copy_batch *batch, unsigned int slot,
		     const struct gnttab_copy *op);

static inline struct netback_vif *netback_vif_of(struct net_device *dev)
{
	return netdev_priv(dev);
}

#endif /* SPLITIO_NETBACK_COMMON_H */
