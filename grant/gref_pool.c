// SPDX-License-Identifier: GPL-2.0
/*
 * Grant reference pools: a frontend reserves the references its rings can
 * use at once in a single batch, claims and releases them in the I/O path,
 * and revokes grants without reusing a page the backend still maps.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "core/core.h"
#include "grant/grant.h"

int splitio_gref_pool_init(struct splitio_gref_pool *pool, u16 count)
{
	int err;

	err = gnttab_alloc_grant_references(count, &pool->head);
	if (err)
		return err;
	pool->size = count;
	pool->nr_free = count;
	atomic_add(count, &splitio_grefs_held);
	return 0;
}
EXPORT_SYMBOL_GPL(splitio_gref_pool_init);

/*
 * Frees the references on the free list.  Claimed ones cannot be taken
 * back here: they stay counted in grefs_held so the leak shows.
 */
void splitio_gref_pool_uninit(struct splitio_gref_pool *pool)
{
	if (splitio_gref_pool_in_use(pool))
		pr_warn("grant pool freed with %u references still claimed\n",
			splitio_gref_pool_in_use(pool));
	/* An empty list's head is not a valid argument: never touch it. */
	if (pool->nr_free)
		gnttab_free_grant_references(pool->head);
	atomic_sub(pool->nr_free, &splitio_grefs_held);
	pool->size = 0;
	pool->nr_free = 0;
}
EXPORT_SYMBOL_GPL(splitio_gref_pool_uninit);

/* Returns a reference, or -ENOSPC when every reference is claimed. */
int splitio_gref_pool_claim(struct splitio_gref_pool *pool)
{
	int ref = gnttab_claim_grant_reference(&pool->head);

	if (ref >= 0)
		pool->nr_free--;
	return ref;
}
EXPORT_SYMBOL_GPL(splitio_gref_pool_claim);

/* For a reference whose grant has ended, or that was never granted. */
void splitio_gref_pool_release(struct splitio_gref_pool *pool,
			       grant_ref_t ref)
{
	gnttab_release_grant_reference(&pool->head, ref);
	pool->nr_free++;
}
EXPORT_SYMBOL_GPL(splitio_gref_pool_release);

/* Claims a reference and grants @page to @domid through it. */
int splitio_gref_pool_grant(struct splitio_gref_pool *pool, domid_t domid,
			    struct page *page, bool readonly)
{
	int ref = splitio_gref_pool_claim(pool);

	if (ref < 0)
		return ref;
	gnttab_grant_foreign_access_ref(ref, domid, xen_page_to_gfn(page),
					readonly);
	return ref;
}
EXPORT_SYMBOL_GPL(splitio_gref_pool_grant);

/*
 * Ends the grant and returns true if @page may be reused, the reference
 * going back to the pool.  If the backend still maps the page, both leave
 * our hands: the kernel ends the grant later, then frees the reference
 * and drops the caller's reference on @page (which must not come from a
 * higher-order allocation).  On false the caller must forget @page.
 */
bool splitio_gref_pool_revoke(struct splitio_gref_pool *pool,
			      grant_ref_t ref, struct page *page)
{
	if (gnttab_end_foreign_access_ref(ref)) {
		splitio_gref_pool_release(pool, ref);
		return true;
	}
	pool->size--;
	atomic_dec(&splitio_grefs_held);
	gnttab_end_foreign_access(ref, page);
	return false;
}
EXPORT_SYMBOL_GPL(splitio_gref_pool_revoke);
