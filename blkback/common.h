/* SPDX-License-Identifier: GPL-2.0 */
/*
 * common.h - splitio_blkback's shared definitions: the two request layouts
 * a frontend may use, the device and its rings, and the functions the
 * XenBus side (xenbus.c, connect.c), the request intake (ring.c), the I/O
 * (io.c) and the statistics (stats.c) call in each other.
 *
 * Who touches what: the XenBus callbacks run one at a time in the xenwatch
 * thread and alone create and destroy rings; each ring has one kthread that
 * alone consumes its requests, writes its responses and owns its pool; bio
 * completions only hand finished requests back to that thread.  With
 * reordering on, a ring's thread stages its prepared requests on the
 * backing disk, whose dispatcher thread alone issues them (sched.c).
 */
#ifndef SPLITIO_BLKBACK_COMMON_H
#define SPLITIO_BLKBACK_COMMON_H

#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <xen/interface/io/blkif.h>

#include "grant/grant.h"
#include "hv/hv.h"
#include "ring/sring.h"
#include "blkback/reorder.h"

/* What we advertise; a frontend asking for more is refused. */
#define BLKBACK_MAX_RING_ORDER		4
#define BLKBACK_MAX_RING_PAGES		(1u << BLKBACK_MAX_RING_ORDER)
#define BLKBACK_MAX_QUEUES		4
#define BLKBACK_MAX_INDIRECT_SEGS	256

static_assert(BLKBACK_MAX_RING_PAGES <= XENBUS_MAX_RING_GRANTS);

/* blkif counts 512-byte sectors, whatever the device's block size. */
#define BLKBACK_SECTOR_SHIFT		9
#define BLKBACK_SECTORS_PER_PAGE	(XEN_PAGE_SIZE >> BLKBACK_SECTOR_SHIFT)

/* Indirect requests list their segments in pages of these. */
#define BLKBACK_SEGS_PER_INDIRECT_PAGE \
	(XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
#define BLKBACK_MAX_INDIRECT_PAGES \
	DIV_ROUND_UP(BLKBACK_MAX_INDIRECT_SEGS, BLKBACK_SEGS_PER_INDIRECT_PAGE)

static_assert(BLKBACK_MAX_INDIRECT_PAGES <=
	      BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST);
static_assert(BLKBACK_MAX_INDIRECT_SEGS >= BLKIF_MAX_SEGMENTS_PER_REQUEST);

/* Persistent grants a ring keeps mapped by default, as Linux's blkback. */
#define BLKBACK_DEFAULT_PERSISTENT	1056

/* Requests one thread loop takes before it lets others run. */
#define BLKBACK_BATCH			64

/*
 * The request layouts.  A 64-bit frontend uses the kernel's struct
 * blkif_request (the 64-bit layout on this 64-bit kernel, which the
 * assertion below checks); a 32-bit x86 guest aligns 64-bit fields to 4
 * bytes only, so its fields sit 4 bytes earlier and its ring entries are
 * 108 bytes instead of 112.  Both use 8-byte struct blkif_request_segment.
 */
enum blkback_abi {
	BLKBACK_ABI_64,
	BLKBACK_ABI_X86_32,
};

static_assert(offsetof(struct blkif_request, u.rw.id) == 8);

struct blkback_x86_32_request_rw {
	u8 nr_segments;
	blkif_vdev_t handle;
	u64 id;
	blkif_sector_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
} __packed;

struct blkback_x86_32_request_discard {
	u8 flag;
	blkif_vdev_t _pad1;
	u64 id;
	blkif_sector_t sector_number;
	u64 nr_sectors;
	u8 _pad2;
} __packed;

struct blkback_x86_32_request_other {
	u8 _pad1;
	blkif_vdev_t _pad2;
	u64 id;
} __packed;

struct blkback_x86_32_request_indirect {
	u8 indirect_op;
	u16 nr_segments;
	u64 id;
	blkif_sector_t sector_number;
	blkif_vdev_t handle;
	u16 _pad1;
	grant_ref_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	u64 _pad2;
} __packed;

struct blkback_x86_32_request {
	u8 operation;
	union {
		struct blkback_x86_32_request_rw rw;
		struct blkback_x86_32_request_discard discard;
		struct blkback_x86_32_request_other other;
		struct blkback_x86_32_request_indirect indirect;
	} u;
} __packed;

/* 12 bytes: the 64-bit id is only 4-byte aligned on i386. */
struct blkback_x86_32_response {
	u64 id;
	u8 operation;
	u8 _pad;
	s16 status;
} __packed __aligned(4);

static_assert(sizeof(struct blkback_x86_32_request) == 108);
static_assert(offsetof(struct blkback_x86_32_request, u.rw.id) == 4);
static_assert(offsetof(struct blkback_x86_32_request, u.rw.seg) == 20);
static_assert(offsetof(struct blkback_x86_32_request,
		       u.indirect.indirect_grefs) == 24);
static_assert(sizeof(struct blkback_x86_32_response) == 12);
static_assert(offsetof(struct blkback_x86_32_response, status) ==
	      offsetof(struct blkif_response, status));

SPLITIO_RING_TYPED(blkif_64, struct blkif_request, struct blkif_response)
SPLITIO_RING_TYPED(blkif_x86_32, struct blkback_x86_32_request,
		   struct blkback_x86_32_response)

/*
 * A request as copied out of the ring, in either layout: the only copy
 * that is validated and acted on.  Segments go to the ring's scratch
 * array, as an indirect request has too many for the stack.
 */
struct blkback_request {
	u64 id;			/* the frontend's, echoed in the response */
	u8 operation;		/* BLKIF_OP_*, indirect_op for an indirect one */
	bool indirect;		/* segments are in indirect pages */
	u16 nr_segs;		/* segments, as the frontend claims */
	blkif_sector_t sector;	/* first 512-byte sector on the device */
	u64 nr_sectors;		/* discard: sectors to discard */
	bool secure;		/* discard: BLKIF_DISCARD_SECURE asked */
	grant_ref_t indirect_grefs[BLKBACK_MAX_INDIRECT_PAGES]; /* indirect */
};

/* Counters under <device>/statistics/, for all of the device's rings. */
struct blkback_stats {
	atomic64_t rd_req;	/* reads submitted */
	atomic64_t wr_req;	/* writes submitted, with or without flush */
	atomic64_t f_req;	/* flushes, empty or carrying a write */
	atomic64_t br_req;	/* barriers, empty or carrying a write */
	atomic64_t ds_req;	/* discards */
	atomic64_t rd_sect;	/* sectors read */
	atomic64_t wr_sect;	/* sectors written */
	atomic64_t errors;	/* requests answered with an error status */
	atomic64_t seg_mapped;	/* segments whose grant was mapped for them */
	atomic64_t seg_persistent; /* segments a persistent grant served */
	atomic64_t indirect_mapped; /* indirect pages mapped for a request */
};

struct blkback_ring;

/*
 * A request taken from the pool: its grants mapped, then staged for the
 * dispatcher (reordering on) or issued at once, and answered by its ring's
 * thread once its I/O has ended.
 */
struct blkback_pending {
	struct list_head node;		/* in the ring's free, staged or done list */
	struct blkback_ring *ring;	/* whose pool this comes from */
	u64 id;				/* echoed in the response */
	u8 operation;			/* echoed in the response */
	u16 nr_segs;			/* entries used in maps */
	sector_t sector;		/* first sector on the device */
	u64 nr_sectors;			/* a discard's, else what segs cover */
	bool secure;			/* a discard: BLKIF_DISCARD_SECURE */
	bool dispatched;		/* issued by the disk's dispatcher */
	atomic_t bios_left;		/* bios not completed, +1 while submitting */
	blk_status_t status;		/* first error a bio reported, else 0 */
	struct reorder_req rreq;	/* what the reorder core sees of it */
	struct splitio_grant_map *maps;	/* the segments' own mappings */
	/* Persistent grants on: each segment's cache entry, else NULL. */
	struct splitio_pgrant **pgrants;
	struct blkif_request_segment *segs; /* validated copies, for the bios */
};

/* Requests the dispatcher takes in one round, at most. */
#define BLKBACK_SCHED_BATCH		128
/* Requests a ring may hand it in its turn before the next ring's. */
#define BLKBACK_SCHED_QUOTA		8

static_assert(BLKBACK_SCHED_BATCH <= REORDER_MAX_BATCH);

/* The dispatcher's round: what it took, and the order it chose. */
struct blkback_sched_batch {
	unsigned int nr;
	struct blkback_pending *pending[BLKBACK_SCHED_BATCH];
	struct reorder_req rreqs[BLKBACK_SCHED_BATCH];
	u16 order[BLKBACK_SCHED_BATCH];
	u16 group_end[BLKBACK_SCHED_BATCH];
};

/*
 * A disk that one or more devices opened, whole or a partition each:
 * every guest on it queues on the same spindle, so with reordering on
 * their requests are ordered together, by one dispatcher thread, which
 * takes them round-robin from the rings (struct reorder_intake).
 */
struct blkback_disk {
	struct list_head node;		/* in the registry: disk.c */
	struct gendisk *gd;		/* the disk, whatever partition */
	unsigned int users;		/* devices that opened it: registry */
	struct task_struct *thread;	/* the dispatcher */
	wait_queue_head_t wq;		/* it waits here for staged requests */
	wait_queue_head_t idle_wq;	/* and here for in_flight to reach 0 */
	atomic_t in_flight;		/* requests it issued, not ended */
	spinlock_t lock;		/* guards the sources and what they staged */
	struct blkback_ring **sources;	/* rings taking part */
	unsigned int *staged;		/* requests each has staged */
	unsigned int nr_sources;	/* entries in both arrays */
	unsigned int nr_staged;		/* the sum over staged[] */
	struct reorder_intake intake;	/* whose turn it is: under lock */
	u64 head;			/* past the last sector: dispatcher */
	struct blkback_sched_batch batch; /* dispatcher only */
	/* Reordering, summed over rounds: see struct reorder_stats. */
	atomic64_t ro_batches;		/* rounds */
	atomic64_t ro_requests;		/* requests in them */
	atomic64_t ro_reordered;	/* issued at another position */
	atomic64_t ro_merges;		/* issued in one I/O with the one before */
	atomic64_t ro_seek_before;	/* seek distance in arrival order */
	atomic64_t ro_seek_after;	/* seek distance in issue order */
};

/* One queue: a shared ring, its event channel and the thread serving it. */
struct blkback_ring {
	struct blkback_dev *be;		/* the device this queue belongs to */
	unsigned int index;		/* N as in the frontend's queue-N */
	char name[24];			/* for the thread and the IRQ */
	void *vaddr;			/* the mapped ring, NULL if not mapped */
	unsigned int nr_pages;		/* pages mapped at vaddr */
	struct splitio_back_ring back;	/* our private indices into it */
	struct splitio_evtchn evtchn;	/* bound to the frontend's port */
	u32 irq_last_prod;		/* req_prod at the last event: IRQ only */
	struct task_struct *thread;	/* serves the ring, NULL if none */
	wait_queue_head_t wq;		/* where the thread waits for work */
	struct blkback_pending *pool;	/* one entry per ring slot */
	struct splitio_grant_map *maps;	/* the pool's maps, max segs each */
	struct blkif_request_segment *pool_segs; /* the pool's segs, as maps */
	struct splitio_pgrant **pool_pgrants; /* the pool's, if persistent */
	struct splitio_pgrant_cache pgrants; /* persistent grants: thread only */
	struct list_head free;		/* unused pool entries: thread only */
	unsigned int inflight;		/* pool entries in use: thread only */
	spinlock_t done_lock;		/* guards done: bio end vs thread */
	struct list_head done;		/* requests whose bios all ended */
	struct list_head busy;		/* ended, a page still referenced */
	/* The request being taken in: its validated segments.  Thread only. */
	struct blkif_request_segment segs[BLKBACK_MAX_INDIRECT_SEGS];
	/* Its grants not in the cache, mapped afresh, and their segments. */
	struct splitio_grant_map fresh[BLKBACK_MAX_INDIRECT_SEGS];
	u16 fresh_seg[BLKBACK_MAX_INDIRECT_SEGS];
	/* Reordering: requests prepared for the dispatcher, under disk lock. */
	struct list_head staged;	/* oldest first */
	unsigned int source;		/* its index in the disk's sources */
	bool reordering;		/* the mode of its last intake: thread */
};

/* One virtual block device, from probe to remove. */
struct blkback_dev {
	struct xenbus_device *xdev;	/* our XenBus device */
	struct xenbus_watch pdev_watch;	/* on physical-device; node set if on */
	dev_t devt;			/* the device opened, if bdev is set */
	struct block_device *bdev;	/* the backing device, NULL until open */
	struct blkback_disk *disk;	/* its disk, from open to remove */
	fmode_t mode;			/* how bdev was opened */
	bool readonly;			/* mode "r", or a read-only bdev */
	unsigned int max_queues;	/* multi-queue-max-queues we wrote */
	/* Set at connection, constant while rings run, but for resizes: */
	sector_t nr_sectors;		/* capacity in 512-byte sectors */
	unsigned int block_mask;	/* sectors per logical block, minus 1 */
	bool discard;			/* feature-discard advertised */
	bool discard_secure;		/* discard-secure advertised */
	bool persistent_offer;		/* feature-persistent we write */
	bool persistent;		/* and the frontend's too: in use */
	enum blkback_abi abi;		/* the frontend's request layout */
	struct blkback_ring *rings;	/* nr_rings queues, NULL if none */
	unsigned int nr_rings;		/* queues connected */
	bool broken;			/* the frontend broke the protocol */
	bool reorder;			/* batches go in elevator order */
	struct blkback_stats stats;	/* what the rings did */
};

/* xenbus.c */
void blkback_check_capacity(struct blkback_dev *be);

/* connect.c */
int blkback_rings_connect(struct blkback_dev *be);
void blkback_rings_start(struct blkback_dev *be);
void blkback_rings_disconnect(struct blkback_dev *be);

/* ring.c */
irqreturn_t blkback_interrupt(int irq, void *dev_id);
int blkback_ring_thread(void *arg);
void blkback_respond(struct blkback_ring *ring, u64 id, u8 operation,
		     s16 status);

/* io.c */
struct blkback_pending *blkback_prepare(struct blkback_ring *ring,
					const struct blkback_request *req);
void blkback_issue(struct blkback_pending *p);
int blkback_submit(struct blkback_ring *ring,
		   const struct blkback_request *req);
void blkback_complete(struct blkback_ring *ring);
void blkback_wait_complete(struct blkback_ring *ring);
void blkback_wait_idle(struct blkback_ring *ring);

/* How long the thread may sleep: a jiffy while pages are still referenced. */
static inline long blkback_busy_timeout(struct blkback_ring *ring)
{
	return list_empty(&ring->busy) ? MAX_SCHEDULE_TIMEOUT : 1;
}

/* disk.c */
struct blkback_disk *blkback_disk_get(struct block_device *bdev);
void blkback_disk_put(struct blkback_disk *disk);
int blkback_disk_join(struct blkback_ring *ring);
void blkback_disk_leave(struct blkback_ring *ring);
void blkback_disk_stage(struct blkback_ring *ring, struct blkback_pending *p);

/* sched.c */
extern bool blkback_reorder_default;
int blkback_sched_add(struct blkback_ring *ring,
		      const struct blkback_request *req);
void blkback_sched_kick(struct blkback_dev *be);
int blkback_sched_thread(void *arg);

/* stats.c */
int blkback_stats_add(struct blkback_dev *be);
void blkback_stats_remove(struct blkback_dev *be);

#endif /* SPLITIO_BLKBACK_COMMON_H */
