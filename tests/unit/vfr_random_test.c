// SPDX-License-Identifier: GPL-2.0
/*
 * vfr/classify.c against the naive classifier of vfr_reference.h on random
 * rule sets and random frames: every verdict and every counter must agree.
 *
 * Values come from small pools, so rules overlap, share shapes and tie on
 * priority, and most frames are bent to match a rule or two of the set.
 * Frames are keys built directly, with any mix of layers, or parsed from
 * generated frames.  The seed is printed; VFR_SEED=N replays a run.
 */
#include "splitio/portable.h"
#include "vfr/vfr.h"
#include "harness.h"
#include "vfr_frames.h"
#include "vfr_reference.h"
#include "vfr_rng.h"

#define MAX_SET		2000
#define NR_VIFS		5

static const u32 vif_pool[NR_VIFS] = { 1, 2, 3, 0x00070003, VFR_VIF_NONE };
static const u8 mac_pool[4][VFR_MAC_LEN] = {
	{ 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 },
	{ 0x00, 0x16, 0x3e, 0x00, 0x00, 0x02 },
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
};
static const u16 ethertype_pool[] = { 0x0800, 0x86dd, 0x0806, 0x88cc };
static const u32 ipv4_pool[] = {
	0x0a000001, 0x0a000102, 0x0a010203, 0xc0a80101, 0xc0a801fe,
};
static const u32 ipv6_pool[][4] = {
	{ 0x20010db8, 0, 0, 1 },
	{ 0x20010db8, 0, 0, 2 },
	{ 0x20010db8, 0x00010000, 0, 1 },
	{ 0xfe800000, 0, 0x02163eff, 0xfe000001 },
};
static const u8 proto_pool[] = {
	VFR_PROTO_TCP, VFR_PROTO_UDP, VFR_PROTO_ICMP, VFR_PROTO_ICMPV6, 47,
};
static const u16 port_pool[] = { 0, 22, 53, 80, 443, 1023, 1024, 65535 };
static const u8 icmp_pool[] = { 0, 3, 8, 128, 135 };

static struct ref_rule ref_rules[MAX_SET];
static struct vfr_rule rules[MAX_SET];
static struct vfr_counters counters[MAX_SET];
static struct vfr_rule_ref refs[MAX_SET];

struct run_stats {
	unsigned long sets, frames, mismatches;
};

#define PICK(r, pool)	((pool)[rng_below(r, ARRAY_SIZE(pool))])

static void random_prefix(struct rng *r, struct vfr_prefix *p, bool ipv6)
{
	static const u8 v4_lens[] = { 0, 8, 16, 23, 24, 31, 32 };
	static const u8 v6_lens[] = { 0, 32, 48, 64, 100, 127, 128 };
	unsigned int i;

	memset(p, 0, sizeof(*p));
	if (ipv6) {
		memcpy(p->addr, ipv6_pool[rng_below(r, ARRAY_SIZE(ipv6_pool))],
		       sizeof(p->addr));
		p->len = PICK(r, v6_lens);
	} else {
		p->addr[0] = PICK(r, ipv4_pool);
		p->len = PICK(r, v4_lens);
	}
	for (i = 0; i < 4; i++)
		p->addr[i] &= vfr_prefix_mask(p->len, i);
}

static void random_range(struct rng *r, struct vfr_port_range *range)
{
	u16 a = PICK(r, port_pool), b = PICK(r, port_pool);

	switch (rng_below(r, 4)) {
	case 0:					/* one port */
		b = a;
		break;
	case 1:					/* any port */
		a = 0;
		b = 65535;
		break;
	case 2:					/* anything */
		a = (u16)rng_next(r);
		b = (u16)rng_next(r);
		break;
	}
	range->lo = a < b ? a : b;
	range->hi = a < b ? b : a;
}

static void random_mac(struct rng *r, u8 *mac, u8 *mask)
{
	static const u8 masks[3][VFR_MAC_LEN] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0xff, 0xff, 0xff, 0x00, 0x00, 0x00 },
		{ 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 },	/* group bit */
	};
	unsigned int i;

	memcpy(mask, masks[rng_below(r, 3)], VFR_MAC_LEN);
	memcpy(mac, mac_pool[rng_below(r, 4)], VFR_MAC_LEN);
	for (i = 0; i < VFR_MAC_LEN; i++)
		mac[i] &= mask[i];
}

static void random_l2(struct rng *r, struct vfr_match *m, u32 percent)
{
	if (rng_percent(r, percent)) {
		m->fields |= VFR_MATCH_IN_VIF;
		m->in_vif = PICK(r, vif_pool);
	}
	if (rng_percent(r, percent)) {
		m->fields |= VFR_MATCH_OUT_VIF;
		m->out_vif = PICK(r, vif_pool);
	}
	if (rng_percent(r, percent / 2)) {
		m->fields |= VFR_MATCH_SRC_MAC;
		random_mac(r, m->src_mac, m->src_mac_mask);
	}
	if (rng_percent(r, percent / 2)) {
		m->fields |= VFR_MATCH_DST_MAC;
		random_mac(r, m->dst_mac, m->dst_mac_mask);
	}
	if (rng_percent(r, percent / 2)) {
		m->fields |= VFR_MATCH_ETHERTYPE;
		m->ethertype = PICK(r, ethertype_pool);
	}
}

static void random_l3_l4(struct rng *r, struct vfr_match *m, u32 percent)
{
	bool ipv6 = rng_percent(r, 40);

	if (rng_percent(r, percent)) {
		m->fields |= ipv6 ? VFR_MATCH_SRC_IPV6 : VFR_MATCH_SRC_IPV4;
		random_prefix(r, &m->src_ip, ipv6);
	}
	if (rng_percent(r, percent)) {
		m->fields |= ipv6 ? VFR_MATCH_DST_IPV6 : VFR_MATCH_DST_IPV4;
		random_prefix(r, &m->dst_ip, ipv6);
	}
	if (rng_percent(r, percent)) {
		m->fields |= VFR_MATCH_IP_PROTO;
		m->ip_proto = PICK(r, proto_pool);
	}
	if (rng_percent(r, percent)) {
		m->fields |= VFR_MATCH_SPORT;
		random_range(r, &m->sport);
	}
	if (rng_percent(r, percent)) {
		m->fields |= VFR_MATCH_DPORT;
		random_range(r, &m->dport);
	}
	if (rng_percent(r, percent / 2)) {
		m->fields |= VFR_MATCH_ICMP_TYPE;
		m->icmp_type = PICK(r, icmp_pool);
	}
}

/* A valid rule: random ones until one passes vfr_rule_validate(). */
static void random_rule(struct rng *r, struct vfr_rule *rule, u32 max_prio)
{
	static const u8 actions[] = {
		VFR_ACT_ACCEPT, VFR_ACT_DROP, VFR_ACT_REDIRECT, VFR_ACT_COUNT,
		VFR_ACT_COUNT,
	};
	static const u32 field_percents[] = { 10, 25, 40 };
	u32 percent = PICK(r, field_percents);
	struct vfr_error err;

	do {
		memset(rule, 0, sizeof(*rule));
		rule->priority = rng_below(r, max_prio);
		rule->direction = (u8)rng_below(r, __VFR_DIR_COUNT);
		rule->action = PICK(r, actions);
		rule->redirect_vif = rule->action == VFR_ACT_REDIRECT ?
				     PICK(r, vif_pool) & 0xff : VFR_VIF_NONE;
		random_l2(r, &rule->match, percent);
		random_l3_l4(r, &rule->match, percent);
	} while (vfr_rule_validate(rule, &err));
}

/* A frame's key as the parser makes it, from pool values. */
static void parsed_key(struct rng *r, struct vfr_key *k)
{
	struct frame_spec s;
	u8 frame[FRAME_MAX];
	size_t len;

	spec_ipv4(&s, PICK(r, proto_pool), PICK(r, ipv4_pool),
		  PICK(r, ipv4_pool), PICK(r, port_pool), PICK(r, port_pool));
	if (rng_percent(r, 40)) {
		spec_ipv6(&s, s.proto, 0, 0, s.sport, s.dport);
		memcpy(s.src_ip, PICK(r, ipv6_pool), sizeof(s.src_ip));
		memcpy(s.dst_ip, PICK(r, ipv6_pool), sizeof(s.dst_ip));
	} else if (rng_percent(r, 10)) {
		s.ip_version = 0;
		s.ethertype = PICK(r, ethertype_pool);
	}
	memcpy(s.src_mac, PICK(r, mac_pool), VFR_MAC_LEN);
	memcpy(s.dst_mac, PICK(r, mac_pool), VFR_MAC_LEN);
	s.icmp_type = PICK(r, icmp_pool);
	s.vlan = rng_percent(r, 10);
	s.frag_offset = (u16)(rng_percent(r, 10) ? 1 + rng_below(r, 100) : 0);
	len = build_frame(&s, frame);
	if (rng_percent(r, 10))
		len = rng_below(r, (u32)len + 1);	/* cut anywhere */
	vfr_key_parse(k, frame, len, PICK(r, vif_pool), PICK(r, vif_pool));
}

/* Any key at all, layers included: the classifier must not care. */
static void raw_key(struct rng *r, struct vfr_key *k)
{
	unsigned int i;

	k->in_vif = PICK(r, vif_pool);
	k->out_vif = PICK(r, vif_pool);
	memcpy(k->src_mac, PICK(r, mac_pool), VFR_MAC_LEN);
	memcpy(k->dst_mac, PICK(r, mac_pool), VFR_MAC_LEN);
	k->ethertype = PICK(r, ethertype_pool);
	k->ip_proto = PICK(r, proto_pool);
	k->icmp_type = PICK(r, icmp_pool);
	for (i = 0; i < 4; i++) {
		k->src_ip[i] = (u32)rng_next(r);
		k->dst_ip[i] = (u32)rng_next(r);
	}
	k->sport = (u16)rng_next(r);
	k->dport = PICK(r, port_pool);
	k->layers = (u32)rng_next(r) & 0x7f;	/* any of the 7 layers */
}

static void random_key(struct rng *r, struct vfr_key *k, unsigned int n)
{
	unsigned int bends;

	memset(k, 0, sizeof(*k));
	if (rng_percent(r, 50))
		parsed_key(r, k);
	else
		raw_key(r, k);
	/* Bent to match up to two rules, when they allow it together. */
	for (bends = rng_below(r, 3); n && bends; bends--)
		ref_make_match(&rules[rng_below(r, n)], k);
}

static void random_policies(struct rng *r, struct ref_policies *p,
			    struct vfr_policy *space)
{
	unsigned int i, d;

	p->nr_policies = 0;
	for (d = 0; d < __VFR_DIR_COUNT; d++) {
		p->default_policy[d] = rng_percent(r, 50) ? VFR_ACT_ACCEPT :
							    VFR_ACT_DROP;
		for (i = 0; i < NR_VIFS; i++)
			if (rng_percent(r, 30))
				space[p->nr_policies++] = (struct vfr_policy){
					vif_pool[i], (u8)d,
					rng_percent(r, 50) ? VFR_ACT_ACCEPT :
							     VFR_ACT_DROP };
	}
	p->policies = space;
}

static bool same_counters(unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct ref_rule *r = &ref_rules[i];

		if (counters[r->order].packets != r->packets ||
		    counters[r->order].bytes != r->bytes)
			return false;
	}
	return true;
}

static struct vfr_table *build_set(unsigned int n,
				   const struct ref_policies *p)
{
	struct vfr_table_config config = {
		.rules = refs,
		.nr_rules = n,
		.policies = p->policies,
		.nr_policies = p->nr_policies,
		.default_policy = { p->default_policy[0],
				    p->default_policy[1] },
	};
	struct vfr_table *table = NULL;
	unsigned int i;

	for (i = 0; i < n; i++) {
		refs[i].rule = &rules[i];
		refs[i].counters = &counters[i];
		ref_rules[i].rule = rules[i];
		ref_rules[i].order = i;
		ref_rules[i].packets = 0;
		ref_rules[i].bytes = 0;
	}
	memset(counters, 0, n * sizeof(counters[0]));
	ref_sort(ref_rules, n);
	CHECK_EQ(vfr_table_build(&config, &table), 0);
	return table;
}

/* One rule set of @n rules (priorities below @max_prio), @frames frames. */
static void run_set(struct rng *r, unsigned int n, u32 max_prio,
		    unsigned int frames, struct run_stats *st)
{
	struct vfr_policy space[__VFR_DIR_COUNT * NR_VIFS];
	struct vfr_verdict got, want;
	struct ref_policies p;
	struct vfr_table *table;
	struct vfr_key k;
	unsigned int i;
	u8 dir;
	u32 bytes;

	for (i = 0; i < n; i++)
		random_rule(r, &rules[i], max_prio);
	random_policies(r, &p, space);
	table = build_set(n, &p);
	if (!table)
		return;
	for (i = 0; i < frames; i++) {
		random_key(r, &k, n);
		dir = (u8)rng_below(r, __VFR_DIR_COUNT);
		bytes = 60 + rng_below(r, 1455);
		got = vfr_classify(table, dir, &k, bytes);
		want = ref_classify(ref_rules, n, &p, dir, &k, bytes);
		if (got.action != want.action || got.vif != want.vif) {
			if (st->mismatches++ < 5)
				printf("set %lu frame %u: verdict %u/%#x, reference %u/%#x\n",
				       st->sets, i, got.action, got.vif,
				       want.action, want.vif);
		}
	}
	st->frames += frames;
	if (!same_counters(n) && st->mismatches++ < 5)
		printf("set %lu: counters differ\n", st->sets);
	st->sets++;
	vfr_table_free(table);
}

static void report(const char *what, const struct run_stats *st)
{
	printf("%s: %lu rule sets, %lu frames, %lu mismatches\n", what,
	       st->sets, st->frames, st->mismatches);
	CHECK_EQ(st->mismatches, 0);
}

/* Small sets with few priorities: ties, overlaps, shapes shared. */
static void test_small_sets(void)
{
	struct run_stats st = { 0 };
	struct rng r;
	unsigned int i;

	rng_init(&r, 1, "test_small_sets");
	for (i = 0; i < 3000; i++)
		run_set(&r, 1 + rng_below(&r, 24), 1 + rng_below(&r, 10), 100,
			&st);
	report("small sets", &st);
}

static void test_medium_sets(void)
{
	struct run_stats st = { 0 };
	struct rng r;
	unsigned int i;

	rng_init(&r, 2, "test_medium_sets");
	for (i = 0; i < 200; i++)
		run_set(&r, 50 + rng_below(&r, 250), 1 + rng_below(&r, 1000),
			300, &st);
	report("medium sets", &st);
}

static void test_large_sets(void)
{
	struct run_stats st = { 0 };
	struct rng r;
	unsigned int i;

	rng_init(&r, 3, "test_large_sets");
	for (i = 0; i < 4; i++)
		run_set(&r, MAX_SET, 100000, 1000, &st);
	report("large sets", &st);
}

static const struct test_case tests[] = {
	TEST(test_small_sets),
	TEST(test_medium_sets),
	TEST(test_large_sets),
};

int main(void)
{
	return run_tests(tests, ARRAY_SIZE(tests));
}
