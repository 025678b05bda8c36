/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * coldsend: how long the kernel takes from a packet socket's send() to
 * the frame's software TX stamp, for the first send after an idle spell
 * of user-space polling and for the send right after it, with and without
 * the warm-ups ptpsw makes before a stamped send (pmd_glue/sendwarm.h,
 * pmd_glue/ts_afpkt.c tx_prepare). Run by bench/coldsend, which makes the
 * veth pair and the namespace; see docs/performance.md.
 *
 * usage: coldsend IFACE WARM IDLE_NS SENDS
 *   WARM: none | zero (a zero-length send, refused) | lo (a 60-octet
 *   frame through the namespace's loopback, then the zero-length send)
 * prints: WARM IDLE_MS first p10 median p90 p99 second p10 median p90 p99 (us)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int pkt_socket(const char *ifname, int stamps)
{
	struct sockaddr_ll a = { .sll_family = AF_PACKET };
	int fd = socket(AF_PACKET, SOCK_RAW, 0), on = 1;
	int req = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;

	a.sll_ifindex = (int)if_nametoindex(ifname);
	if (fd < 0 || a.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &on,
		       sizeof(on)) != 0 ||
	    (stamps && setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &req,
				  sizeof(req)) != 0)) {
		perror(ifname);
		exit(1);
	}
	return fd;
}

/* The next TX stamp on fd's error queue (waits up to 1 s). */
static long long tx_stamp(int fd)
{
	long long give_up = now_ns() + 1000000000LL;

	while (now_ns() < give_up) {
		char ctl[256], data[128];
		struct iovec iov = { data, sizeof(data) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = ctl,
				    .msg_controllen = sizeof(ctl) };
		struct cmsghdr *c;

		if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			continue;
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_SOCKET &&
			    c->cmsg_type == SO_TIMESTAMPING) {
				struct timespec *t = (void *)CMSG_DATA(c);

				return t[0].tv_sec * 1000000000LL +
				       t[0].tv_nsec;
			}
	}
	fprintf(stderr, "no TX stamp within 1 s\n");
	exit(1);
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void print_pcts(long long *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	printf(" %.2f %.2f %.2f %.2f", v[n / 10] / 1e3, v[n / 2] / 1e3,
	       v[n * 9 / 10] / 1e3, v[n * 99 / 100] / 1e3);
}

int main(int argc, char **argv)
{
	unsigned char frame[90] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				    0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5 };
	long long idle, *first, *second;
	int fd, lo, n, i, zero, warm_lo;

	if (argc != 5) {
		fprintf(stderr, "usage: coldsend IFACE none|zero|lo IDLE_NS SENDS\n");
		return 2;
	}
	zero = strcmp(argv[2], "none") != 0;
	warm_lo = strcmp(argv[2], "lo") == 0;
	idle = atoll(argv[3]);
	n = atoi(argv[4]);
	if (n < 10 || idle < 0)
		return 2;
	first = calloc((size_t)n, sizeof(*first));
	second = calloc((size_t)n, sizeof(*second));
	fd = pkt_socket(argv[1], 1);
	lo = pkt_socket("lo", 0);
	for (i = 0; i < n; i++) {
		long long t, until = now_ns() + idle;

		while (now_ns() < until)	/* polling in user space */
			;
		if (warm_lo)
			(void)send(lo, frame, 60, MSG_DONTWAIT);
		if (zero)
			(void)send(fd, frame, 0, MSG_DONTWAIT);
		t = now_ns();
		if (send(fd, frame, sizeof(frame), MSG_DONTWAIT) < 0) {
			perror("send");
			return 1;
		}
		first[i] = tx_stamp(fd) - t;
		t = now_ns();
		if (send(fd, frame, sizeof(frame), MSG_DONTWAIT) < 0) {
			perror("send");
			return 1;
		}
		second[i] = tx_stamp(fd) - t;
	}
	printf("%s %.0f", argv[2], idle / 1e6);
	print_pcts(first, n);
	print_pcts(second, n);
	printf("\n");
	return 0;
}
