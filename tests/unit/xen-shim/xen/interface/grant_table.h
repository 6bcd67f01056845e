/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for the kernel's xen/interface/grant_table.h, so that
 * ring_test.c can include Xen's public io/ring.h, which only needs this type
 * from it, without the rest of the kernel's include tree.
 */
#ifndef SPLITIO_TESTS_XEN_SHIM_GRANT_TABLE_H
#define SPLITIO_TESTS_XEN_SHIM_GRANT_TABLE_H

#include <stdint.h>

typedef uint32_t grant_ref_t;

#endif
