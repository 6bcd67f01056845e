// SPDX-License-Identifier: GPL-2.0
/* vfrctl policy, attach and detach: per-vif settings. */
#include <string.h>
#include "vfrctl.h"

int cmd_policy(int argc, char **argv)
{
	struct vfr_msg m;
	uint32_t vif;
	uint8_t dir, action;

	if (argc != 5 || strcmp(argv[0], "vif") || strcmp(argv[2], "dir"))
		return vfr_usage_error("policy takes vif VIF dir in|out accept|drop"), 2;
	if (vfr_parse_vif(argv[1], "vif", &vif) ||
	    vfr_parse_direction(argv[3], &dir) ||
	    vfr_parse_policy(argv[4], &action))
		return 2;
	vfr_msg_init(&m, VFR_CMD_POLICY_SET, 0);
	vfr_put_u32(&m, VFR_A_VIF, vif);
	vfr_put_u8(&m, VFR_A_DIRECTION, dir);
	vfr_put_u8(&m, VFR_A_POLICY, action);
	return vfr_simple_request(&m, "policy");
}

static int vif_request(uint8_t cmd, const char *what, int argc, char **argv)
{
	struct vfr_msg m;
	uint32_t vif;

	if (argc != 1)
		return vfr_usage_error("%s takes one vif id", what), 2;
	if (vfr_parse_vif(argv[0], "vif", &vif))
		return 2;
	vfr_msg_init(&m, cmd, 0);
	vfr_put_u32(&m, VFR_A_VIF, vif);
	return vfr_simple_request(&m, what);
}

int cmd_attach(int argc, char **argv)
{
	return vif_request(VFR_CMD_ATTACH, "attach", argc, argv);
}

int cmd_detach(int argc, char **argv)
{
	return vif_request(VFR_CMD_DETACH, "detach", argc, argv);
}
