// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_blkfront: Xen paravirtual block frontend.
 *
 * A skeleton for now: it binds to "vbd" devices only to refuse them, so
 * the kernel's own driver, if loaded, takes them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

static int blkfront_probe(struct xenbus_device *dev,
			  const struct xenbus_device_id *id)
{
	pr_info("device type %s not implemented yet\n", id->devicetype);
	return -ENODEV;
}

static const struct xenbus_device_id blkfront_ids[] = {
	{ "vbd" },
	{ "" }
};

/* Named after the module: the default name, "vbd", is the kernel driver's. */
static struct xenbus_driver blkfront_driver = {
	.name = KBUILD_MODNAME,
	.ids = blkfront_ids,
	.probe = blkfront_probe,
};

static int __init blkfront_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	return xenbus_register_frontend(&blkfront_driver);
}

static void __exit blkfront_exit(void)
{
	xenbus_unregister_driver(&blkfront_driver);
}

module_init(blkfront_init);
module_exit(blkfront_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("splitio");
MODULE_DESCRIPTION("splitio Xen paravirtual block frontend (skeleton)");
