// SPDX-License-Identifier: GPL-2.0
/*
 * netback's side of the virtual firewall-router (vfr/): which vifs are on
 * it, and where their frames go.
 *
 * A vif is on the VFR while it is connected and the admin has attached its
 * id (vfrctl attach vif<domid>.<handle>).  Each frame its guest sends is
 * classified on ingress and, when accepted, goes
 *  - to the vif whose guest MAC is the destination, if that vif is on the
 *    VFR too: after that vif's egress rules, straight onto its receive
 *    list, guest to guest without the Dom0 stack;
 *  - if broadcast or multicast, to every other vif on the VFR (each after
 *    its egress rules) and to the Dom0 stack;
 *  - otherwise to the Dom0 stack through the vif's net_device, as it would
 *    without the VFR.  The stack is the VFR's uplink: a route or a bridge to
 *    a physical interface there takes the frame on.
 * A REDIRECT verdict sends the frame to the connected vif it names instead,
 * without that vif's egress rules: a frame is redirected at most once.
 * Frames the Dom0 stack sends to a vif on the VFR are classified on egress
 * with in_vif VFR_VIF_NONE.
 *
 * A frame that carries the source MAC of a guest on the VFR and reaches
 * another vif on the VFR through the Dom0 stack (a bridge flooding it) was
 * switched here already; it is dropped so that no guest sees it twice and
 * no egress rule is bypassed.
 *
 * The registry of connected vifs is read under RCU by the data paths;
 * netback_vfr_unregister() waits for those readers before the vif's queues
 * go away.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>

#include "netback/common.h"
#include "vfr/ruleset.h"

#define NETBACK_VFR_HASH_BITS	6

/* Writers: connect and disconnect, in the xenwatch thread; readers: RCU. */
static DEFINE_MUTEX(netback_vfr_lock);
static DEFINE_HASHTABLE(netback_vfr_by_id, NETBACK_VFR_HASH_BITS);
static DEFINE_HASHTABLE(netback_vfr_by_mac, NETBACK_VFR_HASH_BITS);

static u32 netback_vfr_mac_hash(const u8 *mac)
{
	return jhash(mac, ETH_ALEN, 0);
}

/* The id vfrctl and the rules name the vif by: vif<domid>.<handle>. */
u32 netback_vfr_id(domid_t domid, unsigned int handle)
{
	if (handle > 0xffff)
		return VFR_VIF_NONE;	/* cannot be named, never attached */
	return (u32)domid << 16 | handle;
}

void netback_vfr_register(struct netback_vif *vif)
{
	mutex_lock(&netback_vfr_lock);
	hash_add_rcu(netback_vfr_by_id, &vif->vfr_id_node, vif->vfr_id);
	hash_add_rcu(netback_vfr_by_mac, &vif->vfr_mac_node,
		     netback_vfr_mac_hash(vif->guest_mac));
	mutex_unlock(&netback_vfr_lock);
}

/* After this no data path can reach the vif through the registry. */
void netback_vfr_unregister(struct netback_vif *vif)
{
	mutex_lock(&netback_vfr_lock);
	hash_del_rcu(&vif->vfr_id_node);
	hash_del_rcu(&vif->vfr_mac_node);
	mutex_unlock(&netback_vfr_lock);
	synchronize_rcu();
}

static struct netback_vif *netback_vfr_find_id(u32 id)
{
	struct netback_vif *vif;

	hash_for_each_possible_rcu(netback_vfr_by_id, vif, vfr_id_node, id)
		if (vif->vfr_id == id)
			return vif;
	return NULL;
}

static struct netback_vif *netback_vfr_find_mac(const u8 *mac)
{
	struct netback_vif *vif;

	hash_for_each_possible_rcu(netback_vfr_by_mac, vif, vfr_mac_node,
				   netback_vfr_mac_hash(mac))
		if (ether_addr_equal(vif->guest_mac, mac))
			return vif;
	return NULL;
}

static bool netback_vfr_on(const struct netback_vif *vif)
{
	return vif && vfr_ruleset_attached(vif->vfr_id);
}

/* The frame starts at the skb's MAC header, wherever skb->data is. */
static void netback_vfr_key(struct vfr_key *key, const struct sk_buff *skb,
			    u32 in_vif, u32 out_vif)
{
	u8 buf[VFR_PARSE_MAX_BYTES];
	int offset = skb_mac_offset(skb);
	unsigned int len = min_t(unsigned int, skb->len - offset,
				 VFR_PARSE_MAX_BYTES);
	const void *frame = skb_header_pointer(skb, offset, len, buf);

	vfr_key_parse(key, frame, frame ? len : 0, in_vif, out_vif);
}

static unsigned int netback_vfr_frame_len(const struct sk_buff *skb)
{
	return skb->len - skb_mac_offset(skb);
}

static struct vfr_verdict netback_vfr_classify(u8 direction,
					       const struct vfr_key *key,
					       const struct sk_buff *skb)
{
	const struct vfr_table *table = vfr_ruleset_table();
	struct vfr_verdict accept = { VFR_ACT_ACCEPT, VFR_VIF_NONE };

	if (!table)
		return accept;
	return vfr_classify(table, direction, key,
			    netback_vfr_frame_len(skb));
}

/*
 * An accepted frame for @to, another vif on the VFR: @to's egress rules
 * decide.  @key's out_vif is @to's id.
 */
static void netback_vfr_switch(struct netback_vif *to, const struct vfr_key *key,
			       struct sk_buff *skb)
{
	struct vfr_verdict v = netback_vfr_classify(VFR_DIR_EGRESS, key, skb);
	struct netback_vif *target = to;

	if (v.action == VFR_ACT_REDIRECT)
		target = netback_vfr_find_id(v.vif);
	if (v.action == VFR_ACT_DROP || !target) {
		kfree_skb(skb);
		atomic64_inc(&to->vfr_filtered);
		return;
	}
	netback_rx_forward(target, skb);
}

/* A broadcast or multicast frame from @from: a copy for each vif on the VFR. */
static void netback_vfr_flood(struct netback_vif *from, struct vfr_key *key,
			      struct sk_buff *skb)
{
	struct netback_vif *to;
	struct sk_buff *copy;
	unsigned int bkt;

	hash_for_each_rcu(netback_vfr_by_id, bkt, to, vfr_id_node) {
		if (to == from || !netback_vfr_on(to))
			continue;
		copy = skb_clone(skb, GFP_ATOMIC);
		if (!copy) {
			atomic64_inc(&to->vfr_dropped);
			continue;
		}
		skb_push(copy, ETH_HLEN);
		key->out_vif = to->vfr_id;
		netback_vfr_switch(to, key, copy);
	}
}

/*
 * A frame @vif's guest sent, skb->data at the network header.  NETBACK_PASS:
 * on to the Dom0 stack; NETBACK_DROP: the caller frees and counts it;
 * NETBACK_CONSUMED: the VFR took it.
 */
enum netback_verdict netback_vfr_from_guest(struct netback_vif *vif,
					    struct sk_buff *skb)
{
	const struct ethhdr *eth = eth_hdr(skb);
	bool group = is_multicast_ether_addr(eth->h_dest);
	enum netback_verdict ret = NETBACK_PASS;
	struct netback_vif *to = NULL;
	struct vfr_verdict v;
	struct vfr_key key;

	if (!vfr_ruleset_attached(vif->vfr_id))
		return NETBACK_PASS;
	rcu_read_lock();
	if (!group) {
		to = netback_vfr_find_mac(eth->h_dest);
		if (!netback_vfr_on(to) || to == vif)
			to = NULL;
	}
	netback_vfr_key(&key, skb, vif->vfr_id,
			to ? to->vfr_id : VFR_VIF_NONE);
	v = netback_vfr_classify(VFR_DIR_INGRESS, &key, skb);
	switch (v.action) {
	case VFR_ACT_DROP:
		ret = NETBACK_DROP;
		break;
	case VFR_ACT_REDIRECT:
		to = netback_vfr_find_id(v.vif);
		if (!to) {
			ret = NETBACK_DROP;
			break;
		}
		skb_push(skb, ETH_HLEN);
		netback_rx_forward(to, skb);
		ret = NETBACK_CONSUMED;
		break;
	default:
		if (to) {
			skb_push(skb, ETH_HLEN);
			netback_vfr_switch(to, &key, skb);
			ret = NETBACK_CONSUMED;
		} else if (group) {
			netback_vfr_flood(vif, &key, skb);
		}
	}
	rcu_read_unlock();
	return ret;
}

/*
 * A frame the Dom0 stack sends to @vif, skb->data at the MAC header:
 * verdicts as for netback_vfr_from_guest().
 */
enum netback_verdict netback_vfr_to_guest(struct netback_vif *vif,
					  struct sk_buff *skb)
{
	enum netback_verdict ret = NETBACK_PASS;
	struct netback_vif *to;
	struct vfr_verdict v;
	struct vfr_key key;

	if (!vfr_ruleset_attached(vif->vfr_id))
		return NETBACK_PASS;
	/* Not every sender sets it (AF_PACKET bypassing the qdisc). */
	skb_reset_mac_header(skb);
	rcu_read_lock();
	if (netback_vfr_on(netback_vfr_find_mac(eth_hdr(skb)->h_source))) {
		ret = NETBACK_DROP;		/* switched here already */
		goto out;
	}
	netback_vfr_key(&key, skb, VFR_VIF_NONE, vif->vfr_id);
	v = netback_vfr_classify(VFR_DIR_EGRESS, &key, skb);
	if (v.action == VFR_ACT_DROP) {
		ret = NETBACK_DROP;
	} else if (v.action == VFR_ACT_REDIRECT) {
		to = netback_vfr_find_id(v.vif);
		if (to) {
			netback_rx_forward(to, skb);
			ret = NETBACK_CONSUMED;
		} else {
			ret = NETBACK_DROP;
		}
	}
out:
	rcu_read_unlock();
	return ret;
}
