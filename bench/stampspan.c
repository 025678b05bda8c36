/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stampspan: the kernel's own span from a frame's software TX stamp on
 * one end of a veth pair to its software receive stamp on the other end,
 * with plain packet sockets and no ptpsw. That span is what a two-step
 * transparent clock on kernel stamps (ptpsw's af_packet backend, ptp4l's
 * E2E_TC) leaves uncovered per hop. Run by bench/stampspan, which makes
 * the two namespaces and the veth pair; see docs/performance.md.
 *
 * usage: stampspan recv IFACE COUNT READY_FILE
 *          prints "SEQ RX_NS" per frame; creates READY_FILE once bound
 *        stampspan send IFACE COUNT PERIOD_NS
 *          sends COUNT frames, one every PERIOD_NS, busy-polling its
 *          error queue in between (as a DPDK worker polls); prints
 *          "SEQ TX_NS" per TX stamp
 *        stampspan spin SECONDS
 *          a busy loop (a worker lcore's load on another CPU)
 * Frames: EtherType 0x88B5 (IEEE 802 local experimental), the sequence
 * number at octet 20. Stamps are CLOCK_REALTIME ns.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>

#define SPAN_TYPE 0x88b5
#define SPAN_LEN 60
#define SPAN_SEQ_OFF 20

static long long now_ns(clockid_t c)
{
	struct timespec t;

	clock_gettime(c, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int span_socket(const char *ifname, int req)
{
	struct sockaddr_ll a = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(SPAN_TYPE),
	};
	int fd = socket(AF_PACKET, SOCK_RAW, htons(SPAN_TYPE));

	a.sll_ifindex = (int)if_nametoindex(ifname);
	if (fd < 0 || a.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &req, sizeof(req))) {
		perror(ifname);
		exit(1);
	}
	return fd;
}

/* One frame from fd (the error queue with flags MSG_ERRQUEUE): its
 * sequence number and software stamp; 0 if none is there. */
static int span_read(int fd, int flags, unsigned int *seq, long long *ns)
{
	uint8_t f[SPAN_LEN + 4];
	char ctl[256];
	struct iovec iov = { .iov_base = f, .iov_len = sizeof(f) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd, &mh, flags);

	if (n < SPAN_SEQ_OFF + 4)
		return 0;
	memcpy(seq, f + SPAN_SEQ_OFF, sizeof(*seq));
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		const struct timespec *t = (const void *)CMSG_DATA(c);

		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_TIMESTAMPING &&
		    (t[0].tv_sec != 0 || t[0].tv_nsec != 0)) {
			*ns = t[0].tv_sec * 1000000000LL + t[0].tv_nsec;
			return 1;
		}
	}
	return 0;
}

static int span_recv(const char *ifname, long count, const char *ready)
{
	int fd = span_socket(ifname, SOF_TIMESTAMPING_RX_SOFTWARE |
				     SOF_TIMESTAMPING_SOFTWARE);
	FILE *r = fopen(ready, "w");
	unsigned int seq;
	long long ns;
	long i;

	if (r == NULL) {
		perror(ready);
		return 1;
	}
	fclose(r);
	for (i = 0; i < count; i++)
		if (span_read(fd, 0, &seq, &ns))
			printf("%u %lld\n", seq, ns);
	return 0;
}

static int span_send(const char *ifname, long count, long long period)
{
	int fd = span_socket(ifname, SOF_TIMESTAMPING_TX_SOFTWARE |
				     SOF_TIMESTAMPING_SOFTWARE);
	uint8_t f[SPAN_LEN] = { 0 };
	unsigned int seq;
	long long ns, next, end;
	long i;

	memset(f, 0xff, 6);			/* broadcast */
	f[12] = SPAN_TYPE >> 8;
	f[13] = SPAN_TYPE & 0xff;
	next = now_ns(CLOCK_MONOTONIC) + period;
	for (i = 0; i <= count; i++) {
		/* after the last send, 50 ms for the last stamps */
		end = i < count ? next : now_ns(CLOCK_MONOTONIC) + 50000000;
		while (now_ns(CLOCK_MONOTONIC) < end)
			if (span_read(fd, MSG_ERRQUEUE | MSG_DONTWAIT, &seq, &ns))
				printf("%u %lld\n", seq, ns);
		if (i == count)
			break;
		seq = (unsigned int)i;
		memcpy(f + SPAN_SEQ_OFF, &seq, sizeof(seq));
		if (send(fd, f, sizeof(f), 0) != (ssize_t)sizeof(f))
			perror("send");
		next += period;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "recv") == 0)
		return span_recv(argv[2], atol(argv[3]), argv[4]);
	if (argc == 5 && strcmp(argv[1], "send") == 0)
		return span_send(argv[2], atol(argv[3]), atoll(argv[4]));
	if (argc == 3 && strcmp(argv[1], "spin") == 0) {
		long long end = now_ns(CLOCK_MONOTONIC) +
				(long long)(atof(argv[2]) * 1e9);

		while (now_ns(CLOCK_MONOTONIC) < end)
			;
		return 0;
	}
	fprintf(stderr, "usage: stampspan recv IFACE COUNT READY_FILE | "
		"send IFACE COUNT PERIOD_NS | spin SECONDS\n");
	return 2;
}
