// SPDX-License-Identifier: GPL-2.0
/*
 * Frame parsing for the VFR: reads an Ethernet frame that a guest sent, or is
 * about to receive, into the struct vfr_key that rules match against.
 *
 * The frame comes from a hostile guest.  Every read is checked against the
 * bytes actually there, and a header that is cut short or malformed leaves
 * its layer, and every layer above it, out of the key, so that no rule
 * needing them matches.  A header's length fields are believed only as far as
 * they shrink what is read: the IPv4 total length and IPv6 payload length
 * end the datagram before any Ethernet padding, never past the frame.
 */
#include "vfr/vfr.h"

#define ETH_ADDRS_LEN		12	/* destination and source MAC */
#define ETH_HDR_LEN		14
#define VLAN_TAG_LEN		4
#define ETHERTYPE_VLAN		0x8100

#define IPV4_MIN_HDR_LEN	20
#define IPV4_FRAG_OFFSET	0x1fff	/* of flags and fragment offset */
#define IPV6_HDR_LEN		40
#define IPV6_FRAG_OFFSET	0xfff8	/* of the fragment header's 3-4 */

/* The IPv6 extension headers walked to find the transport protocol. */
#define IPV6_EXT_HOP_BY_HOP	0
#define IPV6_EXT_ROUTING	43
#define IPV6_EXT_FRAGMENT	44
#define IPV6_EXT_DEST_OPTS	60
#define IPV6_EXT_MIN_LEN	8
#define IPV6_EXT_UNIT		8	/* Hdr Ext Len counts 8 bytes */

#define TCP_HDR_LEN		20
#define UDP_HDR_LEN		8
#define ICMP_HDR_LEN		4	/* type, code, checksum */

static u16 get_be16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/*
 * The transport header at @l4, @len bytes up to the end of the datagram.
 * @icmp_proto is the protocol that carries ICMP in this IP version.
 */
static void parse_transport(struct vfr_key *key, const u8 *l4, size_t len,
			    u8 icmp_proto)
{
	u8 proto = key->ip_proto;

	if ((proto == VFR_PROTO_TCP && len >= TCP_HDR_LEN) ||
	    (proto == VFR_PROTO_UDP && len >= UDP_HDR_LEN)) {
		key->sport = get_be16(l4);
		key->dport = get_be16(l4 + 2);
		key->layers |= VFR_KEY_PORTS;
	} else if (proto == icmp_proto && len >= ICMP_HDR_LEN) {
		key->icmp_type = l4[0];
		key->layers |= VFR_KEY_ICMP;
	}
}

static void parse_ipv4(struct vfr_key *key, const u8 *ip, size_t len)
{
	size_t hdr_len, total_len;

	if (len < IPV4_MIN_HDR_LEN || ip[0] >> 4 != 4)
		return;
	hdr_len = (ip[0] & 0xf) * 4;
	total_len = get_be16(ip + 2);
	if (hdr_len < IPV4_MIN_HDR_LEN || hdr_len > len || total_len < hdr_len)
		return;

	key->ip_proto = ip[9];
	key->src_ip[0] = get_be32(ip + 12);
	key->dst_ip[0] = get_be32(ip + 16);
	key->layers |= VFR_KEY_IPV4 | VFR_KEY_PROTO;

	/* Later fragments start inside the payload, not at a header. */
	if (get_be16(ip + 6) & IPV4_FRAG_OFFSET)
		return;
	if (total_len < len)
		len = total_len;
	parse_transport(key, ip + hdr_len, len - hdr_len, VFR_PROTO_ICMP);
}

static bool is_ipv6_ext(u8 next)
{
	return next == IPV6_EXT_HOP_BY_HOP || next == IPV6_EXT_ROUTING ||
	       next == IPV6_EXT_FRAGMENT || next == IPV6_EXT_DEST_OPTS;
}

/* Bytes of the extension header @type at @p, or 0 if it is cut short. */
static size_t ipv6_ext_len(u8 type, const u8 *p, size_t len)
{
	size_t ext_len;

	if (len < IPV6_EXT_MIN_LEN)
		return 0;
	/* The fragment header has a fixed size; its 2nd byte is reserved. */
	if (type == IPV6_EXT_FRAGMENT)
		return IPV6_EXT_MIN_LEN;
	ext_len = (p[1] + 1) * IPV6_EXT_UNIT;
	return ext_len <= len ? ext_len : 0;
}

/*
 * Walks the extension headers from @next at @p to the transport header.  A
 * chain that is cut short or longer than VFR_IPV6_MAX_EXT_HDRS leaves the
 * protocol unknown.  A later fragment ends the walk: its protocol is the
 * fragment header's next header, and it has no transport header.
 */
static void parse_ipv6_chain(struct vfr_key *key, u8 next, const u8 *p,
			     size_t len)
{
	unsigned int nr_ext;
	size_t ext_len;

	for (nr_ext = 0; is_ipv6_ext(next); nr_ext++) {
		if (nr_ext == VFR_IPV6_MAX_EXT_HDRS)
			return;
		ext_len = ipv6_ext_len(next, p, len);
		if (!ext_len)
			return;
		if (next == IPV6_EXT_FRAGMENT &&
		    (get_be16(p + 2) & IPV6_FRAG_OFFSET)) {
			key->ip_proto = p[0];
			key->layers |= VFR_KEY_PROTO;
			return;
		}
		next = p[0];
		p += ext_len;
		len -= ext_len;
	}
	key->ip_proto = next;
	key->layers |= VFR_KEY_PROTO;
	parse_transport(key, p, len, VFR_PROTO_ICMPV6);
}

static void parse_ipv6(struct vfr_key *key, const u8 *ip, size_t len)
{
	size_t total_len;
	unsigned int i;

	if (len < IPV6_HDR_LEN || ip[0] >> 4 != 6)
		return;
	for (i = 0; i < 4; i++) {
		key->src_ip[i] = get_be32(ip + 8 + 4 * i);
		key->dst_ip[i] = get_be32(ip + 24 + 4 * i);
	}
	key->layers |= VFR_KEY_IPV6;

	/* A jumbogram's 0 too: Ethernet carries none, so it ends here. */
	total_len = IPV6_HDR_LEN + get_be16(ip + 4);
	if (total_len < len)
		len = total_len;
	parse_ipv6_chain(key, ip[6], ip + IPV6_HDR_LEN, len - IPV6_HDR_LEN);
}

/* Returns the offset of the layer-3 header, valid if the EtherType is. */
static size_t parse_ethernet(struct vfr_key *key, const u8 *frame, size_t len)
{
	u16 type;

	if (len < ETH_ADDRS_LEN)
		return 0;
	memcpy(key->dst_mac, frame, VFR_MAC_LEN);
	memcpy(key->src_mac, frame + VFR_MAC_LEN, VFR_MAC_LEN);
	key->layers |= VFR_KEY_MACS;

	if (len < ETH_HDR_LEN)
		return 0;
	type = get_be16(frame + ETH_ADDRS_LEN);
	if (type != ETHERTYPE_VLAN) {
		key->ethertype = type;
		key->layers |= VFR_KEY_ETHERTYPE;
		return ETH_HDR_LEN;
	}
	if (len < ETH_HDR_LEN + VLAN_TAG_LEN)
		return 0;
	key->ethertype = get_be16(frame + ETH_HDR_LEN + 2);
	key->layers |= VFR_KEY_ETHERTYPE;
	return ETH_HDR_LEN + VLAN_TAG_LEN;
}

/**
 * vfr_key_parse - read a frame into the key rules match against
 * @key: filled in completely
 * @frame: the frame, from its Ethernet header on
 * @len: bytes at @frame; only the first VFR_PARSE_MAX_BYTES are read
 * @in_vif: the vif the frame came from, or VFR_VIF_NONE
 * @out_vif: the vif it goes to, or VFR_VIF_NONE
 */
void vfr_key_parse(struct vfr_key *key, const void *frame, size_t len,
		   u32 in_vif, u32 out_vif)
{
	const u8 *bytes = frame;
	size_t l3;

	memset(key, 0, sizeof(*key));
	key->in_vif = in_vif;
	key->out_vif = out_vif;
	if (len > VFR_PARSE_MAX_BYTES)
		len = VFR_PARSE_MAX_BYTES;

	l3 = parse_ethernet(key, bytes, len);
	if (!(key->layers & VFR_KEY_ETHERTYPE))
		return;
	if (key->ethertype == VFR_ETHERTYPE_IPV4)
		parse_ipv4(key, bytes + l3, len - l3);
	else if (key->ethertype == VFR_ETHERTYPE_IPV6)
		parse_ipv6(key, bytes + l3, len - l3);
}
