// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_netback: Xen paravirtual network backend - the XenBus side.
 *
 * probe creates the net_device vif<domid>.<handle>, advertises what we
 * honour and goes to InitWait; the toolstack then runs the hotplug script,
 * which configures the device and writes hotplug-status.  Once the
 * frontend has published its rings (Initialised or Connected) we map and
 * bind its queues, and once the hotplug script is done too we go to
 * Connected and raise the carrier.  The frontend closing, and remove, take
 * it all down.
 *
 * All of this runs in the xenwatch thread, one callback at a time; remove
 * first unregisters our watch, so none of it runs concurrently either.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "netback/common.h"

static int netback_write_features(struct netback_vif *vif)
{
	const struct splitio_xs_pair pairs[] = {
		{ "feature-sg", 1 },
		{ "feature-gso-tcpv4", 1 },
		{ "feature-gso-tcpv6", 1 },
		{ "feature-ipv6-csum-offload", 1 },
		{ "feature-rx-copy", 1 },
		{ "feature-rx-flip", netback_flip_usable() },
		{ "feature-split-event-channels", 1 },
		{ "multi-queue-max-queues", vif->max_queues },
	};

	return splitio_xs_write_pairs(vif->xdev, pairs, ARRAY_SIZE(pairs));
}

/* What the frontend can do; fatal if it cannot do what we need. */
static int netback_read_frontend(struct netback_vif *vif)
{
	u32 rx_copy, rx_notify, sg, gso4, gso6, no_csum, ipv6_csum;
	const struct splitio_xs_field fields[] = {
		/* Absent means flip, to netif.h; Linux's netback needs it set. */
		{ "request-rx-copy", &rx_copy, 0, false },
		{ "feature-rx-notify", &rx_notify, 0, false },
		{ "feature-sg", &sg, 0, false },
		{ "feature-gso-tcpv4", &gso4, 0, false },
		{ "feature-gso-tcpv6", &gso6, 0, false },
		{ "feature-no-csum-offload", &no_csum, 0, false },
		{ "feature-ipv6-csum-offload", &ipv6_csum, 0, false },
	};
	struct xenbus_device *xdev = vif->xdev;
	int err;

	err = splitio_xs_gather(xdev, xdev->otherend, fields,
				ARRAY_SIZE(fields));
	if (err)
		return err;
	if (rx_copy) {
		vif->rx_mode = &netback_rx_copy_mode;
	} else if (netback_flip_usable()) {
		vif->rx_mode = &netback_rx_flip_mode;
	} else {
		xenbus_dev_fatal(xdev, -EOPNOTSUPP,
				 "frontend asks for page flipping, which is not offered");
		return -EOPNOTSUPP;
	}
	/* Without it, the frontend would expect us to poll its RX ring. */
	if (rx_notify != 1) {
		xenbus_dev_fatal(xdev, -EOPNOTSUPP,
				 "frontend lacks feature-rx-notify");
		return -EOPNOTSUPP;
	}
	vif->fe.sg = sg;
	vif->fe.gso_tcpv4 = sg && gso4;
	vif->fe.gso_tcpv6 = sg && gso6;
	vif->fe.ip_csum = !no_csum;
	vif->fe.ipv6_csum = ipv6_csum;
	return 0;
}

/* The guest's MAC, "xx:xx:xx:xx:xx:xx" in our own directory. */
static int netback_read_mac(struct netback_vif *vif)
{
	struct xenbus_device *xdev = vif->xdev;
	char *str;
	int err = 0;

	str = splitio_xs_read_str(XBT_NIL, xdev->nodename, "mac", NULL);
	if (IS_ERR(str)) {
		xenbus_dev_fatal(xdev, PTR_ERR(str), "reading %s/mac",
				 xdev->nodename);
		return PTR_ERR(str);
	}
	if (!mac_pton(str, vif->guest_mac)) {
		err = -EINVAL;
		xenbus_dev_fatal(xdev, err, "%s/mac is not a MAC address",
				 xdev->nodename);
	}
	kfree(str);
	return err;
}

/* Connected once the queues run and the hotplug script has done its part. */
static void netback_try_go_connected(struct netback_vif *vif)
{
	struct xenbus_device *xdev = vif->xdev;
	bool ready;
	char *str;

	if (!vif->queues || xdev->state == XenbusStateConnected)
		return;
	str = splitio_xs_read_str(XBT_NIL, xdev->nodename, "hotplug-status",
				  "");
	if (IS_ERR(str))
		return;
	ready = !strcmp(str, "connected");
	kfree(str);
	if (!ready)
		return;
	if (splitio_state_switch(xdev, XenbusStateConnected))
		return;
	netif_carrier_on(vif->dev);
	dev_info(&xdev->dev, "%s connected to dom%u, %u queue(s)\n",
		 vif->dev->name, vif->domid, vif->nr_queues);
}

static void netback_hotplug_changed(struct xenbus_watch *watch,
				    const char *path, const char *token)
{
	struct netback_vif *vif = container_of(watch, struct netback_vif,
					       hotplug_watch);

	netback_try_go_connected(vif);
}

static void netback_try_connect(struct netback_vif *vif)
{
	struct xenbus_device *xdev = vif->xdev;

	if (vif->queues || xdev->state != XenbusStateInitWait)
		return;
	if (netback_read_frontend(vif) || netback_read_mac(vif))
		return;
	if (netback_queues_connect(vif))
		return;
	netback_netdev_apply_frontend(vif);
	netback_try_go_connected(vif);
}

static void netback_frontend_changed(struct xenbus_device *xdev,
				     enum xenbus_state frontend_state)
{
	struct netback_vif *vif = dev_get_drvdata(&xdev->dev);

	dev_dbg(&xdev->dev, "frontend %s\n", xenbus_strstate(frontend_state));
	switch (frontend_state) {
	case XenbusStateInitialising:
		/* Back after closing: offer the interface again. */
		if (xdev->state == XenbusStateClosed)
			splitio_state_switch(xdev, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		netback_try_connect(vif);
		break;
	case XenbusStateClosing:
		netback_queues_disconnect(vif);
		splitio_state_switch(xdev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:	/* the frontend's nodes are gone */
		netback_queues_disconnect(vif);
		splitio_state_switch(xdev, XenbusStateClosed);
		break;
	case XenbusStateInitWait:
	case XenbusStateReconfiguring:
	case XenbusStateReconfigured:
		break;
	default:
		xenbus_dev_fatal(xdev, -EINVAL, "frontend in state %s",
				 xenbus_strstate(frontend_state));
	}
}

/* The handle is the backend path's last component: backend/vif/D/H. */
static int netback_parse_handle(struct xenbus_device *xdev,
				unsigned int *handle)
{
	const char *last = strrchr(xdev->nodename, '/');

	if (!last || kstrtouint(last + 1, 10, handle))
		return -EINVAL;
	return 0;
}

static int netback_probe(struct xenbus_device *xdev,
			 const struct xenbus_device_id *id)
{
	struct netback_vif *vif;
	struct net_device *dev;
	unsigned int handle;
	int err;

	err = netback_parse_handle(xdev, &handle);
	if (err) {
		xenbus_dev_fatal(xdev, err, "no handle in %s", xdev->nodename);
		return err;
	}
	dev = netback_netdev_alloc(xdev, xdev->otherend_id, handle);
	if (!dev) {
		xenbus_dev_fatal(xdev, -ENOMEM, "allocating the net device");
		return -ENOMEM;
	}
	vif = netback_vif_of(dev);
	dev_set_drvdata(&xdev->dev, vif);

	err = register_netdev(dev);
	if (err) {
		xenbus_dev_fatal(xdev, err, "registering %s", dev->name);
		goto err_free;
	}
	err = netback_write_features(vif);
	if (err)
		goto err_unregister;
	err = splitio_state_switch(xdev, XenbusStateInitWait);
	if (err)
		goto err_unregister;
	/* Last: its callback may run as soon as it is registered. */
	err = xenbus_watch_pathfmt(xdev, &vif->hotplug_watch, NULL,
				   netback_hotplug_changed, "%s/%s",
				   xdev->nodename, "hotplug-status");
	if (err)
		goto err_unregister;
	vif->hotplug_watch_added = true;
	return 0;

err_unregister:
	unregister_netdev(dev);
err_free:
	dev_set_drvdata(&xdev->dev, NULL);
	free_netdev(dev);
	return err;
}

static void netback_teardown(struct xenbus_device *xdev)
{
	struct netback_vif *vif = dev_get_drvdata(&xdev->dev);
	struct net_device *dev = vif->dev;

	if (vif->hotplug_watch_added) {
		unregister_xenbus_watch(&vif->hotplug_watch);
		kfree(vif->hotplug_watch.node);
	}
	netback_queues_disconnect(vif);
	/* A queue set that failed half-way may have reported itself broken. */
	cancel_work_sync(&vif->broken_work);
	unregister_netdev(dev);
	dev_set_drvdata(&xdev->dev, NULL);
	free_netdev(dev);
}

SPLITIO_DEFINE_XENBUS_REMOVE(netback_remove, netback_teardown)

static const struct xenbus_device_id netback_ids[] = {
	{ "vif" },
	{ "" }
};

/*
 * Named after the module: the default name, "vif", is the kernel driver's.
 * While a device is bound the XenBus core holds a reference on this
 * module, so it cannot be unloaded from under a connected guest.
 */
struct xenbus_driver netback_driver = {
	.name = KBUILD_MODNAME,
	.ids = netback_ids,
	.probe = netback_probe,
	.remove = netback_remove,
	.otherend_changed = netback_frontend_changed,
};
