/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sendwarm: a private loopback for warming the kernel's send path
 * (sendwarm.h). The namespace is made by a short-lived thread
 * (unshare(CLONE_NEWNET) changes only the calling thread's namespace),
 * which brings its loopback up and opens a packet socket on it; the
 * socket keeps the namespace alive after the thread has gone.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include "sendwarm.h"

static struct {
	int fd;
	unsigned int users;
	uint64_t last;
	struct sendwarm_info info;
} sw = { .fd = -1 };

/* To ourselves on a loopback nobody else has: EtherType 0x88B5 (local
 * experimental), padded to the minimum frame. */
static const uint8_t warm_frame[60] = {
	0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5,
	'p', 't', 'p', 's', 'w', ' ', 'w', 'a', 'r', 'm',
};

struct open_res {
	int fd;
	int err;
	const char *step;
};

static void *open_thread(void *arg)
{
	struct open_res *r = arg;
	struct ifreq ifr;
	struct sockaddr_ll a = { .sll_family = AF_PACKET };
	int on = 1, s;

	r->fd = -1;
	r->step = "unshare(CLONE_NEWNET)";
	if (unshare(CLONE_NEWNET) != 0)
		goto fail;
	r->step = "bringing its loopback up";
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		goto fail;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr)) != 0 ||
	    ioctl(s, SIOCGIFINDEX, &ifr) != 0) {
		r->err = errno;
		close(s);
		return NULL;
	}
	close(s);
	r->step = "a packet socket on it";
	a.sll_ifindex = ifr.ifr_ifindex;
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0)
		goto fail;
	/* no qdisc: straight to the device, as the ports' stamp sockets */
	if (bind(r->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    setsockopt(r->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &on,
		       sizeof(on)) != 0) {
		r->err = errno;
		close(r->fd);
		r->fd = -1;
	}
	return NULL;
fail:
	r->err = errno;
	return NULL;
}

int sendwarm_open(void)
{
	struct open_res r = { .fd = -1, .err = 0, .step = "" };
	pthread_t t;
	int e;

	if (sw.users > 0 && sw.fd >= 0) {
		sw.users++;
		return 0;
	}
	e = pthread_create(&t, NULL, open_thread, &r);
	if (e == 0)
		e = pthread_join(t, NULL);
	else
		r.step = "a thread to make it";
	if (e != 0)
		r.err = e;
	if (r.fd < 0) {
		snprintf(sw.info.why, sizeof(sw.info.why),
			 "no private loopback to warm sends on: %s: %s",
			 r.step, strerror(r.err ? r.err : EINVAL));
		sw.info.on = false;
		return -(r.err ? r.err : EINVAL);
	}
	sw.fd = r.fd;
	sw.users = 1;
	sw.last = 0;
	sw.info.on = true;
	sw.info.why[0] = '\0';
	return 0;
}

void sendwarm_close(void)
{
	if (sw.users == 0 || --sw.users > 0)
		return;
	if (sw.fd >= 0)
		close(sw.fd);
	sw.fd = -1;
	sw.info.on = false;
}

bool sendwarm_kick(uint64_t now)
{
	bool idle = now - sw.last > SENDWARM_IDLE_NS;

	sw.last = now;
	sw.info.kicks++;
	if (sw.fd < 0 || !idle)
		return false;
	if (send(sw.fd, warm_frame, sizeof(warm_frame), MSG_DONTWAIT) !=
	    (ssize_t)sizeof(warm_frame)) {
		sw.info.failed++;
		return false;
	}
	sw.info.sent++;
	return true;
}

void sendwarm_get(struct sendwarm_info *out)
{
	*out = sw.info;
}

int sendwarm_fd(void)
{
	return sw.fd;
}
