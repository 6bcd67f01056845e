// SPDX-License-Identifier: GPL-2.0
/*
 * vfrctl list and stats: dump the rules, whole or just their counters, as
 * text or JSON (-j).  A dump the rule set changed under is taken again, so
 * what is printed is one consistent state.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfrctl.h"

#define DUMP_TRIES	5

/* Each rule's VFR_A_RULE_ID and a copy of its VFR_A_RULE nest. */
struct dumped_rule {
	uint32_t id;
	size_t len;
	void *attrs;
};

struct dump {
	struct dumped_rule *rules;
	size_t nr, cap;
};

struct printer {
	bool json;
	bool first;
};

static const void *payload(const struct nlattr *nla)
{
	return (const char *)nla + NLA_HDRLEN;
}

static size_t payload_len(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

static uint32_t get_u32(const struct nlattr *nla)
{
	uint32_t v;

	memcpy(&v, payload(nla), sizeof(v));
	return v;
}

static uint16_t get_be16(const struct nlattr *nla)
{
	const uint8_t *p = payload(nla);

	return p[0] << 8 | p[1];
}

static uint64_t get_u64(const struct nlattr *nla)
{
	uint64_t v;

	memcpy(&v, payload(nla), sizeof(v));
	return v;
}

static int keep_rule(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[VFR_A_MAX + 1];
	struct dump *d = arg;
	struct dumped_rule *r;

	if (vfr_parse_genl(nlh, tb, VFR_A_MAX) || !tb[VFR_A_RULE_ID] ||
	    !tb[VFR_A_RULE])
		return -EBADMSG;
	if (d->nr == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 64;
		struct dumped_rule *rules = realloc(d->rules, cap * sizeof(*rules));

		if (!rules)
			return -ENOMEM;
		d->rules = rules;
		d->cap = cap;
	}
	r = &d->rules[d->nr];
	r->len = payload_len(tb[VFR_A_RULE]);
	r->attrs = malloc(r->len);
	if (!r->attrs)
		return -ENOMEM;
	memcpy(r->attrs, payload(tb[VFR_A_RULE]), r->len);
	r->id = get_u32(tb[VFR_A_RULE_ID]);
	d->nr++;
	return 0;
}

static void dump_free(struct dump *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		free(d->rules[i].attrs);
	free(d->rules);
	memset(d, 0, sizeof(*d));
}

static void field(struct printer *p, const char *key, const char *value,
		  bool quoted)
{
	const char *sep = p->first ? "" : p->json ? "," : " ";
	const char *q = quoted ? "\"" : "";
	char name[32];
	size_t i;

	p->first = false;
	if (!p->json) {
		printf("%s%s %s", sep, key, value);
		return;
	}
	for (i = 0; key[i] && i < sizeof(name) - 1; i++)
		name[i] = key[i] == '-' ? '_' : key[i];
	name[i] = '\0';
	printf("%s\"%s\":%s%s%s", sep, name, q, value, q);
}

static void field_num(struct printer *p, const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	field(p, key, buf, false);
}

static void field_mac(struct printer *p, const char *key,
		      const struct nlattr *mac, const struct nlattr *mask)
{
	static const uint8_t full[VFR_MAC_LEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff
	};
	const uint8_t *m = payload(mac), *k;
	char buf[40];
	int n;

	n = snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x",
		     m[0], m[1], m[2], m[3], m[4], m[5]);
	if (mask && memcmp(payload(mask), full, VFR_MAC_LEN)) {
		k = payload(mask);
		snprintf(buf + n, sizeof(buf) - n,
			 "/%02x:%02x:%02x:%02x:%02x:%02x",
			 k[0], k[1], k[2], k[3], k[4], k[5]);
	}
	field(p, key, buf, true);
}

static void field_prefix(struct printer *p, const char *key,
			 const struct nlattr *nest)
{
	const struct nlattr *tb[VFR_PREFIX_A_MAX + 1];
	char addr[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 5];
	int family;

	if (vfr_parse_attrs(payload(nest), payload_len(nest), tb,
			    VFR_PREFIX_A_MAX) || !tb[VFR_PREFIX_A_ADDR] ||
	    !tb[VFR_PREFIX_A_LEN])
		return;
	family = payload_len(tb[VFR_PREFIX_A_ADDR]) == 16 ? AF_INET6 : AF_INET;
	inet_ntop(family, payload(tb[VFR_PREFIX_A_ADDR]), addr, sizeof(addr));
	snprintf(buf, sizeof(buf), "%s/%u", addr,
		 *(const uint8_t *)payload(tb[VFR_PREFIX_A_LEN]));
	field(p, key, buf, true);
}

static void field_range(struct printer *p, const char *key,
			const struct nlattr *nest)
{
	const struct nlattr *tb[VFR_RANGE_A_MAX + 1];
	uint16_t lo, hi;
	char buf[16];

	if (vfr_parse_attrs(payload(nest), payload_len(nest), tb,
			    VFR_RANGE_A_MAX) || !tb[VFR_RANGE_A_LO] ||
	    !tb[VFR_RANGE_A_HI])
		return;
	lo = get_be16(tb[VFR_RANGE_A_LO]);
	hi = get_be16(tb[VFR_RANGE_A_HI]);
	if (lo == hi)
		snprintf(buf, sizeof(buf), "%u", lo);
	else
		snprintf(buf, sizeof(buf), "%u-%u", lo, hi);
	field(p, key, buf, true);
}

static void field_proto(struct printer *p, uint8_t proto)
{
	char buf[8];

	switch (proto) {
	case 1: field(p, "proto", "icmp", true); return;
	case 6: field(p, "proto", "tcp", true); return;
	case 17: field(p, "proto", "udp", true); return;
	case 58: field(p, "proto", "icmpv6", true); return;
	}
	snprintf(buf, sizeof(buf), "%u", proto);
	field(p, "proto", buf, true);
}

static void print_match(struct printer *p, const struct nlattr **tb)
{
	char buf[8];

	if (tb[VFR_RULE_A_IN_VIF])
		field_num(p, "in-vif", get_u32(tb[VFR_RULE_A_IN_VIF]));
	if (tb[VFR_RULE_A_OUT_VIF])
		field_num(p, "out-vif", get_u32(tb[VFR_RULE_A_OUT_VIF]));
	if (tb[VFR_RULE_A_SRC_MAC])
		field_mac(p, "src-mac", tb[VFR_RULE_A_SRC_MAC],
			  tb[VFR_RULE_A_SRC_MAC_MASK]);
	if (tb[VFR_RULE_A_DST_MAC])
		field_mac(p, "dst-mac", tb[VFR_RULE_A_DST_MAC],
			  tb[VFR_RULE_A_DST_MAC_MASK]);
	if (tb[VFR_RULE_A_ETHERTYPE]) {
		snprintf(buf, sizeof(buf), "0x%04x",
			 get_be16(tb[VFR_RULE_A_ETHERTYPE]));
		field(p, "ethertype", buf, true);
	}
	if (tb[VFR_RULE_A_SRC_IPV4] || tb[VFR_RULE_A_SRC_IPV6])
		field_prefix(p, "src", tb[VFR_RULE_A_SRC_IPV4] ?:
				       tb[VFR_RULE_A_SRC_IPV6]);
	if (tb[VFR_RULE_A_DST_IPV4] || tb[VFR_RULE_A_DST_IPV6])
		field_prefix(p, "dst", tb[VFR_RULE_A_DST_IPV4] ?:
				       tb[VFR_RULE_A_DST_IPV6]);
	if (tb[VFR_RULE_A_IP_PROTO])
		field_proto(p, *(const uint8_t *)payload(tb[VFR_RULE_A_IP_PROTO]));
	if (tb[VFR_RULE_A_SPORT_RANGE])
		field_range(p, "sport", tb[VFR_RULE_A_SPORT_RANGE]);
	if (tb[VFR_RULE_A_DPORT_RANGE])
		field_range(p, "dport", tb[VFR_RULE_A_DPORT_RANGE]);
	if (tb[VFR_RULE_A_ICMP_TYPE])
		field_num(p, "icmp-type",
			  *(const uint8_t *)payload(tb[VFR_RULE_A_ICMP_TYPE]));
}

/* Stats nests lack the match: the same printer shows what is there. */
static void print_rule(bool json, const struct dumped_rule *r)
{
	const struct nlattr *tb[VFR_RULE_A_MAX + 1];
	struct printer p = { .json = json, .first = true };

	if (vfr_parse_attrs(r->attrs, r->len, tb, VFR_RULE_A_MAX))
		return;
	printf(json ? "{" : "");
	field_num(&p, "id", r->id);
	if (tb[VFR_RULE_A_DIRECTION])
		field(&p, "dir", vfr_direction_name(
			*(const uint8_t *)payload(tb[VFR_RULE_A_DIRECTION])), true);
	if (tb[VFR_RULE_A_PRIORITY])
		field_num(&p, "priority", get_u32(tb[VFR_RULE_A_PRIORITY]));
	print_match(&p, tb);
	if (tb[VFR_RULE_A_ACTION])
		field(&p, "action", vfr_action_name(
			*(const uint8_t *)payload(tb[VFR_RULE_A_ACTION])), true);
	if (tb[VFR_RULE_A_REDIRECT_VIF])
		field_num(&p, "redirect-vif",
			  get_u32(tb[VFR_RULE_A_REDIRECT_VIF]));
	if (tb[VFR_RULE_A_PACKETS])
		field_num(&p, "packets", get_u64(tb[VFR_RULE_A_PACKETS]));
	if (tb[VFR_RULE_A_BYTES])
		field_num(&p, "bytes", get_u64(tb[VFR_RULE_A_BYTES]));
	printf(json ? "}" : "\n");
}

static void print_dump(bool json, const struct dump *d)
{
	size_t i;

	if (json)
		printf("[");
	for (i = 0; i < d->nr; i++) {
		if (json && i)
			printf(",\n");
		print_rule(json, &d->rules[i]);
	}
	if (json)
		printf("]\n");
}

static int dump_once(struct vfr_nl *nl, uint8_t cmd, struct dump *d)
{
	struct vfr_msg m;

	vfr_msg_init(&m, cmd, NLM_F_DUMP);
	return vfr_nl_talk(nl, &m, keep_rule, d);
}

static int dump_rules(uint8_t cmd, const char *what, int argc, char **argv)
{
	struct dump d = { 0 };
	struct vfr_nl nl;
	bool json;
	int ret, tries = 0;

	if (argc > 1 || (argc == 1 && strcmp(argv[0], "-j")))
		return vfr_usage_error("%s takes only -j", what), 2;
	json = argc == 1;
	if (vfr_nl_open(&nl))
		return 1;
	do {
		dump_free(&d);
		ret = dump_once(&nl, cmd, &d);
	} while (!ret && nl.dump_intr && ++tries < DUMP_TRIES);
	if (ret)
		vfr_report(&nl, what, ret, NULL);
	else if (nl.dump_intr)
		fprintf(stderr, "vfrctl: %s: rules kept changing, output may mix states\n",
			what);
	if (!ret)
		print_dump(json, &d);
	dump_free(&d);
	vfr_nl_close(&nl);
	return ret ? 1 : 0;
}

int cmd_list(int argc, char **argv)
{
	return dump_rules(VFR_CMD_RULE_GET, "list", argc, argv);
}

int cmd_stats(int argc, char **argv)
{
	return dump_rules(VFR_CMD_STATS, "stats", argc, argv);
}
