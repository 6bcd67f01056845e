/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hv.h - the hypervisor interface every splitio driver talks through:
 * XenStore access, XenbusState changes, event channels, and the machine
 * frames under our pages (page flipping).
 *
 * Driver registration is deliberately not wrapped: xenbus_register_frontend()
 * and xenbus_register_backend() are macros that record THIS_MODULE and
 * KBUILD_MODNAME, so each driver module calls them itself; inside
 * splitio_core they would make the core the driver's owner.  Give each
 * xenbus_driver a .name (e.g. KBUILD_MODNAME): the default, ids[0], is "vif"
 * or "vbd", which the kernel's own xen-* drivers already register.
 *
 * For a state's name in messages use the kernel's xenbus_strstate().
 */
#ifndef SPLITIO_HV_H
#define SPLITIO_HV_H

#include <linux/interrupt.h>
#include <xen/events.h>
#include <xen/xenbus.h>

#include "splitio/compat.h"

/* ---- XenStore (hv/xenstore.c) ---- */

int splitio_xs_read_u32(struct xenbus_transaction xbt, const char *dir,
			const char *key, u32 fallback, u32 *value);
char *splitio_xs_read_str(struct xenbus_transaction xbt, const char *dir,
			  const char *key, const char *fallback);
__printf(4, 5)
int splitio_xs_printf(struct xenbus_device *dev, struct xenbus_transaction xbt,
		      const char *key, const char *fmt, ...);

typedef int (*splitio_xs_body_t)(struct xenbus_device *dev,
				 struct xenbus_transaction xbt, void *arg);
int splitio_xs_transact(struct xenbus_device *dev, const char *what,
			splitio_xs_body_t body, void *arg);

/* One key written under the device's own node, e.g. { "feature-sg", 1 }. */
struct splitio_xs_pair {
	const char *key;
	u32 value;
};
int splitio_xs_write_pairs(struct xenbus_device *dev,
			   const struct splitio_xs_pair *pairs,
			   unsigned int nr_pairs);

/* One key to read; an absent optional key yields @fallback. */
struct splitio_xs_field {
	const char *key;
	u32 *value;
	u32 fallback;
	bool required;
};
int splitio_xs_gather(struct xenbus_device *dev, const char *dir,
		      const struct splitio_xs_field *fields,
		      unsigned int nr_fields);

/* ---- Machine frames under our pages, for page flipping (hv/frames.c) ---- */

bool splitio_frames_usable(void);
int splitio_frame_detach(struct page *page, xen_pfn_t *mfn);
int splitio_frame_attach(struct page *page, xen_pfn_t mfn);
int splitio_frame_release(xen_pfn_t mfn);
int splitio_frame_populate(struct page *page);

/* ---- XenbusState (hv/state.c) ---- */

int splitio_state_switch(struct xenbus_device *dev, enum xenbus_state to);

/* ---- Event channels (hv/evtchn.c) ---- */

/*
 * A zeroed struct is the unbound state: Xen reserves port 0, and IRQ 0 is
 * taken at boot long before a driver binds (the kernel's Xen drivers rely
 * on the same).
 *
 * Both ends bind with late EOI, so every event must end with
 * splitio_evtchn_eoi(), in the handler or in the work it defers to: it
 * unmasks the channel, and reporting an event that found no work lets the
 * kernel slow down a peer that storms us.  ch->irq is set before the
 * handler can first run, so either may use it.
 */
struct splitio_evtchn {
	evtchn_port_t port;	/* the frontend's, as in "event-channel" */
	int irq;
};

int splitio_evtchn_front_bind(struct xenbus_device *dev,
			      struct splitio_evtchn *ch,
			      irq_handler_t handler, const char *name,
			      void *dev_id);
int splitio_evtchn_back_bind(struct xenbus_device *dev,
			     struct splitio_evtchn *ch,
			     evtchn_port_t remote_port,
			     irq_handler_t handler, const char *name,
			     void *dev_id);
void splitio_evtchn_unbind(struct splitio_evtchn *ch, void *dev_id);
bool splitio_evtchn_lost(const struct splitio_evtchn *ch);

static inline void splitio_evtchn_notify(const struct splitio_evtchn *ch)
{
	notify_remote_via_irq(ch->irq);
}

static inline void splitio_evtchn_eoi(const struct splitio_evtchn *ch,
				      bool found_work)
{
	xen_irq_lateeoi(ch->irq, found_work ? 0 : XEN_EOI_FLAG_SPURIOUS);
}

#endif /* SPLITIO_HV_H */
