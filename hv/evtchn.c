// SPDX-License-Identifier: GPL-2.0
/*
 * Event channels: the frontend allocates a port and the backend binds to
 * it; both bind with late EOI (see struct splitio_evtchn in hv.h).
 */
#include <linux/module.h>
#include <xen/interface/event_channel.h>
#include <asm/xen/hypercall.h>

#include "core/core.h"
#include "hv/hv.h"

/*
 * Binding and requesting the IRQ are two steps on purpose: an event can be
 * pending the moment a port is bound, and the handler it runs must find
 * ch->irq already set to EOI it, or the channel stays masked for good.
 */
static int evtchn_request(struct splitio_evtchn *ch, evtchn_port_t port,
			  int irq, irq_handler_t handler, const char *name,
			  void *dev_id)
{
	int err;

	ch->port = port;
	ch->irq = irq;
	err = request_irq(irq, handler, 0, name, dev_id);
	if (err) {
		ch->irq = 0;
		ch->port = 0;
		return err;
	}
	atomic_inc(&splitio_evtchns_bound);
	return 0;
}

/*
 * Undoes a bind whose request_irq() failed.  unbind_from_irqhandler() would
 * free_irq() an IRQ with no action and warn; a reference count of one put
 * back unbinds the IRQ and closes the port without that.
 */
static void evtchn_unbind_unrequested(evtchn_port_t port)
{
	if (!evtchn_make_refcounted(port))
		evtchn_put(port);
}

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
	irq = bind_evtchn_to_irq_lateeoi(port);
	if (irq < 0) {
		err = irq;
		xenbus_dev_fatal(dev, err, "binding event channel %u", port);
		goto err_free_port;
	}
	err = evtchn_request(ch, port, irq, handler, name, dev_id);
	if (err) {
		xenbus_dev_fatal(dev, err, "requesting IRQ %d", irq);
		goto err_unbind;
	}
	return 0;

err_unbind:
	evtchn_unbind_unrequested(port);	/* closes the port too */
	return err;
err_free_port:
	xenbus_free_evtchn(dev, port);
	return err;
}
EXPORT_SYMBOL_GPL(splitio_evtchn_front_bind);

/*
 * Binds the frontend's @remote_port, read from its "event-channel" key.
 * The interdomain bind is our own hypercall rather than
 * bind_interdomain_evtchn_to_irq_lateeoi() because undoing a failed
 * request_irq() needs the local port, which that helper does not return.
 */
int splitio_evtchn_back_bind(struct xenbus_device *dev,
			     struct splitio_evtchn *ch,
			     evtchn_port_t remote_port,
			     irq_handler_t handler, const char *name,
			     void *dev_id)
{
	struct evtchn_bind_interdomain bind = {
		.remote_dom = dev->otherend_id,
		.remote_port = remote_port,
	};
	int irq;
	int err;

	err = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bind);
	if (err) {
		xenbus_dev_fatal(dev, err, "binding event channel %u of dom%d",
				 remote_port, dev->otherend_id);
		return err;
	}
	irq = bind_evtchn_to_irq_lateeoi(bind.local_port);
	if (irq < 0) {
		struct evtchn_close close = { .port = bind.local_port };

		xenbus_dev_fatal(dev, irq, "binding IRQ to port %u",
				 bind.local_port);
		HYPERVISOR_event_channel_op(EVTCHNOP_close, &close);
		return irq;
	}
	err = evtchn_request(ch, remote_port, irq, handler, name, dev_id);
	if (err) {
		xenbus_dev_fatal(dev, err, "requesting IRQ %d", irq);
		evtchn_unbind_unrequested(bind.local_port);
	}
	return err;
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

/*
 * True if frontend channel @ch went with a save and restore: the restored
 * domain has none of its old channels, and the kernel has forgotten which
 * IRQ each served (xen_irq_resume()), so its port no longer leads to its
 * IRQ.  False for an unbound channel, and after a suspend that failed or
 * was cancelled.
 */
bool splitio_evtchn_lost(const struct splitio_evtchn *ch)
{
	return ch->irq && irq_from_evtchn(ch->port) != ch->irq;
}
EXPORT_SYMBOL_GPL(splitio_evtchn_lost);
