// SPDX-License-Identifier: GPL-2.0
/*
 * Transfer grants, for page flipping: a frontend offers a grant entry that
 * accepts a page (GTF_accept_transfer) and a backend gives a page away
 * into it (GNTTABOP_transfer).
 *
 * Linux 6.1 dropped its helpers for transfer entries, and the kernel's
 * grant-table mapping is private to it, so a frontend maps the frames of
 * its own (v1) grant table a second time, as Xen reports them to a PV
 * domain through GNTTABOP_setup_table, and writes its entries there.  The
 * references come from the frontend's own pool, so the kernel never writes
 * the same entries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/syscore_ops.h>
#include <linux/vmalloc.h>
#include <xen/xen.h>
#include <asm/sync_bitops.h>
#include <asm/xen/hypercall.h>

#include "core/core.h"
#include "grant/grant.h"

#define ENTRIES_PER_FRAME	(XEN_PAGE_SIZE / sizeof(struct grant_entry_v1))

/* The table's version: transfer entries exist in v1 only, as used here. */
static int grant_table_version(void)
{
	struct gnttab_get_version v = { .dom = DOMID_SELF };

	if (HYPERVISOR_grant_table_op(GNTTABOP_get_version, &v, 1))
		return 1;	/* before the call existed, v1 was all */
	return v.version;
}

/* Can this domain take transfers?  A PV domain with a v1 grant table. */
bool splitio_transfer_possible(void)
{
	return xen_pv_domain() && grant_table_version() == 1;
}
EXPORT_SYMBOL_GPL(splitio_transfer_possible);

/*
 * Every mapped table, for the save hooks below.  The lock is a spinlock
 * because the hooks run with interrupts off, on the one CPU left running.
 */
static LIST_HEAD(transfer_tables);
static DEFINE_SPINLOCK(transfer_tables_lock);

/* Where @t maps table frame @i. */
static unsigned long transfer_table_va(const struct splitio_transfer_table *t,
				       unsigned int i)
{
	return (unsigned long)t->entries + i * PAGE_SIZE;
}

/*
 * Asks Xen for the machine frames of @t's table frames and points @t's
 * mapping at them; nr_entries says whether it worked.  Atomic: it runs
 * on resume with interrupts off.
 */
static int transfer_table_point(struct splitio_transfer_table *t)
{
	struct gnttab_setup_table setup = {
		.dom = DOMID_SELF,
		.nr_frames = t->nr_frames,
	};
	unsigned int i;

	t->nr_entries = 0;
	set_xen_guest_handle(setup.frame_list, t->frames);
	if (HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &setup, 1) ||
	    setup.status != GNTST_okay)
		return -EIO;
	for (i = 0; i < t->nr_frames; i++)
		if (HYPERVISOR_update_va_mapping(transfer_table_va(t, i),
				mfn_pte(t->frames[i], PAGE_KERNEL),
				UVMF_INVLPG | UVMF_ALL))
			return -EIO;
	t->nr_entries = t->nr_frames * ENTRIES_PER_FRAME;
	return 0;
}

/* Empties @t's mapping: no PTE of ours may name a table frame. */
static void transfer_table_blank(struct splitio_transfer_table *t)
{
	unsigned int i;

	t->nr_entries = 0;
	for (i = 0; i < t->nr_frames; i++)
		HYPERVISOR_update_va_mapping(transfer_table_va(t, i),
					     __pte_ma(0), UVMF_INVLPG | UVMF_ALL);
}

/*
 * Maps every frame our grant table has now, which covers every reference
 * a pool already holds.  A one-page vmap of a spare page per frame gives
 * the kernel addresses; each PTE is then pointed at a table frame.
 */
int splitio_transfer_table_map(struct splitio_transfer_table *t)
{
	struct gnttab_query_size query = { .dom = DOMID_SELF };
	struct page **pages = NULL;
	unsigned int i;
	int err = -EOPNOTSUPP;

	if (!splitio_transfer_possible())
		return err;
	if (HYPERVISOR_grant_table_op(GNTTABOP_query_size, &query, 1) ||
	    query.status != GNTST_okay || !query.nr_frames)
		return -EIO;

	err = -ENOMEM;
	t->nr_frames = query.nr_frames;
	t->spare = alloc_page(GFP_KERNEL);
	t->frames = kcalloc(t->nr_frames, sizeof(*t->frames), GFP_KERNEL);
	pages = kcalloc(t->nr_frames, sizeof(*pages), GFP_KERNEL);
	if (!t->spare || !t->frames || !pages)
		goto err_free;
	for (i = 0; i < t->nr_frames; i++)
		pages[i] = t->spare;
	t->entries = vmap(pages, t->nr_frames, VM_MAP, PAGE_KERNEL);
	if (!t->entries)
		goto err_free;

	/* Under the lock: a save may not find it half pointed. */
	spin_lock_irq(&transfer_tables_lock);
	err = transfer_table_point(t);
	if (!err)
		list_add(&t->link, &transfer_tables);
	spin_unlock_irq(&transfer_tables_lock);
	if (err)
		goto err_unmap;
	kfree(pages);
	return 0;

err_unmap:
	vunmap(t->entries);
err_free:
	kfree(pages);
	kfree(t->frames);
	if (t->spare)
		__free_page(t->spare);
	memset(t, 0, sizeof(*t));
	return err;
}
EXPORT_SYMBOL_GPL(splitio_transfer_table_map);

void splitio_transfer_table_unmap(struct splitio_transfer_table *t)
{
	if (!t->entries)
		return;
	spin_lock_irq(&transfer_tables_lock);
	list_del(&t->link);
	spin_unlock_irq(&transfer_tables_lock);
	vunmap(t->entries);
	kfree(t->frames);
	__free_page(t->spare);
	memset(t, 0, sizeof(*t));
}
EXPORT_SYMBOL_GPL(splitio_transfer_table_unmap);

/*
 * A save refuses a domain whose page tables map frames outside its own
 * memory, which the grant table's frames are: Linux takes its own mapping
 * down in gnttab_suspend(), and we take ours down just before, in the
 * syscore step of the suspend.  The resume step runs after
 * gnttab_resume(), whether the save went through (a new table, in a new
 * domain) or was cancelled (the same one), and maps the table afresh.
 */
static int transfer_tables_suspend(void)
{
	struct splitio_transfer_table *t;

	spin_lock(&transfer_tables_lock);
	list_for_each_entry(t, &transfer_tables, link)
		transfer_table_blank(t);
	spin_unlock(&transfer_tables_lock);
	return 0;
}

static void transfer_tables_resume(void)
{
	struct splitio_transfer_table *t;

	spin_lock(&transfer_tables_lock);
	list_for_each_entry(t, &transfer_tables, link)
		if (transfer_table_point(t))
			pr_err("cannot map the grant table again: transfers through it fail\n");
	spin_unlock(&transfer_tables_lock);
}

static struct syscore_ops transfer_syscore_ops = {
	.suspend = transfer_tables_suspend,
	.resume = transfer_tables_resume,
};

void splitio_transfer_init(void)
{
	if (xen_pv_domain())
		register_syscore_ops(&transfer_syscore_ops);
}

void splitio_transfer_exit(void)
{
	if (xen_pv_domain())
		unregister_syscore_ops(&transfer_syscore_ops);
}

static struct grant_entry_v1 *transfer_entry(struct splitio_transfer_table *t,
					     grant_ref_t ref)
{
	return ref < t->nr_entries ? &t->entries[ref] : NULL;
}

/*
 * Lets @domid transfer a page into entry @ref; Xen will record the new
 * frame's m2p entry as @pfn.  The frame field is written first: Xen reads
 * it once the flags say the entry accepts a transfer.
 */
int splitio_transfer_offer(struct splitio_transfer_table *t, grant_ref_t ref,
			   domid_t domid, unsigned long pfn)
{
	struct grant_entry_v1 *e = transfer_entry(t, ref);

	if (!e)
		return -ERANGE;
	e->frame = pfn;
	e->domid = domid;
	wmb(); /* the entry is whole before Xen may act on it */
	WRITE_ONCE(e->flags, GTF_accept_transfer);
	return 0;
}
EXPORT_SYMBOL_GPL(splitio_transfer_offer);

/*
 * Ends the offer in entry @ref.  Returns 1 with the machine frame that
 * arrived in *@mfn, 0 if none did (the entry no longer accepts one, or
 * never did: a restore leaves the new table empty), or -ETIMEDOUT if a
 * committed transfer never completed (the entry is then left alone).
 * Either way but the last the entry is free again.
 */
int splitio_transfer_end(struct splitio_transfer_table *t, grant_ref_t ref,
			 xen_pfn_t *mfn)
{
	struct grant_entry_v1 *e = transfer_entry(t, ref);
	unsigned int spins = 0;

	if (!e)
		return -ERANGE;
	/* Uncommitted: withdraw the offer, unless Xen commits right now. */
	if (!(READ_ONCE(e->flags) & GTF_transfer_committed) &&
	    sync_cmpxchg(&e->flags, GTF_accept_transfer, 0) ==
	    GTF_accept_transfer)
		return 0;
	/* Xen only ever adds "committed" to an offer: no offer, no frame. */
	if (!(READ_ONCE(e->flags) & GTF_transfer_committed))
		return 0;
	/* Committed: Xen completes it within the same hypercall. */
	while (!(READ_ONCE(e->flags) & GTF_transfer_completed)) {
		if (++spins > (1u << 24))
			return -ETIMEDOUT;
		cpu_relax();
	}
	rmb(); /* the frame is read after the completion flag */
	*mfn = READ_ONCE(e->frame);
	WRITE_ONCE(e->flags, 0);
	return 1;
}
EXPORT_SYMBOL_GPL(splitio_transfer_end);

/*
 * Backend: gives machine frame @mfn, which must have no mapping left, to
 * @domid through its transfer entry @ref.  Returns Xen's status, and in
 * *@kept whether the frame is still ours: after GNTST_bad_page, or when
 * the hypercall itself failed (e.g. Xen booted with gnttab=transfer=0);
 * after any other failure Xen has taken it.
 */
int splitio_grant_transfer(xen_pfn_t mfn, domid_t domid, grant_ref_t ref,
			   bool *kept)
{
	struct gnttab_transfer op = {
		.mfn = mfn,
		.domid = domid,
		.ref = ref,
	};

	if (HYPERVISOR_grant_table_op(GNTTABOP_transfer, &op, 1)) {
		*kept = true;
		return GNTST_general_error;
	}
	*kept = op.status == GNTST_bad_page;
	return op.status;
}
EXPORT_SYMBOL_GPL(splitio_grant_transfer);
