// SPDX-License-Identifier: GPL-2.0
/*
 * The VFR's rule set: the rules in the order they were added (which is id
 * order, and settles ties between equal priorities), the default policies,
 * the attached vifs, and the table published for the data path.
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include "vfr/ruleset.h"

struct vfr_policy_entry {
	struct list_head node;
	struct vfr_policy policy;
};

/* A table and what frees it once no classifier can see it any more. */
struct vfr_published {
	struct vfr_table *table;
	struct rcu_head rcu;
};

/* Serializes every change, and readers of the lists against them. */
static DEFINE_MUTEX(vfr_lock);
static LIST_HEAD(vfr_rules);
static unsigned int vfr_nr_rules;
static LIST_HEAD(vfr_policies);
static DEFINE_XARRAY(vfr_attached);
static u32 vfr_next_id = 1;
/* Never zero: a dump's sequence number of zero disables its check. */
static u32 vfr_generation = 1;

/*
 * The data path classifies against it under rcu_read_lock(); NULL until
 * the first change, when every frame is accepted.
 */
static struct vfr_published __rcu *vfr_current;

typedef bool (*vfr_rule_filter)(const struct vfr_rule_entry *entry,
				const void *arg);

static void vfr_published_free(struct rcu_head *rcu)
{
	struct vfr_published *pub = container_of(rcu, struct vfr_published, rcu);

	vfr_table_free(pub->table);
	kfree(pub);
}

static struct vfr_policy *vfr_policy_array(unsigned int *nr)
{
	struct vfr_policy_entry *pe;
	struct vfr_policy *policies;
	unsigned int n = 0;

	list_for_each_entry(pe, &vfr_policies, node)
		n++;
	policies = kvcalloc(n, sizeof(*policies), GFP_KERNEL);
	if (!policies)
		return NULL;
	n = 0;
	list_for_each_entry(pe, &vfr_policies, node)
		policies[n++] = pe->policy;
	*nr = n;
	return policies;
}

static struct vfr_rule_ref *vfr_rule_array(vfr_rule_filter drop,
					   const void *arg, unsigned int *nr)
{
	struct vfr_rule_entry *entry;
	struct vfr_rule_ref *refs;
	unsigned int n = 0;

	refs = kvcalloc(vfr_nr_rules, sizeof(*refs), GFP_KERNEL);
	if (!refs)
		return NULL;
	list_for_each_entry(entry, &vfr_rules, node) {
		if (drop && drop(entry, arg))
			continue;
		refs[n].rule = &entry->rule;
		refs[n].counters = &entry->counters;
		n++;
	}
	*nr = n;
	return refs;
}

static int vfr_build(struct vfr_table_config *config, vfr_rule_filter drop,
		     const void *arg, struct vfr_table **table)
{
	struct vfr_rule_ref *refs;
	struct vfr_policy *policies;
	int ret = -ENOMEM;

	refs = vfr_rule_array(drop, arg, &config->nr_rules);
	if (!refs)
		return ret;
	policies = vfr_policy_array(&config->nr_policies);
	if (!policies)
		goto out_free_refs;
	config->rules = refs;
	config->policies = policies;
	ret = vfr_table_build(config, table);
	kvfree(policies);
out_free_refs:
	kvfree(refs);
	return ret;
}

/*
 * Builds a table from the rules that @drop (if any) does not pick and
 * publishes it; the old one goes after a grace period.  On failure nothing
 * changes.  The caller removes the dropped rules once this succeeded.
 */
static int vfr_publish(vfr_rule_filter drop, const void *arg)
{
	struct vfr_table_config config = {
		.default_policy = { VFR_ACT_ACCEPT, VFR_ACT_ACCEPT },
	};
	struct vfr_published *pub, *old;
	int ret;

	lockdep_assert_held(&vfr_lock);
	pub = kzalloc(sizeof(*pub), GFP_KERNEL);
	if (!pub)
		return -ENOMEM;
	ret = vfr_build(&config, drop, arg, &pub->table);
	if (ret) {
		kfree(pub);
		return ret;
	}
	old = rcu_replace_pointer(vfr_current, pub, lockdep_is_held(&vfr_lock));
	if (old)
		call_rcu(&old->rcu, vfr_published_free);
	return 0;
}

static void vfr_rules_changed(void)
{
	if (!++vfr_generation)
		vfr_generation = 1;
}

static void vfr_remove_rules(vfr_rule_filter drop, const void *arg)
{
	struct vfr_rule_entry *entry, *next;

	list_for_each_entry_safe(entry, next, &vfr_rules, node) {
		if (!drop(entry, arg))
			continue;
		list_del(&entry->node);
		vfr_nr_rules--;
		/* The old table still counts on it until the grace period. */
		kfree_rcu(entry, rcu);
	}
	vfr_rules_changed();
}

/* Removes the rules @drop picks, all or none of them. */
static int vfr_remove_and_publish(vfr_rule_filter drop, const void *arg)
{
	int ret;

	lockdep_assert_held(&vfr_lock);
	ret = vfr_publish(drop, arg);
	if (!ret)
		vfr_remove_rules(drop, arg);
	return ret;
}

int vfr_ruleset_add(const struct vfr_rule *rule, u32 *id)
{
	struct vfr_rule_entry *entry;
	int ret;

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;
	entry->rule = *rule;
	atomic64_set(&entry->counters.packets, 0);
	atomic64_set(&entry->counters.bytes, 0);

	mutex_lock(&vfr_lock);
	ret = -E2BIG;
	if (vfr_nr_rules >= VFR_MAX_RULES)
		goto err_unlock;
	/*
	 * Ids are never reused, so a dump that resumes after the last id it
	 * reported never reports a rule twice; U32_MAX stays free so that
	 * this id plus one does not wrap.
	 */
	ret = -ENOSPC;
	if (vfr_next_id == U32_MAX)
		goto err_unlock;
	entry->id = vfr_next_id;
	list_add_tail(&entry->node, &vfr_rules);
	vfr_nr_rules++;
	ret = vfr_publish(NULL, NULL);
	if (ret)
		goto err_unlink;
	vfr_next_id++;
	vfr_rules_changed();
	*id = entry->id;
	mutex_unlock(&vfr_lock);
	return 0;

err_unlink:
	list_del(&entry->node);
	vfr_nr_rules--;
err_unlock:
	mutex_unlock(&vfr_lock);
	kfree(entry);
	return ret;
}

static bool vfr_rule_has_id(const struct vfr_rule_entry *entry,
			    const void *arg)
{
	return entry->id == *(const u32 *)arg;
}

int vfr_ruleset_del(u32 id)
{
	const struct vfr_rule_entry *entry;
	int ret = -ENOENT;

	mutex_lock(&vfr_lock);
	entry = vfr_ruleset_find_from(id);
	if (entry && entry->id == id)
		ret = vfr_remove_and_publish(vfr_rule_has_id, &id);
	mutex_unlock(&vfr_lock);
	return ret;
}

static bool vfr_rule_any(const struct vfr_rule_entry *entry, const void *arg)
{
	return true;
}

int vfr_ruleset_flush(void)
{
	int ret;

	mutex_lock(&vfr_lock);
	ret = vfr_remove_and_publish(vfr_rule_any, NULL);
	mutex_unlock(&vfr_lock);
	return ret;
}

struct vfr_vif_dir {
	u32 vif;
	u8 direction;
};

/* Whether the rule matches only frames that cross @arg's vif its way. */
static bool vfr_rule_of_vif(const struct vfr_rule_entry *entry,
			    const void *arg)
{
	const struct vfr_vif_dir *vd = arg;
	const struct vfr_match *m = &entry->rule.match;

	if (entry->rule.direction != vd->direction)
		return false;
	if (vd->direction == VFR_DIR_INGRESS)
		return (m->fields & VFR_MATCH_IN_VIF) && m->in_vif == vd->vif;
	return (m->fields & VFR_MATCH_OUT_VIF) && m->out_vif == vd->vif;
}

int vfr_ruleset_flush_vif(u32 vif, u8 direction)
{
	struct vfr_vif_dir vd = { .vif = vif, .direction = direction };
	int ret;

	mutex_lock(&vfr_lock);
	ret = vfr_remove_and_publish(vfr_rule_of_vif, &vd);
	mutex_unlock(&vfr_lock);
	return ret;
}

static struct vfr_policy_entry *vfr_find_policy(u32 vif, u8 direction)
{
	struct vfr_policy_entry *pe;

	list_for_each_entry(pe, &vfr_policies, node)
		if (pe->policy.vif == vif && pe->policy.direction == direction)
			return pe;
	return NULL;
}

static int vfr_change_policy(struct vfr_policy_entry *pe, u8 action)
{
	u8 old = pe->policy.action;
	int ret;

	pe->policy.action = action;
	ret = vfr_publish(NULL, NULL);
	if (ret)
		pe->policy.action = old;
	return ret;
}

static int vfr_add_policy(u32 vif, u8 direction, u8 action)
{
	struct vfr_policy_entry *pe;
	int ret;

	pe = kzalloc(sizeof(*pe), GFP_KERNEL);
	if (!pe)
		return -ENOMEM;
	pe->policy.vif = vif;
	pe->policy.direction = direction;
	pe->policy.action = action;
	list_add_tail(&pe->node, &vfr_policies);
	ret = vfr_publish(NULL, NULL);
	if (ret) {
		list_del(&pe->node);
		kfree(pe);
	}
	return ret;
}

int vfr_ruleset_set_policy(u32 vif, u8 direction, u8 action)
{
	struct vfr_policy_entry *pe;
	int ret;

	mutex_lock(&vfr_lock);
	pe = vfr_find_policy(vif, direction);
	if (pe)
		ret = vfr_change_policy(pe, action);
	else
		ret = vfr_add_policy(vif, direction, action);
	mutex_unlock(&vfr_lock);
	return ret;
}

/*
 * Attaching is only the admin's word that a vif belongs to the VFR: the vif
 * need not exist yet, and netback asks vfr_ruleset_attached() per frame.
 */
int vfr_ruleset_attach(u32 vif)
{
	int ret = xa_insert(&vfr_attached, vif, xa_mk_value(vif), GFP_KERNEL);

	return ret == -EBUSY ? -EEXIST : ret;
}

int vfr_ruleset_detach(u32 vif)
{
	return xa_erase(&vfr_attached, vif) ? 0 : -ENOENT;
}

/* For the data path, under rcu_read_lock(). */
bool vfr_ruleset_attached(u32 vif)
{
	return xa_load(&vfr_attached, vif) != NULL;
}

/* The table frames are classified against, under rcu_read_lock(), or NULL. */
const struct vfr_table *vfr_ruleset_table(void)
{
	struct vfr_published *pub = rcu_dereference(vfr_current);

	return pub ? pub->table : NULL;
}

void vfr_ruleset_lock(void)
{
	mutex_lock(&vfr_lock);
}

void vfr_ruleset_unlock(void)
{
	mutex_unlock(&vfr_lock);
}

u32 vfr_ruleset_generation(void)
{
	lockdep_assert_held(&vfr_lock);
	return vfr_generation;
}

/* The rule with the lowest id not below @id, or NULL. */
const struct vfr_rule_entry *vfr_ruleset_find_from(u32 id)
{
	const struct vfr_rule_entry *entry;

	lockdep_assert_held(&vfr_lock);
	list_for_each_entry(entry, &vfr_rules, node)
		if (entry->id >= id)
			return entry;
	return NULL;
}

/* The rule after @entry in id order, or NULL. */
const struct vfr_rule_entry *
vfr_ruleset_next(const struct vfr_rule_entry *entry)
{
	lockdep_assert_held(&vfr_lock);
	if (list_is_last(&entry->node, &vfr_rules))
		return NULL;
	return list_next_entry(entry, node);
}

/* On module unload, once no command can run any more. */
void vfr_ruleset_destroy(void)
{
	struct vfr_policy_entry *pe, *next_pe;
	struct vfr_rule_entry *entry, *next;
	struct vfr_published *pub;

	pub = rcu_replace_pointer(vfr_current, NULL, true);
	synchronize_rcu();
	if (pub)
		vfr_table_free(pub->table);
	kfree(pub);
	list_for_each_entry_safe(entry, next, &vfr_rules, node)
		kfree(entry);
	list_for_each_entry_safe(pe, next_pe, &vfr_policies, node)
		kfree(pe);
	xa_destroy(&vfr_attached);
	/* Older tables wait in call_rcu() for vfr_published_free(). */
	rcu_barrier();
}
