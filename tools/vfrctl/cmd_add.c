// SPDX-License-Identifier: GPL-2.0
/* vfrctl add: one rule, each keyword an attribute of the rule's nest. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfrctl.h"

#define DEFAULT_PRIORITY	100

/* What must be known before the nest is complete. */
struct rule_args {
	struct vfr_msg msg;
	size_t nest;
	uint32_t priority;
	uint8_t dir;
	bool has_vif;
	uint32_t vif;
	bool has_action;
};

static int parse_mac(const char *arg, uint8_t *mac)
{
	char extra;

	if (!arg || sscanf(arg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx%c", &mac[0],
			   &mac[1], &mac[2], &mac[3], &mac[4], &mac[5],
			   &extra) != VFR_MAC_LEN)
		return vfr_usage_error("bad MAC address \"%s\"",
				       arg ? arg : "");
	return 0;
}

static int add_mac(struct rule_args *r, uint16_t type, const char *arg)
{
	uint8_t mac[VFR_MAC_LEN];

	if (parse_mac(arg, mac))
		return -1;
	vfr_put(&r->msg, type, mac, sizeof(mac));
	return 0;
}

static int add_ethertype(struct rule_args *r, const char *arg)
{
	uint32_t type;

	if (arg && !strcmp(arg, "ipv4"))
		type = 0x0800;
	else if (arg && !strcmp(arg, "ipv6"))
		type = 0x86dd;
	else if (arg && !strcmp(arg, "arp"))
		type = 0x0806;
	else if (vfr_parse_u32(arg, 0xffff, "ethertype", &type))
		return -1;
	vfr_put_be16(&r->msg, VFR_RULE_A_ETHERTYPE, type);
	return 0;
}

/* PREFIX is ADDR[/LEN], IPv4 or IPv6; @src picks the attribute. */
static int add_prefix(struct rule_args *r, bool src, const char *arg)
{
	uint8_t addr[16];
	uint32_t len, bits;
	char buf[64], *slash;
	bool v6;
	size_t nest;

	if (!arg || strlen(arg) >= sizeof(buf))
		return vfr_usage_error("bad prefix \"%s\"", arg ? arg : "");
	strcpy(buf, arg);
	slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	v6 = strchr(buf, ':');
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1)
		return vfr_usage_error("bad address \"%s\"", buf);
	bits = v6 ? 128 : 32;
	len = bits;
	if (slash && vfr_parse_u32(slash + 1, bits, "prefix length", &len))
		return -1;
	if (v6)
		nest = vfr_nest_start(&r->msg, src ? VFR_RULE_A_SRC_IPV6 :
						      VFR_RULE_A_DST_IPV6);
	else
		nest = vfr_nest_start(&r->msg, src ? VFR_RULE_A_SRC_IPV4 :
						      VFR_RULE_A_DST_IPV4);
	vfr_put(&r->msg, VFR_PREFIX_A_ADDR, addr, bits / 8);
	vfr_put_u8(&r->msg, VFR_PREFIX_A_LEN, len);
	vfr_nest_end(&r->msg, nest);
	return 0;
}

static int add_proto(struct rule_args *r, const char *arg)
{
	static const struct { const char *name; uint8_t proto; } names[] = {
		{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmpv6", 58 },
	};
	uint32_t proto;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (arg && !strcmp(arg, names[i].name))
			break;
	if (i < sizeof(names) / sizeof(names[0]))
		proto = names[i].proto;
	else if (vfr_parse_u32(arg, 255, "proto", &proto))
		return -1;
	vfr_put_u8(&r->msg, VFR_RULE_A_IP_PROTO, proto);
	return 0;
}

/* A[-B]; the kernel checks that A <= B. */
static int add_ports(struct rule_args *r, uint16_t type, const char *arg)
{
	uint32_t lo, hi;
	char buf[32], *dash;
	size_t nest;

	if (!arg || strlen(arg) >= sizeof(buf))
		return vfr_usage_error("bad port range \"%s\"", arg ? arg : "");
	strcpy(buf, arg);
	dash = strchr(buf, '-');
	if (dash)
		*dash = '\0';
	if (vfr_parse_u32(buf, 0xffff, "port", &lo))
		return -1;
	hi = lo;
	if (dash && vfr_parse_u32(dash + 1, 0xffff, "port", &hi))
		return -1;
	nest = vfr_nest_start(&r->msg, type);
	vfr_put_be16(&r->msg, VFR_RANGE_A_LO, lo);
	vfr_put_be16(&r->msg, VFR_RANGE_A_HI, hi);
	vfr_nest_end(&r->msg, nest);
	return 0;
}

static int add_u8(struct rule_args *r, uint16_t type, const char *what,
		  const char *arg)
{
	uint32_t v;

	if (vfr_parse_u32(arg, 255, what, &v))
		return -1;
	vfr_put_u8(&r->msg, type, v);
	return 0;
}

/* Consumes the action's words: returns how many, or -1. */
static int add_action(struct rule_args *r, char **argv)
{
	static const char *const names[] = {
		[VFR_ACT_ACCEPT] = "accept", [VFR_ACT_DROP] = "drop",
		[VFR_ACT_REDIRECT] = "redirect", [VFR_ACT_COUNT] = "count",
	};
	uint32_t vif;
	uint8_t act;

	for (act = VFR_ACT_ACCEPT; act <= VFR_ACT_MAX; act++)
		if (argv[0] && !strcmp(argv[0], names[act]))
			break;
	if (act > VFR_ACT_MAX)
		return vfr_usage_error("action is accept, drop, count or redirect VIF");
	r->has_action = true;
	vfr_put_u8(&r->msg, VFR_RULE_A_ACTION, act);
	if (act != VFR_ACT_REDIRECT)
		return 1;
	if (vfr_parse_vif(argv[1], "redirect vif", &vif))
		return -1;
	vfr_put_u32(&r->msg, VFR_RULE_A_REDIRECT_VIF, vif);
	return 2;
}

/* One keyword and its value: how many words it took, or -1. */
static int add_keyword(struct rule_args *r, char **argv)
{
	const char *key = argv[0], *val = argv[1];

	int words;

	if (!strcmp(key, "action")) {
		words = add_action(r, argv + 1);
		return words < 0 ? -1 : 1 + words;
	}
	if (!strcmp(key, "priority"))
		return vfr_parse_u32(val, UINT32_MAX, key, &r->priority) ? -1 : 2;
	if (!strcmp(key, "vif")) {
		r->has_vif = true;
		return vfr_parse_vif(val, key, &r->vif) ? -1 : 2;
	}
	if (!strcmp(key, "dir"))
		return vfr_parse_direction(val, &r->dir) ? -1 : 2;
	if (!strcmp(key, "src-mac"))
		return add_mac(r, VFR_RULE_A_SRC_MAC, val) ? -1 : 2;
	if (!strcmp(key, "dst-mac"))
		return add_mac(r, VFR_RULE_A_DST_MAC, val) ? -1 : 2;
	if (!strcmp(key, "ethertype"))
		return add_ethertype(r, val) ? -1 : 2;
	if (!strcmp(key, "src") || !strcmp(key, "dst"))
		return add_prefix(r, key[0] == 's', val) ? -1 : 2;
	if (!strcmp(key, "proto"))
		return add_proto(r, val) ? -1 : 2;
	if (!strcmp(key, "sport"))
		return add_ports(r, VFR_RULE_A_SPORT_RANGE, val) ? -1 : 2;
	if (!strcmp(key, "dport"))
		return add_ports(r, VFR_RULE_A_DPORT_RANGE, val) ? -1 : 2;
	if (!strcmp(key, "icmp-type"))
		return add_u8(r, VFR_RULE_A_ICMP_TYPE, key, val) ? -1 : 2;
	return vfr_usage_error("unknown keyword \"%s\"", key);
}

/* The command line into a request; -1 after a usage error. */
static int build_rule(struct rule_args *r, int argc, char **argv)
{
	int i, words;

	vfr_msg_init(&r->msg, VFR_CMD_RULE_ADD, 0);
	r->nest = vfr_nest_start(&r->msg, VFR_A_RULE);
	r->priority = DEFAULT_PRIORITY;
	r->dir = VFR_DIR_INGRESS;
	for (i = 0; i < argc; i += words) {
		words = add_keyword(r, argv + i);
		if (words < 0)
			return -1;
	}
	if (!r->has_action)
		return vfr_usage_error("a rule needs an action");
	vfr_put_u8(&r->msg, VFR_RULE_A_DIRECTION, r->dir);
	vfr_put_u32(&r->msg, VFR_RULE_A_PRIORITY, r->priority);
	/* A vif is where frames come from going in, where they go going out. */
	if (r->has_vif)
		vfr_put_u32(&r->msg, r->dir == VFR_DIR_INGRESS ?
			    VFR_RULE_A_IN_VIF : VFR_RULE_A_OUT_VIF, r->vif);
	vfr_nest_end(&r->msg, r->nest);
	return 0;
}

struct add_reply {
	uint32_t id;
	char error[256];	/* the kernel's precise reason for a refusal */
};

static int read_add_reply(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[VFR_A_MAX + 1];
	struct add_reply *reply = arg;

	if (vfr_parse_genl(nlh, tb, VFR_A_MAX))
		return -EBADMSG;
	if (tb[VFR_A_RULE_ID])
		memcpy(&reply->id, (const char *)tb[VFR_A_RULE_ID] + NLA_HDRLEN,
		       sizeof(reply->id));
	if (tb[VFR_A_ERROR_MSG])
		snprintf(reply->error, sizeof(reply->error), "%.*s",
			 (int)(tb[VFR_A_ERROR_MSG]->nla_len - NLA_HDRLEN),
			 (const char *)tb[VFR_A_ERROR_MSG] + NLA_HDRLEN);
	return 0;
}

int cmd_add(int argc, char **argv)
{
	struct add_reply reply = { 0 };
	struct rule_args r = { 0 };
	struct vfr_nl nl;
	int ret;

	if (build_rule(&r, argc, argv))
		return 2;
	if (vfr_nl_open(&nl))
		return 1;
	ret = vfr_nl_talk(&nl, &r.msg, read_add_reply, &reply);
	if (ret)
		vfr_report(&nl, "add", ret, reply.error[0] ? reply.error : NULL);
	else
		printf("rule %u\n", reply.id);
	vfr_nl_close(&nl);
	return ret ? 1 : 0;
}
