// SPDX-License-Identifier: GPL-2.0
/*
 * XenStore helpers: strict reads with defaults, writes that report the
 * failing key, and transactions retried when XenStore reports a conflict.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "hv/hv.h"

/* A conflict means another writer raced us; more than this means a livelock. */
#define SPLITIO_XS_MAX_ATTEMPTS 16

/*
 * Unlike xenbus_read_unsigned(), malformed values are an error rather than
 * the default: the peer wrote them and must not get away with garbage.
 */
static int xs_read_u32_strict(struct xenbus_transaction xbt, const char *dir,
			      const char *key, u32 *value)
{
	char *str;
	int err;

	str = xenbus_read(xbt, dir, key, NULL);
	if (IS_ERR(str))
		return PTR_ERR(str);
	err = kstrtou32(str, 10, value);
	kfree(str);
	return err;
}

/* Absent key: *value = fallback.  Malformed: -EINVAL.  Else -errno. */
int splitio_xs_read_u32(struct xenbus_transaction xbt, const char *dir,
			const char *key, u32 fallback, u32 *value)
{
	int err = xs_read_u32_strict(xbt, dir, key, value);

	if (err != -ENOENT)
		return err;
	*value = fallback;
	return 0;
}
EXPORT_SYMBOL_GPL(splitio_xs_read_u32);

/*
 * Returns a string the caller kfree()s; an absent key yields a copy of
 * @fallback, or ERR_PTR(-ENOENT) when @fallback is NULL.
 */
char *splitio_xs_read_str(struct xenbus_transaction xbt, const char *dir,
			  const char *key, const char *fallback)
{
	char *str = xenbus_read(xbt, dir, key, NULL);

	if (!IS_ERR(str) || PTR_ERR(str) != -ENOENT || !fallback)
		return str;
	return kstrdup(fallback, GFP_KERNEL) ?: ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_GPL(splitio_xs_read_str);

/* Writes dev->nodename/@key; a failure is fatal for the device. */
int splitio_xs_printf(struct xenbus_device *dev, struct xenbus_transaction xbt,
		      const char *key, const char *fmt, ...)
{
	va_list args;
	char *str;
	int err;

	va_start(args, fmt);
	str = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	err = str ? xenbus_write(xbt, dev->nodename, key, str) : -ENOMEM;
	kfree(str);
	if (err)
		xenbus_dev_fatal(dev, err, "writing %s/%s", dev->nodename, key);
	return err;
}
EXPORT_SYMBOL_GPL(splitio_xs_printf);

static int xs_transact_once(struct xenbus_device *dev, const char *what,
			    splitio_xs_body_t body, void *arg)
{
	struct xenbus_transaction xbt;
	int err;

	err = xenbus_transaction_start(&xbt);
	if (err) {
		xenbus_dev_fatal(dev, err, "starting transaction for %s", what);
		return err;
	}
	err = body(dev, xbt, arg);
	if (err) {
		xenbus_transaction_end(xbt, 1);
		return err;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err && err != -EAGAIN)
		xenbus_dev_fatal(dev, err, "ending transaction for %s", what);
	return err;
}

/*
 * Runs @body inside a transaction, again from the start whenever XenStore
 * reports a conflict (-EAGAIN), a bounded number of times.  @body reports
 * its own failures (splitio_xs_printf() does); @what names the operation
 * in errors about the transaction itself.
 */
int splitio_xs_transact(struct xenbus_device *dev, const char *what,
			splitio_xs_body_t body, void *arg)
{
	unsigned int attempt;
	int err = -EAGAIN;

	for (attempt = 0; attempt < SPLITIO_XS_MAX_ATTEMPTS; attempt++) {
		err = xs_transact_once(dev, what, body, arg);
		if (err != -EAGAIN)
			return err;
	}
	xenbus_dev_fatal(dev, err, "%s: XenStore kept conflicting", what);
	return err;
}
EXPORT_SYMBOL_GPL(splitio_xs_transact);

struct xs_pairs {
	const struct splitio_xs_pair *pairs;
	unsigned int nr;
};

static int xs_write_pairs_body(struct xenbus_device *dev,
			       struct xenbus_transaction xbt, void *arg)
{
	const struct xs_pairs *list = arg;
	unsigned int i;
	int err;

	for (i = 0; i < list->nr; i++) {
		err = splitio_xs_printf(dev, xbt, list->pairs[i].key, "%u",
					list->pairs[i].value);
		if (err)
			return err;
	}
	return 0;
}

/* Writes all pairs or none, so the peer never sees half the features. */
int splitio_xs_write_pairs(struct xenbus_device *dev,
			   const struct splitio_xs_pair *pairs,
			   unsigned int nr_pairs)
{
	struct xs_pairs list = { .pairs = pairs, .nr = nr_pairs };

	return splitio_xs_transact(dev, "writing keys", xs_write_pairs_body,
				   &list);
}
EXPORT_SYMBOL_GPL(splitio_xs_write_pairs);

struct xs_fields {
	const char *dir;
	const struct splitio_xs_field *fields;
	unsigned int nr;
};

static int xs_read_field(struct xenbus_transaction xbt, const char *dir,
			 const struct splitio_xs_field *field)
{
	if (field->required)
		return xs_read_u32_strict(xbt, dir, field->key, field->value);
	return splitio_xs_read_u32(xbt, dir, field->key, field->fallback,
				   field->value);
}

static int xs_gather_body(struct xenbus_device *dev,
			  struct xenbus_transaction xbt, void *arg)
{
	const struct xs_fields *list = arg;
	unsigned int i;
	int err;

	for (i = 0; i < list->nr; i++) {
		err = xs_read_field(xbt, list->dir, &list->fields[i]);
		if (err) {
			xenbus_dev_fatal(dev, err, "reading %s/%s", list->dir,
					 list->fields[i].key);
			return err;
		}
	}
	return 0;
}

/*
 * Reads u32 keys under @dir (usually dev->otherend) as one consistent
 * snapshot; a missing required or malformed key is fatal for the device.
 */
int splitio_xs_gather(struct xenbus_device *dev, const char *dir,
		      const struct splitio_xs_field *fields,
		      unsigned int nr_fields)
{
	struct xs_fields list = {
		.dir = dir, .fields = fields, .nr = nr_fields,
	};

	return splitio_xs_transact(dev, "reading keys", xs_gather_body, &list);
}
EXPORT_SYMBOL_GPL(splitio_xs_gather);
