/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fixed, varied rule set for the VFR fuzzers: the table the packet fuzzer
 * classifies against, and, written as attributes, seeds of the rule fuzzer.
 * Between them the rules use every match field and action, both directions,
 * overlapping priorities and COUNT rules before and after deciding ones.
 */
#ifndef SPLITIO_TESTS_FUZZ_SAMPLE_RULES_H
#define SPLITIO_TESTS_FUZZ_SAMPLE_RULES_H

#include "vfr/vfr.h"

#define SAMPLE_VIF_A	1
#define SAMPLE_VIF_B	2
#define SAMPLE_VIF_C	0x00070003	/* domain 7, handle 3 */

#define RULE(prio, dir, act)						\
	.priority = (prio), .direction = VFR_DIR_##dir,			\
	.action = VFR_ACT_##act, .redirect_vif = VFR_VIF_NONE

static const struct vfr_rule sample_rules[] = {
	{ RULE(5, INGRESS, COUNT) },
	{ RULE(10, INGRESS, DROP),
	  .match = { .fields = VFR_MATCH_SRC_IPV4 | VFR_MATCH_IP_PROTO |
			       VFR_MATCH_DPORT,
		     .src_ip = { { 0x0a000000 }, 8 },
		     .ip_proto = VFR_PROTO_TCP, .dport = { 22, 22 } } },
	{ RULE(10, INGRESS, COUNT),
	  .match = { .fields = VFR_MATCH_DPORT, .dport = { 0, 1023 } } },
	{ RULE(20, INGRESS, ACCEPT),
	  .match = { .fields = VFR_MATCH_IN_VIF | VFR_MATCH_SRC_MAC,
		     .in_vif = SAMPLE_VIF_A,
		     .src_mac = { 0x00, 0x16, 0x3e, 0, 0, 0 },
		     .src_mac_mask = { 0xff, 0xff, 0xff, 0, 0, 0 } } },
	{ .priority = 15, .direction = VFR_DIR_INGRESS,
	  .action = VFR_ACT_REDIRECT, .redirect_vif = SAMPLE_VIF_C,
	  .match = { .fields = VFR_MATCH_DST_IPV4 | VFR_MATCH_SPORT,
		     .dst_ip = { { 0xc0a80100 }, 24 },
		     .sport = { 1024, 65535 } } },
	{ RULE(30, INGRESS, DROP),
	  .match = { .fields = VFR_MATCH_ETHERTYPE, .ethertype = 0x0806 } },
	{ RULE(30, INGRESS, DROP),
	  .match = { .fields = VFR_MATCH_SRC_IPV6 | VFR_MATCH_IP_PROTO |
			       VFR_MATCH_ICMP_TYPE,
		     .src_ip = { { 0x20010db8, 0, 0, 0 }, 32 },
		     .ip_proto = VFR_PROTO_ICMPV6, .icmp_type = 134 } },
	{ RULE(40, INGRESS, ACCEPT),
	  .match = { .fields = VFR_MATCH_ETHERTYPE | VFR_MATCH_DST_IPV6 |
			       VFR_MATCH_DPORT,
		     .ethertype = VFR_ETHERTYPE_IPV6,
		     .dst_ip = { { 0x20010db8, 1, 0, 0 }, 64 },
		     .dport = { 443, 443 } } },
	{ RULE(40, INGRESS, COUNT),
	  .match = { .fields = VFR_MATCH_IP_PROTO | VFR_MATCH_ICMP_TYPE,
		     .ip_proto = VFR_PROTO_ICMP, .icmp_type = 8 } },
	{ RULE(50, INGRESS, DROP),
	  .match = { .fields = VFR_MATCH_DST_MAC,
		     .dst_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		     .dst_mac_mask = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } } },
	{ RULE(0, EGRESS, COUNT),
	  .match = { .fields = VFR_MATCH_OUT_VIF, .out_vif = SAMPLE_VIF_B } },
	{ RULE(1, EGRESS, ACCEPT),
	  .match = { .fields = VFR_MATCH_IN_VIF | VFR_MATCH_OUT_VIF,
		     .in_vif = SAMPLE_VIF_A, .out_vif = SAMPLE_VIF_B } },
	{ RULE(2, EGRESS, DROP),
	  .match = { .fields = VFR_MATCH_IN_VIF, .in_vif = VFR_VIF_NONE } },
	{ RULE(3, EGRESS, DROP),
	  .match = { .fields = VFR_MATCH_IP_PROTO | VFR_MATCH_SPORT |
			       VFR_MATCH_DPORT,
		     .ip_proto = VFR_PROTO_UDP, .sport = { 53, 53 },
		     .dport = { 1024, 2047 } } },
	{ RULE(3, EGRESS, COUNT),
	  .match = { .fields = VFR_MATCH_DST_IPV4, .dst_ip = { { 0 }, 0 } } },
	{ RULE(4, EGRESS, ACCEPT),
	  .match = { .fields = VFR_MATCH_SRC_IPV6 | VFR_MATCH_DST_IPV6,
		     .src_ip = { { 0xfe800000, 0, 0, 0 }, 10 },
		     .dst_ip = { { 0xff020000, 0, 0, 1 }, 128 } } },
};

#undef RULE

/* Default policies: some vifs differ from their direction's default. */
static const struct vfr_policy sample_policies[] = {
	{ SAMPLE_VIF_A, VFR_DIR_INGRESS, VFR_ACT_DROP },
	{ SAMPLE_VIF_B, VFR_DIR_EGRESS, VFR_ACT_DROP },
	{ SAMPLE_VIF_C, VFR_DIR_EGRESS, VFR_ACT_ACCEPT },
};

#define SAMPLE_DEFAULT_INGRESS	VFR_ACT_ACCEPT
#define SAMPLE_DEFAULT_EGRESS	VFR_ACT_DROP

#endif /* SPLITIO_TESTS_FUZZ_SAMPLE_RULES_H */
