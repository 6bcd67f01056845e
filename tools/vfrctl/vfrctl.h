/* SPDX-License-Identifier: GPL-2.0 */
/* vfrctl: configure splitio's virtual firewall-router over generic netlink. */
#ifndef VFRCTL_H
#define VFRCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include "splitio_vfr.h"

/* One request; a rule with every attribute is well under 1 KiB. */
struct vfr_msg {
	size_t len;
	union {
		struct nlmsghdr nlh;
		char buf[4096];
	};
};

struct vfr_nl {
	int fd;
	uint16_t family;
	uint32_t seq;
	bool dump_intr;			/* a part of the last dump had it */
	char ext_msg[256];		/* the last error's extended ack */
};

/* Called for each of the family's messages a request is answered with. */
typedef int (*vfr_msg_cb)(const struct nlmsghdr *nlh, void *arg);

void vfr_msg_init(struct vfr_msg *m, uint8_t cmd, uint16_t flags);
void vfr_put(struct vfr_msg *m, uint16_t type, const void *data, size_t len);
void vfr_put_u8(struct vfr_msg *m, uint16_t type, uint8_t v);
void vfr_put_u32(struct vfr_msg *m, uint16_t type, uint32_t v);
void vfr_put_be16(struct vfr_msg *m, uint16_t type, uint16_t host);
size_t vfr_nest_start(struct vfr_msg *m, uint16_t type);
void vfr_nest_end(struct vfr_msg *m, size_t start);

int vfr_parse_attrs(const void *data, size_t len,
		    const struct nlattr **tb, unsigned int max);
int vfr_parse_genl(const struct nlmsghdr *nlh,
		   const struct nlattr **tb, unsigned int max);

int vfr_nl_open(struct vfr_nl *nl);
int vfr_nl_talk(struct vfr_nl *nl, struct vfr_msg *m, vfr_msg_cb cb,
		void *arg);
void vfr_nl_close(struct vfr_nl *nl);
int vfr_report(const struct vfr_nl *nl, const char *what, int err,
	       const char *detail);
int vfr_simple_request(struct vfr_msg *m, const char *what);

/* Command-line helpers; each returns 0 or -1 after printing why. */
int vfr_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
int vfr_parse_vif(const char *arg, const char *what, uint32_t *vif);
int vfr_parse_u32(const char *arg, uint32_t max, const char *what,
		  uint32_t *out);
int vfr_parse_direction(const char *arg, uint8_t *dir);
int vfr_parse_policy(const char *arg, uint8_t *action);

const char *vfr_direction_name(uint8_t dir);
const char *vfr_action_name(uint8_t action);

int cmd_add(int argc, char **argv);
int cmd_del(int argc, char **argv);
int cmd_flush(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_attach(int argc, char **argv);
int cmd_detach(int argc, char **argv);

#endif /* VFRCTL_H */
