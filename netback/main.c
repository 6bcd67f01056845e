// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_netback: Xen paravirtual network backend.
 *
 * A skeleton for now: it binds to "vif" devices only to refuse them, so
 * the kernel's own driver, if loaded, takes them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include "vfr/netlink.h"

static int netback_probe(struct xenbus_device *dev,
			 const struct xenbus_device_id *id)
{
	pr_info("device type %s not implemented yet\n", id->devicetype);
	return -ENODEV;
}

static const struct xenbus_device_id netback_ids[] = {
	{ "vif" },
	{ "" }
};

/* Named after the module: the default name, "vif", is the kernel driver's. */
static struct xenbus_driver netback_driver = {
	.name = KBUILD_MODNAME,
	.ids = netback_ids,
	.probe = netback_probe,
};

static int __init netback_init(void)
{
	int ret;

	if (!xen_domain())
		return -ENODEV;
	ret = vfr_netlink_init();
	if (ret)
		return ret;
	ret = xenbus_register_backend(&netback_driver);
	if (ret)
		goto err_vfr;
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
MODULE_DESCRIPTION("splitio Xen paravirtual network backend (skeleton)");
