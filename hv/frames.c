// SPDX-License-Identifier: GPL-2.0
/*
 * The machine frames under our own pages, for page flipping (PV only).
 *
 * A PV domain's struct pages index pseudo-physical frames (pfns); the
 * machine frames (mfns) Xen gave it are tied to them by the kernel's p2m
 * array and Xen's m2p table, and the direct map points at the mfns.  Page
 * flipping moves machine frames between domains, so a page that gives its
 * frame away or takes a new one has its p2m entry and its direct-map PTE
 * set here, by hand: Linux 6.1 does not export set_phys_to_machine(), but
 * it exports the p2m array (xen_p2m_addr) and xen_alloc_p2m_entry(), which
 * gives a pfn an entry of its own when it sits in a shared "missing" page.
 *
 * A page without a frame (between splitio_frame_detach() and
 * splitio_frame_attach() or _populate()) has no direct-map PTE: it must
 * not be touched or freed.  frames_detached counts them, so a test sees
 * one that was never given a frame back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <xen/xen.h>
#include <xen/interface/memory.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>

#include "core/core.h"
#include "hv/hv.h"

/* Sets @pfn's p2m entry, giving it an entry of its own first if needed. */
static int frame_set_p2m(unsigned long pfn, unsigned long mfn)
{
	if (pfn >= xen_p2m_size)
		return -ERANGE;
	if (!xen_safe_write_ulong(xen_p2m_addr + pfn, mfn))
		return 0;
	/* The entry sat in a shared read-only page: allocate its own. */
	if (xen_alloc_p2m_entry(pfn))
		return -ENOMEM;
	return xen_safe_write_ulong(xen_p2m_addr + pfn, mfn) ? -EFAULT : 0;
}

/* Points @page's p2m entry and direct-map PTE at machine frame @mfn. */
static int frame_map(struct page *page, xen_pfn_t mfn)
{
	unsigned long pfn = page_to_pfn(page);
	int err;

	err = frame_set_p2m(pfn, mfn);
	if (err)
		return err;
	err = HYPERVISOR_update_va_mapping((unsigned long)page_address(page),
					   mfn_pte(mfn, PAGE_KERNEL), 0);
	if (err)
		frame_set_p2m(pfn, INVALID_P2M_ENTRY);
	return err;
}

/* Is flipping possible here at all?  Both ends must be PV domains. */
bool splitio_frames_usable(void)
{
	return xen_pv_domain();
}
EXPORT_SYMBOL_GPL(splitio_frames_usable);

/*
 * Takes the machine frame from under @page, which we must own outright
 * (no other mapping, no grant): its direct-map PTE is cleared on every CPU,
 * so no stale TLB entry can write into a frame that then belongs to
 * another domain, and its p2m entry is invalidated.  The frame is
 * returned in *@mfn, still ours until it is given away.
 */
int splitio_frame_detach(struct page *page, xen_pfn_t *mfn)
{
	unsigned long pfn = page_to_pfn(page);
	int err;

	*mfn = pfn_to_mfn(pfn);
	if (*mfn == INVALID_P2M_ENTRY)
		return -EINVAL;
	err = HYPERVISOR_update_va_mapping((unsigned long)page_address(page),
					   __pte(0), UVMF_INVLPG | UVMF_ALL);
	if (err)
		return err;
	err = frame_set_p2m(pfn, INVALID_P2M_ENTRY);
	if (err) {
		frame_map(page, *mfn);
		return err;
	}
	atomic_inc(&splitio_frames_detached);
	return 0;
}
EXPORT_SYMBOL_GPL(splitio_frame_detach);

/*
 * Puts machine frame @mfn under @page: p2m entry, then the direct-map PTE.
 * Xen refuses the mapping if the frame is not ours, and then @page stays
 * without a frame.  The m2p entry is Xen's to set: a transfer into a
 * grant entry whose frame field names our pfn, and populate_physmap, set
 * it; both are the only ways our frames arrive.
 */
int splitio_frame_attach(struct page *page, xen_pfn_t mfn)
{
	int err = frame_map(page, mfn);

	if (!err)
		atomic_dec(&splitio_frames_detached);
	return err;
}
EXPORT_SYMBOL_GPL(splitio_frame_attach);

/* Gives a detached frame back to Xen: our page count drops by one. */
int splitio_frame_release(xen_pfn_t mfn)
{
	struct xen_memory_reservation r = {
		.nr_extents = 1,
		.extent_order = 0,
		.domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, &mfn);
	return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r) == 1 ?
	       0 : -EBUSY;
}
EXPORT_SYMBOL_GPL(splitio_frame_release);

/*
 * Gives frameless @page a fresh frame from Xen (our page count rises by
 * one; we must be below our maximum).  populate_physmap is given the pfn,
 * so Xen writes the m2p entry itself.  The new frame's content is
 * undefined.
 */
int splitio_frame_populate(struct page *page)
{
	xen_pfn_t frame = page_to_pfn(page);
	struct xen_memory_reservation r = {
		.nr_extents = 1,
		.extent_order = 0,
		.domid = DOMID_SELF,
	};

	set_xen_guest_handle(r.extent_start, &frame);
	if (HYPERVISOR_memory_op(XENMEM_populate_physmap, &r) != 1)
		return -ENOMEM;
	/* For a PV domain Xen answers with the machine frame it chose. */
	if (!splitio_frame_attach(page, frame))
		return 0;
	splitio_frame_release(frame);
	return -EFAULT;
}
EXPORT_SYMBOL_GPL(splitio_frame_populate);
