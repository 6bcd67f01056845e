// SPDX-License-Identifier: GPL-2.0
/*
 * Negotiation with the backend through XenStore, as blkif.h lays it out.
 *
 * InitWait: the backend has published what shapes the rings (pages per
 * ring, queues, indirect segments); we set the rings up and publish them
 * in one transaction.  Connected: it has published the disk (size, block
 * sizes, flush and discard); we create the disk.  The backend may later
 * rewrite "sectors" and Connected to resize it.
 */
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <xen/interface/io/protocols.h>

#include "blkfront/common.h"

/*
 * Read once per connection: we advertise it before Initialised, and use
 * persistent grants if the backend advertises them too when Connected.
 */
static bool blkfront_persistent = true;
module_param_named(feature_persistent, blkfront_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent,
		 "Offer persistent grants to backends connecting from now on (default: on)");

/*
 * A disk that outlived its rings (a restore) keeps its hardware queues and
 * request limits: the requests queued for it were built to them.  Rings
 * as many and requests as large must be possible with the new backend.
 */
static int blkfront_keep_disk_shape(struct blkfront_dev *dev,
				    unsigned int nr_rings,
				    unsigned int max_segs)
{
	if (nr_rings >= dev->nr_rings && max_segs >= dev->max_segs)
		return 0;
	xenbus_dev_fatal(dev->xdev, -EOPNOTSUPP,
			 "backend offers %u queue(s) of %u segments, %s has %u of %u",
			 nr_rings, max_segs, dev->disk_name, dev->nr_rings,
			 dev->max_segs);
	return -EOPNOTSUPP;
}

static int blkfront_read_ring_features(struct blkfront_dev *dev)
{
	u32 max_order, max_queues, max_indirect;
	const struct splitio_xs_field fields[] = {
		{ "max-ring-page-order", &max_order, 0, false },
		{ "multi-queue-max-queues", &max_queues, 1, false },
		{ "feature-max-indirect-segments", &max_indirect, 0, false },
	};
	unsigned int nr_rings, max_segs;
	int err;

	err = splitio_xs_gather(dev->xdev, dev->xdev->otherend, fields,
				ARRAY_SIZE(fields));
	if (err)
		return err;
	nr_rings = clamp_t(u32, max_queues, 1, BLKFRONT_MAX_QUEUES);
	max_segs = max_indirect > BLKIF_MAX_SEGMENTS_PER_REQUEST ?
		min_t(u32, max_indirect, BLKFRONT_MAX_INDIRECT_SEGS) :
		BLKIF_MAX_SEGMENTS_PER_REQUEST;
	if (dev->disk) {
		err = blkfront_keep_disk_shape(dev, nr_rings, max_segs);
		if (err)
			return err;
	} else {
		/* More queues than CPUs to submit on would only cost grants. */
		dev->nr_rings = min(nr_rings, num_online_cpus());
		dev->max_segs = max_segs;
		dev->indirect = max_segs > BLKIF_MAX_SEGMENTS_PER_REQUEST;
	}
	/* The ring's size may change: a full ring holds requests back. */
	dev->ring_order = min_t(u32, max_order, BLKFRONT_MAX_RING_ORDER);
	return 0;
}

/* One ring's "ring-ref"s and "event-channel", under "queue-N/" if many. */
static int blkfront_write_ring_keys(struct blkfront_dev *dev,
				    struct xenbus_transaction xbt,
				    const struct blkfront_ring *ring)
{
	struct xenbus_device *xdev = dev->xdev;
	char dir[16] = "";
	char key[32];
	unsigned int i;
	int err;

	if (dev->nr_rings > 1)
		snprintf(dir, sizeof(dir), "queue-%u/", ring->index);
	for (i = 0; i < ring->granted.nr_pages; i++) {
		/* A single page keeps the key older backends know. */
		if (dev->ring_order)
			snprintf(key, sizeof(key), "%sring-ref%u", dir, i);
		else
			snprintf(key, sizeof(key), "%sring-ref", dir);
		err = splitio_xs_printf(xdev, xbt, key, "%u",
					ring->granted.grefs[i]);
		if (err)
			return err;
	}
	snprintf(key, sizeof(key), "%sevent-channel", dir);
	return splitio_xs_printf(xdev, xbt, key, "%u", ring->evtchn.port);
}

static int blkfront_publish_rings(struct xenbus_device *xdev,
				  struct xenbus_transaction xbt, void *arg)
{
	struct blkfront_dev *dev = arg;
	unsigned int i;
	int err;

	if (dev->ring_order) {
		err = splitio_xs_printf(xdev, xbt, "ring-page-order", "%u",
					dev->ring_order);
		if (err)
			return err;
	}
	if (dev->nr_rings > 1) {
		err = splitio_xs_printf(xdev, xbt, "multi-queue-num-queues",
					"%u", dev->nr_rings);
		if (err)
			return err;
	}
	for (i = 0; i < dev->nr_rings; i++) {
		err = blkfront_write_ring_keys(dev, xbt, &dev->rings[i]);
		if (err)
			return err;
	}
	err = splitio_xs_printf(xdev, xbt, "feature-persistent", "%u",
				dev->persistent_offer);
	if (err)
		return err;
	return splitio_xs_printf(xdev, xbt, "protocol", "%s",
				 XEN_IO_PROTO_ABI_NATIVE);
}

/* Backend in InitWait: set the rings up, publish them, go Initialised. */
int blkfront_negotiate(struct blkfront_dev *dev)
{
	int err;

	/* Left over if the backend went from Closing straight to InitWait. */
	blkfront_rings_close(dev);
	blkfront_rings_free(dev);

	err = blkfront_read_ring_features(dev);
	if (err)
		return err;
	/* What this backend says on Connected; the rings start afresh. */
	dev->persistent = false;
	dev->persistent_offer = READ_ONCE(blkfront_persistent);
	err = blkfront_rings_alloc(dev);
	if (err) {
		xenbus_dev_fatal(dev->xdev, err, "setting up %u rings",
				 dev->nr_rings);
		return err;
	}
	err = splitio_xs_transact(dev->xdev, "publishing rings",
				  blkfront_publish_rings, dev);
	if (err)
		goto err_free_rings;
	err = splitio_state_switch(dev->xdev, XenbusStateInitialised);
	if (err)
		goto err_free_rings;
	return 0;

err_free_rings:
	blkfront_rings_free(dev);
	return err;
}

/* "sectors" is a u64, beyond what the u32 XenStore helpers read. */
static int blkfront_read_sectors(struct blkfront_dev *dev, u64 *sectors)
{
	char *str;
	int err;

	str = xenbus_read(XBT_NIL, dev->xdev->otherend, "sectors", NULL);
	if (IS_ERR(str))
		return PTR_ERR(str);
	err = kstrtou64(str, 10, sectors);
	kfree(str);
	return err;
}

/* Block sizes the block layer takes: powers of two, logical <= a page. */
static bool blkfront_block_sizes_valid(const struct blkfront_disk_info *info)
{
	return is_power_of_2(info->sector_size) &&
	       info->sector_size >= SECTOR_SIZE &&
	       info->sector_size <= PAGE_SIZE &&
	       is_power_of_2(info->physical_sector_size) &&
	       info->physical_sector_size >= info->sector_size;
}

static int blkfront_read_disk_info(struct blkfront_dev *dev,
				   struct blkfront_disk_info *info)
{
	const struct splitio_xs_field fields[] = {
		{ "info", &info->info, 0, false },
		{ "sector-size", &info->sector_size, 0, true },
		{ "physical-sector-size", &info->physical_sector_size, 0,
		  false },
		{ "feature-flush-cache", &info->flush, 0, false },
		{ "feature-barrier", &info->barrier, 0, false },
		{ "feature-discard", &info->discard, 0, false },
		{ "discard-granularity", &info->discard_granularity, 0, false },
		{ "discard-alignment", &info->discard_alignment, 0, false },
		{ "feature-persistent", &info->persistent, 0, false },
	};
	struct xenbus_device *xdev = dev->xdev;
	int err;

	err = blkfront_read_sectors(dev, &info->sectors);
	if (err) {
		xenbus_dev_fatal(xdev, err, "reading %s/sectors",
				 xdev->otherend);
		return err;
	}
	err = splitio_xs_gather(xdev, xdev->otherend, fields,
				ARRAY_SIZE(fields));
	if (err)
		return err;
	if (!info->physical_sector_size)
		info->physical_sector_size = info->sector_size;
	if (!blkfront_block_sizes_valid(info)) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "unusable sector-size %u, physical-sector-size %u",
				 info->sector_size,
				 info->physical_sector_size);
		return -EINVAL;
	}
	return 0;
}

/* Backend Connected: create the disk, then say we are Connected too. */
int blkfront_connect(struct blkfront_dev *dev)
{
	struct xenbus_device *xdev = dev->xdev;
	struct blkfront_disk_info info;
	int err;

	err = blkfront_read_disk_info(dev, &info);
	if (err)
		return err;
	/* A barrier orders and flushes: it serves as a flush if need be. */
	dev->flush = info.flush || info.barrier;
	dev->flush_op = info.flush ? BLKIF_OP_FLUSH_DISKCACHE :
				     BLKIF_OP_WRITE_BARRIER;
	dev->discard = info.discard;
	dev->persistent = dev->persistent_offer && info.persistent;
	if (dev->disk) {
		blkfront_disk_resume(dev, &info);
	} else {
		err = blkfront_disk_add(dev, &info);
		if (err) {
			xenbus_dev_fatal(xdev, err, "adding disk %s",
					 dev->disk_name);
			return err;
		}
	}
	dev_info(&xdev->dev, "%s: %llu sectors, %u-byte blocks, %u ring(s) of %u, %u segments%s%s%s%s%s\n",
		 dev->disk_name, info.sectors, info.sector_size, dev->nr_rings,
		 dev->rings[0].front.nr_ents, dev->max_segs,
		 dev->indirect ? " (indirect)" : "",
		 dev->flush ? (info.flush ? ", flush" : ", barrier") : "",
		 dev->discard ? ", discard" : "",
		 dev->persistent ? ", persistent grants" : "",
		 info.info & VDISK_READONLY ? ", read-only" : "");
	return splitio_state_switch(xdev, XenbusStateConnected);
}

/* Backend rewrote Connected: "sectors" may have changed. */
void blkfront_update_capacity(struct blkfront_dev *dev)
{
	u64 sectors;
	int err;

	if (!dev->disk)
		return;
	err = blkfront_read_sectors(dev, &sectors);
	if (err) {
		dev_warn(&dev->xdev->dev, "unreadable new size (%d): keeping %llu sectors\n",
			 err, (u64)get_capacity(dev->disk));
		return;
	}
	if (sectors == get_capacity(dev->disk))
		return;
	dev_info(&dev->xdev->dev, "%s: resized from %llu to %llu sectors\n",
		 dev->disk_name, (u64)get_capacity(dev->disk), sectors);
	set_capacity_and_notify(dev->disk, sectors);
}

/*
 * Stops all I/O and removes the disk, but keeps the rings: the backend
 * may map them until it sees us Closed and disconnects.
 */
void blkfront_close(struct blkfront_dev *dev)
{
	blkfront_rings_close(dev);
	blkfront_disk_remove(dev);
}
