// SPDX-License-Identifier: GPL-2.0
/*
 * Event channels: the frontend allocates a port and the backend binds to
 * it; both bind with late EOI (see struct splitio_evtchn in hv.h).
 */
#include <linux/module.h>

#include "core/core.h"
#include "hv/hv.h"

/* Allocates a port for dev->otherend_id and binds it to @handler. */
int splitio_evtchn_front_bind(struct xenbus_device *dev,
			      struct splitio_evtchn *ch,
			      irq_handler_t handler, const char *name,
			      void *dev_id)
{
	evtchn_port_t port;
	int irq;
	int err;

	err = xenbus_alloc_evtchn(dev, &port);
	if (err)
		return err;
	irq = bind_evtchn_to_irqhandler_lateeoi(port, handler, 0, name, dev_id);
	if (irq < 0) {
		xenbus_dev_fatal(dev, irq, "binding event channel %u", port);
		goto err_free_port;
	}
	ch->port = port;
	ch->irq = irq;
	atomic_inc(&splitio_evtchns_bound);
	return 0;

err_free_port:
	xenbus_free_evtchn(dev, port);
	return irq;
}
EXPORT_SYMBOL_GPL(splitio_evtchn_front_bind);

/* Binds the frontend's @remote_port, read from its "event-channel" key. */
int splitio_evtchn_back_bind(struct xenbus_device *dev,
			     struct splitio_evtchn *ch,
			     evtchn_port_t remote_port,
			     irq_handler_t handler, const char *name,
			     void *dev_id)
{
	int irq;

	irq = bind_interdomain_evtchn_to_irqhandler_lateeoi(dev, remote_port,
							    handler, 0, name,
							    dev_id);
	if (irq < 0) {
		xenbus_dev_fatal(dev, irq, "binding event channel %u of dom%d",
				 remote_port, dev->otherend_id);
		return irq;
	}
	ch->port = remote_port;
	ch->irq = irq;
	atomic_inc(&splitio_evtchns_bound);
	return 0;
}
EXPORT_SYMBOL_GPL(splitio_evtchn_back_bind);

/*
 * Unbinding also closes our end of the channel, so a bound frontend port
 * needs no separate xenbus_free_evtchn().  A no-op on an unbound channel.
 */
void splitio_evtchn_unbind(struct splitio_evtchn *ch, void *dev_id)
{
	if (!ch->irq)
		return;
	unbind_from_irqhandler(ch->irq, dev_id);
	atomic_dec(&splitio_evtchns_bound);
	ch->irq = 0;
	ch->port = 0;
}
EXPORT_SYMBOL_GPL(splitio_evtchn_unbind);
