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
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <linux/if_packet.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_version.h>

#include "timebase.h"
#include "ts_source.h"

#define AFPKT_XTS_TRIES 5
#define AFPKT_CMP 16		/* frame bytes compared (MACs, EtherType) */
#define AFPKT_MAX_FRAMES (1u << 20)

/* Leading fields of struct pkt_rx_queue, drivers/net/af_packet/
 * rte_eth_af_packet.c, DPDK 22.11 (checked against 22.11.11). */
struct afpkt_rxq {
	int sockfd;
	struct iovec *rd;
	uint8_t *map;
	unsigned int framecount;
	unsigned int framenum;
};

struct afpkt_priv {
	const volatile struct afpkt_rxq *q;
	size_t frame_size;
	struct clockmap map;		/* CLOCK_REALTIME ns -> timebase */
};

static void afpkt_refresh(struct ts_source *ts)
{
	struct afpkt_priv *p = ts->priv;

	timebase_xts_update(&p->map, AFPKT_XTS_TRIES, timebase_read_realtime,
			    NULL);
}

/* Is q what the 22.11 layout says it is? 0 or -ENOTSUP. */
static int afpkt_check(const struct afpkt_rxq *q, size_t *frame_size)
{
	int v = 0, dom = 0;
	socklen_t l = sizeof(v);
	size_t fs;

	if (q == NULL || q->sockfd < 0 || q->rd == NULL || q->map == NULL ||
	    q->framecount < 2 || q->framecount > AFPKT_MAX_FRAMES ||
	    q->framenum >= q->framecount)
		return -ENOTSUP;
	if (getsockopt(q->sockfd, SOL_SOCKET, SO_DOMAIN, &dom, &l) != 0 ||
	    dom != AF_PACKET)
		return -ENOTSUP;
	l = sizeof(v);
	if (getsockopt(q->sockfd, SOL_PACKET, PACKET_VERSION, &v, &l) != 0 ||
	    v != TPACKET_V2)
		return -ENOTSUP;
	if ((uint8_t *)q->rd[0].iov_base != q->map)
		return -ENOTSUP;
	fs = (size_t)((uint8_t *)q->rd[1].iov_base - q->map);
	if (fs < sizeof(struct tpacket2_hdr) || fs > (1u << 20) ||
	    (uint8_t *)q->rd[q->framecount - 1].iov_base !=
	    q->map + fs * (q->framecount - 1))
		return -ENOTSUP;
	*frame_size = fs;
	return 0;
}

static int afpkt_open(struct ts_source *ts)
{
	struct afpkt_priv *p;
	const struct afpkt_rxq *q;
	struct timespec ms10 = { 0, 10 * 1000 * 1000 };
	size_t fs = 0;
	int i;

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
	/* pairs 10 ms apart, so the rate is known before the first packet */
	for (i = 0; i < 4; i++) {
		if (i > 0)
			nanosleep(&ms10, NULL);
		afpkt_refresh(ts);
	}
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

const struct ts_source_ops ts_afpkt_ops = {
	.name = "af_packet-ring",
	.open = afpkt_open,
	.close = afpkt_close,
	.rx_burst = afpkt_rx_burst,
	.tx_predict = ts_tx_predict_now,
	.refresh = afpkt_refresh,
};
