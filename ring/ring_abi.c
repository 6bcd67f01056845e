// SPDX-License-Identifier: GPL-2.0
/*
 * Build-time proof that ring/sring.h implements Xen's shared ring ABI: for
 * the request and response types of the real protocols, and for sizes none
 * of them uses, the header offsets, entry size and entry count must equal
 * those that Xen's public io/ring.h gives through DEFINE_RING_TYPES(), for
 * single- and multi-page rings.  Any difference fails the build; the object
 * holds no code.
 */
#include <xen/page.h>
#include <xen/interface/io/ring.h>
#include <xen/interface/io/blkif.h>
#include <xen/interface/io/netif.h>
#include <xen/interface/io/vscsiif.h>
#include <xen/interface/io/usbif.h>
#include <xen/interface/io/sndif.h>
#include <xen/interface/io/displif.h>

#include "splitio/portable.h"
#include "ring/sring.h"

/* Odd entry sizes, and a union padded to its 8-byte alignment (16 > 12). */
struct abi_1_byte { u8 b; };
struct abi_3_bytes { u8 b[3]; };
struct abi_12_bytes { u8 b[12]; };
struct abi_u64 { u64 v; };
struct abi_3000_bytes { u8 b[3000]; };	/* one entry per page */
struct abi_5000_bytes { u8 b[5000]; };	/* none in a single page */

DEFINE_RING_TYPES(abi_1, struct abi_1_byte, struct abi_1_byte);
DEFINE_RING_TYPES(abi_3, struct abi_3_bytes, struct abi_1_byte);
DEFINE_RING_TYPES(abi_aligned, struct abi_u64, struct abi_12_bytes);
DEFINE_RING_TYPES(abi_3000, struct abi_1_byte, struct abi_3000_bytes);
DEFINE_RING_TYPES(abi_5000, struct abi_5000_bytes, struct abi_u64);

#define SAME_OFFSET(tag, field, ours)					\
	static_assert(offsetof(struct tag##_sring, field) ==		\
		      offsetof(struct splitio_sring, ours))

#define SAME_ENTRIES(tag, pages)					\
	static_assert(SPLITIO_RING_ENTRIES((pages) * XEN_PAGE_SIZE,	\
			sizeof(union tag##_sring_entry)) ==		\
		      __CONST_RING_SIZE(tag, (pages) * XEN_PAGE_SIZE))

/* Up to 16 pages: the most xenbus_setup_ring() grants for one ring. */
#define SAME_RING(tag, req_t, rsp_t)					\
	SAME_OFFSET(tag, req_prod, req_prod);				\
	SAME_OFFSET(tag, req_event, req_event);				\
	SAME_OFFSET(tag, rsp_prod, rsp_prod);				\
	SAME_OFFSET(tag, rsp_event, rsp_event);				\
	SAME_OFFSET(tag, ring, entries);				\
	static_assert(SPLITIO_RING_ENTRY_SIZE(req_t, rsp_t) ==		\
		      sizeof(union tag##_sring_entry));			\
	SAME_ENTRIES(tag, 1);						\
	SAME_ENTRIES(tag, 2);						\
	SAME_ENTRIES(tag, 3);						\
	SAME_ENTRIES(tag, 4);						\
	SAME_ENTRIES(tag, 8);						\
	SAME_ENTRIES(tag, 16)

SAME_RING(blkif, struct blkif_request, struct blkif_response);
SAME_RING(xen_netif_tx, struct xen_netif_tx_request,
	  struct xen_netif_tx_response);
SAME_RING(xen_netif_rx, struct xen_netif_rx_request,
	  struct xen_netif_rx_response);
SAME_RING(xen_netif_ctrl, struct xen_netif_ctrl_request,
	  struct xen_netif_ctrl_response);
SAME_RING(vscsiif, struct vscsiif_request, struct vscsiif_response);
SAME_RING(xenusb_urb, struct xenusb_urb_request,
	  struct xenusb_urb_response);
SAME_RING(xen_sndif, struct xensnd_req, struct xensnd_resp);
SAME_RING(xen_displif, struct xendispl_req, struct xendispl_resp);

SAME_RING(abi_1, struct abi_1_byte, struct abi_1_byte);
SAME_RING(abi_3, struct abi_3_bytes, struct abi_1_byte);
SAME_RING(abi_aligned, struct abi_u64, struct abi_12_bytes);
SAME_RING(abi_3000, struct abi_1_byte, struct abi_3000_bytes);
SAME_RING(abi_5000, struct abi_5000_bytes, struct abi_u64);

/* The real rings' sizes, as the drivers know them. */
static_assert(SPLITIO_RING_ENTRIES(XEN_PAGE_SIZE,
		sizeof(union blkif_sring_entry)) == 32);
static_assert(SPLITIO_RING_ENTRIES(XEN_PAGE_SIZE,
		sizeof(union xen_netif_tx_sring_entry)) == 256);
static_assert(SPLITIO_RING_ENTRIES(XEN_PAGE_SIZE,
		sizeof(union xen_netif_rx_sring_entry)) == 256);
