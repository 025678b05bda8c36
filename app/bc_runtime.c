/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bc_runtime: boundary-clock instances on the control lcore, their UDP
 * transport over ptpsw's own port addresses, and their status. Set-up
 * and reload of the instances: bc_inst.c. See bc_runtime.h.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_mbuf.h>

#include "app.h"
#include "bc_runtime.h"
#include "bc_runtime_private.h"
#include "ctl_tx.h"
#include "meta.h"
#include "neigh.h"
#include "net/build.h"
#include "net/frame.h"
#include "status.h"
#include "timebase.h"
#include "worker.h"

#define RT_AGE_NS	(1000ull * 1000 * 1000)
#define IP_TTL_MCAST	1	/* like ptp4l's udp_ttl: link-local reach */
#define IP_TTL_UCAST	64

static const uint8_t mc4_ip[4] = { 224, 0, 1, 129 };
static const uint8_t mc4_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x01, 0x81 };
static const uint8_t mc6_ip[16] = { 0xff, 0x0e, [14] = 0x01, [15] = 0x81 };
static const uint8_t mc6_mac[6] = { 0x33, 0x33, 0x00, 0x00, 0x01, 0x81 };

/* ---- transmission ---- */

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

/* Ethernet + IP + UDP around the PTP message (lib/net/build); the
 * classifier checks what was built. */
static struct rte_mbuf *tx_build(struct rt_inst *ri, unsigned int port,
				 const struct bc_tx *tx, bool v6,
				 const uint8_t *dmac, const uint8_t *dip)
{
	struct app *app = ri->app;
	const struct conf_port *cp = &app->conf.ports[port];
	uint16_t sport = tx->event ? PTP_UDP_EVENT : PTP_UDP_GENERAL;
	static const uint8_t zero[4];
	struct build_udp u = {
		.dst_mac = dmac, .src_mac = app->ports[port].mac.addr_bytes,
		.src_ip = v6 ? cp->ipv6.addr.s6_addr : cp->ipv4.set ?
			  (const uint8_t *)&cp->ipv4.addr : zero,
		.dst_ip = dip, .v6 = v6,
		.ttl = tx->unicast ? IP_TTL_UCAST : IP_TTL_MCAST,
		.sport = sport, .dport = sport,
	};
	size_t room = build_udp_room(v6, tx->len), len;
	struct frame_info fi;
	struct rte_mbuf *m;
	uint8_t *p;

	if (!(v6 ? cp->ipv6.set : cp->ipv4.set)) {
		ri->st.tx_no_addr++;	/* v4 goes out from 0.0.0.0 */
		if (v6)
			return NULL;
	}
	p = ctl_tx_alloc(app, &m, (uint16_t)room);
	if (p == NULL) {
		ri->st.tx_no_mbuf++;
		return NULL;
	}
	if (!v6)
		u.ip_id = app->bcrt->ip_id++;
	len = build_udp(p, room, &u, tx->buf, tx->len);
	if (len == 0 || frame_classify(p, len, &fi) != FRAME_PTP) {
		rte_pktmbuf_free(m);
		ri->st.tx_no_mbuf++;
		return NULL;
	}
	return m;
}

static int rt_send(void *arg, const struct bc_tx *tx)
{
	struct rt_inst *ri = arg;
	struct app *app = ri->app;
	unsigned int port = (unsigned int)ri->bc.cfg.ports[tx->port];
	bool v6 = ri->bc.cfg.transport == CONF_UDPV6;
	uint64_t now = timebase_now();
	struct ctl_tx_tag tag = {
		.port = (uint8_t)tx->port, .type = tx->type, .seq = tx->seq,
	};
	const uint8_t *dip;
	struct rte_mbuf *m;
	uint8_t dmac[6];
	int rc;

	rc = tx_dest(ri, port, tx, v6, dmac, &dip, now);
	if (rc != 0)
		return rc;
	m = tx_build(ri, port, tx, v6, dmac, dip);
	if (m == NULL)
		return -ENOMEM;
	rc = tx->want_ts ?
	     ctl_tx_send_stamped(app, &ri->wait, port, m, &tag, now) :
	     ctl_tx_send(app, port, m);
	if (rc != 0) {
		ri->st.tx_ring_full++;
		return rc;
	}
	ri->st.tx++;
	return 0;
}

const struct bc_ops bc_rt_ops = { .send = rt_send };

/* A TX stamp worker 0 wrote back, for the instance. */
static void rt_stamp(void *arg, const struct ctl_tx_tag *tag, uint64_t ts)
{
	struct rt_inst *ri = arg;

	ri->st.tx_ts++;
	bc_tx_timestamp(&ri->bc, tag->port, tag->type, tag->seq,
			tmv_from_ns((int64_t)ts));
}

/* Hand the TX timestamps worker 0 wrote back to the instance (outside
 * send(): bc may send again, e.g. the Follow_Up). */
static void flush_pending(struct rt_inst *ri, uint64_t now)
{
	ri->st.tx_ts_lost += ctl_tx_collect(&ri->wait, ri->app->meta_offset,
					    now, rt_stamp, ri);
}

/* ---- reception ---- */

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
	    neigh_own_port(app, v6, ip + (v6 ? 24 : 16)) < 0) {
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

/* One log line when the clock stops following its reference (its parent,
 * or as a grandmaster CLOCK_REALTIME), and one when that ends. */
static void follow_log(struct rt_inst *ri)
{
	const struct bc *bc = &ri->bc;
	const struct servo *sv;
	enum servo_follow f;
	enum bc_ref ref;
	const char *what;
	char off[48] = "";

	f = bc_follow(bc, &ref);
	if (f == ri->follow_logged)
		return;
	sv = ref == BC_REF_REALTIME ? &bc->utc_servo : &bc->servo;
	what = ref == BC_REF_REALTIME ? "CLOCK_REALTIME (as grandmaster)" :
					"its parent";
	switch (f) {
	case SERVO_AT_LIMIT:
		if (ref == BC_REF_PARENT)
			snprintf(off, sizeof(off), ", offset %" PRId64 " ns",
				 tmv_to_ns(bc->cur.offsetFromMaster));
		PLOG(WARNING, "boundary clock domain %u: cannot follow %s: the "
		     "servo's frequency has been at its limit (+-%.0f ppm) for "
		     "%u samples in a row%s; the reference's rate is beyond "
		     "what this clock can be steered to", bc->dds.domainNumber,
		     what, sv->p.max_ppb / 1e3, sv->limit_run, off);
		break;
	case SERVO_STEPPING:
		PLOG(WARNING, "boundary clock domain %u: cannot follow %s: "
		     "%u clock steps, each before the servo settled "
		     "(step_threshold_ns %" PRId64 "); the reference's time "
		     "jumps, or its offsets scatter beyond the threshold",
		     bc->dds.domainNumber, what, sv->rapid_steps,
		     sv->p.step_threshold_ns);
		break;
	default:
		if (ri->follow_logged == SERVO_FOLLOWS)
			break;
		if (ref == BC_REF_NONE)
			PLOG(NOTICE, "boundary clock domain %u: cannot-follow "
			     "ends: the clock follows no reference now "
			     "(holdover, coasting or grandmaster)",
			     bc->dds.domainNumber);
		else if (ref != ri->follow_ref_logged ||
			 sv->settled_run < SERVO_SETTLED_RUN)
			PLOG(NOTICE, "boundary clock domain %u: cannot-follow "
			     "ends: the servo starts afresh on %s (a new "
			     "reference, or new servo settings)",
			     bc->dds.domainNumber, what);
		else
			PLOG(NOTICE, "boundary clock domain %u: follows %s "
			     "again (%u samples in a row, over %lld s, within "
			     "the servo's limit and without a step)",
			     bc->dds.domainNumber, what, SERVO_SETTLED_RUN,
			     SERVO_SETTLED_NS / 1000000000LL);
		break;
	}
	ri->follow_logged = f;
	ri->follow_ref_logged = ref;
}

int bc_rt_utc_pair(uint64_t *base, int64_t *utc)
{
	int64_t b;
	int ret = timebase_xts(3, timebase_read_realtime, NULL, utc, &b);

	if (ret == 0)
		*base = (uint64_t)b;
	return ret;
}

void bc_runtime_tick(struct app *app, uint64_t now)
{
	struct bc_runtime *rt = app->bcrt;
	unsigned int i;

	if (rt == NULL)
		return;
	/* grandmasters that never followed a parent serve the host's time */
	if (rt->n > 0 && now >= rt->next_utc) {
		uint64_t base;
		int64_t utc;

		if (bc_rt_utc_pair(&base, &utc) == 0)
			for (i = 0; i < rt->n; i++)
				bc_track_utc(&rt->inst[i]->bc,
					     tmv_from_ns((int64_t)base), utc);
		rt->next_utc = now + (uint64_t)BC_UTC_TRACK_NS;
	}
	for (i = 0; i < rt->n; i++) {
		flush_pending(rt->inst[i], now);
		bc_tick(&rt->inst[i]->bc, tmv_from_ns((int64_t)now));
		ep13_log(rt->inst[i]);
		follow_log(rt->inst[i]);
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

const struct neigh *bc_runtime_neigh(const struct app *app)
{
	return app->bcrt ? &app->bcrt->neigh : NULL;
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
	info->follow = bc_follow(bc, &info->follow_ref);
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
		if (in.follow != SERVO_FOLLOWS)
			fprintf(out, " cannot-follow%s",
				in.follow_ref == BC_REF_REALTIME ?
				"-realtime" : "");
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
