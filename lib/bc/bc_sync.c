/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boundary clock, the time side: Sync and Follow_Up from the parent
 * (offsetFromMaster, the servo), the E2E delay measurement (our Delay_Req,
 * its TX timestamp and the Delay_Resp: meanPathDelay) and the Delay_Resp
 * a timeTransmitter port answers with (EP-07, EP-11, EP-15).
 */

#include <string.h>

#include "bc/bc_private.h"

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
	adj = bc_servo_sample(bc, &bc->servo, off, pt->sync.t2, &st);
	bc->sample_gap = tmv_sub(now, bc->last_sample);
	bc->last_sample = now;
	bc->coasting = false;
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
		bc_port_event(bc, p, FSM_EV_MASTER_CLOCK_SELECTED, false, now);
	} else if (pt->state == FSM_SLAVE) {
		bc_port_event(bc, p, FSM_EV_SYNCHRONIZATION_FAULT, false, now);
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

/* Count m in *rx_count; is it from the parent, received on the port
 * towards it? A message that is not is counted (not_from_parent). */
static bool from_parent(struct bc *bc, unsigned int p, const struct ptp_msg *m,
			uint64_t *rx_count)
{
	struct bc_port *pt = &bc->port[p];

	(*rx_count)++;
	if ((pt->state == FSM_SLAVE || pt->state == FSM_UNCALIBRATED) &&
	    (int)p == bc->slave_port &&
	    bc_same_port(&m->hdr.sourcePortIdentity,
			 &bc->parent.parentPortIdentity))
		return true;
	pt->stats.not_from_parent++;
	return false;
}

int bc_rx_sync(struct bc *bc, unsigned int p, const struct ptp_msg *m,
	       const struct bc_rx *rx)
{
	struct bc_port *pt = &bc->port[p];

	if (!from_parent(bc, p, m, &pt->stats.sync_rx))
		return 1;
	pt->sync.valid = true;
	pt->sync.complete = false;
	pt->sync.seq = m->hdr.sequenceId;
	pt->sync.base = rx->ts;
	pt->sync.t2 = dclock_from_base(&bc->clock, rx->ts);
	pt->sync.cf = m->hdr.correction;
	pt->sync.two_step = (m->hdr.flagField & PTP_FLAG_TWO_STEP) != 0;
	if (pt->sync.two_step)
		return 0;
	if (!ptp_ts_to_tmv(&m->body.sync.ts, &pt->sync.t1))
		return 1;
	pt->sync.complete = true;
	clock_sample(bc, p, rx->ts);
	return 0;
}

int bc_rx_follow_up(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		    const struct bc_rx *rx)
{
	struct bc_port *pt = &bc->port[p];

	if (!from_parent(bc, p, m, &pt->stats.follow_up_rx))
		return 1;
	if (!pt->sync.valid || !pt->sync.two_step || pt->sync.complete ||
	    pt->sync.seq != m->hdr.sequenceId ||
	    !ptp_ts_to_tmv(&m->body.sync.ts, &pt->sync.t1)) {
		pt->stats.unmatched++;
		return 1;
	}
	pt->sync.cf = ptp_cf_add_sat(pt->sync.cf, m->hdr.correction);
	pt->sync.complete = true;
	clock_sample(bc, p, rx->ts);
	return 0;
}

int bc_rx_delay_resp(struct bc *bc, unsigned int p, const struct ptp_msg *m)
{
	struct bc_port *pt = &bc->port[p];
	tmv_t t4;

	if (!bc_same_port(&m->body.resp.requestingPortIdentity, &pt->id)) {
		pt->stats.delay_resp_rx++;
		return 1;		/* for another timeReceiver */
	}
	if (!from_parent(bc, p, m, &pt->stats.delay_resp_rx))
		return 1;
	if (!pt->dreq.pending || pt->dreq.seq != m->hdr.sequenceId ||
	    !ptp_ts_to_tmv(&m->body.resp.ts, &t4)) {
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
int bc_rx_delay_req(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		    const struct bc_rx *rx)
{
	struct bc_port *pt = &bc->port[p];
	const struct conf_time_receiver *tr;
	struct bc_addr dst = rx->src;
	struct ptp_msg r;

	pt->stats.delay_req_rx++;
	if (pt->state != FSM_MASTER)
		return 1;
	bc_hdr_init(bc, &r, p, PTP_DELAY_RESP, m->hdr.sequenceId,
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
			bc_send_follow_up(bc, port, seq, ts);
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
