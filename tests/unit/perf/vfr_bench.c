// SPDX-License-Identifier: GPL-2.0
/*
 * The VFR classifier's cost per frame for 10, 1,000 and 10,000 rules, next
 * to the naive linear scan of vfr_reference.h, on a mix of rules shaped like
 * a cloud host's: per-guest anti-spoofing, services open per address and
 * port, blocked networks, port ranges, IPv6, ICMP types, redirects and COUNT
 * rules.  Frames are TCP, UDP and ICMP over IPv4 and IPv6, about half of them
 * aimed at some rule.  Not a test: numbers depend on the machine.
 *
 *	make -C tests/unit bin/vfr_bench && tests/unit/bin/vfr_bench
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "splitio/portable.h"
#include "vfr/vfr.h"
#include "vfr_frames.h"
#include "vfr_reference.h"
#include "vfr_rng.h"

#define MAX_RULES	10000
#define NR_FRAMES	4096
#define RUN_SECONDS	0.05
#define RUNS		7

static struct vfr_rule rules[MAX_RULES];
static struct vfr_counters counters[MAX_RULES];
static struct vfr_rule_ref refs[MAX_RULES];
static struct ref_rule ref_rules[MAX_RULES];

static u8 frames[NR_FRAMES][FRAME_MAX];
static size_t frame_lens[NR_FRAMES];
static struct vfr_key keys[NR_FRAMES];

static const u16 service_ports[] = { 22, 25, 53, 80, 123, 443, 3306, 8080 };

static u32 guest_ipv4(u32 vif)
{
	return 0x0a000000 | vif;		/* 10.0.x.y */
}

static void guest_mac(u32 vif, u8 *mac)
{
	static const u8 xen_oui[3] = { 0x00, 0x16, 0x3e };

	memcpy(mac, xen_oui, 3);
	mac[3] = 0;
	mac[4] = (u8)(vif >> 8);
	mac[5] = (u8)vif;
}

static void set_prefix4(struct vfr_prefix *p, u32 addr, u8 len)
{
	memset(p, 0, sizeof(*p));
	p->addr[0] = addr & vfr_prefix_mask(len, 0);
	p->len = len;
}

/* Rule @i of the mix, for guests 1..@nr_vifs. */
static void mix_rule(struct rng *r, unsigned int i, u32 nr_vifs,
		     struct vfr_rule *rule)
{
	struct vfr_match *m = &rule->match;
	u32 vif = 1 + rng_below(r, nr_vifs);

	memset(rule, 0, sizeof(*rule));
	rule->priority = 100 + rng_below(r, 900);
	rule->direction = VFR_DIR_INGRESS;
	rule->action = VFR_ACT_ACCEPT;
	rule->redirect_vif = VFR_VIF_NONE;
	switch (i % 10) {
	case 0:					/* anti-spoofing */
		rule->priority = 10;
		rule->action = VFR_ACT_DROP;
		m->fields = VFR_MATCH_IN_VIF | VFR_MATCH_SRC_MAC;
		m->in_vif = vif;
		guest_mac(vif + 1, m->src_mac);
		memset(m->src_mac_mask, 0xff, VFR_MAC_LEN);
		break;
	case 1:					/* a guest's service */
	case 2:
		rule->direction = VFR_DIR_EGRESS;
		m->fields = VFR_MATCH_OUT_VIF | VFR_MATCH_DST_IPV4 |
			    VFR_MATCH_IP_PROTO | VFR_MATCH_DPORT;
		m->out_vif = vif;
		set_prefix4(&m->dst_ip, guest_ipv4(vif), 32);
		m->ip_proto = VFR_PROTO_TCP;
		m->dport.lo = service_ports[rng_below(r, 8)];
		m->dport.hi = m->dport.lo;
		break;
	case 3:					/* a blocked network */
		rule->action = VFR_ACT_DROP;
		m->fields = VFR_MATCH_DST_IPV4;
		set_prefix4(&m->dst_ip, (u32)rng_next(r), 16 + rng_below(r, 9));
		break;
	case 4:					/* ephemeral ports */
		m->fields = VFR_MATCH_SRC_IPV4 | VFR_MATCH_IP_PROTO |
			    VFR_MATCH_SPORT;
		set_prefix4(&m->src_ip, guest_ipv4(vif), 24);
		m->ip_proto = VFR_PROTO_UDP;
		m->sport.lo = (u16)(1024 + rng_below(r, 30000));
		m->sport.hi = (u16)(m->sport.lo + rng_below(r, 30000));
		break;
	case 5:					/* IPv6 service */
		rule->direction = VFR_DIR_EGRESS;
		m->fields = VFR_MATCH_DST_IPV6 | VFR_MATCH_IP_PROTO |
			    VFR_MATCH_DPORT;
		m->dst_ip.addr[0] = 0x20010db8;
		m->dst_ip.addr[1] = vif << 16;
		m->dst_ip.len = 64;
		m->ip_proto = VFR_PROTO_TCP;
		m->dport.lo = service_ports[rng_below(r, 8)];
		m->dport.hi = m->dport.lo;
		break;
	case 6:					/* ICMP */
		rule->action = VFR_ACT_DROP;
		m->fields = VFR_MATCH_IN_VIF | VFR_MATCH_IP_PROTO |
			    VFR_MATCH_ICMP_TYPE;
		m->in_vif = vif;
		m->ip_proto = VFR_PROTO_ICMP;
		m->icmp_type = (u8)rng_below(r, 16);
		break;
	case 7:					/* to a middlebox */
		rule->action = VFR_ACT_REDIRECT;
		rule->redirect_vif = nr_vifs + 1;
		m->fields = VFR_MATCH_DST_IPV4 | VFR_MATCH_IP_PROTO |
			    VFR_MATCH_DPORT;
		set_prefix4(&m->dst_ip, 0xc0a80000 | rng_below(r, 65536), 32);
		m->ip_proto = VFR_PROTO_TCP;
		m->dport.lo = 80;
		m->dport.hi = 80;
		break;
	default:				/* accounting */
		rule->action = VFR_ACT_COUNT;
		rule->priority = rng_below(r, 1000);
		m->fields = VFR_MATCH_IN_VIF | VFR_MATCH_ETHERTYPE;
		m->in_vif = vif;
		m->ethertype = rng_percent(r, 50) ? VFR_ETHERTYPE_IPV4 :
						     VFR_ETHERTYPE_IPV6;
		break;
	}
}

/* A frame from or to a guest; about half of them aimed at rule @target. */
static void mix_frame(struct rng *r, u32 nr_vifs, const struct vfr_rule *target,
		      unsigned int i)
{
	u32 vif = 1 + rng_below(r, nr_vifs);
	u32 peer = 1 + rng_below(r, nr_vifs);
	struct frame_spec s;
	u8 dir = (u8)rng_below(r, 2);

	spec_ipv4(&s, rng_percent(r, 70) ? VFR_PROTO_TCP : VFR_PROTO_UDP,
		  guest_ipv4(vif), (u32)rng_next(r),
		  (u16)(1024 + rng_below(r, 60000)),
		  service_ports[rng_below(r, 8)]);
	guest_mac(vif, s.src_mac);
	if (rng_percent(r, 20)) {
		spec_ipv6(&s, s.proto, vif, peer, s.sport, s.dport);
		s.dst_ip[1] = peer << 16;
	} else if (rng_percent(r, 10)) {
		s.proto = VFR_PROTO_ICMP;
		s.icmp_type = (u8)rng_below(r, 16);
	}
	s.payload_len = (u16)rng_below(r, 1400);
	frame_lens[i] = build_frame(&s, frames[i]);
	vfr_key_parse(&keys[i], frames[i], frame_lens[i],
		      dir == VFR_DIR_INGRESS ? vif : VFR_VIF_NONE,
		      dir == VFR_DIR_EGRESS ? vif : VFR_VIF_NONE);
	if (rng_percent(r, 50))
		ref_make_match(target, &keys[i]);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The direction a frame is classified in: where its key names a vif. */
static u8 direction_of(const struct vfr_key *k)
{
	return k->in_vif != VFR_VIF_NONE ? VFR_DIR_INGRESS : VFR_DIR_EGRESS;
}

/* ns per frame of classifying every key, repeated for RUN_SECONDS. */
static double run_classify(const struct vfr_table *table, bool parse)
{
	unsigned long rounds = 0;
	double start = now(), elapsed;
	struct vfr_key key;
	unsigned int i;
	u32 sink = 0;

	do {
		for (i = 0; i < NR_FRAMES; i++) {
			const struct vfr_key *k = &keys[i];

			if (parse) {
				vfr_key_parse(&key, frames[i], frame_lens[i],
					      k->in_vif, k->out_vif);
				k = &key;
			}
			sink += vfr_classify(table, direction_of(k), k,
					     (u32)frame_lens[i]).action;
		}
		rounds++;
		elapsed = now() - start;
	} while (elapsed < RUN_SECONDS);
	/* Keeps the compiler from dropping the loop. */
	if (sink == 1)
		printf(" ");
	return elapsed * 1e9 / (rounds * NR_FRAMES);
}

static double run_linear(unsigned int n)
{
	struct ref_policies p = { .default_policy = { VFR_ACT_ACCEPT,
						      VFR_ACT_DROP } };
	unsigned int i, count = 0;
	double start = now();
	u32 sink = 0;

	do {
		for (i = 0; i < NR_FRAMES; i += 4, count++)
			sink += ref_classify(ref_rules, n, &p,
					     direction_of(&keys[i]), &keys[i],
					     (u32)frame_lens[i]).action;
	} while (now() - start < RUN_SECONDS);
	if (sink == 1)
		printf(" ");
	return (now() - start) * 1e9 / count;
}

/* The best of several runs: other load on the machine only slows runs. */
static double best_classify(const struct vfr_table *table, bool parse)
{
	double best = 1e30, t;
	unsigned int i;

	for (i = 0; i < RUNS; i++) {
		t = run_classify(table, parse);
		best = t < best ? t : best;
	}
	return best;
}

static void bench(unsigned int n)
{
	struct vfr_table_config config = {
		.rules = refs,
		.nr_rules = n,
		.default_policy = { VFR_ACT_ACCEPT, VFR_ACT_DROP },
	};
	u32 nr_vifs = n < 100 ? 4 : n / 10;
	struct vfr_table_stats stats;
	struct vfr_table *table;
	double built, classify, parse_classify;
	struct rng r = { .state = 0x9e3779b9 + n };	/* same each run */
	unsigned int i;

	for (i = 0; i < n; i++) {
		mix_rule(&r, i, nr_vifs, &rules[i]);
		refs[i].rule = &rules[i];
		refs[i].counters = &counters[i];
		ref_rules[i].rule = rules[i];
		ref_rules[i].order = i;
	}
	ref_sort(ref_rules, n);
	for (i = 0; i < NR_FRAMES; i++)
		mix_frame(&r, nr_vifs, &rules[rng_below(&r, n)], i);

	built = now();
	if (vfr_table_build(&config, &table)) {
		fprintf(stderr, "vfr_table_build failed\n");
		exit(1);
	}
	built = now() - built;
	vfr_table_stats(table, &stats);
	classify = best_classify(table, false);
	parse_classify = best_classify(table, true);
	printf("%6u %7u %7u %8zu %9.2f %10.0f %12.0f %11.0f\n", n,
	       stats.tuples, stats.groups, stats.bytes / 1024, built * 1e3,
	       classify, parse_classify, run_linear(n));
	vfr_table_free(table);
}

int main(void)
{
	static const unsigned int sizes[] = { 10, 1000, 10000 };
	unsigned int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf(" rules  tuples  groups      KiB  build ms   classify  "
	       "parse+class  linear scan\n");
	printf("%52s\n", "(ns per frame)");
	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		bench(sizes[i]);
	return 0;
}
