// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_hostile_back: the XenBus side.  Loaded in Dom0 with no other
 * vbd or vif backend, it takes every new device of both classes.  The
 * attack is read from the class's parameter when the frontend connects,
 * so the lab writes the parameter, attaches a device, and writes the next
 * one for the next device.  An attack runs in a thread of the device's own
 * (it waits on the frontend for seconds, which xenwatch must not) and
 * lasts until the frontend or the toolstack closes the device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/xen.h>

#include "splitio/compat.h"
#include "back.h"

static char *hostile_back_vbd_attack = "honest";
module_param_named(vbd, hostile_back_vbd_attack, charp, 0644);
MODULE_PARM_DESC(vbd, "How the next vbd to connect is answered (default: honest)");

static char *hostile_back_vif_attack = "honest";
module_param_named(vif, hostile_back_vif_attack, charp, 0644);
MODULE_PARM_DESC(vif, "How the next vif to connect is answered (default: honest)");

#define HOSTILE_BACK_ATTACK_LEN	32

struct hostile_back_dev {
	struct hostile_back hb;
	char attack[HOSTILE_BACK_ATTACK_LEN];
};

static irqreturn_t hostile_back_interrupt(int irq, void *dev_id)
{
	struct hostile_back *hb = dev_id;

	atomic_inc(&hb->events);
	wake_up(&hb->wq);
	xen_irq_lateeoi(irq, 0);
	return IRQ_HANDLED;
}

bool hostile_back_wait(struct hostile_back *hb,
		       bool (*ready)(struct hostile_back *hb, void *arg),
		       void *arg, unsigned int ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ms);
	int seen;

	for (;;) {
		seen = atomic_read(&hb->events);
		if (hb->gave_up)
			return false;
		if (ready(hb, arg))
			return true;
		if (kthread_should_stop() || time_after(jiffies, deadline))
			return false;
		/* Polled too, every 100 ms: a frontend need not notify. */
		wait_event_interruptible_timeout(hb->wq,
				atomic_read(&hb->events) != seen ||
				kthread_should_stop(), HZ / 10);
	}
}

void hostile_back_notify(struct hostile_back *hb)
{
	notify_remote_via_irq(hb->irq);
}

/*
 * After the attack, until the device disconnects.  The state is set
 * before the check, so kthread_stop()'s wake-up is never lost.
 */
static void hostile_back_idle(struct hostile_back *hb)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int hostile_back_thread(void *arg)
{
	struct hostile_back_dev *dev = arg;
	struct hostile_back *hb = &dev->hb;
	int err;

	hostile_back_report(hb, "%s: connected", dev->attack);
	err = hb->class->run(hb, dev->attack);
	if (err)
		hostile_back_report(hb, "%s: could not run: %d", dev->attack,
				    err);
	hostile_back_idle(hb);
	return 0;
}

static void hostile_back_disconnect(struct hostile_back *hb)
{
	unsigned int i;

	if (hb->thread) {
		kthread_stop(hb->thread);
		hb->thread = NULL;
	}
	if (hb->irq) {
		unbind_from_irqhandler(hb->irq, hb);
		hb->irq = 0;
	}
	for (i = 0; i < hb->class->nr_rings; i++) {
		if (hb->ring[i])
			xenbus_unmap_ring_vfree(hb->xdev, hb->ring[i]);
		hb->ring[i] = NULL;
	}
}

/*
 * The attack the class's parameter names now, copied under its lock,
 * without the newline `echo ATTACK >parameter` leaves.
 */
static void hostile_back_pick_attack(struct hostile_back_dev *dev)
{
	bool vif = dev->hb.class == &hostile_back_vif;

	kernel_param_lock(THIS_MODULE);
	strscpy(dev->attack, vif ? hostile_back_vif_attack :
		hostile_back_vbd_attack, sizeof(dev->attack));
	kernel_param_unlock(THIS_MODULE);
	dev->attack[strcspn(dev->attack, "\n")] = '\0';
}

static int hostile_back_connect(struct hostile_back_dev *dev)
{
	struct hostile_back *hb = &dev->hb;
	struct xenbus_device *xdev = hb->xdev;
	unsigned int i, ref, port;
	int err;

	for (i = 0; i < hb->class->nr_rings; i++) {
		err = xenbus_scanf(XBT_NIL, xdev->otherend,
				   hb->class->ring_keys[i], "%u", &ref);
		if (err != 1)
			goto err_disconnect;
		err = xenbus_map_ring_valloc(xdev, &ref, 1, &hb->ring[i]);
		if (err)
			goto err_disconnect;
	}
	err = xenbus_scanf(XBT_NIL, xdev->otherend, "event-channel", "%u",
			   &port);
	if (err != 1)
		goto err_disconnect;
	err = bind_interdomain_evtchn_to_irqhandler_lateeoi(xdev, port,
			hostile_back_interrupt, 0, "hostile-back", hb);
	if (err < 0)
		goto err_disconnect;
	hb->irq = err;
	if (hb->class->connect_keys) {
		err = hb->class->connect_keys(hb);
		if (err)
			goto err_disconnect;
	}
	hostile_back_pick_attack(dev);
	hb->thread = kthread_run(hostile_back_thread, dev, "hostile-back-%d",
				 xdev->otherend_id);
	if (IS_ERR(hb->thread)) {
		err = PTR_ERR(hb->thread);
		hb->thread = NULL;
		goto err_disconnect;
	}
	return xenbus_switch_state(xdev, XenbusStateConnected);

err_disconnect:
	hostile_back_disconnect(hb);
	err = err < 0 ? err : -EINVAL;
	xenbus_dev_fatal(xdev, err, "connecting to the frontend");
	return err;
}

static void hostile_back_frontend_changed(struct xenbus_device *xdev,
					  enum xenbus_state state)
{
	struct hostile_back_dev *dev = dev_get_drvdata(&xdev->dev);

	switch (state) {
	case XenbusStateInitialising:
		/* A frontend that closed and probes again. */
		if (xdev->state == XenbusStateClosed)
			xenbus_switch_state(xdev, XenbusStateInitWait);
		break;
	case XenbusStateInitialised:
	case XenbusStateConnected:
		if (!dev->hb.thread && xdev->state != XenbusStateConnected)
			hostile_back_connect(dev);
		break;
	case XenbusStateClosing:
		hostile_back_disconnect(&dev->hb);
		xenbus_switch_state(xdev, XenbusStateClosing);
		break;
	case XenbusStateClosed:
		hostile_back_disconnect(&dev->hb);
		xenbus_switch_state(xdev, XenbusStateClosed);
		if (xenbus_dev_is_online(xdev))
			break;
		fallthrough;
	case XenbusStateUnknown:	/* the frontend's nodes are gone */
		device_unregister(&xdev->dev);
		break;
	default:
		break;
	}
}

static int hostile_back_probe(struct xenbus_device *xdev,
			      const struct xenbus_device_id *id)
{
	struct hostile_back_dev *dev;
	int err;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	dev->hb.xdev = xdev;
	dev->hb.class = strcmp(xdev->devicetype, "vif") ?
			&hostile_back_vbd : &hostile_back_vif;
	init_waitqueue_head(&dev->hb.wq);
	dev_set_drvdata(&xdev->dev, dev);
	if (dev->hb.class->probe_keys) {
		err = dev->hb.class->probe_keys(&dev->hb);
		if (err)
			goto err_free;
	}
	err = xenbus_switch_state(xdev, XenbusStateInitWait);
	if (err)
		goto err_free;
	return 0;

err_free:
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(dev);
	return err;
}

static void hostile_back_teardown(struct xenbus_device *xdev)
{
	struct hostile_back_dev *dev = dev_get_drvdata(&xdev->dev);

	hostile_back_disconnect(&dev->hb);
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(dev);
}

SPLITIO_DEFINE_XENBUS_REMOVE(hostile_back_remove, hostile_back_teardown)

static const struct xenbus_device_id hostile_back_vbd_ids[] = {
	{ "vbd" },
	{ "" }
};

static const struct xenbus_device_id hostile_back_vif_ids[] = {
	{ "vif" },
	{ "" }
};

static struct xenbus_driver hostile_back_drivers[] = {
	{
		.name = KBUILD_MODNAME "_vbd",
		.ids = hostile_back_vbd_ids,
		.probe = hostile_back_probe,
		.remove = hostile_back_remove,
		.otherend_changed = hostile_back_frontend_changed,
	}, {
		.name = KBUILD_MODNAME "_vif",
		.ids = hostile_back_vif_ids,
		.probe = hostile_back_probe,
		.remove = hostile_back_remove,
		.otherend_changed = hostile_back_frontend_changed,
	},
};

static int __init hostile_back_init(void)
{
	int err;

	if (!xen_initial_domain())
		return -ENODEV;
	err = xenbus_register_backend(&hostile_back_drivers[0]);
	if (err)
		return err;
	err = xenbus_register_backend(&hostile_back_drivers[1]);
	if (err)
		xenbus_unregister_driver(&hostile_back_drivers[0]);
	return err;
}

static void __exit hostile_back_exit(void)
{
	xenbus_unregister_driver(&hostile_back_drivers[1]);
	xenbus_unregister_driver(&hostile_back_drivers[0]);
}

module_init(hostile_back_init);
module_exit(hostile_back_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("splitio");
MODULE_DESCRIPTION("splitio test-only hostile Xen backend");
