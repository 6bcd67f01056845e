/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VFR core needs from its host beyond splitio/portable.h: memory for
 * the table builder, a sort, formatted error messages and the per-rule
 * counters.  The kernel and userspace versions behave alike, so the core is
 * tested in userspace exactly as it runs in the kernel.
 */
#ifndef SPLITIO_VFR_PLATFORM_H
#define SPLITIO_VFR_PLATFORM_H

#include "splitio/portable.h"

#ifdef __KERNEL__

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sort.h>

/*
 * Tables can be large (10,000 rules are about 2 MiB), hence kvmalloc; they
 * are built from a netlink request, where sleeping is fine.
 */
static inline void *vfr_alloc_array(size_t n, size_t size)
{
	return kvcalloc(n, size, GFP_KERNEL);
}

static inline void vfr_free(void *p)
{
	kvfree(p);
}

static inline void vfr_sort(void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *))
{
	sort(base, n, size, cmp, NULL);
}

#define __vfr_printf(a, b)	__printf(a, b)

/* Several CPUs classify against the same table at once. */
typedef atomic64_t vfr_counter_t;

static inline void vfr_counter_add(vfr_counter_t *c, u64 n)
{
	atomic64_add(n, c);
}

static inline u64 vfr_counter_read(const vfr_counter_t *c)
{
	return atomic64_read(c);
}

#else /* !__KERNEL__ */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* As the kernel's and tests/unit/harness.h's, token for token. */
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Zeroed, like kvcalloc, and NULL if n * size overflows. */
static inline void *vfr_alloc_array(size_t n, size_t size)
{
	return calloc(n, size);
}

static inline void vfr_free(void *p)
{
	free(p);
}

static inline void vfr_sort(void *base, size_t n, size_t size,
			    int (*cmp)(const void *, const void *))
{
	qsort(base, n, size, cmp);
}

#define __vfr_printf(a, b)	__attribute__((format(printf, a, b)))

/* The unit tests classify from one thread. */
typedef u64 vfr_counter_t;

static inline void vfr_counter_add(vfr_counter_t *c, u64 n)
{
	*c += n;
}

static inline u64 vfr_counter_read(const vfr_counter_t *c)
{
	return *c;
}

#endif /* __KERNEL__ */

#endif /* SPLITIO_VFR_PLATFORM_H */
