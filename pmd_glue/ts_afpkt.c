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
 *     (snap length and the first AFPKT_CMP bytes equal; tp_sec/tp_nsec read
 *     again afterwards unchanged); else the mbuf gets the burst's TSC time
 *     (counted as fallback), like any implausible stamp (ts_accept_rx).
 * Reads only: the backend never writes to the PMD's ring or queue.
 * The mapped stamp is a software time at the switch-side interface: the
 * af_packet ring wait before the poll is then inside the TC's residence.
 *
 * TX stamps (two-step TC, tc_hwtx.h). The PMD's TX ring (struct
 * pkt_tx_queue, same socket) hands each sent slot back with the kernel's
 * software time of the skb once the kernel is done with it, if the socket
 * asked for it (PACKET_TIMESTAMP with SOF_TIMESTAMPING_SOFTWARE, set once
 * at open; the PMD masks those status bits, see tx_ring_status_available
 * in the driver). On a veth the skb is done with when the receiving
 * namespace's IP layer takes it, after its netif_rx stamped it: the slot's
 * time is the receive time the peer's own software stamp shows, so the
 * kernel's TX path (the sendto kick, the veth hand-over) is inside the
 * residence as well. tx_event() sends one message alone and remembers its
 * slot, length and first AFPKT_CMP bytes; tx_poll() takes the stamp only
 * if that slot still holds the frame and the time lies between just
 * before the send and now (anything else: no stamp, and tc_hwtx falls
 * back to the predicted time). Not for one-step mode: the frame has left
 * before the stamp is known.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "timebase.h"
#include "ts_source.h"

#define AFPKT_XTS_TRIES 5
#define AFPKT_CMP 16		/* frame bytes compared (MACs, EtherType) */
#define AFPKT_MAX_FRAMES (1u << 20)
#define AFPKT_TX_PEND 8		/* stamp requests in flight (< TC_HWTX_PEND) */
/* A stamp later than this after the send is given up (tc_hwtx holds the
 * Follow_Up / Delay_Resp for TC_HWTX_HOLD_NS, 20 ms). */
#define AFPKT_TX_TIMEOUT_NS 10000000
/* Tolerance of the stamp bounds: the realtime map's error. */
#define AFPKT_TX_SLACK_NS 20000
/* Offset of a TX slot's frame data (where the PMD copies it). */
#define AFPKT_TX_DATA_OFF (TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))

/* Leading fields of struct pkt_rx_queue, drivers/net/af_packet/
 * rte_eth_af_packet.c, DPDK 22.11 (checked against 22.11.11). */
struct afpkt_rxq {
	int sockfd;
	struct iovec *rd;
	uint8_t *map;
	unsigned int framecount;
	unsigned int framenum;
};

/* Leading fields of struct pkt_tx_queue (same source). */
struct afpkt_txq {
	int sockfd;
	unsigned int frame_data_size;
	struct iovec *rd;
	uint8_t *map;
	unsigned int framecount;
	unsigned int framenum;
};

/* A message sent for its TX stamp. */
struct afpkt_txpend {
	uint64_t cookie;
	uint64_t sent_before;		/* timebase ns, just before the send */
	unsigned int slot;
	uint32_t len;
	uint8_t head[AFPKT_CMP];
};

struct afpkt_priv {
	const volatile struct afpkt_rxq *q;
	size_t frame_size;
	struct clockmap map;		/* CLOCK_REALTIME ns -> timebase */
	/* TX stamps (NULL tq: none) */
	const volatile struct afpkt_txq *tq;
	size_t tx_frame_size;
	uint16_t tx_queue;
	unsigned int pend_head, pend_len;
	struct afpkt_txpend pend[AFPKT_TX_PEND];
	struct ts_afpkt_tx_stats st;
};

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

/*
 * TX stamps on queue 0 of the port, if its TX queue has the 22.11 layout,
 * shares the RX queue's socket (the PMD opens one per queue pair), its
 * frames hold the PMD's data size, and the socket takes PACKET_TIMESTAMP.
 * Returns 0 (p->tq set) or -ENOTSUP.
 */
static int afpkt_tx_setup(struct ts_source *ts, struct afpkt_priv *p)
{
	const struct afpkt_txq *tq;
	int req = SOF_TIMESTAMPING_SOFTWARE;
	size_t fs = 0;

	tq = rte_eth_fp_ops[ts->port_id].txq.data ?
	     rte_eth_fp_ops[ts->port_id].txq.data[0] : NULL;
	if (tq == NULL || tq->sockfd != p->q->sockfd ||
	    afpkt_check_ring(tq->sockfd, tq->rd, tq->map, tq->framecount,
			     tq->framenum, &fs) != 0 ||
	    AFPKT_TX_DATA_OFF + (size_t)tq->frame_data_size > fs)
		return -ENOTSUP;
	if (setsockopt(tq->sockfd, SOL_PACKET, PACKET_TIMESTAMP, &req,
		       sizeof(req)) != 0)
		return -ENOTSUP;
	p->tq = tq;
	p->tx_frame_size = fs;
	p->tx_queue = 0;
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
	clockmap_init(&p->map, 1.0);
	ts->priv = p;
	if (afpkt_tx_setup(ts, p) == 0)
		ts->ops = &ts_afpkt_tx_ops;
	return 0;
}

static void afpkt_close(struct ts_source *ts)
{
	free(ts->priv);
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
	size_t cmp = snap < AFPKT_CMP ? snap : AFPKT_CMP;

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

/* tx_event: send m alone on queue for its TX stamp (ts_source.h). */
static int afpkt_tx_event(struct ts_source *ts, uint16_t queue,
			  struct rte_mbuf *m, uint64_t cookie)
{
	struct afpkt_priv *p = ts->priv;
	const volatile struct afpkt_txq *tq = p->tq;
	struct afpkt_txpend *e;
	unsigned int slot, fc = tq->framecount;
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (queue != p->tx_queue || m->nb_segs != 1 ||
	    (m->ol_flags & RTE_MBUF_F_TX_VLAN) || len > tq->frame_data_size) {
		p->st.tx_refused++;
		return -EBUSY;		/* sent the normal way */
	}
	if (p->pend_len == AFPKT_TX_PEND) {
		p->st.tx_refused++;
		return -ENOSPC;
	}
	e = &p->pend[(p->pend_head + p->pend_len) % AFPKT_TX_PEND];
	slot = tq->framenum;
	e->cookie = cookie;
	e->slot = slot;
	e->len = len;
	memcpy(e->head, rte_pktmbuf_mtod(m, const void *),
	       len < AFPKT_CMP ? len : AFPKT_CMP);
	e->sent_before = timebase_now();
	if (rte_eth_tx_burst(ts->port_id, queue, &m, 1) != 1) {
		p->st.tx_refused++;
		return -EBUSY;		/* m is still the caller's */
	}
	/* the PMD put it in slot and moved on by one (or the send failed) */
	if (tq->framenum != (slot + 1) % fc)
		e->len = 0;		/* no slot to read: no stamp */
	p->pend_len++;
	p->st.tx_sent++;
	return 0;
}

/* The stamp of e if its slot is done: 1 (stamp in *rt), 0 not yet,
 * -ESTALE (sent, but done without a stamp, or the slot holds another
 * frame by now: tc_hwtx then stores the predicted time), -EIO (the PMD
 * put it in no slot: not sent). */
static int afpkt_tx_slot(const struct afpkt_priv *p,
			 const struct afpkt_txpend *e, int64_t *rt)
{
	const volatile struct tpacket2_hdr *hdr;
	uint32_t st, sec, nsec;
	size_t cmp = e->len < AFPKT_CMP ? e->len : AFPKT_CMP;

	if (e->len == 0)
		return -EIO;
	hdr = p->tq->rd[e->slot].iov_base;
	st = hdr->tp_status;
	if (st & (TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING))
		return 0;
	rte_smp_rmb();
	sec = hdr->tp_sec;
	nsec = hdr->tp_nsec;
	if (!(st & TP_STATUS_TS_SOFTWARE) || hdr->tp_len != e->len ||
	    nsec >= 1000000000u ||
	    memcmp((const uint8_t *)hdr + AFPKT_TX_DATA_OFF, e->head,
		   cmp) != 0)
		return -ESTALE;
	rte_smp_rmb();
	if (hdr->tp_status != st || hdr->tp_sec != sec || hdr->tp_nsec != nsec)
		return -ESTALE;		/* taken for the next frame meanwhile */
	*rt = (int64_t)sec * 1000000000 + nsec;
	return 1;
}

/* tx_poll: the oldest request's stamp, in send order. */
static int afpkt_tx_poll(struct ts_source *ts, uint64_t *cookie,
			 uint64_t *tx_ts)
{
	struct afpkt_priv *p = ts->priv;
	struct afpkt_txpend *e;
	uint64_t now;
	int64_t rt = 0, b;
	int r;

	if (p->pend_len == 0)
		return 0;
	e = &p->pend[p->pend_head];
	now = timebase_now();
	r = afpkt_tx_slot(p, e, &rt);
	if (r == 0 && now - e->sent_before <= AFPKT_TX_TIMEOUT_NS)
		return 0;
	*cookie = e->cookie;
	p->pend_head = (p->pend_head + 1) % AFPKT_TX_PEND;
	p->pend_len--;
	if (r == 0) {
		p->st.tx_timeout++;
		return -ETIMEDOUT;
	}
	if (r < 0) {
		p->st.tx_nostamp++;
		return r;
	}
	b = clockmap_to_base(&p->map, rt);
	if (b < (int64_t)e->sent_before - AFPKT_TX_SLACK_NS ||
	    b > (int64_t)now + AFPKT_TX_SLACK_NS) {
		p->st.tx_rejected++;
		return -ESTALE;
	}
	*tx_ts = (uint64_t)b;
	p->st.tx_stamped++;
	return 1;
}

#define AFPKT_OPS_RX				\
	.name = "af_packet-ring",		\
	.open = afpkt_open,			\
	.close = afpkt_close,			\
	.rx_burst = afpkt_rx_burst,		\
	.tx_predict = ts_tx_predict_now,	\
	.refresh = afpkt_refresh

const struct ts_source_ops ts_afpkt_ops = { AFPKT_OPS_RX };

/* The same with TX stamps (open() switches to it when they work). */
const struct ts_source_ops ts_afpkt_tx_ops = {
	AFPKT_OPS_RX,
	.tx_event = afpkt_tx_event,
	.tx_poll = afpkt_tx_poll,
};

const struct ts_afpkt_tx_stats *ts_afpkt_tx_get_stats(const struct ts_source *ts)
{
	const struct afpkt_priv *p = ts->priv;

	return ts->ops == &ts_afpkt_tx_ops && p != NULL ? &p->st : NULL;
}
