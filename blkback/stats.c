// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device counters in sysfs, under the XenBus device:
 * /sys/bus/xen-backend/devices/vbd-<domid>-<devid>/statistics/, and the
 * device's reordering switch next to it, vbd-<domid>-<devid>/reorder.
 *
 * statistics/reorder_* sum what reordering did over the rounds of the
 * device's disk - shared with every other device on the same disk, as
 * their requests are ordered together: reorder_batches (rounds),
 * reorder_requests (in them), reorder_reordered (issued at another
 * position than their arrival), reorder_merges (issued adjacent to the
 * request before, in one I/O), reorder_seek_before and reorder_seek_after
 * (sum of the sector jumps in arrival order and in issue order).  They
 * read 0 until the backing device is open, and stay 0 while no device on
 * the disk reorders.
 *
 * statistics/seg_mapped counts the segments whose grant was mapped when
 * they came, statistics/seg_persistent those a persistent grant mapped
 * before served: with persistent grants in use, the first stops growing
 * once the cache holds the frontend's grants.  statistics/indirect_mapped
 * counts the indirect pages (segment lists) mapped when they came, which
 * likewise stops growing.
 */
#include <linux/device.h>
#include <linux/sysfs.h>

#include "blkback/common.h"

#define BLKBACK_STAT(name)						\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct blkback_dev *be = dev_get_drvdata(dev);			\
									\
	return sysfs_emit(buf, "%lld\n", atomic64_read(&be->stats.name)); \
}									\
static DEVICE_ATTR_RO(name)

BLKBACK_STAT(rd_req);
BLKBACK_STAT(wr_req);
BLKBACK_STAT(f_req);
BLKBACK_STAT(br_req);
BLKBACK_STAT(ds_req);
BLKBACK_STAT(rd_sect);
BLKBACK_STAT(wr_sect);
BLKBACK_STAT(errors);
BLKBACK_STAT(seg_mapped);
BLKBACK_STAT(seg_persistent);
BLKBACK_STAT(indirect_mapped);

#define BLKBACK_REORDER_STAT(name, field)				\
static ssize_t name##_show(struct device *dev,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct blkback_dev *be = dev_get_drvdata(dev);			\
	struct blkback_disk *disk = READ_ONCE(be->disk);		\
									\
	return sysfs_emit(buf, "%lld\n",					\
			  disk ? atomic64_read(&disk->field) : 0);	\
}									\
static DEVICE_ATTR_RO(name)

BLKBACK_REORDER_STAT(reorder_batches, ro_batches);
BLKBACK_REORDER_STAT(reorder_requests, ro_requests);
BLKBACK_REORDER_STAT(reorder_reordered, ro_reordered);
BLKBACK_REORDER_STAT(reorder_merges, ro_merges);
BLKBACK_REORDER_STAT(reorder_seek_before, ro_seek_before);
BLKBACK_REORDER_STAT(reorder_seek_after, ro_seek_after);

static struct attribute *blkback_stats_attrs[] = {
	&dev_attr_rd_req.attr,
	&dev_attr_wr_req.attr,
	&dev_attr_f_req.attr,
	&dev_attr_br_req.attr,
	&dev_attr_ds_req.attr,
	&dev_attr_rd_sect.attr,
	&dev_attr_wr_sect.attr,
	&dev_attr_errors.attr,
	&dev_attr_seg_mapped.attr,
	&dev_attr_seg_persistent.attr,
	&dev_attr_indirect_mapped.attr,
	&dev_attr_reorder_batches.attr,
	&dev_attr_reorder_requests.attr,
	&dev_attr_reorder_reordered.attr,
	&dev_attr_reorder_merges.attr,
	&dev_attr_reorder_seek_before.attr,
	&dev_attr_reorder_seek_after.attr,
	NULL
};

static const struct attribute_group blkback_stats_group = {
	.name = "statistics",
	.attrs = blkback_stats_attrs,
};

/*
 * reorder: 1 or 0, read and written.  Each ring takes it at the start of
 * an intake, having first waited for its requests issued the other way
 * (ring.c), so the two ways never mix.
 */
static ssize_t reorder_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct blkback_dev *be = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%d\n", READ_ONCE(be->reorder));
}

static ssize_t reorder_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct blkback_dev *be = dev_get_drvdata(dev);
	bool on;
	int err;

	err = kstrtobool(buf, &on);
	if (err)
		return err;
	WRITE_ONCE(be->reorder, on);
	return count;
}
static DEVICE_ATTR_RW(reorder);

int blkback_stats_add(struct blkback_dev *be)
{
	int err;

	err = sysfs_create_group(&be->xdev->dev.kobj, &blkback_stats_group);
	if (err)
		return err;
	err = device_create_file(&be->xdev->dev, &dev_attr_reorder);
	if (err)
		goto err_remove_group;
	return 0;

err_remove_group:
	sysfs_remove_group(&be->xdev->dev.kobj, &blkback_stats_group);
	return err;
}

void blkback_stats_remove(struct blkback_dev *be)
{
	device_remove_file(&be->xdev->dev, &dev_attr_reorder);
	sysfs_remove_group(&be->xdev->dev.kobj, &blkback_stats_group);
}
