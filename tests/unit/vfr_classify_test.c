// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of vfr/classify.c through frames: each match field alone, each
 * action, default policies per vif and direction, priorities and their ties,
 * COUNT rules before and after the deciding one, packet and byte counters
 * and their survival across rebuilds, and the builder's refusals.  The
 * randomized comparison with a naive classifier is vfr_random_test.c's.
 */
#include "splitio/portable.h"
#include "vfr/vfr.h"
#include "harness.h"
#include "vfr_frames.h"

#define GUEST		3		/* the vif under test */
#define PEER		4		/* another guest */
#define MAX_RULES	10000

#define IP4(a, b, c, d)	((u32)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static struct vfr_rule rules[MAX_RULES];
static struct vfr_counters counters[MAX_RULES];
static struct vfr_rule_ref refs[MAX_RULES];
static unsigned int nr_rules;
static struct vfr_policy policies[8];
static unsigned int nr_policies;
static struct vfr_table *table;

static void reset(void)
{
	vfr_table_free(table);
	table = NULL;
	nr_rules = 0;
	nr_policies = 0;
	memset(counters, 0, sizeof(counters));
}

/* Adds a rule that matches everything; the caller narrows it. */
static struct vfr_match *add_rule(u32 priority, u8 direction, u8 action)
{
	struct vfr_rule *r = &rules[nr_rules];

	memset(r, 0, sizeof(*r));
	r->priority = priority;
	r->direction = direction;
	r->action = action;
	r->redirect_vif = VFR_VIF_NONE;
	refs[nr_rules].rule = r;
	refs[nr_rules].counters = &counters[nr_rules];
	nr_rules++;
	return &r->match;
}

static void add_policy(u32 vif, u8 direction, u8 action)
{
	policies[nr_policies++] = (struct vfr_policy){ vif, direction, action };
}

static int try_build(u8 ingress_default, u8 egress_default)
{
	struct vfr_table_config config = {
		.rules = refs,
		.nr_rules = nr_rules,
		.policies = policies,
		.nr_policies = nr_policies,
		.default_policy = { ingress_default, egress_default },
	};

	vfr_table_free(table);
	table = NULL;
	return vfr_table_build(&config, &table);
}

/* Builds with ACCEPT as both directions' default. */
static bool build(void)
{
	return CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_ACCEPT), 0);
}

static struct vfr_verdict classify_bytes(u8 direction, const u8 *frame,
					 size_t len, u32 in_vif, u32 out_vif)
{
	struct vfr_key key;

	vfr_key_parse(&key, frame, len, in_vif, out_vif);
	return vfr_classify(table, direction, &key, (u32)len);
}

static struct vfr_verdict classify(u8 direction, const struct frame_spec *s,
				   u32 in_vif, u32 out_vif)
{
	u8 frame[FRAME_MAX];

	return classify_bytes(direction, frame, build_frame(s, frame), in_vif,
			      out_vif);
}

/* The action for @s sent by the guest. */
static u8 from_guest(const struct frame_spec *s)
{
	return classify(VFR_DIR_INGRESS, s, GUEST, VFR_VIF_NONE).action;
}

static void tcp4(struct frame_spec *s, u32 src, u32 dst, u16 dport)
{
	spec_ipv4(s, VFR_PROTO_TCP, src, dst, 40000, dport);
}

static void test_default_policies(void)
{
	struct frame_spec s;

	reset();
	tcp4(&s, 1, 2, 80);
	add_policy(GUEST, VFR_DIR_INGRESS, VFR_ACT_DROP);
	add_policy(PEER, VFR_DIR_EGRESS, VFR_ACT_ACCEPT);
	if (!CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_DROP), 0))
		return;
	/* Ingress goes by the vif it came from, egress by where it goes. */
	CHECK_EQ(classify(VFR_DIR_INGRESS, &s, GUEST, PEER).action,
		 VFR_ACT_DROP);
	CHECK_EQ(classify(VFR_DIR_INGRESS, &s, PEER, GUEST).action,
		 VFR_ACT_ACCEPT);
	CHECK_EQ(classify(VFR_DIR_EGRESS, &s, GUEST, PEER).action,
		 VFR_ACT_ACCEPT);
	CHECK_EQ(classify(VFR_DIR_EGRESS, &s, PEER, GUEST).action,
		 VFR_ACT_DROP);
	CHECK_EQ(classify(VFR_DIR_EGRESS, &s, PEER, GUEST).vif, VFR_VIF_NONE);
}

static void test_match_vifs(void)
{
	struct frame_spec s;
	struct vfr_match *m;

	reset();
	tcp4(&s, 1, 2, 80);
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_IN_VIF | VFR_MATCH_OUT_VIF;
	m->in_vif = GUEST;
	m->out_vif = PEER;
	m = add_rule(1, VFR_DIR_EGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_IN_VIF;
	m->in_vif = VFR_VIF_NONE;	/* from the physical network */
	if (!build())
		return;
	CHECK_EQ(classify(VFR_DIR_INGRESS, &s, GUEST, PEER).action,
		 VFR_ACT_DROP);
	CHECK_EQ(classify(VFR_DIR_INGRESS, &s, GUEST, 5).action,
		 VFR_ACT_ACCEPT);
	CHECK_EQ(classify(VFR_DIR_INGRESS, &s, PEER, PEER).action,
		 VFR_ACT_ACCEPT);
	CHECK_EQ(classify(VFR_DIR_EGRESS, &s, VFR_VIF_NONE, GUEST).action,
		 VFR_ACT_DROP);
	CHECK_EQ(classify(VFR_DIR_EGRESS, &s, PEER, GUEST).action,
		 VFR_ACT_ACCEPT);
}

static void test_match_macs(void)
{
	static const u8 oui[VFR_MAC_LEN] = { 0x00, 0x16, 0x3e, 0, 0, 0 };
	static const u8 oui_mask[VFR_MAC_LEN] = { 0xff, 0xff, 0xff, 0, 0, 0 };
	struct frame_spec s;
	struct vfr_match *m;
	u8 frame[FRAME_MAX];
	size_t len;

	reset();
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_SRC_MAC;
	memcpy(m->src_mac, oui, VFR_MAC_LEN);
	memcpy(m->src_mac_mask, oui_mask, VFR_MAC_LEN);
	m = add_rule(2, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_DST_MAC;
	memset(m->dst_mac, 0xff, VFR_MAC_LEN);
	memset(m->dst_mac_mask, 0xff, VFR_MAC_LEN);
	if (!build())
		return;
	tcp4(&s, 1, 2, 80);
	s.src_mac[0] = 0x02;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	s.dst_mac[5] = 0xfe;
	memset(s.dst_mac, 0xff, 5);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	s.dst_mac[5] = 0xff;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	memcpy(s.src_mac, oui, VFR_MAC_LEN);
	s.src_mac[5] = 0x77;			/* masked out */
	s.dst_mac[0] = 0;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	/* 11 bytes: no MACs to match. */
	len = build_frame(&s, frame);
	CHECK_EQ(classify_bytes(VFR_DIR_INGRESS, frame, 11, GUEST,
				VFR_VIF_NONE).action, VFR_ACT_ACCEPT);
	CHECK_EQ(classify_bytes(VFR_DIR_INGRESS, frame, 12, GUEST,
				VFR_VIF_NONE).action, VFR_ACT_DROP);
	CHECK(len > 12);
}

static void test_match_ethertype(void)
{
	struct frame_spec s;
	struct vfr_match *m;

	reset();
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_ETHERTYPE;
	m->ethertype = 0x0806;
	if (!build())
		return;
	tcp4(&s, 1, 2, 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	s.ip_version = 0;
	s.ethertype = 0x0806;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.vlan = true;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
}

static void test_match_ipv4_prefixes(void)
{
	struct frame_spec s;
	struct vfr_match *m;

	reset();
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_SRC_IPV4;
	m->src_ip = (struct vfr_prefix){ { IP4(10, 1, 2, 0) }, 23 };
	m = add_rule(2, VFR_DIR_INGRESS, VFR_ACT_REDIRECT);
	rules[1].redirect_vif = PEER;
	m->fields = VFR_MATCH_DST_IPV4;
	m->dst_ip = (struct vfr_prefix){ { IP4(192, 168, 1, 1) }, 32 };
	m = add_rule(3, VFR_DIR_INGRESS, VFR_ACT_COUNT);
	m->fields = VFR_MATCH_SRC_IPV4;		/* /0: any IPv4 frame */
	if (!build())
		return;
	tcp4(&s, IP4(10, 1, 3, 255), 1, 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	tcp4(&s, IP4(10, 1, 2, 0), 1, 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	tcp4(&s, IP4(10, 1, 4, 0), 1, 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	tcp4(&s, IP4(10, 1, 1, 255), IP4(192, 168, 1, 1), 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_REDIRECT);
	tcp4(&s, 1, IP4(192, 168, 1, 2), 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	/* Counted by the /0 rule: the two frames that no rule before took. */
	CHECK_EQ(counters[2].packets, 2);
	spec_ipv6(&s, VFR_PROTO_TCP, 1, 2, 3, 4);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	CHECK_EQ(counters[2].packets, 2);
}

static void test_match_ipv6_prefixes(void)
{
	struct frame_spec s;
	struct vfr_match *m;

	reset();
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_SRC_IPV6;
	m->src_ip = (struct vfr_prefix){ { 0x20010db8, 0x00010000 }, 48 };
	m = add_rule(2, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_DST_IPV6;
	m->dst_ip = (struct vfr_prefix){ { 0x20010db8, 0, 0, 0x100 }, 120 };
	if (!build())
		return;
	spec_ipv6(&s, VFR_PROTO_UDP, 7, 9, 1, 2);
	s.src_ip[1] = 0x0001ffff;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.src_ip[1] = 0x00020000;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	s.dst_ip[3] = 0x1ff;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.dst_ip[3] = 0x200;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	/* The same words in an IPv4 frame are no IPv6 address. */
	tcp4(&s, 0x20010db8, 0x20010db8, 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
}

static void test_match_proto(void)
{
	struct frame_spec s;
	struct vfr_match *m;

	reset();
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_IP_PROTO;
	m->ip_proto = VFR_PROTO_UDP;
	if (!build())
		return;
	spec_ipv4(&s, VFR_PROTO_UDP, 1, 2, 3, 4);
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.frag_offset = 20;		/* fragments keep the protocol */
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	spec_ipv6(&s, VFR_PROTO_UDP, 1, 2, 3, 4);
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.nr_ext = VFR_IPV6_MAX_EXT_HDRS + 1;	/* protocol unknown */
	memset(s.ext, IPV6_EXT_DEST, s.nr_ext);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	spec_ipv4(&s, VFR_PROTO_TCP, 1, 2, 3, 4);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
}

static void test_match_ports(void)
{
	struct frame_spec s;
	struct vfr_match *m;

	reset();
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_SPORT;		/* TCP or UDP */
	m->sport = (struct vfr_port_range){ 1000, 2000 };
	m = add_rule(2, VFR_DIR_INGRESS, VFR_ACT_REDIRECT);
	rules[1].redirect_vif = PEER;
	m->fields = VFR_MATCH_IP_PROTO | VFR_MATCH_DPORT;
	m->ip_proto = VFR_PROTO_UDP;
	m->dport = (struct vfr_port_range){ 53, 53 };
	if (!build())
		return;
	spec_ipv4(&s, VFR_PROTO_TCP, 1, 2, 999, 53);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	s.sport = 1000;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.sport = 2000;
	s.proto = VFR_PROTO_UDP;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.sport = 2001;
	CHECK_EQ(from_guest(&s), VFR_ACT_REDIRECT);
	s.dport = 54;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	/* A later fragment has no ports to match. */
	s.sport = 1500;
	s.frag_offset = 1;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	spec_ipv6(&s, VFR_PROTO_TCP, 1, 2, 1500, 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
}

static void test_match_any_port(void)
{
	struct frame_spec s;
	struct vfr_match *m;

	reset();
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_DPORT;
	m->dport = (struct vfr_port_range){ 0, 65535 };
	if (!build())
		return;
	/* Every port of a frame with ports, and no frame without. */
	spec_ipv4(&s, VFR_PROTO_UDP, 1, 2, 0, 0);
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.dport = 65535;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.proto = VFR_PROTO_ICMP;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
}

static void test_match_icmp_type(void)
{
	struct frame_spec s;
	struct vfr_match *m;

	reset();
	m = add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_IP_PROTO | VFR_MATCH_ICMP_TYPE;
	m->ip_proto = VFR_PROTO_ICMP;
	m->icmp_type = 8;
	m = add_rule(2, VFR_DIR_INGRESS, VFR_ACT_DROP);
	m->fields = VFR_MATCH_IP_PROTO | VFR_MATCH_ICMP_TYPE;
	m->ip_proto = VFR_PROTO_ICMPV6;
	m->icmp_type = 128;
	if (!build())
		return;
	spec_ipv4(&s, VFR_PROTO_ICMP, 1, 2, 0, 0);
	s.icmp_type = 8;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.icmp_type = 0;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	s.icmp_type = 8;
	s.frag_offset = 2;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	spec_ipv6(&s, VFR_PROTO_ICMPV6, 1, 2, 0, 0);
	s.icmp_type = 128;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.icmp_type = 8;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
}

static void test_actions_and_directions(void)
{
	struct frame_spec s;
	struct vfr_verdict v;

	reset();
	add_rule(1, VFR_DIR_INGRESS, VFR_ACT_REDIRECT);
	rules[0].redirect_vif = 0x00070003;
	add_rule(1, VFR_DIR_EGRESS, VFR_ACT_COUNT);
	add_rule(2, VFR_DIR_EGRESS, VFR_ACT_DROP);
	if (!CHECK_EQ(try_build(VFR_ACT_DROP, VFR_ACT_ACCEPT), 0))
		return;
	tcp4(&s, 1, 2, 80);
	v = classify(VFR_DIR_INGRESS, &s, GUEST, VFR_VIF_NONE);
	CHECK_EQ(v.action, VFR_ACT_REDIRECT);
	CHECK_EQ(v.vif, 0x00070003);
	v = classify(VFR_DIR_EGRESS, &s, PEER, GUEST);
	CHECK_EQ(v.action, VFR_ACT_DROP);
	CHECK_EQ(v.vif, VFR_VIF_NONE);
	CHECK_EQ(counters[0].packets, 1);
	CHECK_EQ(counters[1].packets, 1);
	CHECK_EQ(counters[2].packets, 1);
}

static void test_priority_order(void)
{
	struct frame_spec s;

	reset();
	tcp4(&s, 1, 2, 80);
	add_rule(30, VFR_DIR_INGRESS, VFR_ACT_ACCEPT);
	add_rule(10, VFR_DIR_INGRESS, VFR_ACT_DROP)->fields =
		VFR_MATCH_IP_PROTO;
	rules[1].match.ip_proto = VFR_PROTO_TCP;
	add_rule(20, VFR_DIR_INGRESS, VFR_ACT_REDIRECT);
	rules[2].redirect_vif = PEER;
	if (!build())
		return;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.proto = VFR_PROTO_UDP;
	CHECK_EQ(from_guest(&s), VFR_ACT_REDIRECT);
	CHECK_EQ(counters[0].packets, 0);
}

static void test_ties_go_to_first_added(void)
{
	struct frame_spec s;

	reset();
	tcp4(&s, 1, 2, 80);
	/* Different shapes, so that the tie spans tuples. */
	add_rule(5, VFR_DIR_INGRESS, VFR_ACT_DROP)->fields = VFR_MATCH_DPORT;
	rules[0].match.dport = (struct vfr_port_range){ 80, 80 };
	add_rule(5, VFR_DIR_INGRESS, VFR_ACT_REDIRECT);
	rules[1].redirect_vif = PEER;
	add_rule(5, VFR_DIR_INGRESS, VFR_ACT_DROP);
	if (!build())
		return;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	s.dport = 81;
	CHECK_EQ(from_guest(&s), VFR_ACT_REDIRECT);
	CHECK_EQ(counters[2].packets, 0);
}

static void test_count_semantics(void)
{
	struct frame_spec s;

	reset();
	tcp4(&s, 1, 2, 80);
	add_rule(10, VFR_DIR_INGRESS, VFR_ACT_COUNT);	/* before */
	add_rule(20, VFR_DIR_INGRESS, VFR_ACT_COUNT);	/* tie, first */
	add_rule(20, VFR_DIR_INGRESS, VFR_ACT_DROP)->fields =
		VFR_MATCH_DPORT;
	rules[2].match.dport = (struct vfr_port_range){ 80, 80 };
	add_rule(20, VFR_DIR_INGRESS, VFR_ACT_COUNT);	/* tie, after */
	add_rule(30, VFR_DIR_INGRESS, VFR_ACT_COUNT);	/* after: never */
	add_rule(5, VFR_DIR_INGRESS, VFR_ACT_COUNT)->fields =
		VFR_MATCH_IP_PROTO;		/* before, no match */
	rules[5].match.ip_proto = VFR_PROTO_UDP;
	if (!build())
		return;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	CHECK_EQ(counters[0].packets, 1);
	CHECK_EQ(counters[1].packets, 1);
	CHECK_EQ(counters[2].packets, 1);
	CHECK_EQ(counters[3].packets, 0);
	CHECK_EQ(counters[4].packets, 0);
	CHECK_EQ(counters[5].packets, 0);

	/* No deciding rule: every matching COUNT rule counts. */
	s.dport = 81;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	CHECK_EQ(counters[0].packets, 2);
	CHECK_EQ(counters[1].packets, 2);
	CHECK_EQ(counters[2].packets, 1);
	CHECK_EQ(counters[3].packets, 1);
	CHECK_EQ(counters[4].packets, 1);
	CHECK_EQ(counters[5].packets, 0);
}

static void test_counters(void)
{
	struct frame_spec s;
	u8 frame[FRAME_MAX];
	size_t len_80, len_22;
	int i;

	reset();
	add_rule(1, VFR_DIR_INGRESS, VFR_ACT_COUNT);
	add_rule(2, VFR_DIR_INGRESS, VFR_ACT_ACCEPT)->fields =
		VFR_MATCH_DPORT;
	rules[1].match.dport = (struct vfr_port_range){ 80, 80 };
	if (!build())
		return;
	tcp4(&s, 1, 2, 80);
	s.payload_len = 100;
	len_80 = build_frame(&s, frame);
	for (i = 0; i < 3; i++)
		classify_bytes(VFR_DIR_INGRESS, frame, len_80, GUEST, PEER);
	s.dport = 22;
	s.payload_len = 10;
	len_22 = build_frame(&s, frame);
	classify_bytes(VFR_DIR_INGRESS, frame, len_22, GUEST, PEER);
	CHECK_EQ(counters[0].packets, 4);
	CHECK_EQ(counters[0].bytes, 3 * len_80 + len_22);
	CHECK_EQ(counters[1].packets, 3);
	CHECK_EQ(counters[1].bytes, 3 * len_80);

	/* A new table over the same counters counts on. */
	add_rule(0, VFR_DIR_INGRESS, VFR_ACT_DROP)->fields = VFR_MATCH_DPORT;
	rules[2].match.dport = (struct vfr_port_range){ 22, 22 };
	if (!build())
		return;
	CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
	CHECK_EQ(counters[0].packets, 4);
	CHECK_EQ(counters[2].packets, 1);
	CHECK_EQ(counters[2].bytes, len_22);
	s.dport = 80;
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
	CHECK_EQ(counters[0].packets, 5);
	CHECK_EQ(counters[1].packets, 4);
}

static void test_wildcard_rule_matches_runts(void)
{
	u8 frame[12] = { 0 };

	reset();
	add_rule(1, VFR_DIR_INGRESS, VFR_ACT_DROP);
	add_rule(0, VFR_DIR_INGRESS, VFR_ACT_ACCEPT)->fields =
		VFR_MATCH_SRC_MAC;
	memset(rules[1].match.src_mac_mask, 0, VFR_MAC_LEN);
	if (!build())
		return;
	/* The rule without fields takes even a frame with no header. */
	CHECK_EQ(classify_bytes(VFR_DIR_INGRESS, frame, 0, GUEST, PEER).action,
		 VFR_ACT_DROP);
	CHECK_EQ(classify_bytes(VFR_DIR_INGRESS, frame, 4, GUEST, PEER).action,
		 VFR_ACT_DROP);
	CHECK_EQ(counters[0].bytes, 4);
	CHECK_EQ(classify_bytes(VFR_DIR_INGRESS, frame, 12, GUEST, PEER).action,
		 VFR_ACT_ACCEPT);
}

/* Ranges that are neither one port nor all share a group: checked in it. */
static void test_port_ranges_in_one_group(void)
{
	struct vfr_table_stats stats;
	struct frame_spec s;
	unsigned int i;

	reset();
	for (i = 0; i < 100; i++) {
		struct vfr_match *m = add_rule(1000 - i, VFR_DIR_INGRESS,
					       VFR_ACT_REDIRECT);

		rules[i].redirect_vif = i;
		m->fields = VFR_MATCH_IP_PROTO | VFR_MATCH_DPORT;
		m->ip_proto = VFR_PROTO_TCP;
		m->dport = (struct vfr_port_range){ (u16)(i * 10),
						    (u16)(i * 10 + 19) };
	}
	if (!build())
		return;
	vfr_table_stats(table, &stats);
	CHECK_EQ(stats.tuples, 1);
	CHECK_EQ(stats.groups, 1);
	tcp4(&s, 1, 2, 0);
	for (i = 0; i < 1000; i += 7) {
		s.dport = (u16)i;
		/* i is in ranges i/10 - 1 and i/10: the later wins. */
		CHECK_EQ(classify(VFR_DIR_INGRESS, &s, GUEST, PEER).vif,
			 i / 10);
	}
	s.dport = 1009;
	CHECK_EQ(classify(VFR_DIR_INGRESS, &s, GUEST, PEER).vif, 99);
	s.dport = 1010;
	CHECK_EQ(classify(VFR_DIR_INGRESS, &s, GUEST, PEER).action,
		 VFR_ACT_ACCEPT);
}

static void test_many_rules_one_shape(void)
{
	struct vfr_table_stats stats;
	struct frame_spec s;
	unsigned int i;

	reset();
	for (i = 0; i < MAX_RULES; i++) {
		struct vfr_match *m = add_rule(i, VFR_DIR_INGRESS,
					       VFR_ACT_DROP);

		m->fields = VFR_MATCH_SRC_IPV4;
		m->src_ip = (struct vfr_prefix){ { IP4(10, 0, 0, 0) + i }, 32 };
	}
	if (!build())
		return;
	vfr_table_stats(table, &stats);
	CHECK_EQ(stats.rules, MAX_RULES);
	CHECK_EQ(stats.tuples, 1);
	CHECK_EQ(stats.groups, MAX_RULES);
	for (i = 0; i < MAX_RULES; i += 997) {
		tcp4(&s, IP4(10, 0, 0, 0) + i, 1, 80);
		CHECK_EQ(from_guest(&s), VFR_ACT_DROP);
		CHECK_EQ(counters[i].packets, 1);
	}
	tcp4(&s, IP4(10, 0, 0, 0) + MAX_RULES, 1, 80);
	CHECK_EQ(from_guest(&s), VFR_ACT_ACCEPT);
}

static void test_build_refusals(void)
{
	reset();
	CHECK_EQ(try_build(VFR_ACT_REDIRECT, VFR_ACT_ACCEPT), -EINVAL);
	CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_COUNT), -EINVAL);
	add_policy(GUEST, VFR_DIR_INGRESS, VFR_ACT_DROP);
	add_policy(GUEST, VFR_DIR_EGRESS, VFR_ACT_DROP);
	CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_ACCEPT), 0);
	add_policy(GUEST, VFR_DIR_INGRESS, VFR_ACT_ACCEPT);
	CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_ACCEPT), -EINVAL);

	reset();
	add_policy(GUEST, 2, VFR_ACT_DROP);
	CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_ACCEPT), -EINVAL);

	reset();
	add_rule(1, VFR_DIR_INGRESS, VFR_ACT_REDIRECT);	/* no target */
	CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_ACCEPT), -EINVAL);
	rules[0].redirect_vif = PEER;
	CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_ACCEPT), 0);
	refs[0].counters = NULL;
	CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_ACCEPT), -EINVAL);

	reset();
	nr_rules = VFR_MAX_RULES + 1;
	CHECK_EQ(try_build(VFR_ACT_ACCEPT, VFR_ACT_ACCEPT), -E2BIG);
	nr_rules = 0;
}

static const struct test_case tests[] = {
	TEST(test_default_policies),
	TEST(test_match_vifs),
	TEST(test_match_macs),
	TEST(test_match_ethertype),
	TEST(test_match_ipv4_prefixes),
	TEST(test_match_ipv6_prefixes),
	TEST(test_match_proto),
	TEST(test_match_ports),
	TEST(test_match_any_port),
	TEST(test_match_icmp_type),
	TEST(test_actions_and_directions),
	TEST(test_priority_order),
	TEST(test_ties_go_to_first_added),
	TEST(test_count_semantics),
	TEST(test_counters),
	TEST(test_wildcard_rule_matches_runts),
	TEST(test_port_ranges_in_one_group),
	TEST(test_many_rules_one_shape),
	TEST(test_build_refusals),
};

int main(void)
{
	int ret = run_tests(tests, ARRAY_SIZE(tests));

	reset();
	return ret;
}
