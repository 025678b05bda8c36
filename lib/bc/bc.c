/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One boundary clock instance: datasets, BMCA and port states, E2E delay
 * measurement, servo. See bc.h for the contract.
 *
 * Holdover: when the instance loses its last timeTransmitter after its
 * servo had locked, it keeps its clock's last time and frequency and
 * announces itself with clockClass BC_HOLDOVER_CLASS (187, "may be a
 * timeReceiver": a class in 1..127 would make it refuse every
 * timeTransmitter later) if the lost grandmaster was of class 1..127, for
 * the holdover time; then it falls back to its configured class.
 *
 * Time served: the domain clock starts on TAI (bc_set_time_utc) and serves
 * it with the configured time properties (PTP timescale) until it follows a
 * parent. From the first servo sample on, it serves the parent's time with
 * the parent's time properties, passed on unchanged (IEEE 1588-2019
 * 9.3.5); a clock that becomes grandmaster afterwards (holdover or not)
 * keeps both, so the time its receivers see does not move.
 */

#include <string.h>

#include "bc/bc.h"

static tmv_t log_interval(int8_t lg)
{
	int64_t ns = lg >= 0 ? PTP_NSEC_PER_SEC << lg : PTP_NSEC_PER_SEC >> -lg;

	return tmv_from_ns(ns);
}

static bool after(tmv_t now, tmv_t deadline)
{
	return tmv_cmp(now, deadline) >= 0;
}

static bool same_port(const struct ptp_port_identity *a,
		      const struct ptp_port_identity *b)
{
	return bmca_portid_cmp(a, b) == 0;
}

bool bc_utc_valid(const struct bc *bc)
{
	return bc->tp.currentUtcOffsetValid || bc->cfg.current_utc_offset_valid;
}

unsigned int bc_ep13_held(const struct bc *bc)
{
	unsigned int n = 0;

	for (unsigned int p = 0; p < bc->n_ports; p++)
		n += bc->port[p].ep13_held;
	return n;
}

/* ---- dataset updates (9.3.5) ---- */

static void tp_from_config(struct bc *bc)
{
	bc->tp.currentUtcOffset = bc->cfg.current_utc_offset;
	bc->tp.currentUtcOffsetValid = bc->cfg.current_utc_offset_valid;
	bc->tp.leap59 = bc->tp.leap61 = false;
	bc->tp.timeTraceable = bc->tp.frequencyTraceable = false;
	bc->tp.ptpTimescale = true;
	bc->tp.timeSource = bc->cfg.time_source;
}

/* M1/M2: this clock is the grandmaster. */
static void update_gm(struct bc *bc)
{
	bc->cur.stepsRemoved = 0;
	bc->cur.offsetFromMaster = tmv_zero();
	bc->cur.meanPathDelay = tmv_zero();
	bc->parent.parentPortIdentity.clock = bc->dds.clockIdentity;
	bc->parent.parentPortIdentity.port = 0;
	bc->parent.grandmasterIdentity = bc->dds.clockIdentity;
	bc->parent.grandmasterClockQuality = bc->dds.clockQuality;
	bc->parent.grandmasterPriority1 = bc->dds.priority1;
	bc->parent.grandmasterPriority2 = bc->dds.priority2;
	/* a clock that serves a former parent's time keeps that time's
	 * properties (timescale, UTC offset): switching them while the clock
	 * reads the same would move every receiver by the difference */
	if (!bc->time_from_parent)
		tp_from_config(bc);
}

/* S1: Ebest, received on a port, becomes the parent. */
static void update_slave(struct bc *bc, const struct foreign_record *r)
{
	bc->cur.stepsRemoved = (uint16_t)(r->ds.stepsRemoved + 1);
	bc->parent.parentPortIdentity = r->ds.sender;
	bc->parent.grandmasterIdentity = r->ds.gm_identity;
	bc->parent.grandmasterClockQuality = r->ds.quality;
	bc->parent.grandmasterPriority1 = r->ds.priority1;
	bc->parent.grandmasterPriority2 = r->ds.priority2;
	bc->tp.currentUtcOffset = r->currentUtcOffset;
	bc->tp.currentUtcOffsetValid = (r->flags & PTP_FLAG_UTC_VALID) != 0;
	bc->tp.leap59 = (r->flags & PTP_FLAG_LEAP59) != 0;
	bc->tp.leap61 = (r->flags & PTP_FLAG_LEAP61) != 0;
	bc->tp.timeTraceable = (r->flags & PTP_FLAG_TIME_TRACEABLE) != 0;
	bc->tp.frequencyTraceable = (r->flags & PTP_FLAG_FREQ_TRACEABLE) != 0;
	bc->tp.ptpTimescale = (r->flags & PTP_FLAG_PTP_TIMESCALE) != 0;
	bc->tp.timeSource = r->timeSource;
}

static void holdover_enter(struct bc *bc, tmv_t now)
{
	uint8_t gm_class = bc->parent.grandmasterClockQuality.clockClass;

	bc->holdover = true;
	bc->holdover_until = tmv_add(now, bc->holdover_len);
	bc->stats.holdover_entered++;
	if (gm_class >= 1 && gm_class <= 127)
		bc->dds.clockQuality.clockClass = BC_HOLDOVER_CLASS;
}

static void holdover_leave(struct bc *bc)
{
	bc->holdover = false;
	bc->dds.clockQuality.clockClass = bc->cfg.clock_class;
}

/* ---- transmission ---- */

static void hdr_init(struct bc *bc, struct ptp_msg *m, unsigned int p,
		     uint8_t type, uint16_t seq, int8_t log_int)
{
	memset(m, 0, sizeof(*m));
	m->hdr.messageType = type;
	m->hdr.versionPTP = 2;
	m->hdr.minorVersionPTP = 1;
	m->hdr.domainNumber = bc->dds.domainNumber;
	m->hdr.sourcePortIdentity = bc->port[p].id;
	m->hdr.sequenceId = seq;
	m->hdr.controlField = ptp_msg_control_field(type);
	m->hdr.logMessageInterval = log_int;
}

static void bc_send_scope(struct bc *bc, unsigned int p,
			  const struct ptp_msg *m, const struct bc_addr *ucast,
			  bool want_ts, uint8_t scope);

static void bc_send(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		    const struct bc_addr *ucast, bool want_ts)
{
	bc_send_scope(bc, p, m, ucast, want_ts, 0);
}

/* scope: IPv6 multicast scope X of FF0X::181, 0 for the configured one */
static void bc_send_scope(struct bc *bc, unsigned int p,
			  const struct ptp_msg *m, const struct bc_addr *ucast,
			  bool want_ts, uint8_t scope)
{
	struct bc_tx tx;
	int len = ptp_msg_build(m, bc->txbuf, sizeof(bc->txbuf));

	if (len < 0) {
		bc->port[p].stats.tx_errors++;
		return;
	}
	memset(&tx, 0, sizeof(tx));
	tx.port = p;
	tx.buf = bc->txbuf;
	tx.len = (size_t)len;
	tx.type = m->hdr.messageType;
	tx.seq = m->hdr.sequenceId;
	tx.event = ptp_msg_is_event(tx.type);
	tx.unicast = ucast != NULL;
	if (ucast != NULL)
		tx.dst = *ucast;
	tx.want_ts = want_ts;
	tx.mcast_scope = scope;
	if (bc->ops->send(bc->arg, &tx) < 0)
		bc->port[p].stats.tx_errors++;
	else
		bc->port[p].stats.tx++;
}

static uint16_t tp_flags(const struct bc *bc)
{
	uint16_t f = 0;

	f |= bc->tp.leap61 ? PTP_FLAG_LEAP61 : 0;
	f |= bc->tp.leap59 ? PTP_FLAG_LEAP59 : 0;
	f |= bc->tp.currentUtcOffsetValid ? PTP_FLAG_UTC_VALID : 0;
	f |= bc->tp.ptpTimescale ? PTP_FLAG_PTP_TIMESCALE : 0;
	f |= bc->tp.timeTraceable ? PTP_FLAG_TIME_TRACEABLE : 0;
	f |= bc->tp.frequencyTraceable ? PTP_FLAG_FREQ_TRACEABLE : 0;
	return f;
}

static void send_announce(struct bc *bc, unsigned int p, tmv_t now)
{
	struct ptp_msg m;
	struct ptp_announce_body *a = &m.body.announce;

	hdr_init(bc, &m, p, PTP_ANNOUNCE, bc->port[p].seq_announce++,
		 bc->cfg.log_announce_interval);
	m.hdr.flagField = tp_flags(bc);
	a->originTimestamp = ptp_tmv_to_ts(dclock_now(&bc->clock, now));
	a->currentUtcOffset = bc->tp.currentUtcOffset;
	a->grandmasterPriority1 = bc->parent.grandmasterPriority1;
	a->grandmasterClockQuality = bc->parent.grandmasterClockQuality;
	a->grandmasterPriority2 = bc->parent.grandmasterPriority2;
	a->grandmasterIdentity = bc->parent.grandmasterIdentity;
	a->stepsRemoved = bc->cur.stepsRemoved;
	a->timeSource = bc->tp.timeSource;
	bc_send(bc, p, &m, NULL, false);
}

/* Sync: two-step (Follow_Up on the TX timestamp) or one-step with the
 * origin time read now (a one-step sender that patches the timestamp at
 * TX time is the transport's business). */
static void send_sync(struct bc *bc, unsigned int p, tmv_t now)
{
	struct bc_port *pt = &bc->port[p];
	struct ptp_msg m;

	hdr_init(bc, &m, p, PTP_SYNC, pt->seq_sync++, bc->cfg.log_sync_interval);
	m.hdr.flagField = bc->dds.twoStep ? PTP_FLAG_TWO_STEP : 0;
	m.body.sync.ts = ptp_tmv_to_ts(dclock_now(&bc->clock, now));
	pt->sync_tx.pending = bc->dds.twoStep;
	pt->sync_tx.seq = m.hdr.sequenceId;
	bc_send(bc, p, &m, NULL, bc->dds.twoStep);
}

static void send_follow_up(struct bc *bc, unsigned int p, uint16_t seq,
			   tmv_t ts)
{
	struct ptp_msg m;

	hdr_init(bc, &m, p, PTP_FOLLOW_UP, seq, bc->cfg.log_sync_interval);
	m.body.sync.ts = ptp_tmv_to_ts(dclock_from_base(&bc->clock, ts));
	bc_send(bc, p, &m, NULL, false);
}

/* EP-19: unicast Delay_Req go to the address of the parent's Announce. */
static void send_delay_req(struct bc *bc, unsigned int p, tmv_t now)
{
	struct bc_port *pt = &bc->port[p];
	struct foreign_record *r = foreign_find(&pt->ft,
						&bc->parent.parentPortIdentity);
	bool ucast = bc->cfg.delay_req == CONF_DREQ_UNICAST;
	struct ptp_msg m;

	if (ucast && r == NULL)
		return;
	hdr_init(bc, &m, p, PTP_DELAY_REQ, pt->seq_delay_req++,
		 BC_LOG_UNSPECIFIED);
	m.hdr.flagField = ucast ? PTP_FLAG_UNICAST : 0;
	m.body.sync.ts = ptp_tmv_to_ts(dclock_now(&bc->clock, now));
	pt->dreq.pending = true;
	pt->dreq.have_t3 = pt->dreq.have_resp = false;
	pt->dreq.seq = m.hdr.sequenceId;
	pt->dreq.sent = now;
	bc_send(bc, p, &m, ucast ? &r->addr : NULL, true);
}

/* ---- state handling ---- */

static void port_enter(struct bc *bc, unsigned int p, enum fsm_state s,
		       tmv_t now)
{
	struct bc_port *pt = &bc->port[p];
	tmv_t ai = log_interval(bc->cfg.log_announce_interval);

	switch (s) {
	case FSM_LISTENING:
		pt->listen_deadline = tmv_add(now, tmv_from_ns(tmv_to_ns(ai) *
						  FOREIGN_TIMEOUT_OTHER));
		break;
	case FSM_PRE_MASTER:
		pt->qual_deadline = tmv_add(now, tmv_from_ns(tmv_to_ns(ai) *
					    (bc->cur.stepsRemoved + 1)));
		break;
	case FSM_MASTER:
		pt->next_announce = now;
		pt->next_sync = now;
		break;
	case FSM_UNCALIBRATED:
		pt->sync.valid = pt->sync.complete = false;
		pt->dreq.pending = false;
		pt->have_master_dreq_log = false;
		pt->next_delay_req = now;
		break;
	case FSM_FAULTY:
	case FSM_DISABLED:
	case FSM_INITIALIZING:
		foreign_clear(&pt->ft);
		break;
	default:
		break;
	}
}

static void port_event(struct bc *bc, unsigned int p, enum fsm_event ev,
		       bool new_master, tmv_t now)
{
	struct bc_port *pt = &bc->port[p];
	struct fsm_guard g = {
		.slave_only = bc->dds.slaveOnly,
		.utc_offset_valid = bc_utc_valid(bc),
		.new_master = new_master,
	};
	enum fsm_state next = fsm_next(pt->state, ev, &g);

	if (ev == FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT ||
	    ev == FSM_EV_QUALIFICATION_TIMEOUT ||
	    (ev >= FSM_EV_RS_MASTER && ev <= FSM_EV_RS_PASSIVE)) {
		struct fsm_guard free = g;

		free.utc_offset_valid = true;
		pt->ep13_held = !g.utc_offset_valid &&
				fsm_is_master(fsm_next(pt->state, ev, &free));
	}
	if (pt->faces_better && fsm_is_master(next))
		next = FSM_LISTENING;
	if (next == FSM_INITIALIZING && pt->state != FSM_INITIALIZING) {
		pt->state = next;
		port_enter(bc, p, next, now);
		next = fsm_next(next, FSM_EV_INIT_COMPLETE, &g);
	}
	if (next == pt->state)
		return;
	bc->stats.state_changes++;
	pt->state = next;
	port_enter(bc, p, next, now);
}

static enum fsm_event decision_event(enum bmca_decision d)
{
	switch (d) {
	case BMCA_DEC_M1:
	case BMCA_DEC_M2:
		return FSM_EV_RS_GRAND_MASTER;
	case BMCA_DEC_M3:
		return FSM_EV_RS_MASTER;
	case BMCA_DEC_S1:
		return FSM_EV_RS_SLAVE;
	case BMCA_DEC_P1:
	case BMCA_DEC_P2:
		return FSM_EV_RS_PASSIVE;
	default:
		return FSM_EV_NONE;
	}
}

static bool port_runs_bmca(const struct bc_port *pt)
{
	return pt->state != FSM_INITIALIZING && pt->state != FSM_FAULTY &&
	       pt->state != FSM_DISABLED;
}

/* Ebest over all ports; *ebest_port gets its port or -1. */
static const struct foreign_record *
find_ebest(const struct bc *bc, const struct foreign_record **erbest,
	   int *ebest_port)
{
	const struct foreign_record *best = NULL;

	*ebest_port = -1;
	for (unsigned int p = 0; p < bc->n_ports; p++) {
		erbest[p] = port_runs_bmca(&bc->port[p]) ?
			    foreign_best(&bc->port[p].ft) : NULL;
		if (erbest[p] != NULL &&
		    (best == NULL ||
		     bmca_a_better(bmca_compare(&erbest[p]->ds, &best->ds)))) {
			best = erbest[p];
			*ebest_port = (int)p;
		}
	}
	return best;
}

/* Does the port hear (within the receipt timeout, qualified or not) a
 * grandmaster better than ref, the one this clock would announce? */
static bool record_better(const struct foreign_record *r,
			  const struct bmca_dataset *ref)
{
	return r->used &&
	       bmca_clockid_cmp(&r->ds.gm_identity, &ref->gm_identity) != 0 &&
	       bmca_compare(&r->ds, ref) == BMCA_A_BETTER;
}

static bool faces_better(const struct foreign_table *t,
			 const struct bmca_dataset *ref)
{
	for (unsigned int i = 0; i < FOREIGN_MAX_RECORDS; i++)
		if (record_better(&t->rec[i], ref))
			return true;
	return false;
}

/* The grandmaster this clock announces now (parentDS). */
static void announced_gm(const struct bc *bc, struct bmca_dataset *d)
{
	bmca_dataset_from_default(d, &bc->parent.grandmasterIdentity,
				  bc->parent.grandmasterPriority1,
				  &bc->parent.grandmasterClockQuality,
				  bc->parent.grandmasterPriority2);
	d->stepsRemoved = bc->cur.stepsRemoved;
}

/* Dataset updates for the decisions; returns whether the parent changed. */
static bool apply_updates(struct bc *bc, const enum bmca_decision *dec,
			  const struct foreign_record *ebest, int ebest_port,
			  tmv_t now)
{
	struct ptp_port_identity old = bc->parent.parentPortIdentity;
	bool gm = false, had_parent = bc->slave_port >= 0;

	for (unsigned int p = 0; p < bc->n_ports; p++)
		gm |= dec[p] == BMCA_DEC_M1 || dec[p] == BMCA_DEC_M2;
	if (ebest_port >= 0 && dec[ebest_port] == BMCA_DEC_S1) {
		if (bc->holdover)
			holdover_leave(bc);
		update_slave(bc, ebest);
		bc->slave_port = ebest_port;
	} else if (gm || (had_parent && ebest_port < 0)) {
		if (had_parent && bc->was_locked && !bc->holdover)
			holdover_enter(bc, now);
		bc->slave_port = -1;
		bc->was_locked = false;
		update_gm(bc);
	}
	return !same_port(&old, &bc->parent.parentPortIdentity);
}

static void state_decision(struct bc *bc, tmv_t now)
{
	const struct foreign_record *erbest[BC_MAX_PORTS], *ebest;
	enum bmca_decision dec[BC_MAX_PORTS];
	struct bmca_dataset d0;
	int ebest_port;
	bool new_master;

	bc->stats.state_decisions++;
	bmca_dataset_from_default(&d0, &bc->dds.clockIdentity, bc->dds.priority1,
				  &bc->dds.clockQuality, bc->dds.priority2);
	ebest = find_ebest(bc, erbest, &ebest_port);
	for (unsigned int p = 0; p < bc->n_ports; p++)
		dec[p] = port_runs_bmca(&bc->port[p]) ?
			 bmca_decide(&d0, ebest ? &ebest->ds : NULL,
				     erbest[p] ? &erbest[p]->ds : NULL,
				     (int)p == ebest_port,
				     bc->port[p].state == FSM_LISTENING) :
			 BMCA_DEC_LISTENING;
	for (unsigned int p = 0; p < bc->n_ports; p++)
		bc->port[p].faces_better =
			(dec[p] == BMCA_DEC_M1 || dec[p] == BMCA_DEC_M2 ||
			 dec[p] == BMCA_DEC_M3) &&
			faces_better(&bc->port[p].ft, ebest ? &ebest->ds : &d0);
	new_master = apply_updates(bc, dec, ebest, ebest_port, now);
	if (new_master) {
		servo_reset(&bc->servo);
		bc->cur.have_delay = false;
		bc->cur.dfilt_n = bc->cur.dfilt_i = 0;
	}
	for (unsigned int p = 0; p < bc->n_ports; p++)
		if (dec[p] != BMCA_DEC_LISTENING)
			port_event(bc, p, decision_event(dec[p]), new_master, now);
	/* a slave-only clock may have nowhere to be a timeReceiver */
	if (bc->slave_port >= 0 &&
	    bc->port[bc->slave_port].state != FSM_UNCALIBRATED &&
	    bc->port[bc->slave_port].state != FSM_SLAVE)
		bc->slave_port = -1;
}

/* ---- reception ---- */

/* *out = a - b - c - d, or false if any step leaves int64 (the operands
 * come from the wire: timestamps, correctionFields). */
static bool time_diff(int64_t a, int64_t b, int64_t c, int64_t d,
		      int64_t *out)
{
	return !__builtin_sub_overflow(a, b, out) &&
	       !__builtin_sub_overflow(*out, c, out) &&
	       !__builtin_sub_overflow(*out, d, out);
}

/* Completed Sync (and Delay measurement): feed the servo. */
static void clock_sample(struct bc *bc, unsigned int p, tmv_t now)
{
	struct bc_port *pt = &bc->port[p];
	enum servo_state st;
	int64_t ns, stepped;
	tmv_t off;
	double adj;

	if (!bc->cur.have_delay)
		return;
	/* wire values: an offset, or the step it asks for, that 64-bit ns
	 * cannot hold is counted and ignored, never computed */
	if (!time_diff(tmv_to_ns(pt->sync.t2), tmv_to_ns(pt->sync.t1),
		       tmv_to_ns(ptp_cf_to_tmv(pt->sync.cf)),
		       tmv_to_ns(bc->cur.meanPathDelay), &ns) ||
	    ns == INT64_MIN ||
	    __builtin_sub_overflow(tmv_to_ns(dclock_now(&bc->clock, now)), ns,
				   &stepped)) {
		bc->stats.time_overflow++;
		return;
	}
	off = tmv_from_ns(ns);
	bc->cur.offsetFromMaster = off;
	bc->stats.servo_samples++;
	bc->time_from_parent = true;
	adj = servo_sample(&bc->servo, off, pt->sync.t2, &st);
	if (st == SERVO_JUMP) {
		dclock_step(&bc->clock, now, tmv_from_ns(-tmv_to_ns(off)));
		bc->stats.servo_steps++;
		/* t2/t3 taken before the step must not pair with later ones */
		pt->sync.complete = false;
		pt->dreq.pending = pt->dreq.have_t3 = false;
	}
	dclock_adjust_freq(&bc->clock, now, adj);
	if (st == SERVO_LOCKED) {
		bc->was_locked = true;
		port_event(bc, p, FSM_EV_MASTER_CLOCK_SELECTED, false, now);
	} else if (pt->state == FSM_SLAVE) {
		port_event(bc, p, FSM_EV_SYNCHRONIZATION_FAULT, false, now);
	}
}

/* Median of the filter's measurements (n <= BC_DELAY_FILTER). */
static int64_t delay_median(const int64_t *v, unsigned int n)
{
	int64_t s[BC_DELAY_FILTER];
	unsigned int i, j;

	for (i = 0; i < n; i++) {		/* insertion sort */
		int64_t x = v[i];

		for (j = i; j > 0 && s[j - 1] > x; j--)
			s[j] = s[j - 1];
		s[j] = x;
	}
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* meanPathDelay = ((t2 - t3) + (t4 - t1) - CF_sync - CF_resp) / 2,
 * filtered: the median of the last BC_DELAY_FILTER values */
static void delay_sample(struct bc *bc, struct bc_port *pt, tmv_t t4,
			 ptp_cf_t cf_resp)
{
	int64_t a, b, med;
	tmv_t sum;

	if (!pt->sync.complete || !pt->dreq.have_t3)
		return;
	if (__builtin_sub_overflow(tmv_to_ns(pt->sync.t2),
				   tmv_to_ns(pt->dreq.t3), &a) ||
	    !time_diff(tmv_to_ns(t4), tmv_to_ns(pt->sync.t1),
		       tmv_to_ns(ptp_cf_to_tmv(ptp_cf_add_sat(pt->sync.cf,
							      cf_resp))),
		       0, &b) ||
	    __builtin_add_overflow(a, b, &a)) {
		bc->stats.time_overflow++;
		return;
	}
	sum = tmv_from_ns(a);
	/* a negative measurement is noise of coarse stamps around a short
	 * path: it goes into the median like any other (dropping it would
	 * bias the median up and, with a coarse timeTransmitter, starve the
	 * servo); a negative median counts as 0 */
	if (tmv_is_neg(sum))
		bc->stats.negative_delay++;
	bc->cur.dfilt[bc->cur.dfilt_i] = tmv_to_ns(sum) / 2;
	bc->cur.dfilt_i = (bc->cur.dfilt_i + 1) % BC_DELAY_FILTER;
	if (bc->cur.dfilt_n < BC_DELAY_FILTER)
		bc->cur.dfilt_n++;
	med = delay_median(bc->cur.dfilt, bc->cur.dfilt_n);
	bc->cur.meanPathDelay = tmv_from_ns(med > 0 ? med : 0);
	bc->cur.have_delay = true;
}

static bool from_parent(const struct bc *bc, unsigned int p,
			const struct ptp_msg *m)
{
	const struct bc_port *pt = &bc->port[p];

	return (pt->state == FSM_SLAVE || pt->state == FSM_UNCALIBRATED) &&
	       (int)p == bc->slave_port &&
	       same_port(&m->hdr.sourcePortIdentity,
			 &bc->parent.parentPortIdentity);
}

static bool ts_to_tmv(const struct ptp_timestamp *ts, tmv_t *t)
{
	return ptp_ts_to_tmv(ts, t);
}

static int rx_sync(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		   const struct bc_rx *rx)
{
	struct bc_port *pt = &bc->port[p];

	pt->stats.sync_rx++;
	if (!from_parent(bc, p, m)) {
		pt->stats.not_from_parent++;
		return 1;
	}
	pt->sync.valid = true;
	pt->sync.complete = false;
	pt->sync.seq = m->hdr.sequenceId;
	pt->sync.base = rx->ts;
	pt->sync.t2 = dclock_from_base(&bc->clock, rx->ts);
	pt->sync.cf = m->hdr.correction;
	pt->sync.two_step = (m->hdr.flagField & PTP_FLAG_TWO_STEP) != 0;
	if (pt->sync.two_step)
		return 0;
	if (!ts_to_tmv(&m->body.sync.ts, &pt->sync.t1))
		return 1;
	pt->sync.complete = true;
	clock_sample(bc, p, rx->ts);
	return 0;
}

static int rx_follow_up(struct bc *bc, unsigned int p, const struct ptp_msg *m,
			const struct bc_rx *rx)
{
	struct bc_port *pt = &bc->port[p];

	pt->stats.follow_up_rx++;
	if (!from_parent(bc, p, m)) {
		pt->stats.not_from_parent++;
		return 1;
	}
	if (!pt->sync.valid || !pt->sync.two_step || pt->sync.complete ||
	    pt->sync.seq != m->hdr.sequenceId ||
	    !ts_to_tmv(&m->body.sync.ts, &pt->sync.t1)) {
		pt->stats.unmatched++;
		return 1;
	}
	pt->sync.cf = ptp_cf_add_sat(pt->sync.cf, m->hdr.correction);
	pt->sync.complete = true;
	clock_sample(bc, p, rx->ts);
	return 0;
}

static int rx_delay_resp(struct bc *bc, unsigned int p, const struct ptp_msg *m)
{
	struct bc_port *pt = &bc->port[p];
	tmv_t t4;

	pt->stats.delay_resp_rx++;
	if (!same_port(&m->body.resp.requestingPortIdentity, &pt->id))
		return 1;		/* for another timeReceiver */
	if (!from_parent(bc, p, m)) {
		pt->stats.not_from_parent++;
		return 1;
	}
	if (!pt->dreq.pending || pt->dreq.seq != m->hdr.sequenceId ||
	    !ts_to_tmv(&m->body.resp.ts, &t4)) {
		pt->stats.unmatched++;
		return 1;
	}
	if (m->hdr.logMessageInterval >= -7 && m->hdr.logMessageInterval <= 7) {
		pt->have_master_dreq_log = true;
		pt->master_dreq_log = m->hdr.logMessageInterval;
	}
	if (!pt->dreq.have_t3) {
		/* the TX timestamp of our Delay_Req is still on its way (it
		 * comes back from the worker through another path): keep t4
		 * and finish when t3 arrives */
		pt->dreq.have_resp = true;
		pt->dreq.t4 = t4;
		pt->dreq.resp_cf = m->hdr.correction;
		pt->stats.resp_before_t3++;
		return 0;
	}
	pt->dreq.pending = false;
	delay_sample(bc, pt, t4, m->hdr.correction);
	return 0;
}

/* EP-15: a configured timeReceiver address for this clock identity. */
static const struct conf_time_receiver *tr_lookup(const struct bc *bc,
		const struct ptp_clock_identity *id)
{
	for (unsigned int i = 0; i < bc->cfg.n_time_receivers; i++)
		if (bmca_clockid_cmp(&bc->cfg.time_receivers[i].clock_identity,
				     id) == 0)
			return &bc->cfg.time_receivers[i];
	return NULL;
}

static void tr_addr(const struct conf_time_receiver *tr, struct bc_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->is_v6 = tr->is_v6;
	if (tr->is_v6)
		memcpy(a->a, &tr->addr6, 16);
	else
		memcpy(a->a, &tr->addr4, 4);
}

/* EP-07: multicast Delay_Req -> multicast Delay_Resp, unicast -> unicast
 * (to the time_receivers entry if any, else to the IP source). */
static int rx_delay_req(struct bc *bc, unsigned int p, const struct ptp_msg *m,
			const struct bc_rx *rx)
{
	struct bc_port *pt = &bc->port[p];
	const struct conf_time_receiver *tr;
	struct bc_addr dst = rx->src;
	struct ptp_msg r;

	pt->stats.delay_req_rx++;
	if (pt->state != FSM_MASTER)
		return 1;
	hdr_init(bc, &r, p, PTP_DELAY_RESP, m->hdr.sequenceId,
		 bc->cfg.log_min_delay_req_interval);	/* EP-11 */
	r.hdr.correction = m->hdr.correction;
	r.body.resp.ts = ptp_tmv_to_ts(dclock_from_base(&bc->clock, rx->ts));
	r.body.resp.requestingPortIdentity = m->hdr.sourcePortIdentity;
	if (rx->dst_multicast) {	/* on the group it came on */
		pt->stats.delay_resp_multicast++;
		bc_send_scope(bc, p, &r, NULL, false, rx->mcast_scope);
		return 0;
	}
	r.hdr.flagField = PTP_FLAG_UNICAST;
	tr = tr_lookup(bc, &m->hdr.sourcePortIdentity.clock);
	if (tr != NULL) {
		tr_addr(tr, &dst);
		pt->stats.delay_resp_table++;
	}
	pt->stats.delay_resp_unicast++;
	bc_send(bc, p, &r, &dst, false);
	return 0;
}

static int rx_announce(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		       const struct bc_rx *rx)
{
	struct bc_port *pt = &bc->port[p];
	struct foreign_record *r;
	int res;

	pt->stats.announce_rx++;
	if (!port_runs_bmca(pt))
		return 1;
	res = foreign_announce(&pt->ft, m, &rx->src, rx->ts, &r);
	if (res < 0)
		return 1;
	if (pt->state == FSM_LISTENING)
		pt->listen_deadline = tmv_add(rx->ts, foreign_timeout(&pt->ft, r));
	if ((int)p == bc->slave_port &&
	    same_port(&r->ds.sender, &bc->parent.parentPortIdentity))
		update_slave(bc, r);	/* parent's properties may change */
	if (res == FOREIGN_QUALIFIED) {
		state_decision(bc, rx->ts);
	} else if (fsm_is_master(pt->state)) {
		struct bmca_dataset ref;

		/* a timeTransmitter port that hears a better grandmaster
		 * stops announcing over it now, not after qualification */
		announced_gm(bc, &ref);
		if (record_better(r, &ref))
			state_decision(bc, rx->ts);
	}
	return 0;
}

static bool is_negotiation(const struct ptp_msg *m)
{
	for (unsigned int i = 0; i < m->n_tlvs; i++)
		if (m->tlvs[i].type >= PTP_TLV_REQUEST_UNICAST_TRANSMISSION &&
		    m->tlvs[i].type <= PTP_TLV_ACK_CANCEL_UNICAST_TRANSMISSION)
			return true;
	return false;
}

static int rx_other(struct bc *bc, const struct ptp_msg *m)
{
	switch (m->hdr.messageType) {
	case PTP_PDELAY_REQ:
	case PTP_PDELAY_RESP:
	case PTP_PDELAY_RESP_FOLLOW_UP:
		bc->stats.profile_violation++;	/* EP-05, EP-24 */
		break;
	case PTP_SIGNALING:
		if (is_negotiation(m))
			bc->stats.unicast_negotiation++;	/* EP-14 */
		else
			bc->stats.signaling_other++;
		break;
	default:
		bc->stats.management++;
		break;
	}
	return 1;
}

/* The message's body timestamp is never read by the instance. */
static bool ts_unused(const struct ptp_msg *m)
{
	return m->hdr.messageType == PTP_ANNOUNCE ||
	       m->hdr.messageType == PTP_DELAY_REQ ||
	       (m->hdr.messageType == PTP_SYNC &&
		(m->hdr.flagField & PTP_FLAG_TWO_STEP));
}

int bc_rx(struct bc *bc, unsigned int port, const uint8_t *buf, size_t len,
	  const struct bc_rx *rx)
{
	struct ptp_msg m;
	int rc;

	if (port >= bc->n_ports)
		return PTP_E_INVAL;
	bc->port[port].stats.rx++;
	rc = ptp_msg_parse(buf, len, &m);
	if (rc == PTP_E_BAD_TIMESTAMP && ts_unused(&m)) {
		/* as ptp4l: a timestamp nobody reads (Announce, two-step
		 * Sync, Delay_Req originTimestamp) with nanoseconds >= 1e9,
		 * as coarse grandmasters send, does not cost the message */
		bc->stats.bad_unused_ts++;
		m.n_tlvs = 0;
		rc = PTP_OK;
	}
	if (rc < 0) {
		bc->stats.malformed++;
		return rc;
	}
	if (m.hdr.domainNumber != bc->dds.domainNumber) {
		bc->stats.wrong_domain++;
		return 1;
	}
	/* sdoId 0x000: the Enterprise Profile (1588-2019 default); a
	 * message of another standards organisation's profile (e.g. gPTP,
	 * majorSdoId 1) in the same domain number is not ours (7.1.4) */
	if (m.hdr.majorSdoId != 0 || m.hdr.minorSdoId != 0) {
		bc->stats.wrong_sdo++;
		return 1;
	}
	if (bmca_clockid_cmp(&m.hdr.sourcePortIdentity.clock,
			     &bc->dds.clockIdentity) == 0) {
		bc->stats.own_messages++;
		return 1;
	}
	switch (m.hdr.messageType) {
	case PTP_ANNOUNCE: return rx_announce(bc, port, &m, rx);
	case PTP_SYNC: return rx_sync(bc, port, &m, rx);
	case PTP_FOLLOW_UP: return rx_follow_up(bc, port, &m, rx);
	case PTP_DELAY_REQ: return rx_delay_req(bc, port, &m, rx);
	case PTP_DELAY_RESP: return rx_delay_resp(bc, port, &m);
	default: return rx_other(bc, &m);
	}
}

void bc_tx_timestamp(struct bc *bc, unsigned int port, uint8_t type,
		     uint16_t seq, tmv_t ts)
{
	struct bc_port *pt;

	if (port >= bc->n_ports)
		return;
	pt = &bc->port[port];
	if (type == PTP_SYNC && pt->sync_tx.pending && pt->sync_tx.seq == seq) {
		pt->sync_tx.pending = false;
		if (pt->state == FSM_MASTER)
			send_follow_up(bc, port, seq, ts);
	} else if (type == PTP_DELAY_REQ && pt->dreq.pending &&
		   pt->dreq.seq == seq) {
		pt->dreq.t3 = dclock_from_base(&bc->clock, ts);
		pt->dreq.have_t3 = true;
		if (pt->dreq.have_resp) {
			pt->dreq.pending = pt->dreq.have_resp = false;
			delay_sample(bc, pt, pt->dreq.t4, pt->dreq.resp_cf);
		}
	}
}

/* ---- timers ---- */

/* Receipt timeouts; returns true if some port timed out. */
static bool port_timeouts(struct bc *bc, unsigned int p, tmv_t now)
{
	struct bc_port *pt = &bc->port[p];
	bool expired = foreign_expire(&pt->ft, now) > 0;
	bool fire = false;

	switch (pt->state) {
	case FSM_LISTENING:
		fire = after(now, pt->listen_deadline) &&
		       foreign_n_qualified(&pt->ft) == 0;
		if (fire)	/* re-arm: stays LISTENING without UTC offset
				 * or while it faces a better grandmaster */
			port_enter(bc, p, FSM_LISTENING, now);
		break;
	case FSM_UNCALIBRATED:
	case FSM_SLAVE:
		fire = foreign_find(&pt->ft, &bc->parent.parentPortIdentity) == NULL;
		break;
	case FSM_PASSIVE:
		fire = foreign_n_qualified(&pt->ft) == 0;
		break;
	default:
		break;
	}
	if (fire)
		port_event(bc, p, FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT, false, now);
	return fire || expired;
}

/* 1588-2019 9.5.11.2: the time to the next Delay_Req is drawn uniformly
 * from [0, 2^(logMinDelayReqInterval + 1)) s, with the timeTransmitter's
 * logMinDelayReqInterval (its Delay_Resp's logMessageInterval) once known,
 * the configured one before (as ptp4l). */
static tmv_t dreq_interval(const struct bc *bc, const struct bc_port *pt)
{
	return log_interval(pt->have_master_dreq_log ? pt->master_dreq_log :
			    bc->cfg.log_min_delay_req_interval);
}

static tmv_t dreq_spacing(struct bc *bc, const struct bc_port *pt)
{
	uint64_t x = bc->rng, span = 2 * (uint64_t)tmv_to_ns(dreq_interval(bc, pt));

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	bc->rng = x;
	return tmv_from_ns((int64_t)(x % span));
}

static void port_transmit(struct bc *bc, unsigned int p, tmv_t now)
{
	struct bc_port *pt = &bc->port[p];

	if (pt->state == FSM_PRE_MASTER && after(now, pt->qual_deadline))
		port_event(bc, p, FSM_EV_QUALIFICATION_TIMEOUT, false, now);
	if (pt->state == FSM_MASTER) {
		if (after(now, pt->next_announce)) {
			send_announce(bc, p, now);
			pt->next_announce = tmv_add(now,
				log_interval(bc->cfg.log_announce_interval));
		}
		if (after(now, pt->next_sync)) {
			send_sync(bc, p, now);
			pt->next_sync = tmv_add(now,
				log_interval(bc->cfg.log_sync_interval));
		}
	} else if ((pt->state == FSM_SLAVE || pt->state == FSM_UNCALIBRATED) &&
		   pt->sync.complete && after(now, pt->next_delay_req) &&
		   (!pt->dreq.pending ||	/* answered, or given up on */
		    after(now, tmv_add(pt->dreq.sent, dreq_interval(bc, pt))))) {
		send_delay_req(bc, p, now);
		pt->next_delay_req = tmv_add(now, dreq_spacing(bc, pt));
	}
}

void bc_tick(struct bc *bc, tmv_t now)
{
	bool decide = false;

	bc->now = now;
	for (unsigned int p = 0; p < bc->n_ports; p++)
		decide |= port_timeouts(bc, p, now);
	if (bc->holdover && after(now, bc->holdover_until)) {
		holdover_leave(bc);
		if (bc->slave_port < 0)
			update_gm(bc);
		decide = true;
	}
	if (decide || after(now, bc->next_decision)) {
		state_decision(bc, now);
		bc->next_decision = tmv_add(now,
			log_interval(bc->cfg.log_announce_interval));
	}
	for (unsigned int p = 0; p < bc->n_ports; p++)
		port_transmit(bc, p, now);
}

/* ---- setup and queries ---- */

static int check_config(const struct conf_bc *cfg)
{
	if (cfg->n_ports == 0 || cfg->n_ports > BC_MAX_PORTS)
		return -1;
	if (cfg->log_sync_interval < -7 || cfg->log_sync_interval > 7 ||
	    cfg->log_min_delay_req_interval < -7 ||
	    cfg->log_min_delay_req_interval > 7 ||
	    cfg->log_announce_interval < -7 || cfg->log_announce_interval > 7)
		return -1;	/* EP-09: 1/128 s .. 128 s */
	if (cfg->n_acceptable > CONF_MAX_TT_TABLE ||
	    cfg->n_preferred > CONF_MAX_TT_TABLE ||
	    cfg->n_time_receivers > CONF_MAX_TR_TABLE)
		return -1;
	return 0;
}

static void init_dds(struct bc *bc, const struct ptp_clock_identity *id)
{
	bc->dds.clockIdentity = *id;
	bc->dds.clockQuality.clockClass = bc->cfg.slave_only ? 255 :
					  bc->cfg.clock_class;
	bc->cfg.clock_class = bc->dds.clockQuality.clockClass;
	bc->dds.clockQuality.clockAccuracy = bc->cfg.clock_accuracy;
	bc->dds.clockQuality.offsetScaledLogVariance =
		bc->cfg.offset_scaled_log_variance;
	bc->dds.priority1 = bc->cfg.priority1;
	bc->dds.priority2 = bc->cfg.priority2;
	bc->dds.domainNumber = bc->cfg.domain;
	bc->dds.slaveOnly = bc->cfg.slave_only;
	bc->dds.twoStep = bc->cfg.two_step;
}

static int init_servo(struct bc *bc)
{
	struct servo_params sp = {
		.kp = bc->cfg.servo_kp, .ki = bc->cfg.servo_ki,
		.step_threshold_ns = bc->cfg.step_threshold_ns,
		.max_ppb = 900000.0,
		.interval_s = (double)tmv_to_ns(log_interval(bc->cfg.log_sync_interval)) / 1e9,
	};

	return servo_init(&bc->servo, &sp, 0.0);
}

int bc_init(struct bc *bc, const struct conf_bc *cfg,
	    const struct ptp_clock_identity *id, const struct bc_ops *ops,
	    void *arg, tmv_t now)
{
	if (check_config(cfg) < 0 || ops == NULL || ops->send == NULL)
		return -1;
	memset(bc, 0, sizeof(*bc));
	bc->cfg = *cfg;
	bc->ops = ops;
	bc->arg = arg;
	bc->n_ports = cfg->n_ports;
	bc->slave_port = -1;
	bc->holdover_len = tmv_from_ns(BC_HOLDOVER_S * PTP_NSEC_PER_SEC);
	bc->rng = 0x9E3779B97F4A7C15ull ^ (uint64_t)tmv_to_ns(now);
	for (unsigned int i = 0; i < 8; i++)
		bc->rng = bc->rng * 31 + id->id[i];
	if (bc->rng == 0)
		bc->rng = 1;
	init_dds(bc, id);
	if (init_servo(bc) < 0)
		return -1;
	dclock_init(&bc->clock, now, now);
	update_gm(bc);
	for (unsigned int p = 0; p < bc->n_ports; p++) {
		struct bc_port *pt = &bc->port[p];

		pt->id.clock = *id;
		pt->id.port = (uint16_t)(p + 1);
		if (foreign_init(&pt->ft, &pt->id, bc->cfg.log_announce_interval,
				 bc->cfg.acceptable, bc->cfg.n_acceptable,
				 bc->cfg.preferred, bc->cfg.n_preferred) < 0)
			return -1;
		pt->state = FSM_INITIALIZING;
		port_event(bc, p, FSM_EV_INIT_COMPLETE, false, now);
	}
	bc->next_decision = now;
	bc->now = now;
	return 0;
}

void bc_set_time_utc(struct bc *bc, tmv_t now, int64_t utc_ns)
{
	int64_t t = utc_ns;

	if (bc->tp.ptpTimescale)
		t += (int64_t)bc->tp.currentUtcOffset * PTP_NSEC_PER_SEC;
	dclock_step(&bc->clock, now,
		    tmv_sub(tmv_from_ns(t), dclock_from_base(&bc->clock, now)));
}

tmv_t bc_time(const struct bc *bc, tmv_t base)
{
	return dclock_from_base(&bc->clock, base);
}

enum fsm_state bc_port_state(const struct bc *bc, unsigned int port)
{
	return port < bc->n_ports ? bc->port[port].state : FSM_N_STATES;
}

int bc_port_link(struct bc *bc, unsigned int port, bool up, tmv_t now)
{
	struct bc_port *pt;
	enum fsm_state before;

	if (port >= bc->n_ports)
		return -1;
	pt = &bc->port[port];
	before = pt->state;
	bc->now = now;
	if (up) {
		if (before == FSM_FAULTY)
			port_event(bc, port, FSM_EV_FAULT_CLEARED, false, now);
	} else if (before != FSM_FAULTY && before != FSM_DISABLED) {
		port_event(bc, port, FSM_EV_FAULT_DETECTED, false, now);
		pt->sync.valid = pt->sync.complete = false;
		pt->dreq.pending = pt->dreq.have_t3 = false;
		pt->sync_tx.pending = false;
		if ((int)port == bc->slave_port)
			state_decision(bc, now);
	}
	return pt->state != before;
}

void bc_set_holdover(struct bc *bc, tmv_t len)
{
	bc->holdover_len = len;
}
