// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device counters in sysfs, under the XenBus device:
 * /sys/bus/xen-backend/devices/vbd-<domid>-<devid>/statistics/.
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
BLKBACK_STAT(ds_req);
BLKBACK_STAT(rd_sect);
BLKBACK_STAT(wr_sect);
BLKBACK_STAT(errors);

static struct attribute *blkback_stats_attrs[] = {
	&dev_attr_rd_req.attr,
	&dev_attr_wr_req.attr,
	&dev_attr_f_req.attr,
	&dev_attr_ds_req.attr,
	&dev_attr_rd_sect.attr,
	&dev_attr_wr_sect.attr,
	&dev_attr_errors.attr,
	NULL
};

static const struct attribute_group blkback_stats_group = {
	.name = "statistics",
	.attrs = blkback_stats_attrs,
};

int blkback_stats_add(struct blkback_dev *be)
{
	return sysfs_create_group(&be->xdev->dev.kobj, &blkback_stats_group);
}

void blkback_stats_remove(struct blkback_dev *be)
{
	sysfs_remove_group(&be->xdev->dev.kobj, &blkback_stats_group);
}
