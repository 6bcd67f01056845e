// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of vfr/packet.c, frame to key: Ethernet and 802.1Q, IPv4 options and
 * fragments, IPv6 extension headers and fragments, the transport layers, and
 * every way a hostile guest can cut a header short.  Frames are parsed from
 * heap copies of their exact length, so that ASan catches any read past them.
 */
#include <stdlib.h>

#include "splitio/portable.h"
#include "vfr/vfr.h"
#include "harness.h"
#include "vfr_frames.h"
#include "vfr_rng.h"

#define IN_VIF		7
#define OUT_VIF		9
#define SRC4		0x0a000001	/* 10.0.0.1 */
#define DST4		0xc0a80102	/* 192.168.1.2 */

#define L2		(VFR_KEY_MACS | VFR_KEY_ETHERTYPE)
#define L3V4		(L2 | VFR_KEY_IPV4 | VFR_KEY_PROTO)
#define L3V6		(L2 | VFR_KEY_IPV6 | VFR_KEY_PROTO)

/* Parses the first @len bytes of @frame from a copy exactly that long. */
static void parse_exact(struct vfr_key *key, const u8 *frame, size_t len)
{
	u8 *copy = malloc(len ? len : 1);

	if (!copy)
		abort();
	memcpy(copy, frame, len);
	vfr_key_parse(key, copy, len, IN_VIF, OUT_VIF);
	free(copy);
}

static size_t parse_spec(struct vfr_key *key, const struct frame_spec *s)
{
	u8 frame[FRAME_MAX];
	size_t len = build_frame(s, frame);

	parse_exact(key, frame, len);
	return len;
}

static void test_ipv4_tcp(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv4(&s, VFR_PROTO_TCP, SRC4, DST4, 40000, 443);
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4 | VFR_KEY_PORTS);
	CHECK_EQ(k.in_vif, IN_VIF);
	CHECK_EQ(k.out_vif, OUT_VIF);
	CHECK(!memcmp(k.src_mac, s.src_mac, VFR_MAC_LEN));
	CHECK(!memcmp(k.dst_mac, s.dst_mac, VFR_MAC_LEN));
	CHECK_EQ(k.ethertype, VFR_ETHERTYPE_IPV4);
	CHECK_EQ(k.src_ip[0], SRC4);
	CHECK_EQ(k.dst_ip[0], DST4);
	CHECK_EQ(k.src_ip[1] | k.src_ip[2] | k.src_ip[3], 0);
	CHECK_EQ(k.ip_proto, VFR_PROTO_TCP);
	CHECK_EQ(k.sport, 40000);
	CHECK_EQ(k.dport, 443);
	CHECK_EQ(k.icmp_type, 0);
}

static void test_ipv4_udp_and_icmp(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv4(&s, VFR_PROTO_UDP, SRC4, DST4, 53, 5353);
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4 | VFR_KEY_PORTS);
	CHECK_EQ(k.sport, 53);
	CHECK_EQ(k.dport, 5353);

	spec_ipv4(&s, VFR_PROTO_ICMP, SRC4, DST4, 0, 0);
	s.icmp_type = 8;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4 | VFR_KEY_ICMP);
	CHECK_EQ(k.icmp_type, 8);

	/* ICMPv6's number means nothing special inside IPv4. */
	spec_ipv4(&s, VFR_PROTO_ICMPV6, SRC4, DST4, 0, 0);
	s.icmp_type = 128;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4);
	CHECK_EQ(k.ip_proto, VFR_PROTO_ICMPV6);
}

static void test_other_protocols(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv4(&s, 47, SRC4, DST4, 0, 0);	/* GRE */
	s.payload_len = 64;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4);
	CHECK_EQ(k.ip_proto, 47);
	CHECK_EQ(k.sport | k.dport, 0);

	spec_ipv4(&s, 0, 0, 0, 0, 0);
	s.ethertype = 0x0806;			/* ARP */
	s.ip_version = 0;
	s.payload_len = 28;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L2);
	CHECK_EQ(k.ethertype, 0x0806);
	CHECK_EQ(k.src_ip[0] | k.ip_proto, 0);
}

static void test_vlan(void)
{
	struct frame_spec s;
	struct vfr_key k;
	u8 frame[FRAME_MAX];
	size_t len;

	spec_ipv4(&s, VFR_PROTO_TCP, SRC4, DST4, 1234, 22);
	s.vlan = true;
	len = build_frame(&s, frame);
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L3V4 | VFR_KEY_PORTS);
	CHECK_EQ(k.ethertype, VFR_ETHERTYPE_IPV4);
	CHECK_EQ(k.dport, 22);

	/* A tag cut short: the MACs are there, the EtherType is not. */
	parse_exact(&k, frame, 16);
	CHECK_EQ(k.layers, VFR_KEY_MACS);
	CHECK_EQ(k.ethertype, 0);
	parse_exact(&k, frame, 18);
	CHECK_EQ(k.layers, L2);

	/* Only one tag is taken off; a second is the EtherType. */
	put_be16(frame + 16, 0x8100);
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L2);
	CHECK_EQ(k.ethertype, 0x8100);
}

static void test_runts(void)
{
	struct frame_spec s;
	struct vfr_key k;
	u8 frame[FRAME_MAX];
	size_t len;

	spec_ipv4(&s, VFR_PROTO_TCP, SRC4, DST4, 1, 2);
	build_frame(&s, frame);
	for (len = 0; len < 12; len++) {
		parse_exact(&k, frame, len);
		CHECK_EQ(k.layers, 0);
		CHECK_EQ(k.in_vif, IN_VIF);
	}
	parse_exact(&k, frame, 12);
	CHECK_EQ(k.layers, VFR_KEY_MACS);
	parse_exact(&k, frame, 14);
	CHECK_EQ(k.layers, L2);
}

static void test_ipv4_options(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv4(&s, VFR_PROTO_UDP, SRC4, DST4, 67, 68);
	s.ipv4_option_words = 10;		/* IHL 15: the most there is */
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4 | VFR_KEY_PORTS);
	CHECK_EQ(k.sport, 67);
	CHECK_EQ(k.dport, 68);
}

static void test_ipv4_bad_headers(void)
{
	struct frame_spec s;
	struct vfr_key k;
	u8 frame[FRAME_MAX];
	size_t len;

	spec_ipv4(&s, VFR_PROTO_TCP, SRC4, DST4, 1, 2);
	len = build_frame(&s, frame);

	frame[14] = 0x44;			/* IHL 4: below the minimum */
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L2);
	CHECK_EQ(k.src_ip[0], 0);

	frame[14] = 0x65;			/* version 6, IPv4 EtherType */
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L2);

	frame[14] = 0x4f;			/* IHL 15: past this frame */
	parse_exact(&k, frame, 14 + 59);
	CHECK_EQ(k.layers, L2);

	frame[14] = 0x45;
	put_be16(frame + 16, 19);		/* total length < header */
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L2);
}

static void test_ipv4_length_bounds_transport(void)
{
	struct frame_spec s;
	struct vfr_key k;
	u8 frame[FRAME_MAX];
	size_t len;

	/* Ethernet padding after a datagram whose TCP header is cut. */
	spec_ipv4(&s, VFR_PROTO_TCP, SRC4, DST4, 1, 2);
	len = build_frame(&s, frame);
	put_be16(frame + 16, 20 + 19);
	parse_exact(&k, frame, len + 30);
	CHECK_EQ(k.layers, L3V4);
	CHECK_EQ(k.sport, 0);

	/* A total length past the frame is no reason to read further. */
	put_be16(frame + 16, 1500);
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L3V4 | VFR_KEY_PORTS);
	parse_exact(&k, frame, len - 1);
	CHECK_EQ(k.layers, L3V4);
}

static void test_ipv4_fragments(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv4(&s, VFR_PROTO_TCP, SRC4, DST4, 1000, 80);
	s.more_fragments = true;		/* the first fragment */
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4 | VFR_KEY_PORTS);
	CHECK_EQ(k.dport, 80);

	s.frag_offset = 185;			/* a middle one */
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4);
	CHECK_EQ(k.ip_proto, VFR_PROTO_TCP);
	CHECK_EQ(k.sport | k.dport, 0);

	s.more_fragments = false;		/* the last one */
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4);

	spec_ipv4(&s, VFR_PROTO_ICMP, SRC4, DST4, 0, 0);
	s.icmp_type = 8;
	s.frag_offset = 1;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V4);
	CHECK_EQ(k.icmp_type, 0);
}

static void test_transport_truncated(void)
{
	static const struct {
		u8 proto;
		size_t need;
		u32 layer;
	} cases[] = {
		{ VFR_PROTO_TCP, 20, VFR_KEY_PORTS },
		{ VFR_PROTO_UDP, 8, VFR_KEY_PORTS },
		{ VFR_PROTO_ICMP, 4, VFR_KEY_ICMP },
	};
	struct frame_spec s;
	struct vfr_key k;
	u8 frame[FRAME_MAX];
	size_t i, l4 = 14 + 20;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		spec_ipv4(&s, cases[i].proto, SRC4, DST4, 5, 6);
		build_frame(&s, frame);
		put_be16(frame + 16, 1500);	/* only the frame's end */
		parse_exact(&k, frame, l4 + cases[i].need - 1);
		CHECK_EQ(k.layers, L3V4);
		parse_exact(&k, frame, l4 + cases[i].need);
		CHECK_EQ(k.layers, L3V4 | cases[i].layer);
	}
}

static void test_ipv6_tcp(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv6(&s, VFR_PROTO_TCP, 1, 2, 50000, 8080);
	s.src_ip[1] = 0x11223344;
	s.dst_ip[2] = 0x55667788;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V6 | VFR_KEY_PORTS);
	CHECK_EQ(k.ethertype, VFR_ETHERTYPE_IPV6);
	CHECK(!memcmp(k.src_ip, s.src_ip, sizeof(k.src_ip)));
	CHECK(!memcmp(k.dst_ip, s.dst_ip, sizeof(k.dst_ip)));
	CHECK_EQ(k.ip_proto, VFR_PROTO_TCP);
	CHECK_EQ(k.sport, 50000);
	CHECK_EQ(k.dport, 8080);
}

static void test_ipv6_icmp(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv6(&s, VFR_PROTO_ICMPV6, 1, 2, 0, 0);
	s.icmp_type = 135;			/* neighbour solicitation */
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V6 | VFR_KEY_ICMP);
	CHECK_EQ(k.icmp_type, 135);

	/* IPv4's ICMP number carries no ICMP type in IPv6. */
	spec_ipv6(&s, VFR_PROTO_ICMP, 1, 2, 0, 0);
	s.icmp_type = 8;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V6);
	CHECK_EQ(k.ip_proto, VFR_PROTO_ICMP);
}

static void test_ipv6_extension_headers(void)
{
	static const u8 chain[] = {
		IPV6_EXT_HOP, IPV6_EXT_DEST, IPV6_EXT_ROUTING, IPV6_EXT_FRAG,
		IPV6_EXT_DEST,
	};
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv6(&s, VFR_PROTO_UDP, 1, 2, 546, 547);
	s.nr_ext = ARRAY_SIZE(chain);
	memcpy(s.ext, chain, sizeof(chain));
	s.ext_units[0] = 2;			/* 24 bytes */
	s.ext_units[2] = 5;			/* 48 bytes */
	s.more_fragments = true;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V6 | VFR_KEY_PORTS);
	CHECK_EQ(k.ip_proto, VFR_PROTO_UDP);
	CHECK_EQ(k.sport, 546);
	CHECK_EQ(k.dport, 547);
}

static void test_ipv6_fragments(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv6(&s, VFR_PROTO_TCP, 1, 2, 7, 8);
	s.nr_ext = 2;
	s.ext[0] = IPV6_EXT_FRAG;
	s.ext[1] = IPV6_EXT_DEST;
	s.frag_offset = 100;
	parse_spec(&k, &s);
	/* A later fragment: its next header is the protocol, no ports. */
	CHECK_EQ(k.layers, L3V6);
	CHECK_EQ(k.ip_proto, IPV6_EXT_DEST);
	CHECK_EQ(k.sport | k.dport, 0);

	s.frag_offset = 0;
	s.more_fragments = true;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V6 | VFR_KEY_PORTS);
	CHECK_EQ(k.ip_proto, VFR_PROTO_TCP);
}

static void test_ipv6_chain_limit(void)
{
	struct frame_spec s;
	struct vfr_key k;

	spec_ipv6(&s, VFR_PROTO_TCP, 1, 2, 7, 8);
	s.nr_ext = VFR_IPV6_MAX_EXT_HDRS;
	memset(s.ext, IPV6_EXT_DEST, s.nr_ext);
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L3V6 | VFR_KEY_PORTS);

	s.nr_ext++;
	s.ext[s.nr_ext - 1] = IPV6_EXT_DEST;
	parse_spec(&k, &s);
	CHECK_EQ(k.layers, L2 | VFR_KEY_IPV6);
	CHECK_EQ(k.ip_proto, 0);
}

static void test_ipv6_truncated(void)
{
	struct frame_spec s;
	struct vfr_key k;
	u8 frame[FRAME_MAX];
	size_t len, ext = 14 + 40;

	spec_ipv6(&s, VFR_PROTO_TCP, 1, 2, 7, 8);
	s.nr_ext = 1;
	s.ext[0] = IPV6_EXT_HOP;
	s.ext_units[0] = 3;			/* 32 bytes */
	len = build_frame(&s, frame);

	parse_exact(&k, frame, ext - 1);
	CHECK_EQ(k.layers, L2);
	parse_exact(&k, frame, ext + 31);	/* inside the extension */
	CHECK_EQ(k.layers, L2 | VFR_KEY_IPV6);
	parse_exact(&k, frame, ext + 32 + 19);	/* inside TCP */
	CHECK_EQ(k.layers, L3V6);
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L3V6 | VFR_KEY_PORTS);

	/* The payload length ends the packet before the TCP header does. */
	put_be16(frame + 14 + 4, 32 + 19);
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L3V6);
}

static void test_parse_limit(void)
{
	struct frame_spec s;
	struct vfr_key k;
	u8 frame[FRAME_MAX];
	size_t len;

	/* Extension headers push the TCP header to end 2 bytes short of it. */
	spec_ipv6(&s, VFR_PROTO_TCP, 1, 2, 7, 8);
	s.vlan = true;
	s.nr_ext = 2;
	s.ext[0] = IPV6_EXT_HOP;
	s.ext[1] = IPV6_EXT_DEST;
	s.ext_units[0] = 25;			/* 208 bytes */
	s.ext_units[1] = 27;			/* 224 bytes */
	s.payload_len = 100;
	len = build_frame(&s, frame);
	CHECK_EQ(18 + 40 + 208 + 224 + 20, VFR_PARSE_MAX_BYTES - 2);
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L3V6 | VFR_KEY_PORTS);

	s.ext_units[1] = 28;			/* 8 more: across it */
	len = build_frame(&s, frame);
	parse_exact(&k, frame, len);
	CHECK_EQ(k.layers, L3V6);
}

/* Every cut of a frame keeps a prefix of its layers with the same values. */
static void check_every_cut(const struct frame_spec *s)
{
	struct vfr_key full, cut;
	u8 frame[FRAME_MAX];
	size_t len = build_frame(s, frame), i;

	parse_exact(&full, frame, len);
	for (i = 0; i < len; i++) {
		parse_exact(&cut, frame, i);
		CHECK_EQ(cut.layers & ~full.layers, 0);
		if (cut.layers & VFR_KEY_PORTS)
			CHECK_EQ(cut.dport, full.dport);
		if (cut.layers & VFR_KEY_PROTO)
			CHECK_EQ(cut.ip_proto, full.ip_proto);
		if (cut.layers & (VFR_KEY_IPV4 | VFR_KEY_IPV6))
			CHECK(!memcmp(cut.src_ip, full.src_ip,
				      sizeof(cut.src_ip)));
	}
}

static void test_every_truncation(void)
{
	struct frame_spec s;

	spec_ipv4(&s, VFR_PROTO_TCP, SRC4, DST4, 1, 2);
	s.vlan = true;
	s.ipv4_option_words = 3;
	check_every_cut(&s);
	spec_ipv6(&s, VFR_PROTO_ICMPV6, 1, 2, 0, 0);
	s.icmp_type = 1;
	s.nr_ext = 3;
	s.ext[0] = IPV6_EXT_HOP;
	s.ext[1] = IPV6_EXT_FRAG;
	s.ext[2] = IPV6_EXT_ROUTING;
	s.ext_units[2] = 1;
	check_every_cut(&s);
}

static void random_spec(struct rng *r, struct frame_spec *s)
{
	static const u8 protos[] = {
		VFR_PROTO_TCP, VFR_PROTO_UDP, VFR_PROTO_ICMP, VFR_PROTO_ICMPV6,
		47, 132,
	};
	static const u8 exts[] = {
		IPV6_EXT_HOP, IPV6_EXT_ROUTING, IPV6_EXT_FRAG, IPV6_EXT_DEST,
	};
	unsigned int i;

	spec_ipv4(s, protos[rng_below(r, ARRAY_SIZE(protos))],
		  (u32)rng_next(r), (u32)rng_next(r), (u16)rng_next(r),
		  (u16)rng_next(r));
	for (i = 0; i < VFR_MAC_LEN; i++) {
		s->src_mac[i] = (u8)rng_next(r);
		s->dst_mac[i] = (u8)rng_next(r);
	}
	s->vlan = rng_percent(r, 20);
	s->icmp_type = (u8)rng_next(r);
	s->payload_len = (u16)rng_below(r, 64);
	s->ipv4_option_words = (u8)(rng_percent(r, 20) ? rng_below(r, 11) : 0);
	s->frag_offset = (u16)(rng_percent(r, 20) ? rng_below(r, 8192) : 0);
	s->more_fragments = rng_percent(r, 20);
	if (rng_percent(r, 50)) {
		s->ip_version = 6;
		s->ethertype = VFR_ETHERTYPE_IPV6;
		for (i = 0; i < 4; i++) {
			s->src_ip[i] = (u32)rng_next(r);
			s->dst_ip[i] = (u32)rng_next(r);
		}
		s->nr_ext = (u8)(rng_percent(r, 50) ? rng_below(r, 11) : 0);
		for (i = 0; i < s->nr_ext; i++) {
			s->ext[i] = exts[rng_below(r, ARRAY_SIZE(exts))];
			s->ext_units[i] = (u8)rng_below(r, 3);
		}
	} else if (rng_percent(r, 10)) {
		s->ip_version = 0;
		s->ethertype = (u16)rng_next(r);
	}
}

/* The key of a whole frame built from @s, worked out from the spec. */
static void expected_transport(const struct frame_spec *s, struct vfr_key *k,
			       u8 icmp_proto)
{
	k->ip_proto = s->proto;
	k->layers |= VFR_KEY_PROTO;
	if (s->proto == VFR_PROTO_TCP || s->proto == VFR_PROTO_UDP) {
		k->sport = s->sport;
		k->dport = s->dport;
		k->layers |= VFR_KEY_PORTS;
	} else if (s->proto == icmp_proto) {
		k->icmp_type = s->icmp_type;
		k->layers |= VFR_KEY_ICMP;
	}
}

static void expected_ipv6(const struct frame_spec *s, struct vfr_key *k)
{
	unsigned int i;

	memcpy(k->src_ip, s->src_ip, sizeof(k->src_ip));
	memcpy(k->dst_ip, s->dst_ip, sizeof(k->dst_ip));
	k->layers |= VFR_KEY_IPV6;
	for (i = 0; i < s->nr_ext; i++) {
		if (i == VFR_IPV6_MAX_EXT_HDRS)
			return;			/* too long a chain */
		if (s->ext[i] == IPV6_EXT_FRAG && s->frag_offset) {
			k->ip_proto = i + 1 < s->nr_ext ? s->ext[i + 1] :
							   s->proto;
			k->layers |= VFR_KEY_PROTO;
			return;
		}
	}
	expected_transport(s, k, VFR_PROTO_ICMPV6);
}

static void expected_key(const struct frame_spec *s, struct vfr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->in_vif = IN_VIF;
	k->out_vif = OUT_VIF;
	memcpy(k->src_mac, s->src_mac, VFR_MAC_LEN);
	memcpy(k->dst_mac, s->dst_mac, VFR_MAC_LEN);
	k->ethertype = s->ethertype;
	k->layers = L2;
	if (s->ip_version == 6) {
		expected_ipv6(s, k);
	} else if (s->ip_version == 4) {
		k->src_ip[0] = s->src_ip[0];
		k->dst_ip[0] = s->dst_ip[0];
		k->layers |= VFR_KEY_IPV4;
		if (s->frag_offset) {
			k->ip_proto = s->proto;
			k->layers |= VFR_KEY_PROTO;
		} else {
			expected_transport(s, k, VFR_PROTO_ICMP);
		}
	}
}

static void test_random_frames(void)
{
	struct frame_spec s;
	struct vfr_key got, want;
	struct rng r;
	unsigned int i, bad = 0;

	rng_init(&r, 20240611, "test_random_frames");
	for (i = 0; i < 20000; i++) {
		random_spec(&r, &s);
		/* Not IP after all, whatever its random EtherType says. */
		if (!s.ip_version && (s.ethertype == VFR_ETHERTYPE_IPV4 ||
				      s.ethertype == VFR_ETHERTYPE_IPV6 ||
				      s.ethertype == 0x8100))
			s.ethertype = 0x88b5;
		parse_spec(&got, &s);
		expected_key(&s, &want);
		if (!memcmp(&got, &want, sizeof(got)))
			continue;
		if (bad++ < 5)
			printf("frame %u: layers %#x, expected %#x\n", i,
			       got.layers, want.layers);
	}
	CHECK_EQ(bad, 0);
}

static const struct test_case tests[] = {
	TEST(test_ipv4_tcp),
	TEST(test_ipv4_udp_and_icmp),
	TEST(test_other_protocols),
	TEST(test_vlan),
	TEST(test_runts),
	TEST(test_ipv4_options),
	TEST(test_ipv4_bad_headers),
	TEST(test_ipv4_length_bounds_transport),
	TEST(test_ipv4_fragments),
	TEST(test_transport_truncated),
	TEST(test_ipv6_tcp),
	TEST(test_ipv6_icmp),
	TEST(test_ipv6_extension_headers),
	TEST(test_ipv6_fragments),
	TEST(test_ipv6_chain_limit),
	TEST(test_ipv6_truncated),
	TEST(test_parse_limit),
	TEST(test_every_truncation),
	TEST(test_random_frames),
};

int main(void)
{
	return run_tests(tests, ARRAY_SIZE(tests));
}
