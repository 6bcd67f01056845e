/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reorder.h - disk request reordering for blkback: the portable core, built
 * in the kernel and, through splitio/portable.h, as userspace C for the unit
 * tests.  It decides; it does no I/O, takes no locks and allocates nothing.
 *
 * The contract of reorder_batch()
 * -------------------------------
 * In: @n requests (@n <= REORDER_MAX_BATCH) in arrival order, as taken from
 * the rings, and @head, the sector just past the last I/O issued.  Out:
 *
 *  - out->order[0..n): every input index exactly once, in issue order;
 *  - out->group_end[0..out->nr_groups): groups of consecutive entries of
 *    order[], group g being order[group_end[g - 1] .. group_end[g]) (from 0
 *    for g = 0).  A group is one I/O: plain reads, or plain writes, in
 *    ascending and contiguous sector order, within params->max_group_sectors
 *    and params->max_group_segs.  Every fence is a group of its own.  The
 *    caller completes each request of a group when the group's I/O ends;
 *  - @head: the end of the last request in issue order that moves data;
 *  - @stats: incremented, see struct reorder_stats.
 *
 * Nothing here is atomic: the caller serialises the calls that share a
 * head, a stats or an intake, e.g. one thread per backing device.
 *
 * The caller issues the groups in order.  At a fence (reorder_is_fence()) it
 * first waits until all I/O issued before has completed, then issues the
 * fence and issues nothing more until the fence has completed: that gives
 * barrier semantics, and the core guarantees that no request moves across a
 * fence in either direction.
 *
 * Two requests conflict if their sector ranges overlap and one of them
 * writes (a write, a discard, a fence with data).  Conflicting requests are
 * issued in arrival order; reads overlapping reads may be swapped.  Like a
 * disk's queue, blkif promises nothing about overlapping requests in flight
 * at the same time, so the caller need not wait between them.
 *
 * How the order is chosen
 * -----------------------
 * Fences cut the batch into segments.  Each segment is cut again, greedily
 * in arrival order, into stages free of conflicts: a request that conflicts
 * with one already in the current stage starts the next stage.  Each stage
 * is sorted in one-way elevator (C-SCAN) order from the head position left
 * by the stage before: first the sectors at or after the head, ascending,
 * then those before it, ascending; equal sectors keep their arrival order.
 * Stages are issued one after the other.  Then groups are formed greedily
 * over the issue order.
 *
 * Why stages: any two conflicting requests end up in different stages, the
 * earlier-arrived one in the earlier stage, so the ordering is correct by
 * construction with no repair pass.  The price is ordering quality: one
 * conflict ends an elevator sweep, so a batch that rewrites the same sectors
 * over and over degrades towards several short sweeps, even for requests
 * unrelated to the conflict; a batch without conflicts is one sweep per
 * segment.  Conflicts are found by comparing each request with its stage:
 * O(n^2) range comparisons in the worst case, half a million at 1024.
 * Sorting is a heapsort: O(n log n), no recursion, no memory.
 *
 * Fair intake from several rings
 * ------------------------------
 * struct reorder_intake hands out turns over the sources (rings) of one
 * backing device: a source takes up to a quota of requests in its turn,
 * then the next one that has requests pending gets its turn.  Turns go on
 * across batches, so a busy source never waits more than
 * (nr_sources - 1) * quota requests taken from the others.
 */
#ifndef SPLITIO_BLKBACK_REORDER_H
#define SPLITIO_BLKBACK_REORDER_H

#include "splitio/portable.h"

/* Indices into a batch are u16; the bound also caps the conflict search. */
#define REORDER_MAX_BATCH	1024

static_assert(REORDER_MAX_BATCH <= 1 << 16, "batch indices are u16");

enum reorder_kind {
	REORDER_READ,
	REORDER_WRITE,
	REORDER_DISCARD,	/* writes its range, is never merged */
	REORDER_FLUSH,		/* a fence, with data or without */
	REORDER_BARRIER,	/* a fence, with data or without */
};

/*
 * One request, in 512-byte sectors.  The caller has checked it against the
 * device's capacity, so sector + nr_sectors does not wrap.
 */
struct reorder_req {
	u64 sector;		/* first sector */
	u64 nr_sectors;		/* 0: moves no data, e.g. a pure flush */
	u16 nr_segs;		/* segments, for params->max_group_segs */
	u8 kind;		/* enum reorder_kind; others are fences */
	bool fua;		/* forced unit access: makes it a fence */
};

struct reorder_params {
	bool reorder;		/* false: issue in arrival order */
	bool merge;		/* false: every group is one request */
	u64 max_group_sectors;	/* no merged group has more sectors */
	u32 max_group_segs;	/* nor more segments */
};

/* Caller-provided arrays of REORDER_MAX_BATCH, or of its largest batch. */
struct reorder_out {
	u16 *order;		/* input indices in issue order */
	u16 *group_end;		/* where in order[] each group ends */
	unsigned int nr_groups;	/* entries used in group_end[] */
};

/*
 * Running totals since the caller zeroed them.  Seek distances are the sum
 * over requests moving data of |sector - end of the previous one|, starting
 * from the head position; comparing the two shows what reordering saved.
 * A single batch may seek further in issue order: the sweep's jump back
 * from its top can cost more than arrival order happened to.
 */
struct reorder_stats {
	u64 batches;		/* calls with at least one request */
	u64 requests;		/* requests in them */
	u64 reordered;		/* requests issued at another position */
	u64 merges;		/* requests merged into the group before */
	u64 seek_arrival;	/* seek distance in arrival order */
	u64 seek_issue;		/* seek distance in issue order */
};

/* Nothing crosses a fence, and it runs alone. */
static inline bool reorder_is_fence(const struct reorder_req *req)
{
	return req->fua || (req->kind != REORDER_READ &&
			    req->kind != REORDER_WRITE &&
			    req->kind != REORDER_DISCARD);
}

/* Returns 0, or -EINVAL if @n > REORDER_MAX_BATCH (then nothing changed). */
int reorder_batch(const struct reorder_req *reqs, unsigned int n, u64 *head,
		  const struct reorder_params *params, struct reorder_out *out,
		  struct reorder_stats *stats);

struct reorder_intake {
	unsigned int nr_sources;	/* sources taking turns */
	unsigned int quota;		/* requests a source takes a turn */
	unsigned int turn;		/* the source whose turn it is */
	unsigned int credit;		/* requests it may still take */
};

/* Returns 0, or -EINVAL if @nr_sources or @quota is 0. */
int reorder_intake_init(struct reorder_intake *intake,
			unsigned int nr_sources, unsigned int quota);

/*
 * The source to take one request from, given how many each has pending
 * (@pending has nr_sources entries); the caller takes it and updates
 * @pending.  Returns -ENODATA if no source has any.
 */
int reorder_intake_next(struct reorder_intake *intake,
			const unsigned int *pending);

#endif /* SPLITIO_BLKBACK_REORDER_H */
