// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_netfront: Xen paravirtual network frontend.
 *
 * A skeleton for now: it binds to "vif" devices only to refuse them, so
 * the kernel's own driver, if loaded, takes them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

static int netfront_probe(struct xenbus_device *dev,
			  const struct xenbus_device_id *id)
{
	pr_info("device type %s not implemented yet\n", id->devicetype);
	return -ENODEV;
}

static const struct xenbus_device_id netfront_ids[] = {
	{ "vif" },
	{ "" }
};

/* Named after the module: the default name, "vif", is the kernel driver's. */
static struct xenbus_driver netfront_driver = {
	.name = KBUILD_MODNAME,
	.ids = netfront_ids,
	.probe = netfront_probe,
};

static int __init netfront_init(void)
{
	if (!xen_domain())
		return -ENODEV;
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
MODULE_DESCRIPTION("splitio Xen paravirtual network frontend (skeleton)");
