/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_BC_BMCA_H
#define PTPSW_BC_BMCA_H

/*
 * Best timeTransmitter clock algorithm (IEEE 1588-2019 9.3; RFC 9760 EP-12):
 * the data set comparison of 9.3.4 (figures 34 and 35) and the state
 * decision of 9.3.3 (figure 33). Pure functions, no state.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ptp/msg.h"

/* One data set to compare: from an Announce (Erbest, Ebest) or from
 * defaultDS (D0, see bmca_dataset_from_default()). */
struct bmca_dataset {
	uint8_t priority1;
	struct ptp_clock_identity gm_identity;
	struct ptp_clock_quality quality;
	uint8_t priority2;
	uint16_t stepsRemoved;
	struct ptp_port_identity sender;	/* sourcePortIdentity of the Announce */
	struct ptp_port_identity receiver;	/* port that received it */
};

/* Result of bmca_compare(a, b). Positive: A better; negative: B better. */
enum bmca_result {
	BMCA_B_BETTER = -2,
	BMCA_B_BETTER_TOPO = -1,
	BMCA_A_BETTER_TOPO = 1,
	BMCA_A_BETTER = 2,
	BMCA_ERROR_1 = 10,	/* receiver == sender: a port heard itself */
	BMCA_ERROR_2 = 11,	/* same sender, same receiver: duplicate */
};

/* Recommended state of 9.3.3 (figure 33). */
enum bmca_decision {
	BMCA_DEC_LISTENING = 0,	/* Erbest empty and port LISTENING: no change */
	BMCA_DEC_M1,		/* clockClass 1..127, D0 better than Erbest */
	BMCA_DEC_M2,		/* D0 better than Ebest */
	BMCA_DEC_M3,		/* timeTransmitter, not the grandmaster */
	BMCA_DEC_S1,		/* this port received Ebest: timeReceiver */
	BMCA_DEC_P1,		/* clockClass 1..127, Erbest better */
	BMCA_DEC_P2,		/* Ebest better by topology than Erbest */
};

/* Order two port identities: clockIdentity octets, then portNumber.
 * Returns <0, 0 or >0 like memcmp. */
int bmca_portid_cmp(const struct ptp_port_identity *a,
		    const struct ptp_port_identity *b);

/* Compare two clock identities octet-wise. Returns <0, 0 or >0. */
int bmca_clockid_cmp(const struct ptp_clock_identity *a,
		     const struct ptp_clock_identity *b);

/*
 * Data set comparison of 1588-2019 9.3.4 (figures 34 and 35).
 * Returns an enum bmca_result; never 0.
 */
enum bmca_result bmca_compare(const struct bmca_dataset *a,
			      const struct bmca_dataset *b);

/* True if r says "A better" or "A better by topology". */
static inline bool bmca_a_better(enum bmca_result r)
{
	return r == BMCA_A_BETTER || r == BMCA_A_BETTER_TOPO;
}

/*
 * D0 of a clock (9.3.4): its own defaultDS as a data set with
 * stepsRemoved 0 and sender = receiver = (clockIdentity, 0).
 */
void bmca_dataset_from_default(struct bmca_dataset *d0,
			       const struct ptp_clock_identity *clock,
			       uint8_t priority1,
			       const struct ptp_clock_quality *quality,
			       uint8_t priority2);

/*
 * Data set of a received Announce: GM fields from the body, sender from the
 * header's sourcePortIdentity, receiver = the receiving port's identity.
 */
void bmca_dataset_from_announce(struct bmca_dataset *d,
				const struct ptp_msg *announce,
				const struct ptp_port_identity *receiver);

/*
 * State decision algorithm (9.3.3, figure 33) for one port r.
 * d0: the clock's D0. ebest: best data set of the clock over all ports, or
 * NULL. erbest: best data set of port r, or NULL. r_is_ebest_port: Ebest
 * was received on port r. listening: port r is in LISTENING.
 * Returns the recommended state (a slave-only port maps M and P to
 * LISTENING in its state machine, see fsm.h).
 */
enum bmca_decision bmca_decide(const struct bmca_dataset *d0,
			       const struct bmca_dataset *ebest,
			       const struct bmca_dataset *erbest,
			       bool r_is_ebest_port, bool listening);

/* Name of a decision ("M1", ...), static, never NULL. */
const char *bmca_decision_name(enum bmca_decision d);

#endif /* PTPSW_BC_BMCA_H */
