/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VFR's rules, default policies and attached vifs, and the classifier
 * table built from them.  Every change rebuilds the whole table and
 * publishes it with RCU, so a change either takes effect entirely or, when
 * the build fails, not at all.
 */
#ifndef SPLITIO_VFR_RULESET_H
#define SPLITIO_VFR_RULESET_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include "vfr/vfr.h"

struct vfr_rule_entry {
	struct list_head node;		/* in the rule set, by id */
	u32 id;
	struct vfr_rule rule;
	/* Tables refer to them: freed a grace period after the entry goes. */
	struct vfr_counters counters;
	struct rcu_head rcu;
};

int vfr_ruleset_add(const struct vfr_rule *rule, u32 *id);
int vfr_ruleset_del(u32 id);
int vfr_ruleset_flush(void);
int vfr_ruleset_flush_vif(u32 vif, u8 direction);
int vfr_ruleset_set_policy(u32 vif, u8 direction, u8 action);
int vfr_ruleset_attach(u32 vif);
int vfr_ruleset_detach(u32 vif);
void vfr_ruleset_destroy(void);

/* The data path's view, under rcu_read_lock(). */
bool vfr_ruleset_attached(u32 vif);
const struct vfr_table *vfr_ruleset_table(void);

/* Readers of the rules hold the rule set's lock around these. */
void vfr_ruleset_lock(void);
void vfr_ruleset_unlock(void);
u32 vfr_ruleset_generation(void);
const struct vfr_rule_entry *vfr_ruleset_find_from(u32 id);
const struct vfr_rule_entry *
vfr_ruleset_next(const struct vfr_rule_entry *entry);

#endif /* SPLITIO_VFR_RULESET_H */
