// SPDX-License-Identifier: GPL-2.0
/*
 * The frontend's queues: where its rings and event channels are (from
 * XenStore), mapping and binding them, each ring's request pool and
 * thread; and taking all of that down again.
 */
#include <linux/kthread.h>
#include <linux/slab.h>
#include <xen/interface/io/protocols.h>

#include "blkback/common.h"

/* "ring-page-order" read as this means it is absent: one "ring-ref". */
#define CONNECT_NO_ORDER	U32_MAX

/*
 * Read once per connection: what we advertise, and what we then use if
 * the frontend advertises it too.  Each side advertises what it can do,
 * never what it negotiated, or both would wait for the other (Linux's
 * 2022 regression).
 */
static bool blkback_persistent = true;
module_param_named(feature_persistent, blkback_persistent, bool, 0644);
MODULE_PARM_DESC(feature_persistent,
		 "Offer persistent grants to frontends connecting from now on (default: on)");

static unsigned int blkback_max_pgrants = BLKBACK_DEFAULT_PERSISTENT;
module_param_named(max_persistent_grants, blkback_max_pgrants, uint, 0644);
MODULE_PARM_DESC(max_persistent_grants,
		 "Persistent grants each queue keeps mapped, at most (default: 1056)");

static const struct {
	const char *name;
	enum blkback_abi abi;
} connect_protocols[] = {
	{ XEN_IO_PROTO_ABI_X86_64, BLKBACK_ABI_64 },
	{ XEN_IO_PROTO_ABI_X86_32, BLKBACK_ABI_X86_32 },
};

static int connect_read_protocol(struct blkback_dev *be)
{
	struct xenbus_device *dev = be->xdev;
	unsigned int i;
	char *name;

	name = splitio_xs_read_str(XBT_NIL, dev->otherend, "protocol",
				   XEN_IO_PROTO_ABI_NATIVE);
	if (IS_ERR(name)) {
		xenbus_dev_fatal(dev, PTR_ERR(name), "reading %s/protocol",
				 dev->otherend);
		return PTR_ERR(name);
	}
	for (i = 0; i < ARRAY_SIZE(connect_protocols); i++) {
		if (!strcmp(name, connect_protocols[i].name)) {
			be->abi = connect_protocols[i].abi;
			kfree(name);
			return 0;
		}
	}
	dev_err_ratelimited(&dev->dev, "frontend's protocol \"%*pE\" unknown\n",
			    (int)strnlen(name, 32), name);
	xenbus_dev_fatal(dev, -EINVAL, "unknown protocol");
	kfree(name);
	return -EINVAL;
}

static int ring_read_keys(struct blkback_ring *ring, const char *dir,
			  u32 order, grant_ref_t *grefs, evtchn_port_t *port)
{
	char keys[BLKBACK_MAX_RING_PAGES][sizeof("ring-ref15")];
	struct splitio_xs_field fields[BLKBACK_MAX_RING_PAGES + 1] = {
		{ "event-channel", port, 0, true },
	};
	unsigned int i;

	for (i = 0; i < ring->nr_pages; i++) {
		if (order == CONNECT_NO_ORDER)
			strscpy(keys[i], "ring-ref", sizeof(keys[i]));
		else
			snprintf(keys[i], sizeof(keys[i]), "ring-ref%u", i);
		fields[i + 1] = (struct splitio_xs_field){
			.key = keys[i], .value = &grefs[i], .required = true,
		};
	}
	return splitio_xs_gather(ring->be->xdev, dir, fields,
				 ring->nr_pages + 1);
}

static void ring_free_pool(struct blkback_ring *ring)
{
	kvfree(ring->pool_pgrants);
	kvfree(ring->pool_segs);
	kvfree(ring->maps);
	kvfree(ring->pool);
}

/* One request in flight per ring slot, each with room for the most segments. */
static int ring_alloc_pool(struct blkback_ring *ring)
{
	u32 i, nr = ring->back.nr_ents;

	ring->pool = kvcalloc(nr, sizeof(*ring->pool), GFP_KERNEL);
	ring->maps = kvcalloc((size_t)nr * BLKBACK_MAX_INDIRECT_SEGS,
			      sizeof(*ring->maps), GFP_KERNEL);
	ring->pool_segs = kvcalloc((size_t)nr * BLKBACK_MAX_INDIRECT_SEGS,
				   sizeof(*ring->pool_segs), GFP_KERNEL);
	if (ring->be->persistent)
		ring->pool_pgrants = kvcalloc((size_t)nr *
					      BLKBACK_MAX_INDIRECT_SEGS,
					      sizeof(*ring->pool_pgrants),
					      GFP_KERNEL);
	if (!ring->pool || !ring->maps || !ring->pool_segs ||
	    (ring->be->persistent && !ring->pool_pgrants)) {
		ring_free_pool(ring);
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++) {
		struct blkback_pending *p = &ring->pool[i];
		size_t first = (size_t)i * BLKBACK_MAX_INDIRECT_SEGS;

		p->ring = ring;
		p->maps = ring->maps + first;
		p->segs = ring->pool_segs + first;
		p->pgrants = ring->pool_pgrants ? ring->pool_pgrants + first :
						  NULL;
		list_add_tail(&p->node, &ring->free);
	}
	return 0;
}

/* Everything but starting the thread; failures are reported as fatal. */
static int ring_connect(struct blkback_ring *ring, const char *dir,
			u32 order)
{
	struct xenbus_device *dev = ring->be->xdev;
	grant_ref_t grefs[BLKBACK_MAX_RING_PAGES];
	evtchn_port_t port;
	size_t ent_size;
	int err;

	ring->nr_pages = order == CONNECT_NO_ORDER ? 1 : 1u << order;
	err = ring_read_keys(ring, dir, order, grefs, &port);
	if (err)
		return err;
	err = splitio_peer_ring_map(dev, grefs, ring->nr_pages, &ring->vaddr);
	if (err) {
		xenbus_dev_fatal(dev, err, "mapping the ring of queue %u",
				 ring->index);
		return err;
	}
	ent_size = ring->be->abi == BLKBACK_ABI_X86_32 ?
		   blkif_x86_32_ring_ent_size() : blkif_64_ring_ent_size();
	err = splitio_back_init(&ring->back, ring->vaddr,
				ring->nr_pages * XEN_PAGE_SIZE, ent_size);
	if (!err)
		err = ring_alloc_pool(ring);
	if (err) {
		xenbus_dev_fatal(dev, err, "setting up queue %u", ring->index);
		goto err_unmap;
	}
	err = blkback_disk_join(ring);
	if (err) {
		xenbus_dev_fatal(dev, err, "queue %u joining its disk",
				 ring->index);
		goto err_free_pool;
	}
	err = splitio_evtchn_back_bind(dev, &ring->evtchn, port,
				       blkback_interrupt, ring->name, ring);
	if (err)
		goto err_leave;
	ring->thread = kthread_create(blkback_ring_thread, ring, "%s",
				      ring->name);
	if (IS_ERR(ring->thread)) {
		err = PTR_ERR(ring->thread);
		xenbus_dev_fatal(dev, err, "creating the thread of queue %u",
				 ring->index);
		goto err_unbind;
	}
	return 0;

err_unbind:
	splitio_evtchn_unbind(&ring->evtchn, ring);
err_leave:
	blkback_disk_leave(ring);
err_free_pool:
	ring_free_pool(ring);
err_unmap:
	splitio_peer_ring_unmap(dev, ring->vaddr, ring->nr_pages);
	return err;
}

static void ring_disconnect(struct blkback_ring *ring)
{
	/* The thread answers the requests in flight before it returns. */
	kthread_stop(ring->thread);
	splitio_evtchn_unbind(&ring->evtchn, ring);
	blkback_disk_leave(ring);
	splitio_pgrant_cache_uninit(&ring->pgrants);
	ring_free_pool(ring);
	splitio_peer_ring_unmap(ring->be->xdev, ring->vaddr, ring->nr_pages);
}

static int connect_queue(struct blkback_dev *be, unsigned int index,
			 unsigned int nr_queues, u32 order)
{
	struct blkback_ring *ring = &be->rings[index];
	const char *otherend = be->xdev->otherend;
	char *dir;
	int err;

	ring->be = be;
	ring->index = index;
	snprintf(ring->name, sizeof(ring->name), "%s-q%u",
		 dev_name(&be->xdev->dev), index);
	init_waitqueue_head(&ring->wq);
	INIT_LIST_HEAD(&ring->free);
	spin_lock_init(&ring->done_lock);
	INIT_LIST_HEAD(&ring->done);
	INIT_LIST_HEAD(&ring->busy);
	splitio_pgrant_cache_init(&ring->pgrants, READ_ONCE(blkback_max_pgrants));

	/* One queue has its keys at the top, several each in queue-N/. */
	if (nr_queues == 1)
		dir = kstrdup(otherend, GFP_KERNEL);
	else
		dir = kasprintf(GFP_KERNEL, "%s/queue-%u", otherend, index);
	if (!dir) {
		xenbus_dev_fatal(be->xdev, -ENOMEM, "connecting queue %u",
				 index);
		return -ENOMEM;
	}
	err = ring_connect(ring, dir, order);
	kfree(dir);
	return err;
}

/*
 * Connects every queue the frontend set up, or none; failures are
 * reported as fatal.  The threads wait for blkback_rings_start().
 */
int blkback_rings_connect(struct blkback_dev *be)
{
	struct xenbus_device *dev = be->xdev;
	u32 nr_queues, order, persistent;
	const struct splitio_xs_field fields[] = {
		{ "multi-queue-num-queues", &nr_queues, 1, false },
		{ "ring-page-order", &order, CONNECT_NO_ORDER, false },
		{ "feature-persistent", &persistent, 0, false },
	};
	unsigned int i;
	int err;

	err = connect_read_protocol(be);
	if (err)
		return err;
	err = splitio_xs_gather(dev, dev->otherend, fields, ARRAY_SIZE(fields));
	if (err)
		return err;
	if (!nr_queues || nr_queues > be->max_queues) {
		xenbus_dev_fatal(dev, -EINVAL, "%u queues asked for, at most %u",
				 nr_queues, be->max_queues);
		return -EINVAL;
	}
	if (order != CONNECT_NO_ORDER && order > BLKBACK_MAX_RING_ORDER) {
		xenbus_dev_fatal(dev, -EINVAL, "ring-page-order %u, at most %u",
				 order, BLKBACK_MAX_RING_ORDER);
		return -EINVAL;
	}
	be->persistent_offer = READ_ONCE(blkback_persistent);
	be->persistent = be->persistent_offer && persistent;
	be->rings = kvcalloc(nr_queues, sizeof(*be->rings), GFP_KERNEL);
	if (!be->rings) {
		xenbus_dev_fatal(dev, -ENOMEM, "allocating %u queues",
				 nr_queues);
		return -ENOMEM;
	}
	for (i = 0; i < nr_queues; i++) {
		err = connect_queue(be, i, nr_queues, order);
		if (err)
			goto err_disconnect;
		be->nr_rings++;
	}
	return 0;

err_disconnect:
	blkback_rings_disconnect(be);
	return err;
}

void blkback_rings_start(struct blkback_dev *be)
{
	unsigned int i;

	for (i = 0; i < be->nr_rings; i++)
		wake_up_process(be->rings[i].thread);
}

/*
 * Stops every queue: threads first, each once its I/O in flight is
 * answered, then the event channels, pools and rings.  Idempotent.
 */
void blkback_rings_disconnect(struct blkback_dev *be)
{
	unsigned int i;

	if (be->nr_rings)
		dev_info(&be->xdev->dev, "%u queue(s) disconnected; segments so far: %lld through persistent grants, %lld mapped as they came\n",
			 be->nr_rings,
			 atomic64_read(&be->stats.seg_persistent),
			 atomic64_read(&be->stats.seg_mapped));
	for (i = 0; i < be->nr_rings; i++)
		ring_disconnect(&be->rings[i]);
	kvfree(be->rings);
	be->rings = NULL;
	be->nr_rings = 0;
}
