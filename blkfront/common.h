/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - what the parts of splitio_blkfront share.
 *
 *   main.c    module, xenbus driver and the backend state machine
 *   xenbus.c  negotiation with the backend through XenStore
 *   ring.c    the shared rings: requests out, responses in
 *   mq.c      blk-mq and the gendisk
 *
 * Locking: each ring's lock guards that ring's I/O state (see struct
 * blkfront_ring).  Everything else changes only in the xenwatch thread
 * (backend state changes) or in remove(), which the xenbus core
 * serialises, and only while no I/O can reach the ring.
 */
#ifndef SPLITIO_BLKFRONT_COMMON_H
#define SPLITIO_BLKFRONT_COMMON_H

#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <xen/interface/io/blkif.h>

#include "grant/grant.h"
#include "hv/hv.h"
#include "ring/sring.h"

SPLITIO_RING_TYPED(blkif, struct blkif_request, struct blkif_response)

/* Xen's virtual disk major, which the kernel's xen-blkfront uses too. */
#define BLKFRONT_MAJOR			202

/* Most of what a backend offers that we take. */
#define BLKFRONT_MAX_RING_ORDER		2	/* 4 pages: 128 requests */
#define BLKFRONT_MAX_QUEUES		4
#define BLKFRONT_MAX_INDIRECT_SEGS	32	/* 128 KiB per request */

/*
 * Persistent grants a ring makes, data and indirect pages together: what a
 * backend keeps mapped per ring by default (max_persistent_grants in
 * Linux's blkback and ours), 32 requests of 32 segments and an indirect
 * page.  Beyond it the backend would map and unmap grants for each request
 * while we still copied through them; requests wait for grants instead.
 * Each slot's indirect pages are set aside from it, so that a request
 * only ever waits for data pages, which those in flight give back.
 */
#define BLKFRONT_MAX_PGRANTS		1056

#define BLKFRONT_SEGS_PER_INDIRECT_PAGE \
	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
#define BLKFRONT_MAX_INDIRECT_PAGES \
	DIV_ROUND_UP(BLKFRONT_MAX_INDIRECT_SEGS, BLKFRONT_SEGS_PER_INDIRECT_PAGE)

static_assert(BLKFRONT_MAX_INDIRECT_SEGS > BLKIF_MAX_SEGMENTS_PER_REQUEST);
static_assert(BLKFRONT_MAX_INDIRECT_PAGES <=
	      BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
/* One grant pool covers a whole ring, and pools count in u16. */
static_assert(SPLITIO_RING_ENTRIES(XEN_PAGE_SIZE << BLKFRONT_MAX_RING_ORDER,
				   sizeof(union blkif_sring_entry)) *
	      (BLKFRONT_MAX_INDIRECT_SEGS + BLKFRONT_MAX_INDIRECT_PAGES) <=
	      U16_MAX);
/* A segment is one grant, and a grant is one Xen page. */
static_assert(PAGE_SIZE == XEN_PAGE_SIZE);

struct blkfront_dev;

/*
 * Persistent grants: a page of ours granted to the backend for as long as
 * the ring lives, which data is copied through.  The backend keeps it
 * mapped, so a request costs it no map or unmap.
 */
struct blkfront_pgrant {
	struct list_head node;		/* in the ring's free list when unused */
	struct page *page;
	grant_ref_t ref;
};

/* A ring slot id and the request it carries; ids travel in blkif "id". */
struct blkfront_shadow {
	struct request *rq;		/* in flight; NULL while the id is free */
	u32 next_free;			/* next free id, while this one is free */
	u8 operation;			/* what the response must echo */
	unsigned int nr_segs;		/* segments granted: grefs[], sg[] */
	unsigned int nr_indirect;	/* indirect pages granted */
	unsigned int nr_indirect_kept;	/* granted for good: persistent */
	grant_ref_t grefs[BLKFRONT_MAX_INDIRECT_SEGS];	/* per segment */
	/* Persistent grants: the page each segment is copied through. */
	struct blkfront_pgrant *bounce[BLKFRONT_MAX_INDIRECT_SEGS];
	struct scatterlist sg[BLKFRONT_MAX_INDIRECT_SEGS]; /* the segments */
	grant_ref_t indirect_grefs[BLKFRONT_MAX_INDIRECT_PAGES]; /* per page */
	struct page *indirect_pages[BLKFRONT_MAX_INDIRECT_PAGES]; /* ours */
};

/* One shared ring, its event channel and one blk-mq hardware queue. */
struct blkfront_ring {
	struct blkfront_dev *dev;		/* the device it belongs to */
	unsigned int index;			/* N in "queue-N/", hw queue */
	struct splitio_granted_ring granted;	/* the shared pages */
	struct splitio_evtchn evtchn;		/* lateeoi, to the backend */
	char irq_name[DISK_NAME_LEN + 8];	/* outlives the IRQ */
	spinlock_t lock;			/* guards all fields below */
	bool live;				/* requests may go out */
	struct splitio_front_ring front;	/* our view of the ring */
	struct splitio_gref_pool pool;		/* segment, indirect grants */
	struct list_head pgrants_free;		/* persistent grants unused */
	unsigned int nr_pgrants;		/* data ones made */
	unsigned int max_pgrants;		/* data ones at most */
	struct blkfront_shadow *shadow;		/* front.nr_ents, by id */
	u32 free_head;				/* first free id or nr_ents */
	struct blk_mq_hw_ctx *stopped;		/* hw queue stopped when full */
};

/* What the backend says about the disk when it connects. */
struct blkfront_disk_info {
	u64 sectors;			/* capacity in 512-byte sectors */
	u32 info;			/* VDISK_* flags */
	u32 sector_size;		/* logical block size in bytes */
	u32 physical_sector_size;	/* physical block size in bytes */
	u32 flush;			/* feature-flush-cache */
	u32 barrier;			/* feature-barrier */
	u32 discard;			/* feature-discard */
	u32 discard_granularity;	/* bytes */
	u32 discard_alignment;		/* bytes */
	u32 persistent;			/* feature-persistent */
};

/* One virtual block device: the "vbd" XenBus device and its disk. */
struct blkfront_dev {
	struct xenbus_device *xdev;		/* our XenBus device */
	blkif_vdev_t handle;			/* "virtual-device", truncated */
	unsigned int first_minor;		/* decoded from vdev */
	unsigned int minors;			/* 1 for a partition */
	char disk_name[DISK_NAME_LEN];		/* xvda, xvdb1, ... */

	/* Negotiated when the backend is in InitWait. */
	unsigned int ring_order;		/* pages per ring, as order */
	unsigned int nr_rings;			/* one per hw queue */
	unsigned int max_segs;			/* segments per request */
	bool indirect;				/* over 11 segments: indirect */
	bool persistent_offer;			/* feature-persistent we wrote */
	struct blkfront_ring *rings;		/* NULL until negotiated */

	/* Learnt when the backend is Connected. */
	bool flush;				/* flush_op is supported */
	u8 flush_op;				/* FLUSH_DISKCACHE or BARRIER */
	bool discard;				/* BLKIF_OP_DISCARD supported */
	bool persistent;			/* both offered persistent grants */
	struct blk_mq_tag_set tag_set;		/* valid while disk is set */
	struct gendisk *disk;			/* NULL unless connected */
	bool suspended;				/* disk's queue quiesced */
};

/* Per blk-mq request: the status its response gave, until completion. */
struct blkfront_cmd {
	blk_status_t status;
};

/* ring.c */
int blkfront_rings_alloc(struct blkfront_dev *dev);
void blkfront_rings_close(struct blkfront_dev *dev);
void blkfront_rings_free(struct blkfront_dev *dev);
void blkfront_rings_suspend(struct blkfront_dev *dev,
			    struct list_head *in_flight);
blk_status_t blkfront_ring_queue(struct blkfront_ring *ring,
				 struct blk_mq_hw_ctx *hctx,
				 struct request *rq);

/* mq.c */
int blkfront_identify(struct blkfront_dev *dev, u32 vdev);
int blkfront_disk_add(struct blkfront_dev *dev,
		      const struct blkfront_disk_info *info);
void blkfront_disk_remove(struct blkfront_dev *dev);
unsigned int blkfront_disk_suspend(struct blkfront_dev *dev);
void blkfront_disk_resume(struct blkfront_dev *dev,
			  const struct blkfront_disk_info *info);

/* xenbus.c */
int blkfront_negotiate(struct blkfront_dev *dev);
int blkfront_connect(struct blkfront_dev *dev);
void blkfront_update_capacity(struct blkfront_dev *dev);
void blkfront_close(struct blkfront_dev *dev);

#endif /* SPLITIO_BLKFRONT_COMMON_H */
