// SPDX-License-Identifier: GPL-2.0
/*
 * Rules from userspace: vfr_rule_parse() reads the netlink attributes of one
 * rule (uapi/splitio_vfr.h) into a struct vfr_rule, and vfr_rule_validate()
 * is the one definition of a valid rule, which vfr_table_build() applies too.
 *
 * Nothing in the buffer is trusted: each length is checked before the bytes
 * it covers are read, and a rule is either returned whole and valid or
 * refused with an errno and a message naming what is wrong.  The parse works
 * in three steps - split the buffer into attributes by type, decode them into
 * a private struct vfr_rule, validate that - and the caller's rule is written
 * only once all three succeeded.
 */
#include <linux/netlink.h>

#include "vfr/vfr.h"

#define RULE_MAX_BYTES	(0xffff - NLA_HDRLEN)

/* How an attribute's payload is laid out, and so how long it must be. */
enum attr_kind {
	KIND_UNKNOWN,		/* not in the set: refused */
	KIND_U8,
	KIND_BE16,
	KIND_U32,
	KIND_MAC,
	KIND_IPV4_ADDR,
	KIND_IPV6_ADDR,
	KIND_NESTED,
	KIND_REPORT_ONLY,	/* the kernel's output: refused in input */
};

static const u16 kind_payload_len[] = {
	[KIND_U8] = 1,
	[KIND_BE16] = 2,
	[KIND_U32] = 4,
	[KIND_MAC] = VFR_MAC_LEN,
	[KIND_IPV4_ADDR] = 4,
	[KIND_IPV6_ADDR] = 16,
};

struct attr_spec {
	const char *name;
	enum attr_kind kind;
};

/* The attributes one nesting level knows, indexed by type. */
struct attr_set {
	const struct attr_spec *specs;
	unsigned int max_type;
};

#define SPEC(attr, kind)	[attr] = { #attr, kind }

static const struct attr_spec rule_specs[] = {
	SPEC(VFR_RULE_A_DIRECTION, KIND_U8),
	SPEC(VFR_RULE_A_PRIORITY, KIND_U32),
	SPEC(VFR_RULE_A_ACTION, KIND_U8),
	SPEC(VFR_RULE_A_REDIRECT_VIF, KIND_U32),
	SPEC(VFR_RULE_A_IN_VIF, KIND_U32),
	SPEC(VFR_RULE_A_OUT_VIF, KIND_U32),
	SPEC(VFR_RULE_A_SRC_MAC, KIND_MAC),
	SPEC(VFR_RULE_A_SRC_MAC_MASK, KIND_MAC),
	SPEC(VFR_RULE_A_DST_MAC, KIND_MAC),
	SPEC(VFR_RULE_A_DST_MAC_MASK, KIND_MAC),
	SPEC(VFR_RULE_A_ETHERTYPE, KIND_BE16),
	SPEC(VFR_RULE_A_SRC_IPV4, KIND_NESTED),
	SPEC(VFR_RULE_A_DST_IPV4, KIND_NESTED),
	SPEC(VFR_RULE_A_SRC_IPV6, KIND_NESTED),
	SPEC(VFR_RULE_A_DST_IPV6, KIND_NESTED),
	SPEC(VFR_RULE_A_IP_PROTO, KIND_U8),
	SPEC(VFR_RULE_A_SPORT_RANGE, KIND_NESTED),
	SPEC(VFR_RULE_A_DPORT_RANGE, KIND_NESTED),
	SPEC(VFR_RULE_A_ICMP_TYPE, KIND_U8),
	SPEC(VFR_RULE_A_PACKETS, KIND_REPORT_ONLY),
	SPEC(VFR_RULE_A_BYTES, KIND_REPORT_ONLY),
	SPEC(VFR_RULE_A_PAD, KIND_REPORT_ONLY),
};

static_assert(ARRAY_SIZE(rule_specs) == VFR_RULE_A_MAX + 1,
	      "every rule attribute has a spec");

static const struct attr_spec prefix4_specs[] = {
	SPEC(VFR_PREFIX_A_ADDR, KIND_IPV4_ADDR),
	SPEC(VFR_PREFIX_A_LEN, KIND_U8),
};

static const struct attr_spec prefix6_specs[] = {
	SPEC(VFR_PREFIX_A_ADDR, KIND_IPV6_ADDR),
	SPEC(VFR_PREFIX_A_LEN, KIND_U8),
};

static const struct attr_spec range_specs[] = {
	SPEC(VFR_RANGE_A_LO, KIND_BE16),
	SPEC(VFR_RANGE_A_HI, KIND_BE16),
};

static const struct attr_set rule_set = { rule_specs, VFR_RULE_A_MAX };
static const struct attr_set prefix4_set = { prefix4_specs, VFR_PREFIX_A_MAX };
static const struct attr_set prefix6_set = { prefix6_specs, VFR_PREFIX_A_MAX };
static const struct attr_set range_set = { range_specs, VFR_RANGE_A_MAX };

/* One attribute found in the buffer. */
struct attr {
	const u8 *payload;	/* NULL if the attribute is absent */
	u16 len;		/* payload bytes */
	u16 type;		/* without the NLA_F_* flags */
	u32 offset;		/* of its header in the rule's buffer */
};

static const char *const action_names[] = {
	[VFR_ACT_ACCEPT] = "ACCEPT",
	[VFR_ACT_DROP] = "DROP",
	[VFR_ACT_REDIRECT] = "REDIRECT",
	[VFR_ACT_COUNT] = "COUNT",
};

static const char *attr_name(u16 type)
{
	return rule_specs[type].name;
}

static __vfr_printf(5, 0)
int vfail(struct vfr_error *err, int error, u16 attr, u32 offset,
	  const char *fmt, va_list ap)
{
	err->attr = attr;
	err->offset = offset;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	return -error;
}

/* Refuses the rule because of its attribute @attr, wherever that is. */
static __vfr_printf(4, 5)
int fail(struct vfr_error *err, int error, u16 attr, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(err, error, attr, VFR_ERR_NO_OFFSET, fmt, ap);
	va_end(ap);
	return ret;
}

/* Refuses the rule because of the attribute @at of the buffer. */
static __vfr_printf(4, 5)
int fail_at(struct vfr_error *err, int error, const struct attr *at,
	    const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vfail(err, error, at->type, at->offset, fmt, ap);
	va_end(ap);
	return ret;
}

static u16 u16_at(const u8 *p)
{
	u16 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static u32 get_u32(const struct attr *a)
{
	u32 v;

	memcpy(&v, a->payload, sizeof(v));
	return v;
}

static u16 get_be16(const struct attr *a)
{
	return (u16)(a->payload[0] << 8 | a->payload[1]);
}

static u32 be32_at(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

/* Checks @a's type, its flags and the size of its payload against @set. */
static int check_attr(const struct attr_set *set, u16 flags,
		      const struct attr *a, struct vfr_error *err)
{
	const struct attr_spec *spec;
	bool nested;

	if (a->type > set->max_type ||
	    set->specs[a->type].kind == KIND_UNKNOWN)
		return fail_at(err, EINVAL, a, "unknown attribute %u", a->type);
	spec = &set->specs[a->type];
	nested = spec->kind == KIND_NESTED;
	if (spec->kind == KIND_REPORT_ONLY)
		return fail_at(err, EINVAL, a, "%s is reported, never set",
			       spec->name);
	if (flags & NLA_F_NET_BYTEORDER)
		return fail_at(err, EINVAL, a, "%s: NLA_F_NET_BYTEORDER set",
			       spec->name);
	if (!(flags & NLA_F_NESTED) == nested)
		return fail_at(err, EINVAL, a, "%s: NLA_F_NESTED %s",
			       spec->name, nested ? "missing" : "set");
	if (!nested && a->len != kind_payload_len[spec->kind])
		return fail_at(err, EINVAL, a,
			       "%s: payload of %u bytes, expected %u",
			       spec->name, a->len,
			       kind_payload_len[spec->kind]);
	return 0;
}

/*
 * Splits the @len bytes of attributes at @buf into @out, indexed by type,
 * each checked against @set.  @base is @buf's offset in the rule's buffer.
 */
static int split_attrs(const u8 *buf, size_t len, u32 base,
		       const struct attr_set *set, struct attr *out,
		       struct vfr_error *err)
{
	struct attr a = { 0 };
	size_t pos = 0, left;
	u16 nla_len, type_field;
	int ret;

	while (pos < len) {
		left = len - pos;
		a.offset = base + (u32)pos;
		a.type = VFR_RULE_A_UNSPEC;
		if (left < NLA_HDRLEN)
			return fail_at(err, EINVAL, &a,
				       "truncated attribute header: %zu bytes",
				       left);
		nla_len = u16_at(buf + pos);
		type_field = u16_at(buf + pos + 2);
		a.type = type_field & NLA_TYPE_MASK;
		if (nla_len < NLA_HDRLEN)
			return fail_at(err, EINVAL, &a,
				       "attribute %u: length %u, shorter than its header",
				       a.type, nla_len);
		if (nla_len > left)
			return fail_at(err, EINVAL, &a,
				       "truncated attribute %u: length %u, %zu bytes left",
				       a.type, nla_len, left);
		a.payload = buf + pos + NLA_HDRLEN;
		a.len = nla_len - NLA_HDRLEN;
		ret = check_attr(set, type_field & ~NLA_TYPE_MASK, &a, err);
		if (ret)
			return ret;
		if (out[a.type].payload)
			return fail_at(err, EINVAL, &a, "%s given twice",
				       set->specs[a.type].name);
		out[a.type] = a;
		/* nla_ok() lets the last attribute's padding be cut. */
		pos += NLA_ALIGN(nla_len);
	}
	return 0;
}

/* Splits the rule's nested attribute @outer; errors blame @outer. */
static int split_nest(const struct attr *outer, const struct attr_set *set,
		      struct attr *out, struct vfr_error *err)
{
	char inner[sizeof(err->msg)];
	int ret;

	ret = split_attrs(outer->payload, outer->len,
			  outer->offset + NLA_HDRLEN, set, out, err);
	if (!ret)
		return 0;
	memcpy(inner, err->msg, sizeof(inner));
	return fail_at(err, -ret, outer, "%s: %s", attr_name(outer->type),
		       inner);
}

static int decode_prefix(const struct attr *outer, struct vfr_prefix *prefix,
			 struct vfr_error *err)
{
	bool ipv6 = outer->type == VFR_RULE_A_SRC_IPV6 ||
		    outer->type == VFR_RULE_A_DST_IPV6;
	struct attr in[VFR_PREFIX_A_MAX + 1] = { 0 };
	const struct attr *addr = &in[VFR_PREFIX_A_ADDR];
	const struct attr *len = &in[VFR_PREFIX_A_LEN];
	unsigned int i;
	int ret;

	ret = split_nest(outer, ipv6 ? &prefix6_set : &prefix4_set, in, err);
	if (ret)
		return ret;
	if (!addr->payload)
		return fail_at(err, EINVAL, outer,
			       "%s: missing VFR_PREFIX_A_ADDR",
			       attr_name(outer->type));
	for (i = 0; i < addr->len / 4; i++)
		prefix->addr[i] = be32_at(addr->payload + 4 * i);
	prefix->len = len->payload ? len->payload[0] : addr->len * 8;
	return 0;
}

static int decode_range(const struct attr *outer,
			struct vfr_port_range *range, struct vfr_error *err)
{
	struct attr in[VFR_RANGE_A_MAX + 1] = { 0 };
	const struct attr *lo = &in[VFR_RANGE_A_LO];
	const struct attr *hi = &in[VFR_RANGE_A_HI];
	int ret;

	ret = split_nest(outer, &range_set, in, err);
	if (ret)
		return ret;
	if (!lo->payload)
		return fail_at(err, EINVAL, outer, "%s: missing VFR_RANGE_A_LO",
			       attr_name(outer->type));
	range->lo = get_be16(lo);
	range->hi = hi->payload ? get_be16(hi) : range->lo;
	return 0;
}

static int decode_verdict(const struct attr *attrs, struct vfr_rule *rule,
			  struct vfr_error *err)
{
	static const u16 required[] = {
		VFR_RULE_A_DIRECTION, VFR_RULE_A_PRIORITY, VFR_RULE_A_ACTION,
	};
	const struct attr *target = &attrs[VFR_RULE_A_REDIRECT_VIF];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(required); i++)
		if (!attrs[required[i]].payload)
			return fail(err, EINVAL, required[i], "missing %s",
				    attr_name(required[i]));
	rule->direction = attrs[VFR_RULE_A_DIRECTION].payload[0];
	rule->priority = get_u32(&attrs[VFR_RULE_A_PRIORITY]);
	rule->action = attrs[VFR_RULE_A_ACTION].payload[0];
	rule->redirect_vif = VFR_VIF_NONE;
	if (!target->payload)
		return 0;
	/* Even VFR_VIF_NONE, which would pass for no target at all. */
	if (rule->action != VFR_ACT_REDIRECT)
		return fail_at(err, EINVAL, target,
			       "VFR_RULE_A_REDIRECT_VIF given for a rule that does not REDIRECT");
	rule->redirect_vif = get_u32(target);
	return 0;
}

static void decode_mac(const struct attr *mac, const struct attr *mask,
		       u8 *mac_out, u8 *mask_out)
{
	memcpy(mac_out, mac->payload, VFR_MAC_LEN);
	if (mask->payload)
		memcpy(mask_out, mask->payload, VFR_MAC_LEN);
	else
		memset(mask_out, 0xff, VFR_MAC_LEN);
}

static int decode_macs(const struct attr *attrs, struct vfr_match *m,
		       struct vfr_error *err)
{
	const struct attr *src = &attrs[VFR_RULE_A_SRC_MAC];
	const struct attr *src_mask = &attrs[VFR_RULE_A_SRC_MAC_MASK];
	const struct attr *dst = &attrs[VFR_RULE_A_DST_MAC];
	const struct attr *dst_mask = &attrs[VFR_RULE_A_DST_MAC_MASK];

	if (src_mask->payload && !src->payload)
		return fail_at(err, EINVAL, src_mask,
			       "VFR_RULE_A_SRC_MAC_MASK without VFR_RULE_A_SRC_MAC");
	if (dst_mask->payload && !dst->payload)
		return fail_at(err, EINVAL, dst_mask,
			       "VFR_RULE_A_DST_MAC_MASK without VFR_RULE_A_DST_MAC");
	if (src->payload) {
		decode_mac(src, src_mask, m->src_mac, m->src_mac_mask);
		m->fields |= VFR_MATCH_SRC_MAC;
	}
	if (dst->payload) {
		decode_mac(dst, dst_mask, m->dst_mac, m->dst_mac_mask);
		m->fields |= VFR_MATCH_DST_MAC;
	}
	return 0;
}

/* The match fields that are one attribute of a fixed size. */
static void decode_scalars(const struct attr *attrs, struct vfr_match *m)
{
	if (attrs[VFR_RULE_A_IN_VIF].payload) {
		m->in_vif = get_u32(&attrs[VFR_RULE_A_IN_VIF]);
		m->fields |= VFR_MATCH_IN_VIF;
	}
	if (attrs[VFR_RULE_A_OUT_VIF].payload) {
		m->out_vif = get_u32(&attrs[VFR_RULE_A_OUT_VIF]);
		m->fields |= VFR_MATCH_OUT_VIF;
	}
	if (attrs[VFR_RULE_A_ETHERTYPE].payload) {
		m->ethertype = get_be16(&attrs[VFR_RULE_A_ETHERTYPE]);
		m->fields |= VFR_MATCH_ETHERTYPE;
	}
	if (attrs[VFR_RULE_A_IP_PROTO].payload) {
		m->ip_proto = attrs[VFR_RULE_A_IP_PROTO].payload[0];
		m->fields |= VFR_MATCH_IP_PROTO;
	}
	if (attrs[VFR_RULE_A_ICMP_TYPE].payload) {
		m->icmp_type = attrs[VFR_RULE_A_ICMP_TYPE].payload[0];
		m->fields |= VFR_MATCH_ICMP_TYPE;
	}
}

/*
 * An IPv4 and an IPv6 prefix share their member: a rule with both gets both
 * field bits, which vfr_rule_validate() refuses before reading the member.
 */
static int decode_nest(const struct attr *a, struct vfr_match *m,
		       struct vfr_error *err)
{
	switch (a->type) {
	case VFR_RULE_A_SRC_IPV4:
		m->fields |= VFR_MATCH_SRC_IPV4;
		return decode_prefix(a, &m->src_ip, err);
	case VFR_RULE_A_SRC_IPV6:
		m->fields |= VFR_MATCH_SRC_IPV6;
		return decode_prefix(a, &m->src_ip, err);
	case VFR_RULE_A_DST_IPV4:
		m->fields |= VFR_MATCH_DST_IPV4;
		return decode_prefix(a, &m->dst_ip, err);
	case VFR_RULE_A_DST_IPV6:
		m->fields |= VFR_MATCH_DST_IPV6;
		return decode_prefix(a, &m->dst_ip, err);
	case VFR_RULE_A_SPORT_RANGE:
		m->fields |= VFR_MATCH_SPORT;
		return decode_range(a, &m->sport, err);
	default:
		m->fields |= VFR_MATCH_DPORT;
		return decode_range(a, &m->dport, err);
	}
}

static int decode_rule(const struct attr *attrs, struct vfr_rule *rule,
		       struct vfr_error *err)
{
	static const u16 nests[] = {
		VFR_RULE_A_SRC_IPV4, VFR_RULE_A_DST_IPV4,
		VFR_RULE_A_SRC_IPV6, VFR_RULE_A_DST_IPV6,
		VFR_RULE_A_SPORT_RANGE, VFR_RULE_A_DPORT_RANGE,
	};
	unsigned int i;
	int ret;

	ret = decode_verdict(attrs, rule, err);
	if (ret)
		return ret;
	decode_scalars(attrs, &rule->match);
	ret = decode_macs(attrs, &rule->match, err);
	for (i = 0; !ret && i < ARRAY_SIZE(nests); i++)
		if (attrs[nests[i]].payload)
			ret = decode_nest(&attrs[nests[i]], &rule->match, err);
	return ret;
}

/**
 * vfr_rule_parse - read one rule from its netlink attributes
 * @attrs: the payload of the rule's nest: its attributes, back to back
 * @len: bytes at @attrs
 * @rule: the rule, written only if it is valid
 * @err: on failure, the attribute at fault and a message
 *
 * Return: 0, or -EINVAL or -ERANGE with @err filled in.
 */
int vfr_rule_parse(const void *attrs, size_t len, struct vfr_rule *rule,
		   struct vfr_error *err)
{
	struct attr found[VFR_RULE_A_MAX + 1] = { 0 };
	struct vfr_rule parsed = { 0 };
	int ret;

	/* What one attribute can carry; it keeps offsets within a u32 too. */
	if (len > RULE_MAX_BYTES)
		return fail(err, EINVAL, VFR_RULE_A_UNSPEC,
			    "rule of %zu bytes, more than a nest holds", len);
	ret = split_attrs(attrs, len, 0, &rule_set, found, err);
	if (!ret)
		ret = decode_rule(found, &parsed, err);
	if (ret)
		return ret;
	ret = vfr_rule_validate(&parsed, err);
	if (ret) {
		/* The validation knows which attribute, not where it was. */
		if (found[err->attr].payload)
			err->offset = found[err->attr].offset;
		return ret;
	}
	*rule = parsed;
	return 0;
}

static int check_verdict(const struct vfr_rule *rule, struct vfr_error *err)
{
	if (rule->direction >= __VFR_DIR_COUNT)
		return fail(err, EINVAL, VFR_RULE_A_DIRECTION,
			    "VFR_RULE_A_DIRECTION: unknown direction %u",
			    rule->direction);
	if (rule->action < VFR_ACT_ACCEPT || rule->action > VFR_ACT_MAX)
		return fail(err, EINVAL, VFR_RULE_A_ACTION,
			    "VFR_RULE_A_ACTION: unknown action %u",
			    rule->action);
	if (rule->action == VFR_ACT_REDIRECT &&
	    rule->redirect_vif == VFR_VIF_NONE)
		return fail(err, EINVAL, VFR_RULE_A_REDIRECT_VIF,
			    "REDIRECT without target vif");
	if (rule->action != VFR_ACT_REDIRECT &&
	    rule->redirect_vif != VFR_VIF_NONE)
		return fail(err, EINVAL, VFR_RULE_A_REDIRECT_VIF,
			    "VFR_RULE_A_REDIRECT_VIF given for a %s rule",
			    action_names[rule->action]);
	return 0;
}

static bool is_tcp_or_udp(u8 proto)
{
	return proto == VFR_PROTO_TCP || proto == VFR_PROTO_UDP;
}

static int check_ports(const struct vfr_match *m, u32 field, u16 attr,
		       const struct vfr_port_range *range,
		       struct vfr_error *err)
{
	if (!(m->fields & field))
		return 0;
	if (range->lo > range->hi)
		return fail(err, ERANGE, attr, "%s: lo %u > hi %u",
			    attr_name(attr), range->lo, range->hi);
	if ((m->fields & VFR_MATCH_IP_PROTO) && !is_tcp_or_udp(m->ip_proto))
		return fail(err, EINVAL, attr,
			    "%s needs VFR_RULE_A_IP_PROTO 6 (TCP) or 17 (UDP), not %u",
			    attr_name(attr), m->ip_proto);
	return 0;
}

static int check_transport(const struct vfr_match *m, struct vfr_error *err)
{
	int ret;

	ret = check_ports(m, VFR_MATCH_SPORT, VFR_RULE_A_SPORT_RANGE,
			  &m->sport, err);
	if (!ret)
		ret = check_ports(m, VFR_MATCH_DPORT, VFR_RULE_A_DPORT_RANGE,
				  &m->dport, err);
	if (ret || !(m->fields & VFR_MATCH_ICMP_TYPE))
		return ret;
	if (!(m->fields & VFR_MATCH_IP_PROTO) ||
	    (m->ip_proto != VFR_PROTO_ICMP && m->ip_proto != VFR_PROTO_ICMPV6))
		return fail(err, EINVAL, VFR_RULE_A_ICMP_TYPE,
			    "VFR_RULE_A_ICMP_TYPE needs VFR_RULE_A_IP_PROTO 1 (ICMP) or 58 (ICMPv6)");
	return 0;
}

#define MATCH_IPV4	(VFR_MATCH_SRC_IPV4 | VFR_MATCH_DST_IPV4)
#define MATCH_IPV6	(VFR_MATCH_SRC_IPV6 | VFR_MATCH_DST_IPV6)
#define MATCH_IP	(MATCH_IPV4 | MATCH_IPV6 | VFR_MATCH_IP_PROTO | \
			 VFR_MATCH_SPORT | VFR_MATCH_DPORT | \
			 VFR_MATCH_ICMP_TYPE)

/* The IP version that @m's addresses and ICMP type need, 0 if none. */
static int ip_version(const struct vfr_match *m, struct vfr_error *err)
{
	int version = 0, icmp_version;

	if ((m->fields & MATCH_IPV4) && (m->fields & MATCH_IPV6))
		return fail(err, EINVAL, m->fields & VFR_MATCH_SRC_IPV6 ?
			    VFR_RULE_A_SRC_IPV6 : VFR_RULE_A_DST_IPV6,
			    "a rule matches IPv4 or IPv6 addresses, not both");
	if (m->fields & MATCH_IPV4)
		version = 4;
	else if (m->fields & MATCH_IPV6)
		version = 6;
	if (!(m->fields & VFR_MATCH_ICMP_TYPE))
		return version;
	icmp_version = m->ip_proto == VFR_PROTO_ICMP ? 4 : 6;
	if (version && version != icmp_version)
		return fail(err, EINVAL, VFR_RULE_A_ICMP_TYPE,
			    "VFR_RULE_A_ICMP_TYPE: protocol %u is IPv%d's ICMP, but the addresses are IPv%d",
			    m->ip_proto, icmp_version, version);
	return icmp_version;
}

static int check_ip_version(const struct vfr_match *m, struct vfr_error *err)
{
	int version, ethertype_version;

	version = ip_version(m, err);
	if (version < 0)
		return version;
	if (!(m->fields & VFR_MATCH_ETHERTYPE) || !(m->fields & MATCH_IP))
		return 0;
	if (m->ethertype == VFR_ETHERTYPE_IPV4)
		ethertype_version = 4;
	else if (m->ethertype == VFR_ETHERTYPE_IPV6)
		ethertype_version = 6;
	else
		return fail(err, EINVAL, VFR_RULE_A_ETHERTYPE,
			    "VFR_RULE_A_ETHERTYPE: %#06x is not IP, but the rule matches IP fields",
			    m->ethertype);
	if (version && version != ethertype_version)
		return fail(err, EINVAL, VFR_RULE_A_ETHERTYPE,
			    "VFR_RULE_A_ETHERTYPE: %#06x is IPv%d, but the rule matches IPv%d fields",
			    m->ethertype, ethertype_version, version);
	return 0;
}

static int check_mac(const u8 *mac, const u8 *mask, u16 attr, u16 mask_attr,
		     struct vfr_error *err)
{
	unsigned int i;

	for (i = 0; i < VFR_MAC_LEN; i++)
		if (mac[i] & ~mask[i])
			return fail(err, EINVAL, attr,
				    "%s has bits set outside %s",
				    attr_name(attr), attr_name(mask_attr));
	return 0;
}

static int check_prefix(const struct vfr_prefix *prefix, unsigned int bits,
			u16 attr, struct vfr_error *err)
{
	unsigned int i;

	if (prefix->len > bits)
		return fail(err, ERANGE, attr, "%s: prefix length %u > %u",
			    attr_name(attr), prefix->len, bits);
	for (i = 0; i < ARRAY_SIZE(prefix->addr); i++)
		if (prefix->addr[i] & ~vfr_prefix_mask(prefix->len, i))
			return fail(err, EINVAL, attr,
				    "%s: address has bits set past prefix length %u",
				    attr_name(attr), prefix->len);
	return 0;
}

/* Each prefix field: its attribute and the bits of its addresses. */
static const struct {
	u32 field;
	u16 attr;
	u8 bits;
	bool src;
} prefix_fields[] = {
	{ VFR_MATCH_SRC_IPV4, VFR_RULE_A_SRC_IPV4, 32, true },
	{ VFR_MATCH_DST_IPV4, VFR_RULE_A_DST_IPV4, 32, false },
	{ VFR_MATCH_SRC_IPV6, VFR_RULE_A_SRC_IPV6, 128, true },
	{ VFR_MATCH_DST_IPV6, VFR_RULE_A_DST_IPV6, 128, false },
};

static int check_l2_l3(const struct vfr_match *m, struct vfr_error *err)
{
	unsigned int i;
	int ret = 0;

	if (m->fields & VFR_MATCH_SRC_MAC)
		ret = check_mac(m->src_mac, m->src_mac_mask, VFR_RULE_A_SRC_MAC,
				VFR_RULE_A_SRC_MAC_MASK, err);
	if (!ret && (m->fields & VFR_MATCH_DST_MAC))
		ret = check_mac(m->dst_mac, m->dst_mac_mask, VFR_RULE_A_DST_MAC,
				VFR_RULE_A_DST_MAC_MASK, err);
	if (!ret && (m->fields & VFR_MATCH_ETHERTYPE) &&
	    m->ethertype < VFR_ETHERTYPE_MIN)
		ret = fail(err, ERANGE, VFR_RULE_A_ETHERTYPE,
			   "VFR_RULE_A_ETHERTYPE: %#06x is an 802.3 length, not an EtherType",
			   m->ethertype);
	for (i = 0; !ret && i < ARRAY_SIZE(prefix_fields); i++)
		if (m->fields & prefix_fields[i].field)
			ret = check_prefix(prefix_fields[i].src ?
					   &m->src_ip : &m->dst_ip,
					   prefix_fields[i].bits,
					   prefix_fields[i].attr, err);
	return ret;
}

/**
 * vfr_rule_validate - check that a rule is one the VFR accepts
 * @rule: the rule, from vfr_rule_parse() or built by other means
 * @err: on failure, the attribute at fault (offset unknown) and a message
 *
 * Return: 0, or -EINVAL or -ERANGE with @err filled in.
 */
int vfr_rule_validate(const struct vfr_rule *rule, struct vfr_error *err)
{
	const struct vfr_match *m = &rule->match;
	int ret;

	ret = check_verdict(rule, err);
	if (ret)
		return ret;
	if (m->fields & ~VFR_MATCH_ALL)
		return fail(err, EINVAL, VFR_RULE_A_UNSPEC,
			    "unknown match fields %#x",
			    m->fields & ~VFR_MATCH_ALL);
	ret = check_transport(m, err);
	if (!ret)
		ret = check_ip_version(m, err);
	if (!ret)
		ret = check_l2_l3(m, err);
	return ret;
}
