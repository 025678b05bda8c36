/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One boundary clock instance: set-up, queries, reception (bc_rx hands
 * each message to its side: bc_state.c, bc_sync.c), the timers (bc_tick)
 * and link changes. See bc.h for the contract, bc_private.h for the files.
 */

#include <string.h>

#include "bc/bc_private.h"

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
	case PTP_ANNOUNCE: return bc_rx_announce(bc, port, &m, rx);
	case PTP_SYNC: return bc_rx_sync(bc, port, &m, rx);
	case PTP_FOLLOW_UP: return bc_rx_follow_up(bc, port, &m, rx);
	case PTP_DELAY_REQ: return bc_rx_delay_req(bc, port, &m, rx);
	case PTP_DELAY_RESP: return bc_rx_delay_resp(bc, port, &m);
	default: return rx_other(bc, &m);
	}
}
/* Syncs stopped while locked: run on the servo's mean frequency at once,
 * not on its last (noisy) output until the Announce timeout. */
static void coast(struct bc *bc, tmv_t now)
{
	tmv_t gap = bc_log_interval(bc->cfg.log_sync_interval);
	double ppb;

	if (bc->slave_port < 0 || !bc->was_locked || bc->coasting)
		return;
	if (tmv_cmp(bc->sample_gap, gap) > 0)
		gap = bc->sample_gap;
	if (!bc_after(now, tmv_add(bc->last_sample,
				   tmv_from_ns(tmv_to_ns(gap) * BC_COAST_GAPS))))
		return;
	if (servo_holdover_ppb(&bc->servo, &ppb))
		dclock_adjust_freq(&bc->clock, now, ppb);
	bc->coasting = true;
	bc->stats.coasts++;
}

void bc_tick(struct bc *bc, tmv_t now)
{
	bool decide = false;

	bc->now = now;
	coast(bc, now);
	for (unsigned int p = 0; p < bc->n_ports; p++)
		decide |= bc_port_timeouts(bc, p, now);
	if (bc->holdover && bc_after(now, bc->holdover_until)) {
		bc_holdover_leave(bc);
		if (bc->slave_port < 0)
			bc_update_gm(bc);
		decide = true;
	}
	if (decide || bc_after(now, bc->next_decision)) {
		bc_state_decision(bc, now);
		bc->next_decision = tmv_add(now,
			bc_log_interval(bc->cfg.log_announce_interval));
	}
	for (unsigned int p = 0; p < bc->n_ports; p++)
		bc_port_transmit(bc, p, now);
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
		.interval_s = (double)tmv_to_ns(bc_log_interval(bc->cfg.log_sync_interval)) / 1e9,
	};
	struct servo_params up = sp;	/* bc_track_utc()'s */

	up.kp = BC_UTC_KP;
	up.ki = BC_UTC_KI;
	up.interval_s = (double)BC_UTC_TRACK_NS / 1e9;
	if (servo_init(&bc->utc_servo, &up, 0.0) != 0)
		return -1;
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
	bc_update_gm(bc);
	for (unsigned int p = 0; p < bc->n_ports; p++) {
		struct bc_port *pt = &bc->port[p];

		pt->id.clock = *id;
		pt->id.port = (uint16_t)(p + 1);
		if (foreign_init(&pt->ft, &pt->id, bc->cfg.log_announce_interval,
				 bc->cfg.acceptable, bc->cfg.n_acceptable,
				 bc->cfg.preferred, bc->cfg.n_preferred) < 0)
			return -1;
		pt->state = FSM_INITIALIZING;
		bc_port_event(bc, p, FSM_EV_INIT_COMPLETE, false, now);
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

int bc_track_utc(struct bc *bc, tmv_t now, int64_t utc_ns)
{
	int64_t t = utc_ns, off;
	enum servo_state st;
	double adj;

	if (bc->slave_port >= 0 || bc->time_from_parent) {
		if (bc->utc_servo.count != 0)
			servo_reset(&bc->utc_servo);
		servo_follow_reset(&bc->utc_servo);
		return 0;
	}
	if ((bc->tp.ptpTimescale &&
	     __builtin_add_overflow(t, (int64_t)bc->tp.currentUtcOffset *
				    PTP_NSEC_PER_SEC, &t)) ||
	    __builtin_sub_overflow(tmv_to_ns(dclock_from_base(&bc->clock, now)),
				   t, &off) || off == INT64_MIN) {
		bc->stats.time_overflow++;
		return 0;
	}
	adj = bc_servo_sample(bc, &bc->utc_servo, tmv_from_ns(off), now, &st);
	if (st == SERVO_JUMP) {
		dclock_step(&bc->clock, now, tmv_from_ns(-off));
		bc->stats.utc_steps++;
	}
	dclock_adjust_freq(&bc->clock, now, adj);
	bc->stats.utc_samples++;
	return 1;
}

enum servo_follow bc_follow(const struct bc *bc, enum bc_ref *ref)
{
	*ref = BC_REF_NONE;
	if (bc->slave_port >= 0) {
		if (bc->coasting || bc->holdover)
			return SERVO_FOLLOWS;
		*ref = BC_REF_PARENT;
		return servo_follow(&bc->servo);
	}
	if (bc->time_from_parent)
		return SERVO_FOLLOWS;	/* holdover, or a grandmaster on it */
	*ref = BC_REF_REALTIME;
	return servo_follow(&bc->utc_servo);
}

const char *bc_ref_name(enum bc_ref ref)
{
	switch (ref) {
	case BC_REF_PARENT: return "parent";
	case BC_REF_REALTIME: return "CLOCK_REALTIME";
	default: return "none";
	}
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
			bc_port_event(bc, port, FSM_EV_FAULT_CLEARED, false, now);
	} else if (before != FSM_FAULTY && before != FSM_DISABLED) {
		bc_port_event(bc, port, FSM_EV_FAULT_DETECTED, false, now);
		pt->sync.valid = pt->sync.complete = false;
		pt->dreq.pending = pt->dreq.have_t3 = false;
		pt->sync_tx.pending = false;
		if ((int)port == bc->slave_port)
			bc_state_decision(bc, now);
	}
	return pt->state != before;
}

void bc_set_holdover(struct bc *bc, tmv_t len)
{
	bc->holdover_len = len;
}
