// SPDX-License-Identifier: GPL-2.0
/*
 * blk-mq and the gendisk: one hardware queue per shared ring, a disk
 * named and numbered as the kernel's own xen-blkfront would name it, so
 * that vdev xvda is /dev/xvda whichever driver serves it.
 */
#include <linux/module.h>

#include "blkfront/common.h"

/*
 * The Linux device-id convention for Xen virtual disks: 202 << 8 | minor
 * with 16 minors per disk, or, with bit 28 set, disk << 8 | partition.
 */
#define VDEV_EXTENDED		BIT(28)
#define VDEV_XVD_MINORS		16
#define VDEV_EXT_MINORS		256

/* xvd + the disk index as letters: a..z, aa..zz, aaa.., + partition. */
static void blkfront_disk_name(char *name, unsigned int index,
			       unsigned int partition)
{
	char letters[8];	/* 2^20 minors make at most 4096 disks */
	unsigned int n = sizeof(letters) - 1;

	letters[n] = '\0';
	do {
		letters[--n] = 'a' + index % 26;
		index /= 26;
	} while (index-- > 0);
	if (partition)
		snprintf(name, DISK_NAME_LEN, "xvd%s%u", &letters[n],
			 partition);
	else
		snprintf(name, DISK_NAME_LEN, "xvd%s", &letters[n]);
}

/* Decodes "virtual-device" into the disk's numbers and name. */
int blkfront_identify(struct blkfront_dev *dev, u32 vdev)
{
	unsigned int minor, minors_per_disk, partition;

	if (vdev & VDEV_EXTENDED) {
		minor = vdev & ~VDEV_EXTENDED;
		minors_per_disk = VDEV_EXT_MINORS;
	} else if ((vdev >> 8) == BLKFRONT_MAJOR) {
		minor = vdev & 0xff;
		minors_per_disk = VDEV_XVD_MINORS;
	} else {
		return -ENODEV;	/* hd and sd numbers: emulated disks */
	}
	partition = minor % minors_per_disk;
	dev->handle = vdev;	/* truncated: the backend ignores it */
	dev->first_minor = minor;
	dev->minors = partition ? 1 : minors_per_disk;
	if (dev->first_minor + dev->minors - 1 > MINORMASK)
		return -ERANGE;
	blkfront_disk_name(dev->disk_name, minor / minors_per_disk,
			   partition);
	return 0;
}

/*
 * The ring is looked up per request: a restore replaces the rings while
 * the queue is quiesced, and a disk left without them fails its I/O.
 */
static blk_status_t blkfront_queue_rq(struct blk_mq_hw_ctx *hctx,
				      const struct blk_mq_queue_data *bd)
{
	struct blkfront_dev *dev = hctx->queue->queuedata;

	blk_mq_start_request(bd->rq);
	if (!dev->rings)
		return BLK_STS_IOERR;
	return blkfront_ring_queue(&dev->rings[hctx->queue_num], hctx, bd->rq);
}

static void blkfront_complete_rq(struct request *rq)
{
	struct blkfront_cmd *cmd = blk_mq_rq_to_pdu(rq);

	blk_mq_end_request(rq, cmd->status);
}

static const struct blk_mq_ops blkfront_mq_ops = {
	.queue_rq = blkfront_queue_rq,
	.complete = blkfront_complete_rq,
};

static const struct block_device_operations blkfront_fops = {
	.owner = THIS_MODULE,
};

static void blkfront_set_limits(const struct blkfront_dev *dev,
				struct request_queue *q,
				const struct blkfront_disk_info *info)
{
	blk_queue_logical_block_size(q, info->sector_size);
	blk_queue_physical_block_size(q, info->physical_sector_size);
	blk_queue_max_segments(q, dev->max_segs);
	blk_queue_max_hw_sectors(q, dev->max_segs *
				 (XEN_PAGE_SIZE >> SECTOR_SHIFT));
	/* A segment is granted as one page: none may cross into the next. */
	blk_queue_max_segment_size(q, XEN_PAGE_SIZE);
	blk_queue_segment_boundary(q, XEN_PAGE_SIZE - 1);
	/* Segments are described in whole 512-byte sectors. */
	blk_queue_dma_alignment(q, SECTOR_SIZE - 1);
	/* blkif has no FUA: the block layer flushes after such writes. */
	blk_queue_write_cache(q, dev->flush, false);
	if (!dev->discard) {
		/* A restore may have brought a backend without it. */
		blk_queue_max_discard_sectors(q, 0);
		return;
	}
	/* A request's size in bytes must fit its 32-bit __data_len. */
	blk_queue_max_discard_sectors(q, UINT_MAX >> SECTOR_SHIFT);
	q->limits.discard_granularity = max(info->discard_granularity,
					    info->sector_size);
	q->limits.discard_alignment = info->discard_alignment;
}

/* What the backend says of the disk, when it connects and reconnects. */
static void blkfront_disk_describe(struct blkfront_dev *dev,
				   struct gendisk *disk,
				   const struct blkfront_disk_info *info)
{
	blkfront_set_limits(dev, disk->queue, info);
	set_capacity_and_notify(disk, info->sectors);
	set_disk_ro(disk, info->info & VDISK_READONLY);
}

static void blkfront_disk_setup(struct blkfront_dev *dev,
				struct gendisk *disk,
				const struct blkfront_disk_info *info)
{
	disk->major = BLKFRONT_MAJOR;
	disk->first_minor = dev->first_minor;
	disk->minors = dev->minors;
	disk->fops = &blkfront_fops;
	disk->private_data = dev;
	strscpy(disk->disk_name, dev->disk_name, DISK_NAME_LEN);
	blkfront_disk_describe(dev, disk, info);
}

/* Creates the disk on the negotiated rings and makes it visible. */
int blkfront_disk_add(struct blkfront_dev *dev,
		      const struct blkfront_disk_info *info)
{
	struct blk_mq_tag_set *set = &dev->tag_set;
	struct gendisk *disk;
	int err;

	memset(set, 0, sizeof(*set));
	set->ops = &blkfront_mq_ops;
	set->nr_hw_queues = dev->nr_rings;
	/* No more requests than ring slots: a request always finds one. */
	set->queue_depth = dev->rings[0].front.nr_ents;
	set->numa_node = NUMA_NO_NODE;
	set->flags = BLK_MQ_F_SHOULD_MERGE;
	set->cmd_size = sizeof(struct blkfront_cmd);
	set->driver_data = dev;
	err = blk_mq_alloc_tag_set(set);
	if (err)
		return err;
	disk = blk_mq_alloc_disk(set, dev);
	if (IS_ERR(disk)) {
		err = PTR_ERR(disk);
		goto err_free_tag_set;
	}
	blkfront_disk_setup(dev, disk, info);
	err = device_add_disk(&dev->xdev->dev, disk, NULL);
	if (err)
		goto err_put_disk;
	dev->disk = disk;
	return 0;

err_put_disk:
	put_disk(disk);
err_free_tag_set:
	blk_mq_free_tag_set(set);
	return err;
}

/* Lets a quiesced disk's requests go again: to the rings, if it has any. */
static void blkfront_disk_restart(struct blkfront_dev *dev)
{
	struct request_queue *q = dev->disk->queue;

	if (!dev->suspended)
		return;
	dev->suspended = false;
	blk_mq_unquiesce_queue(q);
	blk_mq_start_stopped_hw_queues(q, true);
	blk_mq_kick_requeue_list(q);
}

/*
 * Removes the disk, open or not: I/O to an open one fails from here on.
 * Call with the rings closed, so that nothing in flight holds up
 * del_gendisk(), which waits for every request to end.
 */
void blkfront_disk_remove(struct blkfront_dev *dev)
{
	if (!dev->disk)
		return;
	/* Requests held back for new rings come through, and fail. */
	blkfront_disk_restart(dev);
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	blk_mq_free_tag_set(&dev->tag_set);
	dev->disk = NULL;
}

/*
 * A restore: the rings are about to go with the backend that had them.
 * Quiescing waits for every queue_rq() under way, and holds new requests
 * back until the disk has rings again.  Those in flight on the old rings
 * are requeued, to go out first on the new ones: their data is in memory,
 * restored with it, and writing or reading it once more does no harm.
 * Returns how many were in flight.
 */
unsigned int blkfront_disk_suspend(struct blkfront_dev *dev)
{
	struct request *rq, *next;
	unsigned int requeued = 0;
	LIST_HEAD(in_flight);

	if (dev->disk && !dev->suspended) {
		blk_mq_quiesce_queue(dev->disk->queue);
		dev->suspended = true;
	}
	blkfront_rings_suspend(dev, &in_flight);
	/* Each goes to the head of the queue: the last first. */
	list_for_each_entry_safe_reverse(rq, next, &in_flight, queuelist) {
		list_del_init(&rq->queuelist);
		blk_mq_requeue_request(rq, false);
		requeued++;
	}
	return requeued;
}

/* The backend connected again, after a restore: I/O resumes. */
void blkfront_disk_resume(struct blkfront_dev *dev,
			  const struct blkfront_disk_info *info)
{
	blkfront_disk_describe(dev, dev->disk, info);
	blkfront_disk_restart(dev);
}
