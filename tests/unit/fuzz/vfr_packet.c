// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: vfr_key_parse() on arbitrary frames, as a hostile guest could
 * send them, then vfr_classify() of the key against the sample rules, side by
 * side with the naive reference classifier.  Beyond not crashing (ASan,
 * UBSan), the key must hang together - no layer without the one below it, no
 * value in a field whose layer is absent - and the two classifiers must give
 * the same verdict and keep the same counters.
 *
 * Input: one byte choosing the direction and the vifs, then the frame.
 */
#include "vfr/vfr.h"
#include "fuzz.h"
#include "sample_rules.h"
#include "vfr_reference.h"

#define NR_RULES	ARRAY_SIZE(sample_rules)
#define ALL_LAYERS	(VFR_KEY_MACS | VFR_KEY_ETHERTYPE | VFR_KEY_IPV4 | \
			 VFR_KEY_IPV6 | VFR_KEY_PROTO | VFR_KEY_PORTS | \
			 VFR_KEY_ICMP)

static const u32 vifs[] = {
	SAMPLE_VIF_A, SAMPLE_VIF_B, SAMPLE_VIF_C, VFR_VIF_NONE,
};

/* Built on the first input, kept for all: the counters add up across them. */
static struct vfr_table *table;
static struct vfr_counters counters[NR_RULES];
static struct ref_rule ref_rules[NR_RULES];
static const struct ref_policies ref_policies = {
	.policies = sample_policies,
	.nr_policies = ARRAY_SIZE(sample_policies),
	.default_policy = { SAMPLE_DEFAULT_INGRESS, SAMPLE_DEFAULT_EGRESS },
};

static void build_tables(void)
{
	struct vfr_rule_ref refs[NR_RULES];
	struct vfr_table_config config = {
		.rules = refs,
		.nr_rules = NR_RULES,
		.policies = sample_policies,
		.nr_policies = ARRAY_SIZE(sample_policies),
		.default_policy = { SAMPLE_DEFAULT_INGRESS,
				    SAMPLE_DEFAULT_EGRESS },
	};
	unsigned int i;

	for (i = 0; i < NR_RULES; i++) {
		refs[i].rule = &sample_rules[i];
		refs[i].counters = &counters[i];
		ref_rules[i].rule = sample_rules[i];
		ref_rules[i].order = i;
	}
	FUZZ_CHECK(!vfr_table_build(&config, &table));
	ref_sort(ref_rules, NR_RULES);
}

static bool all_zero(const void *p, size_t len)
{
	const u8 *bytes = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (bytes[i])
			return false;
	return true;
}

static bool has(const struct vfr_key *k, u32 layers)
{
	return (k->layers & layers) == layers;
}

/* Each layer stands on the one below it. */
static void check_layers(const struct vfr_key *k)
{
	bool ipv4 = has(k, VFR_KEY_IPV4), ipv6 = has(k, VFR_KEY_IPV6);

	FUZZ_CHECK(!(k->layers & ~ALL_LAYERS));
	FUZZ_CHECK(!has(k, VFR_KEY_ETHERTYPE) || has(k, VFR_KEY_MACS));
	FUZZ_CHECK(!ipv4 || k->ethertype == VFR_ETHERTYPE_IPV4);
	FUZZ_CHECK(!ipv6 || k->ethertype == VFR_ETHERTYPE_IPV6);
	FUZZ_CHECK(!has(k, VFR_KEY_PROTO) || ipv4 || ipv6);
	FUZZ_CHECK(!has(k, VFR_KEY_PORTS) ||
		   (has(k, VFR_KEY_PROTO) && (k->ip_proto == VFR_PROTO_TCP ||
					      k->ip_proto == VFR_PROTO_UDP)));
	FUZZ_CHECK(!has(k, VFR_KEY_ICMP) ||
		   (has(k, VFR_KEY_PROTO) &&
		    ((ipv4 && k->ip_proto == VFR_PROTO_ICMP) ||
		     (ipv6 && k->ip_proto == VFR_PROTO_ICMPV6))));
}

/* A field of an absent layer is zero: no rule can see stale bytes. */
static void check_absent_fields(const struct vfr_key *k)
{
	if (!has(k, VFR_KEY_MACS))
		FUZZ_CHECK(all_zero(k->src_mac, VFR_MAC_LEN) &&
			   all_zero(k->dst_mac, VFR_MAC_LEN));
	if (!has(k, VFR_KEY_ETHERTYPE))
		FUZZ_CHECK(!k->ethertype);
	if (!has(k, VFR_KEY_IPV6))
		FUZZ_CHECK(all_zero(&k->src_ip[1], 12) &&
			   all_zero(&k->dst_ip[1], 12));
	if (!has(k, VFR_KEY_IPV4) && !has(k, VFR_KEY_IPV6))
		FUZZ_CHECK(!k->src_ip[0] && !k->dst_ip[0]);
	if (!has(k, VFR_KEY_PROTO))
		FUZZ_CHECK(!k->ip_proto);
	if (!has(k, VFR_KEY_PORTS))
		FUZZ_CHECK(!k->sport && !k->dport);
	if (!has(k, VFR_KEY_ICMP))
		FUZZ_CHECK(!k->icmp_type);
}

static void check_counters(void)
{
	unsigned int i;

	for (i = 0; i < NR_RULES; i++) {
		const struct ref_rule *r = &ref_rules[i];

		FUZZ_CHECK(counters[r->order].packets == r->packets);
		FUZZ_CHECK(counters[r->order].bytes == r->bytes);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfr_verdict got, want;
	struct vfr_key key;
	u8 direction;

	if (!size)
		return 0;
	if (!table)
		build_tables();
	direction = data[0] & 1;
	vfr_key_parse(&key, data + 1, size - 1, vifs[data[0] >> 1 & 3],
		      vifs[data[0] >> 3 & 3]);
	check_layers(&key);
	check_absent_fields(&key);

	got = vfr_classify(table, direction, &key, (u32)size - 1);
	want = ref_classify(ref_rules, NR_RULES, &ref_policies, direction,
			    &key, (u32)size - 1);
	FUZZ_CHECK(got.action == want.action && got.vif == want.vif);
	check_counters();
	return 0;
}
