// SPDX-License-Identifier: GPL-2.0
/*
 * vfrctl: add, remove and list the rules of splitio's virtual
 * firewall-router, set its default policies and attach vifs to it, through
 * the splitio_vfr generic netlink family (vfr/uapi/splitio_vfr.h).
 */
#include <stdarg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vfrctl.h"

struct vfrctl_command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *args;
};

static const struct vfrctl_command commands[] = {
	{ "add", cmd_add,
	  "[priority N] [vif VIF] [dir in|out] [src-mac M] [dst-mac M]\n"
	  "\t\t[ethertype T] [src PREFIX] [dst PREFIX]\n"
	  "\t\t[proto tcp|udp|icmp|icmpv6|N] [sport A[-B]] [dport A[-B]]\n"
	  "\t\t[icmp-type T] action accept|drop|count|redirect VIF" },
	{ "del", cmd_del, "ID" },
	{ "list", cmd_list, "[-j]" },
	{ "flush", cmd_flush, "[vif VIF dir in|out]" },
	{ "stats", cmd_stats, "[-j]" },
	{ "policy", cmd_policy, "vif VIF dir in|out accept|drop" },
	{ "attach", cmd_attach, "VIF" },
	{ "detach", cmd_detach, "VIF" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "\tvfrctl %s %s\n", commands[i].name,
			commands[i].args);
	fprintf(out, "\tvfrctl -batch FILE|-   one command a line, '#' comments\n");
}

/* Bad command-line input: say why, show the usage, never ask the kernel. */
int vfr_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vfrctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return -1;
}

int vfr_parse_u32(const char *arg, uint32_t max, const char *what,
		  uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!arg)
		return vfr_usage_error("%s needs a value", what);
	if (*arg == '-' || *arg == '+' || *arg == '\0')
		return vfr_usage_error("bad %s \"%s\"", what, arg);
	v = strtoull(arg, &end, 0);
	if (*end || v > max)
		return vfr_usage_error("bad %s \"%s\" (0..%u)", what, arg,
				       max);
	*out = v;
	return 0;
}

/*
 * A vif is named as Dom0 names its interface, vif<domid>.<handle> (the
 * "vif" may be left out), or by its id, (domid << 16) | handle.
 */
int vfr_parse_vif(const char *arg, const char *what, uint32_t *vif)
{
	uint32_t domid, handle;
	char buf[32], *dot;

	if (arg && !strncmp(arg, "vif", 3))
		arg += 3;
	if (!arg || !strchr(arg, '.'))
		return vfr_parse_u32(arg, UINT32_MAX, what, vif);
	if (strlen(arg) >= sizeof(buf))
		return vfr_usage_error("bad %s \"%s\"", what, arg);
	strcpy(buf, arg);
	dot = strchr(buf, '.');
	*dot = '\0';
	if (vfr_parse_u32(buf, 0xffff, "domid", &domid) ||
	    vfr_parse_u32(dot + 1, 0xffff, "vif handle", &handle))
		return -1;
	*vif = domid << 16 | handle;
	return 0;
}

int vfr_parse_direction(const char *arg, uint8_t *dir)
{
	if (arg && !strcmp(arg, "in"))
		*dir = VFR_DIR_INGRESS;
	else if (arg && !strcmp(arg, "out"))
		*dir = VFR_DIR_EGRESS;
	else
		return vfr_usage_error("dir is in or out");
	return 0;
}

int vfr_parse_policy(const char *arg, uint8_t *action)
{
	if (arg && !strcmp(arg, "accept"))
		*action = VFR_ACT_ACCEPT;
	else if (arg && !strcmp(arg, "drop"))
		*action = VFR_ACT_DROP;
	else
		return vfr_usage_error("a policy is accept or drop");
	return 0;
}

const char *vfr_direction_name(uint8_t dir)
{
	return dir == VFR_DIR_INGRESS ? "in" : "out";
}

const char *vfr_action_name(uint8_t action)
{
	static const char *const names[] = {
		[VFR_ACT_ACCEPT] = "accept",
		[VFR_ACT_DROP] = "drop",
		[VFR_ACT_REDIRECT] = "redirect",
		[VFR_ACT_COUNT] = "count",
	};

	if (action > VFR_ACT_MAX || !names[action])
		return "unknown";
	return names[action];
}

/* @argv[0] is the command's name; returns its exit status. */
static int run_command(int argc, char **argv)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	return vfr_usage_error("unknown command \"%s\"", argv[0]), 2;
}

/*
 * Like `ip -batch`: many rules at the cost of one process, which matters
 * where starting a process is slow.  Stops at the first failing line.
 */
static int run_batch(const char *path)
{
	FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[1024], *args[64];
	unsigned int lineno = 0;
	int status = 0;

	if (!in) {
		fprintf(stderr, "vfrctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	while (!status && fgets(line, sizeof(line), in)) {
		int argc = 0;
		char *tok, *save;

		lineno++;
		line[strcspn(line, "#\n")] = '\0';
		for (tok = strtok_r(line, " \t", &save); tok && argc < 64;
		     tok = strtok_r(NULL, " \t", &save))
			args[argc++] = tok;
		if (tok) {
			fprintf(stderr, "vfrctl: %s:%u: too many words\n", path, lineno);
			status = 2;
		} else if (argc) {
			status = run_command(argc, args);
			if (status)
				fprintf(stderr, "vfrctl: %s:%u: failed\n", path, lineno);
		}
	}
	if (in != stdin)
		fclose(in);
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return vfr_usage_error("no command"), 2;
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "-batch")) {
		if (argc != 3)
			return vfr_usage_error("-batch takes one file"), 2;
		return run_batch(argv[2]);
	}
	return run_command(argc - 1, argv + 1);
}
