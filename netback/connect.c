// SPDX-License-Identifier: GPL-2.0
/*
 * A vif's queues: mapping the frontend's rings, binding its event
 * channels, starting the NAPI poll and RX thread of each, and the reverse.
 * Called from the XenBus side only (the xenwatch thread).
 */
#include <linux/kthread.h>
#include <linux/slab.h>

#include "netback/common.h"

/*
 * A real event follows a push, so req_prod moved since the previous one
 * (as in blkback).  Whether requests are still unconsumed is no test: the
 * poll's final check may already have taken them, and an event called
 * spurious twice in a row has its EOI held back, up to a second.
 */
static bool netback_tx_moved(struct netback_queue *q)
{
	u32 prod = READ_ONCE(q->tx.sring->req_prod);
	bool moved = prod != q->tx_irq_prod;

	q->tx_irq_prod = prod;
	return moved;
}

static irqreturn_t netback_tx_interrupt(int irq, void *dev_id)
{
	struct netback_queue *q = dev_id;
	bool work = netback_tx_moved(q) | netback_tx_pending(q);

	if (work)
		napi_schedule(&q->napi);
	splitio_evtchn_eoi(&q->tx_evtchn, work);
	return IRQ_HANDLED;
}

static irqreturn_t netback_rx_interrupt(int irq, void *dev_id)
{
	struct netback_queue *q = dev_id;
	bool work = netback_rx_pending(q);

	if (work)
		wake_up(&q->rx_wq);
	splitio_evtchn_eoi(&q->rx_evtchn, work);
	return IRQ_HANDLED;
}

/* One event channel for both rings. */
static irqreturn_t netback_interrupt(int irq, void *dev_id)
{
	struct netback_queue *q = dev_id;
	bool tx = netback_tx_moved(q) | netback_tx_pending(q);
	bool rx = netback_rx_pending(q);

	if (tx)
		napi_schedule(&q->napi);
	if (rx)
		wake_up(&q->rx_wq);
	splitio_evtchn_eoi(&q->tx_evtchn, tx || rx);
	return IRQ_HANDLED;
}

struct netback_queue_keys {
	u32 tx_ring_ref, rx_ring_ref;
	u32 evtchn, evtchn_tx, evtchn_rx;	/* 0: absent (Xen reserves it) */
};

static int netback_queue_read_keys(struct netback_vif *vif, const char *dir,
				   struct netback_queue_keys *k)
{
	const struct splitio_xs_field fields[] = {
		{ "tx-ring-ref", &k->tx_ring_ref, 0, true },
		{ "rx-ring-ref", &k->rx_ring_ref, 0, true },
		{ "event-channel", &k->evtchn, 0, false },
		{ "event-channel-tx", &k->evtchn_tx, 0, false },
		{ "event-channel-rx", &k->evtchn_rx, 0, false },
	};
	int err;

	err = splitio_xs_gather(vif->xdev, dir, fields, ARRAY_SIZE(fields));
	if (err)
		return err;
	if (!(k->evtchn_tx && k->evtchn_rx) && !k->evtchn) {
		xenbus_dev_fatal(vif->xdev, -EINVAL, "%s has no event channel",
				 dir);
		return -EINVAL;
	}
	return 0;
}

static int netback_ring_map(struct netback_vif *vif, u32 ref, void **vaddr,
			    struct splitio_back_ring *ring, size_t ent_size)
{
	grant_ref_t gref = ref;
	int err;

	err = splitio_peer_ring_map(vif->xdev, &gref, 1, vaddr);
	if (err) {
		xenbus_dev_fatal(vif->xdev, err, "mapping ring %u", ref);
		return err;
	}
	return splitio_back_init(ring, *vaddr, NETBACK_RING_BYTES, ent_size);
}

static void netback_queue_disconnect(struct netback_queue *q)
{
	struct netback_vif *vif = q->vif;

	/*
	 * First the rings' users, which notify the guest through the
	 * channels; then the channels, whose handlers only wake the thread
	 * (harmless once it is gone) or schedule the disabled NAPI (a no-op).
	 */
	if (q->rx_thread) {
		kthread_stop(q->rx_thread);
		q->rx_thread = NULL;
	}
	if (q->napi_added)
		napi_disable(&q->napi);
	if (q->rx_evtchn.irq)
		splitio_evtchn_unbind(&q->rx_evtchn, q);
	if (q->tx_evtchn.irq)
		splitio_evtchn_unbind(&q->tx_evtchn, q);
	if (q->napi_added) {
		netif_napi_del(&q->napi);
		q->napi_added = false;
	}
	skb_queue_purge(&q->rx_queue);
	netback_flip_free(q);
	splitio_peer_ring_unmap(vif->xdev, q->rx_vaddr, 1);
	q->rx_vaddr = NULL;
	splitio_peer_ring_unmap(vif->xdev, q->tx_vaddr, 1);
	q->tx_vaddr = NULL;
}

static int netback_queue_connect(struct netback_vif *vif,
				 struct netback_queue *q, const char *dir)
{
	struct netback_queue_keys k;
	const char *name = vif->dev->name;
	int err;

	q->vif = vif;
	q->stats = &vif->stats[q->id];
	skb_queue_head_init(&q->rx_queue);
	init_waitqueue_head(&q->rx_wq);

	err = netback_queue_read_keys(vif, dir, &k);
	if (err)
		return err;
	err = netback_ring_map(vif, k.tx_ring_ref, &q->tx_vaddr, &q->tx,
			       netif_tx_ring_ent_size());
	if (err)
		goto err_disconnect;
	err = netback_ring_map(vif, k.rx_ring_ref, &q->rx_vaddr, &q->rx,
			       netif_rx_ring_ent_size());
	if (err)
		goto err_disconnect;
	if (vif->rx_mode == &netback_rx_flip_mode) {
		err = netback_flip_alloc(q);
		if (err)
			goto err_disconnect;
	}

	netif_napi_add_weight(vif->dev, &q->napi, netback_tx_poll,
			      NETBACK_NAPI_WEIGHT);
	q->napi_added = true;
	napi_enable(&q->napi);

	q->rx_thread = kthread_run(netback_rx_thread, q, "%s-q%u", name,
				   q->id);
	if (IS_ERR(q->rx_thread)) {
		err = PTR_ERR(q->rx_thread);
		q->rx_thread = NULL;
		xenbus_dev_fatal(vif->xdev, err, "starting the RX thread");
		goto err_disconnect;
	}

	/* Last: the handlers may run at once. */
	if (k.evtchn_tx && k.evtchn_rx) {
		snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-q%u-tx",
			 name, q->id);
		snprintf(q->rx_irq_name, sizeof(q->rx_irq_name), "%s-q%u-rx",
			 name, q->id);
		err = splitio_evtchn_back_bind(vif->xdev, &q->tx_evtchn,
					       k.evtchn_tx, netback_tx_interrupt,
					       q->tx_irq_name, q);
		if (err)
			goto err_disconnect;
		err = splitio_evtchn_back_bind(vif->xdev, &q->rx_evtchn,
					       k.evtchn_rx, netback_rx_interrupt,
					       q->rx_irq_name, q);
	} else {
		snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-q%u",
			 name, q->id);
		err = splitio_evtchn_back_bind(vif->xdev, &q->tx_evtchn,
					       k.evtchn, netback_interrupt,
					       q->tx_irq_name, q);
	}
	if (err)
		goto err_disconnect;
	return 0;

err_disconnect:
	netback_queue_disconnect(q);
	return err;
}

int netback_queues_connect(struct netback_vif *vif)
{
	struct xenbus_device *xdev = vif->xdev;
	struct netback_queue *queues;
	unsigned int i, nr;
	char *dir;
	int err;

	nr = xenbus_read_unsigned(xdev->otherend, "multi-queue-num-queues", 1);
	if (!nr || nr > vif->max_queues) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "frontend asks for %u queues, at most %u",
				 nr, vif->max_queues);
		return -EINVAL;
	}
	queues = kcalloc(nr, sizeof(*queues), GFP_KERNEL);
	if (!queues) {
		xenbus_dev_fatal(xdev, -ENOMEM, "allocating queues");
		return -ENOMEM;
	}
	clear_bit(0, &vif->broken);

	for (i = 0; i < nr; i++) {
		/* One queue keeps its keys in the frontend's own directory. */
		if (nr == 1)
			dir = kstrdup(xdev->otherend, GFP_KERNEL);
		else
			dir = kasprintf(GFP_KERNEL, "%s/queue-%u",
					xdev->otherend, i);
		if (!dir) {
			err = -ENOMEM;
			xenbus_dev_fatal(xdev, err, "allocating a path");
			goto err_unwind;
		}
		queues[i].id = i;
		err = netback_queue_connect(vif, &queues[i], dir);
		kfree(dir);
		if (err)
			goto err_unwind;
	}
	vif->queues = queues;
	vif->nr_queues = nr;
	/* ndo_start_xmit may use the queues from now on, and the VFR. */
	smp_store_release(&vif->data_connected, true);
	netback_vfr_register(vif);
	return 0;

err_unwind:
	while (i--)
		netback_queue_disconnect(&queues[i]);
	kfree(queues);
	return err;
}

void netback_queues_disconnect(struct netback_vif *vif)
{
	struct net_device *dev = vif->dev;
	unsigned int i;

	if (!vif->queues)
		return;
	WRITE_ONCE(vif->data_connected, false);
	/* Waits for the other vifs' frames the VFR switches to this one. */
	netback_vfr_unregister(vif);
	netif_carrier_off(dev);
	/* Waits for ndo_start_xmit calls that saw the queues. */
	netif_tx_disable(dev);
	for (i = 0; i < vif->nr_queues; i++)
		netback_queue_disconnect(&vif->queues[i]);
	/* An RX thread may have raised it before it stopped. */
	netif_carrier_off(dev);
	cancel_work_sync(&vif->broken_work);
	kfree(vif->queues);
	vif->queues = NULL;
	vif->nr_queues = 0;
}
