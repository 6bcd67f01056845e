// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the VFR fuzzers' seed corpus: "make fuzz-seeds" runs it as
 * bin/vfr_seeds fuzz-corpus/vfr.  Seeds give the fuzzers a head start deep in
 * the formats: rule/ has every sample rule as attributes and rules broken in
 * each way the parser names; packet/ has frames of every kind the parser
 * knows, the first byte choosing direction and vifs as fuzz/vfr_packet.c
 * reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "vfr/vfr.h"
#include "sample_rules.h"
#include "vfr_attrs.h"
#include "vfr_frames.h"

static const char *out_dir;

static void write_seed(const char *kind, const char *name, const void *data,
		       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", out_dir, kind);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", out_dir, kind, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static void write_rule(const char *name, const struct nlbuf *b)
{
	write_seed("rule", name, b->data, b->len);
}

/* A valid TCP rule that the broken ones start from. */
static void base_rule(struct nlbuf *b)
{
	b->len = 0;
	nl_put_u8(b, VFR_RULE_A_DIRECTION, VFR_DIR_INGRESS);
	nl_put_u32(b, VFR_RULE_A_PRIORITY, 100);
	nl_put_u8(b, VFR_RULE_A_ACTION, VFR_ACT_DROP);
	nl_put_u8(b, VFR_RULE_A_IP_PROTO, VFR_PROTO_TCP);
}

static void broken_rules(void)
{
	static const u8 short_mac[4] = { 0 };
	struct vfr_prefix p = { { 0x0a000001 }, 8 };
	struct nlbuf b;

	base_rule(&b);
	nl_put_range(&b, VFR_RULE_A_DPORT_RANGE, 80, 20);
	write_rule("bad-range", &b);
	base_rule(&b);
	nl_put_prefix(&b, VFR_RULE_A_SRC_IPV4, &p, false);
	write_rule("bad-host-bits", &b);
	base_rule(&b);
	nl_put_u8(&b, 42, 0);
	write_rule("bad-unknown", &b);
	base_rule(&b);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_UDP);
	write_rule("bad-twice", &b);
	base_rule(&b);
	nl_put(&b, VFR_RULE_A_SRC_MAC, short_mac, sizeof(short_mac));
	write_rule("bad-size", &b);
	base_rule(&b);
	nl_put_u32(&b, VFR_RULE_A_REDIRECT_VIF, 3);
	write_rule("bad-redirect", &b);
	base_rule(&b);
	b.len -= 4;				/* into the last attribute */
	write_rule("bad-truncated", &b);
	base_rule(&b);
	nl_put_u8(&b, VFR_RULE_A_ICMP_TYPE, 8);
	write_rule("bad-icmp", &b);
}

static void rule_seeds(void)
{
	char name[32];
	struct nlbuf b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sample_rules); i++) {
		vfr_encode_rule(&b, &sample_rules[i]);
		snprintf(name, sizeof(name), "sample-%02u", i);
		write_rule(name, &b);
	}
	broken_rules();
}

/* The frame @s describes after a selector byte: direction, in and out vif. */
static void write_frame(const char *name, u8 selector,
			const struct frame_spec *s)
{
	u8 seed[1 + FRAME_MAX];
	size_t len = build_frame(s, seed + 1);

	seed[0] = selector;
	write_seed("packet", name, seed, 1 + len);
}

static void ipv4_seeds(void)
{
	struct frame_spec s;

	spec_ipv4(&s, VFR_PROTO_TCP, 0x0a000001, 0xc0a80102, 40000, 22);
	write_frame("ipv4-tcp", 0, &s);
	s.vlan = true;
	s.ipv4_option_words = 2;
	write_frame("ipv4-vlan-options", 0, &s);
	s.vlan = false;
	s.ipv4_option_words = 0;
	s.more_fragments = true;
	s.frag_offset = 10;
	write_frame("ipv4-fragment", 0, &s);
	spec_ipv4(&s, VFR_PROTO_UDP, 0x08080808, 0x0a000002, 53, 1500);
	write_frame("ipv4-udp-egress", 1 | 3 << 1 | 1 << 3, &s);
	spec_ipv4(&s, VFR_PROTO_ICMP, 0x0a000001, 0x0a000002, 0, 0);
	s.icmp_type = 8;
	write_frame("ipv4-icmp", 0, &s);
	spec_ipv4(&s, 0, 0, 0, 0, 0);
	s.ip_version = 0;
	s.ethertype = 0x0806;
	s.payload_len = 28;
	write_frame("arp", 0, &s);
}

static void ipv6_seeds(void)
{
	struct frame_spec s;

	spec_ipv6(&s, VFR_PROTO_TCP, 1, 2, 50000, 443);
	s.dst_ip[1] = 1;
	write_frame("ipv6-tcp", 0, &s);
	s.nr_ext = 4;
	s.ext[0] = IPV6_EXT_HOP;
	s.ext[1] = IPV6_EXT_ROUTING;
	s.ext[2] = IPV6_EXT_FRAG;
	s.ext[3] = IPV6_EXT_DEST;
	s.ext_units[1] = 2;
	write_frame("ipv6-ext", 0, &s);
	s.frag_offset = 3;
	write_frame("ipv6-fragment", 0, &s);
	spec_ipv6(&s, VFR_PROTO_ICMPV6, 1, 2, 0, 0);
	s.icmp_type = 134;
	write_frame("ipv6-icmp", 0, &s);
	spec_ipv6(&s, VFR_PROTO_UDP, 1, 1, 546, 547);
	s.src_ip[0] = 0xfe800000;
	s.dst_ip[0] = 0xff020000;
	write_frame("ipv6-egress", 1 | 0 << 1 | 2 << 3, &s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	out_dir = argv[1];
	mkdir(out_dir, 0755);
	rule_seeds();
	ipv4_seeds();
	ipv6_seeds();
	return 0;
}
