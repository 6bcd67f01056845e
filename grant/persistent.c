// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent grants: peer grants a backend keeps mapped across requests,
 * found by grant reference, so a busy peer reusing its buffers costs no
 * map/unmap hypercalls.  Entries not in use sit in an LRU from which the
 * least recently used are unmapped, in batches, when the cache must shrink.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "core/core.h"
#include "grant/grant.h"

/* Entries per unmap batch when purging. */
#define SPLITIO_PGRANT_PURGE_BATCH 16

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
	list_add_tail(&pgrant->lru, &cache->lru);
}
EXPORT_SYMBOL_GPL(splitio_pgrant_put);

/* Moves up to @max LRU entries out of the cache into @maps for unmapping. */
static unsigned int pgrant_evict(struct splitio_pgrant_cache *cache,
				 struct splitio_grant_map *maps,
				 unsigned int max)
{
	struct splitio_pgrant *pgrant, *next;
	unsigned int n = 0;

	list_for_each_entry_safe(pgrant, next, &cache->lru, lru) {
		if (n == max)
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
 * Unmaps unused entries, least recently used first, until at most @target
 * entries remain or none is unused.  May sleep.
 */
void splitio_pgrant_purge(struct splitio_pgrant_cache *cache,
			  unsigned int target)
{
	struct splitio_grant_map maps[SPLITIO_PGRANT_PURGE_BATCH];
	unsigned int n;

	while (cache->nr > target && !list_empty(&cache->lru)) {
		n = min_t(unsigned int, cache->nr - target,
			  SPLITIO_PGRANT_PURGE_BATCH);
		n = pgrant_evict(cache, maps, n);
		splitio_grants_unmap(maps, n);
	}
}
EXPORT_SYMBOL_GPL(splitio_pgrant_purge);

/*
 * Unmaps the least recently used unused entries so that @n new ones fit,
 * as far as there are unused ones.  May sleep.
 */
void splitio_pgrant_make_room(struct splitio_pgrant_cache *cache,
			      unsigned int n)
{
	if (cache->nr + n > cache->max)
		splitio_pgrant_purge(cache, cache->max > n ? cache->max - n : 0);
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
