// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent grants: peer grants a backend keeps mapped across requests,
 * found by grant reference, so a busy peer reusing its buffers costs no
 * map/unmap hypercalls.  Entries not in use sit in an LRU from which the
 * least recently used are unmapped, in batches, when the cache must shrink.
 *
 * Room for new grants is made only from entries idle for a while.  A peer
 * whose working set is larger than the cache, cycling through it, would
 * otherwise evict each entry just before its next use: every grant would
 * be mapped and unmapped, as with no cache, and its buffers copied too.
 * Kept instead, the cache serves the part of the working set it holds,
 * and what does not fit is mapped for its request alone.
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "core/core.h"
#include "grant/grant.h"

/* Entries per unmap batch when purging. */
#define SPLITIO_PGRANT_PURGE_BATCH 16

/* How long an entry must have been unused to give its place to another. */
#define SPLITIO_PGRANT_IDLE	HZ

static struct kmem_cache *pgrant_slab;

int splitio_pgrant_slab_create(void)
{
	pgrant_slab = KMEM_CACHE(splitio_pgrant, 0);
	return pgrant_slab ? 0 : -ENOMEM;
}

void splitio_pgrant_slab_destroy(void)
{
	kmem_cache_destroy(pgrant_slab);
}

static int pgrant_cmp_ref(const void *key, const struct rb_node *node)
{
	grant_ref_t ref = *(const grant_ref_t *)key;
	grant_ref_t other = rb_entry(node, struct splitio_pgrant, node)->ref;

	return ref < other ? -1 : ref > other;
}

static int pgrant_cmp(struct rb_node *a, const struct rb_node *b)
{
	return pgrant_cmp_ref(&rb_entry(a, struct splitio_pgrant, node)->ref,
			      b);
}

void splitio_pgrant_cache_init(struct splitio_pgrant_cache *cache,
			       unsigned int max)
{
	cache->tree = RB_ROOT;
	INIT_LIST_HEAD(&cache->lru);
	cache->nr = 0;
	cache->max = max;
}
EXPORT_SYMBOL_GPL(splitio_pgrant_cache_init);

/*
 * Returns the entry for @ref marked in use, NULL if @ref is not cached (map
 * it and offer it to splitio_pgrant_add()), or ERR_PTR(-EBUSY) if a request
 * in flight already uses it.  Linux's blkfront never does that, but a
 * peer may: the caller then maps @ref again, as a mapping of its own.
 */
struct splitio_pgrant *splitio_pgrant_get(struct splitio_pgrant_cache *cache,
					  grant_ref_t ref)
{
	struct rb_node *node = rb_find(&ref, &cache->tree, pgrant_cmp_ref);
	struct splitio_pgrant *pgrant;

	if (!node)
		return NULL;
	pgrant = rb_entry(node, struct splitio_pgrant, node);
	if (pgrant->in_use)
		return ERR_PTR(-EBUSY);
	pgrant->in_use = true;
	list_del(&pgrant->lru);
	return pgrant;
}
EXPORT_SYMBOL_GPL(splitio_pgrant_get);

/*
 * Takes over a successful mapping as a new in-use entry: map->page becomes
 * NULL so the caller's batch unmap skips it.  Map writable, as the entry may
 * later serve either direction.  Fails with -ENOSPC when the cache is full
 * and -EEXIST when the peer passed the same grant twice; the mapping then
 * stays the caller's.
 */
struct splitio_pgrant *splitio_pgrant_add(struct splitio_pgrant_cache *cache,
					  struct splitio_grant_map *map,
					  gfp_t gfp)
{
	struct splitio_pgrant *pgrant;

	if (cache->nr >= cache->max)
		return ERR_PTR(-ENOSPC);
	pgrant = kmem_cache_alloc(pgrant_slab, gfp);
	if (!pgrant)
		return ERR_PTR(-ENOMEM);
	pgrant->ref = map->ref;
	pgrant->page = map->page;
	pgrant->handle = map->handle;
	pgrant->in_use = true;
	if (rb_find_add(&pgrant->node, &cache->tree, pgrant_cmp)) {
		kmem_cache_free(pgrant_slab, pgrant);
		return ERR_PTR(-EEXIST);
	}
	cache->nr++;
	map->page = NULL;
	return pgrant;
}
EXPORT_SYMBOL_GPL(splitio_pgrant_add);

/* Ends a use of @pgrant; it becomes the most recently used. */
void splitio_pgrant_put(struct splitio_pgrant_cache *cache,
			struct splitio_pgrant *pgrant)
{
	pgrant->in_use = false;
	pgrant->last_used = get_jiffies_64();
	list_add_tail(&pgrant->lru, &cache->lru);
}
EXPORT_SYMBOL_GPL(splitio_pgrant_put);

/*
 * Maps, for one use, the grants that maps[0..nr) name by ref.  Those in the
 * cache cost nothing; the others are mapped in one batch and join the
 * cache as far as it has room.  They are mapped writable whatever the use,
 * as the same grant may serve the other direction later: a peer that uses
 * persistent grants grants its pages so.  A grant the cache cannot take
 * (no room, or the peer passed it twice) stays this use's own mapping.
 *
 * On success each i has either pgrants[i], an entry in use, or maps[i].page,
 * a mapping of its own, and the number mapped afresh is returned.  On
 * failure nothing is left mapped or in use.  @fresh and @fresh_idx are
 * scratch space for @nr entries.  May sleep.
 */
int splitio_pgrant_map(struct splitio_pgrant_cache *cache, domid_t domid,
		       struct splitio_grant_map *maps,
		       struct splitio_pgrant **pgrants, unsigned int nr,
		       struct splitio_grant_map *fresh, u16 *fresh_idx)
{
	struct splitio_pgrant *pgrant;
	unsigned int i, k, nr_fresh = 0;
	int err;

	for (i = 0; i < nr; i++) {
		maps[i].page = NULL;
		pgrant = splitio_pgrant_get(cache, maps[i].ref);
		pgrants[i] = IS_ERR(pgrant) ? NULL : pgrant;
		if (pgrants[i])
			continue;
		fresh[nr_fresh].ref = maps[i].ref;
		fresh_idx[nr_fresh++] = i;
	}
	err = splitio_grants_map(domid, fresh, nr_fresh, false);
	if (err) {
		splitio_grants_unmap(fresh, nr_fresh);
		splitio_pgrant_release(cache, pgrants, nr);
		return err;
	}
	splitio_pgrant_make_room(cache, nr_fresh);
	for (k = 0; k < nr_fresh; k++) {
		i = fresh_idx[k];
		pgrant = splitio_pgrant_add(cache, &fresh[k], GFP_NOIO);
		if (IS_ERR(pgrant))
			maps[i] = fresh[k];
		else
			pgrants[i] = pgrant;
	}
	return nr_fresh;
}
EXPORT_SYMBOL_GPL(splitio_pgrant_map);

/* Gives back the entries of pgrants[0..nr) in use; the others are NULL. */
void splitio_pgrant_release(struct splitio_pgrant_cache *cache,
			    struct splitio_pgrant **pgrants, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (pgrants[i])
			splitio_pgrant_put(cache, pgrants[i]);
		pgrants[i] = NULL;
	}
}
EXPORT_SYMBOL_GPL(splitio_pgrant_release);

/*
 * Moves up to @max LRU entries out of the cache into @maps for unmapping;
 * with @idle_only, only those unused for SPLITIO_PGRANT_IDLE.
 */
static unsigned int pgrant_evict(struct splitio_pgrant_cache *cache,
				 struct splitio_grant_map *maps,
				 unsigned int max, bool idle_only)
{
	struct splitio_pgrant *pgrant, *next;
	unsigned int n = 0;

	list_for_each_entry_safe(pgrant, next, &cache->lru, lru) {
		if (n == max)
			break;
		/* The LRU is in order of use: the rest are more recent. */
		if (idle_only &&
		    time_before64(get_jiffies_64(),
				  pgrant->last_used + SPLITIO_PGRANT_IDLE))
			break;
		maps[n].ref = pgrant->ref;
		maps[n].page = pgrant->page;
		maps[n].handle = pgrant->handle;
		maps[n].status = GNTST_okay;
		n++;
		list_del(&pgrant->lru);
		rb_erase(&pgrant->node, &cache->tree);
		kmem_cache_free(pgrant_slab, pgrant);
	}
	cache->nr -= n;
	return n;
}

/*
 * Unmaps unused entries (with @idle_only, idle ones), least recently used
 * first, until at most @target entries remain or there are no more such.
 * May sleep.
 */
static void pgrant_shrink(struct splitio_pgrant_cache *cache,
			  unsigned int target, bool idle_only)
{
	struct splitio_grant_map maps[SPLITIO_PGRANT_PURGE_BATCH];
	unsigned int n;

	while (cache->nr > target) {
		n = min_t(unsigned int, cache->nr - target,
			  SPLITIO_PGRANT_PURGE_BATCH);
		n = pgrant_evict(cache, maps, n, idle_only);
		if (!n)
			break;
		splitio_grants_unmap(maps, n);
	}
}

/* Unmaps unused entries until at most @target remain.  May sleep. */
void splitio_pgrant_purge(struct splitio_pgrant_cache *cache,
			  unsigned int target)
{
	pgrant_shrink(cache, target, false);
}
EXPORT_SYMBOL_GPL(splitio_pgrant_purge);

/*
 * Unmaps idle entries, least recently used first, so that @n new ones
 * fit, as far as there are idle ones.  May sleep.
 */
void splitio_pgrant_make_room(struct splitio_pgrant_cache *cache,
			      unsigned int n)
{
	if (cache->nr + n > cache->max)
		pgrant_shrink(cache, cache->max > n ? cache->max - n : 0, true);
}
EXPORT_SYMBOL_GPL(splitio_pgrant_make_room);

/*
 * Unmaps every entry.  The caller must have completed all I/O first; an
 * entry still in use then is a bug, reported, but unmapped all the same
 * since the cache is going away.
 */
void splitio_pgrant_cache_uninit(struct splitio_pgrant_cache *cache)
{
	struct splitio_pgrant *pgrant;
	struct rb_node *node;

	for (node = rb_first(&cache->tree); node; node = rb_next(node)) {
		pgrant = rb_entry(node, struct splitio_pgrant, node);
		if (WARN_ON_ONCE(pgrant->in_use))
			splitio_pgrant_put(cache, pgrant);
	}
	splitio_pgrant_purge(cache, 0);
}
EXPORT_SYMBOL_GPL(splitio_pgrant_cache_uninit);
