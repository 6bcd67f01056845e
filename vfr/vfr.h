/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual firewall-router's portable core, the same source in the kernel
 * and in the userspace unit tests:
 *
 *  - vfr_key_parse() (packet.c) reads a frame into a struct vfr_key;
 *  - vfr_rule_parse() (rule_parse.c) reads one rule, sent as netlink
 *    attributes (uapi/splitio_vfr.h), into a valid struct vfr_rule;
 *  - vfr_table_build() (classify.c) compiles rules and default policies into
 *    an immutable struct vfr_table, and vfr_classify() finds a frame's
 *    verdict in it, counting the frame on the rules that match.
 *
 * Concurrency: a table never changes once built.  The kernel publishes it
 * with rcu_assign_pointer() and classifies under rcu_read_lock() without a
 * lock; on a rule change it builds a new table, swaps the pointer and frees
 * the old table after a grace period.  Counters are not part of a table: each
 * rule's counters belong to the caller and are shared by every table built
 * with the rule, so no count is lost when a table is replaced.
 */
#ifndef SPLITIO_VFR_H
#define SPLITIO_VFR_H

#include "splitio/portable.h"
#include "vfr/platform.h"
#include "vfr/uapi/splitio_vfr.h"

#define VFR_ETHERTYPE_IPV4	0x0800
#define VFR_ETHERTYPE_IPV6	0x86dd
#define VFR_ETHERTYPE_MIN	0x0600	/* less: an 802.3 length */

#define VFR_PROTO_ICMP		1
#define VFR_PROTO_TCP		6
#define VFR_PROTO_UDP		17
#define VFR_PROTO_ICMPV6	58

/*
 * The parser reads no further into a frame than this, so callers whose frames
 * are not linear (an skb) need to provide only this many bytes in one piece.
 * A transport header past it is absent from the key.
 */
#define VFR_PARSE_MAX_BYTES	512

/* IPv6 extension headers walked; a longer chain leaves the protocol unknown. */
#define VFR_IPV6_MAX_EXT_HDRS	8

/* The parts of a struct vfr_key that the frame had. */
enum vfr_key_layer {
	VFR_KEY_MACS = 1 << 0,		/* src_mac, dst_mac */
	VFR_KEY_ETHERTYPE = 1 << 1,	/* ethertype */
	VFR_KEY_IPV4 = 1 << 2,		/* src_ip[0], dst_ip[0] */
	VFR_KEY_IPV6 = 1 << 3,		/* src_ip, dst_ip */
	VFR_KEY_PROTO = 1 << 4,		/* ip_proto */
	VFR_KEY_PORTS = 1 << 5,		/* sport, dport (TCP or UDP) */
	VFR_KEY_ICMP = 1 << 6,		/* icmp_type (ICMP or ICMPv6) */
};

/*
 * What rules match a frame against.  Fields of a layer the frame lacks are
 * zero.  Numbers are in host byte order; an IPv6 address is four words, the
 * first holding its first four bytes, and an IPv4 address is the first word.
 * Exactly 64 bytes without holes: the classifier reads it as eight words.
 */
struct vfr_key {
	u32 in_vif;			/* where from, or VFR_VIF_NONE */
	u32 out_vif;			/* where to, or VFR_VIF_NONE */
	u8 src_mac[VFR_MAC_LEN];
	u16 ethertype;			/* after an 802.1Q tag */
	u8 dst_mac[VFR_MAC_LEN];
	u8 ip_proto;			/* IPv6: past extension headers */
	u8 icmp_type;
	u32 src_ip[4];
	u32 dst_ip[4];
	u16 sport;
	u16 dport;
	u32 layers;			/* enum vfr_key_layer */
};

static_assert(sizeof(struct vfr_key) == 64, "struct vfr_key is 8 words");

void vfr_key_parse(struct vfr_key *key, const void *frame, size_t len,
		   u32 in_vif, u32 out_vif);

/* The fields a rule matches on; each is one attribute of the uapi. */
enum vfr_match_field {
	VFR_MATCH_IN_VIF = 1 << 0,
	VFR_MATCH_OUT_VIF = 1 << 1,
	VFR_MATCH_SRC_MAC = 1 << 2,
	VFR_MATCH_DST_MAC = 1 << 3,
	VFR_MATCH_ETHERTYPE = 1 << 4,
	VFR_MATCH_SRC_IPV4 = 1 << 5,
	VFR_MATCH_DST_IPV4 = 1 << 6,
	VFR_MATCH_SRC_IPV6 = 1 << 7,
	VFR_MATCH_DST_IPV6 = 1 << 8,
	VFR_MATCH_IP_PROTO = 1 << 9,
	VFR_MATCH_SPORT = 1 << 10,
	VFR_MATCH_DPORT = 1 << 11,
	VFR_MATCH_ICMP_TYPE = 1 << 12,
	VFR_MATCH_ALL = (1 << 13) - 1
};

/* An address prefix, its words laid out as in struct vfr_key. */
struct vfr_prefix {
	u32 addr[4];
	u8 len;				/* 0..32 for IPv4, 0..128 */
};

struct vfr_port_range {
	u16 lo;
	u16 hi;				/* inclusive */
};

/* Every member but @fields applies only when its bit is set in @fields. */
struct vfr_match {
	u32 fields;			/* enum vfr_match_field */
	u32 in_vif;
	u32 out_vif;
	u8 src_mac[VFR_MAC_LEN];
	u8 src_mac_mask[VFR_MAC_LEN];
	u8 dst_mac[VFR_MAC_LEN];
	u8 dst_mac_mask[VFR_MAC_LEN];
	u16 ethertype;
	u8 ip_proto;
	u8 icmp_type;
	struct vfr_prefix src_ip;	/* VFR_MATCH_SRC_IPV4 or _SRC_IPV6 */
	struct vfr_prefix dst_ip;	/* VFR_MATCH_DST_IPV4 or _DST_IPV6 */
	struct vfr_port_range sport;
	struct vfr_port_range dport;
};

struct vfr_rule {
	u32 priority;			/* lower first */
	u8 direction;			/* enum vfr_direction */
	u8 action;			/* enum vfr_action */
	u32 redirect_vif;		/* VFR_VIF_NONE unless REDIRECT */
	struct vfr_match match;
};

#define VFR_ERR_MSG_LEN		128
#define VFR_ERR_NO_OFFSET	0xffffffffU

/* Why a rule was refused, for the netlink reply's extended ack. */
struct vfr_error {
	u16 attr;		/* the rule's attribute at fault, or 0 */
	u32 offset;		/* where, or VFR_ERR_NO_OFFSET */
	char msg[VFR_ERR_MSG_LEN];	/* always NUL-terminated */
};

int vfr_rule_parse(const void *attrs, size_t len, struct vfr_rule *rule,
		   struct vfr_error *err);
int vfr_rule_validate(const struct vfr_rule *rule, struct vfr_error *err);

/* The mask of prefix length @len over word @word of an address. */
static inline u32 vfr_prefix_mask(unsigned int len, unsigned int word)
{
	unsigned int bits = len > 32 * word ? len - 32 * word : 0;

	if (bits >= 32)
		return 0xffffffffU;
	return bits ? ~0U << (32 - bits) : 0;
}

/*
 * Frames and bytes a rule counted.  Classifiers add to them through
 * vfr_counter_add() (platform.h): atomic64_add() in the kernel, where any
 * CPU may classify; readers use vfr_counter_read().
 */
struct vfr_counters {
	vfr_counter_t packets;
	vfr_counter_t bytes;
};

/*
 * A rule for vfr_table_build(), which copies @rule but only refers to
 * @counters: the caller frees them after the last table that refers to them.
 */
struct vfr_rule_ref {
	const struct vfr_rule *rule;
	struct vfr_counters *counters;
};

/* The default policy of one vif in one direction. */
struct vfr_policy {
	u32 vif;
	u8 direction;			/* enum vfr_direction */
	u8 action;			/* VFR_ACT_ACCEPT or VFR_ACT_DROP */
};

/* Far beyond any real use; they keep every size in a table from overflow. */
#define VFR_MAX_RULES		65536
#define VFR_MAX_POLICIES	65536

/*
 * What a table is built from.  The rules come in the order they were added,
 * which settles ties between equal priorities: the first added wins.
 */
struct vfr_table_config {
	const struct vfr_rule_ref *rules;
	unsigned int nr_rules;
	const struct vfr_policy *policies;	/* one per vif, direction */
	unsigned int nr_policies;
	u8 default_policy[__VFR_DIR_COUNT];	/* for the other vifs */
};

struct vfr_verdict {
	u8 action;			/* ACCEPT, DROP or REDIRECT */
	u32 vif;			/* REDIRECT's target, or VFR_VIF_NONE */
};

/* How a table came out, for tests, benchmarks and debugging. */
struct vfr_table_stats {
	u32 rules;
	u32 tuples;			/* distinct match shapes */
	u32 groups;			/* distinct shape and masked key */
	size_t bytes;
};

struct vfr_table;

int vfr_table_build(const struct vfr_table_config *config,
		    struct vfr_table **table);
void vfr_table_free(struct vfr_table *table);
void vfr_table_stats(const struct vfr_table *table,
		     struct vfr_table_stats *stats);
struct vfr_verdict vfr_classify(const struct vfr_table *table, u8 direction,
				const struct vfr_key *key, u32 bytes);

#endif /* SPLITIO_VFR_H */
