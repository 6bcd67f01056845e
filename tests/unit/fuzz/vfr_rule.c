// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: vfr_rule_parse() on arbitrary bytes, as a hostile or buggy
 * tool could send them.  Beyond not crashing (ASan, UBSan), every answer
 * must be right:
 *  - a refused rule comes with -EINVAL or -ERANGE, a message, and an offset
 *    that is either none or inside the buffer;
 *  - an accepted rule is valid, reads back unchanged once written out as
 *    attributes again, builds into a table, and that table sends a frame
 *    that the rule matches where the rule says.
 */
#include "vfr/vfr.h"
#include "fuzz.h"
#include "vfr_attrs.h"
#include "vfr_reference.h"

static void check_refusal(int ret, const struct vfr_error *err, size_t size)
{
	FUZZ_CHECK(ret == -EINVAL || ret == -ERANGE);
	FUZZ_CHECK(memchr(err->msg, '\0', sizeof(err->msg)));
	FUZZ_CHECK(err->msg[0]);
	FUZZ_CHECK(err->offset == VFR_ERR_NO_OFFSET || err->offset < size);
}

static void check_reads_back(const struct vfr_rule *rule)
{
	struct vfr_rule again;
	struct vfr_error err;
	struct nlbuf buf;

	vfr_encode_rule(&buf, rule);
	FUZZ_CHECK(!vfr_rule_parse(buf.data, buf.len, &again, &err));
	FUZZ_CHECK(vfr_rules_equal(rule, &again));
}

/* In a table of its own, the rule decides the frames it matches. */
static void check_classifies(const struct vfr_rule *rule)
{
	struct vfr_counters counters = { 0 };
	struct vfr_rule_ref ref = { rule, &counters };
	struct vfr_table_config config = {
		.rules = &ref,
		.nr_rules = 1,
		.default_policy = { VFR_ACT_DROP, VFR_ACT_DROP },
	};
	struct vfr_table *table;
	struct vfr_verdict v;
	struct vfr_key key = { .layers = 0 };

	FUZZ_CHECK(!vfr_table_build(&config, &table));
	ref_make_match(rule, &key);
	v = vfr_classify(table, rule->direction, &key, 100);
	if (rule->action == VFR_ACT_COUNT) {
		FUZZ_CHECK(v.action == VFR_ACT_DROP);
	} else {
		FUZZ_CHECK(v.action == rule->action);
		FUZZ_CHECK(v.vif == rule->redirect_vif);
	}
	FUZZ_CHECK(counters.packets == 1 && counters.bytes == 100);
	vfr_table_free(table);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfr_rule rule;
	struct vfr_error err;
	int ret;

	ret = vfr_rule_parse(data, size, &rule, &err);
	if (ret) {
		check_refusal(ret, &err, size);
		return 0;
	}
	FUZZ_CHECK(!vfr_rule_validate(&rule, &err));
	check_reads_back(&rule);
	check_classifies(&rule);
	return 0;
}
