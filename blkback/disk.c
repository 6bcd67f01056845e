// SPDX-License-Identifier: GPL-2.0
/*
 * The backing disks and who shares them.  Devices that open the same disk
 * - the same whole device, or partitions of it - share one struct
 * blkback_disk: its dispatcher thread (sched.c) orders the requests of all
 * their rings together, since only here are all of them seen at once.
 *
 * A disk lives from the first device's open to the last one's remove.  A
 * ring is a source of the disk from connection to disconnection; by the
 * time it leaves, its thread has waited for all its requests to end, so
 * none of them is staged or in the dispatcher's hands.
 */
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "blkback/common.h"

static DEFINE_MUTEX(disk_registry_lock);
static LIST_HEAD(disk_registry);

static struct blkback_disk *disk_create(struct gendisk *gd)
{
	struct blkback_disk *disk;

	disk = kzalloc(sizeof(*disk), GFP_KERNEL);
	if (!disk)
		return ERR_PTR(-ENOMEM);
	disk->gd = gd;
	init_waitqueue_head(&disk->wq);
	init_waitqueue_head(&disk->idle_wq);
	spin_lock_init(&disk->lock);
	disk->thread = kthread_run(blkback_sched_thread, disk,
				   "blkback-sched-%s", gd->disk_name);
	if (IS_ERR(disk->thread)) {
		int err = PTR_ERR(disk->thread);

		kfree(disk);
		return ERR_PTR(err);
	}
	return disk;
}

/*
 * The disk of an open block device, shared with the other devices on it.
 * Returns it with a reference held, else ERR_PTR(-errno).
 */
struct blkback_disk *blkback_disk_get(struct block_device *bdev)
{
	struct blkback_disk *disk;

	mutex_lock(&disk_registry_lock);
	list_for_each_entry(disk, &disk_registry, node) {
		if (disk->gd == bdev->bd_disk)
			goto found;
	}
	disk = disk_create(bdev->bd_disk);
	if (IS_ERR(disk))
		goto out;
	list_add(&disk->node, &disk_registry);
found:
	disk->users++;
out:
	mutex_unlock(&disk_registry_lock);
	return disk;
}

void blkback_disk_put(struct blkback_disk *disk)
{
	mutex_lock(&disk_registry_lock);
	if (--disk->users) {
		mutex_unlock(&disk_registry_lock);
		return;
	}
	list_del(&disk->node);
	mutex_unlock(&disk_registry_lock);
	/* No ring is a source any more, so nothing is staged. */
	kthread_stop(disk->thread);
	kfree(disk->sources);
	kfree(disk->staged);
	kfree(disk);
}

/*
 * Makes @ring a source of its disk.  The arrays grow by one, allocated
 * outside the lock; a new source starts a new round of turns.
 */
int blkback_disk_join(struct blkback_ring *ring)
{
	struct blkback_disk *disk = ring->be->disk;
	struct blkback_ring **sources, **old_sources;
	unsigned int *staged, *old_staged, n;

	INIT_LIST_HEAD(&ring->staged);
	mutex_lock(&disk_registry_lock);	/* one join or leave at a time */
	n = disk->nr_sources;
	sources = kcalloc(n + 1, sizeof(*sources), GFP_KERNEL);
	staged = kcalloc(n + 1, sizeof(*staged), GFP_KERNEL);
	if (!sources || !staged) {
		mutex_unlock(&disk_registry_lock);
		kfree(sources);
		kfree(staged);
		return -ENOMEM;
	}
	spin_lock(&disk->lock);
	old_sources = disk->sources;
	old_staged = disk->staged;
	if (n) {
		memcpy(sources, old_sources, n * sizeof(*sources));
		memcpy(staged, old_staged, n * sizeof(*staged));
	}
	sources[n] = ring;
	ring->source = n;
	disk->sources = sources;
	disk->staged = staged;
	disk->nr_sources = n + 1;
	reorder_intake_init(&disk->intake, n + 1, BLKBACK_SCHED_QUOTA);
	spin_unlock(&disk->lock);
	mutex_unlock(&disk_registry_lock);
	kfree(old_sources);
	kfree(old_staged);
	return 0;
}

/* Its requests have all ended: see the top of this file. */
void blkback_disk_leave(struct blkback_ring *ring)
{
	struct blkback_disk *disk = ring->be->disk;
	unsigned int last;

	mutex_lock(&disk_registry_lock);
	spin_lock(&disk->lock);
	WARN_ON_ONCE(!list_empty(&ring->staged));
	disk->nr_staged -= disk->staged[ring->source];
	last = --disk->nr_sources;
	/* The last source takes the place of the one leaving. */
	disk->sources[ring->source] = disk->sources[last];
	disk->staged[ring->source] = disk->staged[last];
	disk->sources[ring->source]->source = ring->source;
	if (last)
		reorder_intake_init(&disk->intake, last, BLKBACK_SCHED_QUOTA);
	spin_unlock(&disk->lock);
	mutex_unlock(&disk_registry_lock);
}

/* Hands a prepared request to the dispatcher, behind the ring's others. */
void blkback_disk_stage(struct blkback_ring *ring, struct blkback_pending *p)
{
	struct blkback_disk *disk = ring->be->disk;

	spin_lock(&disk->lock);
	list_add_tail(&p->node, &ring->staged);
	disk->staged[ring->source]++;
	disk->nr_staged++;
	spin_unlock(&disk->lock);
}
