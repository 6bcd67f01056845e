/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The small set of kernel primitives that splitio's portable logic (shared
 * ring, classifiers, request reordering) uses, provided both in the kernel and
 * in userspace so that the very same source is unit-tested as a normal
 * program.  Portable code includes this header and nothing else.
 */
#ifndef SPLITIO_PORTABLE_H
#define SPLITIO_PORTABLE_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/compiler.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <asm/barrier.h>

/*
 * The peer of a split driver is another domain, possibly running on another
 * physical CPU even when this kernel is built !CONFIG_SMP.  smp_*() would then
 * shrink to compiler barriers; the virt_*() flavours never do.
 */
#define splitio_wmb()		virt_wmb()
#define splitio_rmb()		virt_rmb()
#define splitio_mb()		virt_mb()
#define splitio_barrier()	barrier()

#else /* !__KERNEL__ */

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <string.h>
#include <errno.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

/*
 * As in the kernel: a volatile access is done exactly once, with a single
 * load or store for naturally aligned scalars, and is never merged with,
 * split into or invented from neighbouring accesses.
 */
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)	(*(volatile __typeof__(x) *)&(x) = (val))

/*
 * The C11 fences are at least as strong as what each kernel barrier
 * promises, and like the kernel's they also stop the compiler from moving
 * memory accesses across them:
 *  - wmb (stores before stores): a release fence orders all earlier accesses
 *    before all later stores;
 *  - rmb (loads before loads): an acquire fence orders all earlier loads
 *    before all later accesses;
 *  - mb (everything, including an earlier store before a later load, which
 *    only a full fence provides - MFENCE/locked op on x86, DMB ISH on arm64).
 */
#define splitio_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define splitio_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#define splitio_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Compiler-only: memory may have changed behind the compiler's back. */
#define splitio_barrier()	__asm__ __volatile__("" : : : "memory")

/* C11 spelling; like the kernel's, but the message argument is mandatory. */
#ifndef static_assert
#define static_assert		_Static_assert
#endif

#endif /* __KERNEL__ */

#endif /* SPLITIO_PORTABLE_H */
