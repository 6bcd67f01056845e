// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_netback: Xen paravirtual network backend (io/netif.h), with
 * copy and flip receive modes.  This file holds the module's parameters
 * and module load and unload; xenbus.c drives the XenBus side, tx.c, rx.c
 * and flip.c the data paths, vfr.c the firewall-router's part in them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "netback/common.h"
#include "vfr/netlink.h"

unsigned int netback_max_queues = NETBACK_MAX_QUEUES;
module_param_named(max_queues, netback_max_queues, uint, 0644);
MODULE_PARM_DESC(max_queues,
		 "Queues offered per vif (also capped by online CPUs and 8)");

unsigned int netback_rx_queue_max = 512;
module_param_named(rx_queue_max, netback_rx_queue_max, uint, 0644);
MODULE_PARM_DESC(rx_queue_max,
		 "Packets waiting for a guest per queue before dropping");

unsigned int netback_rx_stall_ms = 60000;
module_param_named(rx_stall_ms, netback_rx_stall_ms, uint, 0644);
MODULE_PARM_DESC(rx_stall_ms,
		 "A guest taking no packet this long loses its carrier and queue");

bool netback_rx_flip = true;
module_param_named(rx_flip, netback_rx_flip, bool, 0444);
MODULE_PARM_DESC(rx_flip,
		 "Offer page flipping (feature-rx-flip) where Xen allows it (PV Dom0)");

static int __init netback_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	if (!netback_rx_queue_max)
		netback_rx_queue_max = 1;
	ret = vfr_netlink_init();
	if (ret)
		return ret;
	ret = xenbus_register_backend(&netback_driver);
	if (ret)
		goto err_vfr;
	pr_info("RX modes: copy%s\n", netback_flip_usable() ? ", flip" : "");
	return 0;

err_vfr:
	vfr_netlink_uninit();
	return ret;
}

static void __exit netback_exit(void)
{
	xenbus_unregister_driver(&netback_driver);
	vfr_netlink_uninit();
}

module_init(netback_init);
module_exit(netback_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("splitio");
MODULE_DESCRIPTION("splitio Xen paravirtual network backend");
/* XenBus asks for a backend by this alias; see dist/modprobe.d. */
MODULE_ALIAS("xen-backend:vif");
