/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_BC_BC_PRIVATE_H
#define PTPSW_BC_BC_PRIVATE_H

/*
 * What the files of one boundary-clock instance share (not part of the
 * API in bc.h):
 *	bc.c		set-up, queries, bc_rx() dispatch, bc_tick(), links
 *	bc_state.c	datasets, holdover, BMCA decisions, port states,
 *			Announce reception and receipt timeouts
 *	bc_sync.c	Sync / Follow_Up / Delay_Req / Delay_Resp: offset,
 *			path delay, servo, TX timestamps
 *	bc_tx.c		building and sending messages, the timers that send
 */

#include <stdbool.h>
#include <stdint.h>

#include "bc/bc.h"

/* The interval 2^lg s. */
/* servo_sample() of one of bc's servos (the parent's or bc_track_utc()'s),
 * counting in bc's stats each time it stops following (bc_follow()). */
static inline double bc_servo_sample(struct bc *bc, struct servo *s,
				     tmv_t offset, tmv_t local,
				     enum servo_state *st)
{
	uint64_t lost = s->n_follow_lost;
	double adj = servo_sample(s, offset, local, st);

	bc->stats.follow_lost += s->n_follow_lost - lost;
	return adj;
}

static inline tmv_t bc_log_interval(int8_t lg)
{
	int64_t ns = lg >= 0 ? PTP_NSEC_PER_SEC << lg : PTP_NSEC_PER_SEC >> -lg;

	return tmv_from_ns(ns);
}

/* Has now reached deadline? */
static inline bool bc_after(tmv_t now, tmv_t deadline)
{
	return tmv_cmp(now, deadline) >= 0;
}

static inline bool bc_same_port(const struct ptp_port_identity *a,
				const struct ptp_port_identity *b)
{
	return bmca_portid_cmp(a, b) == 0;
}

/* ---- bc_state.c ---- */

/* M1/M2: this clock is the grandmaster (parentDS, timePropertiesDS). */
void bc_update_gm(struct bc *bc);

/* End holdover: the configured clockClass again. */
void bc_holdover_leave(struct bc *bc);

/* Feed event ev to port p's state machine (new_master: the parent
 * changed with this decision); entering a state arms its timers. */
void bc_port_event(struct bc *bc, unsigned int p, enum fsm_event ev,
		   bool new_master, tmv_t now);

/* Run the BMCA over all ports (9.3.3) and apply its decisions. */
void bc_state_decision(struct bc *bc, tmv_t now);

/* Announce m received on port p. Returns 0 if used, 1 if ignored. */
int bc_rx_announce(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		   const struct bc_rx *rx);

/* Port p's receipt timeouts; returns true if a state decision is due. */
bool bc_port_timeouts(struct bc *bc, unsigned int p, tmv_t now);

/* ---- bc_sync.c: each returns 0 if the message was used, 1 if not ---- */

int bc_rx_sync(struct bc *bc, unsigned int p, const struct ptp_msg *m,
	       const struct bc_rx *rx);
int bc_rx_follow_up(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		    const struct bc_rx *rx);
int bc_rx_delay_req(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		    const struct bc_rx *rx);
int bc_rx_delay_resp(struct bc *bc, unsigned int p, const struct ptp_msg *m);

/* ---- bc_tx.c ---- */

/* A header of type from port p with seq and logMessageInterval log_int;
 * the rest of *m zeroed. */
void bc_hdr_init(struct bc *bc, struct ptp_msg *m, unsigned int p,
		 uint8_t type, uint16_t seq, int8_t log_int);

/* Send m on port p: multicast (ucast NULL) or to *ucast; want_ts asks for
 * its TX timestamp. scope: IPv6 multicast scope X of FF0X::181, 0 for the
 * configured one. Failures are counted in the port's tx_errors. */
void bc_send_scope(struct bc *bc, unsigned int p, const struct ptp_msg *m,
		   const struct bc_addr *ucast, bool want_ts, uint8_t scope);
void bc_send(struct bc *bc, unsigned int p, const struct ptp_msg *m,
	     const struct bc_addr *ucast, bool want_ts);

/* Follow_Up of the Sync seq sent on port p at timebase time ts. */
void bc_send_follow_up(struct bc *bc, unsigned int p, uint16_t seq, tmv_t ts);

/* Qualification timeout, and the Announce, Sync and Delay_Req port p is
 * due to send at now. */
void bc_port_transmit(struct bc *bc, unsigned int p, tmv_t now);

#endif /* PTPSW_BC_BC_PRIVATE_H */
