// SPDX-License-Identifier: GPL-2.0
/*
 * Negotiation with the backend through XenStore, as netif.h lays it out.
 *
 * InitWait: the backend has published its features; we choose the queue
 * count, set the rings up and publish them, with the features we honour,
 * in one transaction, then go Connected.  Backend Connected: it has mapped
 * the rings, traffic starts.
 */
#include <linux/cpumask.h>
#include <linux/rtnetlink.h>

#include "netfront/common.h"

static int netfront_read_features(struct netfront_dev *nf)
{
	u32 rx_copy, rx_flip, sg, gso4, gso6, no_csum, ipv6_csum, split;
	u32 max_queues;
	const struct splitio_xs_field fields[] = {
		{ "feature-rx-copy", &rx_copy, 0, false },
		{ "feature-rx-flip", &rx_flip, 0, false },
		{ "feature-sg", &sg, 0, false },
		{ "feature-gso-tcpv4", &gso4, 0, false },
		{ "feature-gso-tcpv6", &gso6, 0, false },
		{ "feature-no-csum-offload", &no_csum, 0, false },
		{ "feature-ipv6-csum-offload", &ipv6_csum, 0, false },
		{ "feature-split-event-channels", &split, 0, false },
		{ "multi-queue-max-queues", &max_queues, 1, false },
	};
	struct xenbus_device *xdev = nf->xdev;
	int err;

	err = splitio_xs_gather(xdev, xdev->otherend, fields,
				ARRAY_SIZE(fields));
	if (err)
		return err;
	/* Flip if asked to and offered; else copy, if offered. */
	nf->rx_flip = netfront_rx_flip && rx_flip && netfront_flip_possible();
	if (netfront_rx_flip && !nf->rx_flip)
		dev_info(&xdev->dev, "page flipping %s: receiving by copy\n",
			 rx_flip ? "impossible here" : "not offered");
	if (!nf->rx_flip && !rx_copy) {
		xenbus_dev_fatal(xdev, -EOPNOTSUPP,
				 "backend does not offer feature-rx-copy");
		return -EOPNOTSUPP;
	}
	nf->sg = sg;
	nf->gso_tcpv4 = gso4;
	nf->gso_tcpv6 = gso6;
	nf->ipv4_csum = !no_csum;
	nf->ipv6_csum = ipv6_csum;
	nf->split_evtchn = split;
	/* More queues than CPUs to send from would only cost grants. */
	nf->nr_queues = min3(max_t(u32, max_queues, 1), num_online_cpus(),
			     netfront_max_queues);
	return 0;
}

/* One queue's rings and channels, under "queue-N/" if there are many. */
static int netfront_write_queue_keys(struct netfront_dev *nf,
				     struct xenbus_transaction xbt,
				     const struct netfront_queue *q)
{
	struct xenbus_device *xdev = nf->xdev;
	char dir[16] = "";
	char key[48];
	int err;

	if (nf->nr_queues > 1)
		snprintf(dir, sizeof(dir), "queue-%u/", q->index);
	snprintf(key, sizeof(key), "%stx-ring-ref", dir);
	err = splitio_xs_printf(xdev, xbt, key, "%u", q->tx_granted.grefs[0]);
	if (err)
		return err;
	snprintf(key, sizeof(key), "%srx-ring-ref", dir);
	err = splitio_xs_printf(xdev, xbt, key, "%u", q->rx_granted.grefs[0]);
	if (err)
		return err;
	if (!nf->split_evtchn) {
		snprintf(key, sizeof(key), "%sevent-channel", dir);
		return splitio_xs_printf(xdev, xbt, key, "%u",
					 q->tx_evtchn.port);
	}
	snprintf(key, sizeof(key), "%sevent-channel-tx", dir);
	err = splitio_xs_printf(xdev, xbt, key, "%u", q->tx_evtchn.port);
	if (err)
		return err;
	snprintf(key, sizeof(key), "%sevent-channel-rx", dir);
	return splitio_xs_printf(xdev, xbt, key, "%u", q->rx_evtchn.port);
}

/* What rx.c handles: multi-slot packets, GSO extras, csum_blank. */
static const struct splitio_xs_pair netfront_features[] = {
	{ "feature-rx-notify", 1 },
	{ "feature-sg", 1 },
	{ "feature-gso-tcpv4", 1 },
	{ "feature-gso-tcpv6", 1 },
	{ "feature-ipv6-csum-offload", 1 },
};

static int netfront_publish(struct xenbus_device *xdev,
			    struct xenbus_transaction xbt, void *arg)
{
	struct netfront_dev *nf = arg;
	unsigned int i;
	int err;

	/*
	 * Always, even for one queue (whose keys are flat): a count left from
	 * an earlier connection with more queues would send the backend to
	 * stale queue-N/ keys.
	 */
	err = splitio_xs_printf(xdev, xbt, "multi-queue-num-queues", "%u",
				nf->nr_queues);
	if (err)
		return err;
	for (i = 0; i < nf->nr_queues; i++) {
		err = netfront_write_queue_keys(nf, xbt, &nf->queues[i]);
		if (err)
			return err;
	}
	err = splitio_xs_printf(xdev, xbt, "request-rx-copy", "%u", !nf->rx_flip);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(netfront_features); i++) {
		err = splitio_xs_printf(xdev, xbt, netfront_features[i].key,
					"%u", netfront_features[i].value);
		if (err)
			return err;
	}
	return 0;
}

/* Backend in InitWait: set queues up, publish them, go Connected. */
int netfront_negotiate(struct netfront_dev *nf)
{
	int err;

	/* Left over if the backend went from Closing straight to InitWait. */
	netfront_release(nf);

	err = netfront_read_features(nf);
	if (err)
		return err;
	err = netfront_queues_setup(nf);
	if (err) {
		xenbus_dev_fatal(nf->xdev, err, "setting up %u queues",
				 nf->nr_queues);
		return err;
	}
	err = splitio_xs_transact(nf->xdev, "publishing rings",
				  netfront_publish, nf);
	if (err)
		goto err_free_queues;
	/*
	 * Straight to Connected, as Linux's netfront does: its netback
	 * ignores Initialised and maps the rings only once we are Connected.
	 * Traffic starts when the backend says it is Connected too.
	 */
	err = splitio_state_switch(nf->xdev, XenbusStateConnected);
	if (err)
		goto err_free_queues;
	return 0;

err_free_queues:
	netfront_queues_free(nf);
	return err;
}

/* Backend Connected: it has mapped the rings; traffic starts. */
int netfront_connect(struct netfront_dev *nf)
{
	struct net_device *netdev = nf->netdev;
	int err;

	if (!nf->nr_queues || nf->queues[0].live)
		return 0;	/* not negotiated, or already started */
	rtnl_lock();
	err = netif_set_real_num_tx_queues(netdev, nf->nr_queues);
	if (!err)
		err = netif_set_real_num_rx_queues(netdev, nf->nr_queues);
	if (!err) {
		if (!nf->sg && netdev->mtu > ETH_DATA_LEN)
			dev_set_mtu(netdev, ETH_DATA_LEN);
		netdev_update_features(netdev);
	}
	rtnl_unlock();
	if (err) {
		xenbus_dev_fatal(nf->xdev, err, "setting %u queues",
				 nf->nr_queues);
		return err;
	}
	netfront_queues_start(nf);
	netif_carrier_on(netdev);
	netif_tx_wake_all_queues(netdev);
	/* The new vif (after a restore, another) learns where we are. */
	netdev_notify_peers(netdev);
	dev_info(&nf->xdev->dev, "%s: connected, %u queue(s)%s%s%s%s\n",
		 netdev->name, nf->nr_queues,
		 nf->split_evtchn ? ", split event channels" : "",
		 nf->sg ? ", sg" : "",
		 nf->gso_tcpv4 ? ", tso" : "", nf->gso_tcpv6 ? ", tso6" : "");
	return 0;
}

/*
 * Stops all traffic and takes every buffer back, but keeps the rings:
 * the backend may map them until it sees us Closed and disconnects.
 */
void netfront_disconnect(struct netfront_dev *nf)
{
	netif_carrier_off(nf->netdev);
	netif_tx_stop_all_queues(nf->netdev);
	netfront_queues_stop(nf);
}

/* After the backend let go of the rings (or never had them). */
void netfront_release(struct netfront_dev *nf)
{
	netfront_disconnect(nf);
	netfront_queues_free(nf);
}
