/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_ptpsim: test-only vdev with a simulated PHC and one-deep timestamp
 * latches. See ptpsim.h for the model. Built only when the DPDK driver-SDK
 * headers are available (scripts/fetch-dpdk-sdk.sh).
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>
#include <rte_spinlock.h>

#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <bus_vdev_driver.h>

#include "ptpsim_private.h"

RTE_LOG_REGISTER(ptpsim_logtype, pmd.net.ptpsim, NOTICE);
#define PSIM_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, ptpsim_logtype, "ptpsim: " fmt "\n", \
		##__VA_ARGS__)

static const struct eth_dev_ops ptpsim_ops;
static int ptpsim_arrival_off = -1;	/* private dynfield: wire arrival */
static int ptpsim_ts_off = -1;		/* RX timestamp dynfield */
static uint64_t ptpsim_ts_flag;
static uint32_t ptpsim_nports;

/* ---- frame recognition --------------------------------------------------- */

/* Offset of the PTP header in m, or -1. Sets *event from the UDP port. */
static int ptpsim_ptp_offset(const struct rte_mbuf *m, bool *udp_event)
{
	uint8_t b[64];
	const uint8_t *p;
	uint32_t off = 12;
	uint16_t et;

	p = rte_pktmbuf_read(m, 0, RTE_MIN((uint32_t)sizeof(b),
					   rte_pktmbuf_pkt_len(m)), b);
	if (p == NULL || rte_pktmbuf_pkt_len(m) < 14)
		return -1;
	et = (uint16_t)(p[off] << 8 | p[off + 1]);
	if (et == RTE_ETHER_TYPE_VLAN || et == RTE_ETHER_TYPE_QINQ) {
		off += 4;
		if (rte_pktmbuf_pkt_len(m) < off + 2)
			return -1;
		et = (uint16_t)(p[off] << 8 | p[off + 1]);
	}
	off += 2;
	*udp_event = true;
	if (et == 0x88F7)
		return (int)off;
	if (et == RTE_ETHER_TYPE_IPV4) {
		uint32_t ihl;

		if (rte_pktmbuf_pkt_len(m) < off + 20 || (p[off] >> 4) != 4)
			return -1;
		ihl = (p[off] & 0xF) * 4u;
		if (ihl < 20 || p[off + 9] != IPPROTO_UDP ||
		    ((p[off + 6] & 0x3F) | p[off + 7]) != 0)
			return -1;
		off += ihl;
	} else if (et == RTE_ETHER_TYPE_IPV6) {
		if (rte_pktmbuf_pkt_len(m) < off + 40 || p[off + 6] != IPPROTO_UDP)
			return -1;
		off += 40;
	} else {
		return -1;
	}
	if (rte_pktmbuf_pkt_len(m) < off + 8 || off + 4 > sizeof(b))
		return -1;
	{
		uint16_t dport = (uint16_t)(p[off + 2] << 8 | p[off + 3]);

		if (dport != PTPSIM_PTP_EVENT_PORT &&
		    dport != PTPSIM_PTP_GENERAL_PORT)
			return -1;
		*udp_event = dport == PTPSIM_PTP_EVENT_PORT;
	}
	return (int)(off + 8);
}

static struct ptpsim_ptp ptpsim_classify(const struct rte_mbuf *m)
{
	struct ptpsim_ptp r = { 0 };
	uint8_t b[PTPSIM_PTP_HDR_LEN];
	const uint8_t *h;
	bool udp_event;
	int off = ptpsim_ptp_offset(m, &udp_event);

	if (off < 0)
		return r;
	h = rte_pktmbuf_read(m, (uint32_t)off, sizeof(b), b);
	if (h == NULL)
		return r;
	r.is_ptp = true;
	r.msg_type = h[0] & 0x0F;
	r.event = udp_event && r.msg_type < 8;
	r.domain = h[4];
	r.seq_id = (uint16_t)(h[30] << 8 | h[31]);
	return r;
}

/* ---- RX / TX ------------------------------------------------------------- */

static inline uint64_t *ptpsim_arrival(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, ptpsim_arrival_off, uint64_t *);
}

static void ptpsim_rx_one(struct ptpsim_port *p, struct rte_mbuf *m,
			  uint64_t wire_t)
{
	uint64_t stamp_t = wire_t + p->cfg.rx_lat_ns;
	int64_t phc = ptpsim_phc_at_true(&p->clk, stamp_t);
	struct ptpsim_ptp ptp = ptpsim_classify(m);

	m->port = p->port_id;
	m->ol_flags = 0;
	m->packet_type = 0;
	m->timesync = 0;
	p->cnt.rx_pkts++;
	if (p->cfg.dynfield && ptpsim_ts_off >= 0) {
		*RTE_MBUF_DYNFIELD(m, ptpsim_ts_off, rte_mbuf_timestamp_t *) =
			(rte_mbuf_timestamp_t)phc;
		m->ol_flags |= ptpsim_ts_flag;
	}
	if (!ptp.is_ptp || !__atomic_load_n(&p->enabled, __ATOMIC_RELAXED))
		return;
	p->cnt.rx_ptp++;
	m->ol_flags |= RTE_MBUF_F_RX_IEEE1588_PTP;
	if (!ptp.event)
		return;
	struct ptpsim_record rec = {
		.msg_type = ptp.msg_type, .domain = ptp.domain,
		.seq_id = ptp.seq_id, .true_stamp_ns = stamp_t,
		.true_wire_ns = wire_t, .phc_ns = (uint64_t)phc,
	};
	if (ptpsim_latch_put(&p->rx_latch, phc)) {
		rec.latched = true;
		p->cnt.rx_latched++;
		m->ol_flags |= RTE_MBUF_F_RX_IEEE1588_TMST;
	} else {
		p->cnt.rx_latch_busy++;
	}
	ptpsim_log_add(&p->rxlog, &rec);
}

static struct rte_ring *ptpsim_ring(struct rte_ring **cache, const char *name)
{
	if (*cache == NULL && name[0] != '\0')
		*cache = rte_ring_lookup(name);
	return *cache;
}

/* Next frame that has reached the RX timestamp point by now, or NULL. */
static struct rte_mbuf *ptpsim_rx_next(struct ptpsim_port *p, uint64_t now,
				       uint64_t *wire_t)
{
	struct rte_ring *ext;
	struct rte_mbuf *m = p->held;

	if (m == NULL && rte_ring_sc_dequeue(p->fifo, (void **)&m) != 0)
		m = NULL;
	if (m != NULL) {
		*wire_t = *ptpsim_arrival(m);
		if (*wire_t + p->cfg.rx_lat_ns > now) {
			p->held = m;
			return NULL;
		}
		p->held = NULL;
		return m;
	}
	ext = ptpsim_ring(&p->rxring, p->cfg.rxring);
	if (ext == NULL || rte_ring_dequeue(ext, (void **)&m) != 0)
		return NULL;
	*wire_t = now - p->cfg.rx_lat_ns;
	return m;
}

static uint16_t ptpsim_rx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct ptpsim_port *p = ((struct ptpsim_queue *)q)->p;
	uint64_t now = ptpsim_true_now();
	uint64_t wire_t;
	uint16_t i = 0;

	while (i < n) {
		struct rte_mbuf *m = ptpsim_rx_next(p, now, &wire_t);

		if (m == NULL)
			break;
		ptpsim_rx_one(p, m, wire_t);
		pkts[i++] = m;
	}
	return i;
}

static struct ptpsim_port *ptpsim_peer(struct ptpsim_port *p)
{
	uint16_t pid;

	if (p->peer != NULL || p->cfg.peer[0] == '\0')
		return p->peer;
	if (rte_eth_dev_get_port_by_name(p->cfg.peer, &pid) != 0 ||
	    rte_eth_devices[pid].dev_ops != &ptpsim_ops)
		return NULL;
	p->peer = rte_eth_devices[pid].data->dev_private;
	return p->peer;
}

static void ptpsim_tx_stamp(struct ptpsim_port *p, struct rte_mbuf *m,
			    uint64_t now)
{
	bool want = (m->ol_flags & RTE_MBUF_F_TX_IEEE1588_TMST) &&
		    __atomic_load_n(&p->enabled, __ATOMIC_RELAXED);
	struct ptpsim_ptp ptp = ptpsim_classify(m);
	int64_t phc = ptpsim_phc_at_true(&p->clk, now);
	struct ptpsim_record rec = {
		.msg_type = ptp.msg_type, .domain = ptp.domain,
		.seq_id = ptp.seq_id, .true_stamp_ns = now,
		.true_wire_ns = now + p->cfg.tx_lat_ns, .phc_ns = (uint64_t)phc,
	};

	if (want) {
		p->cnt.tx_tmst_req++;
		if (ptpsim_latch_put(&p->tx_latch, phc)) {
			p->cnt.tx_latched++;
			rec.latched = true;
		} else {
			p->cnt.tx_latch_lost++;
		}
	}
	if (ptp.is_ptp && (ptp.event || want))
		ptpsim_log_add(&p->txlog, &rec);
}

static void ptpsim_tx_deliver(struct ptpsim_port *p, struct rte_mbuf *m,
			      uint64_t now)
{
	struct ptpsim_port *peer = ptpsim_peer(p);
	struct rte_ring *r;

	if (peer != NULL && !peer->closed) {
		*ptpsim_arrival(m) = now + p->cfg.tx_lat_ns + p->cfg.wire_ns;
		if (rte_ring_sp_enqueue(peer->fifo, m) == 0)
			return;
	} else if ((r = ptpsim_ring(&p->txring, p->cfg.txring)) != NULL) {
		if (rte_ring_enqueue(r, m) == 0)
			return;
	}
	p->cnt.tx_dropped++;
	rte_pktmbuf_free(m);
}

static uint16_t ptpsim_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct ptpsim_port *p = ((struct ptpsim_queue *)q)->p;
	uint64_t now = ptpsim_true_now();
	uint16_t i;

	for (i = 0; i < n; i++) {
		ptpsim_tx_stamp(p, pkts[i], now);
		p->cnt.tx_pkts++;
		ptpsim_tx_deliver(p, pkts[i], now);
	}
	return n;
}

/* ---- ethdev ops ---------------------------------------------------------- */

static int ptpsim_configure(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static int ptpsim_start(struct rte_eth_dev *dev)
{
	dev->data->dev_link.link_status = RTE_ETH_LINK_UP;
	dev->data->rx_queue_state[0] = RTE_ETH_QUEUE_STATE_STARTED;
	dev->data->tx_queue_state[0] = RTE_ETH_QUEUE_STATE_STARTED;
	return 0;
}

static int ptpsim_stop(struct rte_eth_dev *dev)
{
	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	dev->data->rx_queue_state[0] = RTE_ETH_QUEUE_STATE_STOPPED;
	dev->data->tx_queue_state[0] = RTE_ETH_QUEUE_STATE_STOPPED;
	return 0;
}

static void ptpsim_drain(struct ptpsim_port *p)
{
	struct rte_mbuf *m;

	if (p->held != NULL)
		rte_pktmbuf_free(p->held);
	p->held = NULL;
	while (p->fifo && rte_ring_dequeue(p->fifo, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

static int ptpsim_close(struct rte_eth_dev *dev)
{
	struct ptpsim_port *p = dev->data->dev_private;
	uint16_t pid;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY || p->closed)
		return 0;
	p->closed = true;
	RTE_ETH_FOREACH_DEV(pid) {
		struct rte_eth_dev *d = &rte_eth_devices[pid];

		if (d->dev_ops == &ptpsim_ops && d != dev) {
			struct ptpsim_port *o = d->data->dev_private;

			if (o->peer == p)
				o->peer = NULL;
		}
	}
	ptpsim_drain(p);
	rte_ring_free(p->fifo);
	p->fifo = NULL;
	dev->data->mac_addrs = NULL;	/* lives in dev_private */
	return 0;
}

static int ptpsim_infos_get(struct rte_eth_dev *dev,
			    struct rte_eth_dev_info *info)
{
	struct ptpsim_port *p = dev->data->dev_private;

	info->max_mac_addrs = 1;
	info->max_rx_pktlen = 9600;
	info->max_rx_queues = 1;
	info->max_tx_queues = 1;
	info->min_rx_bufsize = 0;
	info->rx_offload_capa = p->cfg.dynfield ? RTE_ETH_RX_OFFLOAD_TIMESTAMP : 0;
	info->speed_capa = RTE_ETH_LINK_SPEED_10G;
	return 0;
}

static int ptpsim_rxq_setup(struct rte_eth_dev *dev, uint16_t qid,
			    uint16_t nb_desc __rte_unused,
			    unsigned int socket __rte_unused,
			    const struct rte_eth_rxconf *conf __rte_unused,
			    struct rte_mempool *mp)
{
	struct ptpsim_port *p = dev->data->dev_private;

	if (qid != 0)
		return -EINVAL;
	p->rxq.p = p;
	p->rxq.mp = mp;
	dev->data->rx_queues[qid] = &p->rxq;
	return 0;
}

static int ptpsim_txq_setup(struct rte_eth_dev *dev, uint16_t qid,
			    uint16_t nb_desc __rte_unused,
			    unsigned int socket __rte_unused,
			    const struct rte_eth_txconf *conf __rte_unused)
{
	struct ptpsim_port *p = dev->data->dev_private;

	if (qid != 0)
		return -EINVAL;
	p->txq.p = p;
	dev->data->tx_queues[qid] = &p->txq;
	return 0;
}

static int ptpsim_link_update(struct rte_eth_dev *dev,
			      int wait __rte_unused)
{
	dev->data->dev_link.link_speed = RTE_ETH_SPEED_NUM_10G;
	dev->data->dev_link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	dev->data->dev_link.link_autoneg = RTE_ETH_LINK_FIXED;
	return 0;
}

static int ptpsim_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *s)
{
	struct ptpsim_port *p = dev->data->dev_private;

	s->ipackets = p->cnt.rx_pkts;
	s->opackets = p->cnt.tx_pkts;
	s->oerrors = p->cnt.tx_dropped;
	return 0;
}

static int ptpsim_ok(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static int ptpsim_ts_enable(struct rte_eth_dev *dev)
{
	struct ptpsim_port *p = dev->data->dev_private;

	__atomic_store_n(&p->rx_latch.full, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&p->tx_latch.full, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&p->enabled, 1, __ATOMIC_RELEASE);
	return 0;
}

static int ptpsim_ts_disable(struct rte_eth_dev *dev)
{
	struct ptpsim_port *p = dev->data->dev_private;

	__atomic_store_n(&p->enabled, 0, __ATOMIC_RELEASE);
	return 0;
}

static int ptpsim_read_rx(struct rte_eth_dev *dev, struct timespec *ts,
			  uint32_t flags __rte_unused)
{
	struct ptpsim_port *p = dev->data->dev_private;

	return ptpsim_latch_read(&p->rx_latch, &p->cnt.rx_latch_read, ts);
}

static int ptpsim_read_tx(struct rte_eth_dev *dev, struct timespec *ts)
{
	struct ptpsim_port *p = dev->data->dev_private;

	return ptpsim_latch_read(&p->tx_latch, &p->cnt.tx_latch_read, ts);
}

static int ptpsim_adjust(struct rte_eth_dev *dev, int64_t delta)
{
	struct ptpsim_port *p = dev->data->dev_private;

	ptpsim_clk_modify(&p->clk, delta, NULL, NULL);
	return 0;
}

static int ptpsim_read_time(struct rte_eth_dev *dev, struct timespec *ts)
{
	struct ptpsim_port *p = dev->data->dev_private;

	ns_to_timespec(ptpsim_phc_at_true(&p->clk, ptpsim_true_now()), ts);
	return 0;
}

static int ptpsim_write_time(struct rte_eth_dev *dev,
			     const struct timespec *ts)
{
	struct ptpsim_port *p = dev->data->dev_private;
	int64_t v = (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;

	ptpsim_clk_modify(&p->clk, 0, &v, NULL);
	return 0;
}

static int ptpsim_read_clock(struct rte_eth_dev *dev, uint64_t *clk)
{
	struct ptpsim_port *p = dev->data->dev_private;

	*clk = (uint64_t)ptpsim_phc_at_true(&p->clk, ptpsim_true_now());
	return 0;
}

static const struct eth_dev_ops ptpsim_ops = {
	.dev_configure = ptpsim_configure,
	.dev_start = ptpsim_start,
	.dev_stop = ptpsim_stop,
	.dev_close = ptpsim_close,
	.dev_infos_get = ptpsim_infos_get,
	.rx_queue_setup = ptpsim_rxq_setup,
	.tx_queue_setup = ptpsim_txq_setup,
	.link_update = ptpsim_link_update,
	.stats_get = ptpsim_stats_get,
	.promiscuous_enable = ptpsim_ok,
	.promiscuous_disable = ptpsim_ok,
	.allmulticast_enable = ptpsim_ok,
	.allmulticast_disable = ptpsim_ok,
	.timesync_enable = ptpsim_ts_enable,
	.timesync_disable = ptpsim_ts_disable,
	.timesync_read_rx_timestamp = ptpsim_read_rx,
	.timesync_read_tx_timestamp = ptpsim_read_tx,
	.timesync_adjust_time = ptpsim_adjust,
	.timesync_read_time = ptpsim_read_time,
	.timesync_write_time = ptpsim_write_time,
	.read_clock = ptpsim_read_clock,
};

/* ---- devargs ------------------------------------------------------------- */

static const char *const ptpsim_keys[] = {
	"peer", "rxring", "txring", "ppm", "offset_ns", "wire_ns",
	"rx_lat_ns", "tx_lat_ns", "dynfield", NULL,
};

static int ptpsim_parse_i64(const char *v, int64_t *out)
{
	char *end;
	long long x;

	errno = 0;
	x = strtoll(v, &end, 0);
	if (errno != 0 || end == v || *end != '\0')
		return -EINVAL;
	*out = x;
	return 0;
}

static int ptpsim_kv(const char *key, const char *val, void *opaque)
{
	struct ptpsim_cfg *c = opaque;
	int64_t x = 0;
	char *end;

	if (!strcmp(key, "peer"))
		return snprintf(c->peer, sizeof(c->peer), "%s", val) <
		       (int)sizeof(c->peer) ? 0 : -EINVAL;
	if (!strcmp(key, "rxring"))
		return snprintf(c->rxring, sizeof(c->rxring), "%s", val) <
		       (int)sizeof(c->rxring) ? 0 : -EINVAL;
	if (!strcmp(key, "txring"))
		return snprintf(c->txring, sizeof(c->txring), "%s", val) <
		       (int)sizeof(c->txring) ? 0 : -EINVAL;
	if (!strcmp(key, "ppm")) {
		c->ppm = strtod(val, &end);
		return (end != val && *end == '\0' && fabs(c->ppm) <= 1e5) ?
		       0 : -EINVAL;
	}
	if (ptpsim_parse_i64(val, &x) != 0)
		return -EINVAL;
	if (!strcmp(key, "offset_ns"))
		c->offset_ns = x;
	else if (x < 0 || x > 1000000000LL)
		return -EINVAL;
	else if (!strcmp(key, "wire_ns"))
		c->wire_ns = (uint64_t)x;
	else if (!strcmp(key, "rx_lat_ns"))
		c->rx_lat_ns = (uint64_t)x;
	else if (!strcmp(key, "tx_lat_ns"))
		c->tx_lat_ns = (uint64_t)x;
	else if (!strcmp(key, "dynfield"))
		c->dynfield = x != 0;
	return 0;
}

static int ptpsim_parse(const char *args, struct ptpsim_cfg *c)
{
	struct rte_kvargs *kv;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	if (args == NULL || args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(args, ptpsim_keys);
	if (kv == NULL)
		return -EINVAL;
	for (const char *const *k = ptpsim_keys; *k && ret == 0; k++)
		if (rte_kvargs_count(kv, *k) > 0)
			ret = rte_kvargs_process(kv, *k, ptpsim_kv, c);
	rte_kvargs_free(kv);
	return ret < 0 ? ret : 0;
}

/* ---- probe / remove ------------------------------------------------------ */

static int ptpsim_register_fields(bool dynfield)
{
	static const struct rte_mbuf_dynfield arr = {
		.name = "ptpsim_dynfield_arrival",
		.size = sizeof(uint64_t),
		.align = __alignof__(uint64_t),
	};

	if (ptpsim_arrival_off < 0)
		ptpsim_arrival_off = rte_mbuf_dynfield_register(&arr);
	if (ptpsim_arrival_off < 0)
		return -rte_errno;
	if (dynfield && ptpsim_ts_off < 0 &&
	    rte_mbuf_dyn_rx_timestamp_register(&ptpsim_ts_off,
					       &ptpsim_ts_flag) != 0) {
		ptpsim_ts_off = -1;
		return -rte_errno;
	}
	return 0;
}

static int ptpsim_init_port(struct rte_eth_dev *dev, struct ptpsim_port *p,
			    const struct ptpsim_cfg *cfg)
{
	char rname[RTE_RING_NAMESIZE];
	uint32_t idx = __atomic_fetch_add(&ptpsim_nports, 1, __ATOMIC_RELAXED);
	uint64_t t = ptpsim_true_now();

	p->cfg = *cfg;
	p->port_id = dev->data->port_id;
	rte_spinlock_init(&p->clk.wlock);
	ptpsim_clk_set(&p->clk, t, (int64_t)t + cfg->offset_ns,
		       (int64_t)llround(cfg->ppm * 1e6));
	snprintf(rname, sizeof(rname), "ptpsim_q%u", idx);
	p->fifo = rte_ring_create(rname, PTPSIM_FIFO_SIZE, dev->data->numa_node,
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (p->fifo == NULL)
		return -rte_errno;
	p->mac = (struct rte_ether_addr){ .addr_bytes = { 0x02, 0x50, 0x54,
		(uint8_t)(idx >> 16), (uint8_t)(idx >> 8), (uint8_t)idx } };
	dev->data->mac_addrs = &p->mac;
	dev->data->dev_link.link_status = RTE_ETH_LINK_DOWN;
	dev->data->dev_link.link_speed = RTE_ETH_SPEED_NUM_10G;
	dev->data->dev_link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	dev->dev_ops = &ptpsim_ops;
	dev->rx_pkt_burst = ptpsim_rx_burst;
	dev->tx_pkt_burst = ptpsim_tx_burst;
	return 0;
}

static int ptpsim_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct ptpsim_cfg cfg;
	struct rte_eth_dev *dev;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -ENOTSUP;
	ret = ptpsim_parse(rte_vdev_device_args(vdev), &cfg);
	if (ret != 0) {
		PSIM_LOG(ERR, "%s: bad devargs '%s'", name,
			 rte_vdev_device_args(vdev));
		return ret;
	}
	ret = ptpsim_register_fields(cfg.dynfield);
	if (ret != 0)
		return ret;
	dev = rte_eth_vdev_allocate(vdev, sizeof(struct ptpsim_port));
	if (dev == NULL)
		return -ENOMEM;
	ret = ptpsim_init_port(dev, dev->data->dev_private, &cfg);
	if (ret != 0) {
		rte_eth_dev_release_port(dev);
		return ret;
	}
	rte_eth_dev_probing_finish(dev);
	PSIM_LOG(INFO, "%s: port %u ppm %.3f offset %" PRId64 " ns", name,
		 dev->data->port_id, cfg.ppm, cfg.offset_ns);
	return 0;
}

static int ptpsim_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0;
	ptpsim_close(dev);
	rte_eth_dev_release_port(dev);
	return 0;
}

static struct rte_vdev_driver ptpsim_vdev_drv = {
	.probe = ptpsim_probe,
	.remove = ptpsim_remove,
};

RTE_PMD_REGISTER_VDEV(net_ptpsim, ptpsim_vdev_drv);
RTE_PMD_REGISTER_PARAM_STRING(net_ptpsim,
	"peer=<name> rxring=<ring> txring=<ring> ppm=<float> offset_ns=<int> "
	"wire_ns=<int> rx_lat_ns=<int> tx_lat_ns=<int> dynfield=<0|1>");

/* ---- test hooks ---------------------------------------------------------- */

struct ptpsim_port *ptpsim_port_of(uint16_t port_id)
{
	if (!rte_eth_dev_is_valid_port(port_id) ||
	    rte_eth_devices[port_id].dev_ops != &ptpsim_ops)
		return NULL;
	return rte_eth_devices[port_id].data->dev_private;
}

int ptpsim_dynfield_offset(void)
{
	return ptpsim_ts_off;
}
