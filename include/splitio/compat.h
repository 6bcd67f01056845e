/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every kernel-version difference splitio depends on, in one place.
 *
 * splitio targets Debian 12's 6.1 kernel.  The floor is 6.1.0, which already
 * has the Xen interfaces splitio is written against:
 *  - gnttab_try_end_foreign_access(), and gnttab_end_foreign_access()
 *    taking a struct page * with no readonly argument (5.17, XSA-396);
 *  - xenbus_setup_ring()/xenbus_teardown_ring() for multi-page rings (5.18).
 */
#ifndef SPLITIO_COMPAT_H
#define SPLITIO_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "splitio needs Linux 6.1 or later (see include/splitio/compat.h)"
#endif

/*
 * xenbus_driver.remove() returns void since 6.2, and in 6.1 since the
 * stable backport in 6.1.162; before, it returned an int nobody checked.
 * A driver writes a void remove function @fn and sets .remove = @name.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 162)
#define SPLITIO_DEFINE_XENBUS_REMOVE(name, fn)				\
	static void name(struct xenbus_device *dev) { fn(dev); }
#else
#define SPLITIO_DEFINE_XENBUS_REMOVE(name, fn)				\
	static int name(struct xenbus_device *dev) { fn(dev); return 0; }
#endif

#endif /* SPLITIO_COMPAT_H */
