// SPDX-License-Identifier: GPL-2.0
/*
 * The Dom0 side of a guest's interface: the net_device vif<domid>.<handle>,
 * its features (what the frontend can take), MTU, statistics and
 * ethtool -S.
 */
#include <linux/ethtool.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>

#include "netback/common.h"

/* The guest's MAC is in XenStore; Dom0's end gets this one, like Linux's. */
static const u8 netback_dom0_mac[ETH_ALEN] = {
	0xfe, 0xff, 0xff, 0xff, 0xff, 0xff
};

#define NETBACK_MAX_MTU		(65535 - ETH_HLEN)

static int netback_open(struct net_device *dev)
{
	netif_tx_start_all_queues(dev);
	return 0;
}

static int netback_stop(struct net_device *dev)
{
	netif_tx_disable(dev);
	return 0;
}

static int netback_change_mtu(struct net_device *dev, int mtu)
{
	struct netback_vif *vif = netback_vif_of(dev);
	int max = vif->fe.sg ? NETBACK_MAX_MTU : ETH_DATA_LEN;

	if (mtu > max)
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

/* Offer the stack only what the frontend said it can receive. */
static netdev_features_t netback_fix_features(struct net_device *dev,
					      netdev_features_t features)
{
	struct netback_vif *vif = netback_vif_of(dev);

	if (!vif->fe.sg)
		features &= ~NETIF_F_SG;
	if (!vif->fe.gso_tcpv4)
		features &= ~NETIF_F_TSO;
	if (!vif->fe.gso_tcpv6)
		features &= ~NETIF_F_TSO6;
	if (!vif->fe.ip_csum)
		features &= ~NETIF_F_IP_CSUM;
	if (!vif->fe.ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	return features;
}

/* ---- Statistics ------------------------------------------------------ */

static const char *const netback_stat_names[] = {
	"from_guest_packets",
	"from_guest_bytes",
	"from_guest_drop_bad_request",
	"from_guest_drop_copy_error",
	"from_guest_drop_filtered",
	"to_guest_packets",
	"to_guest_bytes",
	"to_guest_drop_copy_error",
	"to_guest_drop_stalled",
	"to_guest_drop_too_big",
	"to_guest_drop_queue_full",
	"to_guest_drop_filtered",
	"to_guest_drop_not_connected",
	"to_guest_drop_transfer_error",
};

#define NETBACK_NR_STATS	ARRAY_SIZE(netback_stat_names)

/* One queue's counters, in netback_stat_names' order. */
static void netback_queue_stats_read(struct netback_queue_stats *s, u64 *v)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->tx.syncp);
		v[0] = u64_stats_read(&s->tx.packets);
		v[1] = u64_stats_read(&s->tx.bytes);
		v[2] = u64_stats_read(&s->tx.drop_bad_request);
		v[3] = u64_stats_read(&s->tx.drop_copy_error);
		v[4] = u64_stats_read(&s->tx.drop_filtered);
	} while (u64_stats_fetch_retry(&s->tx.syncp, start));
	do {
		start = u64_stats_fetch_begin(&s->rx.syncp);
		v[5] = u64_stats_read(&s->rx.packets);
		v[6] = u64_stats_read(&s->rx.bytes);
		v[7] = u64_stats_read(&s->rx.drop_copy_error);
		v[8] = u64_stats_read(&s->rx.drop_stalled);
		v[9] = u64_stats_read(&s->rx.drop_too_big);
		v[13] = u64_stats_read(&s->rx.drop_transfer_error);
	} while (u64_stats_fetch_retry(&s->rx.syncp, start));
	do {
		start = u64_stats_fetch_begin(&s->xmit.syncp);
		v[10] = u64_stats_read(&s->xmit.drop_queue_full);
		v[11] = u64_stats_read(&s->xmit.drop_filtered);
		v[12] = u64_stats_read(&s->xmit.drop_not_connected);
	} while (u64_stats_fetch_retry(&s->xmit.syncp, start));
}

static void netback_get_stats64(struct net_device *dev,
				struct rtnl_link_stats64 *stats)
{
	struct netback_vif *vif = netback_vif_of(dev);
	u64 v[NETBACK_NR_STATS];
	unsigned int i;

	for (i = 0; i < dev->num_tx_queues; i++) {
		netback_queue_stats_read(&vif->stats[i], v);
		/* The device receives what the guest sends, and vice versa. */
		stats->rx_packets += v[0];
		stats->rx_bytes += v[1];
		stats->rx_errors += v[2] + v[3];
		stats->rx_dropped += v[2] + v[3] + v[4];
		stats->tx_packets += v[5];
		stats->tx_bytes += v[6];
		stats->tx_errors += v[7] + v[13];
		stats->tx_dropped += v[7] + v[8] + v[9] + v[10] + v[11] + v[12] +
				     v[13];
	}
	stats->tx_dropped += atomic64_read(&vif->vfr_filtered) +
			     atomic64_read(&vif->vfr_dropped);
}

/* Counters of the whole vif, after the queues' in ethtool -S. */
static const char *const netback_vif_stat_names[] = {
	"vfr_to_guest_drop_filtered",
	"vfr_to_guest_drop_queue_full",
};

#define NETBACK_NR_VIF_STATS	ARRAY_SIZE(netback_vif_stat_names)

static int netback_get_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return dev->num_tx_queues * NETBACK_NR_STATS + NETBACK_NR_VIF_STATS;
}

static void netback_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int q, i;

	if (sset != ETH_SS_STATS)
		return;
	for (q = 0; q < dev->num_tx_queues; q++)
		for (i = 0; i < NETBACK_NR_STATS; i++)
			ethtool_sprintf(&data, "q%u_%s", q,
					netback_stat_names[i]);
	for (i = 0; i < NETBACK_NR_VIF_STATS; i++)
		ethtool_sprintf(&data, "%s", netback_vif_stat_names[i]);
}

static void netback_get_ethtool_stats(struct net_device *dev,
				      struct ethtool_stats *stats, u64 *data)
{
	struct netback_vif *vif = netback_vif_of(dev);
	unsigned int q;

	for (q = 0; q < dev->num_tx_queues; q++)
		netback_queue_stats_read(&vif->stats[q],
					 data + q * NETBACK_NR_STATS);
	data += dev->num_tx_queues * NETBACK_NR_STATS;
	data[0] = atomic64_read(&vif->vfr_filtered);
	data[1] = atomic64_read(&vif->vfr_dropped);
}

static const struct ethtool_ops netback_ethtool_ops = {
	.get_link = ethtool_op_get_link,
	.get_sset_count = netback_get_sset_count,
	.get_strings = netback_get_strings,
	.get_ethtool_stats = netback_get_ethtool_stats,
};

static const struct net_device_ops netback_netdev_ops = {
	.ndo_open = netback_open,
	.ndo_stop = netback_stop,
	.ndo_start_xmit = netback_start_xmit,
	.ndo_change_mtu = netback_change_mtu,
	.ndo_fix_features = netback_fix_features,
	.ndo_get_stats64 = netback_get_stats64,
	.ndo_validate_addr = eth_validate_addr,
};

static void netback_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &netback_netdev_ops;
	dev->ethtool_ops = &netback_ethtool_ops;
	dev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			   NETIF_F_TSO | NETIF_F_TSO6;
	dev->features = dev->hw_features | NETIF_F_RXCSUM;
	dev->max_mtu = NETBACK_MAX_MTU;
	eth_hw_addr_set(dev, netback_dom0_mac);
}

/* Reports a data path's protocol error from process context. */
static void netback_broken_work(struct work_struct *work)
{
	struct netback_vif *vif = container_of(work, struct netback_vif,
					       broken_work);

	netdev_err(vif->dev, "disconnecting dom%u: %s\n", vif->domid,
		   vif->broken_reason);
	xenbus_dev_fatal(vif->xdev, -EIO, "%s", vif->broken_reason);
}

/* From any context: stop the data paths and disconnect the frontend. */
void netback_mark_broken(struct netback_vif *vif, const char *reason)
{
	if (test_and_set_bit(0, &vif->broken))
		return;
	vif->broken_reason = reason;
	schedule_work(&vif->broken_work);
}

struct net_device *netback_netdev_alloc(struct xenbus_device *xdev,
					domid_t domid, unsigned int handle)
{
	unsigned int i, max_queues;
	struct netback_vif *vif;
	struct net_device *dev;
	char name[IFNAMSIZ];

	max_queues = clamp_t(unsigned int,
			     min(num_online_cpus(), netback_max_queues),
			     1, NETBACK_MAX_QUEUES);
	snprintf(name, sizeof(name), "vif%u.%u", domid, handle);
	dev = alloc_netdev_mqs(sizeof(*vif), name, NET_NAME_UNKNOWN,
			       netback_setup, max_queues, 1);
	if (!dev)
		return NULL;
	vif = netdev_priv(dev);
	vif->dev = dev;
	vif->xdev = xdev;
	vif->domid = domid;
	vif->handle = handle;
	vif->vfr_id = netback_vfr_id(domid, handle);
	vif->max_queues = max_queues;
	INIT_WORK(&vif->broken_work, netback_broken_work);
	for (i = 0; i < NETBACK_MAX_QUEUES; i++) {
		u64_stats_init(&vif->stats[i].tx.syncp);
		u64_stats_init(&vif->stats[i].rx.syncp);
		u64_stats_init(&vif->stats[i].xmit.syncp);
	}
	SET_NETDEV_DEV(dev, &xdev->dev);
	netif_carrier_off(dev);
	return dev;
}

/* The frontend connected: size and shape the device after it. */
void netback_netdev_apply_frontend(struct netback_vif *vif)
{
	struct net_device *dev = vif->dev;

	rtnl_lock();
	netif_set_real_num_tx_queues(dev, vif->nr_queues);
	netdev_update_features(dev);
	if (!vif->fe.sg && dev->mtu > ETH_DATA_LEN)
		dev_set_mtu(dev, ETH_DATA_LEN);
	if (netif_running(dev))
		netif_tx_wake_all_queues(dev);
	rtnl_unlock();
}
