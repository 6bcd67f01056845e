// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_blkback: Xen paravirtual block backend - the XenBus side.
 *
 * probe advertises what the rings may be and goes to InitWait: only then
 * does the toolstack run the hotplug script, which names the backing
 * device in physical-device.  Once that device is open and the frontend
 * has set up its rings (Initialised), we connect: map and bind its
 * queues, write what the guest needs to know of the disk and go to
 * Connected.  The frontend closing, and remove, take it all down.
 *
 * All of this runs in the xenwatch thread, one callback at a time; remove
 * first unregisters our watch, so none of it runs concurrently either.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/xen.h>

#include "blkback/common.h"

/*
 * With this off, frontends are offered only barriers: Linux's blkfront
 * (and ours) then send their flushes and FUA writes as WRITE_BARRIER.
 * For trying the barrier path; devices connected from now on.
 */
static bool blkback_flush_cache = true;
module_param_named(feature_flush_cache, blkback_flush_cache, bool, 0644);
MODULE_PARM_DESC(feature_flush_cache,
		 "Offer feature-flush-cache besides feature-barrier (default: on)");

/* Keys the frontend reads before it sets up its rings. */
static int blkback_write_ring_features(struct blkback_dev *be)
{
	const struct splitio_xs_pair pairs[] = {
		{ "feature-max-indirect-segments", BLKBACK_MAX_INDIRECT_SEGS },
		{ "max-ring-page-order", BLKBACK_MAX_RING_ORDER },
		{ "multi-queue-max-queues", be->max_queues },
	};

	return splitio_xs_write_pairs(be->xdev, pairs, ARRAY_SIZE(pairs));
}

struct blkback_key {
	const char *key;
	u64 value;
};

/* The disk as the frontend reads it on Connected, in one transaction. */
static int blkback_write_disk_keys(struct xenbus_device *dev,
				   struct xenbus_transaction xbt, void *arg)
{
	struct blkback_dev *be = arg;
	struct block_device *bdev = be->bdev;
	bool cache = bdev_write_cache(bdev);
	struct blkback_key keys[11];
	unsigned int i, n = 0;
	int err;

	keys[n++] = (struct blkback_key){ "sectors", be->nr_sectors };
	keys[n++] = (struct blkback_key){ "info",
		be->readonly ? VDISK_READONLY : 0 };
	keys[n++] = (struct blkback_key){ "sector-size",
		bdev_logical_block_size(bdev) };
	keys[n++] = (struct blkback_key){ "physical-sector-size",
		bdev_physical_block_size(bdev) };
	/* Either orders and flushes: worth using only with a write cache. */
	keys[n++] = (struct blkback_key){ "feature-barrier", cache };
	if (READ_ONCE(blkback_flush_cache))
		keys[n++] = (struct blkback_key){ "feature-flush-cache", cache };
	if (be->discard) {
		keys[n++] = (struct blkback_key){ "feature-discard", 1 };
		keys[n++] = (struct blkback_key){ "discard-granularity",
			bdev_discard_granularity(bdev) };
		keys[n++] = (struct blkback_key){ "discard-alignment",
			bdev_discard_alignment(bdev) };
	}
	if (be->discard_secure)
		keys[n++] = (struct blkback_key){ "discard-secure", 1 };
	keys[n++] = (struct blkback_key){ "feature-persistent",
		be->persistent_offer };

	for (i = 0; i < n; i++) {
		err = splitio_xs_printf(dev, xbt, keys[i].key, "%llu",
					keys[i].value);
		if (err)
			return err;
	}
	return 0;
}

static int blkback_write_resize(struct xenbus_device *dev,
				struct xenbus_transaction xbt, void *arg)
{
	struct blkback_dev *be = arg;
	u32 state;
	int err;

	/*
	 * Only over our own Connected: the toolstack may be closing the
	 * device, or have removed its directory, and neither may be undone.
	 */
	err = splitio_xs_read_u32(xbt, dev->nodename, "state",
				  XenbusStateUnknown, &state);
	if (err)
		return err;
	if (state != XenbusStateConnected)
		return -ESTALE;
	err = splitio_xs_printf(dev, xbt, "sectors", "%llu",
				(u64)READ_ONCE(be->nr_sectors));
	if (err)
		return err;
	/* Connected once more: the frontend reads the disk's keys again. */
	return splitio_xs_printf(dev, xbt, "state", "%d",
				 XenbusStateConnected);
}

/*
 * From every queue's thread, each time it wakes: if the backing device
 * has grown or shrunk, the frontend hears of the new size as blkif.h has
 * it, "sectors" rewritten and Connected written again.  The thread that
 * swaps the size in tells.  Requests are checked against the new size
 * from here on; a shrunken device fails those beyond its end anyway.
 */
void blkback_check_capacity(struct blkback_dev *be)
{
	sector_t now = bdev_nr_sectors(be->bdev);
	sector_t was = READ_ONCE(be->nr_sectors);

	if (now == was || cmpxchg(&be->nr_sectors, was, now) != was)
		return;
	dev_info(&be->xdev->dev, "capacity %llu -> %llu sectors\n",
		 (u64)was, (u64)now);
	splitio_xs_transact(be->xdev, "writing the new size",
			    blkback_write_resize, be);
}

/* Connects once the device is open and the frontend's rings are ready. */
static void blkback_try_connect(struct blkback_dev *be)
{
	struct xenbus_device *dev = be->xdev;
	enum xenbus_state frontend_state;
	int err;

	if (!be->bdev || dev->state != XenbusStateInitWait)
		return;
	frontend_state = xenbus_read_driver_state(dev->otherend);
	if (frontend_state != XenbusStateInitialised &&
	    frontend_state != XenbusStateConnected)
		return;

	be->nr_sectors = bdev_nr_sectors(be->bdev);
	be->block_mask = (bdev_logical_block_size(be->bdev) >>
			  BLKBACK_SECTOR_SHIFT) - 1;
	be->discard = !be->readonly && bdev_max_discard_sectors(be->bdev);
	be->discard_secure = be->discard &&
			     bdev_max_secure_erase_sectors(be->bdev);
	be->broken = false;

	err = blkback_rings_connect(be);
	if (err)
		return;
	err = splitio_xs_transact(dev, "writing the disk's keys",
				  blkback_write_disk_keys, be);
	if (err)
		goto err_disconnect;
	err = splitio_state_switch(dev, XenbusStateConnected);
	if (err)
		goto err_disconnect;
	blkback_rings_start(be);
	return;

err_disconnect:
	blkback_rings_disconnect(be);
}

static int blkback_open(struct blkback_dev *be, dev_t devt)
{
	struct xenbus_device *dev = be->xdev;
	struct block_device *bdev;
	struct blkback_disk *disk;
	char *mode, *params;
	int err = 0;

	mode = splitio_xs_read_str(XBT_NIL, dev->nodename, "mode", NULL);
	if (IS_ERR(mode)) {
		xenbus_dev_fatal(dev, PTR_ERR(mode), "reading mode");
		return PTR_ERR(mode);
	}
	/* Writers are exclusive: nothing else may mount or claim the disk. */
	if (!strcmp(mode, "r"))
		be->mode = FMODE_READ;
	else if (!strcmp(mode, "w"))
		be->mode = FMODE_READ | FMODE_WRITE | FMODE_EXCL;
	else
		err = -EINVAL;
	kfree(mode);
	if (err) {
		xenbus_dev_fatal(dev, err, "mode is neither r nor w");
		return err;
	}

	bdev = blkdev_get_by_dev(devt, be->mode, be);
	if (IS_ERR(bdev)) {
		xenbus_dev_fatal(dev, PTR_ERR(bdev), "opening device %u:%u",
				 MAJOR(devt), MINOR(devt));
		return PTR_ERR(bdev);
	}
	disk = blkback_disk_get(bdev);
	if (IS_ERR(disk)) {
		blkdev_put(bdev, be->mode);
		xenbus_dev_fatal(dev, PTR_ERR(disk),
				 "setting up the disk's dispatcher");
		return PTR_ERR(disk);
	}
	be->disk = disk;
	be->bdev = bdev;
	be->devt = devt;
	be->readonly = !(be->mode & FMODE_WRITE) || bdev_read_only(bdev);

	params = splitio_xs_read_str(XBT_NIL, dev->nodename, "params", "");
	dev_info(&dev->dev, "%s (%u:%u) for dom%d, %s\n",
		 IS_ERR(params) ? "?" : params, MAJOR(devt), MINOR(devt),
		 dev->otherend_id, be->readonly ? "read-only" : "read-write");
	if (!IS_ERR(params))
		kfree(params);
	return 0;
}

static void blkback_close(struct blkback_dev *be)
{
	if (!be->bdev)
		return;
	blkdev_put(be->bdev, be->mode);
	be->bdev = NULL;
}

/* The hotplug script wrote (or rewrote) physical-device: "major:minor". */
static void blkback_physical_device_changed(struct xenbus_watch *watch,
					    const char *path,
					    const char *token)
{
	struct blkback_dev *be = container_of(watch, struct blkback_dev,
					      pdev_watch);
	struct xenbus_device *dev = be->xdev;
	unsigned int major, minor;
	dev_t devt;
	int n;

	n = xenbus_scanf(XBT_NIL, dev->nodename, "physical-device", "%x:%x",
			 &major, &minor);
	if (n == -ENOENT)	/* not yet, or the device is going away */
		return;
	if (n != 2) {
		xenbus_dev_fatal(dev, n < 0 ? n : -EINVAL,
				 "reading physical-device");
		return;
	}
	devt = MKDEV(major, minor);
	if (MAJOR(devt) != major || MINOR(devt) != minor) {
		xenbus_dev_fatal(dev, -EINVAL, "physical-device %x:%x is invalid",
				 major, minor);
		return;
	}
	if (be->bdev) {
		if (devt != be->devt)
			xenbus_dev_error(dev, -EBUSY,
					 "physical-device cannot change while open");
		return;
	}
	if (!blkback_open(be, devt))
		blkback_try_connect(be);
}

static void blkback_frontend_changed(struct xenbus_device *dev,
				     enum xenbus_state frontend_state)
{
	struct blkback_dev *be = dev_get_drvdata(&dev->dev);

	dev_dbg(&dev->dev, "frontend %s\n", xenbus_strstate(frontend_state));
	switch (frontend_state) {
	case XenbusStateInitialising:
		/* Back after closing: offer the disk again. */
		if (dev->state == XenbusStateClosed)
			splitio_state_switch(dev, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		blkback_try_connect(be);
		break;
	case XenbusStateClosing:
		blkback_rings_disconnect(be);
		splitio_state_switch(dev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
	case XenbusStateUnknown:	/* the frontend's nodes are gone */
		blkback_rings_disconnect(be);
		splitio_state_switch(dev, XenbusStateClosed);
		break;
	default:
		xenbus_dev_fatal(dev, -EINVAL, "frontend in state %s",
				 xenbus_strstate(frontend_state));
	}
}

static int blkback_probe(struct xenbus_device *dev,
			 const struct xenbus_device_id *id)
{
	struct blkback_dev *be;
	int err;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating the device");
		return -ENOMEM;
	}
	be->xdev = dev;
	be->reorder = READ_ONCE(blkback_reorder_default);
	be->max_queues = min_t(unsigned int, num_online_cpus(),
			       BLKBACK_MAX_QUEUES);
	dev_set_drvdata(&dev->dev, be);

	err = blkback_stats_add(be);
	if (err)
		goto err_free;
	err = blkback_write_ring_features(be);
	if (err)
		goto err_remove_stats;
	err = splitio_state_switch(dev, XenbusStateInitWait);
	if (err)
		goto err_remove_stats;
	/* Last: its callback may run as soon as it is registered. */
	err = xenbus_watch_pathfmt(dev, &be->pdev_watch, NULL,
				   blkback_physical_device_changed, "%s/%s",
				   dev->nodename, "physical-device");
	if (err)
		goto err_remove_stats;
	return 0;

err_remove_stats:
	blkback_stats_remove(be);
err_free:
	dev_set_drvdata(&dev->dev, NULL);
	kfree(be);
	return err;
}

static void blkback_teardown(struct xenbus_device *dev)
{
	struct blkback_dev *be = dev_get_drvdata(&dev->dev);

	unregister_xenbus_watch(&be->pdev_watch);
	kfree(be->pdev_watch.node);
	blkback_rings_disconnect(be);
	/* The statistics read the disk's counters; the disk, the device. */
	blkback_stats_remove(be);
	if (be->disk)
		blkback_disk_put(be->disk);
	blkback_close(be);
	dev_set_drvdata(&dev->dev, NULL);
	kfree(be);
}

SPLITIO_DEFINE_XENBUS_REMOVE(blkback_remove, blkback_teardown)

static const struct xenbus_device_id blkback_ids[] = {
	{ "vbd" },
	{ "" }
};

/*
 * Named after the module: the default name, "vbd", is the kernel driver's.
 * While a device is bound the XenBus core holds a reference on this
 * module, so it cannot be unloaded from under a connected guest.
 */
static struct xenbus_driver blkback_driver = {
	.name = KBUILD_MODNAME,
	.ids = blkback_ids,
	.probe = blkback_probe,
	.remove = blkback_remove,
	.otherend_changed = blkback_frontend_changed,
};

static int __init blkback_init(void)
{
	if (!xen_domain())
		return -ENODEV;
	return xenbus_register_backend(&blkback_driver);
}

static void __exit blkback_exit(void)
{
	xenbus_unregister_driver(&blkback_driver);
}

module_init(blkback_init);
module_exit(blkback_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("splitio");
MODULE_DESCRIPTION("splitio Xen paravirtual block backend");
/* XenBus asks for a backend by this alias; see dist/modprobe.d. */
MODULE_ALIAS("xen-backend:vbd");
