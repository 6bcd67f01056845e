// SPDX-License-Identifier: GPL-2.0
/*
 * Queues: per queue a tx and an rx ring of one page each, one event
 * channel or two (feature-split-event-channels), and a NAPI that does both
 * tx completion and rx.
 *
 * Event channels are bound with late EOI: an interrupt only notes which
 * channel owes an EOI and schedules NAPI; the poll sends the EOIs once it
 * has run out of work, saying whether it found any.
 */
#include <linux/slab.h>

#include "netfront/common.h"

/*
 * A real event follows a push, so some rsp_prod it covers moved since the
 * channel's previous event.  Judged here, per channel, not by what the
 * shared poll finds: the poll one channel's event ran may already have
 * taken the other channel's work, and calling that other event spurious
 * makes the kernel hold its EOI back for up to a second.
 */
static bool queue_prod_moved(const struct splitio_front_ring *r, u32 *last)
{
	u32 prod = READ_ONCE(r->sring->rsp_prod);
	bool moved = prod != *last;

	*last = prod;
	return moved;
}

static irqreturn_t queue_interrupt(struct netfront_queue *q, int which,
				   bool moved)
{
	if (moved)
		set_bit(which + NETFRONT_WORK_TX, &q->eoi_pending);
	set_bit(which, &q->eoi_pending);
	napi_schedule(&q->napi);
	return IRQ_HANDLED;
}

static irqreturn_t queue_tx_interrupt(int irq, void *dev_id)
{
	struct netfront_queue *q = dev_id;
	bool moved = queue_prod_moved(&q->tx, &q->tx_irq_prod);

	if (!q->nf->split_evtchn &&
	    queue_prod_moved(&q->rx, &q->rx_irq_prod))
		moved = true;
	return queue_interrupt(q, NETFRONT_EOI_TX, moved);
}

static irqreturn_t queue_rx_interrupt(int irq, void *dev_id)
{
	struct netfront_queue *q = dev_id;

	return queue_interrupt(q, NETFRONT_EOI_RX,
			       queue_prod_moved(&q->rx, &q->rx_irq_prod));
}

/* The channel stays masked till its EOI, so its handler cannot race this. */
static void queue_eoi(struct netfront_queue *q)
{
	bool found = q->found_work;

	q->found_work = false;
	if (test_and_clear_bit(NETFRONT_EOI_TX, &q->eoi_pending))
		splitio_evtchn_eoi(&q->tx_evtchn, found |
				   test_and_clear_bit(NETFRONT_WORK_TX,
						      &q->eoi_pending));
	if (test_and_clear_bit(NETFRONT_EOI_RX, &q->eoi_pending))
		splitio_evtchn_eoi(&q->rx_evtchn, found |
				   test_and_clear_bit(NETFRONT_WORK_RX,
						      &q->eoi_pending));
}

int netfront_poll(struct napi_struct *napi, int budget)
{
	struct netfront_queue *q = container_of(napi, struct netfront_queue,
						napi);
	int done = 0;

	if (!q->broken) {
		if (netfront_tx_complete(q))
			q->found_work = true;
		done = netfront_rx_poll(q, budget, &q->found_work);
		if (done < 0)
			done = 0;	/* broken: stop polling */
		else if (done >= budget)
			return budget;
	}
	if (!napi_complete_done(napi, done))
		return done;
	/* Arm both rings; work that slipped in means another round. */
	if (!q->broken &&
	    (netfront_rx_pending(q) ||
	     splitio_front_unconsumed_responses(&q->tx) != 0))
		napi_schedule(napi);
	else
		queue_eoi(q);
	return done;
}

static void queue_refill_timeout(struct timer_list *t)
{
	struct netfront_queue *q = from_timer(q, t, refill_timer);

	napi_schedule(&q->napi);
}

static int queue_bind(struct netfront_queue *q)
{
	struct netfront_dev *nf = q->nf;
	const char *name = netdev_name(nf->netdev);
	int err;

	if (!nf->split_evtchn) {
		snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-q%u",
			 name, q->index);
		return splitio_evtchn_front_bind(nf->xdev, &q->tx_evtchn,
						 queue_tx_interrupt,
						 q->tx_irq_name, q);
	}
	snprintf(q->tx_irq_name, sizeof(q->tx_irq_name), "%s-q%u-tx", name,
		 q->index);
	snprintf(q->rx_irq_name, sizeof(q->rx_irq_name), "%s-q%u-rx", name,
		 q->index);
	err = splitio_evtchn_front_bind(nf->xdev, &q->tx_evtchn,
					queue_tx_interrupt, q->tx_irq_name, q);
	if (err)
		return err;
	err = splitio_evtchn_front_bind(nf->xdev, &q->rx_evtchn,
					queue_rx_interrupt, q->rx_irq_name, q);
	if (err)
		splitio_evtchn_unbind(&q->tx_evtchn, q);
	return err;
}

static void queue_unbind(struct netfront_queue *q)
{
	if (q->rx_evtchn.irq)
		splitio_evtchn_unbind(&q->rx_evtchn, q);
	if (q->tx_evtchn.irq)
		splitio_evtchn_unbind(&q->tx_evtchn, q);
	memset(&q->tx_evtchn, 0, sizeof(q->tx_evtchn));
	memset(&q->rx_evtchn, 0, sizeof(q->rx_evtchn));
	q->eoi_pending = 0;
}

/* Rings, buffers and event channels; NAPI stays off until started. */
static int queue_setup(struct netfront_queue *q)
{
	struct xenbus_device *xdev = q->nf->xdev;
	int err;

	q->broken = false;
	q->found_work = false;
	q->tx_irq_prod = 0;	/* what splitio_front_init() leaves */
	q->rx_irq_prod = 0;
	err = splitio_granted_ring_setup(xdev, &q->tx_granted, 1);
	if (err)
		return err;
	err = splitio_front_init(&q->tx, q->tx_granted.vaddr, XEN_PAGE_SIZE,
				 netif_tx_ring_ent_size());
	if (err)
		goto err_teardown_tx;
	err = splitio_granted_ring_setup(xdev, &q->rx_granted, 1);
	if (err)
		goto err_teardown_tx;
	err = splitio_front_init(&q->rx, q->rx_granted.vaddr, XEN_PAGE_SIZE,
				 netif_rx_ring_ent_size());
	if (err)
		goto err_teardown_rx;
	err = netfront_tx_alloc(q);
	if (err)
		goto err_teardown_rx;
	err = netfront_rx_alloc(q);
	if (err)
		goto err_free_tx;
	err = queue_bind(q);
	if (err)
		goto err_free_rx;
	return 0;

err_free_rx:
	netfront_rx_free(q);
err_free_tx:
	netfront_tx_free(q);
err_teardown_rx:
	splitio_granted_ring_teardown(&q->rx_granted);
err_teardown_tx:
	splitio_granted_ring_teardown(&q->tx_granted);
	return err;
}

/* Stops a live queue: no NAPI, no interrupt, nothing in flight. */
static void queue_stop(struct netfront_queue *q)
{
	if (!q->live)
		return;
	q->live = false;
	napi_disable(&q->napi);
	del_timer_sync(&q->refill_timer);
	queue_unbind(q);
	netfront_tx_drain(q);
	netfront_rx_drain(q);
}

/* After queue_stop(): the rings, which the backend may map till Closed. */
static void queue_free(struct netfront_queue *q)
{
	queue_unbind(q);	/* a queue set up but never started */
	netfront_tx_drain(q);
	netfront_rx_drain(q);
	netfront_rx_free(q);
	netfront_tx_free(q);
	splitio_granted_ring_teardown(&q->rx_granted);
	splitio_granted_ring_teardown(&q->tx_granted);
}

/* nf->nr_queues queues, set up but not started. */
int netfront_queues_setup(struct netfront_dev *nf)
{
	unsigned int i;
	int err;

	for (i = 0; i < nf->nr_queues; i++) {
		err = queue_setup(&nf->queues[i]);
		if (err)
			goto err_free;
	}
	return 0;

err_free:
	while (i--)
		queue_free(&nf->queues[i]);
	nf->nr_queues = 0;
	return err;
}

/* Backend connected: rx buffers go out, NAPI and tx start. */
void netfront_queues_start(struct netfront_dev *nf)
{
	unsigned int i;

	for (i = 0; i < nf->nr_queues; i++) {
		struct netfront_queue *q = &nf->queues[i];

		if (q->live)
			continue;
		spin_lock_irq(&q->tx_lock);
		q->tx_up = true;
		spin_unlock_irq(&q->tx_lock);
		q->live = true;
		napi_enable(&q->napi);
		/* Refills the rx ring and catches anything already there. */
		local_bh_disable();
		napi_schedule(&q->napi);
		local_bh_enable();
	}
}

void netfront_queues_stop(struct netfront_dev *nf)
{
	unsigned int i;

	for (i = 0; i < nf->nr_queues; i++)
		queue_stop(&nf->queues[i]);
}

/* After netfront_queues_stop(). */
void netfront_queues_free(struct netfront_dev *nf)
{
	unsigned int i;

	for (i = 0; i < nf->nr_queues; i++)
		queue_free(&nf->queues[i]);
	nf->nr_queues = 0;
}

/* Every queue the device may use, at probe; none set up. */
void netfront_queues_init(struct netfront_dev *nf)
{
	unsigned int i;

	for (i = 0; i < NETFRONT_MAX_QUEUES; i++) {
		struct netfront_queue *q = &nf->queues[i];

		q->nf = nf;
		q->index = i;
		spin_lock_init(&q->tx_lock);
		u64_stats_init(&q->tx_stats.syncp);
		u64_stats_init(&q->rx_stats.syncp);
		timer_setup(&q->refill_timer, queue_refill_timeout, 0);
		netif_napi_add_weight(nf->netdev, &q->napi, netfront_poll,
				      NETFRONT_NAPI_WEIGHT);
	}
}

/* Before freeing the net_device; every queue stopped and freed. */
void netfront_queues_uninit(struct netfront_dev *nf)
{
	unsigned int i;

	for (i = 0; i < NETFRONT_MAX_QUEUES; i++)
		netif_napi_del(&nf->queues[i].napi);
}
