/* SPDX-License-Identifier: GPL-2.0 */
/*
 * grant.h - grant tables for the split drivers.  Frontends grant their pages
 * (reference pools, one-off grants, shared rings) and revoke them without
 * ever reusing a page the peer may still map.  Backends map the peer's
 * grants in batches with per-entry status, copy through grants, and keep a
 * persistent-grant cache.
 *
 * None of these lock: each caller serialises use of its own pool, batch or
 * cache.  Every grant and mapping is counted in splitio_core's leak counters.
 */
#ifndef SPLITIO_GRANT_H
#define SPLITIO_GRANT_H

#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/rbtree.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>

#include "splitio/compat.h"

/* ---- Frontend: pools of grant references (grant/gref_pool.c) ---- */

/* References reserved in one batch, so the I/O path never runs short. */
struct splitio_gref_pool {
	grant_ref_t head;	/* the kernel's private free list */
	unsigned int size;	/* references owned: free or claimed */
	unsigned int nr_free;	/* references on the free list */
};

int splitio_gref_pool_init(struct splitio_gref_pool *pool, u16 count);
void splitio_gref_pool_uninit(struct splitio_gref_pool *pool);
int splitio_gref_pool_claim(struct splitio_gref_pool *pool);
void splitio_gref_pool_release(struct splitio_gref_pool *pool,
			       grant_ref_t ref);
int splitio_gref_pool_grant(struct splitio_gref_pool *pool, domid_t domid,
			    struct page *page, bool readonly);
bool splitio_gref_pool_revoke(struct splitio_gref_pool *pool,
			      grant_ref_t ref, struct page *page);

/* References claimed and not yet released or revoked: 0 before uninit. */
static inline unsigned int
splitio_gref_pool_in_use(const struct splitio_gref_pool *pool)
{
	return pool->size - pool->nr_free;
}

/* ---- Frontend: one-off grants and shared rings (grant/access.c) ---- */

int splitio_grant_page(domid_t domid, struct page *page, bool readonly);
bool splitio_grant_revoke(grant_ref_t ref, struct page *page);

/* A multi-page ring shared with the backend; zeroed means not set up. */
struct splitio_granted_ring {
	void *vaddr;
	unsigned int nr_pages;
	grant_ref_t grefs[XENBUS_MAX_RING_GRANTS];
};

int splitio_granted_ring_setup(struct xenbus_device *dev,
			       struct splitio_granted_ring *ring,
			       unsigned int nr_pages);
void splitio_granted_ring_teardown(struct splitio_granted_ring *ring);

/* ---- Page flipping: transfer grants (grant/transfer.c) ---- */

/*
 * A frontend's second mapping of its own v1 grant table.  It is taken
 * down around a save and put up again after it (grant/transfer.c).
 */
struct splitio_transfer_table {
	struct grant_entry_v1 *entries;	/* NULL: not mapped */
	unsigned int nr_entries;	/* 0 while the mapping is down */
	unsigned int nr_frames;		/* table frames mapped */
	xen_pfn_t *frames;		/* their machine frames, nr_frames */
	struct page *spare;		/* what the vmap was made of */
	struct list_head link;		/* on the list of mapped tables */
};

bool splitio_transfer_possible(void);
int splitio_transfer_table_map(struct splitio_transfer_table *t);
void splitio_transfer_table_unmap(struct splitio_transfer_table *t);
int splitio_transfer_offer(struct splitio_transfer_table *t, grant_ref_t ref,
			   domid_t domid, unsigned long pfn);
int splitio_transfer_end(struct splitio_transfer_table *t, grant_ref_t ref,
			 xen_pfn_t *mfn);
int splitio_grant_transfer(xen_pfn_t mfn, domid_t domid, grant_ref_t ref,
			   bool *kept);

/* ---- Backend: batched map, unmap and copy (grant/batch.c) ---- */

/* One peer grant to map; page is non-NULL exactly while it is mapped. */
struct splitio_grant_map {
	grant_ref_t ref;	/* in: the peer's grant */
	struct page *page;	/* out: where it is mapped */
	grant_handle_t handle;	/* out: needed to unmap */
	s16 status;		/* out: GNTST_okay or why it failed */
};

int splitio_grants_map(domid_t domid, struct splitio_grant_map *maps,
		       unsigned int nr, bool readonly);
void splitio_grants_unmap(struct splitio_grant_map *maps, unsigned int nr);
bool splitio_grants_busy(const struct splitio_grant_map *maps, unsigned int nr);
void splitio_grants_unmap_now(struct splitio_grant_map *maps, unsigned int nr);
int splitio_grant_copy(struct gnttab_copy *ops, unsigned int nr);

/* A ring the peer granted, mapped contiguously; one grant per page. */
int splitio_peer_ring_map(struct xenbus_device *dev, grant_ref_t *grefs,
			  unsigned int nr_grefs, void **vaddr);
void splitio_peer_ring_unmap(struct xenbus_device *dev, void *vaddr,
			     unsigned int nr_grefs);

/* Fills @op to copy @len bytes from the peer's grant into our @page. */
static inline void splitio_copy_op_from_peer(struct gnttab_copy *op,
					     domid_t domid, grant_ref_t ref,
					     unsigned int ref_offset,
					     struct page *page,
					     unsigned int page_offset,
					     unsigned int len)
{
	op->source.u.ref = ref;
	op->source.domid = domid;
	op->source.offset = ref_offset;
	op->dest.u.gmfn = xen_page_to_gfn(page);
	op->dest.domid = DOMID_SELF;
	op->dest.offset = page_offset;
	op->len = len;
	op->flags = GNTCOPY_source_gref;
}

/* Fills @op to copy @len bytes from our @page into the peer's grant. */
static inline void splitio_copy_op_to_peer(struct gnttab_copy *op,
					   struct page *page,
					   unsigned int page_offset,
					   domid_t domid, grant_ref_t ref,
					   unsigned int ref_offset,
					   unsigned int len)
{
	op->source.u.gmfn = xen_page_to_gfn(page);
	op->source.domid = DOMID_SELF;
	op->source.offset = page_offset;
	op->dest.u.ref = ref;
	op->dest.domid = domid;
	op->dest.offset = ref_offset;
	op->len = len;
	op->flags = GNTCOPY_dest_gref;
}

/* ---- Backend: persistent grants (grant/persistent.c) ---- */

/* A peer grant kept mapped across requests. */
struct splitio_pgrant {
	struct rb_node node;	/* in the cache's tree, keyed by ref */
	struct list_head lru;	/* in the cache's LRU while not in use */
	struct page *page;
	u64 last_used;			/* jiffies64, when last put */
	grant_ref_t ref;
	grant_handle_t handle;
	bool in_use;
};

struct splitio_pgrant_cache {
	struct rb_root tree;
	struct list_head lru;	/* unused entries, least recent first */
	unsigned int nr;	/* entries in the tree */
	unsigned int max;
};

void splitio_pgrant_cache_init(struct splitio_pgrant_cache *cache,
			       unsigned int max);
void splitio_pgrant_cache_uninit(struct splitio_pgrant_cache *cache);
struct splitio_pgrant *splitio_pgrant_get(struct splitio_pgrant_cache *cache,
					  grant_ref_t ref);
struct splitio_pgrant *splitio_pgrant_add(struct splitio_pgrant_cache *cache,
					  struct splitio_grant_map *map,
					  gfp_t gfp);
void splitio_pgrant_put(struct splitio_pgrant_cache *cache,
			struct splitio_pgrant *pgrant);
int splitio_pgrant_map(struct splitio_pgrant_cache *cache, domid_t domid,
		       struct splitio_grant_map *maps,
		       struct splitio_pgrant **pgrants, unsigned int nr,
		       struct splitio_grant_map *fresh, u16 *fresh_idx);
void splitio_pgrant_release(struct splitio_pgrant_cache *cache,
			    struct splitio_pgrant **pgrants, unsigned int nr);
void splitio_pgrant_purge(struct splitio_pgrant_cache *cache,
			  unsigned int target);
void splitio_pgrant_make_room(struct splitio_pgrant_cache *cache,
			      unsigned int n);

#endif /* SPLITIO_GRANT_H */
