// SPDX-License-Identifier: GPL-2.0
/*
 * The VFR classifier: compiles rules into an immutable table and finds a
 * frame's verdict in it at a cost that does not grow with the number of
 * rules.
 *
 * Tuple-space search.  A rule matches the key words its fields cover under
 * a mask: all of a vif, MAC bits, the prefix bits of an address, an exact
 * port, the layers the fields need.  Rules with the same mask form a tuple,
 * and within it rules with the same masked key form a group, found by one
 * hash lookup of the frame's key under the tuple's mask.  A port range that
 * is neither one port nor every port is not in the mask: it is checked on
 * the group's rules, which the lookup found.  So a frame costs one lookup
 * per tuple, that is per distinct shape of rule - tens, however many rules
 * there are - plus, in each group hit, the rules whose ranges it checks.
 * The worst cases are rule sets of many shapes (every prefix length of both
 * addresses) and many rules of one shape and key told apart only by their
 * port ranges.  Frames cannot make lookups longer: probe sequences depend on
 * the table, which the administrator's rules make, not on the frame.
 *
 * Order.  Rules rank by priority, then by the order they were added; a rank
 * is the two in one u64, so every rule has its own.  A group keeps its rules
 * best rank first and a tuple knows its best rank; each direction keeps its
 * tuples best first, the deciding ones (ACCEPT, DROP, REDIRECT) apart from
 * the COUNT ones.  The first pass finds the best deciding rule that matches
 * and stops at the first tuple whose best rank is not better than the rule
 * found so far.  The second pass counts the frame on every COUNT rule that
 * matches and ranks before the deciding rule, stopping the same way, and
 * then on the deciding rule.  With no deciding match, the vif's default
 * policy decides, and every matching COUNT rule counts.
 *
 * The table is one allocation, never written after vfr_table_build(), so any
 * number of readers may classify against it without a lock.
 */
#include "vfr/vfr.h"

#define KEY_WORDS	(sizeof(struct vfr_key) / sizeof(u64))
#define RANK_NONE	(~0ULL)
#define SLOTS_SHIFT	1	/* hash slots: at least twice the groups */

/* The COUNT rules' tuples, and the other ones', in separate lists. */
enum tuple_kind {
	TUPLE_DECIDES,
	TUPLE_COUNTS,
	__TUPLE_KINDS
};

/* The fields a lookup reads first come first: one cache line for a miss. */
struct tuple {
	u64 best_rank;			/* of its rules */
	u64 seed;			/* of its hashes, unlike other tuples' */
	u32 layers;			/* that all its rules need */
	u8 nr_words;			/* of the key that the mask keeps */
	u8 words[KEY_WORDS];		/* their indexes */
	u64 mask[KEY_WORDS];
};

/* The rules of one tuple with one masked key. */
struct group {
	u64 key[KEY_WORDS];		/* masked by the tuple */
	u32 tuple;
	u32 first;			/* entry, the best ranked */
	u32 count;			/* entries, in rank order */
};

/* A rule as the classifier sees it. */
struct entry {
	u64 rank;			/* priority << 32 | order added */
	struct vfr_counters *counters;
	struct vfr_port_range sport;	/* 0-65535 when not matched on */
	struct vfr_port_range dport;
	u32 redirect_vif;
	u8 action;
};

struct slot {
	u32 hash;
	u32 group;			/* index + 1; 0 for a free slot */
};

/* A run of tuples in the table's array. */
struct tuple_list {
	u32 first;
	u32 count;
};

struct vfr_table {
	struct tuple_list lists[__VFR_DIR_COUNT][__TUPLE_KINDS];
	struct tuple *tuples;
	struct group *groups;
	struct entry *entries;
	struct slot *slots;
	struct vfr_policy *policies;	/* sorted by direction, then vif */
	u32 nr_tuples;
	u32 nr_groups;
	u32 nr_entries;
	u32 slot_mask;
	u32 nr_policies;
	u8 default_policy[__VFR_DIR_COUNT];
	size_t bytes;
};

/* The arrays of a table, in its one allocation, each 8-byte aligned. */
struct table_layout {
	size_t tuples, groups, entries, slots, policies, bytes;
};

/* One rule on its way into the table, as the build sorts them. */
struct build_item {
	u32 list;			/* tuple_list_id() */
	u32 rule;			/* index in the config */
	u64 tuple_rank;			/* the best rank in its tuple */
	u64 mask[KEY_WORDS];
	u64 key[KEY_WORDS];		/* masked */
	u64 rank;
};

static u32 tuple_list_id(u8 direction, enum tuple_kind kind)
{
	return direction * __TUPLE_KINDS + kind;
}

static u64 mix(u64 h)
{
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

/* Hashes @key under tuple @t. */
static u32 hash_key(const struct tuple *t, const u64 *key)
{
	u64 h = t->seed;
	unsigned int i;

	for (i = 0; i < t->nr_words; i++)
		h = mix(h ^ (key[t->words[i]] & t->mask[t->words[i]]));
	return (u32)(h ^ (h >> 32));
}

static bool group_has_key(const struct group *g, const struct tuple *t,
			  u32 tuple, const u64 *key)
{
	unsigned int i, w;

	if (g->tuple != tuple)
		return false;
	for (i = 0; i < t->nr_words; i++) {
		w = t->words[i];
		if ((key[w] & t->mask[w]) != g->key[w])
			return false;
	}
	return true;
}

static const struct group *lookup(const struct vfr_table *table, u32 tuple,
				  const u64 *key)
{
	const struct tuple *t = &table->tuples[tuple];
	u32 hash = hash_key(t, key);
	u32 i = hash & table->slot_mask;
	const struct group *g;
	const struct slot *s;

	/* Linear probing ends: at most half the slots are taken. */
	for (;; i = (i + 1) & table->slot_mask) {
		s = &table->slots[i];
		if (!s->group)
			return NULL;
		g = &table->groups[s->group - 1];
		if (s->hash == hash && group_has_key(g, t, tuple, key))
			return g;
	}
}

static bool port_in_range(const struct vfr_port_range *r, u16 port)
{
	return r->lo <= port && port <= r->hi;
}

static bool ports_match(const struct entry *e, const struct vfr_key *key)
{
	return port_in_range(&e->sport, key->sport) &&
	       port_in_range(&e->dport, key->dport);
}

/* The group of tuple @tuple that @key falls into, if any. */
static const struct group *tuple_hit(const struct vfr_table *table,
				     u32 tuple, const struct vfr_key *key,
				     const u64 *words)
{
	u32 layers = table->tuples[tuple].layers;

	/* Cheaper than a lookup, and rules out most tuples of the other IP. */
	if ((key->layers & layers) != layers)
		return NULL;
	return lookup(table, tuple, words);
}

/* The best rule of @list that matches @key. */
static const struct entry *find_decider(const struct vfr_table *table,
					const struct tuple_list *list,
					const struct vfr_key *key,
					const u64 *words)
{
	const struct entry *best = NULL, *e, *end;
	u64 limit = RANK_NONE;
	const struct group *g;
	u32 i;

	for (i = list->first; i < list->first + list->count; i++) {
		/* Tuples come best first: none after this one can win. */
		if (table->tuples[i].best_rank >= limit)
			break;
		g = tuple_hit(table, i, key, words);
		if (!g)
			continue;
		end = &table->entries[g->first + g->count];
		for (e = &table->entries[g->first]; e < end; e++) {
			if (e->rank >= limit)
				break;
			if (ports_match(e, key)) {
				best = e;
				limit = e->rank;
				break;
			}
		}
	}
	return best;
}

static void count_frame(const struct entry *e, u32 bytes)
{
	vfr_counter_add(&e->counters->packets, 1);
	vfr_counter_add(&e->counters->bytes, bytes);
}

/* Counts the frame on the rules of @list that match and rank before @limit. */
static void count_matches(const struct vfr_table *table,
			  const struct tuple_list *list,
			  const struct vfr_key *key, const u64 *words,
			  u64 limit, u32 bytes)
{
	const struct entry *e, *end;
	const struct group *g;
	u32 i;

	for (i = list->first; i < list->first + list->count; i++) {
		if (table->tuples[i].best_rank >= limit)
			break;
		g = tuple_hit(table, i, key, words);
		if (!g)
			continue;
		end = &table->entries[g->first + g->count];
		for (e = &table->entries[g->first]; e < end && e->rank < limit;
		     e++)
			if (ports_match(e, key))
				count_frame(e, bytes);
	}
}

static u8 policy_of(const struct vfr_table *table, u8 direction, u32 vif)
{
	const struct vfr_policy *p;
	u32 lo = 0, hi = table->nr_policies, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		p = &table->policies[mid];
		if (p->direction == direction && p->vif == vif)
			return p->action;
		if (p->direction < direction ||
		    (p->direction == direction && p->vif < vif))
			lo = mid + 1;
		else
			hi = mid;
	}
	return table->default_policy[direction];
}

/**
 * vfr_classify - decide a frame's fate and count it on the rules it matches
 * @table: the table, which may be classified against concurrently
 * @direction: VFR_DIR_INGRESS or VFR_DIR_EGRESS
 * @key: the frame's key, from vfr_key_parse()
 * @bytes: the frame's length, for the byte counters
 *
 * Return: the verdict: ACCEPT, DROP, or REDIRECT to a vif.
 */
struct vfr_verdict vfr_classify(const struct vfr_table *table, u8 direction,
				const struct vfr_key *key, u32 bytes)
{
	const struct tuple_list *lists = table->lists[direction];
	struct vfr_verdict verdict = { .vif = VFR_VIF_NONE };
	const struct entry *decider;
	u64 words[KEY_WORDS];

	memcpy(words, key, sizeof(words));
	decider = find_decider(table, &lists[TUPLE_DECIDES], key, words);
	count_matches(table, &lists[TUPLE_COUNTS], key, words,
		      decider ? decider->rank : RANK_NONE, bytes);
	if (!decider) {
		verdict.action = policy_of(table, direction,
					   direction == VFR_DIR_INGRESS ?
					   key->in_vif : key->out_vif);
		return verdict;
	}
	count_frame(decider, bytes);
	verdict.action = decider->action;
	verdict.vif = decider->redirect_vif;
	return verdict;
}

static void mask_mac(u8 *mask, u8 *key, const u8 *rule_mask, const u8 *mac)
{
	unsigned int i;

	for (i = 0; i < VFR_MAC_LEN; i++) {
		mask[i] = rule_mask[i];
		key[i] = mac[i] & rule_mask[i];
	}
}

static void mask_prefix(u32 *mask, u32 *key, const struct vfr_prefix *p)
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		mask[i] = vfr_prefix_mask(p->len, i);
		key[i] = p->addr[i] & mask[i];
	}
}

/*
 * A single port joins the mask.  Any other range stays out of it and is
 * checked on the group's entries, 0-65535 trivially.
 */
static void mask_port(u16 *mask, u16 *key, const struct vfr_port_range *r)
{
	if (r->lo == r->hi) {
		*mask = 0xffff;
		*key = r->lo;
	}
}

static void mask_l3_l4(struct vfr_key *mask, struct vfr_key *key,
		       const struct vfr_match *m)
{
	if (m->fields & (VFR_MATCH_SRC_IPV4 | VFR_MATCH_SRC_IPV6))
		mask_prefix(mask->src_ip, key->src_ip, &m->src_ip);
	if (m->fields & (VFR_MATCH_DST_IPV4 | VFR_MATCH_DST_IPV6))
		mask_prefix(mask->dst_ip, key->dst_ip, &m->dst_ip);
	if (m->fields & VFR_MATCH_IP_PROTO) {
		mask->ip_proto = 0xff;
		key->ip_proto = m->ip_proto;
	}
	if (m->fields & VFR_MATCH_SPORT)
		mask_port(&mask->sport, &key->sport, &m->sport);
	if (m->fields & VFR_MATCH_DPORT)
		mask_port(&mask->dport, &key->dport, &m->dport);
	if (m->fields & VFR_MATCH_ICMP_TYPE) {
		mask->icmp_type = 0xff;
		key->icmp_type = m->icmp_type;
	}
}

/* The layers of a frame that @m's fields read. */
static u32 layers_needed(const struct vfr_match *m)
{
	static const struct {
		u32 fields;
		u32 layers;
	} needs[] = {
		{ VFR_MATCH_SRC_MAC | VFR_MATCH_DST_MAC, VFR_KEY_MACS },
		{ VFR_MATCH_ETHERTYPE, VFR_KEY_ETHERTYPE },
		{ VFR_MATCH_SRC_IPV4 | VFR_MATCH_DST_IPV4, VFR_KEY_IPV4 },
		{ VFR_MATCH_SRC_IPV6 | VFR_MATCH_DST_IPV6, VFR_KEY_IPV6 },
		{ VFR_MATCH_IP_PROTO, VFR_KEY_PROTO },
		{ VFR_MATCH_SPORT | VFR_MATCH_DPORT, VFR_KEY_PORTS },
		{ VFR_MATCH_ICMP_TYPE, VFR_KEY_ICMP },
	};
	u32 layers = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(needs); i++)
		if (m->fields & needs[i].fields)
			layers |= needs[i].layers;
	return layers;
}

/* The mask of @m's shape, and the key a frame has under it to match. */
static void mask_rule(const struct vfr_match *m, u64 *mask_words,
		      u64 *key_words)
{
	struct vfr_key mask = { 0 }, key = { 0 };

	if (m->fields & VFR_MATCH_IN_VIF) {
		mask.in_vif = ~0U;
		key.in_vif = m->in_vif;
	}
	if (m->fields & VFR_MATCH_OUT_VIF) {
		mask.out_vif = ~0U;
		key.out_vif = m->out_vif;
	}
	if (m->fields & VFR_MATCH_SRC_MAC)
		mask_mac(mask.src_mac, key.src_mac, m->src_mac_mask,
			 m->src_mac);
	if (m->fields & VFR_MATCH_DST_MAC)
		mask_mac(mask.dst_mac, key.dst_mac, m->dst_mac_mask,
			 m->dst_mac);
	if (m->fields & VFR_MATCH_ETHERTYPE) {
		mask.ethertype = 0xffff;
		key.ethertype = m->ethertype;
	}
	mask_l3_l4(&mask, &key, m);
	mask.layers = layers_needed(m);
	key.layers = mask.layers;
	memcpy(mask_words, &mask, sizeof(mask));
	memcpy(key_words, &key, sizeof(key));
}

static void fill_item(struct build_item *item, const struct vfr_rule_ref *ref,
		      u32 index)
{
	const struct vfr_rule *rule = ref->rule;

	item->list = tuple_list_id(rule->direction,
				   rule->action == VFR_ACT_COUNT ?
				   TUPLE_COUNTS : TUPLE_DECIDES);
	item->rule = index;
	item->rank = (u64)rule->priority << 32 | index;
	mask_rule(&rule->match, item->mask, item->key);
}

static int cmp_u64(u64 a, u64 b)
{
	return a < b ? -1 : a > b;
}

/*
 * Lists, then tuples best first, then groups, then rules in rank order.  In
 * a list, no two tuples have the same best rank: ranks are unique.
 */
static int cmp_items(const void *a, const void *b)
{
	const struct build_item *x = a, *y = b;
	int c;

	c = cmp_u64(x->list, y->list);
	if (!c)
		c = cmp_u64(x->tuple_rank, y->tuple_rank);
	if (!c)
		c = memcmp(x->mask, y->mask, sizeof(x->mask));
	if (!c)
		c = memcmp(x->key, y->key, sizeof(x->key));
	return c ? c : cmp_u64(x->rank, y->rank);
}

static bool same_tuple(const struct build_item *a, const struct build_item *b)
{
	return a->list == b->list && !memcmp(a->mask, b->mask, sizeof(a->mask));
}

static bool same_group(const struct build_item *a, const struct build_item *b)
{
	return same_tuple(a, b) && !memcmp(a->key, b->key, sizeof(a->key));
}

/* Gives each item the best rank of its tuple, whose items are together. */
static void rank_tuples(struct build_item *items, u32 n)
{
	u32 first, end, i;
	u64 best;

	for (first = 0; first < n; first = end) {
		best = items[first].rank;
		for (end = first + 1;
		     end < n && same_tuple(&items[first], &items[end]); end++)
			if (items[end].rank < best)
				best = items[end].rank;
		for (i = first; i < end; i++)
			items[i].tuple_rank = best;
	}
}

/*
 * Sorts @items into tuples best first: once to bring each tuple's rules
 * together and find its best rank, again to order the tuples by it.
 */
static void sort_items(struct build_item *items, u32 n)
{
	vfr_sort(items, n, sizeof(*items), cmp_items);
	rank_tuples(items, n);
	vfr_sort(items, n, sizeof(*items), cmp_items);
}

static void count_shapes(const struct build_item *items, u32 n,
			 u32 *nr_tuples, u32 *nr_groups)
{
	u32 i;

	*nr_tuples = n ? 1 : 0;
	*nr_groups = *nr_tuples;
	for (i = 1; i < n; i++) {
		*nr_tuples += !same_tuple(&items[i - 1], &items[i]);
		*nr_groups += !same_group(&items[i - 1], &items[i]);
	}
}

static u32 slots_for(u32 nr_groups)
{
	u32 slots = 1;

	while (slots < nr_groups << SLOTS_SHIFT)
		slots <<= 1;
	return slots;
}

/* Sizes never overflow: every count is bounded by VFR_MAX_RULES or so. */
static size_t carve(size_t *offset, size_t n, size_t size)
{
	size_t at = (*offset + 7) & ~(size_t)7;

	*offset = at + n * size;
	return at;
}

static void plan_layout(struct table_layout *l, u32 nr_tuples, u32 nr_groups,
			u32 nr_entries, u32 nr_slots, u32 nr_policies)
{
	size_t offset = sizeof(struct vfr_table);

	l->tuples = carve(&offset, nr_tuples, sizeof(struct tuple));
	l->groups = carve(&offset, nr_groups, sizeof(struct group));
	l->entries = carve(&offset, nr_entries, sizeof(struct entry));
	l->slots = carve(&offset, nr_slots, sizeof(struct slot));
	l->policies = carve(&offset, nr_policies, sizeof(struct vfr_policy));
	l->bytes = offset;
}

static struct vfr_table *alloc_table(u32 nr_tuples, u32 nr_groups,
				     u32 nr_entries, u32 nr_policies)
{
	u32 nr_slots = slots_for(nr_groups);
	struct table_layout l;
	struct vfr_table *table;
	u8 *base;

	plan_layout(&l, nr_tuples, nr_groups, nr_entries, nr_slots,
		    nr_policies);
	base = vfr_alloc_array(1, l.bytes);
	if (!base)
		return NULL;
	table = (struct vfr_table *)base;
	table->tuples = (struct tuple *)(base + l.tuples);
	table->groups = (struct group *)(base + l.groups);
	table->entries = (struct entry *)(base + l.entries);
	table->slots = (struct slot *)(base + l.slots);
	table->policies = (struct vfr_policy *)(base + l.policies);
	table->slot_mask = nr_slots - 1;
	table->bytes = l.bytes;
	return table;
}

static void start_tuple(struct vfr_table *table, const struct build_item *item)
{
	struct tuple *t = &table->tuples[table->nr_tuples++];
	struct tuple_list *list = &table->lists[item->list / __TUPLE_KINDS]
					       [item->list % __TUPLE_KINDS];
	struct vfr_key mask;
	unsigned int w;

	if (!list->count)
		list->first = table->nr_tuples - 1;
	list->count++;
	memcpy(t->mask, item->mask, sizeof(t->mask));
	memcpy(&mask, item->mask, sizeof(mask));
	t->layers = mask.layers;
	t->best_rank = item->tuple_rank;
	/* Tuples' keys often coincide: all zero, say, outside their masks. */
	t->seed = mix(table->nr_tuples);
	for (w = 0; w < KEY_WORDS; w++)
		if (t->mask[w])
			t->words[t->nr_words++] = w;
}

static void insert_group(struct vfr_table *table, struct group *g)
{
	u32 tuple = g->tuple;
	u32 hash = hash_key(&table->tuples[tuple], g->key);
	u32 i = hash & table->slot_mask;

	while (table->slots[i].group)
		i = (i + 1) & table->slot_mask;
	table->slots[i].hash = hash;
	table->slots[i].group = (u32)(g - table->groups) + 1;
}

static void add_entry(struct vfr_table *table, const struct build_item *item,
		      const struct vfr_table_config *config)
{
	const struct vfr_rule_ref *ref = &config->rules[item->rule];
	const struct vfr_match *m = &ref->rule->match;
	struct entry *e = &table->entries[table->nr_entries++];

	e->rank = item->rank;
	e->counters = ref->counters;
	e->sport.hi = 0xffff;
	e->dport.hi = 0xffff;
	if (m->fields & VFR_MATCH_SPORT)
		e->sport = m->sport;
	if (m->fields & VFR_MATCH_DPORT)
		e->dport = m->dport;
	e->redirect_vif = ref->rule->redirect_vif;
	e->action = ref->rule->action;
}

/* Fills tuples, groups, entries and slots from the sorted @items. */
static void fill_rules(struct vfr_table *table, const struct build_item *items,
		       u32 n, const struct vfr_table_config *config)
{
	struct group *g = NULL;
	u32 i;

	for (i = 0; i < n; i++) {
		if (!i || !same_tuple(&items[i - 1], &items[i]))
			start_tuple(table, &items[i]);
		if (!i || !same_group(&items[i - 1], &items[i])) {
			g = &table->groups[table->nr_groups++];
			memcpy(g->key, items[i].key, sizeof(g->key));
			g->tuple = table->nr_tuples - 1;
			g->first = table->nr_entries;
			insert_group(table, g);
		}
		add_entry(table, &items[i], config);
		g->count++;
	}
}

static int cmp_policies(const void *a, const void *b)
{
	const struct vfr_policy *x = a, *y = b;

	if (x->direction != y->direction)
		return x->direction < y->direction ? -1 : 1;
	return cmp_u64(x->vif, y->vif);
}

static bool is_policy(u8 action)
{
	return action == VFR_ACT_ACCEPT || action == VFR_ACT_DROP;
}

/* Copies the policies, sorted for policy_of(); -EINVAL for a duplicate. */
static int fill_policies(struct vfr_table *table,
			 const struct vfr_table_config *config)
{
	struct vfr_policy *p = table->policies;
	u32 n = config->nr_policies, i;

	for (i = 0; i < __VFR_DIR_COUNT; i++)
		table->default_policy[i] = config->default_policy[i];
	if (!n)
		return 0;	/* config->policies may be NULL */
	memcpy(p, config->policies, n * sizeof(*p));
	vfr_sort(p, n, sizeof(*p), cmp_policies);
	for (i = 1; i < n; i++)
		if (!cmp_policies(&p[i - 1], &p[i]))
			return -EINVAL;
	table->nr_policies = n;
	return 0;
}

static int check_config(const struct vfr_table_config *config)
{
	struct vfr_error err;
	unsigned int i;

	if (config->nr_rules > VFR_MAX_RULES ||
	    config->nr_policies > VFR_MAX_POLICIES)
		return -E2BIG;
	for (i = 0; i < __VFR_DIR_COUNT; i++)
		if (!is_policy(config->default_policy[i]))
			return -EINVAL;
	for (i = 0; i < config->nr_policies; i++)
		if (config->policies[i].direction >= __VFR_DIR_COUNT ||
		    !is_policy(config->policies[i].action))
			return -EINVAL;
	for (i = 0; i < config->nr_rules; i++)
		if (!config->rules[i].counters ||
		    vfr_rule_validate(config->rules[i].rule, &err))
			return -EINVAL;
	return 0;
}

static int build_items(const struct vfr_table_config *config,
		       struct build_item **items)
{
	u32 i;

	/* One item at least: calloc(0) may give NULL. */
	*items = vfr_alloc_array(config->nr_rules ? config->nr_rules : 1,
				 sizeof(**items));
	if (!*items)
		return -ENOMEM;
	for (i = 0; i < config->nr_rules; i++)
		fill_item(&(*items)[i], &config->rules[i], i);
	sort_items(*items, config->nr_rules);
	return 0;
}

/**
 * vfr_table_build - compile rules and default policies into a new table
 * @config: the rules, each valid (vfr_rule_validate()) and with counters,
 *	and the policies, ACCEPT or DROP, at most one per vif and direction
 * @table: the new table, for vfr_classify() and then vfr_table_free()
 *
 * Sleeps; copies what it needs of @config but the counters.
 *
 * Return: 0, -EINVAL for a config that breaks the rules above, -E2BIG for
 * more than VFR_MAX_RULES rules or VFR_MAX_POLICIES policies, or -ENOMEM.
 */
int vfr_table_build(const struct vfr_table_config *config,
		    struct vfr_table **table)
{
	u32 n = config->nr_rules, nr_tuples, nr_groups;
	struct build_item *items;
	struct vfr_table *t;
	int ret;

	ret = check_config(config);
	if (ret)
		return ret;
	ret = build_items(config, &items);
	if (ret)
		return ret;
	count_shapes(items, n, &nr_tuples, &nr_groups);
	t = alloc_table(nr_tuples, nr_groups, n, config->nr_policies);
	if (!t) {
		ret = -ENOMEM;
		goto err_free_items;
	}
	ret = fill_policies(t, config);
	if (ret)
		goto err_free_table;
	fill_rules(t, items, n, config);
	vfr_free(items);
	*table = t;
	return 0;

err_free_table:
	vfr_free(t);
err_free_items:
	vfr_free(items);
	return ret;
}

/* Frees @table, or nothing if NULL, once no reader can be using it. */
void vfr_table_free(struct vfr_table *table)
{
	vfr_free(table);
}

/* What @table is made of; it says nothing of the frames it classified. */
void vfr_table_stats(const struct vfr_table *table,
		     struct vfr_table_stats *stats)
{
	stats->rules = table->nr_entries;
	stats->tuples = table->nr_tuples;
	stats->groups = table->nr_groups;
	stats->bytes = table->bytes;
}
