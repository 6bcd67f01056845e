// SPDX-License-Identifier: GPL-2.0
/*
 * netcheck: the lab's content checks for the network drivers.  busybox has
 * no tool that says whether what arrived is what was sent, so this one
 * sends data the receiver can check without a copy of it:
 *
 *   TCP: a stream of pseudo-random bytes fixed by a seed.  The receiver
 *   pipes what it gets into sha256sum; `netcheck gen` gives the checksum
 *   it must match, so nothing needs to hold the data.
 *
 *   UDP: numbered datagrams whose payload is fixed by the number.  The
 *   receiver counts each number once: intact, corrupt, duplicate or
 *   foreign; the numbers never seen are the losses, which the lab then
 *   compares with the drop counters of every layer.
 *
 *   netcheck gen SEED BYTES               the stream, to stdout
 *   netcheck serve PORT SEED BYTES        TCP: send the stream to one client
 *   netcheck send HOST PORT SEED BYTES    TCP: send the stream to a server
 *   netcheck sink PORT                    TCP: one client's bytes to stdout
 *   netcheck fetch HOST PORT              TCP: a server's bytes to stdout
 *                                         (TCP: HOST is IPv4 or IPv6; servers
 *                                         take either)
 *   netcheck udp-send HOST PORT COUNT SIZE PPS
 *   netcheck udp-recv PORT COUNT SIZE IDLE_MS  (ends when IDLE_MS pass
 *                                         without a datagram, after the first)
 *   netcheck udp-serve PORT               send what one request asks for
 *   netcheck udp-request HOST PORT COUNT SIZE PPS IDLE_MS
 *                                         ask udp-serve, then udp-recv
 *   netcheck signal HOST PORT / netcheck wait PORT TIMEOUT_S
 *
 *   Raw frames, for the firewall-router's tests:
 *   netcheck pkt-send IFACE SRC_MAC DST_MAC SRC_IP DST_IP PORT COUNT
 *                                         numbered UDP datagrams in frames
 *                                         with any addresses (spoofing)
 *   netcheck pkt-count IFACE STOP_PORT TIMEOUT_S
 *                                         counts, per UDP port, the distinct
 *                                         numbered datagrams IFACE receives,
 *                                         whatever their MAC, until one for
 *                                         STOP_PORT; "port=P frames=N" each
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNECT_TRIES	100	/* 10 s for the server to come up */
#define UDP_MAGIC	0x53504c49u	/* "SPLI" */
#define UDP_MAX		65507
#define UDP_FIRST_WAIT_MS	(600 * 1000)	/* for the sender to start */

static void die(const char *what)
{
	fprintf(stderr, "netcheck: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static unsigned long long number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		die("bad number");
	switch (*end) {
	case 'K': v <<= 10; break;
	case 'M': v <<= 20; break;
	case 'G': v <<= 30; break;
	case '\0': break;
	default: errno = EINVAL; die(s);
	}
	return v;
}

/* xorshift64*: fast, and every seed gives its own stream. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}

static void fill(uint64_t *state, unsigned char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i += 8) {
		uint64_t r = next_random(state);

		memcpy(buf + i, &r, len - i < 8 ? len - i : 8);
	}
}

static uint64_t seed_state(unsigned long long seed)
{
	return seed * 0x9e3779b97f4a7c15ull | 1;
}

static void write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write");
		buf += n;
		len -= n;
	}
}

static void send_stream(int fd, unsigned long long seed, unsigned long long bytes)
{
	static unsigned char buf[1 << 16];
	uint64_t state = seed_state(seed);

	while (bytes) {
		size_t len = bytes < sizeof(buf) ? bytes : sizeof(buf);

		fill(&state, buf, sizeof(buf));
		write_all(fd, buf, len);
		bytes -= len;
	}
}

static void copy_to_stdout(int fd)
{
	static unsigned char buf[1 << 16];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("read");
		write_all(1, buf, n);
	}
}

static struct sockaddr_in address(const char *host, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };

	sa.sin_port = htons(number(port));
	if (!host)
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		die("bad IPv4 address");
	return sa;
}

static int bound_socket(int type, const char *port)
{
	struct sockaddr_in sa = address(NULL, port);
	int one = 1;
	int fd = socket(AF_INET, type, 0);

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	return fd;
}

/* TCP listens on both families: an IPv4 peer comes as a mapped address. */
static int accept_one(const char *port)
{
	struct sockaddr_in6 sa = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(number(port)),
		.sin6_addr = IN6ADDR_ANY_INIT,
	};
	int one = 1, zero = 0;
	int lfd = socket(AF_INET6, SOCK_STREAM, 0);
	int fd;

	if (lfd < 0)
		die("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(lfd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)))
		die("bind");
	if (listen(lfd, 1))
		die("listen");
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		die("accept");
	close(lfd);
	return fd;
}

/* A TCP server's address: IPv6 if @host has a colon, else IPv4. */
static socklen_t tcp_address(const char *host, const char *port,
			     struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sa = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!strchr(host, ':')) {
		*sa = address(host, port);
		return sizeof(*sa);
	}
	sa6->sin6_family = AF_INET6;
	sa6->sin6_port = htons(number(port));
	if (inet_pton(AF_INET6, host, &sa6->sin6_addr) != 1)
		die("bad IPv6 address");
	return sizeof(*sa6);
}

/* The server may still be starting: retry a refused connection. */
static int connect_to(const char *host, const char *port)
{
	struct sockaddr_storage ss;
	socklen_t len = tcp_address(host, port, &ss);
	int tries;

	for (tries = 0; tries < CONNECT_TRIES; tries++) {
		int fd = socket(ss.ss_family, SOCK_STREAM, 0);

		if (fd < 0)
			die("socket");
		if (!connect(fd, (struct sockaddr *)&ss, len))
			return fd;
		close(fd);
		usleep(100 * 1000);
	}
	die("connect");
	return -1;
}

/* Half-close, then wait for the peer to close: it has read everything. */
static void finish_sending(int fd)
{
	unsigned char byte;

	if (shutdown(fd, SHUT_WR))
		die("shutdown");
	while (read(fd, &byte, 1) > 0)
		;
	close(fd);
}

/* ---- UDP ---- */

struct datagram_header {
	uint32_t magic;
	uint32_t seq;
	uint32_t size;
	uint32_t pad;
};

static void make_datagram(unsigned char *buf, uint32_t seq, uint32_t size)
{
	struct datagram_header h = { htonl(UDP_MAGIC), htonl(seq), htonl(size), 0 };
	uint64_t state = seed_state(seq + 1ull);

	memcpy(buf, &h, sizeof(h));
	fill(&state, buf + sizeof(h), size - sizeof(h));
}

static void pace(unsigned long long sent, unsigned long pps,
		 const struct timespec *start)
{
	struct timespec now;
	double due, elapsed;

	if (!pps)
		return;
	due = (double)sent / pps;
	clock_gettime(CLOCK_MONOTONIC, &now);
	elapsed = (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
	if (due > elapsed)
		usleep((due - elapsed) * 1e6);
}

static uint32_t checked_size(unsigned long long size)
{
	if (size < sizeof(struct datagram_header) || size > UDP_MAX) {
		errno = EINVAL;
		die("datagram size");
	}
	return size;
}

/*
 * ENOBUFS and friends are drops the sender's own kernel counts (Udp
 * SndbufErrors); they are reported, not fatal.
 */
static void udp_send(int fd, const struct sockaddr_in *to, uint32_t count,
		     uint32_t size, unsigned long pps)
{
	static unsigned char buf[UDP_MAX];
	unsigned long long refused = 0;
	struct timespec start;
	uint32_t seq;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (seq = 0; seq < count; seq++) {
		make_datagram(buf, seq, size);
		if (sendto(fd, buf, size, 0, (const struct sockaddr *)to,
			   sizeof(*to)) != (ssize_t)size)
			refused++;
		pace(seq + 1ull, pps, &start);
	}
	printf("sent=%u refused=%llu\n", count, refused);
}

static void udp_recv(int fd, uint32_t count, uint32_t size, int idle_ms)
{
	static unsigned char buf[UDP_MAX + 1], want[UDP_MAX];
	unsigned long long intact = 0, corrupt = 0, duplicate = 0, foreign = 0;
	unsigned char *seen = calloc(count ? count : 1, 1);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	if (!seen)
		die("calloc");
	int wait_ms = UDP_FIRST_WAIT_MS;

	while (intact + corrupt < count && poll(&pfd, 1, wait_ms) > 0) {
		struct datagram_header h;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		uint32_t seq;

		if (n < 0)
			die("recv");
		wait_ms = idle_ms;
		memcpy(&h, buf, n < (ssize_t)sizeof(h) ? 0 : sizeof(h));
		seq = ntohl(h.seq);
		if (n < (ssize_t)sizeof(h) || ntohl(h.magic) != UDP_MAGIC ||
		    seq >= count) {
			foreign++;
			continue;
		}
		if (seen[seq]) {
			duplicate++;
			continue;
		}
		seen[seq] = 1;
		make_datagram(want, seq, size);
		if ((size_t)n == size && !memcmp(buf, want, size))
			intact++;
		else
			corrupt++;
	}
	printf("received=%llu corrupt=%llu duplicate=%llu foreign=%llu lost=%llu\n",
	       intact, corrupt, duplicate, foreign, count - intact - corrupt);
	free(seen);
}

static int udp_serve(const char *port)
{
	struct sockaddr_in from;
	socklen_t len = sizeof(from);
	unsigned int count, size;
	unsigned long pps;
	char req[128];
	int fd = bound_socket(SOCK_DGRAM, port);
	ssize_t n = recvfrom(fd, req, sizeof(req) - 1, 0,
			     (struct sockaddr *)&from, &len);

	if (n <= 0)
		die("recvfrom");
	req[n] = '\0';
	if (sscanf(req, "%u %u %lu", &count, &size, &pps) != 3) {
		errno = EINVAL;
		die("request");
	}
	udp_send(fd, &from, count, checked_size(size), pps);
	return 0;
}

/* The request goes from the receiving socket, so the replies come to it. */
static int udp_request(char **argv)
{
	struct sockaddr_in to = address(argv[0], argv[1]);
	uint32_t count = number(argv[2]), size = checked_size(number(argv[3]));
	char req[128];
	int fd = bound_socket(SOCK_DGRAM, "0");
	int rcvbuf = 4 << 20;

	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	snprintf(req, sizeof(req), "%u %u %llu", count, size, number(argv[4]));
	if (sendto(fd, req, strlen(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		die("sendto");
	udp_recv(fd, count, size, number(argv[5]));
	return 0;
}

/* ---- Raw frames -------------------------------------------------------- */

#define PKT_DATAGRAM	64		/* bytes of UDP payload in pkt-send's frames */
#define PKT_PPS		500
#define PKT_MAX_SEQ	65536
#define PKT_MAX_PORTS	32

struct pkt_frame {
	struct ether_header eth;
	unsigned char ip[20];
	unsigned char udp[8];
	unsigned char data[PKT_DATAGRAM];
} __attribute__((packed));

static void parse_mac(const char *s, unsigned char *mac)
{
	if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
		errno = EINVAL;
		die("bad MAC address");
	}
}

static int packet_socket(const char *iface, struct sockaddr_ll *sll)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (fd < 0)
		die("packet socket");
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_protocol = htons(ETH_P_ALL);
	sll->sll_ifindex = if_nametoindex(iface);
	if (!sll->sll_ifindex || bind(fd, (struct sockaddr *)sll, sizeof(*sll)))
		die(iface);
	return fd;
}

static uint16_t ip_checksum(const unsigned char *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum;
}

static int pkt_send(char **argv)
{
	struct sockaddr_ll sll;
	struct pkt_frame f = { 0 };
	struct in_addr src, dst;
	uint32_t seq, count = number(argv[6]);
	uint16_t port = number(argv[5]), sum;
	struct timespec start;
	int fd = packet_socket(argv[0], &sll);

	parse_mac(argv[1], f.eth.ether_shost);
	parse_mac(argv[2], f.eth.ether_dhost);
	if (inet_pton(AF_INET, argv[3], &src) != 1 ||
	    inet_pton(AF_INET, argv[4], &dst) != 1)
		die("bad IPv4 address");
	f.eth.ether_type = htons(ETHERTYPE_IP);
	f.ip[0] = 0x45;
	f.ip[2] = (sizeof(f) - sizeof(f.eth)) >> 8;
	f.ip[3] = (sizeof(f) - sizeof(f.eth)) & 0xff;
	f.ip[8] = 64;			/* TTL */
	f.ip[9] = 17;			/* UDP */
	memcpy(f.ip + 12, &src, 4);
	memcpy(f.ip + 16, &dst, 4);
	sum = htons(ip_checksum(f.ip, sizeof(f.ip)));
	memcpy(f.ip + 10, &sum, 2);
	f.udp[0] = port >> 8;		/* the source port is the destination's */
	f.udp[1] = port & 0xff;
	f.udp[2] = port >> 8;
	f.udp[3] = port & 0xff;
	f.udp[5] = sizeof(f.udp) + sizeof(f.data);	/* UDP checksum 0: none */
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, f.eth.ether_dhost, 6);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (seq = 0; seq < count; seq++) {
		make_datagram(f.data, seq, sizeof(f.data));
		if (sendto(fd, &f, sizeof(f), 0, (struct sockaddr *)&sll,
			   sizeof(sll)) != sizeof(f))
			die("sendto");
		pace(seq + 1ull, PKT_PPS, &start);
	}
	printf("sent=%u\n", count);
	return 0;
}

struct pkt_port {
	uint16_t port;
	uint32_t frames;
	unsigned char seen[PKT_MAX_SEQ / 8];
};

/*
 * The destination port of an unfragmented IPv4 UDP datagram, or -1; @seq is
 * its number if it is one of ours, else PKT_MAX_SEQ.
 */
static int pkt_parse(const unsigned char *p, ssize_t len, uint32_t *seq)
{
	struct datagram_header h;
	unsigned int ihl;

	if (len < 14 + 20 || p[12] != 0x08 || p[13] != 0x00)
		return -1;
	ihl = (p[14] & 0x0f) * 4;
	if (ihl < 20 || p[23] != 17 || (p[20] & 0x1f) || p[21] ||
	    len < 14 + ihl + 8)
		return -1;
	*seq = PKT_MAX_SEQ;		/* not numbered: a signal, say */
	if (len >= 14 + ihl + 8 + (ssize_t)sizeof(h)) {
		memcpy(&h, p + 14 + ihl + 8, sizeof(h));
		if (ntohl(h.magic) == UDP_MAGIC)
			*seq = ntohl(h.seq);
	}
	return p[14 + ihl + 2] << 8 | p[14 + ihl + 3];
}

static int pkt_count(char **argv)
{
	static struct pkt_port ports[PKT_MAX_PORTS];
	static unsigned char buf[65536];
	unsigned int nr = 0, i, stop = number(argv[1]);
	struct pollfd pfd = { .events = POLLIN };
	int timeout_ms = number(argv[2]) * 1000, rcvbuf = 4 << 20, port;
	struct sockaddr_ll sll;
	socklen_t sll_len;
	struct timespec start, now;
	uint32_t seq;
	ssize_t len;

	pfd.fd = packet_socket(argv[0], &sll);
	setsockopt(pfd.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 > timeout_ms) {
			fprintf(stderr, "netcheck: no stop datagram in %s s\n", argv[2]);
			return 1;
		}
		if (poll(&pfd, 1, 1000) != 1)
			continue;
		sll_len = sizeof(sll);
		len = recvfrom(pfd.fd, buf, sizeof(buf), 0,
			       (struct sockaddr *)&sll, &sll_len);
		if (len < 0 || sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		port = pkt_parse(buf, len, &seq);
		if (port < 0)
			continue;
		if ((unsigned int)port == stop)
			break;
		if (seq >= PKT_MAX_SEQ)
			continue;
		for (i = 0; i < nr && ports[i].port != port; i++)
			;
		if (i == nr) {
			if (nr == PKT_MAX_PORTS)
				continue;
			ports[nr++].port = port;
		}
		if (!(ports[i].seen[seq / 8] & 1 << seq % 8)) {
			ports[i].seen[seq / 8] |= 1 << seq % 8;
			ports[i].frames++;
		}
	}
	for (i = 0; i < nr; i++)
		printf("port=%u frames=%u\n", ports[i].port, ports[i].frames);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: see the comment at the top of bench/vm/netcheck.c\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int fd;

	argv += 2;
	argc -= 2;
	if (!strcmp(cmd, "gen") && argc == 2) {
		send_stream(1, number(argv[0]), number(argv[1]));
	} else if (!strcmp(cmd, "serve") && argc == 3) {
		fd = accept_one(argv[0]);
		send_stream(fd, number(argv[1]), number(argv[2]));
		finish_sending(fd);
	} else if (!strcmp(cmd, "send") && argc == 4) {
		fd = connect_to(argv[0], argv[1]);
		send_stream(fd, number(argv[2]), number(argv[3]));
		finish_sending(fd);
	} else if (!strcmp(cmd, "sink") && argc == 1) {
		fd = accept_one(argv[0]);
		copy_to_stdout(fd);
		close(fd);
	} else if (!strcmp(cmd, "fetch") && argc == 2) {
		fd = connect_to(argv[0], argv[1]);
		copy_to_stdout(fd);
		close(fd);
	} else if (!strcmp(cmd, "udp-send") && argc == 5) {
		struct sockaddr_in to = address(argv[0], argv[1]);

		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			die("socket");
		udp_send(fd, &to, number(argv[2]), checked_size(number(argv[3])),
			 number(argv[4]));
	} else if (!strcmp(cmd, "udp-recv") && argc == 4) {
		int rcvbuf = 4 << 20;

		fd = bound_socket(SOCK_DGRAM, argv[0]);
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
		udp_recv(fd, number(argv[1]), checked_size(number(argv[2])),
			 number(argv[3]));
	} else if (!strcmp(cmd, "udp-serve") && argc == 1) {
		return udp_serve(argv[0]);
	} else if (!strcmp(cmd, "udp-request") && argc == 6) {
		return udp_request(argv);
	} else if (!strcmp(cmd, "pkt-send") && argc == 7) {
		return pkt_send(argv);
	} else if (!strcmp(cmd, "pkt-count") && argc == 3) {
		return pkt_count(argv);
	} else if (!strcmp(cmd, "signal") && argc == 2) {
		struct sockaddr_in to = address(argv[0], argv[1]);

		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0 || sendto(fd, "go", 2, 0, (struct sockaddr *)&to,
				     sizeof(to)) != 2)
			die("signal");
	} else if (!strcmp(cmd, "wait") && argc == 2) {
		struct pollfd pfd = { .events = POLLIN };

		pfd.fd = bound_socket(SOCK_DGRAM, argv[0]);
		if (poll(&pfd, 1, number(argv[1]) * 1000) != 1) {
			fprintf(stderr, "netcheck: no signal in %s s\n", argv[1]);
			return 1;
		}
	} else {
		return usage();
	}
	return 0;
}
