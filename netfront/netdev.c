// SPDX-License-Identifier: GPL-2.0
/*
 * The net_device: operations, offloads the backend allows, MTU, and
 * per-queue statistics through ndo_get_stats64 and ethtool -S.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>

#include "netfront/common.h"

static int netfront_open(struct net_device *dev)
{
	netif_tx_start_all_queues(dev);
	return 0;
}

static int netfront_stop(struct net_device *dev)
{
	netif_tx_stop_all_queues(dev);
	return 0;
}

/* A consistent copy of @s. */
static void netfront_stats_read(const struct netfront_stats *s, u64 *v)
{
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		for (i = 0; i < NF_STAT_NR; i++)
			v[i] = s->v[i];
	} while (u64_stats_fetch_retry(&s->syncp, start));
}

/* Sums of every queue's counters, tx and rx. */
static void netfront_stats_total(struct netfront_dev *nf, u64 *total)
{
	u64 v[NF_STAT_NR];
	unsigned int qi, i;

	memset(total, 0, sizeof(u64) * NF_STAT_NR);
	for (qi = 0; qi < NETFRONT_MAX_QUEUES; qi++) {
		netfront_stats_read(&nf->queues[qi].tx_stats, v);
		for (i = 0; i < NF_STAT_NR; i++)
			total[i] += v[i];
		netfront_stats_read(&nf->queues[qi].rx_stats, v);
		for (i = 0; i < NF_STAT_NR; i++)
			total[i] += v[i];
	}
}

static void netfront_get_stats64(struct net_device *dev,
				 struct rtnl_link_stats64 *stats)
{
	struct netfront_dev *nf = netdev_priv(dev);
	u64 t[NF_STAT_NR];

	netfront_stats_total(nf, t);
	stats->tx_packets = t[NF_STAT_TX_PACKETS];
	stats->tx_bytes = t[NF_STAT_TX_BYTES];
	stats->tx_errors = t[NF_STAT_TX_ERRORS];
	stats->tx_dropped = t[NF_STAT_TX_BACKEND_DROPS] +
			    t[NF_STAT_TX_DROP_SLOTS] +
			    t[NF_STAT_TX_DROP_DOWN] + t[NF_STAT_TX_DROP_OTHER];
	stats->rx_packets = t[NF_STAT_RX_PACKETS];
	stats->rx_bytes = t[NF_STAT_RX_BYTES];
	stats->rx_errors = t[NF_STAT_RX_ERRORS] + t[NF_STAT_RX_DROP_BAD_SLOT] +
			   t[NF_STAT_RX_DROP_EXTRA] + t[NF_STAT_RX_DROP_SLOTS];
	stats->rx_dropped = t[NF_STAT_RX_DROP_CSUM] + t[NF_STAT_RX_DROP_NOMEM];
}

/* Without scatter-gather a packet must fit one slot's worth of frame. */
static int netfront_change_mtu(struct net_device *dev, int mtu)
{
	struct netfront_dev *nf = netdev_priv(dev);

	if (!nf->sg && mtu > ETH_DATA_LEN)
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

static netdev_features_t netfront_fix_features(struct net_device *dev,
					       netdev_features_t features)
{
	struct netfront_dev *nf = netdev_priv(dev);

	if (!nf->sg)
		features &= ~NETIF_F_SG;
	if (!nf->ipv4_csum)
		features &= ~NETIF_F_IP_CSUM;
	if (!nf->ipv6_csum)
		features &= ~NETIF_F_IPV6_CSUM;
	/* The backend segments for us only with both done right. */
	if (!nf->gso_tcpv4 || !(features & NETIF_F_IP_CSUM) ||
	    !(features & NETIF_F_SG))
		features &= ~NETIF_F_TSO;
	if (!nf->gso_tcpv6 || !(features & NETIF_F_IPV6_CSUM) ||
	    !(features & NETIF_F_SG))
		features &= ~NETIF_F_TSO6;
	return features;
}

static const struct net_device_ops netfront_netdev_ops = {
	.ndo_open = netfront_open,
	.ndo_stop = netfront_stop,
	.ndo_start_xmit = netfront_start_xmit,
	.ndo_get_stats64 = netfront_get_stats64,
	.ndo_change_mtu = netfront_change_mtu,
	.ndo_fix_features = netfront_fix_features,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static const char netfront_stat_names[NF_STAT_NR][ETH_GSTRING_LEN] = {
	[NF_STAT_TX_PACKETS] = "tx_packets",
	[NF_STAT_TX_BYTES] = "tx_bytes",
	[NF_STAT_TX_ERRORS] = "tx_backend_errors",
	[NF_STAT_TX_BACKEND_DROPS] = "tx_backend_drops",
	[NF_STAT_TX_DROP_SLOTS] = "tx_drop_too_many_slots",
	[NF_STAT_TX_DROP_DOWN] = "tx_drop_disconnected",
	[NF_STAT_TX_DROP_OTHER] = "tx_drop_other",
	[NF_STAT_RX_PACKETS] = "rx_packets",
	[NF_STAT_RX_BYTES] = "rx_bytes",
	[NF_STAT_RX_ERRORS] = "rx_backend_errors",
	[NF_STAT_RX_DROP_SLOTS] = "rx_drop_too_many_slots",
	[NF_STAT_RX_DROP_BAD_SLOT] = "rx_drop_bad_slot",
	[NF_STAT_RX_DROP_EXTRA] = "rx_drop_bad_extra",
	[NF_STAT_RX_DROP_CSUM] = "rx_drop_checksum",
	[NF_STAT_RX_DROP_NOMEM] = "rx_drop_nomem",
};

/* The totals, then packets per queue. */
#define NETFRONT_PER_QUEUE_STATS	2

static int netfront_get_sset_count(struct net_device *dev, int sset)
{
	if (sset != ETH_SS_STATS)
		return -EOPNOTSUPP;
	return NF_STAT_NR + NETFRONT_MAX_QUEUES * NETFRONT_PER_QUEUE_STATS;
}

static void netfront_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < NF_STAT_NR; i++)
		ethtool_sprintf(&data, "%s", netfront_stat_names[i]);
	for (i = 0; i < NETFRONT_MAX_QUEUES; i++) {
		ethtool_sprintf(&data, "queue%u_tx_packets", i);
		ethtool_sprintf(&data, "queue%u_rx_packets", i);
	}
}

static void netfront_get_ethtool_stats(struct net_device *dev,
				       struct ethtool_stats *stats, u64 *data)
{
	struct netfront_dev *nf = netdev_priv(dev);
	u64 v[NF_STAT_NR];
	unsigned int i;

	netfront_stats_total(nf, data);
	data += NF_STAT_NR;
	for (i = 0; i < NETFRONT_MAX_QUEUES; i++) {
		netfront_stats_read(&nf->queues[i].tx_stats, v);
		*data++ = v[NF_STAT_TX_PACKETS];
		netfront_stats_read(&nf->queues[i].rx_stats, v);
		*data++ = v[NF_STAT_RX_PACKETS];
	}
}

static void netfront_get_drvinfo(struct net_device *dev,
				 struct ethtool_drvinfo *info)
{
	struct netfront_dev *nf = netdev_priv(dev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(&nf->xdev->dev),
		sizeof(info->bus_info));
}

static const struct ethtool_ops netfront_ethtool_ops = {
	.get_drvinfo = netfront_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = netfront_get_sset_count,
	.get_strings = netfront_get_strings,
	.get_ethtool_stats = netfront_get_ethtool_stats,
};

/* The net_device and its queues, with the MAC the toolstack chose. */
struct net_device *netfront_netdev_alloc(struct xenbus_device *xdev)
{
	struct net_device *netdev;
	struct netfront_dev *nf;
	u8 mac[ETH_ALEN];
	char *str;

	str = xenbus_read(XBT_NIL, xdev->nodename, "mac", NULL);
	if (IS_ERR(str)) {
		xenbus_dev_fatal(xdev, PTR_ERR(str), "reading mac");
		return ERR_CAST(str);
	}
	if (!mac_pton(str, mac) || !is_valid_ether_addr(mac)) {
		xenbus_dev_fatal(xdev, -EINVAL, "unusable mac %.20s", str);
		kfree(str);
		return ERR_PTR(-EINVAL);
	}
	kfree(str);

	netdev = alloc_etherdev_mq(sizeof(*nf), netfront_max_queues);
	if (!netdev)
		return ERR_PTR(-ENOMEM);
	nf = netdev_priv(netdev);
	nf->netdev = netdev;
	nf->xdev = xdev;
	nf->queues = kcalloc(NETFRONT_MAX_QUEUES, sizeof(*nf->queues),
			     GFP_KERNEL);
	if (!nf->queues) {
		free_netdev(netdev);
		return ERR_PTR(-ENOMEM);
	}
	netfront_queues_init(nf);
	eth_hw_addr_set(netdev, mac);
	netdev->netdev_ops = &netfront_netdev_ops;
	netdev->ethtool_ops = &netfront_ethtool_ops;
	netdev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM |
			      NETIF_F_TSO | NETIF_F_TSO6;
	netdev->features = netdev->hw_features | NETIF_F_RXCSUM;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = NETFRONT_MAX_PACKET - ETH_HLEN;
	/* The first slot's 16-bit size holds the whole packet. */
	netif_set_tso_max_size(netdev, NETFRONT_MAX_PACKET);
	/* Before the backend is there, offer nothing (fix_features). */
	netif_carrier_off(netdev);
	SET_NETDEV_DEV(netdev, &xdev->dev);
	return netdev;
}
