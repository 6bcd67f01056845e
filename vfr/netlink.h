/* SPDX-License-Identifier: GPL-2.0 */
/* The VFR's control plane: the "splitio_vfr" generic netlink family. */
#ifndef SPLITIO_VFR_NETLINK_H
#define SPLITIO_VFR_NETLINK_H

int vfr_netlink_init(void);
void vfr_netlink_uninit(void);

#endif /* SPLITIO_VFR_NETLINK_H */
