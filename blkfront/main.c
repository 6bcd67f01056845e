// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_blkfront: Xen paravirtual block frontend.
 *
 * The XenBus "vbd" driver and the frontend's side of the handshake:
 *
 *   backend InitWait   -> rings set up and published, we go Initialised
 *   backend Connected  -> disk created, we go Connected (again: resize)
 *   backend Closing    -> I/O stopped, disk removed, we go Closed
 *   backend Closed     -> the backend has let go of the rings: free them
 *
 * After a restore, resume() holds I/O back and frees the old rings; the
 * new backend's InitWait and Connected then give the same disk new rings.
 *
 * All of these run in the xenwatch thread, one at a time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <xen/platform_pci.h>
#include <xen/xen.h>

#include "blkfront/common.h"

static int blkfront_probe(struct xenbus_device *xdev,
			  const struct xenbus_device_id *id)
{
	struct blkfront_dev *dev;
	u32 vdev;
	const struct splitio_xs_field field = {
		"virtual-device", &vdev, 0, true
	};
	int err;

	err = splitio_xs_gather(xdev, xdev->nodename, &field, 1);
	if (err)
		return err;
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	err = blkfront_identify(dev, vdev);
	if (err) {
		xenbus_dev_fatal(xdev, err,
				 "virtual-device %#x is no xvd disk or partition",
				 vdev);
		goto err_free_dev;
	}
	dev->xdev = xdev;
	dev_set_drvdata(&xdev->dev, dev);
	return 0;

err_free_dev:
	kfree(dev);
	return err;
}

static void blkfront_backend_changed(struct xenbus_device *xdev,
				     enum xenbus_state backend_state)
{
	struct blkfront_dev *dev = dev_get_drvdata(&xdev->dev);

	dev_dbg(&xdev->dev, "backend %s, we are %s\n",
		xenbus_strstate(backend_state), xenbus_strstate(xdev->state));
	switch (backend_state) {
	case XenbusStateInitWait:
		/* From Closed too: a backend that came back gets new rings. */
		if (xdev->state == XenbusStateInitialising ||
		    xdev->state == XenbusStateClosed)
			blkfront_negotiate(dev);
		break;
	case XenbusStateConnected:
		if (xdev->state == XenbusStateInitialised)
			blkfront_connect(dev);
		else if (xdev->state == XenbusStateConnected)
			blkfront_update_capacity(dev);
		break;
	case XenbusStateClosing:
		blkfront_close(dev);
		xenbus_frontend_closed(xdev);
		break;
	case XenbusStateClosed:
		/* Closing may have been skipped. */
		blkfront_close(dev);
		blkfront_rings_free(dev);
		xenbus_frontend_closed(xdev);
		break;
	default:
		break;
	}
}

/*
 * Called, in the xenwatch thread, once this domain runs again after a save:
 * the backend that had the rings is gone, so are this domain's grant table
 * and event channels of then.  Requests in flight wait, with all new ones,
 * for the rings we give the new backend when it reaches InitWait.  (A
 * cancelled save calls nothing: the old connection carries on.  Nor does
 * one that failed before the domain was saved, but it comes here too.)
 */
static int blkfront_resume(struct xenbus_device *xdev)
{
	struct blkfront_dev *dev = dev_get_drvdata(&xdev->dev);
	unsigned int requeued;

	/* A suspend that failed before the save: nothing was lost. */
	if (dev->rings && !splitio_evtchn_lost(&dev->rings[0].evtchn))
		return 0;
	requeued = blkfront_disk_suspend(dev);
	dev_info(&xdev->dev, "%s: resumed: %u request(s) in flight requeued, reconnecting\n",
		 dev->disk_name, requeued);
	return 0;
}

static void blkfront_remove_dev(struct xenbus_device *xdev)
{
	struct blkfront_dev *dev = dev_get_drvdata(&xdev->dev);

	blkfront_close(dev);
	blkfront_rings_free(dev);
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(dev);
}

SPLITIO_DEFINE_XENBUS_REMOVE(blkfront_remove, blkfront_remove_dev)

static const struct xenbus_device_id blkfront_ids[] = {
	{ "vbd" },
	{ "" }
};

/* Named after the module: the default name, "vbd", is the kernel driver's. */
static struct xenbus_driver blkfront_driver = {
	.name = KBUILD_MODNAME,
	.ids = blkfront_ids,
	.probe = blkfront_probe,
	.remove = blkfront_remove,
	.resume = blkfront_resume,
	.otherend_changed = blkfront_backend_changed,
};

static int __init blkfront_init(void)
{
	int err;

	/* An HVM guest's disks may still be emulated ones: leave them be. */
	if (!xen_domain() || !xen_has_pv_disk_devices())
		return -ENODEV;
	/* Fails if xen-blkfront holds the major: it serves the vbds then. */
	err = register_blkdev(BLKFRONT_MAJOR, "xvd");
	if (err) {
		pr_err("cannot register block major %d: %d\n", BLKFRONT_MAJOR,
		       err);
		return err;
	}
	err = xenbus_register_frontend(&blkfront_driver);
	if (err)
		goto err_unregister_blkdev;
	return 0;

err_unregister_blkdev:
	unregister_blkdev(BLKFRONT_MAJOR, "xvd");
	return err;
}

static void __exit blkfront_exit(void)
{
	xenbus_unregister_driver(&blkfront_driver);
	unregister_blkdev(BLKFRONT_MAJOR, "xvd");
}

module_init(blkfront_init);
module_exit(blkfront_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("splitio");
MODULE_DESCRIPTION("splitio Xen paravirtual block frontend");
/* XenBus asks for a frontend by this alias; see dist/modprobe.d. */
MODULE_ALIAS("xen:vbd");
