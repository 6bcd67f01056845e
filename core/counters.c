// SPDX-License-Identifier: GPL-2.0
/*
 * Leak accounting: counters of what splitio holds from Xen, published as
 * read-only module parameters so they appear under
 * /sys/module/splitio_core/parameters/.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>

#include "core/core.h"

atomic_t splitio_grants_mapped = ATOMIC_INIT(0);
atomic_t splitio_grefs_held = ATOMIC_INIT(0);
atomic_t splitio_evtchns_bound = ATOMIC_INIT(0);
atomic_t splitio_frames_detached = ATOMIC_INIT(0);

/* Signed on purpose: a negative value exposes a double release. */
static int counter_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n", atomic_read(kp->arg));
}

/* The kernel calls .set unchecked for "insmod splitio_core grants_mapped=1". */
static int counter_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static const struct kernel_param_ops counter_ops = {
	.get = counter_get,
	.set = counter_set,
};

module_param_cb(grants_mapped, &counter_ops, &splitio_grants_mapped, 0444);
MODULE_PARM_DESC(grants_mapped, "Peer grants currently mapped (read-only)");
module_param_cb(grefs_held, &counter_ops, &splitio_grefs_held, 0444);
MODULE_PARM_DESC(grefs_held, "Grant references currently held (read-only)");
module_param_cb(evtchns_bound, &counter_ops, &splitio_evtchns_bound, 0444);
MODULE_PARM_DESC(evtchns_bound, "Event channels currently bound (read-only)");
module_param_cb(frames_detached, &counter_ops, &splitio_frames_detached, 0444);
MODULE_PARM_DESC(frames_detached,
		 "Pages currently without a machine frame, page flipping (read-only)");

/* Called at unload, when every user module is gone: all must be back to 0. */
void splitio_counters_report_leaks(void)
{
	int mapped = atomic_read(&splitio_grants_mapped);
	int held = atomic_read(&splitio_grefs_held);
	int bound = atomic_read(&splitio_evtchns_bound);
	int detached = atomic_read(&splitio_frames_detached);

	if (mapped || held || bound || detached)
		pr_warn("leaked: grants_mapped=%d grefs_held=%d "
			"evtchns_bound=%d frames_detached=%d\n",
			mapped, held, bound, detached);
}
