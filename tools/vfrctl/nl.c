// SPDX-License-Identifier: GPL-2.0
/*
 * Talking to the kernel: a raw generic netlink socket, requests built
 * attribute by attribute, replies and extended acks parsed by hand, so that
 * vfrctl needs no library beyond libc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include "vfrctl.h"

/* Big enough for any part of a dump: the kernel fills at most 32 KiB. */
#define VFR_RECV_BYTES	65536

static void put_attr(struct vfr_msg *m, uint16_t type, const void *data,
		     size_t len)
{
	struct nlattr *nla = (struct nlattr *)(m->buf + m->len);

	/* Requests are small and fixed in shape: overflowing is a bug. */
	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->buf)) {
		fprintf(stderr, "vfrctl: request too large\n");
		_exit(1);
	}
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	memset((char *)nla + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
	m->nlh.nlmsg_len = m->len;
}

static void msg_init(struct vfr_msg *m, uint16_t type, uint8_t cmd,
		     uint16_t flags)
{
	struct genlmsghdr *genl;

	memset(m, 0, sizeof(*m));
	m->nlh.nlmsg_type = type;
	m->nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	genl = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);
	genl->cmd = cmd;
	genl->version = VFR_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->nlh.nlmsg_len = m->len;
}

/* The family id is filled in by vfr_nl_talk(). */
void vfr_msg_init(struct vfr_msg *m, uint8_t cmd, uint16_t flags)
{
	msg_init(m, 0, cmd, flags);
}

void vfr_put(struct vfr_msg *m, uint16_t type, const void *data, size_t len)
{
	put_attr(m, type, data, len);
}

void vfr_put_u8(struct vfr_msg *m, uint16_t type, uint8_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

void vfr_put_u32(struct vfr_msg *m, uint16_t type, uint32_t v)
{
	put_attr(m, type, &v, sizeof(v));
}

void vfr_put_be16(struct vfr_msg *m, uint16_t type, uint16_t host)
{
	uint8_t be[2] = { host >> 8, host & 0xff };

	put_attr(m, type, be, sizeof(be));
}

size_t vfr_nest_start(struct vfr_msg *m, uint16_t type)
{
	size_t start = m->len;

	put_attr(m, type | NLA_F_NESTED, NULL, 0);
	return start;
}

void vfr_nest_end(struct vfr_msg *m, size_t start)
{
	struct nlattr *nla = (struct nlattr *)(m->buf + start);

	nla->nla_len = m->len - start;
}

/* Fills @tb[type] for each attribute up to @max; -1 if malformed. */
int vfr_parse_attrs(const void *data, size_t len,
		    const struct nlattr **tb, unsigned int max)
{
	const char *p = data;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *nla = (const struct nlattr *)p;
		uint16_t type = nla->nla_type & NLA_TYPE_MASK;
		size_t step = NLA_ALIGN(nla->nla_len);

		if (nla->nla_len < NLA_HDRLEN || nla->nla_len > len)
			return -1;
		if (type <= max)
			tb[type] = nla;
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

int vfr_parse_genl(const struct nlmsghdr *nlh,
		   const struct nlattr **tb, unsigned int max)
{
	size_t hdr = NLMSG_HDRLEN + GENL_HDRLEN;

	if (nlh->nlmsg_len < hdr)
		return -1;
	return vfr_parse_attrs((const char *)nlh + hdr, nlh->nlmsg_len - hdr,
			       tb, max);
}

/* Keeps the extended ack's message of an error or a dump's end. */
static void read_ext_ack(struct vfr_nl *nl, const struct nlmsghdr *nlh,
			 size_t skip)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	size_t off = NLMSG_ALIGN(NLMSG_HDRLEN + skip);
	const struct nlattr *msg;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len)
		return;
	if (vfr_parse_attrs((const char *)nlh + off, nlh->nlmsg_len - off,
			    tb, NLMSGERR_ATTR_MAX))
		return;
	msg = tb[NLMSGERR_ATTR_MSG];
	if (msg)
		snprintf(nl->ext_msg, sizeof(nl->ext_msg), "%.*s",
			 (int)(msg->nla_len - NLA_HDRLEN),
			 (const char *)msg + NLA_HDRLEN);
}

/* An ack or an error: 0, or a negative errno. */
static int read_error(struct vfr_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = NLMSG_DATA(nlh);
	size_t skip = sizeof(*err);

	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
		return -EBADMSG;
	/* Unless capped, the error quotes our whole request first. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		skip += err->msg.nlmsg_len - NLMSG_HDRLEN;
	read_ext_ack(nl, nlh, skip);
	return err->error;
}

static int read_done(struct vfr_nl *nl, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(err))
		memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	read_ext_ack(nl, nlh, sizeof(err));
	return err;
}

/*
 * One received datagram: 1 while more is to come, 0 when the request is
 * answered, or a negative errno.
 */
static int read_batch(struct vfr_nl *nl, const char *buf, int len,
		      vfr_msg_cb cb, void *arg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int ret;

	for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
		if (nlh->nlmsg_seq != nl->seq)
			continue;
		if (nlh->nlmsg_type == NLMSG_ERROR)
			return read_error(nl, nlh);
		if (nlh->nlmsg_type == NLMSG_DONE)
			return read_done(nl, nlh);
		if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
			nl->dump_intr = true;
		if (cb) {
			ret = cb(nlh, arg);
			if (ret < 0)
				return ret;
		}
	}
	return 1;
}

/*
 * Sends @m, asking for an ack, and hands every answer to @cb until the ack,
 * error or end of dump: 0 or a negative errno, with nl->ext_msg saying why.
 */
int vfr_nl_talk(struct vfr_nl *nl, struct vfr_msg *m, vfr_msg_cb cb,
		void *arg)
{
	static char buf[VFR_RECV_BYTES];
	ssize_t len;
	int ret;

	if (!m->nlh.nlmsg_type)
		m->nlh.nlmsg_type = nl->family;
	m->nlh.nlmsg_flags |= NLM_F_ACK;
	m->nlh.nlmsg_seq = ++nl->seq;
	nl->dump_intr = false;
	nl->ext_msg[0] = '\0';
	if (send(nl->fd, m->buf, m->len, 0) < 0)
		return -errno;
	do {
		len = recv(nl->fd, buf, sizeof(buf), 0);
		if (len < 0)
			return -errno;
		ret = read_batch(nl, buf, len, cb, arg);
	} while (ret > 0);
	return ret;
}

static int read_family_id(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	const struct nlattr *id;

	if (vfr_parse_genl(nlh, tb, CTRL_ATTR_MAX))
		return -EBADMSG;
	id = tb[CTRL_ATTR_FAMILY_ID];
	if (!id || id->nla_len != NLA_HDRLEN + sizeof(uint16_t))
		return -EBADMSG;
	memcpy(arg, (const char *)id + NLA_HDRLEN, sizeof(uint16_t));
	return 0;
}

/* Looking the family up also loads splitio_netback, by its module alias. */
static int resolve_family(struct vfr_nl *nl)
{
	struct vfr_msg m;
	int ret;

	msg_init(&m, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_attr(&m, CTRL_ATTR_FAMILY_NAME, VFR_GENL_NAME,
		 sizeof(VFR_GENL_NAME));
	ret = vfr_nl_talk(nl, &m, read_family_id, &nl->family);
	if (ret == -ENOENT)
		fprintf(stderr, "vfrctl: no generic netlink family %s: is splitio_netback loaded?\n",
			VFR_GENL_NAME);
	else if (ret)
		vfr_report(nl, "looking up " VFR_GENL_NAME, ret, NULL);
	return ret;
}

int vfr_nl_open(struct vfr_nl *nl)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int one = 1;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0) {
		perror("vfrctl: netlink socket");
		return -1;
	}
	/* Ask for the kernel's reasons; older kernels just lack them. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(nl->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("vfrctl: netlink bind");
		close(nl->fd);
		return -1;
	}
	if (resolve_family(nl)) {
		close(nl->fd);
		return -1;
	}
	return 0;
}

void vfr_nl_close(struct vfr_nl *nl)
{
	close(nl->fd);
}

/* Prints why @what failed, with @detail or else the extended ack: 1. */
int vfr_report(const struct vfr_nl *nl, const char *what, int err,
	       const char *detail)
{
	if (!detail && nl->ext_msg[0])
		detail = nl->ext_msg;
	fprintf(stderr, "vfrctl: %s: %s%s%s\n", what, strerror(-err),
		detail ? ": " : "", detail ? detail : "");
	return 1;
}

/* Sends a request that is answered with an ack only: an exit status. */
int vfr_simple_request(struct vfr_msg *m, const char *what)
{
	struct vfr_nl nl;
	int ret;

	if (vfr_nl_open(&nl))
		return 1;
	ret = vfr_nl_talk(&nl, m, NULL, NULL);
	if (ret)
		vfr_report(&nl, what, ret, NULL);
	vfr_nl_close(&nl);
	return ret ? 1 : 0;
}
