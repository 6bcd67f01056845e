// SPDX-License-Identifier: GPL-2.0
/*
 * XenbusState changes, logged at debug level so a stuck handshake can be
 * traced with dynamic debug without rebuilding.
 */
#include <linux/module.h>

#include "hv/hv.h"

/* xenbus_switch_state() reports its own failure through xenbus_dev_fatal. */
int splitio_state_switch(struct xenbus_device *dev, enum xenbus_state to)
{
	if (dev->state == to)
		return 0;
	dev_dbg(&dev->dev, "%s -> %s\n", xenbus_strstate(dev->state),
		xenbus_strstate(to));
	return xenbus_switch_state(dev, to);
}
EXPORT_SYMBOL_GPL(splitio_state_switch);
