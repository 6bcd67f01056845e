/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building Ethernet frames from a description, for the tests of
 * vfr/packet.c and vfr/classify.c, the packet fuzzer's seeds and the
 * benchmark: Ethernet, an optional 802.1Q tag, IPv4 with options and
 * fragments or IPv6 with extension headers, then TCP, UDP, ICMP or ICMPv6.
 * Checksums are left zero: the parser never reads them.
 */
#ifndef SPLITIO_TESTS_VFR_FRAMES_H
#define SPLITIO_TESTS_VFR_FRAMES_H

#include "vfr/vfr.h"

#define FRAME_MAX		1600
#define IPV6_EXT_FRAG		44
#define IPV6_EXT_HOP		0
#define IPV6_EXT_ROUTING	43
#define IPV6_EXT_DEST		60

struct frame_spec {
	u8 dst_mac[VFR_MAC_LEN];
	u8 src_mac[VFR_MAC_LEN];
	bool vlan;			/* an 802.1Q tag */
	u16 ethertype;
	u8 ip_version;			/* 4, 6, or 0 for none */
	u32 src_ip[4];			/* as in struct vfr_key */
	u32 dst_ip[4];
	u8 proto;			/* IPv6: after the extension headers */
	u8 ipv4_option_words;		/* IHL - 5 */
	u16 frag_offset;		/* 8-byte units: IPv4's or ext's */
	bool more_fragments;
	u8 nr_ext;			/* IPv6 extension headers */
	u8 ext[12];			/* their types; 44 is the fragment */
	u8 ext_units[12];		/* their Hdr Ext Len (not 44's) */
	u16 sport;			/* TCP and UDP */
	u16 dport;
	u8 icmp_type;			/* ICMP and ICMPv6 */
	u16 payload_len;		/* after the transport header */
};

static inline void put_be16(u8 *p, u16 v)
{
	p[0] = (u8)(v >> 8);
	p[1] = (u8)v;
}

static inline void put_be32(u8 *p, u32 v)
{
	put_be16(p, (u16)(v >> 16));
	put_be16(p + 2, (u16)v);
}

/* The transport header the spec's protocol has, 0 bytes if none. */
static inline size_t put_transport(const struct frame_spec *s, u8 *p)
{
	u8 icmp = s->ip_version == 6 ? VFR_PROTO_ICMPV6 : VFR_PROTO_ICMP;

	if (s->proto == VFR_PROTO_TCP || s->proto == VFR_PROTO_UDP) {
		put_be16(p, s->sport);
		put_be16(p + 2, s->dport);
		if (s->proto == VFR_PROTO_UDP)
			return 8;
		p[12] = 5 << 4;		/* data offset: no options */
		return 20;
	}
	if (s->proto == icmp) {
		p[0] = s->icmp_type;
		return 8;
	}
	return 0;
}

static inline size_t put_ipv4(const struct frame_spec *s, u8 *ip)
{
	size_t hdr_len = 20 + 4 * s->ipv4_option_words;
	size_t len = hdr_len;
	u16 frag = s->frag_offset | (s->more_fragments ? 0x2000 : 0);
	unsigned int i;

	ip[0] = (u8)(0x40 | (hdr_len / 4));
	put_be16(ip + 6, frag);
	ip[8] = 64;
	ip[9] = s->proto;
	put_be32(ip + 12, s->src_ip[0]);
	put_be32(ip + 16, s->dst_ip[0]);
	for (i = 20; i < hdr_len; i++)
		ip[i] = 1;		/* NOP options */
	len += put_transport(s, ip + len) + s->payload_len;
	put_be16(ip + 2, (u16)len);
	return len;
}

/* Extension header @i at @p, pointing to @next; returns its length. */
static inline size_t put_ipv6_ext(const struct frame_spec *s, unsigned int i,
				  u8 next, u8 *p)
{
	p[0] = next;
	if (s->ext[i] != IPV6_EXT_FRAG) {
		p[1] = s->ext_units[i];
		return (s->ext_units[i] + 1) * 8u;
	}
	put_be16(p + 2, (u16)(s->frag_offset << 3 | s->more_fragments));
	return 8;
}

static inline size_t put_ipv6(const struct frame_spec *s, u8 *ip)
{
	size_t len = 40;
	unsigned int i;

	ip[0] = 0x60;
	ip[6] = s->nr_ext ? s->ext[0] : s->proto;
	ip[7] = 64;
	for (i = 0; i < 4; i++) {
		put_be32(ip + 8 + 4 * i, s->src_ip[i]);
		put_be32(ip + 24 + 4 * i, s->dst_ip[i]);
	}
	for (i = 0; i < s->nr_ext; i++)
		len += put_ipv6_ext(s, i, i + 1 < s->nr_ext ?
				    s->ext[i + 1] : s->proto, ip + len);
	len += put_transport(s, ip + len) + s->payload_len;
	put_be16(ip + 4, (u16)(len - 40));
	return len;
}

/* Writes the frame @s describes into @buf (FRAME_MAX bytes, zeroed). */
static inline size_t build_frame(const struct frame_spec *s, u8 *buf)
{
	size_t len = 12;

	memset(buf, 0, FRAME_MAX);
	memcpy(buf, s->dst_mac, VFR_MAC_LEN);
	memcpy(buf + 6, s->src_mac, VFR_MAC_LEN);
	if (s->vlan) {
		put_be16(buf + len, 0x8100);
		put_be16(buf + len + 2, 42);	/* VLAN id */
		len += 4;
	}
	put_be16(buf + len, s->ethertype);
	len += 2;
	if (s->ip_version == 4)
		len += put_ipv4(s, buf + len);
	else if (s->ip_version == 6)
		len += put_ipv6(s, buf + len);
	else
		len += s->payload_len;
	return len;
}

/* The usual spec for a guest's TCP or UDP packet. */
static inline void spec_ipv4(struct frame_spec *s, u8 proto, u32 src, u32 dst,
			     u16 sport, u16 dport)
{
	static const u8 guest_mac[VFR_MAC_LEN] = { 0x00, 0x16, 0x3e, 1, 2, 3 };
	static const u8 gw_mac[VFR_MAC_LEN] = { 0x00, 0x16, 0x3e, 9, 9, 9 };

	memset(s, 0, sizeof(*s));
	memcpy(s->src_mac, guest_mac, VFR_MAC_LEN);
	memcpy(s->dst_mac, gw_mac, VFR_MAC_LEN);
	s->ethertype = VFR_ETHERTYPE_IPV4;
	s->ip_version = 4;
	s->src_ip[0] = src;
	s->dst_ip[0] = dst;
	s->proto = proto;
	s->sport = sport;
	s->dport = dport;
}

static inline void spec_ipv6(struct frame_spec *s, u8 proto, u32 src_lo,
			     u32 dst_lo, u16 sport, u16 dport)
{
	spec_ipv4(s, proto, 0, 0, sport, dport);
	s->ethertype = VFR_ETHERTYPE_IPV6;
	s->ip_version = 6;
	s->src_ip[0] = 0x20010db8;
	s->src_ip[3] = src_lo;
	s->dst_ip[0] = 0x20010db8;
	s->dst_ip[3] = dst_lo;
}

#endif /* SPLITIO_TESTS_VFR_FRAMES_H */
