/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing netlink attributes the way userspace sends a VFR rule, for the
 * tests of vfr/rule_parse.c, its fuzzer and the fuzzer's seed corpus:
 * nla_put()-style helpers and vfr_encode_rule(), the inverse of
 * vfr_rule_parse().
 */
#ifndef SPLITIO_TESTS_VFR_ATTRS_H
#define SPLITIO_TESTS_VFR_ATTRS_H

#include <linux/netlink.h>

#include "vfr/vfr.h"

struct nlbuf {
	u8 data[1024];
	size_t len;
};

/* Appends an attribute, its payload padded to 4 bytes as netlink does. */
static inline void nl_put(struct nlbuf *b, u16 type, const void *payload,
			  size_t len)
{
	u16 nla_len = (u16)(NLA_HDRLEN + len);
	size_t padded = NLA_ALIGN(nla_len);

	if (b->len + padded > sizeof(b->data))
		abort();	/* a test's own bug, not data under test */
	memcpy(b->data + b->len, &nla_len, 2);
	memcpy(b->data + b->len + 2, &type, 2);
	if (len)
		memcpy(b->data + b->len + NLA_HDRLEN, payload, len);
	memset(b->data + b->len + nla_len, 0, padded - nla_len);
	b->len += padded;
}

static inline void nl_put_u8(struct nlbuf *b, u16 type, u8 v)
{
	nl_put(b, type, &v, 1);
}

static inline void nl_put_u32(struct nlbuf *b, u16 type, u32 v)
{
	nl_put(b, type, &v, 4);
}

static inline void nl_put_be16(struct nlbuf *b, u16 type, u16 v)
{
	u8 be[2] = { (u8)(v >> 8), (u8)v };

	nl_put(b, type, be, 2);
}

/* Opens a nest; returns where, for nl_nest_end(). */
static inline size_t nl_nest_start(struct nlbuf *b, u16 type)
{
	size_t start = b->len;

	nl_put(b, type | NLA_F_NESTED, NULL, 0);
	return start;
}

static inline void nl_nest_end(struct nlbuf *b, size_t start)
{
	u16 nla_len = (u16)(b->len - start);

	memcpy(b->data + start, &nla_len, 2);
}

static inline void put_be32_words(u8 *out, const u32 *words, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[4 * i] = (u8)(words[i] >> 24);
		out[4 * i + 1] = (u8)(words[i] >> 16);
		out[4 * i + 2] = (u8)(words[i] >> 8);
		out[4 * i + 3] = (u8)words[i];
	}
}

static inline void nl_put_prefix(struct nlbuf *b, u16 type,
				 const struct vfr_prefix *p, bool ipv6)
{
	size_t nest = nl_nest_start(b, type);
	u8 addr[16];

	put_be32_words(addr, p->addr, ipv6 ? 4 : 1);
	nl_put(b, VFR_PREFIX_A_ADDR, addr, ipv6 ? 16 : 4);
	nl_put_u8(b, VFR_PREFIX_A_LEN, p->len);
	nl_nest_end(b, nest);
}

static inline void nl_put_range(struct nlbuf *b, u16 type, u16 lo, u16 hi)
{
	size_t nest = nl_nest_start(b, type);

	nl_put_be16(b, VFR_RANGE_A_LO, lo);
	nl_put_be16(b, VFR_RANGE_A_HI, hi);
	nl_nest_end(b, nest);
}

static inline void encode_macs(struct nlbuf *b, const struct vfr_match *m)
{
	if (m->fields & VFR_MATCH_SRC_MAC) {
		nl_put(b, VFR_RULE_A_SRC_MAC, m->src_mac, VFR_MAC_LEN);
		nl_put(b, VFR_RULE_A_SRC_MAC_MASK, m->src_mac_mask,
		       VFR_MAC_LEN);
	}
	if (m->fields & VFR_MATCH_DST_MAC) {
		nl_put(b, VFR_RULE_A_DST_MAC, m->dst_mac, VFR_MAC_LEN);
		nl_put(b, VFR_RULE_A_DST_MAC_MASK, m->dst_mac_mask,
		       VFR_MAC_LEN);
	}
}

static inline void encode_ip(struct nlbuf *b, const struct vfr_match *m)
{
	if (m->fields & VFR_MATCH_SRC_IPV4)
		nl_put_prefix(b, VFR_RULE_A_SRC_IPV4, &m->src_ip, false);
	if (m->fields & VFR_MATCH_DST_IPV4)
		nl_put_prefix(b, VFR_RULE_A_DST_IPV4, &m->dst_ip, false);
	if (m->fields & VFR_MATCH_SRC_IPV6)
		nl_put_prefix(b, VFR_RULE_A_SRC_IPV6, &m->src_ip, true);
	if (m->fields & VFR_MATCH_DST_IPV6)
		nl_put_prefix(b, VFR_RULE_A_DST_IPV6, &m->dst_ip, true);
	if (m->fields & VFR_MATCH_IP_PROTO)
		nl_put_u8(b, VFR_RULE_A_IP_PROTO, m->ip_proto);
	if (m->fields & VFR_MATCH_SPORT)
		nl_put_range(b, VFR_RULE_A_SPORT_RANGE, m->sport.lo,
			     m->sport.hi);
	if (m->fields & VFR_MATCH_DPORT)
		nl_put_range(b, VFR_RULE_A_DPORT_RANGE, m->dport.lo,
			     m->dport.hi);
	if (m->fields & VFR_MATCH_ICMP_TYPE)
		nl_put_u8(b, VFR_RULE_A_ICMP_TYPE, m->icmp_type);
}

/* Writes @r as userspace would send it, every field explicit. */
static inline void vfr_encode_rule(struct nlbuf *b, const struct vfr_rule *r)
{
	const struct vfr_match *m = &r->match;

	b->len = 0;
	nl_put_u8(b, VFR_RULE_A_DIRECTION, r->direction);
	nl_put_u32(b, VFR_RULE_A_PRIORITY, r->priority);
	nl_put_u8(b, VFR_RULE_A_ACTION, r->action);
	if (r->action == VFR_ACT_REDIRECT)
		nl_put_u32(b, VFR_RULE_A_REDIRECT_VIF, r->redirect_vif);
	if (m->fields & VFR_MATCH_IN_VIF)
		nl_put_u32(b, VFR_RULE_A_IN_VIF, m->in_vif);
	if (m->fields & VFR_MATCH_OUT_VIF)
		nl_put_u32(b, VFR_RULE_A_OUT_VIF, m->out_vif);
	encode_macs(b, m);
	if (m->fields & VFR_MATCH_ETHERTYPE)
		nl_put_be16(b, VFR_RULE_A_ETHERTYPE, m->ethertype);
	encode_ip(b, m);
}

static inline bool vfr_prefixes_equal(const struct vfr_prefix *a,
				      const struct vfr_prefix *b)
{
	return !memcmp(a->addr, b->addr, sizeof(a->addr)) && a->len == b->len;
}

static inline bool vfr_matches_equal(const struct vfr_match *a,
				     const struct vfr_match *b)
{
	return a->fields == b->fields && a->in_vif == b->in_vif &&
	       a->out_vif == b->out_vif &&
	       !memcmp(a->src_mac, b->src_mac, VFR_MAC_LEN) &&
	       !memcmp(a->src_mac_mask, b->src_mac_mask, VFR_MAC_LEN) &&
	       !memcmp(a->dst_mac, b->dst_mac, VFR_MAC_LEN) &&
	       !memcmp(a->dst_mac_mask, b->dst_mac_mask, VFR_MAC_LEN) &&
	       a->ethertype == b->ethertype && a->ip_proto == b->ip_proto &&
	       a->icmp_type == b->icmp_type &&
	       vfr_prefixes_equal(&a->src_ip, &b->src_ip) &&
	       vfr_prefixes_equal(&a->dst_ip, &b->dst_ip) &&
	       a->sport.lo == b->sport.lo && a->sport.hi == b->sport.hi &&
	       a->dport.lo == b->dport.lo && a->dport.hi == b->dport.hi;
}

/* Member by member: the structs' padding is not theirs to compare. */
static inline bool vfr_rules_equal(const struct vfr_rule *a,
				   const struct vfr_rule *b)
{
	return a->priority == b->priority && a->direction == b->direction &&
	       a->action == b->action && a->redirect_vif == b->redirect_vif &&
	       vfr_matches_equal(&a->match, &b->match);
}

#endif /* SPLITIO_TESTS_VFR_ATTRS_H */
