// SPDX-License-Identifier: GPL-2.0
/*
 * One-off grants and shared rings for frontends, revoked so that a page the
 * backend still maps is never freed or reused under it.
 */
#include <linux/module.h>

#include "core/core.h"
#include "grant/grant.h"

/* Returns the new grant reference or -errno. */
int splitio_grant_page(domid_t domid, struct page *page, bool readonly)
{
	int ref;

	ref = gnttab_grant_foreign_access(domid, xen_page_to_gfn(page),
					  readonly);
	if (ref >= 0)
		atomic_inc(&splitio_grefs_held);
	return ref;
}
EXPORT_SYMBOL_GPL(splitio_grant_page);

/*
 * Ends a grant from splitio_grant_page() and returns true if @page may be
 * reused.  If the peer still maps it the kernel takes over: it ends the
 * grant later and then drops the caller's reference on @page, which must
 * not come from a higher-order allocation.  On false the caller must
 * forget @page: neither free nor reuse it.
 */
bool splitio_grant_revoke(grant_ref_t ref, struct page *page)
{
	atomic_dec(&splitio_grefs_held);
	if (gnttab_try_end_foreign_access(ref))
		return true;
	gnttab_end_foreign_access(ref, page);
	return false;
}
EXPORT_SYMBOL_GPL(splitio_grant_revoke);

/*
 * Allocates @nr_pages zeroed pages and grants them to the backend; the
 * references to publish are in ring->grefs.  A failure leaves nothing
 * allocated.
 */
int splitio_granted_ring_setup(struct xenbus_device *dev,
			       struct splitio_granted_ring *ring,
			       unsigned int nr_pages)
{
	int err;

	if (!nr_pages || nr_pages > XENBUS_MAX_RING_GRANTS)
		return -EINVAL;
	/* NOIO: a block frontend may be connecting on the writeback path. */
	err = xenbus_setup_ring(dev, GFP_NOIO | __GFP_HIGH, &ring->vaddr,
				nr_pages, ring->grefs);
	if (err)
		return err;
	ring->nr_pages = nr_pages;
	atomic_add(nr_pages, &splitio_grefs_held);
	return 0;
}
EXPORT_SYMBOL_GPL(splitio_granted_ring_setup);

/*
 * Revokes the ring's grants and frees its pages.  Not xenbus_teardown_ring():
 * that frees every page even when the backend still maps it, and a hostile
 * or hung backend could then write into whatever reuses the page.  Here a
 * page still mapped goes to the kernel with its grant (splitio_grant_revoke),
 * which frees it once the backend lets go.  xenbus_setup_ring() allocates
 * with alloc_pages_exact(), which splits the allocation into single pages,
 * so each may be freed on its own.  A no-op on a ring not set up.
 */
void splitio_granted_ring_teardown(struct splitio_granted_ring *ring)
{
	unsigned int i;

	if (!ring->vaddr)
		return;
	for (i = 0; i < ring->nr_pages; i++) {
		struct page *page = virt_to_page(ring->vaddr + i * XEN_PAGE_SIZE);

		if (splitio_grant_revoke(ring->grefs[i], page))
			__free_page(page);
		ring->grefs[i] = INVALID_GRANT_REF;
	}
	ring->vaddr = NULL;
	ring->nr_pages = 0;
}
EXPORT_SYMBOL_GPL(splitio_granted_ring_teardown);
