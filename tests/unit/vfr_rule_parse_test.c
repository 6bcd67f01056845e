// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of vfr/rule_parse.c: every attribute read into its field in the
 * right byte order, the defaults, rules written out and read back, and each
 * refusal with its errno, the attribute it blames, where that attribute is
 * and the message, which must say what is wrong.  Buffers are parsed from
 * heap copies of their exact length, so that ASan catches any read past them.
 */
#include <stdlib.h>

#include "splitio/portable.h"
#include "vfr/vfr.h"
#include "harness.h"
#include "fuzz/sample_rules.h"
#include "vfr_attrs.h"

static int parse(const struct nlbuf *b, struct vfr_rule *rule,
		 struct vfr_error *err)
{
	u8 *copy = malloc(b->len ? b->len : 1);
	int ret;

	if (!copy)
		abort();
	memcpy(copy, b->data, b->len);
	ret = vfr_rule_parse(copy, b->len, rule, err);
	free(copy);
	return ret;
}

/* The three attributes every rule needs. */
static void start(struct nlbuf *b, u8 action)
{
	b->len = 0;
	nl_put_u8(b, VFR_RULE_A_DIRECTION, VFR_DIR_EGRESS);
	nl_put_u32(b, VFR_RULE_A_PRIORITY, 0x01020304);
	nl_put_u8(b, VFR_RULE_A_ACTION, action);
}

/* Checks that @b is refused as said, and @b's rule left alone. */
#define CHECK_REFUSED(b, error, attr, text)				\
	check_refused(b, error, attr, text, __LINE__)

static void check_refused(const struct nlbuf *b, int error, u16 attr,
			  const char *text, int line)
{
	struct vfr_rule rule, untouched;
	struct vfr_error err;
	int ret;

	memset(&rule, 0x5a, sizeof(rule));
	untouched = rule;
	ret = parse(b, &rule, &err);
	if (!CHECK_EQ(ret, error) || !CHECK_EQ(err.attr, attr) ||
	    !CHECK(strstr(err.msg, text)))
		printf("  case at line %d: %d, attr %u, \"%s\"\n", line, ret,
		       err.attr, err.msg);
	CHECK(!memcmp(&rule, &untouched, sizeof(rule)));
}

static void test_minimal_rule(void)
{
	struct vfr_rule rule;
	struct vfr_error err;
	struct nlbuf b;

	start(&b, VFR_ACT_ACCEPT);
	if (!CHECK_EQ(parse(&b, &rule, &err), 0))
		return;
	CHECK_EQ(rule.direction, VFR_DIR_EGRESS);
	CHECK_EQ(rule.priority, 0x01020304);
	CHECK_EQ(rule.action, VFR_ACT_ACCEPT);
	CHECK_EQ(rule.redirect_vif, VFR_VIF_NONE);
	CHECK_EQ(rule.match.fields, 0);
}

static void test_every_ipv4_field(void)
{
	static const u8 mac[VFR_MAC_LEN] = { 0x02, 0, 0, 0, 0, 0x10 };
	static const u8 mask[VFR_MAC_LEN] = { 0xff, 0, 0, 0, 0, 0xf0 };
	static const u8 addr[4] = { 192, 168, 0, 0 };
	const struct vfr_match *m;
	struct vfr_rule rule;
	struct vfr_error err;
	struct nlbuf b;
	size_t nest;

	start(&b, VFR_ACT_REDIRECT);
	nl_put_u32(&b, VFR_RULE_A_REDIRECT_VIF, 0x00070003);
	nl_put_u32(&b, VFR_RULE_A_IN_VIF, 5);
	nl_put_u32(&b, VFR_RULE_A_OUT_VIF, VFR_VIF_NONE);
	nl_put(&b, VFR_RULE_A_SRC_MAC, mac, VFR_MAC_LEN);
	nl_put(&b, VFR_RULE_A_SRC_MAC_MASK, mask, VFR_MAC_LEN);
	nl_put(&b, VFR_RULE_A_DST_MAC, mac, VFR_MAC_LEN);
	nl_put_be16(&b, VFR_RULE_A_ETHERTYPE, VFR_ETHERTYPE_IPV4);
	nest = nl_nest_start(&b, VFR_RULE_A_DST_IPV4);
	nl_put(&b, VFR_PREFIX_A_ADDR, addr, 4);
	nl_put_u8(&b, VFR_PREFIX_A_LEN, 16);
	nl_nest_end(&b, nest);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_UDP);
	nl_put_range(&b, VFR_RULE_A_SPORT_RANGE, 0x1234, 0x2345);
	nest = nl_nest_start(&b, VFR_RULE_A_DPORT_RANGE);
	nl_put_be16(&b, VFR_RANGE_A_LO, 53);	/* no HI: one port */
	nl_nest_end(&b, nest);
	if (!CHECK_EQ(parse(&b, &rule, &err), 0)) {
		printf("  %s\n", err.msg);
		return;
	}
	m = &rule.match;
	CHECK_EQ(rule.action, VFR_ACT_REDIRECT);
	CHECK_EQ(rule.redirect_vif, 0x00070003);
	CHECK_EQ(m->fields, VFR_MATCH_IN_VIF | VFR_MATCH_OUT_VIF |
		 VFR_MATCH_SRC_MAC | VFR_MATCH_DST_MAC | VFR_MATCH_ETHERTYPE |
		 VFR_MATCH_DST_IPV4 | VFR_MATCH_IP_PROTO | VFR_MATCH_SPORT |
		 VFR_MATCH_DPORT);
	CHECK_EQ(m->in_vif, 5);
	CHECK_EQ(m->out_vif, VFR_VIF_NONE);
	CHECK(!memcmp(m->src_mac, mac, VFR_MAC_LEN));
	CHECK(!memcmp(m->src_mac_mask, mask, VFR_MAC_LEN));
	CHECK(!memcmp(m->dst_mac, mac, VFR_MAC_LEN));
	CHECK_EQ(m->dst_mac_mask[0] & m->dst_mac_mask[5], 0xff);
	CHECK_EQ(m->ethertype, 0x0800);
	CHECK_EQ(m->dst_ip.addr[0], 0xc0a80000);
	CHECK_EQ(m->dst_ip.len, 16);
	CHECK_EQ(m->ip_proto, VFR_PROTO_UDP);
	CHECK_EQ(m->sport.lo, 0x1234);
	CHECK_EQ(m->sport.hi, 0x2345);
	CHECK_EQ(m->dport.lo, 53);
	CHECK_EQ(m->dport.hi, 53);
}

static void test_every_ipv6_field(void)
{
	static const u8 addr[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	};
	const struct vfr_match *m;
	struct vfr_rule rule;
	struct vfr_error err;
	struct nlbuf b;
	size_t nest;

	start(&b, VFR_ACT_COUNT);
	nest = nl_nest_start(&b, VFR_RULE_A_SRC_IPV6);
	nl_put(&b, VFR_PREFIX_A_ADDR, addr, 16);	/* no LEN: /128 */
	nl_nest_end(&b, nest);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_ICMPV6);
	nl_put_u8(&b, VFR_RULE_A_ICMP_TYPE, 135);
	if (!CHECK_EQ(parse(&b, &rule, &err), 0)) {
		printf("  %s\n", err.msg);
		return;
	}
	m = &rule.match;
	CHECK_EQ(m->fields, VFR_MATCH_SRC_IPV6 | VFR_MATCH_IP_PROTO |
		 VFR_MATCH_ICMP_TYPE);
	CHECK_EQ(m->src_ip.addr[0], 0x20010db8);
	CHECK_EQ(m->src_ip.addr[1] | m->src_ip.addr[2], 0);
	CHECK_EQ(m->src_ip.addr[3], 1);
	CHECK_EQ(m->src_ip.len, 128);
	CHECK_EQ(m->icmp_type, 135);
}

static void test_sample_rules_read_back(void)
{
	struct vfr_rule rule;
	struct vfr_error err;
	struct nlbuf b;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sample_rules); i++) {
		vfr_encode_rule(&b, &sample_rules[i]);
		if (!CHECK_EQ(parse(&b, &rule, &err), 0))
			printf("  sample %u: %s\n", i, err.msg);
		else
			CHECK(vfr_rules_equal(&rule, &sample_rules[i]));
	}
}

static void test_padding_of_last_attribute(void)
{
	struct vfr_rule rule;
	struct vfr_error err;
	struct nlbuf b;

	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_TCP);
	b.len -= 3;				/* as nla_ok() allows */
	CHECK_EQ(parse(&b, &rule, &err), 0);
	CHECK_EQ(rule.match.ip_proto, VFR_PROTO_TCP);
}

static void test_structure_refusals(void)
{
	struct nlbuf b;
	u16 bad_len = 2;

	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, 42, 0);
	CHECK_REFUSED(&b, -EINVAL, 42, "unknown attribute 42");
	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_UNSPEC, 0);
	CHECK_REFUSED(&b, -EINVAL, 0, "unknown attribute 0");
	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, 6);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, 17);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_IP_PROTO,
		      "VFR_RULE_A_IP_PROTO given twice");
	start(&b, VFR_ACT_DROP);
	b.len -= 4;
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ACTION,
		      "truncated attribute 3: length 5, 4 bytes left");
	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, 6);
	b.len -= 6;
	CHECK_REFUSED(&b, -EINVAL, 0, "truncated attribute header: 2 bytes");
	start(&b, VFR_ACT_DROP);
	memcpy(b.data + 8, &bad_len, 2);	/* the priority's length */
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_PRIORITY,
		      "attribute 2: length 2, shorter than its header");
	start(&b, VFR_ACT_DROP);
	nl_put(&b, VFR_RULE_A_IN_VIF, &bad_len, 2);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_IN_VIF,
		      "VFR_RULE_A_IN_VIF: payload of 2 bytes, expected 4");
	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO | NLA_F_NESTED, 6);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_IP_PROTO,
		      "VFR_RULE_A_IP_PROTO: NLA_F_NESTED set");
	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO | NLA_F_NET_BYTEORDER, 6);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_IP_PROTO,
		      "NLA_F_NET_BYTEORDER set");
	start(&b, VFR_ACT_DROP);
	nl_put_u32(&b, VFR_RULE_A_PACKETS, 0);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_PACKETS,
		      "VFR_RULE_A_PACKETS is reported, never set");
}

static void test_oversized_buffer(void)
{
	static u8 huge[0x10000];
	struct vfr_rule rule;
	struct vfr_error err;

	CHECK_EQ(vfr_rule_parse(huge, sizeof(huge), &rule, &err), -EINVAL);
	CHECK(strstr(err.msg, "rule of 65536 bytes, more than a nest holds"));
}

static void test_nest_refusals(void)
{
	static const u8 addr4[4] = { 10, 0, 0, 0 };
	struct nlbuf b;
	size_t nest;

	start(&b, VFR_ACT_DROP);
	nest = b.len;
	nl_put(&b, VFR_RULE_A_SRC_IPV4, NULL, 0);	/* no NLA_F_NESTED */
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_SRC_IPV4,
		      "VFR_RULE_A_SRC_IPV4: NLA_F_NESTED missing");
	b.len = nest;
	nest = nl_nest_start(&b, VFR_RULE_A_SRC_IPV4);
	nl_put_u8(&b, VFR_PREFIX_A_LEN, 8);
	nl_nest_end(&b, nest);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_SRC_IPV4,
		      "VFR_RULE_A_SRC_IPV4: missing VFR_PREFIX_A_ADDR");

	start(&b, VFR_ACT_DROP);
	nest = nl_nest_start(&b, VFR_RULE_A_DST_IPV6);
	nl_put(&b, VFR_PREFIX_A_ADDR, addr4, 4);
	nl_nest_end(&b, nest);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_DST_IPV6,
		      "VFR_RULE_A_DST_IPV6: VFR_PREFIX_A_ADDR: payload of 4 bytes, expected 16");

	start(&b, VFR_ACT_DROP);
	nest = nl_nest_start(&b, VFR_RULE_A_SPORT_RANGE);
	nl_put_be16(&b, VFR_RANGE_A_HI, 80);
	nl_put_be16(&b, 3, 80);
	nl_nest_end(&b, nest);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_SPORT_RANGE,
		      "VFR_RULE_A_SPORT_RANGE: unknown attribute 3");

	start(&b, VFR_ACT_DROP);
	nest = nl_nest_start(&b, VFR_RULE_A_SPORT_RANGE);
	nl_put_be16(&b, VFR_RANGE_A_HI, 80);
	nl_nest_end(&b, nest);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_SPORT_RANGE,
		      "VFR_RULE_A_SPORT_RANGE: missing VFR_RANGE_A_LO");

	start(&b, VFR_ACT_DROP);
	nest = nl_nest_start(&b, VFR_RULE_A_SRC_IPV4);
	nl_put(&b, VFR_PREFIX_A_ADDR, addr4, 4);
	nl_put_u8(&b, VFR_PREFIX_A_LEN, 8);
	nl_put_u8(&b, VFR_PREFIX_A_LEN, 8);
	nl_nest_end(&b, nest);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_SRC_IPV4,
		      "VFR_RULE_A_SRC_IPV4: VFR_PREFIX_A_LEN given twice");
}

static void test_verdict_refusals(void)
{
	struct nlbuf b;

	b.len = 0;
	nl_put_u8(&b, VFR_RULE_A_DIRECTION, VFR_DIR_INGRESS);
	nl_put_u32(&b, VFR_RULE_A_PRIORITY, 1);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ACTION,
		      "missing VFR_RULE_A_ACTION");
	start(&b, VFR_ACT_REDIRECT);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_REDIRECT_VIF,
		      "REDIRECT without target vif");
	nl_put_u32(&b, VFR_RULE_A_REDIRECT_VIF, VFR_VIF_NONE);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_REDIRECT_VIF,
		      "REDIRECT without target vif");
	start(&b, VFR_ACT_DROP);
	nl_put_u32(&b, VFR_RULE_A_REDIRECT_VIF, 3);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_REDIRECT_VIF,
		      "VFR_RULE_A_REDIRECT_VIF given for a rule that does not REDIRECT");
	start(&b, 9);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ACTION,
		      "VFR_RULE_A_ACTION: unknown action 9");
	start(&b, 0);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ACTION, "unknown action 0");
	b.len = 0;
	nl_put_u8(&b, VFR_RULE_A_DIRECTION, 2);
	nl_put_u32(&b, VFR_RULE_A_PRIORITY, 1);
	nl_put_u8(&b, VFR_RULE_A_ACTION, VFR_ACT_DROP);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_DIRECTION,
		      "VFR_RULE_A_DIRECTION: unknown direction 2");
}

static void test_l2_refusals(void)
{
	static const u8 mac[VFR_MAC_LEN] = { 0x02, 0, 0, 0, 0, 1 };
	static const u8 oui[VFR_MAC_LEN] = { 0xff, 0xff, 0xff, 0, 0, 0 };
	struct nlbuf b;

	start(&b, VFR_ACT_DROP);
	nl_put(&b, VFR_RULE_A_DST_MAC_MASK, oui, VFR_MAC_LEN);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_DST_MAC_MASK,
		      "VFR_RULE_A_DST_MAC_MASK without VFR_RULE_A_DST_MAC");
	nl_put(&b, VFR_RULE_A_DST_MAC, mac, VFR_MAC_LEN);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_DST_MAC,
		      "VFR_RULE_A_DST_MAC has bits set outside VFR_RULE_A_DST_MAC_MASK");
	start(&b, VFR_ACT_DROP);
	nl_put_be16(&b, VFR_RULE_A_ETHERTYPE, 0x05dc);
	CHECK_REFUSED(&b, -ERANGE, VFR_RULE_A_ETHERTYPE,
		      "0x05dc is an 802.3 length, not an EtherType");
}

static void test_prefix_refusals(void)
{
	struct vfr_prefix p = { { 0x0a000000 }, 33 };
	struct nlbuf b;

	start(&b, VFR_ACT_DROP);
	nl_put_prefix(&b, VFR_RULE_A_SRC_IPV4, &p, false);
	CHECK_REFUSED(&b, -ERANGE, VFR_RULE_A_SRC_IPV4,
		      "VFR_RULE_A_SRC_IPV4: prefix length 33 > 32");
	p.len = 6;				/* 10 is 0b00001010 */
	start(&b, VFR_ACT_DROP);
	nl_put_prefix(&b, VFR_RULE_A_SRC_IPV4, &p, false);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_SRC_IPV4,
		      "VFR_RULE_A_SRC_IPV4: address has bits set past prefix length 6");
	p = (struct vfr_prefix){ { 0x20010db8, 0, 0, 1 }, 129 };
	start(&b, VFR_ACT_DROP);
	nl_put_prefix(&b, VFR_RULE_A_DST_IPV6, &p, true);
	CHECK_REFUSED(&b, -ERANGE, VFR_RULE_A_DST_IPV6,
		      "VFR_RULE_A_DST_IPV6: prefix length 129 > 128");
	p.len = 127;
	start(&b, VFR_ACT_DROP);
	nl_put_prefix(&b, VFR_RULE_A_DST_IPV6, &p, true);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_DST_IPV6,
		      "bits set past prefix length 127");
}

static void test_ip_version_refusals(void)
{
	struct vfr_prefix v4 = { { 0x0a000000 }, 8 };
	struct vfr_prefix v6 = { { 0x20010db8 }, 32 };
	struct nlbuf b;

	start(&b, VFR_ACT_DROP);
	nl_put_prefix(&b, VFR_RULE_A_SRC_IPV4, &v4, false);
	nl_put_prefix(&b, VFR_RULE_A_DST_IPV6, &v6, true);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_DST_IPV6,
		      "IPv4 or IPv6 addresses, not both");
	start(&b, VFR_ACT_DROP);
	nl_put_prefix(&b, VFR_RULE_A_SRC_IPV4, &v4, false);
	nl_put_prefix(&b, VFR_RULE_A_SRC_IPV6, &v6, true);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_SRC_IPV6,
		      "IPv4 or IPv6 addresses, not both");
	start(&b, VFR_ACT_DROP);
	nl_put_be16(&b, VFR_RULE_A_ETHERTYPE, VFR_ETHERTYPE_IPV6);
	nl_put_prefix(&b, VFR_RULE_A_SRC_IPV4, &v4, false);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ETHERTYPE,
		      "VFR_RULE_A_ETHERTYPE: 0x86dd is IPv6, but the rule matches IPv4 fields");
	start(&b, VFR_ACT_DROP);
	nl_put_be16(&b, VFR_RULE_A_ETHERTYPE, 0x0806);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_TCP);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ETHERTYPE,
		      "0x0806 is not IP, but the rule matches IP fields");
	start(&b, VFR_ACT_DROP);
	nl_put_prefix(&b, VFR_RULE_A_DST_IPV6, &v6, true);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_ICMP);
	nl_put_u8(&b, VFR_RULE_A_ICMP_TYPE, 8);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ICMP_TYPE,
		      "protocol 1 is IPv4's ICMP, but the addresses are IPv6");
	start(&b, VFR_ACT_DROP);
	nl_put_be16(&b, VFR_RULE_A_ETHERTYPE, VFR_ETHERTYPE_IPV4);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_ICMPV6);
	nl_put_u8(&b, VFR_RULE_A_ICMP_TYPE, 128);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ETHERTYPE,
		      "0x0800 is IPv4, but the rule matches IPv6 fields");
}

static void test_transport_refusals(void)
{
	struct nlbuf b;

	start(&b, VFR_ACT_DROP);
	nl_put_range(&b, VFR_RULE_A_DPORT_RANGE, 80, 20);
	CHECK_REFUSED(&b, -ERANGE, VFR_RULE_A_DPORT_RANGE,
		      "VFR_RULE_A_DPORT_RANGE: lo 80 > hi 20");
	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_ICMP);
	nl_put_range(&b, VFR_RULE_A_SPORT_RANGE, 80, 80);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_SPORT_RANGE,
		      "VFR_RULE_A_SPORT_RANGE needs VFR_RULE_A_IP_PROTO 6 (TCP) or 17 (UDP), not 1");
	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_ICMP_TYPE, 8);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ICMP_TYPE,
		      "VFR_RULE_A_ICMP_TYPE needs VFR_RULE_A_IP_PROTO 1 (ICMP) or 58 (ICMPv6)");
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, VFR_PROTO_UDP);
	CHECK_REFUSED(&b, -EINVAL, VFR_RULE_A_ICMP_TYPE, "needs");
}

/* The offset names the attribute at fault, outer one for a nest's error. */
static void test_error_offsets(void)
{
	struct vfr_rule rule;
	struct vfr_error err;
	struct nlbuf b;
	size_t at;

	start(&b, VFR_ACT_DROP);
	at = b.len;
	nl_put_range(&b, VFR_RULE_A_DPORT_RANGE, 9, 8);
	parse(&b, &rule, &err);
	CHECK_EQ(err.offset, at);
	start(&b, VFR_ACT_DROP);
	nl_put_u8(&b, VFR_RULE_A_IP_PROTO, 6);
	at = b.len;
	nl_put_range(&b, VFR_RULE_A_SPORT_RANGE, 1, 2);
	b.data[at + NLA_HDRLEN + 2] = 9;	/* LO's type: unknown */
	parse(&b, &rule, &err);
	CHECK_EQ(err.offset, at);
	start(&b, VFR_ACT_REDIRECT);
	parse(&b, &rule, &err);
	CHECK_EQ(err.offset, VFR_ERR_NO_OFFSET);
}

/* Of all cuts of a valid rule only two, between attributes, are whole. */
static void test_every_truncation(void)
{
	struct vfr_rule rule;
	struct vfr_error err;
	struct nlbuf b, cut;
	unsigned int i, accepted = 0;

	vfr_encode_rule(&b, &sample_rules[4]);
	for (i = 0; i < b.len; i++) {
		cut = b;
		cut.len = i;
		if (!parse(&cut, &rule, &err))
			accepted++;
		else
			CHECK(err.msg[0]);
	}
	/* Right after REDIRECT_VIF, and after VFR_RULE_A_DST_IPV4. */
	CHECK_EQ(accepted, 2);
}

static void test_validate_refuses_api_rules(void)
{
	struct vfr_rule rule = sample_rules[1];
	struct vfr_error err;

	CHECK_EQ(vfr_rule_validate(&rule, &err), 0);
	rule.match.fields |= 1U << 20;
	CHECK_EQ(vfr_rule_validate(&rule, &err), -EINVAL);
	CHECK(strstr(err.msg, "unknown match fields 0x100000"));
	rule = sample_rules[1];
	rule.match.src_ip.addr[2] = 1;		/* past an IPv4 address */
	CHECK_EQ(vfr_rule_validate(&rule, &err), -EINVAL);
	CHECK_EQ(err.attr, VFR_RULE_A_SRC_IPV4);
	CHECK_EQ(err.offset, VFR_ERR_NO_OFFSET);
}

static const struct test_case tests[] = {
	TEST(test_minimal_rule),
	TEST(test_every_ipv4_field),
	TEST(test_every_ipv6_field),
	TEST(test_sample_rules_read_back),
	TEST(test_padding_of_last_attribute),
	TEST(test_structure_refusals),
	TEST(test_oversized_buffer),
	TEST(test_nest_refusals),
	TEST(test_verdict_refusals),
	TEST(test_l2_refusals),
	TEST(test_prefix_refusals),
	TEST(test_ip_version_refusals),
	TEST(test_transport_refusals),
	TEST(test_error_offsets),
	TEST(test_every_truncation),
	TEST(test_validate_refuses_api_rules),
};

int main(void)
{
	return run_tests(tests, ARRAY_SIZE(tests));
}
