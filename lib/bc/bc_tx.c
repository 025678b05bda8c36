/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boundary clock, transmission: message headers, the send() hand-over,
 * Announce / Sync / Follow_Up / Delay_Req, and the per-port timers that
 * send them (Delay_Req spacing, 1588-2019 9.5.11.2).
 */

#include <string.h>

#include "bc/bc_private.h"

void bc_hdr_init(struct bc *bc, struct ptp_msg *m, unsigned int p,
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

void bc_send(struct bc *bc, unsigned int p, const struct ptp_msg *m,
	     const struct bc_addr *ucast, bool want_ts)
{
	bc_send_scope(bc, p, m, ucast, want_ts, 0);
}

/* scope: IPv6 multicast scope X of FF0X::181, 0 for the configured one */
void bc_send_scope(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		   const struct bc_addr *ucast, bool want_ts, uint8_t scope)
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

	bc_hdr_init(bc, &m, p, PTP_ANNOUNCE, bc->port[p].seq_announce++,
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

	bc_hdr_init(bc, &m, p, PTP_SYNC, pt->seq_sync++, bc->cfg.log_sync_interval);
	m.hdr.flagField = bc->dds.twoStep ? PTP_FLAG_TWO_STEP : 0;
	m.body.sync.ts = ptp_tmv_to_ts(dclock_now(&bc->clock, now));
	pt->sync_tx.pending = bc->dds.twoStep;
	pt->sync_tx.seq = m.hdr.sequenceId;
	bc_send(bc, p, &m, NULL, bc->dds.twoStep);
}

void bc_send_follow_up(struct bc *bc, unsigned int p, uint16_t seq, tmv_t ts)
{
	struct ptp_msg m;

	bc_hdr_init(bc, &m, p, PTP_FOLLOW_UP, seq, bc->cfg.log_sync_interval);
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
	bc_hdr_init(bc, &m, p, PTP_DELAY_REQ, pt->seq_delay_req++,
		 BC_LOG_UNSPECIFIED);
	m.hdr.flagField = ucast ? PTP_FLAG_UNICAST : 0;
	m.body.sync.ts = ptp_tmv_to_ts(dclock_now(&bc->clock, now));
	pt->dreq.pending = true;
	pt->dreq.have_t3 = pt->dreq.have_resp = false;
	pt->dreq.seq = m.hdr.sequenceId;
	pt->dreq.sent = now;
	bc_send(bc, p, &m, ucast ? &r->addr : NULL, true);
}
/* 1588-2019 9.5.11.2: the time to the next Delay_Req is drawn uniformly
 * from [0, 2^(logMinDelayReqInterval + 1)) s, with the timeTransmitter's
 * logMinDelayReqInterval (its Delay_Resp's logMessageInterval) once known,
 * the configured one before (as ptp4l). */
static tmv_t dreq_interval(const struct bc *bc, const struct bc_port *pt)
{
	return bc_log_interval(pt->have_master_dreq_log ? pt->master_dreq_log :
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

void bc_port_transmit(struct bc *bc, unsigned int p, tmv_t now)
{
	struct bc_port *pt = &bc->port[p];

	if (pt->state == FSM_PRE_MASTER && bc_after(now, pt->qual_deadline))
		bc_port_event(bc, p, FSM_EV_QUALIFICATION_TIMEOUT, false, now);
	if (pt->state == FSM_MASTER) {
		if (bc_after(now, pt->next_announce)) {
			send_announce(bc, p, now);
			pt->next_announce = tmv_add(now,
				bc_log_interval(bc->cfg.log_announce_interval));
		}
		if (bc_after(now, pt->next_sync)) {
			send_sync(bc, p, now);
			pt->next_sync = tmv_add(now,
				bc_log_interval(bc->cfg.log_sync_interval));
		}
	} else if ((pt->state == FSM_SLAVE || pt->state == FSM_UNCALIBRATED) &&
		   pt->sync.complete && bc_after(now, pt->next_delay_req) &&
		   (!pt->dreq.pending ||	/* answered, or given up on */
		    bc_after(now, tmv_add(pt->dreq.sent, dreq_interval(bc, pt))))) {
		send_delay_req(bc, p, now);
		pt->next_delay_req = tmv_add(now, dreq_spacing(bc, pt));
	}
}
