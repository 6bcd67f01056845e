// SPDX-License-Identifier: GPL-2.0
/*
 * The "splitio_vfr" generic netlink family: how userspace (vfrctl) adds,
 * removes and lists the VFR's rules and sets its default policies.  The
 * commands and attributes are documented in uapi/splitio_vfr.h.
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include "vfr/netlink.h"
#include "vfr/ruleset.h"

static struct genl_family vfr_family;

/* Reports the rule nest back in the same form as vfr_rule_parse() reads. */
static int vfr_put_prefix(struct sk_buff *skb, int type,
			  const struct vfr_prefix *prefix, unsigned int words)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	__be32 addr[4];
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < words; i++)
		addr[i] = cpu_to_be32(prefix->addr[i]);
	if (nla_put(skb, VFR_PREFIX_A_ADDR, words * sizeof(addr[0]), addr) ||
	    nla_put_u8(skb, VFR_PREFIX_A_LEN, prefix->len)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vfr_put_range(struct sk_buff *skb, int type,
			 const struct vfr_port_range *range)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_be16(skb, VFR_RANGE_A_LO, htons(range->lo)) ||
	    nla_put_be16(skb, VFR_RANGE_A_HI, htons(range->hi))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int vfr_put_macs(struct sk_buff *skb, const struct vfr_match *m)
{
	if ((m->fields & VFR_MATCH_SRC_MAC) &&
	    (nla_put(skb, VFR_RULE_A_SRC_MAC, VFR_MAC_LEN, m->src_mac) ||
	     nla_put(skb, VFR_RULE_A_SRC_MAC_MASK, VFR_MAC_LEN,
		     m->src_mac_mask)))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_DST_MAC) &&
	    (nla_put(skb, VFR_RULE_A_DST_MAC, VFR_MAC_LEN, m->dst_mac) ||
	     nla_put(skb, VFR_RULE_A_DST_MAC_MASK, VFR_MAC_LEN,
		     m->dst_mac_mask)))
		return -EMSGSIZE;
	return 0;
}

static int vfr_put_prefixes(struct sk_buff *skb, const struct vfr_match *m)
{
	if ((m->fields & VFR_MATCH_SRC_IPV4) &&
	    vfr_put_prefix(skb, VFR_RULE_A_SRC_IPV4, &m->src_ip, 1))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_DST_IPV4) &&
	    vfr_put_prefix(skb, VFR_RULE_A_DST_IPV4, &m->dst_ip, 1))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_SRC_IPV6) &&
	    vfr_put_prefix(skb, VFR_RULE_A_SRC_IPV6, &m->src_ip, 4))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_DST_IPV6) &&
	    vfr_put_prefix(skb, VFR_RULE_A_DST_IPV6, &m->dst_ip, 4))
		return -EMSGSIZE;
	return 0;
}

static int vfr_put_match(struct sk_buff *skb, const struct vfr_match *m)
{
	if ((m->fields & VFR_MATCH_IN_VIF) &&
	    nla_put_u32(skb, VFR_RULE_A_IN_VIF, m->in_vif))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_OUT_VIF) &&
	    nla_put_u32(skb, VFR_RULE_A_OUT_VIF, m->out_vif))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_ETHERTYPE) &&
	    nla_put_be16(skb, VFR_RULE_A_ETHERTYPE, htons(m->ethertype)))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_IP_PROTO) &&
	    nla_put_u8(skb, VFR_RULE_A_IP_PROTO, m->ip_proto))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_SPORT) &&
	    vfr_put_range(skb, VFR_RULE_A_SPORT_RANGE, &m->sport))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_DPORT) &&
	    vfr_put_range(skb, VFR_RULE_A_DPORT_RANGE, &m->dport))
		return -EMSGSIZE;
	if ((m->fields & VFR_MATCH_ICMP_TYPE) &&
	    nla_put_u8(skb, VFR_RULE_A_ICMP_TYPE, m->icmp_type))
		return -EMSGSIZE;
	if (vfr_put_macs(skb, m) || vfr_put_prefixes(skb, m))
		return -EMSGSIZE;
	return 0;
}

static int vfr_put_counters(struct sk_buff *skb,
			    const struct vfr_counters *counters)
{
	if (nla_put_u64_64bit(skb, VFR_RULE_A_PACKETS,
			      vfr_counter_read(&counters->packets),
			      VFR_RULE_A_PAD) ||
	    nla_put_u64_64bit(skb, VFR_RULE_A_BYTES,
			      vfr_counter_read(&counters->bytes),
			      VFR_RULE_A_PAD))
		return -EMSGSIZE;
	return 0;
}

/* VFR_A_RULE_ID and VFR_A_RULE; only the verdict and counters for STATS. */
static int vfr_put_rule(struct sk_buff *skb,
			const struct vfr_rule_entry *entry, bool whole)
{
	const struct vfr_rule *rule = &entry->rule;
	struct nlattr *nest;

	if (nla_put_u32(skb, VFR_A_RULE_ID, entry->id))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, VFR_A_RULE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(skb, VFR_RULE_A_DIRECTION, rule->direction) ||
	    nla_put_u32(skb, VFR_RULE_A_PRIORITY, rule->priority) ||
	    nla_put_u8(skb, VFR_RULE_A_ACTION, rule->action))
		goto err_cancel;
	if (whole && rule->action == VFR_ACT_REDIRECT &&
	    nla_put_u32(skb, VFR_RULE_A_REDIRECT_VIF, rule->redirect_vif))
		goto err_cancel;
	if (whole && vfr_put_match(skb, &rule->match))
		goto err_cancel;
	if (vfr_put_counters(skb, &entry->counters))
		goto err_cancel;
	nla_nest_end(skb, nest);
	return 0;

err_cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * A refused rule: netlink's extended ack carries only static strings in
 * 6.1, so it names the bad attribute, and a reply before the error carries
 * the parser's precise message.
 */
static int vfr_refuse_rule(struct genl_info *info, const struct nlattr *nest,
			   const struct vfr_error *err, int error)
{
	const struct nlattr *bad = nest;
	struct sk_buff *msg;
	void *hdr;

	if (err->offset != VFR_ERR_NO_OFFSET)
		bad = (const struct nlattr *)((const u8 *)nla_data(nest) +
					      err->offset);
	NL_SET_ERR_MSG_ATTR(info->extack, bad,
			    "invalid rule: VFR_A_ERROR_MSG says why");

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return error;
	hdr = genlmsg_put_reply(msg, info, &vfr_family, 0, VFR_CMD_RULE_ADD);
	if (!hdr || nla_put_string(msg, VFR_A_ERROR_MSG, err->msg) ||
	    nla_put_u16(msg, VFR_A_ERROR_ATTR, err->attr)) {
		nlmsg_free(msg);
		return error;
	}
	genlmsg_end(msg, hdr);
	genlmsg_reply(msg, info);
	return error;
}

static int vfr_reply_id(struct genl_info *info, u32 id)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vfr_family, 0, VFR_CMD_RULE_ADD);
	if (!hdr || nla_put_u32(msg, VFR_A_RULE_ID, id)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int vfr_rule_add(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *nest = info->attrs[VFR_A_RULE];
	struct vfr_error err;
	struct vfr_rule rule;
	u32 id;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VFR_A_RULE))
		return -EINVAL;
	ret = vfr_rule_parse(nla_data(nest), nla_len(nest), &rule, &err);
	if (ret)
		return vfr_refuse_rule(info, nest, &err, ret);
	ret = vfr_ruleset_add(&rule, &id);
	if (ret == -E2BIG)
		NL_SET_ERR_MSG(info->extack, "too many rules");
	if (ret)
		return ret;
	/* The rule is in; a lost reply only hides its id from the caller. */
	return vfr_reply_id(info, id);
}

static int vfr_rule_del(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VFR_A_RULE_ID))
		return -EINVAL;
	ret = vfr_ruleset_del(nla_get_u32(info->attrs[VFR_A_RULE_ID]));
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VFR_A_RULE_ID],
				    "no rule has this id");
	return ret;
}

static int vfr_flush(struct sk_buff *skb, struct genl_info *info)
{
	const struct nlattr *vif = info->attrs[VFR_A_VIF];
	const struct nlattr *dir = info->attrs[VFR_A_DIRECTION];

	if (!vif && !dir)
		return vfr_ruleset_flush();
	if (!vif || !dir) {
		NL_SET_ERR_MSG(info->extack,
			       "VFR_A_VIF and VFR_A_DIRECTION go together");
		return -EINVAL;
	}
	return vfr_ruleset_flush_vif(nla_get_u32(vif), nla_get_u8(dir));
}

static int vfr_rule_get(struct sk_buff *skb, struct genl_info *info)
{
	const struct vfr_rule_entry *entry;
	struct sk_buff *msg;
	u32 id;
	void *hdr;
	int ret = -ENOENT;

	if (GENL_REQ_ATTR_CHECK(info, VFR_A_RULE_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[VFR_A_RULE_ID]);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vfr_family, 0, VFR_CMD_RULE_GET);
	if (!hdr)
		goto err_free;
	vfr_ruleset_lock();
	entry = vfr_ruleset_find_from(id);
	if (entry && entry->id == id)
		ret = vfr_put_rule(msg, entry, true);
	vfr_ruleset_unlock();
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VFR_A_RULE_ID],
				    "no rule has this id");
	if (ret)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return ret;
}

/*
 * One rule a message, resuming after the last id sent (cb->args[0] is the
 * next id).  cb->seq is the rule set's generation, so that a part of the
 * dump built after a change carries NLM_F_DUMP_INTR.
 */
static int vfr_dump_rules(struct sk_buff *skb, struct netlink_callback *cb,
			  u8 cmd, bool whole)
{
	const struct vfr_rule_entry *entry;
	void *hdr;

	vfr_ruleset_lock();
	cb->seq = vfr_ruleset_generation();
	for (entry = vfr_ruleset_find_from(cb->args[0]); entry;
	     entry = vfr_ruleset_next(entry)) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &vfr_family,
				  NLM_F_MULTI, cmd);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (vfr_put_rule(skb, entry, whole)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0] = entry->id + 1;
	}
	vfr_ruleset_unlock();
	return skb->len;
}

static int vfr_rule_get_start(struct netlink_callback *cb)
{
	if (genl_dumpit_info(cb)->attrs[VFR_A_RULE_ID]) {
		NL_SET_ERR_MSG(cb->extack, "a dump takes no VFR_A_RULE_ID");
		return -EINVAL;
	}
	return 0;
}

static int vfr_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vfr_dump_rules(skb, cb, VFR_CMD_RULE_GET, true);
}

static int vfr_stats_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return vfr_dump_rules(skb, cb, VFR_CMD_STATS, false);
}

static int vfr_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, VFR_A_VIF) ||
	    GENL_REQ_ATTR_CHECK(info, VFR_A_DIRECTION) ||
	    GENL_REQ_ATTR_CHECK(info, VFR_A_POLICY))
		return -EINVAL;
	return vfr_ruleset_set_policy(nla_get_u32(info->attrs[VFR_A_VIF]),
				      nla_get_u8(info->attrs[VFR_A_DIRECTION]),
				      nla_get_u8(info->attrs[VFR_A_POLICY]));
}

static int vfr_attach(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VFR_A_VIF))
		return -EINVAL;
	ret = vfr_ruleset_attach(nla_get_u32(info->attrs[VFR_A_VIF]));
	if (ret == -EEXIST)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VFR_A_VIF],
				    "vif already attached");
	return ret;
}

static int vfr_detach(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, VFR_A_VIF))
		return -EINVAL;
	ret = vfr_ruleset_detach(nla_get_u32(info->attrs[VFR_A_VIF]));
	if (ret == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VFR_A_VIF],
				    "vif not attached");
	return ret;
}

/* Each command's attributes; strict validation refuses all others. */
static const struct nla_policy vfr_rule_add_policy[VFR_A_MAX + 1] = {
	[VFR_A_RULE] = { .type = NLA_NESTED },
};

static const struct nla_policy vfr_rule_id_policy[VFR_A_MAX + 1] = {
	[VFR_A_RULE_ID] = { .type = NLA_U32 },
};

static const struct nla_policy vfr_vif_dir_policy[VFR_A_MAX + 1] = {
	[VFR_A_VIF] = { .type = NLA_U32 },
	[VFR_A_DIRECTION] = NLA_POLICY_MAX(NLA_U8, VFR_DIR_EGRESS),
};

static const struct nla_policy vfr_policy_set_policy[VFR_A_MAX + 1] = {
	[VFR_A_VIF] = { .type = NLA_U32 },
	[VFR_A_DIRECTION] = NLA_POLICY_MAX(NLA_U8, VFR_DIR_EGRESS),
	[VFR_A_POLICY] = NLA_POLICY_RANGE(NLA_U8, VFR_ACT_ACCEPT, VFR_ACT_DROP),
};

static const struct nla_policy vfr_vif_policy[VFR_A_MAX + 1] = {
	[VFR_A_VIF] = { .type = NLA_U32 },
};

static const struct nla_policy vfr_no_attr_policy[VFR_A_MAX + 1];

/* The rules steer traffic between guests: even reading them is for admins. */
static const struct genl_ops vfr_ops[] = {
	{
		.cmd = VFR_CMD_RULE_ADD,
		.flags = GENL_ADMIN_PERM,
		.doit = vfr_rule_add,
		.policy = vfr_rule_add_policy,
		.maxattr = VFR_A_MAX,
	},
	{
		.cmd = VFR_CMD_RULE_DEL,
		.flags = GENL_ADMIN_PERM,
		.doit = vfr_rule_del,
		.policy = vfr_rule_id_policy,
		.maxattr = VFR_A_MAX,
	},
	{
		.cmd = VFR_CMD_FLUSH,
		.flags = GENL_ADMIN_PERM,
		.doit = vfr_flush,
		.policy = vfr_vif_dir_policy,
		.maxattr = VFR_A_MAX,
	},
	{
		.cmd = VFR_CMD_RULE_GET,
		.flags = GENL_ADMIN_PERM,
		.doit = vfr_rule_get,
		.start = vfr_rule_get_start,
		.dumpit = vfr_rule_dump,
		.policy = vfr_rule_id_policy,
		.maxattr = VFR_A_MAX,
	},
	{
		.cmd = VFR_CMD_STATS,
		.flags = GENL_ADMIN_PERM,
		.dumpit = vfr_stats_dump,
		.policy = vfr_no_attr_policy,
		.maxattr = VFR_A_MAX,
	},
	{
		.cmd = VFR_CMD_POLICY_SET,
		.flags = GENL_ADMIN_PERM,
		.doit = vfr_policy_set,
		.policy = vfr_policy_set_policy,
		.maxattr = VFR_A_MAX,
	},
	{
		.cmd = VFR_CMD_ATTACH,
		.flags = GENL_ADMIN_PERM,
		.doit = vfr_attach,
		.policy = vfr_vif_policy,
		.maxattr = VFR_A_MAX,
	},
	{
		.cmd = VFR_CMD_DETACH,
		.flags = GENL_ADMIN_PERM,
		.doit = vfr_detach,
		.policy = vfr_vif_policy,
		.maxattr = VFR_A_MAX,
	},
};

static struct genl_family vfr_family __ro_after_init = {
	.name = VFR_GENL_NAME,
	.version = VFR_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = vfr_ops,
	.n_ops = ARRAY_SIZE(vfr_ops),
	/* resv_start_op 0: every command gets the strictest checks. */
};

int __init vfr_netlink_init(void)
{
	return genl_register_family(&vfr_family);
}

void vfr_netlink_uninit(void)
{
	genl_unregister_family(&vfr_family);
	vfr_ruleset_destroy();
}

MODULE_ALIAS_GENL_FAMILY(VFR_GENL_NAME);
