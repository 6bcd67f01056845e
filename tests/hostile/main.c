// SPDX-License-Identifier: GPL-2.0
/*
 * splitio_hostile: the XenBus side.  Loaded with vbd=ATTACK or
 * vif=ATTACK, it binds to the guest's devices of that class (it declares
 * no device table, so nothing loads it by alias), and runs the attack in
 * a thread of the device's own: an attack may wait on the backend for
 * seconds, which the xenwatch thread must not.  The thread reports, then
 * idles until the device is unbound (XenBus holds the module while a
 * device is bound: unbind it, then unload).  Loading it again with
 * another attack reconnects: the backend saw us close, and sees us start
 * again from Initialising.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xen.h>

#include "splitio/compat.h"
#include "hostile.h"

static char *hostile_vbd_attack = "";
module_param_named(vbd, hostile_vbd_attack, charp, 0444);
MODULE_PARM_DESC(vbd, "The attack on each vbd (default: none, vbds are left alone)");

static char *hostile_vif_attack = "";
module_param_named(vif, hostile_vif_attack, charp, 0444);
MODULE_PARM_DESC(vif, "The attack on each vif (default: none, vifs are left alone)");

struct hostile_dev {
	struct hostile_conn conn;
	struct task_struct *thread;
	const char *attack;
	int (*run)(struct hostile_conn *conn, const char *attack);
};

void hostile_verdict(struct hostile_conn *conn, const char *name, bool ok,
		     const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	hostile_report(conn, "%s: %pV: %s", name, &vaf, ok ? "ok" : "WRONG");
	va_end(args);
	if (!ok)
		conn->failures++;
}

static irqreturn_t hostile_interrupt(int irq, void *dev_id)
{
	struct hostile_conn *conn = dev_id;

	atomic_inc(&conn->events);
	wake_up(&conn->wq);
	return IRQ_HANDLED;
}

static int ring_setup_one(struct hostile_conn *conn, unsigned int i)
{
	return xenbus_setup_ring(conn->xdev, GFP_KERNEL, &conn->sring[i], 1,
				 &conn->ring_ref[i]);
}

int hostile_ring_setup(struct hostile_conn *conn, unsigned int nr_rings)
{
	int err;

	for (conn->nr_rings = 0; conn->nr_rings < nr_rings; conn->nr_rings++) {
		err = ring_setup_one(conn, conn->nr_rings);
		if (err)
			goto err_teardown_rings;
	}
	err = xenbus_alloc_evtchn(conn->xdev, &conn->port);
	if (err)
		goto err_teardown_rings;
	err = bind_evtchn_to_irqhandler(conn->port, hostile_interrupt, 0,
					KBUILD_MODNAME, conn);
	if (err < 0)
		goto err_free_evtchn;
	conn->irq = err;
	return 0;

err_free_evtchn:
	xenbus_free_evtchn(conn->xdev, conn->port);
err_teardown_rings:
	while (conn->nr_rings--)
		xenbus_teardown_ring(&conn->sring[conn->nr_rings], 1,
				     &conn->ring_ref[conn->nr_rings]);
	conn->nr_rings = 0;
	return err;
}

/* Unbinding closes the port; a ring's grant ends once the backend let go. */
void hostile_ring_teardown(struct hostile_conn *conn)
{
	if (conn->irq) {
		unbind_from_irqhandler(conn->irq, conn);
		conn->irq = 0;
	}
	while (conn->nr_rings) {
		conn->nr_rings--;
		xenbus_teardown_ring(&conn->sring[conn->nr_rings], 1,
				     &conn->ring_ref[conn->nr_rings]);
	}
}

void hostile_notify(struct hostile_conn *conn)
{
	notify_remote_via_irq(conn->irq);
}

int hostile_switch(struct hostile_conn *conn, enum xenbus_state state)
{
	return xenbus_switch_state(conn->xdev, state);
}

/*
 * Polled rather than watched: the states the attacks wait for are few,
 * and a poll cannot miss one that came and went between two callbacks.
 */
enum xenbus_state hostile_wait_backend(struct hostile_conn *conn,
				       unsigned int mask, unsigned int ms)
{
	enum xenbus_state state;

	for (;;) {
		state = xenbus_read_driver_state(conn->xdev->otherend);
		if ((HOSTILE_STATE(state) & mask) || !ms ||
		    kthread_should_stop())
			return state;
		msleep(20);
		ms -= min(ms, 20u);
	}
}

int hostile_grant_page(struct hostile_conn *conn, bool readonly,
		       struct page **page, grant_ref_t *ref)
{
	int r;

	*ref = INVALID_GRANT_REF;
	*page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!*page)
		return -ENOMEM;
	r = gnttab_grant_foreign_access(conn->xdev->otherend_id,
					xen_page_to_gfn(*page), readonly);
	if (r < 0) {
		__free_page(*page);
		*page = NULL;
		return r;
	}
	*ref = r;
	return 0;
}

/* The page is freed once the backend no longer maps it. */
void hostile_ungrant_page(struct page **page, grant_ref_t *ref)
{
	if (!*page)
		return;		/* never granted: *ref means nothing */
	if (*ref != INVALID_GRANT_REF)
		gnttab_end_foreign_access(*ref, *page);
	*page = NULL;
	*ref = INVALID_GRANT_REF;
}

const struct hostile_xs_case *
hostile_find_xs_case(const struct hostile_xs_case *cases, unsigned int nr,
		     const char *attack)
{
	unsigned int i;

	if (strncmp(attack, "xs-", 3))
		return NULL;
	for (i = 0; i < nr; i++)
		if (!strcmp(attack + 3, cases[i].name))
			return &cases[i];
	return NULL;
}

int hostile_start(struct hostile_conn *conn)
{
	enum xenbus_state state;

	hostile_switch(conn, XenbusStateInitialising);
	state = hostile_wait_backend(conn, HOSTILE_STATE(XenbusStateInitWait),
				     HOSTILE_STATE_MS);
	if (state != XenbusStateInitWait) {
		hostile_report(conn, "backend in state %s, not InitWait",
			       xenbus_strstate(state));
		return -ETIMEDOUT;
	}
	return 0;
}

enum xenbus_state hostile_connect(struct hostile_conn *conn,
				  const struct hostile_key *keys,
				  unsigned int nr_keys,
				  const struct hostile_xs_case *garbage,
				  enum xenbus_state announce)
{
	struct xenbus_device *xdev = conn->xdev;
	unsigned int i;
	int err;

	for (i = 0; i < nr_keys; i++) {
		const char *value = keys[i].value;

		if (garbage && !strcmp(keys[i].key, garbage->key))
			value = garbage->value;
		err = xenbus_write(XBT_NIL, xdev->nodename, keys[i].key, value);
		if (err) {
			hostile_report(conn, "cannot write %s: %d", keys[i].key,
				       err);
			return XenbusStateUnknown;
		}
	}
	/* A key we never write otherwise. */
	if (garbage && !xenbus_exists(XBT_NIL, xdev->nodename, garbage->key))
		xenbus_write(XBT_NIL, xdev->nodename, garbage->key,
			     garbage->value);
	hostile_switch(conn, announce);
	return hostile_wait_backend(conn, HOSTILE_STATE(XenbusStateConnected) |
				    HOSTILE_STATE(XenbusStateClosing) |
				    HOSTILE_STATE(XenbusStateClosed),
				    HOSTILE_STATE_MS);
}

/*
 * The backend unmaps the ring before it writes Closed, so the ring's
 * pages are torn down only then: it may have gone Closing by itself,
 * refusing us, with the ring still mapped.
 */
void hostile_close(struct hostile_conn *conn, const char *const *keys,
		   unsigned int nr_keys)
{
	unsigned int i;

	hostile_switch(conn, XenbusStateClosing);
	hostile_wait_backend(conn, HOSTILE_STATE(XenbusStateClosing) |
			     HOSTILE_STATE(XenbusStateClosed), HOSTILE_STATE_MS);
	hostile_switch(conn, XenbusStateClosed);
	hostile_wait_backend(conn, HOSTILE_STATE(XenbusStateClosed),
			     HOSTILE_STATE_MS);
	hostile_ring_teardown(conn);
	for (i = 0; i < nr_keys; i++)
		xenbus_rm(XBT_NIL, conn->xdev->nodename, keys[i]);
}

bool hostile_connected(struct hostile_conn *conn, const char *attack,
		       const struct hostile_xs_case *garbage,
		       enum xenbus_state state)
{
	if (garbage) {
		hostile_verdict(conn, attack, state == XenbusStateClosing ||
				state == XenbusStateClosed,
				"%s written as \"%s\"; backend went %s",
				garbage->key, garbage->value,
				xenbus_strstate(state));
		return false;
	}
	if (state != XenbusStateConnected) {
		hostile_verdict(conn, attack, false,
				"backend went %s, not Connected",
				xenbus_strstate(state));
		return false;
	}
	return true;
}

void hostile_expect_closed(struct hostile_conn *conn, const char *name,
			   const char *sent, const RING_IDX *rsp_prod,
			   RING_IDX rsp_cons)
{
	enum xenbus_state state;
	RING_IDX answered;

	state = hostile_wait_backend(conn, HOSTILE_STATE(XenbusStateClosing) |
				     HOSTILE_STATE(XenbusStateClosed),
				     HOSTILE_STATE_MS);
	answered = READ_ONCE(*rsp_prod) - rsp_cons;
	hostile_verdict(conn, name, state != XenbusStateConnected && !answered,
			"%s; backend went %s, %u response(s)", sent,
			xenbus_strstate(state), answered);
}

void hostile_storm(struct hostile_conn *conn, unsigned int nr)
{
	unsigned long start = jiffies;
	unsigned int i;

	for (i = 0; i < nr && !kthread_should_stop(); i++) {
		hostile_notify(conn);
		if (!(i & 1023))
			cond_resched();
	}
	hostile_verdict(conn, "event-storm", i == nr,
			"%u events in %u ms with nothing new on the ring", i,
			jiffies_to_msecs(jiffies - start));
}

static int hostile_thread(void *arg)
{
	struct hostile_dev *hd = arg;
	struct hostile_conn *conn = &hd->conn;
	int err;

	err = hd->run(conn, hd->attack);
	hostile_report(conn, "done %s: %s, %u case(s) wrong", hd->attack,
		       err ? "could not run" : "ran", conn->failures);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}

static int hostile_probe(struct xenbus_device *xdev,
			 const struct xenbus_device_id *id)
{
	bool vif = !strcmp(xdev->devicetype, "vif");
	const char *attack = vif ? hostile_vif_attack : hostile_vbd_attack;
	struct hostile_dev *hd;
	int err;

	hd = kzalloc(sizeof(*hd), GFP_KERNEL);
	if (!hd)
		return -ENOMEM;
	hd->attack = attack;
	hd->run = vif ? hostile_vif_run : hostile_vbd_run;
	hd->conn.xdev = xdev;
	init_waitqueue_head(&hd->conn.wq);
	dev_set_drvdata(&xdev->dev, hd);
	hd->thread = kthread_run(hostile_thread, hd, "hostile-%s",
				 dev_name(&xdev->dev));
	if (IS_ERR(hd->thread)) {
		err = PTR_ERR(hd->thread);
		dev_set_drvdata(&xdev->dev, NULL);
		kfree(hd);
		return err;
	}
	return 0;
}

/* The attack tore its connection down before it reported. */
static void hostile_teardown(struct xenbus_device *xdev)
{
	struct hostile_dev *hd = dev_get_drvdata(&xdev->dev);

	kthread_stop(hd->thread);
	dev_set_drvdata(&xdev->dev, NULL);
	kfree(hd);
}

SPLITIO_DEFINE_XENBUS_REMOVE(hostile_remove, hostile_teardown)

/* The attacks poll the backend's state; nothing to do on a change. */
static void hostile_backend_changed(struct xenbus_device *xdev,
				    enum xenbus_state state)
{
}

static const struct xenbus_device_id hostile_vbd_ids[] = {
	{ "vbd" },
	{ "" }
};

static const struct xenbus_device_id hostile_vif_ids[] = {
	{ "vif" },
	{ "" }
};

/* A driver per class, registered only if that class is to be attacked. */
static struct xenbus_driver hostile_drivers[] = {
	{
		.name = KBUILD_MODNAME "_vbd",
		.ids = hostile_vbd_ids,
		.probe = hostile_probe,
		.remove = hostile_remove,
		.otherend_changed = hostile_backend_changed,
		.not_essential = true,	/* never Connected while attacking */
	}, {
		.name = KBUILD_MODNAME "_vif",
		.ids = hostile_vif_ids,
		.probe = hostile_probe,
		.remove = hostile_remove,
		.otherend_changed = hostile_backend_changed,
		.not_essential = true,
	},
};

static bool hostile_registered[ARRAY_SIZE(hostile_drivers)];

static void hostile_unregister(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hostile_drivers); i++)
		if (hostile_registered[i])
			xenbus_unregister_driver(&hostile_drivers[i]);
}

static int __init hostile_init(void)
{
	const char *attacks[] = { hostile_vbd_attack, hostile_vif_attack };
	unsigned int i;
	int err;

	if (!xen_domain() || xen_initial_domain())
		return -ENODEV;
	for (i = 0; i < ARRAY_SIZE(hostile_drivers); i++) {
		if (!*attacks[i])
			continue;
		err = xenbus_register_frontend(&hostile_drivers[i]);
		if (err) {
			hostile_unregister();
			return err;
		}
		hostile_registered[i] = true;
	}
	return 0;
}

static void __exit hostile_exit(void)
{
	hostile_unregister();
}

module_init(hostile_init);
module_exit(hostile_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("splitio");
MODULE_DESCRIPTION("splitio test-only hostile Xen frontend");
