/* SPDX-License-Identifier: GPL-2.0 */
/*
 * core.h - private to splitio_core: the leak counters the hv/ and grant/
 * units keep, and the module's init steps.  Nothing here is exported.
 */
#ifndef SPLITIO_CORE_H
#define SPLITIO_CORE_H

#include <linux/atomic.h>

/*
 * What splitio currently holds from Xen, each read-only in
 * /sys/module/splitio_core/parameters/ so tests can compare before/after:
 * peer grants mapped by backends, grant references owned by frontends,
 * event channels bound to an IRQ by either end, and (page flipping)
 * pages left without a machine frame.
 */
extern atomic_t splitio_grants_mapped;
extern atomic_t splitio_grefs_held;
extern atomic_t splitio_evtchns_bound;
/* Our pages whose machine frame was given away and not yet replaced. */
extern atomic_t splitio_frames_detached;

void splitio_counters_report_leaks(void);

int splitio_pgrant_slab_create(void);
void splitio_pgrant_slab_destroy(void);

/* grant/transfer.c: transfer tables taken down around a save. */
void splitio_transfer_init(void);
void splitio_transfer_exit(void);

#endif /* SPLITIO_CORE_H */
