/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ts_afpkt: the kernel's receive timestamps of net_af_packet ports.
 *
 * net_af_packet (DPDK 22.11) reads a TPACKET_V2 ring and offers no RX
 * timestamp, but every ring frame header carries the kernel's receive time
 * (tp_sec/tp_nsec, CLOCK_REALTIME ns: skb->tstamp, or the time the packet
 * socket took the frame). rte_eth_rx_burst copies frames out of the ring
 * in ring order and hands the slots back to the kernel; the headers stay
 * readable until the kernel wraps around the ring to them. So after each
 * burst of n frames, the n slots before the queue's framenum hold, in
 * order, the stamps of the n mbufs.
 *
 * The queue is the PMD's private struct pkt_rx_queue, reached through the
 * public rte_eth_fp_ops[port].rxq.data[0]; its leading fields are mirrored
 * below from Debian's DPDK 22.11 source. Nothing is trusted blindly:
 *   - open() checks the DPDK version, that sockfd is an AF_PACKET socket
 *     with TPACKET_V2, and that the ring geometry is consistent (rd[i] =
 *     map + i * frame size, framenum < framecount); otherwise ENOTSUP and
 *     ts_source_open falls back to TSC stamps;
 *   - each stamp is taken only if its slot still holds this mbuf's frame
 *     (snap length and the first AFPKT_RX_CMP bytes equal; tp_sec/tp_nsec read
 *     again afterwards unchanged); else the mbuf gets the burst's TSC time
 *     (counted as fallback), like any implausible stamp (ts_accept_rx).
 * Reads only: the backend never writes to the PMD's ring or queue.
 * The mapped stamp is a software time at the switch-side interface: the
 * af_packet ring wait before the poll is then inside the TC's residence.
 *
 * TX stamps (two-step TC, a boundary clock's Sync and Delay_Req). They
 * come from the kernel's documented API (Documentation/networking/
 * timestamping.rst), not from the TX ring: the ring's slot status and
 * time are not filled on every kernel (6.18 leaves them empty). Each
 * port gets a second AF_PACKET socket of its own, bound to the same
 * interface with protocol 0 (it receives nothing), with SO_TIMESTAMPING
 * TX_SOFTWARE | SOFTWARE. tx_event() sends the one message that
 * wants a stamp on it with send(); frames that want none keep the PMD's
 * ring and pay nothing. The kernel's software TX stamp (skb_tx_timestamp
 * in the driver's xmit: on a veth right before the peer's netif_rx
 * stamps it) comes back on the socket's error queue with a copy of the
 * frame; tx_poll() reads it there and matches it to its message by the
 * frame's first AFPKT_TX_CMP octets, which hold every header and the PTP
 * message's sequenceId (an OPT_ID counter would shift
 * for good after a send the kernel counted but refused). Order: the PMD
 * sends its ring synchronously inside rte_eth_tx_burst, and the caller
 * flushes what it queued before the message first.
 * The new socket mirrors the PMD's qdisc bypass, so a capture on the
 * interface sees what it saw before. The PMD's socket then gets a socket
 * filter that drops outgoing frames (classic BPF on the packet type; the
 * PMD's socket is in a fanout group, where PACKET_IGNORE_OUTGOING has no
 * effect): else ptpsw would receive its own stamped sends back, and
 * whatever the host itself sends out of the interface.
 *
 * Start-up self-test (selftest op, after the clock map is primed): one
 * 60-octet frame of EtherType 0x88B5 (IEEE 802 local experimental) to
 * 01:80:C2:00:00:0E, which bridges do not forward, is sent through a
 * plain socket that does not bypass the qdisc; the PMD's ring receives
 * it as an outgoing frame, so the RX stamp path is proven on it (its
 * slot matched, its time between the send and the poll). Then a second
 * one goes through the stamp socket, and its stamp must come back within
 * AFPKT_SELFTEST_NS. A port whose TX self-test fails has no tx_event:
 * the TC and BC predict its egress time, and the banner says why.
 * The test-only switch ts->test_no_tx_stamps drops every stamp read
 * (the kernel's stamps then "stop"): tests check the fallback with it.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "sendwarm.h"
#include "timebase.h"
#include "ts_source.h"


#define AFPKT_XTS_TRIES 5
#define AFPKT_RX_CMP 16		/* RX: frame octets compared (MACs, type) */
#define AFPKT_TX_CMP 128	/* TX: octets matched, past the PTP header's
				 * sequenceId behind VLAN + IPv6 + UDP */
#define AFPKT_MAX_FRAMES (1u << 20)
#define AFPKT_TX_PEND 8		/* stamp requests in flight (< TC_HWTX_PEND) */
#define AFPKT_TX_SEGS 8		/* mbuf segments a stamped send takes */
/* A stamp later than this after the send is given up (tc_hwtx holds the
 * Follow_Up / Delay_Resp for TC_HWTX_HOLD_NS, 20 ms). */
#define AFPKT_TX_TIMEOUT_NS 10000000
/* Tolerance of the stamp bounds: the realtime map's error. */
#define AFPKT_TX_SLACK_NS 20000
/* How long the start-up self-test waits for each stamp. */
#define AFPKT_SELFTEST_NS 50000000
#define AFPKT_SELFTEST_TYPE 0x88b5

/* Leading fields of struct pkt_rx_queue, drivers/net/af_packet/
 * rte_eth_af_packet.c, DPDK 22.11 (checked against 22.11.11). */
struct afpkt_rxq {
	int sockfd;
	struct iovec *rd;
	uint8_t *map;
	unsigned int framecount;
	unsigned int framenum;
};

/* A message sent for its TX stamp. */
struct afpkt_txpend {
	uint64_t cookie;
	uint64_t sent_before;		/* timebase ns, just before the send */
	uint32_t hlen;			/* octets of head: the frame's, at most
					 * AFPKT_TX_CMP */
	uint8_t head[AFPKT_TX_CMP];
};

struct afpkt_priv {
	const volatile struct afpkt_rxq *q;
	size_t frame_size;
	struct clockmap map;		/* CLOCK_REALTIME ns -> timebase */
	/* TX stamps: the port's stamp socket (-1: none) */
	int sfd;
	int ifindex;
	int bypass;			/* the PMD's PACKET_QDISC_BYPASS */
	bool warm;			/* tx_prepare's send is refused here */
	unsigned int pend_head, pend_len;
	struct afpkt_txpend pend[AFPKT_TX_PEND];
	/* a report read for a later request than the oldest: kept for it */
	bool stash;
	uint8_t stash_head[AFPKT_TX_CMP];
	size_t stash_hlen;
	int64_t stash_rt;
	struct ts_tx_stats st;
};

static struct clockmap *afpkt_rt_map(struct ts_source *ts)
{
	struct afpkt_priv *p = ts->priv;

	return p != NULL ? &p->map : NULL;
}

static void afpkt_refresh(struct ts_source *ts)
{
	struct afpkt_priv *p = ts->priv;

	timebase_xts_update(&p->map, AFPKT_XTS_TRIES, timebase_read_realtime,
			    NULL);
}

/* Is a ring (socket, slot vector, mapping, size, next slot) what the
 * 22.11 layout says it is? 0 or -ENOTSUP; *frame_size: slot size. */
static int afpkt_check_ring(int sockfd, const struct iovec *rd,
			    const uint8_t *map, unsigned int framecount,
			    unsigned int framenum, size_t *frame_size)
{
	int v = 0, dom = 0;
	socklen_t l = sizeof(v);
	size_t fs;

	if (sockfd < 0 || rd == NULL || map == NULL ||
	    framecount < 2 || framecount > AFPKT_MAX_FRAMES ||
	    framenum >= framecount)
		return -ENOTSUP;
	if (getsockopt(sockfd, SOL_SOCKET, SO_DOMAIN, &dom, &l) != 0 ||
	    dom != AF_PACKET)
		return -ENOTSUP;
	l = sizeof(v);
	if (getsockopt(sockfd, SOL_PACKET, PACKET_VERSION, &v, &l) != 0 ||
	    v != TPACKET_V2)
		return -ENOTSUP;
	if ((const uint8_t *)rd[0].iov_base != map)
		return -ENOTSUP;
	fs = (size_t)((const uint8_t *)rd[1].iov_base - map);
	if (fs < sizeof(struct tpacket2_hdr) || fs > (1u << 20) ||
	    (const uint8_t *)rd[framecount - 1].iov_base !=
	    map + fs * (framecount - 1))
		return -ENOTSUP;
	*frame_size = fs;
	return 0;
}

static int afpkt_check(const struct afpkt_rxq *q, size_t *frame_size)
{
	if (q == NULL)
		return -ENOTSUP;
	return afpkt_check_ring(q->sockfd, q->rd, q->map, q->framecount,
				q->framenum, frame_size);
}

/* A packet socket bound to the PMD's interface with protocol 0 (it
 * receives nothing); bypass: PACKET_QDISC_BYPASS. fd or -1. */
static int afpkt_socket(int ifindex, int bypass)
{
	struct sockaddr_ll a = {
		.sll_family = AF_PACKET, .sll_ifindex = ifindex,
	};
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &bypass,
		       sizeof(bypass)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Drop outgoing frames on the PMD's socket fd (a socket filter: load
 * the packet type, accept all but PACKET_OUTGOING). 0 or -1. */
static int afpkt_drop_outgoing(int fd)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_OUTGOING, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
		BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
	};
	struct sock_fprog prog = {
		.len = RTE_DIM(code), .filter = code,
	};

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog,
			  sizeof(prog));
}

/*
 * The stamp socket: the PMD's interface and qdisc bypass (a bypass when
 * the PMD's socket cannot drop outgoing frames, which afpkt_selftest()
 * sets up after its RX test). 0, or -errno with a reason in ts->tx_desc.
 */
static int afpkt_tx_open(struct ts_source *ts, struct afpkt_priv *p)
{
	int req = SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	struct sockaddr_ll a;
	socklen_t l = sizeof(a);

	if (getsockname(p->q->sockfd, (struct sockaddr *)&a, &l) != 0 ||
	    a.sll_family != AF_PACKET || a.sll_ifindex <= 0) {
		snprintf(ts->tx_desc, sizeof(ts->tx_desc),
			 "none: the PMD's socket has no interface");
		return -ENOTSUP;
	}
	p->ifindex = a.sll_ifindex;
	l = sizeof(p->bypass);
	if (getsockopt(p->q->sockfd, SOL_PACKET, PACKET_QDISC_BYPASS,
		       &p->bypass, &l) != 0)
		p->bypass = 1;
	p->sfd = afpkt_socket(p->ifindex, p->bypass);
	if (p->sfd < 0 ||
	    setsockopt(p->sfd, SOL_SOCKET, SO_TIMESTAMPING, &req,
		       sizeof(req)) != 0) {
		snprintf(ts->tx_desc, sizeof(ts->tx_desc),
			 "none: no SO_TIMESTAMPING socket (%s)",
			 strerror(errno));
		if (p->sfd >= 0)
			close(p->sfd);
		p->sfd = -1;
		return -ENOTSUP;
	}
	/* tx_prepare()'s send, once: refused, as on every Ethernet device,
	 * or it is not used on this port */
	p->warm = send(p->sfd, &p->ifindex, 0, MSG_DONTWAIT) < 0 &&
		  errno == EINVAL;
	return 0;
}

static int afpkt_open(struct ts_source *ts)
{
	struct afpkt_priv *p;
	const struct afpkt_rxq *q;
	size_t fs = 0;

	if (strcmp(ts->driver, "net_af_packet") != 0 ||
	    strncmp(rte_version(), "DPDK 22.11", 10) != 0)
		return -ENOTSUP;
	q = rte_eth_fp_ops[ts->port_id].rxq.data ?
	    rte_eth_fp_ops[ts->port_id].rxq.data[0] : NULL;
	if (afpkt_check(q, &fs) != 0)
		return -ENOTSUP;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->q = q;
	p->frame_size = fs;
	p->sfd = -1;
	clockmap_init(&p->map, 1.0);
	ts->priv = p;
	snprintf(ts->rx_desc, sizeof(ts->rx_desc),
		 "kernel receive time (ring), not yet proven");
	afpkt_tx_open(ts, p);
	return 0;
}

static void afpkt_close(struct ts_source *ts)
{
	struct afpkt_priv *p = ts->priv;

	if (p != NULL && p->sfd >= 0)
		close(p->sfd);
	free(p);
	ts->priv = NULL;
}

/* The kernel's receive time of mbuf m from ring slot hdr, or -1. */
static int64_t afpkt_slot_time(const struct afpkt_priv *p,
			       const volatile struct tpacket2_hdr *hdr,
			       const struct rte_mbuf *m)
{
	uint32_t sec = hdr->tp_sec, nsec = hdr->tp_nsec;
	uint32_t snap = hdr->tp_snaplen;
	uint16_t mac = hdr->tp_mac;
	size_t cmp = snap < AFPKT_RX_CMP ? snap : AFPKT_RX_CMP;

	if (snap != rte_pktmbuf_data_len(m) || mac + (size_t)snap > p->frame_size ||
	    memcmp((const uint8_t *)hdr + mac, rte_pktmbuf_mtod(m, const void *),
		   cmp) != 0)
		return -1;
	rte_compiler_barrier();
	if (hdr->tp_sec != sec || hdr->tp_nsec != nsec || nsec >= 1000000000u)
		return -1;
	return (int64_t)sec * 1000000000 + nsec;
}

static void afpkt_rx_burst(struct ts_source *ts, struct rte_mbuf **pkts,
			   uint16_t n, uint64_t *ts_out)
{
	const struct afpkt_priv *p = ts->priv;
	const volatile struct afpkt_rxq *q = p->q;
	uint64_t now = timebase_now();
	unsigned int fc = q->framecount, slot, stamped = 0;
	uint16_t i;

	if (n > 0 && !ts_rt_map_ok(ts, &p->map, now)) {
		ts_rx_all_now(ts, n, now, ts_out);
		return;
	}

	/* the burst's frames are the n slots before framenum, in order */
	slot = (q->framenum + fc - n % fc) % fc;
	for (i = 0; i < n; i++, slot = slot + 1 == fc ? 0 : slot + 1) {
		int64_t rt = afpkt_slot_time(p,
			(const volatile struct tpacket2_hdr *)q->rd[slot].iov_base,
			pkts[i]);

		if (rt < 0) {		/* counted as fallback below */
			ts_out[i] = now;
			continue;
		}
		stamped += ts_accept_rx(ts, now, clockmap_to_base(&p->map, rt),
					&ts_out[i]);
	}
	ts->rx_stamped += stamped;
	ts->rx_fallback += n - stamped;
}

/* Send the frame in mh (len octets, its first min(len, AFPKT_TX_CMP) in
 * head)
 * on the stamp socket as request cookie: 0, or -EBUSY / -ENOSPC (not
 * sent). */
static int afpkt_tx_send(struct afpkt_priv *p, const struct msghdr *mh,
			 uint32_t len, const uint8_t *head, uint64_t cookie)
{
	struct afpkt_txpend *e;

	if (p->pend_len == AFPKT_TX_PEND) {
		p->st.refused++;
		return -ENOSPC;
	}
	e = &p->pend[(p->pend_head + p->pend_len) % AFPKT_TX_PEND];
	e->cookie = cookie;
	e->hlen = len < AFPKT_TX_CMP ? len : AFPKT_TX_CMP;
	memcpy(e->head, head, e->hlen);
	e->sent_before = timebase_now();
	if (sendmsg(p->sfd, mh, MSG_DONTWAIT) != (ssize_t)len) {
		p->st.refused++;
		return -EBUSY;
	}
	p->pend_len++;
	p->st.sent++;
	return 0;
}

/*
 * tx_prepare: after an idle spell a frame through the private loopback
 * (sendwarm.h: the device layer), then a zero-length send on the stamp
 * socket, which the kernel refuses (EINVAL: shorter than the Ethernet
 * header) on its way through the socket's send path; the send that
 * follows finds both warm. The first stamped send after a poll is
 * otherwise the slow one (docs/performance.md, The cold send path). Only where
 * afpkt_tx_open() saw the zero-length send refused (p->warm): a device
 * that takes short frames would send one.
 */
static void afpkt_tx_prepare(struct ts_source *ts)
{
	struct afpkt_priv *p = ts->priv;

	if (!p->warm)
		return;
	(void)sendwarm_kick(timebase_now());	/* where one is open */
	(void)send(p->sfd, &p->ifindex, 0, MSG_DONTWAIT);
}

/* What rte_eth_tx_burst() does before the PMD's TX: the queue's TX
 * callbacks (dpdk-dumpcap / pdump captures there), so a frame sent on the
 * stamp socket is captured like any other. */
static inline void afpkt_tx_callbacks(uint16_t port, uint16_t queue,
				      struct rte_mbuf *m)
{
#ifdef RTE_ETHDEV_RXTX_CALLBACKS
	struct rte_eth_fp_ops *fp = &rte_eth_fp_ops[port];
	void *cb;

	if (fp->txq.clbk == NULL || queue >= RTE_MAX_QUEUES_PER_PORT)
		return;
	cb = __atomic_load_n((void **)&fp->txq.clbk[queue], __ATOMIC_RELAXED);
	if (unlikely(cb != NULL))
		rte_eth_call_tx_callbacks(port, queue, &m, 1, cb);
#else
	RTE_SET_USED(port);
	RTE_SET_USED(queue);
	RTE_SET_USED(m);
#endif
}

/* tx_event: send m alone on the stamp socket for its TX stamp
 * (ts_source.h). queue is the caller's TX queue: the stamp socket is the
 * port's own, outside the PMD's queues, but the queue's TX callbacks see
 * the frame. */
static int afpkt_tx_event(struct ts_source *ts, uint16_t queue,
			  struct rte_mbuf *m, uint64_t cookie)
{
	struct afpkt_priv *p = ts->priv;
	struct iovec iov[AFPKT_TX_SEGS];
	struct msghdr mh = { .msg_iov = iov };
	const struct rte_mbuf *s;
	uint8_t buf[AFPKT_TX_CMP];
	const uint8_t *head;
	uint32_t len = rte_pktmbuf_pkt_len(m);
	int r;

	if (m->nb_segs > AFPKT_TX_SEGS || (m->ol_flags & RTE_MBUF_F_TX_VLAN)) {
		p->st.refused++;
		return -EBUSY;		/* sent the normal way */
	}
	for (s = m; s != NULL; s = s->next) {
		iov[mh.msg_iovlen].iov_base = rte_pktmbuf_mtod(s, void *);
		iov[mh.msg_iovlen++].iov_len = rte_pktmbuf_data_len(s);
	}
	head = rte_pktmbuf_read(m, 0, len < AFPKT_TX_CMP ? len : AFPKT_TX_CMP,
				buf);
	afpkt_tx_callbacks(ts->port_id, queue, m);
	r = afpkt_tx_send(p, &mh, len, head, cookie);
	if (r == 0)
		rte_pktmbuf_free(m);	/* the kernel has its own copy */
	return r;			/* else m is still the caller's */
}

/*
 * One report from the stamp socket's error queue: 1 with the frame's
 * first octets in head (*hlen of them) and the software stamp
 * (CLOCK_REALTIME ns) in *rt, 0 if the queue is empty, -1 for a report
 * without a software stamp (read and dropped).
 */
static int afpkt_errqueue(int fd, uint8_t *head, size_t *hlen, int64_t *rt)
{
	char ctl[256];
	struct iovec iov = { .iov_base = head, .iov_len = AFPKT_TX_CMP };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl, .msg_controllen = sizeof(ctl),
	};
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd, &mh, MSG_ERRQUEUE | MSG_DONTWAIT);

	if (n < 0)
		return 0;
	*hlen = (size_t)n < AFPKT_TX_CMP ? (size_t)n : AFPKT_TX_CMP;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		const struct timespec *t;

		if (c->cmsg_level != SOL_SOCKET ||
		    c->cmsg_type != SO_TIMESTAMPING ||
		    c->cmsg_len < CMSG_LEN(sizeof(*t)))
			continue;
		t = (const struct timespec *)CMSG_DATA(c);
		if (t[0].tv_sec == 0 && t[0].tv_nsec == 0)
			return -1;
		*rt = (int64_t)t[0].tv_sec * 1000000000 + t[0].tv_nsec;
		return 1;
	}
	return -1;
}

/* Complete the oldest request: r for tx_poll, its cookie in *cookie. */
static int afpkt_tx_done(struct afpkt_priv *p, uint64_t *cookie, int r)
{
	*cookie = p->pend[p->pend_head].cookie;
	p->pend_head = (p->pend_head + 1) % AFPKT_TX_PEND;
	p->pend_len--;
	return r;
}

/* The pending request the frame head[0..hlen) belongs to: its distance
 * from the oldest, or -1. */
static int afpkt_tx_match(const struct afpkt_priv *p, const uint8_t *head,
			  size_t hlen)
{
	unsigned int i;

	for (i = 0; i < p->pend_len; i++) {
		const struct afpkt_txpend *e =
			&p->pend[(p->pend_head + i) % AFPKT_TX_PEND];

		if (hlen == e->hlen && memcmp(e->head, head, hlen) == 0)
			return (int)i;
	}
	return -1;
}

/* The next report: the one tx_poll() kept for a later request, else one
 * from the error queue (afpkt_errqueue()'s results). */
static int afpkt_tx_report(struct afpkt_priv *p, uint8_t *head, size_t *hlen,
			   int64_t *rt)
{
	if (!p->stash)
		return afpkt_errqueue(p->sfd, head, hlen, rt);
	p->stash = false;
	memcpy(head, p->stash_head, p->stash_hlen);
	*hlen = p->stash_hlen;
	*rt = p->stash_rt;
	return 1;
}

/* tx_poll: the oldest request's stamp, in send order. A request whose
 * stamp is overtaken by a later one's got none (-ESTALE); the later one's
 * report is kept for it. */
static int afpkt_tx_poll(struct ts_source *ts, uint64_t *cookie,
			 uint64_t *tx_ts)
{
	struct afpkt_priv *p = ts->priv;
	const struct afpkt_txpend *e;
	uint8_t head[AFPKT_TX_CMP];
	size_t hlen = 0;
	int64_t rt = 0, b, err;
	uint64_t now;
	int r, k;

	if (p->pend_len == 0)
		return 0;
	e = &p->pend[p->pend_head];
	while ((r = afpkt_tx_report(p, head, &hlen, &rt)) != 0) {
		if (r < 0 || ts->test_no_tx_stamps)
			continue;
		k = afpkt_tx_match(p, head, hlen);
		if (k < 0) {
			p->st.unmatched++;
			continue;
		}
		if (k > 0) {		/* the oldest one's stamp never came: */
			p->stash = true;	/* this one is a later one's */
			memcpy(p->stash_head, head, hlen);
			p->stash_hlen = hlen;
			p->stash_rt = rt;
			p->st.timeout++;
			return afpkt_tx_done(p, cookie, -ESTALE);
		}
		b = clockmap_to_base(&p->map, rt);
		now = timebase_now();
		if (b < (int64_t)e->sent_before - AFPKT_TX_SLACK_NS ||
		    b > (int64_t)now + AFPKT_TX_SLACK_NS) {
			/* CLOCK_REALTIME jumped since the map's renewal:
			 * no stamp, but none is missing either */
			if (timebase_rt_map_holds(&p->map, now, &err) == 0) {
				p->st.map_stale++;
				return afpkt_tx_done(p, cookie, -EXDEV);
			}
			p->st.rejected++;
			return afpkt_tx_done(p, cookie, -ESTALE);
		}
		*tx_ts = (uint64_t)b;
		p->st.stamped++;
		return afpkt_tx_done(p, cookie, 1);
	}
	if (timebase_now() - e->sent_before <= AFPKT_TX_TIMEOUT_NS)
		return 0;
	p->st.timeout++;
	return afpkt_tx_done(p, cookie, -ETIMEDOUT);
}

static const struct ts_tx_stats *afpkt_tx_stats(const struct ts_source *ts)
{
	const struct afpkt_priv *p = ts->priv;

	return p != NULL ? &p->st : NULL;
}

/* The self-test frame: EtherType 0x88B5 from the port's MAC to the
 * non-forwarded group 01:80:C2:00:00:0E, a marker and a counter. */
static void afpkt_selftest_frame(const struct ts_source *ts, uint8_t *f,
				 uint8_t n)
{
	static const uint8_t dst[6] = { 0x01, 0x80, 0xc2, 0, 0, 0x0e };
	struct rte_ether_addr mac;

	memset(f, 0, 60);
	memcpy(f, dst, 6);
	if (rte_eth_macaddr_get(ts->port_id, &mac) == 0)
		memcpy(f + 6, mac.addr_bytes, 6);
	f[12] = AFPKT_SELFTEST_TYPE >> 8;
	f[13] = AFPKT_SELFTEST_TYPE & 0xff;
	memcpy(f + 14, "ptpsw timestamp self-test", 25);
	f[40] = n;
	f[41] = (uint8_t)ts->port_id;
}

static void ms1_sleep(void)
{
	struct timespec ms = { 0, 1000000 };

	nanosleep(&ms, NULL);
}

/*
 * RX: a self-test frame sent through a socket that does not bypass the
 * qdisc comes back to the PMD's ring as an outgoing frame. Poll the port
 * for it (other frames that arrive meanwhile are dropped before
 * forwarding starts, counted in ts->rx_selftest_dropped) and stamp it.
 */
static void afpkt_selftest_rx(struct ts_source *ts, struct afpkt_priv *p)
{
	uint8_t f[60];
	struct rte_mbuf *m[32];
	uint64_t before, stamps[32];
	uint16_t n, i;
	int fd = afpkt_socket(p->ifindex, 0);
	bool found = false;

	afpkt_selftest_frame(ts, f, 1);
	before = timebase_now();
	if (fd < 0 || send(fd, f, sizeof(f), 0) != (ssize_t)sizeof(f)) {
		snprintf(ts->rx_desc, sizeof(ts->rx_desc),
			 "kernel receive time (ring), self-test not sent");
		goto out;
	}
	while (!found && timebase_now() - before < AFPKT_SELFTEST_NS) {
		n = rte_eth_rx_burst(ts->port_id, 0, m, 32);
		if (n == 0) {
			ms1_sleep();
			continue;
		}
		afpkt_rx_burst(ts, m, n, stamps);
		for (i = 0; i < n; i++) {
			if (!found && rte_pktmbuf_data_len(m[i]) >= 60 &&
			    memcmp(rte_pktmbuf_mtod(m[i], void *), f, 60) == 0) {
				found = true;
				ts->rx_selftest_ns = stamps[i] >= before ?
					(int64_t)(stamps[i] - before) : -1;
			} else {
				ts->rx_selftest_dropped++;
			}
			rte_pktmbuf_free(m[i]);
		}
	}
	if (found && ts->rx_selftest_ns >= 0 && ts->rx_stamped > 0)
		snprintf(ts->rx_desc, sizeof(ts->rx_desc),
			 "kernel receive time (ring), self-test %.1f us",
			 (double)ts->rx_selftest_ns / 1e3);
	else
		snprintf(ts->rx_desc, sizeof(ts->rx_desc),
			 "kernel receive time (ring), self-test %s",
			 found ? "got no stamp" : "frame not seen");
out:
	ts->rx_stamped = ts->rx_fallback = 0;
	if (fd >= 0)
		close(fd);
}

/* TX: a self-test frame through the stamp socket; its stamp must come
 * back within AFPKT_SELFTEST_NS. Returns true if it did. */
static bool afpkt_selftest_tx(struct ts_source *ts, struct afpkt_priv *p)
{
	uint8_t f[60];
	struct iovec iov = { .iov_base = f, .iov_len = sizeof(f) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	uint64_t cookie = 0, tx = 0, before;
	int r = 0;

	afpkt_selftest_frame(ts, f, 2);
	before = timebase_now();
	if (afpkt_tx_send(p, &mh, sizeof(f), f, 0) != 0) {
		snprintf(ts->tx_desc, sizeof(ts->tx_desc),
			 "none: the self-test frame could not be sent (%s)",
			 strerror(errno));
		return false;
	}
	while ((r = afpkt_tx_poll(ts, &cookie, &tx)) == 0 &&
	       timebase_now() - before < AFPKT_SELFTEST_NS)
		ms1_sleep();
	if (r == 0)			/* still pending: forget it */
		afpkt_tx_done(p, &cookie, 0);
	memset(&p->st, 0, sizeof(p->st));
	if (r != 1) {
		snprintf(ts->tx_desc, sizeof(ts->tx_desc),
			 "none: the kernel gave no TX stamp for a self-test "
			 "frame within %d ms", AFPKT_SELFTEST_NS / 1000000);
		return false;
	}
	ts->tx_selftest_ns = (int64_t)(tx - before);
	snprintf(ts->tx_desc, sizeof(ts->tx_desc),
		 "kernel software stamps (error queue), self-test %.1f us",
		 (double)ts->tx_selftest_ns / 1e3);
	return true;
}

static void afpkt_selftest(struct ts_source *ts)
{
	struct afpkt_priv *p = ts->priv;
	int on = 1;

	afpkt_selftest_rx(ts, p);
	if (afpkt_drop_outgoing(p->q->sockfd) != 0 && p->sfd >= 0 &&
	    setsockopt(p->sfd, SOL_PACKET, PACKET_QDISC_BYPASS, &on,
		       sizeof(on)) != 0) {
		close(p->sfd);		/* it would loop back into the PMD */
		p->sfd = -1;
		snprintf(ts->tx_desc, sizeof(ts->tx_desc),
			 "none: no socket filter and no qdisc bypass");
	}
	if (p->sfd < 0)
		return;
	if (afpkt_selftest_tx(ts, p)) {
		ts->ops = &ts_afpkt_tx_ops;
		return;
	}
	close(p->sfd);
	p->sfd = -1;
}

#define AFPKT_OPS_RX				\
	.name = "af_packet-ring",		\
	.open = afpkt_open,			\
	.close = afpkt_close,			\
	.rx_burst = afpkt_rx_burst,		\
	.tx_predict = ts_tx_predict_now,	\
	.refresh = afpkt_refresh,		\
	.rt_map = afpkt_rt_map,			\
	.selftest = afpkt_selftest

const struct ts_source_ops ts_afpkt_ops = { AFPKT_OPS_RX };

/* The same with TX stamps (the self-test switches to it when they work). */
const struct ts_source_ops ts_afpkt_tx_ops = {
	AFPKT_OPS_RX,
	.tx_event = afpkt_tx_event,
	.tx_poll = afpkt_tx_poll,
	.tx_prepare = afpkt_tx_prepare,
	.tx_stats = afpkt_tx_stats,
};
