/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A naive VFR classifier, the semantics of uapi/splitio_vfr.h written as
 * plainly as possible: sort the rules by priority, then by the order they
 * were added, and try every one.  vfr/classify.c must agree with it on every
 * verdict and every counter (vfr_random_test.c, the packet fuzzer).  It
 * shares no code with the classifier, not even the prefix masks.
 */
#ifndef SPLITIO_TESTS_VFR_REFERENCE_H
#define SPLITIO_TESTS_VFR_REFERENCE_H

#include "vfr/vfr.h"

struct ref_rule {
	struct vfr_rule rule;
	unsigned int order;		/* when it was added */
	u64 packets;
	u64 bytes;
};

struct ref_policies {
	const struct vfr_policy *policies;
	unsigned int nr_policies;
	u8 default_policy[__VFR_DIR_COUNT];
};

/* Bit @bit of an address, counting from the first bit on the wire. */
static inline bool ref_addr_bit(const u32 *addr, unsigned int bit)
{
	return addr[bit / 32] >> (31 - bit % 32) & 1;
}

static inline bool ref_prefix_matches(const struct vfr_prefix *p,
				      const u32 *addr)
{
	unsigned int bit;

	for (bit = 0; bit < p->len; bit++)
		if (ref_addr_bit(p->addr, bit) != ref_addr_bit(addr, bit))
			return false;
	return true;
}

static inline bool ref_mac_matches(const u8 *mac, const u8 *mask,
				   const u8 *frame_mac)
{
	unsigned int i;

	for (i = 0; i < VFR_MAC_LEN; i++)
		if ((mac[i] & mask[i]) != (frame_mac[i] & mask[i]))
			return false;
	return true;
}

static inline bool ref_has(const struct vfr_key *k, u32 layer)
{
	return k->layers & layer;
}

static inline bool ref_in(const struct vfr_port_range *r, u16 port)
{
	return r->lo <= port && port <= r->hi;
}

static inline bool ref_l2_matches(const struct vfr_match *m,
				  const struct vfr_key *k)
{
	if ((m->fields & VFR_MATCH_IN_VIF) && k->in_vif != m->in_vif)
		return false;
	if ((m->fields & VFR_MATCH_OUT_VIF) && k->out_vif != m->out_vif)
		return false;
	if ((m->fields & VFR_MATCH_SRC_MAC) &&
	    !(ref_has(k, VFR_KEY_MACS) &&
	      ref_mac_matches(m->src_mac, m->src_mac_mask, k->src_mac)))
		return false;
	if ((m->fields & VFR_MATCH_DST_MAC) &&
	    !(ref_has(k, VFR_KEY_MACS) &&
	      ref_mac_matches(m->dst_mac, m->dst_mac_mask, k->dst_mac)))
		return false;
	if ((m->fields & VFR_MATCH_ETHERTYPE) &&
	    !(ref_has(k, VFR_KEY_ETHERTYPE) && k->ethertype == m->ethertype))
		return false;
	return true;
}

static inline bool ref_prefix_field_matches(const struct vfr_match *m,
					    u32 field, u32 layer,
					    const struct vfr_prefix *p,
					    const u32 *addr,
					    const struct vfr_key *k)
{
	return !(m->fields & field) ||
	       (ref_has(k, layer) && ref_prefix_matches(p, addr));
}

static inline bool ref_l3_l4_matches(const struct vfr_match *m,
				     const struct vfr_key *k)
{
	if (!ref_prefix_field_matches(m, VFR_MATCH_SRC_IPV4, VFR_KEY_IPV4,
				      &m->src_ip, k->src_ip, k) ||
	    !ref_prefix_field_matches(m, VFR_MATCH_DST_IPV4, VFR_KEY_IPV4,
				      &m->dst_ip, k->dst_ip, k) ||
	    !ref_prefix_field_matches(m, VFR_MATCH_SRC_IPV6, VFR_KEY_IPV6,
				      &m->src_ip, k->src_ip, k) ||
	    !ref_prefix_field_matches(m, VFR_MATCH_DST_IPV6, VFR_KEY_IPV6,
				      &m->dst_ip, k->dst_ip, k))
		return false;
	if ((m->fields & VFR_MATCH_IP_PROTO) &&
	    !(ref_has(k, VFR_KEY_PROTO) && k->ip_proto == m->ip_proto))
		return false;
	if ((m->fields & VFR_MATCH_SPORT) &&
	    !(ref_has(k, VFR_KEY_PORTS) && ref_in(&m->sport, k->sport)))
		return false;
	if ((m->fields & VFR_MATCH_DPORT) &&
	    !(ref_has(k, VFR_KEY_PORTS) && ref_in(&m->dport, k->dport)))
		return false;
	if ((m->fields & VFR_MATCH_ICMP_TYPE) &&
	    !(ref_has(k, VFR_KEY_ICMP) && k->icmp_type == m->icmp_type))
		return false;
	return true;
}

static inline bool ref_rule_matches(const struct vfr_rule *r,
				    const struct vfr_key *k)
{
	return ref_l2_matches(&r->match, k) && ref_l3_l4_matches(&r->match, k);
}

static inline bool ref_before(const struct ref_rule *a,
			      const struct ref_rule *b)
{
	if (a->rule.priority != b->rule.priority)
		return a->rule.priority < b->rule.priority;
	return a->order < b->order;
}

/* Insertion sort by priority, then order added: plain and stable. */
static inline void ref_sort(struct ref_rule *rules, unsigned int n)
{
	struct ref_rule r;
	unsigned int i, j;

	for (i = 1; i < n; i++) {
		r = rules[i];
		for (j = i; j > 0 && ref_before(&r, &rules[j - 1]); j--)
			rules[j] = rules[j - 1];
		rules[j] = r;
	}
}

static inline u8 ref_policy(const struct ref_policies *p, u8 direction,
			    u32 vif)
{
	unsigned int i;

	for (i = 0; i < p->nr_policies; i++)
		if (p->policies[i].direction == direction &&
		    p->policies[i].vif == vif)
			return p->policies[i].action;
	return p->default_policy[direction];
}

/* Classifies like vfr_classify(); @rules must be ref_sort()ed. */
static inline struct vfr_verdict ref_classify(struct ref_rule *rules,
					      unsigned int n,
					      const struct ref_policies *p,
					      u8 direction,
					      const struct vfr_key *k,
					      u32 bytes)
{
	struct vfr_verdict v = { .vif = VFR_VIF_NONE };
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (rules[i].rule.direction != direction ||
		    !ref_rule_matches(&rules[i].rule, k))
			continue;
		rules[i].packets++;
		rules[i].bytes += bytes;
		if (rules[i].rule.action == VFR_ACT_COUNT)
			continue;
		v.action = rules[i].rule.action;
		v.vif = rules[i].rule.redirect_vif;
		return v;
	}
	v.action = ref_policy(p, direction, direction == VFR_DIR_INGRESS ?
			      k->in_vif : k->out_vif);
	return v;
}

static inline void ref_copy_prefix(u32 *addr, const struct vfr_prefix *p)
{
	unsigned int bit;
	u32 b;

	for (bit = 0; bit < p->len; bit++) {
		b = 1U << (31 - bit % 32);
		addr[bit / 32] = ref_addr_bit(p->addr, bit) ?
				 addr[bit / 32] | b : addr[bit / 32] & ~b;
	}
}

/* A port in @r, at a place that @port, random or not, picks. */
static inline u16 ref_port_in(const struct vfr_port_range *r, u16 port)
{
	return (u16)(r->lo + port % ((u32)r->hi - r->lo + 1));
}

static inline void ref_make_l3_l4_match(const struct vfr_match *m,
					struct vfr_key *k)
{
	if (m->fields & (VFR_MATCH_SRC_IPV4 | VFR_MATCH_SRC_IPV6))
		ref_copy_prefix(k->src_ip, &m->src_ip);
	if (m->fields & (VFR_MATCH_DST_IPV4 | VFR_MATCH_DST_IPV6))
		ref_copy_prefix(k->dst_ip, &m->dst_ip);
	if (m->fields & (VFR_MATCH_SRC_IPV4 | VFR_MATCH_DST_IPV4))
		k->layers |= VFR_KEY_IPV4;
	if (m->fields & (VFR_MATCH_SRC_IPV6 | VFR_MATCH_DST_IPV6))
		k->layers |= VFR_KEY_IPV6;
	if (m->fields & VFR_MATCH_IP_PROTO) {
		k->ip_proto = m->ip_proto;
		k->layers |= VFR_KEY_PROTO;
	}
	if (m->fields & VFR_MATCH_SPORT)
		k->sport = ref_port_in(&m->sport, k->sport);
	if (m->fields & VFR_MATCH_DPORT)
		k->dport = ref_port_in(&m->dport, k->dport);
	if (m->fields & (VFR_MATCH_SPORT | VFR_MATCH_DPORT))
		k->layers |= VFR_KEY_PORTS;
	if (m->fields & VFR_MATCH_ICMP_TYPE) {
		k->icmp_type = m->icmp_type;
		k->layers |= VFR_KEY_ICMP;
	}
}

/*
 * Changes @k just enough for @r to match it: every bit that @r does not
 * look at keeps its value, so a random @k gives random matching keys.
 */
static inline void ref_make_match(const struct vfr_rule *r, struct vfr_key *k)
{
	const struct vfr_match *m = &r->match;
	unsigned int i;

	if (m->fields & VFR_MATCH_IN_VIF)
		k->in_vif = m->in_vif;
	if (m->fields & VFR_MATCH_OUT_VIF)
		k->out_vif = m->out_vif;
	for (i = 0; i < VFR_MAC_LEN; i++) {
		if (m->fields & VFR_MATCH_SRC_MAC)
			k->src_mac[i] = (u8)(m->src_mac[i] |
					     (k->src_mac[i] &
					      ~m->src_mac_mask[i]));
		if (m->fields & VFR_MATCH_DST_MAC)
			k->dst_mac[i] = (u8)(m->dst_mac[i] |
					     (k->dst_mac[i] &
					      ~m->dst_mac_mask[i]));
	}
	if (m->fields & (VFR_MATCH_SRC_MAC | VFR_MATCH_DST_MAC))
		k->layers |= VFR_KEY_MACS;
	if (m->fields & VFR_MATCH_ETHERTYPE) {
		k->ethertype = m->ethertype;
		k->layers |= VFR_KEY_ETHERTYPE;
	}
	ref_make_l3_l4_match(m, k);
}

#endif /* SPLITIO_TESTS_VFR_REFERENCE_H */
