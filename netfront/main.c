// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_netfront: Xen paravirtual network frontend, receiving by copy
 * or, where asked and offered, by page flipping.
 *
 * The XenBus "vif" driver and the frontend's side of the handshake:
 *
 *   backend InitWait   -> queues set up and published, we go Connected
 *   backend Connected  -> traffic starts, carrier on
 *   backend Closing    -> traffic stopped, buffers back, we go Closed
 *   backend Closed     -> the backend has let go of the rings: free them
 *
 * After a restore, resume() lets the old connection go; the new backend's
 * InitWait then connects the same interface afresh.
 *
 * State changes run in the xenwatch thread; remove() takes the device
 * over and closes it itself, waiting (bounded) for the backend to follow.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <xen/xen.h>

#include "netfront/common.h"

bool netfront_rx_flip;
module_param_named(rx_flip, netfront_rx_flip, bool, 0644);
MODULE_PARM_DESC(rx_flip,
		 "Receive by page flipping where the backend offers it (default: copy)");

unsigned int netfront_max_queues = NETFRONT_MAX_QUEUES;
module_param_named(max_queues, netfront_max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues, "Most queues per interface (1-8)");

/* How long remove() waits for the backend at each step. */
#define NETFRONT_CLOSE_TIMEOUT	(5 * HZ)

static void netfront_fatal_work(struct work_struct *work)
{
	struct netfront_dev *nf = container_of(work, struct netfront_dev,
					       fatal_work);

	/* Closing: the backend closes too and we tear down from there. */
	xenbus_dev_fatal(nf->xdev, -EPROTO, "backend broke the netif protocol");
}

/*
 * From the data path, in any context: stop using @q and have the device
 * disconnected.  The queue's NAPI stops processing at once.
 */
void netfront_broken(struct netfront_queue *q, const char *why)
{
	struct netfront_dev *nf = q->nf;

	q->broken = true;
	if (net_ratelimit())
		netdev_err(nf->netdev, "queue %u: %s: disconnecting\n",
			   q->index, why);
	schedule_work(&nf->fatal_work);
}

static int netfront_probe(struct xenbus_device *xdev,
			  const struct xenbus_device_id *id)
{
	struct net_device *netdev;
	struct netfront_dev *nf;
	int err;

	netdev = netfront_netdev_alloc(xdev);
	if (IS_ERR(netdev))
		return PTR_ERR(netdev);
	nf = netdev_priv(netdev);
	mutex_init(&nf->lock);
	init_waitqueue_head(&nf->state_wq);
	INIT_WORK(&nf->fatal_work, netfront_fatal_work);
	dev_set_drvdata(&xdev->dev, nf);
	err = register_netdev(netdev);
	if (err) {
		xenbus_dev_fatal(xdev, err, "registering the net device");
		goto err_free;
	}
	/* After a previous driver closed it: ask the backend to start over. */
	err = splitio_state_switch(xdev, XenbusStateInitialising);
	if (err)
		goto err_unregister;
	return 0;

err_unregister:
	unregister_netdev(netdev);
err_free:
	dev_set_drvdata(&xdev->dev, NULL);
	netfront_queues_uninit(nf);
	kfree(nf->queues);
	free_netdev(netdev);
	return err;
}

static void netfront_backend_changed(struct xenbus_device *xdev,
				     enum xenbus_state backend_state)
{
	struct netfront_dev *nf = dev_get_drvdata(&xdev->dev);

	dev_dbg(&xdev->dev, "backend %s, we are %s\n",
		xenbus_strstate(backend_state), xenbus_strstate(xdev->state));
	wake_up_all(&nf->state_wq);
	mutex_lock(&nf->lock);
	if (nf->removing)
		goto out;
	switch (backend_state) {
	case XenbusStateInitWait:
		/* From Closed too: a backend that came back gets new queues. */
		if (xdev->state == XenbusStateInitialising ||
		    xdev->state == XenbusStateClosed)
			netfront_negotiate(nf);
		break;
	case XenbusStateConnected:
		if (xdev->state == XenbusStateConnected)
			netfront_connect(nf);
		break;
	case XenbusStateClosing:
		netfront_disconnect(nf);
		xenbus_frontend_closed(xdev);
		break;
	case XenbusStateClosed:
		/* Nothing to do before we ever connected, or once closed. */
		if (xdev->state == XenbusStateInitialising)
			break;
		/* Closing may have been skipped. */
		netfront_release(nf);
		if (xdev->state != XenbusStateClosed)
			xenbus_frontend_closed(xdev);
		break;
	default:
		break;
	}
out:
	mutex_unlock(&nf->lock);
}

/*
 * Called, in the xenwatch thread, once this domain runs again after a save:
 * the backend is gone, and so are this domain's grant table and event
 * channels of then.  Everything of the old connection is let go without
 * waiting for anyone, packets in flight are dropped (TCP sends them
 * again), and the new backend's InitWait connects us afresh.  (A cancelled
 * save calls nothing: the old connection carries on.  Nor does one that
 * failed before the domain was saved, but it comes here all the same.)
 */
static int netfront_resume(struct xenbus_device *xdev)
{
	struct netfront_dev *nf = dev_get_drvdata(&xdev->dev);

	mutex_lock(&nf->lock);
	if (nf->nr_queues && !splitio_evtchn_lost(&nf->queues[0].tx_evtchn)) {
		/* A suspend that failed before the save: nothing was lost. */
		mutex_unlock(&nf->lock);
		return 0;
	}
	netdev_info(nf->netdev, "resumed: reconnecting\n");
	netfront_release(nf);
	mutex_unlock(&nf->lock);
	/* The old backend's misdeeds are no reason to close the new one. */
	cancel_work_sync(&nf->fatal_work);
	return 0;
}

static bool netfront_backend_in(struct netfront_dev *nf,
				enum xenbus_state a, enum xenbus_state b)
{
	enum xenbus_state s = xenbus_read_driver_state(nf->xdev->otherend);

	return s == a || s == b || s == XenbusStateUnknown;
}

/*
 * The xenbus core stops watching the backend before it calls remove(),
 * so nothing may wake us: look at its state every 50 ms.
 */
static void netfront_wait_backend(struct netfront_dev *nf,
				  enum xenbus_state a, enum xenbus_state b)
{
	unsigned long deadline = jiffies + NETFRONT_CLOSE_TIMEOUT;

	while (!netfront_backend_in(nf, a, b) && time_before(jiffies, deadline))
		wait_event_timeout(nf->state_wq, netfront_backend_in(nf, a, b),
				   HZ / 20);
}

/*
 * Closes the connection in order, so the backend unmaps the rings before
 * we revoke them; a backend that does not follow within the timeout is
 * left behind (the kernel keeps pages it may still map).
 */
static void netfront_close(struct netfront_dev *nf)
{
	struct xenbus_device *xdev = nf->xdev;

	if (xdev->state == XenbusStateInitialising ||
	    xdev->state == XenbusStateClosed)
		return;
	splitio_state_switch(xdev, XenbusStateClosing);
	netfront_wait_backend(nf, XenbusStateClosing, XenbusStateClosed);
	mutex_lock(&nf->lock);
	netfront_disconnect(nf);
	mutex_unlock(&nf->lock);
	splitio_state_switch(xdev, XenbusStateClosed);
	netfront_wait_backend(nf, XenbusStateClosed, XenbusStateInitWait);
}

static void netfront_remove_dev(struct xenbus_device *xdev)
{
	struct netfront_dev *nf = dev_get_drvdata(&xdev->dev);
	struct net_device *netdev = nf->netdev;

	mutex_lock(&nf->lock);
	nf->removing = true;
	mutex_unlock(&nf->lock);
	netfront_close(nf);
	unregister_netdev(netdev);
	cancel_work_sync(&nf->fatal_work);
	mutex_lock(&nf->lock);
	netfront_release(nf);
	mutex_unlock(&nf->lock);
	dev_set_drvdata(&xdev->dev, NULL);
	netfront_queues_uninit(nf);
	kfree(nf->queues);
	free_netdev(netdev);
}

SPLITIO_DEFINE_XENBUS_REMOVE(netfront_remove, netfront_remove_dev)

static const struct xenbus_device_id netfront_ids[] = {
	{ "vif" },
	{ "" }
};

/* Named after the module: the default name, "vif", is the kernel driver's. */
static struct xenbus_driver netfront_driver = {
	.name = KBUILD_MODNAME,
	.ids = netfront_ids,
	.probe = netfront_probe,
	.remove = netfront_remove,
	.resume = netfront_resume,
	.otherend_changed = netfront_backend_changed,
};

static int __init netfront_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	if (!netfront_max_queues || netfront_max_queues > NETFRONT_MAX_QUEUES)
		netfront_max_queues = NETFRONT_MAX_QUEUES;
	return xenbus_register_frontend(&netfront_driver);
}

static void __exit netfront_exit(void)
{
	xenbus_unregister_driver(&netfront_driver);
}

module_init(netfront_init);
module_exit(netfront_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("splitio");
MODULE_DESCRIPTION("splitio Xen paravirtual network frontend");
/* XenBus asks for a frontend by this alias; see dist/modprobe.d. */
MODULE_ALIAS("xen:vif");
