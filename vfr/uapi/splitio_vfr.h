/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The virtual firewall-router's rules as userspace sends them: netlink
 * attributes, the format both the kernel (vfr/rule_parse.c) and tools such as
 * vfrctl read and write.
 *
 * Documentation
 * =============
 *
 * The VFR filters frames as they cross a vif, in one of two directions:
 *
 *    VFR_DIR_INGRESS  from the guest into the backend (the guest transmits)
 *    VFR_DIR_EGRESS   from the backend to the guest (the guest receives)
 *
 * Each direction has its own ordered list of rules.  For a frame, the rules
 * of its direction are taken in priority order, lower VFR_RULE_A_PRIORITY
 * first, and among equal priorities in the order the rules were added.  The
 * first matching rule whose action is ACCEPT, DROP or REDIRECT decides the
 * frame's fate and counts it.  Every matching COUNT rule before it counts the
 * frame too; COUNT rules after it do not see the frame.  When no deciding
 * rule matches, the default policy of the vif the frame crosses (ACCEPT or
 * DROP, per vif and direction) decides.
 *
 * A rule is one nested attribute of the generic netlink family that carries
 * rules (its commands and top-level attributes are defined with its kernel
 * side).  Inside it, the following attributes, each at most once, in any
 * order.  Every attribute has exactly the size shown; integers without a
 * byte order given are in host byte order, as netlink integers are; packet
 * fields - addresses, ports, EtherTypes - are in network byte order, as on
 * the wire.  A nested attribute must carry NLA_F_NESTED and no other
 * attribute may; NLA_F_NET_BYTEORDER is refused everywhere.  A match
 * attribute that is absent matches every frame.
 *
 *    VFR_RULE_A_DIRECTION: NLA_U8, enum vfr_direction, required
 *    VFR_RULE_A_PRIORITY: NLA_U32, lower first, required
 *    VFR_RULE_A_ACTION: NLA_U8, enum vfr_action, required
 *    VFR_RULE_A_REDIRECT_VIF: NLA_U32, the vif a REDIRECT rule sends the
 *                             frame to; required with VFR_ACT_REDIRECT and
 *                             refused with the other actions
 *    VFR_RULE_A_IN_VIF: NLA_U32, the vif the frame came from, or
 *                       VFR_VIF_NONE for "not from a guest"
 *    VFR_RULE_A_OUT_VIF: NLA_U32, the vif the frame goes to, or
 *                        VFR_VIF_NONE for "not to a guest"
 *    VFR_RULE_A_SRC_MAC: NLA_EXACT_LEN, len VFR_MAC_LEN
 *    VFR_RULE_A_SRC_MAC_MASK: NLA_EXACT_LEN, len VFR_MAC_LEN, the bits of
 *                             VFR_RULE_A_SRC_MAC that must match; needs
 *                             VFR_RULE_A_SRC_MAC, which may have no bit set
 *                             outside it; ff:ff:ff:ff:ff:ff when absent
 *    VFR_RULE_A_DST_MAC: NLA_EXACT_LEN, len VFR_MAC_LEN
 *    VFR_RULE_A_DST_MAC_MASK: NLA_EXACT_LEN, len VFR_MAC_LEN, as for SRC
 *    VFR_RULE_A_ETHERTYPE: NLA_BE16, at least 0x0600; the EtherType after
 *                          the frame's 802.1Q tag if it has one
 *    VFR_RULE_A_SRC_IPV4: NLA_NESTED, IPv4 frames whose source address is in
 *        VFR_PREFIX_A_ADDR: NLA_EXACT_LEN, len 4, required, no bit set past
 *                           the prefix length
 *        VFR_PREFIX_A_LEN: NLA_U8, prefix length 0..32, 32 when absent
 *    VFR_RULE_A_DST_IPV4: NLA_NESTED, as VFR_RULE_A_SRC_IPV4
 *    VFR_RULE_A_SRC_IPV6: NLA_NESTED, IPv6 frames whose source address is in
 *        VFR_PREFIX_A_ADDR: NLA_EXACT_LEN, len 16, required, no bit set past
 *                           the prefix length
 *        VFR_PREFIX_A_LEN: NLA_U8, prefix length 0..128, 128 when absent
 *    VFR_RULE_A_DST_IPV6: NLA_NESTED, as VFR_RULE_A_SRC_IPV6
 *    VFR_RULE_A_IP_PROTO: NLA_U8, the IPv4 protocol or the IPv6 next header
 *                         after the extension headers
 *    VFR_RULE_A_SPORT_RANGE: NLA_NESTED, TCP or UDP frames, first fragments
 *                            only, whose source port is in
 *        VFR_RANGE_A_LO: NLA_BE16, required
 *        VFR_RANGE_A_HI: NLA_BE16, at least LO, LO when absent
 *    VFR_RULE_A_DPORT_RANGE: NLA_NESTED, as VFR_RULE_A_SPORT_RANGE for the
 *                            destination port
 *    VFR_RULE_A_ICMP_TYPE: NLA_U8, the ICMP or ICMPv6 type, first fragments
 *                          only; needs VFR_RULE_A_IP_PROTO 1 (ICMP, IPv4) or
 *                          58 (ICMPv6, IPv6)
 *
 * A rule never matches two IP versions: IPv4 and IPv6 prefixes exclude each
 * other, and an EtherType given with IP fields must be that of their IP
 * version.  Port ranges need VFR_RULE_A_IP_PROTO 6 (TCP) or 17 (UDP), or no
 * protocol, which takes both.  A rule that breaks any of this is refused as a
 * whole with an errno (EINVAL, or ERANGE for a number out of its range) and a
 * message naming the attribute at fault.
 *
 * When the kernel reports rules, the same nest also carries their counters,
 * which it refuses in rules sent to it:
 *
 *    VFR_RULE_A_PACKETS: NLA_U64, frames the rule counted
 *    VFR_RULE_A_BYTES: NLA_U64, bytes of those frames, Ethernet header on
 *    VFR_RULE_A_PAD: padding that aligns the 64-bit counters
 *
 * The generic netlink family
 * ==========================
 *
 * VFR_GENL_NAME, version VFR_GENL_VERSION, carries the commands below.  Every
 * command needs CAP_NET_ADMIN.  Top-level attributes are validated strictly:
 * an attribute the command does not take, or an unknown one, is refused with
 * EINVAL.
 *
 *    VFR_A_RULE: NLA_NESTED, one rule as documented above
 *    VFR_A_RULE_ID: NLA_U32, the id the kernel gave a rule; ids count up
 *                   from 1 and are never reused while the module is loaded
 *    VFR_A_VIF: NLA_U32, a vif id: (domid << 16) | handle for the vif
 *               Dom0 names vif<domid>.<handle>
 *    VFR_A_DIRECTION: NLA_U8, enum vfr_direction
 *    VFR_A_POLICY: NLA_U8, VFR_ACT_ACCEPT or VFR_ACT_DROP
 *    VFR_A_ERROR_MSG: NLA_NUL_STRING, why a rule was refused, in full
 *    VFR_A_ERROR_ATTR: NLA_U16, the rule attribute at fault, or 0
 *
 * VFR_CMD_RULE_ADD takes VFR_A_RULE and answers with a message carrying the
 * new rule's VFR_A_RULE_ID.  A rule the kernel refuses fails with EINVAL or
 * ERANGE; the extended ack then names the bad attribute with a short message
 * (netlink's extended ack can carry only fixed strings), and the message
 * before the error, a VFR_CMD_RULE_ADD too, carries VFR_A_ERROR_MSG and
 * VFR_A_ERROR_ATTR with the precise reason.  E2BIG when VFR_MAX_RULES rules
 * exist already.
 *
 * VFR_CMD_RULE_DEL takes VFR_A_RULE_ID; ENOENT if no rule has that id.
 *
 * VFR_CMD_FLUSH removes every rule, or, given both VFR_A_VIF and
 * VFR_A_DIRECTION, the rules of that direction that match frames of that
 * vif: VFR_RULE_A_IN_VIF for ingress, VFR_RULE_A_OUT_VIF for egress.
 * Default policies stay.
 *
 * VFR_CMD_RULE_GET with VFR_A_RULE_ID answers with that rule; as a dump
 * (NLM_F_DUMP), without attributes, it answers with every rule in id order,
 * one message each.  A message carries VFR_A_RULE_ID and VFR_A_RULE, the
 * rule with its counters.  If the rules change between two parts of a dump,
 * the later part has NLM_F_DUMP_INTR set: the dump is no snapshot, and the
 * caller may dump again for one.  A rule is reported at most once per dump.
 *
 * VFR_CMD_STATS, a dump only, is VFR_CMD_RULE_GET's dump whose VFR_A_RULE
 * nests carry only VFR_RULE_A_DIRECTION, VFR_RULE_A_PRIORITY,
 * VFR_RULE_A_ACTION and the counters.
 *
 * VFR_CMD_POLICY_SET takes VFR_A_VIF, VFR_A_DIRECTION and VFR_A_POLICY, all
 * required: the default policy of that vif in that direction.  Vifs without
 * one accept.
 *
 * VFR_CMD_ATTACH and VFR_CMD_DETACH take VFR_A_VIF: the vif is attached to the
 * VFR, or no longer is.  EEXIST when attaching an attached vif, ENOENT when
 * detaching one that is not.  A vif need not exist to be attached; it is on
 * the VFR while it is attached and connected.  Frames of a vif on the VFR
 * are classified in both directions and switched: one for the guest MAC of
 * another vif on the VFR goes straight to that vif (after its egress
 * rules), a broadcast or multicast one to every vif on the VFR and to Dom0,
 * any other one to Dom0's network stack, the VFR's uplink.  A REDIRECT
 * sends the frame to the connected vif it names, without that vif's egress
 * rules.  Frames of vifs not on the VFR are not classified.
 *
 * Every change to the rules or policies takes effect at once for every frame
 * classified after the command returns; a change that fails changes nothing.
 */
#ifndef _SPLITIO_UAPI_VFR_H
#define _SPLITIO_UAPI_VFR_H

#define VFR_MAC_LEN	6

/* A vif id that names no vif: frames from or to the physical network. */
#define VFR_VIF_NONE	0xffffffffU

enum vfr_direction {
	VFR_DIR_INGRESS,
	VFR_DIR_EGRESS,
	__VFR_DIR_COUNT
};

/* Zero is no action, so that a rule left zeroed is refused. */
enum vfr_action {
	VFR_ACT_ACCEPT = 1,
	VFR_ACT_DROP,
	VFR_ACT_REDIRECT,
	VFR_ACT_COUNT,
	__VFR_ACT_LAST
};
#define VFR_ACT_MAX (__VFR_ACT_LAST - 1)

enum vfr_rule_attribute {
	VFR_RULE_A_UNSPEC,
	VFR_RULE_A_DIRECTION,
	VFR_RULE_A_PRIORITY,
	VFR_RULE_A_ACTION,
	VFR_RULE_A_REDIRECT_VIF,
	VFR_RULE_A_IN_VIF,
	VFR_RULE_A_OUT_VIF,
	VFR_RULE_A_SRC_MAC,
	VFR_RULE_A_SRC_MAC_MASK,
	VFR_RULE_A_DST_MAC,
	VFR_RULE_A_DST_MAC_MASK,
	VFR_RULE_A_ETHERTYPE,
	VFR_RULE_A_SRC_IPV4,
	VFR_RULE_A_DST_IPV4,
	VFR_RULE_A_SRC_IPV6,
	VFR_RULE_A_DST_IPV6,
	VFR_RULE_A_IP_PROTO,
	VFR_RULE_A_SPORT_RANGE,
	VFR_RULE_A_DPORT_RANGE,
	VFR_RULE_A_ICMP_TYPE,
	VFR_RULE_A_PACKETS,
	VFR_RULE_A_BYTES,
	VFR_RULE_A_PAD,
	__VFR_RULE_A_LAST
};
#define VFR_RULE_A_MAX (__VFR_RULE_A_LAST - 1)

enum vfr_prefix_attribute {
	VFR_PREFIX_A_UNSPEC,
	VFR_PREFIX_A_ADDR,
	VFR_PREFIX_A_LEN,
	__VFR_PREFIX_A_LAST
};
#define VFR_PREFIX_A_MAX (__VFR_PREFIX_A_LAST - 1)

enum vfr_range_attribute {
	VFR_RANGE_A_UNSPEC,
	VFR_RANGE_A_LO,
	VFR_RANGE_A_HI,
	__VFR_RANGE_A_LAST
};
#define VFR_RANGE_A_MAX (__VFR_RANGE_A_LAST - 1)

#define VFR_GENL_NAME		"splitio_vfr"
#define VFR_GENL_VERSION	1

enum vfr_command {
	VFR_CMD_UNSPEC,
	VFR_CMD_RULE_ADD,
	VFR_CMD_RULE_DEL,
	VFR_CMD_FLUSH,
	VFR_CMD_RULE_GET,
	VFR_CMD_STATS,
	VFR_CMD_POLICY_SET,
	VFR_CMD_ATTACH,
	VFR_CMD_DETACH,
	__VFR_CMD_LAST
};
#define VFR_CMD_MAX (__VFR_CMD_LAST - 1)

enum vfr_attribute {
	VFR_A_UNSPEC,
	VFR_A_RULE,
	VFR_A_RULE_ID,
	VFR_A_VIF,
	VFR_A_DIRECTION,
	VFR_A_POLICY,
	VFR_A_ERROR_MSG,
	VFR_A_ERROR_ATTR,
	__VFR_A_LAST
};
#define VFR_A_MAX (__VFR_A_LAST - 1)

#endif /* _SPLITIO_UAPI_VFR_H */
