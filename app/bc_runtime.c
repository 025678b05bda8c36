/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bc_runtime: boundary-clock instances on the control lcore, their UDP
 * transport over ptpsw's own port addresses, and their status.
 * See bc_runtime.h.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "app.h"
#include "bc_runtime.h"
#include "meta.h"
#include "neigh.h"
#include "net/frame.h"
#include "status.h"
#include "timebase.h"
#include "worker.h"

#define RT_PEND		16	/* TX timestamps waiting to be handed back */
#define RT_AGE_NS	(1000ull * 1000 * 1000)
#define IP4_TTL_MCAST	1	/* like ptp4l's udp_ttl: link-local reach */
#define IP_TTL_UCAST	64

struct rt_inst {
	struct bc bc;			/* must not move after bc_init */
	struct app *app;
	unsigned int k;			/* index in conf.bcs */
	int8_t idx_of[CONF_MAX_PORTS];	/* conf port -> bc port, or -1 */
	uint32_t ep13_logged;		/* bc ports held by EP-13, as logged */
	uint8_t mc6_ip[16];		/* FF0X::181 of the frame being built */
	struct bc_runtime_stats st;
	unsigned int n_pend;
	struct {
		uint8_t port, type;
		uint16_t seq;
		uint64_t sent;		/* when queued (timeout) */
		struct rte_mbuf *m;	/* our reference: meta gets the stamp */
	} pend[RT_PEND];
};

struct bc_runtime {
	struct neigh neigh;
	unsigned int n;
	struct rt_inst *inst[CONF_MAX_BC];
	uint64_t last_age;
	uint16_t ip_id;
};

static const uint8_t mc4_ip[4] = { 224, 0, 1, 129 };
static const uint8_t mc4_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x01, 0x81 };
static const uint8_t mc6_ip[16] = { 0xff, 0x0e, [14] = 0x01, [15] = 0x81 };
static const uint8_t mc6_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x01, 0x81 };

/* ---- transmission ---- */

int bc_runtime_xmit(struct app *app, unsigned int port, struct rte_mbuf *m)
{
	m->port = (uint16_t)port;
	if (app->ctl_tx_ring == NULL ||
	    rte_ring_sp_enqueue(app->ctl_tx_ring, m) != 0) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	return 0;
}

static uint16_t ip4_csum(const uint8_t *h)
{
	uint32_t s = 0;
	unsigned int i;

	for (i = 0; i < 20; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

/* IPv4 header (20 bytes) of a UDP datagram of udp_len bytes. */
static void ip4_hdr(uint8_t *h, uint16_t udp_len, uint16_t id, uint8_t ttl,
		    const uint8_t *src, const uint8_t *dst)
{
	uint16_t tot = (uint16_t)(20 + udp_len), cs;

	h[0] = 0x45;
	h[2] = (uint8_t)(tot >> 8);
	h[3] = (uint8_t)tot;
	h[4] = (uint8_t)(id >> 8);
	h[5] = (uint8_t)id;
	h[6] = 0x40;			/* DF */
	h[8] = ttl;
	h[9] = 17;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	cs = ip4_csum(h);
	h[10] = (uint8_t)(cs >> 8);
	h[11] = (uint8_t)cs;
}

static void ip6_hdr(uint8_t *h, uint16_t udp_len, uint8_t hops,
		    const uint8_t *src, const uint8_t *dst)
{
	h[0] = 0x60;
	h[4] = (uint8_t)(udp_len >> 8);
	h[5] = (uint8_t)udp_len;
	h[6] = 17;
	h[7] = hops;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
}

/* Destination MAC and IP of tx on conf port; -errno when unknown. */
static int tx_dest(struct rt_inst *ri, unsigned int port,
		   const struct bc_tx *tx, bool v6, uint8_t *mac,
		   const uint8_t **ip, uint64_t now)
{
	struct app *app = ri->app;

	if (!tx->unicast) {
		memcpy(mac, v6 ? mc6_mac : mc4_mac, 6);
		*ip = mc4_ip;
		if (v6) {	/* FF0X::181, X the message's or configured */
			memcpy(ri->mc6_ip, mc6_ip, 16);
			ri->mc6_ip[1] = tx->mcast_scope ? tx->mcast_scope :
				conf_ipv6_scope_nibble(ri->bc.cfg.ipv6_multicast_scope);
			*ip = ri->mc6_ip;
		}
		return 0;
	}
	if (tx->dst.is_v6 != v6)
		return -EAFNOSUPPORT;
	*ip = tx->dst.a;
	if (neigh_resolve(app, &app->bcrt->neigh, port, &tx->dst, mac,
			  now) != 0) {
		ri->st.tx_unresolved++;
		return -EAGAIN;
	}
	return 0;
}

/* Ethernet + IP + UDP around the PTP message; UDP checksum computed. */
static struct rte_mbuf *tx_build(struct rt_inst *ri, unsigned int port,
				 const struct bc_tx *tx, bool v6,
				 const uint8_t *dmac, const uint8_t *dip)
{
	struct app *app = ri->app;
	const struct conf_port *cp = &app->conf.ports[port];
	uint16_t l3 = v6 ? 40 : 20, udp_len = (uint16_t)(8 + tx->len);
	uint16_t len = (uint16_t)(14 + l3 + udp_len), flen, cs;
	uint16_t sport = tx->event ? PTP_UDP_EVENT : PTP_UDP_GENERAL;
	static const uint8_t zero[16];
	struct frame_info fi;
	struct rte_mbuf *m;
	uint8_t *p, *u;

	if (!(v6 ? cp->ipv6.set : cp->ipv4.set)) {
		ri->st.tx_no_addr++;	/* v4 goes out from 0.0.0.0 */
		if (v6)
			return NULL;
	}
	m = rte_pktmbuf_alloc(app->pool);
	flen = len < 60 ? 60 : len;
	p = m ? (uint8_t *)rte_pktmbuf_append(m, flen) : NULL;
	if (p == NULL) {
		rte_pktmbuf_free(m);
		ri->st.tx_no_mbuf++;
		return NULL;
	}
	memset(p, 0, flen);
	memcpy(p, dmac, 6);
	memcpy(p + 6, app->ports[port].mac.addr_bytes, 6);
	p[12] = v6 ? 0x86 : 0x08;
	p[13] = v6 ? 0xDD : 0x00;
	if (v6)
		ip6_hdr(p + 14, udp_len, tx->unicast ? IP_TTL_UCAST : 1,
			cp->ipv6.addr.s6_addr, dip);
	else
		ip4_hdr(p + 14, udp_len, app->bcrt->ip_id++,
			tx->unicast ? IP_TTL_UCAST : IP4_TTL_MCAST,
			cp->ipv4.set ? (const uint8_t *)&cp->ipv4.addr : zero,
			dip);
	u = p + 14 + l3;
	u[0] = u[2] = (uint8_t)(sport >> 8);
	u[1] = u[3] = (uint8_t)sport;
	u[4] = (uint8_t)(udp_len >> 8);
	u[5] = (uint8_t)udp_len;
	memcpy(u + 8, tx->buf, tx->len);
	/* the classifier checks what we built, and locates the checksum */
	if (frame_classify(p, len, &fi) != FRAME_PTP ||
	    (cs = frame_udp_csum(p, len, &fi)) == 0) {
		rte_pktmbuf_free(m);
		ri->st.tx_no_mbuf++;
		return NULL;
	}
	u[6] = (uint8_t)(cs >> 8);
	u[7] = (uint8_t)cs;
	return m;
}

static int rt_send(void *arg, const struct bc_tx *tx)
{
	struct rt_inst *ri = arg;
	struct app *app = ri->app;
	unsigned int port = (unsigned int)ri->bc.cfg.ports[tx->port];
	bool v6 = ri->bc.cfg.transport == CONF_UDPV6;
	uint64_t now = timebase_now();
	const uint8_t *dip;
	struct rte_mbuf *m;
	uint8_t dmac[6];
	bool want;
	int rc;

	rc = tx_dest(ri, port, tx, v6, dmac, &dip, now);
	if (rc != 0)
		return rc;
	m = tx_build(ri, port, tx, v6, dmac, dip);
	if (m == NULL)
		return -ENOMEM;
	want = tx->want_ts && ri->n_pend < RT_PEND;
	meta_get(m, app->meta_offset)->flags = want ? BC_RT_TS_WANTED : 0;
	if (want)
		rte_mbuf_refcnt_update(m, 1);	/* kept until stamped */
	if (bc_runtime_xmit(app, port, m) != 0) {
		if (want)
			rte_pktmbuf_free(m);
		ri->st.tx_ring_full++;
		return -ENOBUFS;
	}
	ri->st.tx++;
	if (want) {
		ri->pend[ri->n_pend].port = (uint8_t)tx->port;
		ri->pend[ri->n_pend].type = tx->type;
		ri->pend[ri->n_pend].seq = tx->seq;
		ri->pend[ri->n_pend].sent = now;
		ri->pend[ri->n_pend].m = m;
		ri->n_pend++;
	}
	return 0;
}

static const struct bc_ops rt_ops = { .send = rt_send };

/* Hand the TX timestamps worker 0 wrote back to the instance (outside
 * send(): bc may send again, e.g. the Follow_Up). */
static void flush_pending(struct rt_inst *ri, uint64_t now)
{
	unsigned int i = 0;

	while (i < ri->n_pend) {
		struct rte_mbuf *m = ri->pend[i].m;
		struct pkt_meta *pm = meta_get(m, ri->app->meta_offset);
		uint8_t port = ri->pend[i].port, type = ri->pend[i].type;
		uint16_t seq = ri->pend[i].seq;
		bool done = __atomic_load_n(&pm->flags, __ATOMIC_ACQUIRE) ==
			    BC_RT_TS_DONE;
		uint64_t ts = pm->rx_ts;

		if (!done && now - ri->pend[i].sent < BC_RT_TS_TIMEOUT_NS) {
			i++;
			continue;
		}
		rte_pktmbuf_free(m);
		ri->pend[i] = ri->pend[--ri->n_pend];
		if (!done) {
			ri->st.tx_ts_lost++;
			continue;
		}
		ri->st.tx_ts++;
		bc_tx_timestamp(&ri->bc, port, type, seq,
				tmv_from_ns((int64_t)ts));
	}
}

/* ---- reception ---- */

static bool own_ip(const struct app *app, bool v6, const uint8_t *ip)
{
	unsigned int i;

	for (i = 0; i < app->n_ports; i++) {
		const struct conf_port *cp = &app->conf.ports[i];

		if (!v6 && cp->ipv4.set && memcmp(&cp->ipv4.addr, ip, 4) == 0)
			return true;
		if (v6 && cp->ipv6.set && memcmp(&cp->ipv6.addr, ip, 16) == 0)
			return true;
	}
	return false;
}

static void ptp_input(struct app *app, unsigned int in, const uint8_t *data,
		      const struct frame_info *fi, uint64_t rx_ts)
{
	struct bc_runtime *rt = app->bcrt;
	int k = conf_bc_for_domain(&app->conf, fi->domain);
	const uint8_t *ip = data + fi->l3_off;
	struct rt_inst *ri;
	struct bc_rx rx;
	bool v6;
	int idx;

	if (k < 0 || (unsigned int)k >= rt->n) {
		app->ctl[in].bc_no_instance++;
		return;
	}
	ri = rt->inst[k];
	v6 = ri->bc.cfg.transport == CONF_UDPV6;
	if (fi->n_vlans || fi->l3 != (v6 ? FRAME_L3_IPV6 : FRAME_L3_IPV4)) {
		ri->st.rx_wrong_transport++;
		return;
	}
	idx = ri->idx_of[in];
	if (idx < 0) {
		ri->st.rx_not_bc_port++;
		return;
	}
	if (!(fi->flags & FRAME_F_L3_MCAST) &&
	    !own_ip(app, v6, ip + (v6 ? 24 : 16))) {
		ri->st.rx_not_ours++;
		return;
	}
	memset(&rx, 0, sizeof(rx));
	rx.ts = tmv_from_ns((int64_t)rx_ts);
	rx.src.is_v6 = v6;
	memcpy(rx.src.a, ip + (v6 ? 8 : 12), v6 ? 16 : 4);
	rx.dst_multicast = (fi->flags & FRAME_F_L3_MCAST) != 0;
	if (v6 && rx.dst_multicast)	/* FF0X::181: answer on scope X */
		rx.mcast_scope = ip[24 + 1] & 0x0f;
	neigh_glean(&rt->neigh, in, v6, rx.src.a, data + 6, timebase_now());
	ri->st.rx++;
	bc_rx(&ri->bc, (unsigned int)idx, data + fi->ptp_off, fi->ptp_len, &rx);
}

void bc_runtime_input(struct app *app, struct rte_mbuf *m)
{
	const struct pkt_meta *pm = meta_get(m, app->meta_offset);
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	unsigned int in = pm->in_port;
	struct frame_info fi;

	if (in >= app->n_ports) {
		rte_pktmbuf_free(m);
		return;
	}
	if (app->bcrt == NULL) {
		app->ctl[in].bc_no_instance++;
		rte_pktmbuf_free(m);
		return;
	}
	if (frame_classify(data, len, &fi) == FRAME_PTP) {
		ptp_input(app, in, data, &fi, pm->rx_ts);
	} else {
		app->ctl[in].local_rx++;
		neigh_input(app, &app->bcrt->neigh, in, data, len,
			    timebase_now());
	}
	rte_pktmbuf_free(m);
}

/* TX timestamps first, so that a Delay_Resp drained next finds its t3. */
void bc_runtime_flush(struct app *app, uint64_t now)
{
	struct bc_runtime *rt = app->bcrt;
	unsigned int i;

	if (rt == NULL)
		return;
	for (i = 0; i < rt->n; i++)
		flush_pending(rt->inst[i], now);
}

unsigned int bc_runtime_ep13_ports(const struct app *app, const struct bc *bc,
				   char *buf, size_t len)
{
	unsigned int p, n = 0;
	size_t o = 0;

	if (len > 0)
		buf[0] = '\0';
	for (p = 0; p < bc->n_ports; p++) {
		if (!bc->port[p].ep13_held)
			continue;
		n++;
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? " " : "",
					      app->conf.ports[bc->cfg.ports[p]].name);
	}
	return n;
}

/* One log line when the set of ports EP-13 holds back changes. */
static void ep13_log(struct rt_inst *ri)
{
	uint32_t held = 0;
	char names[160];
	unsigned int p;

	for (p = 0; p < ri->bc.n_ports; p++)
		held |= (uint32_t)ri->bc.port[p].ep13_held << p;
	if (held == ri->ep13_logged)
		return;
	ri->ep13_logged = held;
	if (held == 0) {
		PLOG(NOTICE, "boundary clock domain %u: EP-13 holds no port "
		     "back any more (UTC offset current)",
		     ri->bc.dds.domainNumber);
		return;
	}
	bc_runtime_ep13_ports(ri->app, &ri->bc, names, sizeof(names));
	PLOG(WARNING, "boundary clock domain %u: EP-13 holds port(s) %s "
	     "LISTENING: no current UTC offset (the parent announces "
	     "currentUtcOffsetValid FALSE and current_utc_offset_valid = "
	     "false here); they serve no time", ri->bc.dds.domainNumber,
	     names);
}

void bc_runtime_tick(struct app *app, uint64_t now)
{
	struct bc_runtime *rt = app->bcrt;
	unsigned int i;

	if (rt == NULL)
		return;
	for (i = 0; i < rt->n; i++) {
		flush_pending(rt->inst[i], now);
		bc_tick(&rt->inst[i]->bc, tmv_from_ns((int64_t)now));
		ep13_log(rt->inst[i]);
	}
	if (now - rt->last_age > RT_AGE_NS) {
		neigh_age(&rt->neigh, now);
		rt->last_age = now;
	}
}

void bc_runtime_link(struct app *app, unsigned int port, bool up,
		     uint64_t now)
{
	struct bc_runtime *rt = app->bcrt;
	unsigned int i;

	if (rt == NULL || port >= CONF_MAX_PORTS)
		return;
	for (i = 0; i < rt->n; i++) {
		struct rt_inst *ri = rt->inst[i];
		int idx = ri->idx_of[port];

		if (idx >= 0 &&
		    bc_port_link(&ri->bc, (unsigned int)idx, up,
				 tmv_from_ns((int64_t)now)) > 0)
			PLOG(NOTICE, "boundary clock domain %u: port %s %s",
			     ri->bc.dds.domainNumber,
			     app->conf.ports[port].name,
			     up ? "fault cleared (link up)" :
				  "FAULTY (link down)");
	}
}

/* ---- set-up ---- */

/* EUI-64 from the first port's MAC; see bc_runtime.h for the scheme. */
static void make_identity(const struct app *app, unsigned int k,
			  struct ptp_clock_identity *id)
{
	int first = app->conf.bcs[k].ports[0];
	const uint8_t *mac = app->ports[first].mac.addr_bytes;
	unsigned int j, same = 0;

	for (j = 0; j < k; j++)
		same += app->conf.bcs[j].ports[0] == first;
	id->id[0] = mac[0];
	id->id[1] = mac[1];
	id->id[2] = mac[2];
	id->id[3] = 0xFF;
	id->id[4] = (uint8_t)(0xFE - same);
	id->id[5] = mac[3];
	id->id[6] = mac[4];
	id->id[7] = mac[5];
}

/* Start the domain clock from CLOCK_REALTIME (UTC, as ptp4l's software
 * clock): on TAI when the instance announces the PTP timescale. */
static void clock_from_realtime(struct bc *bc, uint64_t now)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	bc_set_time_utc(bc, tmv_from_ns((int64_t)now),
			(int64_t)ts.tv_sec * PTP_NSEC_PER_SEC + ts.tv_nsec);
}

static int inst_init(struct app *app, unsigned int k)
{
	const struct conf_bc *cb = &app->conf.bcs[k];
	struct ptp_clock_identity id;
	struct rt_inst *ri;
	uint64_t now = timebase_now();
	unsigned int i;

	ri = calloc(1, sizeof(*ri));
	if (ri == NULL)
		return -1;
	app->bcrt->inst[k] = ri;
	ri->app = app;
	ri->k = k;
	memset(ri->idx_of, -1, sizeof(ri->idx_of));
	for (i = 0; i < cb->n_ports; i++) {
		const struct conf_port *cp = &app->conf.ports[cb->ports[i]];

		ri->idx_of[cb->ports[i]] = (int8_t)i;
		if (!(cb->transport == CONF_UDPV6 ? cp->ipv6.set :
		      cp->ipv4.set))
			PLOG(WARNING, "boundary clock domain %u: port %s has "
			     "no %s address%s", cb->domain, cp->name,
			     cb->transport == CONF_UDPV6 ? "ipv6" : "ipv4",
			     cb->transport == CONF_UDPV6 ?
			     ": it cannot send" : ": sending from 0.0.0.0");
	}
	make_identity(app, k, &id);
	if (bc_init(&ri->bc, cb, &id, &rt_ops, ri,
		    tmv_from_ns((int64_t)now)) != 0) {
		PLOG(ERR, "boundary clock domain %u: invalid parameters",
		     cb->domain);
		return -1;
	}
	clock_from_realtime(&ri->bc, now);
	for (i = 0; i < cb->n_ports; i++)	/* a link down at start */
		if (!app->ports[cb->ports[i]].link_up)
			bc_port_link(&ri->bc, i, false,
				     tmv_from_ns((int64_t)now));
	return 0;
}

int bc_runtime_init(struct app *app)
{
	unsigned int k;

	neigh_local_init(app, app->conf.n_bcs > 0);
	if (!app->local.on)
		return 0;
	app->bcrt = calloc(1, sizeof(*app->bcrt));
	app->ctl_tx_ring = rte_ring_create("ptpsw_ctl_tx", BC_RT_TX_RING,
					   (int)rte_socket_id(),
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (app->bcrt == NULL || app->ctl_tx_ring == NULL) {
		PLOG(ERR, "boundary clocks: out of memory");
		return -1;
	}
	for (k = 0; k < app->conf.n_bcs; k++) {
		if (inst_init(app, k) != 0)
			return -1;
		app->bcrt->n = k + 1;
	}
	return 0;
}

void bc_runtime_fini(struct app *app)
{
	struct rte_mbuf *m;
	unsigned int k;

	if (app->ctl_tx_ring != NULL) {
		while (rte_ring_sc_dequeue(app->ctl_tx_ring, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(app->ctl_tx_ring);
		app->ctl_tx_ring = NULL;
	}
	if (app->bcrt == NULL)
		return;
	for (k = 0; k < CONF_MAX_BC; k++) {
		struct rt_inst *ri = app->bcrt->inst[k];

		while (ri != NULL && ri->n_pend)
			rte_pktmbuf_free(ri->pend[--ri->n_pend].m);
		free(ri);
	}
	free(app->bcrt);
	app->bcrt = NULL;
}

bool bc_runtime_active(const struct app *app)
{
	return app->bcrt != NULL && app->bcrt->n > 0;
}

/* ---- accessors and status ---- */

unsigned int bc_runtime_count(const struct app *app)
{
	return app->bcrt ? app->bcrt->n : 0;
}

const struct bc *bc_runtime_get(const struct app *app, unsigned int i)
{
	return i < bc_runtime_count(app) ? &app->bcrt->inst[i]->bc : NULL;
}

const struct bc *bc_runtime_for_domain(const struct app *app, uint8_t d)
{
	unsigned int i, n = bc_runtime_count(app);

	for (i = 0; i < n; i++) {
		const struct bc *bc = bc_runtime_get(app, i);

		if (bc && bc->dds.domainNumber == d)
			return bc;
	}
	return NULL;
}

const struct bc_runtime_stats *bc_runtime_stats(const struct app *app,
						unsigned int i)
{
	return i < bc_runtime_count(app) ? &app->bcrt->inst[i]->st : NULL;
}

static int state_rank(enum fsm_state s)
{
	switch (s) {
	case FSM_MASTER: return 6;
	case FSM_PRE_MASTER: return 5;
	case FSM_PASSIVE: return 4;
	case FSM_LISTENING: return 3;
	case FSM_FAULTY: return 2;
	case FSM_DISABLED: return 1;
	default: return 0;
	}
}

int bc_runtime_info(const struct app *app, unsigned int i,
		    struct bc_runtime_info *info)
{
	const struct bc *bc = bc_runtime_get(app, i);
	enum fsm_state best = FSM_INITIALIZING;
	unsigned int p;

	if (bc == NULL)
		return -1;
	memset(info, 0, sizeof(*info));
	info->domain = bc->dds.domainNumber;
	info->slave_port = -1;
	if (bc->slave_port >= 0 && (unsigned int)bc->slave_port < bc->n_ports) {
		best = bc->port[bc->slave_port].state;
		info->slave_port = bc->cfg.ports[bc->slave_port];
	} else {
		for (p = 0; p < bc->n_ports; p++)
			if (state_rank(bc->port[p].state) > state_rank(best))
				best = bc->port[p].state;
	}
	info->state = fsm_state_name(best);
	info->servo = servo_state_name(servo_get_state(&bc->servo));
	info->offset_ns = tmv_to_ns(bc->cur.offsetFromMaster);
	info->path_delay_ns = tmv_to_ns(bc->cur.meanPathDelay);
	info->freq_ppb = dclock_get_freq(&bc->clock);
	info->holdover = bc->holdover;
	info->steps_removed = bc->cur.stepsRemoved;
	return 0;
}

void bc_runtime_line(const struct app *app, FILE *out)
{
	struct bc_runtime_info in;
	unsigned int i;

	for (i = 0; i < bc_runtime_count(app); i++) {
		if (bc_runtime_info(app, i, &in) != 0)
			continue;
		fprintf(out, " bc%u:%s", in.domain, in.state);
		if (in.slave_port >= 0)
			fprintf(out, " off=%" PRId64 "ns", in.offset_ns);
		if (in.holdover)
			fprintf(out, " holdover");
		if (bc_ep13_held(bc_runtime_get(app, i)) > 0)
			fprintf(out, " ep13-held");
	}
}

void bc_runtime_banner(const struct app *app, FILE *out)
{
	char id[32];
	unsigned int i, p;

	for (i = 0; i < bc_runtime_count(app); i++) {
		const struct bc *bc = bc_runtime_get(app, i);

		ptp_clock_id_str(&bc->dds.clockIdentity, id, sizeof(id));
		fprintf(out, "boundary clock: domain %u %s clockIdentity %s "
			"ports", bc->dds.domainNumber,
			bc->cfg.transport == CONF_UDPV6 ? "udpv6" : "udpv4", id);
		for (p = 0; p < bc->n_ports; p++)
			fprintf(out, " %s",
				app->conf.ports[bc->cfg.ports[p]].name);
		fprintf(out, " delay_req %s sync 2^%d s\n",
			bc->cfg.delay_req == CONF_DREQ_UNICAST ?
			"unicast" : "multicast", bc->cfg.log_sync_interval);
	}
}

void bc_runtime_dump(const struct app *app, FILE *out)
{
	unsigned int i;

	if (app->bcrt == NULL)
		return;
	for (i = 0; i < app->bcrt->n; i++)
		status_dump_bc(app, i, out);
	if (app->n_workers > 0)		/* worker 0 sends the BC's frames */
		fprintf(out, "bc: TX stamps of event messages from the port backend "
			"%" PRIu64 ", fallback to the predicted time %" PRIu64
			"\n", app->workers[0]->bc_ts_stamped,
			app->workers[0]->bc_ts_predicted);
	neigh_dump(app, &app->bcrt->neigh, out);
}

/* ---- reload (SIGHUP, app/reload.c) ---- */

/* A kept instance takes its new parameters in place: clock, servo state
 * (unless its gains or Sync interval changed), port states and foreign
 * tables stay; a state decision runs at the next tick. */
static void inst_update(struct rt_inst *ri, const struct conf_bc *cb)
{
	struct bc *bc = &ri->bc;
	bool own_gm = memcmp(&bc->parent.grandmasterIdentity,
			     &bc->dds.clockIdentity,
			     sizeof(bc->dds.clockIdentity)) == 0;
	bool servo = bc->cfg.servo_kp != cb->servo_kp ||
		     bc->cfg.servo_ki != cb->servo_ki ||
		     bc->cfg.step_threshold_ns != cb->step_threshold_ns ||
		     bc->cfg.log_sync_interval != cb->log_sync_interval;
	unsigned int p;

	bc->cfg = *cb;			/* as bc_init: */
	bc->cfg.clock_class = cb->slave_only ? 255 : cb->clock_class;
	bc->dds.clockQuality.clockClass = bc->cfg.clock_class;
	bc->dds.clockQuality.clockAccuracy = cb->clock_accuracy;
	bc->dds.clockQuality.offsetScaledLogVariance =
		cb->offset_scaled_log_variance;
	bc->dds.priority1 = cb->priority1;
	bc->dds.priority2 = cb->priority2;
	bc->dds.slaveOnly = cb->slave_only;
	bc->dds.twoStep = cb->two_step;
	if (own_gm) {			/* what its Announces say */
		bc->parent.grandmasterClockQuality = bc->dds.clockQuality;
		bc->parent.grandmasterPriority1 = cb->priority1;
		bc->parent.grandmasterPriority2 = cb->priority2;
		if (!bc->holdover) {
			bc->tp.currentUtcOffset = cb->current_utc_offset;
			bc->tp.currentUtcOffsetValid =
				cb->current_utc_offset_valid;
			bc->tp.timeSource = cb->time_source;
		}
	}
	for (p = 0; p < bc->n_ports; p++) {
		bc->port[p].ft.acceptable = bc->cfg.acceptable;
		bc->port[p].ft.n_acceptable = bc->cfg.n_acceptable;
		bc->port[p].ft.preferred = bc->cfg.preferred;
		bc->port[p].ft.n_preferred = bc->cfg.n_preferred;
	}
	if (servo) {
		struct servo_params sp = bc->servo.p;

		sp.kp = cb->servo_kp;
		sp.ki = cb->servo_ki;
		sp.step_threshold_ns = cb->step_threshold_ns;
		sp.interval_s = cb->log_sync_interval >= 0 ?
				(double)(1u << cb->log_sync_interval) :
				1.0 / (double)(1u << -cb->log_sync_interval);
		/* the frequency is kept; the loop locks again from it */
		if (servo_init(&bc->servo, &sp, bc->servo.drift) != 0)
			PLOG(ERR, "boundary clock domain %u: servo gains not "
			     "applied", cb->domain);
		else
			PLOG(NOTICE, "boundary clock domain %u: servo "
			     "restarted with its frequency kept", cb->domain);
	}
	bc->next_decision = bc->now;
}

/* Same domain, transport and ports (running port indices)? */
static bool inst_keeps(const struct rt_inst *ri, const struct conf_bc *cb)
{
	const struct conf_bc *oc = &ri->bc.cfg;

	return oc->domain == cb->domain && oc->transport == cb->transport &&
	       oc->n_ports == cb->n_ports &&
	       memcmp(oc->ports, cb->ports,
		      cb->n_ports * sizeof(cb->ports[0])) == 0;
}

static void inst_free(struct rt_inst *ri)
{
	while (ri->n_pend)
		rte_pktmbuf_free(ri->pend[--ri->n_pend].m);
	free(ri);
}

/* A new instance's identity must not be a kept one's (instances are
 * numbered by position, which a reload may change). */
static void inst_unique_id(struct bc_runtime *rt, unsigned int k,
			   struct rt_inst *kept[CONF_MAX_BC], unsigned int n)
{
	struct bc *bc = &rt->inst[k]->bc;
	unsigned int j, p, tries;
	bool clash = true;

	for (tries = 0; clash && tries < 256; tries++) {
		clash = false;
		for (j = 0; j < n; j++) {
			/* before k: the instances set up so far; after:
			 * the kept ones still to come */
			const struct rt_inst *o = j < k ? rt->inst[j] :
						  j > k ? kept[j] : NULL;

			if (o != NULL &&
			    memcmp(&o->bc.dds.clockIdentity,
				   &bc->dds.clockIdentity,
				   sizeof(bc->dds.clockIdentity)) == 0)
				clash = true;
		}
		if (!clash)
			break;
		bc->dds.clockIdentity.id[4]--;
	}
	for (p = 0; p < bc->n_ports; p++)
		bc->port[p].id.clock = bc->dds.clockIdentity;
	bc->parent.parentPortIdentity.clock = bc->dds.clockIdentity;
	bc->parent.grandmasterIdentity = bc->dds.clockIdentity;
}

int bc_runtime_reload(struct app *app)
{
	struct bc_runtime *rt = app->bcrt;
	struct rt_inst *was[CONF_MAX_BC], *kept[CONF_MAX_BC] = { NULL };
	unsigned int k, i, n_was;

	if (rt == NULL)
		return app->conf.n_bcs ? -1 : 0;
	n_was = rt->n;
	memcpy(was, rt->inst, sizeof(was));
	memset(rt->inst, 0, sizeof(rt->inst));
	for (k = 0; k < app->conf.n_bcs; k++)
		for (i = 0; i < n_was; i++)
			if (was[i] != NULL &&
			    inst_keeps(was[i], &app->conf.bcs[k])) {
				kept[k] = was[i];
				was[i] = NULL;
				break;
			}
	for (i = 0; i < n_was; i++)
		if (was[i] != NULL) {
			PLOG(NOTICE, "boundary clock domain %u: stopped "
			     "(reload)", was[i]->bc.cfg.domain);
			inst_free(was[i]);
		}
	rt->n = 0;
	for (k = 0; k < app->conf.n_bcs; k++) {
		if (kept[k] != NULL) {
			rt->inst[k] = kept[k];
			kept[k]->k = k;
			inst_update(kept[k], &app->conf.bcs[k]);
		} else if (inst_init(app, k) == 0) {
			inst_unique_id(rt, k, kept, app->conf.n_bcs);
			PLOG(NOTICE, "boundary clock domain %u: started "
			     "(reload)", app->conf.bcs[k].domain);
		} else {	/* logged; instances stay 0 .. k-1 */
			free(rt->inst[k]);
			rt->inst[k] = NULL;
			for (i = k + 1; i < app->conf.n_bcs; i++)
				if (kept[i] != NULL)
					inst_free(kept[i]);
			return -1;
		}
		rt->n = k + 1;
	}
	return 0;
}
