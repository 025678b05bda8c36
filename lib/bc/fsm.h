/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_BC_FSM_H
#define PTPSW_BC_FSM_H

/*
 * PTP port state machine (IEEE 1588-2019 9.2.5, figure 30 for a full port,
 * the slave-only variant for timeReceiver-only ports). A pure function of
 * (state, event, guards): no timers, no I/O.
 *
 * Choices where the figure leaves room, documented here:
 * - RS_GRAND_MASTER (decisions M1/M2) goes straight to MASTER: the
 *   qualification time of a grandmaster port is zero (9.2.6.10).
 * - EP-13 (RFC 9760 8): a port never enters PRE_MASTER or MASTER while the
 *   clock has no valid current UTC offset: fsm_next() never returns them
 *   then, and returns LISTENING instead (also for a MASTER port whose
 *   clock lost the offset, on any event).
 * - Slave-only ports replace every PRE_MASTER/MASTER/PASSIVE outcome by
 *   LISTENING.
 */

#include <stdbool.h>

enum fsm_state {
	FSM_INITIALIZING = 0,
	FSM_FAULTY,
	FSM_DISABLED,
	FSM_LISTENING,
	FSM_PRE_MASTER,
	FSM_MASTER,
	FSM_PASSIVE,
	FSM_UNCALIBRATED,
	FSM_SLAVE,
	FSM_N_STATES
};

enum fsm_event {
	FSM_EV_NONE = 0,
	FSM_EV_INITIALIZE,		/* power up / re-initialize: any state */
	FSM_EV_INIT_COMPLETE,
	FSM_EV_FAULT_DETECTED,
	FSM_EV_FAULT_CLEARED,
	FSM_EV_DESIGNATED_ENABLED,
	FSM_EV_DESIGNATED_DISABLED,
	FSM_EV_ANNOUNCE_RECEIPT_TIMEOUT,
	FSM_EV_QUALIFICATION_TIMEOUT,
	FSM_EV_MASTER_CLOCK_SELECTED,
	FSM_EV_SYNCHRONIZATION_FAULT,
	FSM_EV_RS_MASTER,
	FSM_EV_RS_GRAND_MASTER,
	FSM_EV_RS_SLAVE,
	FSM_EV_RS_PASSIVE,
	FSM_N_EVENTS
};

/* Inputs other than (state, event) that decide a transition. */
struct fsm_guard {
	bool slave_only;	/* defaultDS.slaveOnly: slave-only variant */
	bool utc_offset_valid;	/* EP-13: clock has a current UTC offset */
	bool new_master;	/* RS_SLAVE with a parent other than before */
};

/*
 * Next state of a port in state s on event ev under guard g.
 * Returns s itself when the event causes no transition; an out-of-range
 * state is returned unchanged.
 */
enum fsm_state fsm_next(enum fsm_state s, enum fsm_event ev,
			const struct fsm_guard *g);

/* True for PRE_MASTER and MASTER. */
bool fsm_is_master(enum fsm_state s);

/* Name of a state ("SLAVE", ...) or event ("RS_SLAVE", ...); static
 * strings, "invalid" for out-of-range values. */
const char *fsm_state_name(enum fsm_state s);
const char *fsm_event_name(enum fsm_event ev);

#endif /* PTPSW_BC_FSM_H */
