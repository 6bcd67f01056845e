// SPDX-License-Identifier: GPL-2.0
/* vfrctl del and flush: removing rules. */
#include <string.h>
#include "vfrctl.h"

int cmd_del(int argc, char **argv)
{
	struct vfr_msg m;
	uint32_t id;

	if (argc != 1)
		return vfr_usage_error("del takes one rule id"), 2;
	if (vfr_parse_u32(argv[0], UINT32_MAX, "rule id", &id))
		return 2;
	vfr_msg_init(&m, VFR_CMD_RULE_DEL, 0);
	vfr_put_u32(&m, VFR_A_RULE_ID, id);
	return vfr_simple_request(&m, "del");
}

int cmd_flush(int argc, char **argv)
{
	struct vfr_msg m;
	uint32_t vif;
	uint8_t dir;

	vfr_msg_init(&m, VFR_CMD_FLUSH, 0);
	if (argc == 0)
		return vfr_simple_request(&m, "flush");
	if (argc != 4 || strcmp(argv[0], "vif") || strcmp(argv[2], "dir"))
		return vfr_usage_error("flush takes nothing or vif VIF dir in|out"), 2;
	if (vfr_parse_vif(argv[1], "vif", &vif) ||
	    vfr_parse_direction(argv[3], &dir))
		return 2;
	vfr_put_u32(&m, VFR_A_VIF, vif);
	vfr_put_u8(&m, VFR_A_DIRECTION, dir);
	return vfr_simple_request(&m, "flush");
}
