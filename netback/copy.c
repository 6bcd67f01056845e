// SPDX-License-Identifier: GPL-2.0
/*
 * Batches of grant copies.  Both data paths copy through grants, never
 * mapping the guest's pages: Xen checks every grant, and a bad one fails
 * only its own copy.  Each copy is tagged with the ring slot it serves,
 * so a failure is answered on that slot alone.
 */
#include "netback/common.h"

/* Runs the batched copies and records which slots saw a failure. */
int netback_copy_flush(struct netback_copy_batch *batch)
{
	unsigned int i;
	int err;

	if (!batch->nr)
		return 0;
	err = splitio_grant_copy(batch->ops, batch->nr);
	if (err)
		for (i = 0; i < batch->nr; i++)
			if (batch->ops[i].status != GNTST_okay)
				__set_bit(batch->slot[i], &batch->failed);
	batch->nr = 0;
	return err;
}

/* Queues one copy, first running the batch if it is full. */
int netback_copy_add(struct netback_copy_batch *batch, unsigned int slot,
		     const struct gnttab_copy *op)
{
	int err = 0;

	if (batch->nr == NETBACK_COPY_BATCH)
		err = netback_copy_flush(batch);
	batch->ops[batch->nr] = *op;
	batch->slot[batch->nr] = slot;
	batch->nr++;
	return err;
}
