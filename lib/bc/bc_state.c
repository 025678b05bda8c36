/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Boundary clock: datasets (1588-2019 9.3.5), holdover, the BMCA's state
 * decisions, the port state machines, Announce reception and the receipt
 * timeouts.
 *
 * Holdover: when the instance loses its last timeTransmitter after its
 * servo had locked, it keeps its clock's time, runs it at the servo's
 * mean frequency of about the last 30 s (servo_holdover_ppb(); the last
 * output carries one noisy sample's proportional term, some 0.7 ppm with
 * software stamps; bc_tick() switches to it already when the Syncs
 * stop) and announces itself with clockClass BC_HOLDOVER_CLASS (187,
 * "may be a timeReceiver": a class in 1..127 would make it refuse every
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

#include "bc/bc_private.h"

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
void bc_update_gm(struct bc *bc)
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
	double ppb;

	/* keep the loop's mean frequency, not its last (noisy) output */
	if (servo_holdover_ppb(&bc->servo, &ppb))
		dclock_adjust_freq(&bc->clock, now, ppb);
	bc->holdover = true;
	bc->holdover_until = tmv_add(now, bc->holdover_len);
	bc->stats.holdover_entered++;
	if (gm_class >= 1 && gm_class <= 127)
		bc->dds.clockQuality.clockClass = BC_HOLDOVER_CLASS;
}

void bc_holdover_leave(struct bc *bc)
{
	bc->holdover = false;
	bc->dds.clockQuality.clockClass = bc->cfg.clock_class;
}
/* ---- state handling ---- */

static void port_enter(struct bc *bc, unsigned int p, enum fsm_state s,
		       tmv_t now)
{
	struct bc_port *pt = &bc->port[p];
	tmv_t ai = bc_log_interval(bc->cfg.log_announce_interval);

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

void bc_port_event(struct bc *bc, unsigned int p, enum fsm_event ev,
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

/* The port state machine's event for a BMCA decision (9.3.3). */
static enum fsm_event decision_event(enum bmca_decision d)
{
	static const enum fsm_event ev[] = {
		[BMCA_DEC_M1] = FSM_EV_RS_GRAND_MASTER,
		[BMCA_DEC_M2] = FSM_EV_RS_GRAND_MASTER,
		[BMCA_DEC_M3] = FSM_EV_RS_MASTER,
		[BMCA_DEC_S1] = FSM_EV_RS_SLAVE,
		[BMCA_DEC_P1] = FSM_EV_RS_PASSIVE,
		[BMCA_DEC_P2] = FSM_EV_RS_PASSIVE,
	};

	return (unsigned int)d < sizeof(ev) / sizeof(ev[0]) ? ev[d] :
							      FSM_EV_NONE;
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
			bc_holdover_leave(bc);
		update_slave(bc, ebest);
		bc->slave_port = ebest_port;
	} else if (gm || (had_parent && ebest_port < 0)) {
		if (had_parent && bc->was_locked && !bc->holdover)
			holdover_enter(bc, now);
		bc->slave_port = -1;
		bc->was_locked = false;
		bc_update_gm(bc);
	}
	return !bc_same_port(&old, &bc->parent.parentPortIdentity);
}

void bc_state_decision(struct bc *bc, tmv_t now)
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
		servo_follow_reset(&bc->servo);
		bc->cur.have_delay = false;
		bc->cur.dfilt_n = bc->cur.dfilt_i = 0;
	}
	for (unsigned int p = 0; p < bc->n_ports; p++)
		if (dec[p] != BMCA_DEC_LISTENING)
			bc_port_event(bc, p, decision_event(dec[p]), new_master, now);
	/* a slave-only clock may have nowhere to be a timeReceiver */
	if (bc->slave_port >= 0 &&
	    bc->port[bc->slave_port].state != FSM_UNCALIBRATED &&
	    bc->port[bc->slave_port].state != FSM_SLAVE)
		bc->slave_port = -1;
}
int bc_rx_announce(struct bc *bc, unsigned int p, const struct ptp_msg *m,
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
	    bc_same_port(&r->ds.sender, &bc->parent.parentPortIdentity))
		update_slave(bc, r);	/* parent's properties may change */
	if (res == FOREIGN_QUALIFIED) {
		bc_state_decision(bc, rx->ts);
	} else if (fsm_is_master(pt->state)) {
		struct bmca_dataset ref;

		/* a timeTransmitter port that hears a better grandmaster
		 * stops announcing over it now, not after qualification */
		announced_gm(bc, &ref);
		if (record_better(r, &ref))
			bc_state_decision(bc, rx->ts);
	}
	return 0;
}
/* ---- timers ---- */

/* Receipt timeouts; returns true if some port timed out. */
bool bc_port_timeouts(struct bc *bc, unsigned int p, tmv_t now)
{
	struct bc_port *pt = &bc->port[p];
	bool expired = foreign_expire(&pt->ft, now) > 0;
	bool fire = false;

	switch (pt->state) {
	case FSM_LISTENING:
		fire = bc_after(now, pt->listen_deadline) &&
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
		bc_port_event(bc, p, FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT, false, now);
	return fire || expired;
}
