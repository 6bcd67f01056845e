// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_core: what the splitio front and back ends share - the hypervisor
 * interface (hv/), grant tables (grant/) and the ring ABI (ring/).  Init runs
 * its steps in order and exit undoes them in reverse.
 */
#include <linux/module.h>

#include "core/core.h"

static int __init splitio_core_init(void)
{
	int err;

	err = splitio_pgrant_slab_create();
	if (err)
		return err;
	splitio_transfer_init();
	return 0;
}

static void __exit splitio_core_exit(void)
{
	splitio_transfer_exit();
	splitio_pgrant_slab_destroy();
	splitio_counters_report_leaks();
}

module_init(splitio_core_init);
module_exit(splitio_core_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("splitio");
MODULE_DESCRIPTION("splitio core: XenStore, event channel and grant helpers");
