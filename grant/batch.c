// SPDX-License-Identifier: GPL-2.0
/*
 * Backends' batched grant operations: map and unmap many peer grants per
 * hypercall, reporting each entry's status so a request fails exactly the
 * segments the peer got wrong, and copy through grants.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>

#include "core/core.h"
#include "grant/grant.h"

/*
 * Entries per hypercall; bounds the operation arrays kept on the stack
 * (32 map ops are 1 KiB).  32 is a whole 128 KiB blkif request.
 */
#define SPLITIO_GRANT_CHUNK 32

static unsigned long page_kaddr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

/* The page of a failed entry was never mapped and goes straight back. */
static void record_mapping(struct splitio_grant_map *map,
			   const struct gnttab_map_grant_ref *op,
			   struct page *page)
{
	map->status = op->status;
	if (op->status != GNTST_okay) {
		map->page = NULL;
		gnttab_free_pages(1, &page);
		return;
	}
	map->page = page;
	map->handle = op->handle;
	atomic_inc(&splitio_grants_mapped);
}

static int map_chunk(domid_t domid, struct splitio_grant_map *maps,
		     unsigned int nr, u32 flags)
{
	struct gnttab_map_grant_ref ops[SPLITIO_GRANT_CHUNK];
	struct page *pages[SPLITIO_GRANT_CHUNK];
	unsigned int i;
	int err;

	err = gnttab_alloc_pages(nr, pages);
	if (err)
		return err;
	for (i = 0; i < nr; i++)
		gnttab_set_map_op(&ops[i], page_kaddr(pages[i]), flags,
				  maps[i].ref, domid);
	/* Even if the hypercall fails, each op's status says where it got. */
	err = gnttab_map_refs(ops, NULL, pages, nr);
	for (i = 0; i < nr; i++)
		record_mapping(&maps[i], &ops[i], pages[i]);
	return err;
}

/*
 * Maps the peer's grants in @maps.  Returns 0 when all are mapped, -EIO
 * when some are not (their status says why; the others are mapped and
 * need splitio_grants_unmap() as usual), or another -errno when the batch
 * failed as a whole, leaving nothing mapped.  May sleep.
 */
int splitio_grants_map(domid_t domid, struct splitio_grant_map *maps,
		       unsigned int nr, bool readonly)
{
	u32 flags = GNTMAP_host_map | (readonly ? GNTMAP_readonly : 0);
	unsigned int done, n, i;
	int err;

	/* So that the whole array is valid for unmapping whatever happens. */
	for (i = 0; i < nr; i++) {
		maps[i].page = NULL;
		maps[i].status = GNTST_general_error;
	}
	for (done = 0; done < nr; done += n) {
		n = min_t(unsigned int, nr - done, SPLITIO_GRANT_CHUNK);
		err = map_chunk(domid, maps + done, n, flags);
		if (err)
			goto err_unmap;
	}
	for (i = 0; i < nr; i++)
		if (maps[i].status != GNTST_okay)
			return -EIO;
	return 0;

err_unmap:
	splitio_grants_unmap(maps, nr);
	return err;
}
EXPORT_SYMBOL_GPL(splitio_grants_map);

/*
 * A page whose unmap failed is still the peer's: freeing it would hand a
 * foreign frame to the allocator, so it is leaked and stays counted.
 */
static void release_unmapped(struct gnttab_unmap_grant_ref *ops,
			     struct page **pages, unsigned int nr)
{
	unsigned int i, nr_done = 0;

	for (i = 0; i < nr; i++) {
		if (ops[i].status != GNTST_okay) {
			pr_warn_ratelimited("unmap failed (%d), leaking page\n",
					    ops[i].status);
			continue;
		}
		pages[nr_done++] = pages[i];
	}
	gnttab_free_pages(nr_done, pages);
	atomic_sub(nr_done, &splitio_grants_mapped);
}

/*
 * With @wait, for pages the network stack etc. may still reference: waits
 * until they let go.  Without, for pages nobody else references.
 */
static void unmap_chunk(struct splitio_grant_map *maps, unsigned int nr,
			bool wait)
{
	struct gnttab_unmap_grant_ref ops[SPLITIO_GRANT_CHUNK];
	struct page *pages[SPLITIO_GRANT_CHUNK];
	struct gntab_unmap_queue_data unmap = {
		.unmap_ops = ops,
		.pages = pages,
	};
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (!maps[i].page)
			continue;
		gnttab_set_unmap_op(&ops[unmap.count], page_kaddr(maps[i].page),
				    GNTMAP_host_map, maps[i].handle);
		/* An op Xen never reached must not read as unmapped. */
		ops[unmap.count].status = GNTST_general_error;
		pages[unmap.count++] = maps[i].page;
		maps[i].page = NULL;
	}
	if (!unmap.count)
		return;
	if (wait)
		gnttab_unmap_refs_sync(&unmap);
	else
		gnttab_unmap_refs(ops, NULL, pages, unmap.count);
	release_unmapped(ops, pages, unmap.count);
}

static void unmap_chunks(struct splitio_grant_map *maps, unsigned int nr,
			 bool wait)
{
	unsigned int done, n;

	for (done = 0; done < nr; done += n) {
		n = min_t(unsigned int, nr - done, SPLITIO_GRANT_CHUNK);
		unmap_chunk(maps + done, n, wait);
	}
}

/* Unmaps the mapped entries of @maps and skips the rest.  May sleep. */
void splitio_grants_unmap(struct splitio_grant_map *maps, unsigned int nr)
{
	unmap_chunks(maps, nr, true);
}
EXPORT_SYMBOL_GPL(splitio_grants_unmap);

/* True if something besides the mapping holds a page of @maps. */
bool splitio_grants_busy(const struct splitio_grant_map *maps, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (maps[i].page && page_count(maps[i].page) > 1)
			return true;
	return false;
}
EXPORT_SYMBOL_GPL(splitio_grants_busy);

/*
 * splitio_grants_unmap() for pages nobody else references (check with
 * splitio_grants_busy() first): never waits.
 */
void splitio_grants_unmap_now(struct splitio_grant_map *maps, unsigned int nr)
{
	unmap_chunks(maps, nr, false);
}
EXPORT_SYMBOL_GPL(splitio_grants_unmap_now);

/*
 * Runs @ops as one batch (the kernel retries transient failures).
 * Returns 0 when every copy succeeded, else -EIO with each op's status
 * telling which failed.
 */
int splitio_grant_copy(struct gnttab_copy *ops, unsigned int nr)
{
	unsigned int i;

	gnttab_batch_copy(ops, nr);
	for (i = 0; i < nr; i++)
		if (ops[i].status != GNTST_okay)
			return -EIO;
	return 0;
}
EXPORT_SYMBOL_GPL(splitio_grant_copy);

/*
 * Maps the @nr_grefs pages of a ring the peer granted (at most
 * XENBUS_MAX_RING_GRANTS) at *@vaddr and counts them in grants_mapped.
 * The kernel reports a refused grant with xenbus_dev_fatal(); other
 * failures (-ENOMEM, -EINVAL) are left to the caller.  May sleep.
 */
int splitio_peer_ring_map(struct xenbus_device *dev, grant_ref_t *grefs,
			  unsigned int nr_grefs, void **vaddr)
{
	int err = xenbus_map_ring_valloc(dev, grefs, nr_grefs, vaddr);

	if (!err)
		atomic_add(nr_grefs, &splitio_grants_mapped);
	return err;
}
EXPORT_SYMBOL_GPL(splitio_peer_ring_map);

/*
 * Unmaps a ring from splitio_peer_ring_map(); a no-op on NULL.  A ring
 * the kernel fails to unmap (it says so) stays counted, as it leaked.
 */
void splitio_peer_ring_unmap(struct xenbus_device *dev, void *vaddr,
			     unsigned int nr_grefs)
{
	if (vaddr && !xenbus_unmap_ring_vfree(dev, vaddr))
		atomic_sub(nr_grefs, &splitio_grants_mapped);
}
EXPORT_SYMBOL_GPL(splitio_peer_ring_unmap);
